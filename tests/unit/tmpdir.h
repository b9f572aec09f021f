/* tmpdir: a test's temporary directory, made for it and removed with all below it. */
#ifndef LLM_TEST_TMPDIR_H
#define LLM_TEST_TMPDIR_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

/* Remove dir and everything in it; -1, said on stderr, when that failed. */
static inline int
tmpdir_remove(const char *dir)
{
	char *cmd = xstrfmt("rm -rf '%s'", dir);
	int rc = system(cmd) == 0 ? 0 : -1;

	if (rc != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	return rc;
}

/* Run the shell command cmd in dir/name, made first, its output dropped; whether it exited 0. */
static inline bool
tmpdir_sh(const char *dir, const char *name, const char *cmd)
{
	char *full = xstrfmt("mkdir -p '%s/%s' && cd '%s/%s' && { %s; } >/dev/null 2>&1", dir, name,
	    dir, name, cmd);
	int rc = system(full);

	free(full);
	return rc == 0;
}

static const char *tmpdir_made; /* what tmpdir_make made, for the exit */

/* At the program's exit: remove the tests' directory; failing to is a failure of the run. */
static inline void
tmpdir_at_exit(void)
{
	if (tmpdir_remove(tmpdir_made) != 0)
		_exit(1);
}

/*
 * Make a directory from the mkdtemp template tmpl (which must outlive the run)
 * for the tests to use, removed when the program exits; or end the run.
 */
static inline void
tmpdir_make(char *tmpl)
{
	if (mkdtemp(tmpl) == NULL) {
		perror(tmpl);
		exit(1);
	}
	tmpdir_made = tmpl;
	atexit(tmpdir_at_exit);
}

#endif
