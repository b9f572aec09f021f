/* store_priv: what the store's files share: the open database and a query's helper. */
/*
 * Where things are:
 *   store.c        llm.db opened, its schema migrated, its handle, path and errors
 *   store_conv.c   conversations and their messages: started, listed, read, kept, dropped
 */
#ifndef LLM_STORE_PRIV_H
#define LLM_STORE_PRIV_H

#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
};

/* store.c: the database. */
/* Read one integer from a single-row query; -1 with *cause on failure. */
int store_int(struct store *s, const char *sql, int64_t *out, char **cause);

#endif
