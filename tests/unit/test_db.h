/* test_db: a fresh temporary directory for each test that opens llm.db. */
#ifndef LLM_TEST_DB_H
#define LLM_TEST_DB_H

#include <stdio.h>
#include <stdlib.h>

#include "util.h"
#include "tmpdir.h"

static char test_dir[256];   /* the running test's directory; "" when there is none */
static char test_db[300];    /* the database's path inside it */

/* Remove the last test's directory. */
static void
test_db_cleanup(void)
{
	if (test_dir[0] == '\0')
		return;
	tmpdir_remove(test_dir);
	test_dir[0] = '\0';
}

/*
 * Make a fresh empty directory named for the suite, so a leftover one says
 * which suite left it; the database path is file below it (not created).
 */
static void
test_db_fresh(const char *suite, const char *file)
{
	const char *tmp = getenv("TMPDIR");

	test_db_cleanup();
	snprintf(test_dir, sizeof test_dir, "%s/llm-%s-XXXXXX", tmp ? tmp : "/tmp", suite);
	if (mkdtemp(test_dir) == NULL)
		die("mkdtemp: %s", test_dir);
	snprintf(test_db, sizeof test_db, "%s/%s", test_dir, file);
}

#endif
