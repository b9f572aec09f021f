/* cli_exit: how a subcommand ends (its exit code, a failure on stderr) and what its stdin is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * Say that arg, --NAME=VALUE, gives a value to an option that takes none when
 * --NAME is one of flags (NULL-terminated): "llm: context: option '--json'
 * takes no value". Whether it was said.
 */
bool
cli_flag_value(const char *context, const char *arg, const char *const *flags)
{
	size_t n = strcspn(arg, "=");

	if (strncmp(arg, "--", 2) != 0 || arg[n] != '=')
		return false;
	for (; *flags != NULL; flags++) {
		if (strlen(*flags) == n && strncmp(*flags, arg, n) == 0) {
			fprintf(stderr, "llm: %s: option '%.*s' takes no value\n", context, (int)n, arg);
			return true;
		}
	}
	return false;
}

/*
 * Whether argv[*i] is the option spelt -c or --name, taking a value as getopt
 * does: -cVALUE, -c VALUE, --name=VALUE or --name VALUE. Then *val is the
 * value, or NULL when argv ends before it, and *i is on the last word taken.
 */
bool
cli_opt_value(int argc, char **argv, int *i, char c, const char *name, const char **val)
{
	const char *s = argv[*i];
	size_t n = strlen(name);

	if (c != '\0' && s[0] == '-' && s[1] == c) {
		if (s[2] != '\0') {
			*val = s + 2;
			return true;
		}
	} else if (strncmp(s, "--", 2) == 0 && strncmp(s + 2, name, n) == 0 &&
	    (s[2 + n] == '=' || s[2 + n] == '\0')) {
		if (s[2 + n] == '=') {
			*val = s + 3 + n;
			return true;
		}
	} else {
		return false;
	}
	*val = *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}

bool
cli_stdin_piped(void)
{
	struct stat st;

	return fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) ||
	    S_ISSOCK(st.st_mode));
}

/* Say that stdin brought nothing, so what was not sent alone; the usage exit code. */
int
cli_stdin_empty(const char *context, const char *what)
{
	fprintf(stderr, "llm: %s%snothing came on stdin: nothing was sent (to send the %s alone, "
	    "drop the pipe or use </dev/null)\n", context ? context : "", context ? ": " : "", what);
	return EXIT_USAGE;
}
