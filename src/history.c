/* history: finding and forgetting stored conversations (full-text search, deletion). */
#include "history.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "store.h"
#include "util.h"

/* A word is cut at this many bytes: nobody searches for longer ones. */
#define WORD_MAX 200
#define WORDS_MAX 32

/*
 * text as an FTS5 query: each white-space separated word a quoted string
 * (quotes doubled), so that AND, NEAR, *, ^ or a column filter typed by the
 * user are words to find, not syntax. NULL when there is no word.
 */
static char *
fts_query(const char *text)
{
	struct buf q;
	const char *p = text;
	int words = 0;

	buf_init(&q, 0);
	while (*p && words < WORDS_MAX) {
		size_t len, i;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		len = strcspn(p, " \t\n\r");
		if (len == 0)
			break;
		buf_adds(&q, words++ ? " \"" : "\"");
		for (i = 0; i < len && i < WORD_MAX; i++)
			buf_add(&q, p[i] == '"' ? "\"\"" : &p[i], p[i] == '"' ? 2 : 1);
		buf_adds(&q, "\"");
		p += len;
	}
	if (words == 0) {
		buf_done(&q);
		return NULL;
	}
	return buf_detach(&q);
}

static char *
col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

int
history_search(struct store *s, const char *text, size_t max, bool all,
    struct history_hit **out, size_t *n, char **cause)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	char *q = fts_query(text);
	int rc;

	*out = NULL;
	*n = 0;
	if (q == NULL) {
		store_cause(cause, "nothing to search for");
		return -1;
	}
	rc = sqlite3_prepare_v2(db, "SELECT m.id, m.conversation_id, c.updated, c.title, m.role,"
	    " snippet(messages_fts, 0, '[', ']', '...', 12)"
	    " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
	    " JOIN conversations c ON c.id = m.conversation_id"
	    " WHERE messages_fts MATCH ?1 AND (?2 OR c.kind <> 'draft')"
	    " ORDER BY c.updated DESC, c.id DESC, m.id LIMIT ?3", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, all);
		sqlite3_bind_int64(st, 3, max > INT64_MAX ? INT64_MAX : (int64_t)max);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct history_hit *h;

			*out = xreallocarray(*out, *n + 1, sizeof(**out));
			h = &(*out)[(*n)++];
			h->msg = sqlite3_column_int64(st, 0);
			h->conv = sqlite3_column_int64(st, 1);
			h->updated = sqlite3_column_int64(st, 2);
			h->title = col_str(st, 3);
			h->role = col_str(st, 4);
			h->snippet = col_str(st, 5);
		}
	}
	if (rc != SQLITE_DONE) {
		store_cause(cause, "%s: %s", store_path(s), sqlite3_errmsg(db));
		history_hits_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	sqlite3_finalize(st);
	free(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
history_hits_free(struct history_hit *h, size_t n)
{
	size_t i;

	for (i = 0; h != NULL && i < n; i++) {
		free(h[i].title);
		free(h[i].role);
		free(h[i].snippet);
	}
	free(h);
}

/* Run one statement with ?1 bound to conv; SQLITE_DONE or an error code. */
static int
exec_conv(sqlite3 *db, const char *sql, int64_t conv)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, conv);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc;
}

int
history_forget(struct store *s, int64_t conv, char **cause)
{
	sqlite3 *db = store_db(s);
	int rc;

	if (!store_conv_exists(s, conv)) {
		store_cause(cause, "no conversation %lld (see llm logs)", (long long)conv);
		return -1;
	}
	/*
	 * One transaction. The usage rows stay as they are: only their link to the
	 * conversation is cleared, which no total depends on, so llm usage and the
	 * budget read the same before and after.
	 */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		store_cause(cause, "%s: %s", store_path(s), sqlite3_errmsg(db));
		return -1;
	}
	rc = exec_conv(db, "DELETE FROM messages WHERE conversation_id = ?1", conv);
	if (rc == SQLITE_DONE)
		rc = exec_conv(db, "UPDATE usage SET conversation_id = NULL"
		    " WHERE conversation_id = ?1", conv);
	if (rc == SQLITE_DONE)
		rc = exec_conv(db, "DELETE FROM conversations WHERE id = ?1", conv);
	if (rc != SQLITE_DONE)
		store_cause(cause, "%s: %s", store_path(s), sqlite3_errmsg(db));
	sqlite3_exec(db, rc == SQLITE_DONE ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc == SQLITE_DONE ? 0 : -1;
}
