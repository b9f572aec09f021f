/* cli_exit: how a subcommand ends: a request's status as an exit code, a failure on stderr. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int
cli_exit_code(enum chat_status s)
{
	switch (s) {
	case CHAT_OK:
		return EXIT_OK;
	case CHAT_PROVIDER:
		return EXIT_PROVIDER;
	case CHAT_USAGE:
		return EXIT_USAGE;
	case CHAT_BUDGET:
		return EXIT_BUDGET;
	case CHAT_AUTH:
		return EXIT_AUTH;
	case CHAT_CANCELLED:
		return EXIT_INTERRUPT;
	}
	return EXIT_PROVIDER;
}

/* Print "llm: context: cause" on stderr if there is a cause, and free it. */
void
cli_complain(const char *context, char *cause)
{
	if (cause != NULL)
		fprintf(stderr, "llm: %s: %s\n", context, cause);
	free(cause);
}
