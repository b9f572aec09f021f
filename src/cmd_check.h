/* cmd_check: proposed shell commands: the request for one, the reply read, what it would destroy. */
#ifndef LLM_CMD_CHECK_H
#define LLM_CMD_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Write into why (n bytes) what makes cmd delete or overwrite things, such as
 * "rm" or "> notes.txt (exists)", and return how many reasons were found (0:
 * none). Looks at every simple command of a pipeline or list, after sudo,
 * env and the like; a redirection counts when its target exists.
 */
int cmd_check(const char *cmd, char *why, size_t n);

/* The user's shell: $SHELL when it is a path, else /bin/sh. Borrowed. */
const char *cmd_shell(void);
/* The system prompt asking for one command for shell (a path or a name) on this system; malloc'd. */
char *cmd_prompt(const char *shell);
/*
 * The command in a reply (from the first line that is not a fence or a
 * comment, inside a fence when the reply has one, to the fence's end, or
 * without one to a blank or comment line: a script over several lines is
 * all of it; a leading "$ " dropped; lines continued with a backslash joined;
 * malloc'd, NULL if none) and its "# explanation" (malloc'd into *explain, or
 * NULL). cut: the reply was cut off (length limit, filter): a line it may
 * have ended early is not read, and a command running on to the cut is none.
 */
char *cmd_parse_reply(const char *text, bool cut, char **explain);

#endif
