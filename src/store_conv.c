/* store_conv: llm.db's conversations and their messages: started, listed, read, kept, dropped. */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_priv.h"
#include "util.h"

/* A malloc'd copy of column i, or NULL when it is NULL. */
static char *
store_col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* Start a conversation; return its id, or 0. */
int64_t
store_conv_new(struct store *s, const char *title)
{
	sqlite3_stmt *st = NULL;
	int64_t now = clock_now(), id = 0;

	if (sqlite3_prepare_v2(s->db, "INSERT INTO conversations (created, updated, title)"
	    " VALUES (?1, ?1, ?2)", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, now);
	if (title != NULL)
		sqlite3_bind_text(st, 2, title, (int)utf8_cut(title, strlen(title), STORE_TITLE_MAX),
		    SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return id;
}

/* Forget an empty conversation, its usage rows kept unlinked: 1, 0 kept, or -1. */
int
store_conv_drop_empty(struct store *s, int64_t conv)
{
	/* both guarded: a message added by another process in between keeps it whole */
	static const char *const sql[] = {
		"UPDATE usage SET conversation_id = NULL WHERE conversation_id = ?1"
		" AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ?1)",
		"DELETE FROM conversations WHERE id = ?1"
		" AND NOT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ?1)",
	};
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, dropped = 0;
	size_t i;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < ARRAY_SIZE(sql) && rc == SQLITE_DONE; i++) {
		st = NULL;
		rc = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, conv);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		dropped = sqlite3_changes(s->db) > 0;
	}
	sqlite3_exec(s->db, rc == SQLITE_DONE ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc == SQLITE_DONE ? dropped : -1;
}

/*
 * Append n messages (roles[i], texts[i]) and touch their conversation, in one
 * transaction: the messages and the conversation's last-updated time (and
 * model, from the usage row) move together. Each statement is compiled once,
 * however many messages there are.
 */
static int
store_msgs_add(struct store *s, int64_t conv, const char *const *roles,
    const char *const *texts, size_t n, int64_t usage_id)
{
	sqlite3_stmt *st = NULL;
	int64_t now = clock_now();
	int rc = -1;
	size_t i;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO messages (conversation_id, role, text,"
	    " created, usage_id) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, conv);
		sqlite3_bind_text(st, 2, roles[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, texts[i] ? texts[i] : "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, now);
		/* the request's row goes with the last message, the answer */
		if (usage_id > 0 && i == n - 1)
			sqlite3_bind_int64(st, 5, usage_id);
		else
			sqlite3_bind_null(st, 5);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(s->db, "UPDATE conversations SET updated = max(updated, ?2),"
	    " model = coalesce((SELECT model FROM usage WHERE id = ?3), model) WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, usage_id);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_exec(s->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Append a message and touch its conversation. */
int
store_msg_add(struct store *s, int64_t conv, const char *role, const char *text,
    int64_t usage_id)
{
	return store_msgs_add(s, conv, &role, &text, 1, usage_id);
}

/* Append a turn's prompt and answer and touch their conversation, in one transaction. */
int
store_turn_add(struct store *s, int64_t conv, const char *prompt, const char *answer,
    int64_t usage_id)
{
	const char *roles[] = { "user", "assistant" }, *texts[] = { prompt, answer };

	return store_msgs_add(s, conv, roles, texts, 2, usage_id);
}

/* Delete the last two messages of conv when they are the user's prompt and then answer. */
int
store_turn_drop(struct store *s, int64_t conv, const char *prompt, const char *answer)
{
	const char *want_role[] = { "assistant", "user" }, *want_text[] = { answer, prompt };
	sqlite3_stmt *st = NULL;
	int64_t ids[2];
	int rc = -1, n = 0;

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT id, role, text FROM messages WHERE conversation_id = ?"
	    " ORDER BY id DESC LIMIT 2", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, conv);
	while (n < 2 && sqlite3_step(st) == SQLITE_ROW) {
		const char *role = (const char *)sqlite3_column_text(st, 1);
		const char *text = (const char *)sqlite3_column_text(st, 2);

		if (role == NULL || text == NULL || strcmp(role, want_role[n]) != 0 ||
		    strcmp(text, want_text[n] ? want_text[n] : "") != 0)
			break;
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (n < 2) {
		rc = 0;
		goto out;
	}
	if (sqlite3_prepare_v2(s->db, "DELETE FROM messages WHERE id IN (?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, ids[0]);
	sqlite3_bind_int64(st, 2, ids[1]);
	rc = sqlite3_step(st) == SQLITE_DONE ? 1 : -1;
out:
	sqlite3_finalize(st);
	sqlite3_exec(s->db, rc >= 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Return the most recently updated conversation, or 0. */
int64_t
store_conv_latest(struct store *s)
{
	int64_t id = 0;
	char *cause = NULL;

	/* One whose first request was refused holds nothing to continue: skip it. */
	if (store_int(s, "SELECT coalesce((SELECT id FROM conversations c WHERE kind = 'chat'"
	    " AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id)"
	    " ORDER BY updated DESC, id DESC LIMIT 1), 0)", &id, &cause) < 0) {
		free(cause);
		return 0;
	}
	return id;
}

/* Tell whether conversation conv exists. */
bool
store_conv_exists(struct store *s, int64_t conv)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM conversations WHERE id = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, conv);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Read the current row into item, which starts zeroed. */
typedef void (*store_read_fn)(sqlite3_stmt *st, void *item);
/* Free what item holds, not item itself. */
typedef void (*store_drop_fn)(void *item);

/* A kind of row that store_select reads into an array. */
struct store_kind {
	size_t size;
	store_read_fn read;
	store_drop_fn drop;
};

/* Free an array of n items of a kind; accepts NULL. */
static void
store_items_free(const struct store_kind *kind, void *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		kind->drop((char *)v + i * kind->size);
	free(v);
}

/*
 * Read every row of sql, with ?1 bound to arg, into a malloc'd array of items
 * of a kind. All or nothing: on failure *out is NULL and *count 0, with *cause.
 */
static int
store_select(struct store *s, const char *sql, int64_t arg, const struct store_kind *kind,
    void **out, size_t *count, char **cause)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL, *item;
	size_t k = 0;
	int rc = SQLITE_ERROR;

	*out = NULL;
	*count = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, arg);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			v = xreallocarray(v, k + 1, kind->size);
			item = v + k++ * kind->size;
			memset(item, 0, kind->size);
			kind->read(st, item);
		}
	}
	if (rc != SQLITE_DONE) {
		store_cause(cause, "%s: %s", s->path, sqlite3_errmsg(s->db));
		store_items_free(kind, v, k);
		v = NULL;
		k = 0;
	}
	sqlite3_finalize(st);
	*out = v;
	*count = k;
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
store_conv_read(sqlite3_stmt *st, void *item)
{
	struct store_conv *c = item;

	c->id = sqlite3_column_int64(st, 0);
	c->created = sqlite3_column_int64(st, 1);
	c->updated = sqlite3_column_int64(st, 2);
	c->title = store_col_str(st, 3);
	c->model = store_col_str(st, 4);
	c->nmsgs = sqlite3_column_int64(st, 5);
	c->system = store_col_str(st, 6);
	c->draft = sqlite3_column_int64(st, 7) != 0;
	c->role = store_col_str(st, 8);
	c->cmd = sqlite3_column_int64(st, 9) != 0;
	c->tier = store_col_str(st, 10);
}

static void
store_conv_drop(void *item)
{
	struct store_conv *c = item;

	free(c->title);
	free(c->model);
	free(c->system);
	free(c->role);
	free(c->tier);
}

static const struct store_kind store_conv_kind = {
	.size = sizeof(struct store_conv),
	.read = store_conv_read,
	.drop = store_conv_drop,
};

#define STORE_CONV_COLS "SELECT id, created, updated, title, model," \
	" (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id)," \
	" system, kind = 'draft', role, kind = 'cmd', tier FROM conversations c"

/* The most recent conversations that hold messages, drafts and commands too when all. */
static int
store_conv_select(struct store *s, size_t n, bool all, struct store_conv **out, size_t *count,
    char **cause)
{
	void *v;
	int rc;

	rc = store_select(s, all ?
	    STORE_CONV_COLS " WHERE EXISTS (SELECT 1 FROM messages m"
	    " WHERE m.conversation_id = c.id) ORDER BY updated DESC, id DESC LIMIT ?" :
	    STORE_CONV_COLS " WHERE kind = 'chat' AND EXISTS (SELECT 1 FROM messages m"
	    " WHERE m.conversation_id = c.id) ORDER BY updated DESC, id DESC LIMIT ?",
	    n > INT64_MAX ? INT64_MAX : (int64_t)n, &store_conv_kind, &v, count, cause);
	*out = v;
	return rc;
}

/* List the most recent conversations that hold messages, drafts and commands left out. */
int
store_conv_list(struct store *s, size_t n, struct store_conv **out, size_t *count,
    char **cause)
{
	return store_conv_select(s, n, false, out, count, cause);
}

/* List the most recent conversations that hold messages, drafts and commands among them. */
int
store_conv_list_all(struct store *s, size_t n, struct store_conv **out, size_t *count,
    char **cause)
{
	return store_conv_select(s, n, true, out, count, cause);
}

/* Read one conversation. */
int
store_conv_get(struct store *s, int64_t conv, struct store_conv *out, char **cause)
{
	struct store_conv *v;
	size_t n;

	memset(out, 0, sizeof *out);
	if (store_select(s, STORE_CONV_COLS " WHERE id = ?", conv, &store_conv_kind, (void **)&v,
	    &n, cause) != 0)
		return -1;
	if (n == 0) {
		store_cause(cause, "no conversation %lld", (long long)conv);
		return -1;
	}
	*out = v[0];
	free(v);
	return 0;
}

/* Free what a conversation row holds. */
void
store_conv_done(struct store_conv *c)
{
	if (c != NULL)
		store_conv_drop(c);
}

/* Run one UPDATE of conversation ?1 with text ?2 (NULL when text is). */
static int
store_conv_update(struct store *s, const char *sql, int64_t conv, const char *text)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, conv);
	if (text != NULL)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(s->db) == 1)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* Keep a conversation's system prompt. */
int
store_conv_set_system(struct store *s, int64_t conv, const char *system)
{
	return store_conv_update(s, "UPDATE conversations SET system = ?2 WHERE id = ?1", conv,
	    system);
}

/* Keep a conversation's role. */
int
store_conv_set_role(struct store *s, int64_t conv, const char *role)
{
	return store_conv_update(s, "UPDATE conversations SET role = ?2 WHERE id = ?1", conv,
	    role);
}

/* A tier's name as a number to compare: -1 for none. */
#define STORE_TIER_RANK(x) \
	" CASE " x " WHEN 'cheap' THEN 0 WHEN 'mid' THEN 1 WHEN 'frontier' THEN 2 ELSE -1 END"

/*
 * Raise a conversation's tier. Another process may have gone on with it
 * meanwhile, higher: the tier is never lowered.
 */
int
store_conv_set_tier(struct store *s, int64_t conv, const char *tier)
{
	return store_conv_update(s, "UPDATE conversations SET tier = ?2 WHERE id = ?1 AND"
	    STORE_TIER_RANK("tier") " <" STORE_TIER_RANK("?2"), conv, tier);
}

/* Keep summary as what stands for conversation conv's first upto messages. */
int
store_conv_set_summary(struct store *s, int64_t conv, const char *summary, int64_t upto)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, "UPDATE conversations SET summary = ?2, summary_upto = ?3"
	    " WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, conv);
	sqlite3_bind_text(st, 2, summary, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, upto);
	if (sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(s->db) == 1)
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* Read conversation conv's summary (malloc'd; NULL: none) and how many messages it stands for. */
int
store_conv_summary(struct store *s, int64_t conv, char **summary, int64_t *upto)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*summary = NULL;
	*upto = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT summary, summary_upto FROM conversations WHERE id = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, conv);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			*summary = xstrdup((const char *)sqlite3_column_text(st, 0));
			*upto = sqlite3_column_int64(st, 1);
		}
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Mark a conversation as the git hook's draft or llm cmd's request. */
int
store_conv_set_kind(struct store *s, int64_t conv, const char *kind)
{
	assert(strcmp(kind, "draft") == 0 || strcmp(kind, "cmd") == 0);
	return store_conv_update(s, "UPDATE conversations SET kind = ?2 WHERE id = ?1", conv,
	    kind);
}

/* Free a conversation list; accepts NULL. */
void
store_convs_free(struct store_conv *c, size_t n)
{
	store_items_free(&store_conv_kind, c, n);
}

static void
store_msg_read(sqlite3_stmt *st, void *item)
{
	struct store_msg *m = item;

	m->id = sqlite3_column_int64(st, 0);
	m->created = sqlite3_column_int64(st, 1);
	m->usage_id = sqlite3_column_int64(st, 2);
	m->role = store_col_str(st, 3);
	m->text = store_col_str(st, 4);
	if (m->text == NULL)
		m->text = xstrdup("");
	m->provider = store_col_str(st, 5);
	m->model = store_col_str(st, 6);
	m->tier = store_col_str(st, 7);
	m->input = sqlite3_column_int64(st, 8);
	m->output = sqlite3_column_int64(st, 9);
	m->cost = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 10);
	m->estimated = sqlite3_column_int64(st, 11) != 0;
	m->status = store_col_str(st, 12);
}

