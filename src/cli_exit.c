/* cli_exit: the one place a request's status becomes an exit code. */
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
