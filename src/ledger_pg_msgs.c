/* ledger_pg_msgs: the team's row each reply stands for, and its usage read back for llm logs. */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "buf.h"
#include "ledger_pg.h"
#include "ledger_pg_priv.h"
#include "store.h"
#include "util.h"

/*
 * A reply's row is in the team's database, not in llm.db: a message cannot
 * point to it as to a local row. Its key can: the same for a row kept offline
 * and once sent. The table holding it is made on first use, as the outbox is.
 */
static int
pg_msgs_table(struct ledger_pg *p)
{
	if (p->msgs)
		return 0;
	if (sqlite3_exec(p->db, "CREATE TABLE IF NOT EXISTS team_messages (message_id INTEGER"
	    " PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE, row_key TEXT NOT NULL)", NULL,
	    NULL, NULL) != SQLITE_OK)
		return -1;
	p->msgs = true;
	return 0;
}

void
pg_keep_key(struct ledger_pg *p, int64_t id, const char *key)
{
	unsigned i = p->nkept++ % PG_KEPT_KEYS;

	p->kept[i].id = id;
	str_copy(p->kept[i].key, sizeof p->kept[i].key, key);
}

/* Tie the last message of conversation conv, a reply, to the row of reservation id. */
void
ledger_pg_msg_row(struct ledger_pg *p, int64_t conv, int64_t id)
{
	const char *key = NULL;
	sqlite3_stmt *st;
	unsigned i;

	for (i = 0; i < PG_KEPT_KEYS && key == NULL; i++)
		if (id > 0 && p->kept[i].id == id)
			key = p->kept[i].key;
	if (key == NULL || pg_msgs_table(p) < 0 || sqlite3_prepare_v2(p->db, "INSERT OR REPLACE"
	    " INTO team_messages (message_id, row_key) SELECT id, ?2 FROM messages"
	    " WHERE conversation_id = ?1 ORDER BY id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* Replace the string *dst with a copy of src (NULL: none). */
static void
pg_set(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Message m's key, or NULL; malloc'd. */
static char *
pg_msg_key(struct ledger_pg *p, const struct store_msg *m)
{
	const char *k;
	sqlite3_stmt *st;
	char *key = NULL;

	if (m->usage_id != 0 || sqlite3_prepare_v2(p->db, "SELECT row_key FROM team_messages"
	    " WHERE message_id = ?1", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, m->id);
	/* a key is llm's own hex; anything else is no key it made */
	if (sqlite3_step(st) == SQLITE_ROW && (k = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    *k != '\0' && strspn(k, "0123456789abcdef") == strlen(k))
		key = xstrdup(k);
	sqlite3_finalize(st);
	return key;
}

/* Fill message m from the outbox's row under key, if it still keeps it. */
static void
pg_msg_outbox(struct ledger_pg *p, struct store_msg *m, const char *key)
{
	sqlite3_stmt *st;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT id, provider, model, tier,"
	    " input_tokens + cached_input_tokens + cache_write_tokens + cache_write_1h_tokens,"
	    " output_tokens, cost_pico, estimated, status FROM team_outbox WHERE kind = 'row'"
	    " AND row_key = ?1", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		m->usage_id = PG_OFFLINE_ID + sqlite3_column_int64(st, 0);
		pg_set(&m->provider, (const char *)sqlite3_column_text(st, 1));
		pg_set(&m->model, (const char *)sqlite3_column_text(st, 2));
		pg_set(&m->tier, (const char *)sqlite3_column_text(st, 3));
		m->input = sqlite3_column_int64(st, 4);
		m->output = sqlite3_column_int64(st, 5);
		m->cost = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 6);
		m->estimated = sqlite3_column_int(st, 7) != 0;
		pg_set(&m->status, (const char *)sqlite3_column_text(st, 8));
	}
	sqlite3_finalize(st);
}

/* Fill the messages whose key row i of r has from it. */
static void
pg_msg_fill(const PGresult *r, int i, struct store_msg *m, char **keys, size_t n)
{
	const char *key = col_str(r, i, 0);
	size_t j;

	for (j = 0; key != NULL && j < n; j++) {
		if (keys[j] == NULL || strcmp(keys[j], key) != 0)
			continue;
		m[j].usage_id = col_i64(r, i, 1);
		pg_set(&m[j].provider, col_str(r, i, 2));
		pg_set(&m[j].model, col_str(r, i, 3));
		pg_set(&m[j].tier, col_str(r, i, 4));
		m[j].input = col_i64(r, i, 5);
		m[j].output = col_i64(r, i, 6);
		m[j].cost = pq.PQgetisnull(r, i, 7) ? -1 : col_i64(r, i, 7);
		m[j].estimated = strcmp(pq.PQgetvalue(r, i, 8), "t") == 0;
		pg_set(&m[j].status, col_str(r, i, 9));
	}
}

/*
 * Read the rows under keys[n] (NULL: none) in [from, to) from the database
 * into m: as llm.rows gives them, a member's own alone. 0 or -1 with *cause.
 */
static int
pg_msgs_read(struct ledger_pg *p, struct store_msg *m, char **keys, size_t n, int64_t from,
    int64_t to, char **cause)
{
	struct pg_args a = { .n = 0 };
	struct buf list;
	PGresult *r;
	size_t j;
	int i;

	buf_init(&list, 0);
	buf_addc(&list, '{');
	for (j = 0; j < n; j++)
		if (keys[j] != NULL)
			buf_addf(&list, "%s%s", list.len > 1 ? "," : "", keys[j]);
	buf_addc(&list, '}');
	arg_str(&a, p->t->team);
	arg_i64(&a, from);
	arg_i64(&a, to);
	arg_str(&a, buf_str(&list));
	r = pg_call(p, "logs", "SELECT row_key, id, provider, model, tier, input_tokens"
	    " + cached_input_tokens + cache_write_tokens + cache_write_1h_tokens, output_tokens,"
	    " cost_pico, estimated, status FROM llm.rows($1, $2, $3) WHERE row_key = ANY($4::text[])",
	    &a, cause);
	buf_done(&list);
	if (r == NULL)
		return -1;
	for (i = 0; i < pq.PQntuples(r); i++)
		pg_msg_fill(r, i, m, keys, n);
	pq.PQclear(r);
	return 0;
}

int
ledger_pg_msgs_usage(struct ledger_pg *p, struct store_msg *m, size_t n, char **cause)
{
	char **keys;
	int64_t from = INT64_MAX, to = 0;
	size_t i, left = 0;
	int rc = 0;

	if (n == 0 || pg_msgs_table(p) < 0)
		return 0;
	keys = xcalloc(n, sizeof *keys);
	for (i = 0; i < n; i++) {
		if ((keys[i] = pg_msg_key(p, &m[i])) == NULL)
			continue;
		pg_msg_outbox(p, &m[i], keys[i]);
		if (m[i].usage_id != 0) {
			free(keys[i]);
			keys[i] = NULL;
			continue;
		}
		left++;
		/* a row's time is its reservation's, before its reply was kept: a day covers it */
		if (m[i].created - 86400 < from)
			from = m[i].created - 86400;
		if (m[i].created + 1 > to)
			to = m[i].created + 1;
	}
	if (left > 0)
		rc = pg_msgs_read(p, m, keys, n, from, to, cause);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return rc;
}
