/* ledger_conv: conversations and their messages, kept beside the usage rows. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ledger.h"
#include "ledger_pg.h"
#include "ledger_priv.h"
#include "store.h"
#include "util.h"

/* Start a conversation; return its id, or 0. */
int64_t
ledger_conv_new(struct ledger *l, const char *title)
{
	return store_conv_new(l->st, title);
}

/* Forget a conversation that holds no message; its requests stay. */
int
ledger_conv_drop_empty(struct ledger *l, int64_t conv)
{
	return store_conv_drop_empty(l->st, conv);
}

/* Append a message to a conversation. */
int
ledger_msg_add(struct ledger *l, int64_t conv, const char *role, const char *text,
    int64_t usage_id)
{
	/* a team's rows are in its database: no local row for a message to point to */
	int rc = store_msg_add(l->st, conv, role, text, l->pg != NULL ? 0 : usage_id);

	/* ... but its key, which llm logs finds the row by */
	if (rc == 0 && l->pg != NULL && usage_id != 0)
		ledger_pg_msg_row(l->pg, conv, usage_id);
	return rc;
}

int
ledger_msgs_usage(struct ledger *l, struct store_msg *m, size_t n, char **cause)
{
	return l->pg != NULL ? ledger_pg_msgs_usage(l->pg, m, n, cause) : 0;
}

/* A team ledger's conversation names the model of its last request itself. */
static void
ledger_conv_model(struct ledger *l, int64_t conv)
{
	sqlite3_stmt *st;

	if (l->pg == NULL || l->pg_model == NULL ||
	    sqlite3_prepare_v2(l->db, "UPDATE conversations SET model = ?2 WHERE id = ?1", -1,
	    &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, l->pg_model, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

int
ledger_turn_add(struct ledger *l, int64_t conv, const char *prompt, const char *answer,
    int64_t usage_id)
{
	int rc = store_turn_add(l->st, conv, prompt, answer, l->pg != NULL ? 0 : usage_id);

	if (rc == 0)
		ledger_conv_model(l, conv);
	if (rc == 0 && l->pg != NULL && usage_id != 0)
		ledger_pg_msg_row(l->pg, conv, usage_id);
	return rc;
}

/* Return the most recently updated conversation, or 0. */
int64_t
ledger_conv_latest(struct ledger *l)
{
	return store_conv_latest(l->st);
}

/* Tell whether conversation conv exists. */
bool
ledger_conv_exists(struct ledger *l, int64_t conv)
{
	return store_conv_exists(l->st, conv);
}

/* Load a conversation's roles and texts in order. */
int
ledger_conv_load(struct ledger *l, int64_t conv, char ***roles, char ***texts, size_t *n,
    char **cause)
{
	struct store_msg *m;
	size_t i, k;

	*roles = *texts = NULL;
	*n = 0;
	/* what a summary stands for is never sent again: it is not read either */
	if (store_msgs_recent(l->st, conv, &m, &k, cause) < 0)
		return -1;
	if (k > 0) {
		*roles = xcalloc(k, sizeof **roles);
		*texts = xcalloc(k, sizeof **texts);
	}
	for (i = 0; i < k; i++) {
		/* Hand the strings over rather than copying them. */
		(*roles)[i] = m[i].role;
		(*texts)[i] = m[i].text;
		m[i].role = m[i].text = NULL;
	}
	store_msgs_free(m, k);
	*n = k;
	return 0;
}

/* Free what ledger_conv_load returned. */
void
ledger_msgs_free(char **roles, char **texts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (roles != NULL)
			free(roles[i]);
		if (texts != NULL)
			free(texts[i]);
	}
	free(roles);
	free(texts);
}

int
ledger_conv_last(struct ledger *l, int64_t conv, ledger_last_fn fn, void *arg)
{
	sqlite3_stmt *st;
	struct ledger_last last;
	int rc;

	if (sqlite3_prepare_v2(l->db, "SELECT model, time, input_tokens, cached_input_tokens,"
	    " cache_write_tokens, cache_write_1h_tokens FROM usage WHERE id IN (SELECT max(id)"
	    " FROM usage WHERE conversation_id = ?1 AND status = 'ok' AND model IS NOT NULL"
	    " GROUP BY model)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, conv);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&last, 0, sizeof last);
		last.model = (const char *)sqlite3_column_text(st, 0);
		last.time = sqlite3_column_int64(st, 1);
		last.usage.input = sqlite3_column_int64(st, 2);
		last.usage.cached_input = sqlite3_column_int64(st, 3);
		last.usage.cache_write = sqlite3_column_int64(st, 4);
		last.usage.cache_write_1h = sqlite3_column_int64(st, 5);
		last.usage.reported = true;
		if (last.model != NULL)
			fn(arg, &last);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
