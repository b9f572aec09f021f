/* tmpdir: remove a test's temporary directory and all below it. */
#ifndef LLM_TEST_TMPDIR_H
#define LLM_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