static void
store_msg_drop(void *item)
{
	struct store_msg *m = item;

	free(m->role);
	free(m->text);
	free(m->provider);
	free(m->model);
	free(m->tier);
	free(m->status);
}

static const struct store_kind store_msg_kind = {
	.size = sizeof(struct store_msg),
	.read = store_msg_read,
	.drop = store_msg_drop,
};

/* A conversation's messages with their usage rows; the caller adds WHERE and ORDER. */
#define MSGS_SELECT \
	"SELECT m.id, m.created, coalesce(m.usage_id, 0), m.role, m.text, u.provider," \
	" u.model, u.tier, u.input_tokens + u.cached_input_tokens + u.cache_write_tokens" \
	" + u.cache_write_1h_tokens, u.output_tokens, u.cost_pico, u.estimated, u.status" \
	" FROM messages m LEFT JOIN usage u ON u.id = m.usage_id"

/* Load a conversation's messages with their usage rows. */
int
store_msgs(struct store *s, int64_t conv, struct store_msg **out, size_t *count,
    char **cause)
{
	void *v;
	int rc;

	rc = store_select(s, MSGS_SELECT
	    " WHERE m.conversation_id = ? ORDER BY m.id", conv, &store_msg_kind, &v, count, cause);
	*out = v;
	return rc;
}

/*
 * A conversation's messages after those its summary stands for (all of them
 * without one), in order: what a request still sends word for word.
 */
int
store_msgs_recent(struct store *s, int64_t conv, struct store_msg **out, size_t *count,
    char **cause)
{
	void *v;
	int rc;

	rc = store_select(s, MSGS_SELECT
	    " WHERE m.conversation_id = ?1 ORDER BY m.id LIMIT -1 OFFSET (SELECT"
	    " coalesce(max(summary_upto), 0) FROM conversations WHERE id = ?1 AND summary IS NOT"
	    " NULL)", conv, &store_msg_kind, &v, count, cause);
	*out = v;
	return rc;
}

/* Free a message list; accepts NULL. */
void
store_msgs_free(struct store_msg *m, size_t n)
{
	store_items_free(&store_msg_kind, m, n);
}
