/* cli_git_priv: what llm git's two files share. */
#ifndef CLI_GIT_PRIV_H
#define CLI_GIT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A proc sink appending a child's output to the struct buf at arg. */
bool git_sink_buf(void *arg, const char *p, size_t n);
/* Run a git query; its output trimmed (malloc'd), or NULL if it failed or printed nothing. */
char *git_query(const char *const *argv);
/* Write text to path atomically, with mode. 0, or -1 with *cause. */
int git_write_file(const char *path, const char *text, size_t len, mode_t mode, char **cause);

/* llm git's synopsis, which a usage error prints under what was wrong. */
#define GIT_USAGE \
    "usage: llm git install-hook [-f | --force]\n" \
    "       llm git uninstall-hook\n" \
    "       llm git commit-msg FILE [SOURCE [SHA]]\n"

/* llm git install-hook and uninstall-hook: the exit code. */
int cli_git_install(int argc, char **argv);
int cli_git_uninstall(int argc, char **argv);

#endif
