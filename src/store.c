/* store: llm.db, the SQLite database: opening, schema migrations, conversations and messages. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "util.h"

struct store {
	sqlite3 *db;
	char *path;
};

/* Fill *cause with a message, unless the caller passed no cause. */
void
store_cause(char **cause, const char *fmt, ...)
{
	va_list ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
}

/*
 * Migrations, in order: entry i takes the schema from version i to i + 1. Never
 * edit one that has shipped; append a new one and bump STORE_VERSION.
 *
 * usage_totals keeps the settled figures per 15-minute bucket (time / 900),
 * maintained by triggers, so the monthly meter adds a few thousand buckets
 * instead of every row of the month. Every current UTC offset is a multiple of
 * 15 minutes, so a local month is whole buckets; the meter adds the rows of any
 * partial bucket at the edges directly, so it stays exact for any zone.
 */
static const char *const store_migrations[] = {
	/* 1: conversations, messages and the usage ledger */
	"CREATE TABLE conversations ("
	" id INTEGER PRIMARY KEY,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" title TEXT,"
	" model TEXT);"
	"CREATE INDEX conversations_updated ON conversations(updated);"
	"CREATE TABLE usage ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,"
	" provider TEXT, model TEXT, tier TEXT, route_mode TEXT, route_reason TEXT,"
	" input_tokens INTEGER NOT NULL DEFAULT 0,"
	" cached_input_tokens INTEGER NOT NULL DEFAULT 0,"
	" cache_write_tokens INTEGER NOT NULL DEFAULT 0,"
	" cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,"
	" output_tokens INTEGER NOT NULL DEFAULT 0,"
	" reasoning_tokens INTEGER NOT NULL DEFAULT 0,"
	" cost_pico INTEGER,"
	" worst_case_pico INTEGER,"
	" estimated INTEGER NOT NULL DEFAULT 0,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('reserved', 'ok', 'error', 'cancelled', 'expired')),"
	" latency_ms INTEGER,"
	" pid INTEGER,"
	" expires INTEGER);"
	"CREATE INDEX usage_time ON usage(time);"
	"CREATE INDEX usage_reserved ON usage(time) WHERE status = 'reserved';"
	"CREATE INDEX usage_conversation ON usage(conversation_id);"
	"CREATE TABLE messages ("
	" id INTEGER PRIMARY KEY,"
	" conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
	" role TEXT NOT NULL,"
	" text TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" usage_id INTEGER REFERENCES usage(id) ON DELETE SET NULL);"
	"CREATE INDEX messages_conversation ON messages(conversation_id, id);"
	"CREATE INDEX messages_usage ON messages(usage_id);"
	"CREATE TABLE usage_totals ("
	" bucket INTEGER PRIMARY KEY,"
	" spent INTEGER NOT NULL DEFAULT 0,"
	" unknown INTEGER NOT NULL DEFAULT 0,"
	" estimated INTEGER NOT NULL DEFAULT 0,"
	" requests INTEGER NOT NULL DEFAULT 0);"
	"CREATE TRIGGER usage_totals_insert AFTER INSERT ON usage"
	" WHEN NEW.status <> 'reserved' BEGIN"
	" INSERT INTO usage_totals (bucket, spent, unknown, estimated, requests)"
	"  VALUES (NEW.time / 900, coalesce(NEW.cost_pico, 0), NEW.cost_pico IS NULL,"
	"  NEW.estimated <> 0, 1)"
	"  ON CONFLICT (bucket) DO UPDATE SET spent = spent + excluded.spent,"
	"  unknown = unknown + excluded.unknown, estimated = estimated + excluded.estimated,"
	"  requests = requests + 1;"
	" END;"
	"CREATE TRIGGER usage_totals_delete AFTER DELETE ON usage"
	" WHEN OLD.status <> 'reserved' BEGIN"
	" UPDATE usage_totals SET spent = spent - coalesce(OLD.cost_pico, 0),"
	"  unknown = unknown - (OLD.cost_pico IS NULL),"
	"  estimated = estimated - (OLD.estimated <> 0), requests = requests - 1"
	"  WHERE bucket = OLD.time / 900;"
	" END;"
	"CREATE TRIGGER usage_totals_update AFTER UPDATE OF time, cost_pico, estimated, status"
	" ON usage BEGIN"
	" UPDATE usage_totals SET spent = spent - coalesce(OLD.cost_pico, 0),"
	"  unknown = unknown - (OLD.cost_pico IS NULL),"
	"  estimated = estimated - (OLD.estimated <> 0), requests = requests - 1"
	"  WHERE bucket = OLD.time / 900 AND OLD.status <> 'reserved';"
	" INSERT INTO usage_totals (bucket, spent, unknown, estimated, requests)"
	"  SELECT NEW.time / 900, coalesce(NEW.cost_pico, 0), NEW.cost_pico IS NULL,"
	"  NEW.estimated <> 0, 1 WHERE NEW.status <> 'reserved'"
	"  ON CONFLICT (bucket) DO UPDATE SET spent = spent + excluded.spent,"
	"  unknown = unknown + excluded.unknown, estimated = estimated + excluded.estimated,"
	"  requests = requests + 1;"
	" END;",
	/*
	 * 2: who holds a reservation and what it has received, so a dead process's
	 * reservation is settled at once; the totals keep apart the worst cases
	 * counted for unknown costs and for reservations that expired.
	 */
	"ALTER TABLE usage ADD COLUMN pid_start INTEGER;"
	"ALTER TABLE usage ADD COLUMN owner TEXT;"
	"ALTER TABLE usage ADD COLUMN host TEXT;"
	"ALTER TABLE usage ADD COLUMN received_input INTEGER;"
	"ALTER TABLE usage ADD COLUMN received_output INTEGER;"
	"ALTER TABLE usage ADD COLUMN received_cost INTEGER;"
	"ALTER TABLE usage_totals ADD COLUMN unknown_worst INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE usage_totals ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;"
	"DROP TRIGGER usage_totals_insert;"
	"DROP TRIGGER usage_totals_delete;"
	"DROP TRIGGER usage_totals_update;"
	"CREATE TRIGGER usage_totals_insert AFTER INSERT ON usage"
	" WHEN NEW.status <> 'reserved' BEGIN"
	" INSERT INTO usage_totals (bucket, spent, unknown, estimated, requests, unknown_worst,"
	"  expired)"
	"  VALUES (NEW.time / 900, coalesce(NEW.cost_pico, 0), NEW.cost_pico IS NULL,"
	"  NEW.estimated <> 0, 1, CASE WHEN NEW.cost_pico IS NULL"
	"  THEN coalesce(NEW.worst_case_pico, 0) ELSE 0 END,"
	"  CASE WHEN NEW.status = 'expired' THEN coalesce(NEW.cost_pico, 0) ELSE 0 END)"
	"  ON CONFLICT (bucket) DO UPDATE SET spent = spent + excluded.spent,"
	"  unknown = unknown + excluded.unknown, estimated = estimated + excluded.estimated,"
	"  requests = requests + 1, unknown_worst = unknown_worst + excluded.unknown_worst,"
	"  expired = expired + excluded.expired;"
	" END;"
	"CREATE TRIGGER usage_totals_delete AFTER DELETE ON usage"
	" WHEN OLD.status <> 'reserved' BEGIN"
	" UPDATE usage_totals SET spent = spent - coalesce(OLD.cost_pico, 0),"
	"  unknown = unknown - (OLD.cost_pico IS NULL),"
	"  estimated = estimated - (OLD.estimated <> 0), requests = requests - 1,"
	"  unknown_worst = unknown_worst - CASE WHEN OLD.cost_pico IS NULL"
	"  THEN coalesce(OLD.worst_case_pico, 0) ELSE 0 END,"
	"  expired = expired - CASE WHEN OLD.status = 'expired'"
	"  THEN coalesce(OLD.cost_pico, 0) ELSE 0 END"
	"  WHERE bucket = OLD.time / 900;"
	" END;"
	"CREATE TRIGGER usage_totals_update AFTER UPDATE OF time, cost_pico, worst_case_pico,"
	" estimated, status ON usage BEGIN"
	" UPDATE usage_totals SET spent = spent - coalesce(OLD.cost_pico, 0),"
	"  unknown = unknown - (OLD.cost_pico IS NULL),"
	"  estimated = estimated - (OLD.estimated <> 0), requests = requests - 1,"
	"  unknown_worst = unknown_worst - CASE WHEN OLD.cost_pico IS NULL"
	"  THEN coalesce(OLD.worst_case_pico, 0) ELSE 0 END,"
	"  expired = expired - CASE WHEN OLD.status = 'expired'"
	"  THEN coalesce(OLD.cost_pico, 0) ELSE 0 END"
	"  WHERE bucket = OLD.time / 900 AND OLD.status <> 'reserved';"
	" INSERT INTO usage_totals (bucket, spent, unknown, estimated, requests, unknown_worst,"
	"  expired)"
	"  SELECT NEW.time / 900, coalesce(NEW.cost_pico, 0), NEW.cost_pico IS NULL,"
	"  NEW.estimated <> 0, 1, CASE WHEN NEW.cost_pico IS NULL"
	"  THEN coalesce(NEW.worst_case_pico, 0) ELSE 0 END,"
	"  CASE WHEN NEW.status = 'expired' THEN coalesce(NEW.cost_pico, 0) ELSE 0 END"
	"  WHERE NEW.status <> 'reserved'"
	"  ON CONFLICT (bucket) DO UPDATE SET spent = spent + excluded.spent,"
	"  unknown = unknown + excluded.unknown, estimated = estimated + excluded.estimated,"
	"  requests = requests + 1, unknown_worst = unknown_worst + excluded.unknown_worst,"
	"  expired = expired + excluded.expired;"
	" END;"
	"DELETE FROM usage_totals;"
	"INSERT INTO usage_totals (bucket, spent, unknown, estimated, requests, unknown_worst,"
	" expired)"
	" SELECT time / 900, sum(coalesce(cost_pico, 0)), sum(cost_pico IS NULL),"
	" sum(estimated <> 0), count(*), sum(CASE WHEN cost_pico IS NULL"
	" THEN coalesce(worst_case_pico, 0) ELSE 0 END),"
	" sum(CASE WHEN status = 'expired' THEN coalesce(cost_pico, 0) ELSE 0 END)"
	" FROM usage WHERE status <> 'reserved' GROUP BY time / 900;",
	/* 3: a conversation keeps its system prompt; the git hook's drafts are told apart */
	"ALTER TABLE conversations ADD COLUMN system TEXT;"
	"ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat';",
	/*
	 * 4: the budget warnings given, one per month and threshold (percent of the
	 * budget), written in the settlement's transaction so each is given once.
	 */
	"CREATE TABLE budget_warnings ("
	" month TEXT NOT NULL,"
	" threshold INTEGER NOT NULL,"
	" time INTEGER NOT NULL,"
	" spent_pico INTEGER NOT NULL,"
	" limit_pico INTEGER NOT NULL,"
	" usage_id INTEGER REFERENCES usage(id) ON DELETE SET NULL,"
	" PRIMARY KEY (month, threshold));",
	/*
	 * 5: what the router learns from its user: each re-ask one tier up, tier
	 * chosen against the router, escalation and pin, with the prompt's features
	 * by name ("name=value ...") so that labels outlive a change of features.
	 * A forgotten label no longer teaches but still counts in the overrule report.
	 */
	"CREATE TABLE route_labels ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('retry', 'override', 'escalation', 'pin')),"
	" router_tier TEXT NOT NULL,"
	" wanted_tier TEXT NOT NULL,"
	" features TEXT NOT NULL,"
	" usage_id INTEGER REFERENCES usage(id) ON DELETE SET NULL,"
	" forgotten INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX route_labels_time ON route_labels(time);"
	/* the fitted correction, kept until the labels change: a fit is too slow for every start */
	"CREATE TABLE route_learnt ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" upto INTEGER NOT NULL,"
	" n INTEGER NOT NULL,"
	" weights TEXT NOT NULL);",
	/* 6: a conversation keeps the role it was started with (its defaults apply again) */
	"ALTER TABLE conversations ADD COLUMN role TEXT;",
	/*
	 * 7: full-text search over messages (llm logs -q): an FTS5 index over the
	 * messages table's own text, kept in step by triggers, built once here for
	 * the rows already there.
	 */
	"CREATE VIRTUAL TABLE messages_fts USING fts5(text, content = 'messages',"
	" content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');"
	"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
	" INSERT INTO messages_fts (rowid, text) VALUES (NEW.id, NEW.text);"
	" END;"
	"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
	" INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);"
	" END;"
	"CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN"
	" INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', OLD.id, OLD.text);"
	" INSERT INTO messages_fts (rowid, text) VALUES (NEW.id, NEW.text);"
	" END;"
	"INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');",
	/* 8: a compacted conversation goes on from a summary of its first messages */
	"ALTER TABLE conversations ADD COLUMN summary TEXT;"
	"ALTER TABLE conversations ADD COLUMN summary_upto INTEGER NOT NULL DEFAULT 0;",
	/* 9: agent tasks: each step's row carries its task, and a task its cap */
	"CREATE TABLE tasks (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, title TEXT,"
	" cap_pico INTEGER);"
	"ALTER TABLE usage ADD COLUMN task_id INTEGER;"
	"CREATE INDEX usage_task ON usage(task_id) WHERE task_id IS NOT NULL;",
	/*
	 * 10: the router reads its labels' counts by kind and move at every start:
	 * from this index alone, without a sort, rather than from the rows and
	 * their features
	 */
	"CREATE INDEX route_labels_move ON route_labels(forgotten, kind, router_tier,"
	" wanted_tier);",
	/*
	 * 11: llm cmd's requests are their own kind, which -c passes over; the ones
	 * made before are known by the instructions they were sent with
	 */
	"UPDATE conversations SET kind = 'cmd' WHERE kind = 'chat'"
	" AND system LIKE 'You turn a request into exactly one command for the %';",
	/*
	 * 12: a conversation keeps the highest tier a turn of it was answered on, so
	 * that going on with it later never drops below that; the ones made before
	 * take it from their requests that ended or were cancelled, summaries aside
	 */
	"ALTER TABLE conversations ADD COLUMN tier TEXT;"
	"UPDATE conversations SET tier = (SELECT CASE max(CASE u.tier WHEN 'cheap' THEN 0"
	" WHEN 'mid' THEN 1 WHEN 'frontier' THEN 2 END) WHEN 0 THEN 'cheap' WHEN 1 THEN 'mid'"
	" WHEN 2 THEN 'frontier' END FROM usage u WHERE u.conversation_id = conversations.id"
	" AND u.status IN ('ok', 'cancelled')"
	" AND coalesce(u.route_reason, '') NOT LIKE 'compaction:%');",
	/*
	 * 13: a conversation's id is never given again, as the team's ledger and
	 * offline rows keep it after the conversation is gone (a first message
	 * that failed, llm logs rm): AUTOINCREMENT, which takes making the table
	 * again (store_migrate turns foreign keys off for it, so that dropping the
	 * old table neither empties the messages nor unlinks the usage rows). The
	 * sequence starts past every id the usage rows still name.
	 */
	"CREATE TABLE conversations_new ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" title TEXT,"
	" model TEXT,"
	" system TEXT,"
	" kind TEXT NOT NULL DEFAULT 'chat',"
	" role TEXT,"
	" summary TEXT,"
	" summary_upto INTEGER NOT NULL DEFAULT 0,"
	" tier TEXT);"
	"INSERT INTO conversations_new (id, created, updated, title, model, system, kind, role,"
	" summary, summary_upto, tier) SELECT id, created, updated, title, model, system, kind,"
	" role, summary, summary_upto, tier FROM conversations;"
	"DROP TABLE conversations;"
	"ALTER TABLE conversations_new RENAME TO conversations;"
	"CREATE INDEX conversations_updated ON conversations(updated);"
	"INSERT INTO sqlite_sequence (name, seq) SELECT 'conversations', 0 WHERE NOT EXISTS"
	" (SELECT 1 FROM sqlite_sequence WHERE name = 'conversations');"
	"UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(conversation_id)"
	" FROM usage), 0)) WHERE name = 'conversations';",
	/*
	 * 14: a task keeps what llm do --resume goes on with: its workspace, the
	 * tier its worker stuck to, the model it was pinned to, whether it ended
	 * with an answer, and its
	 * history (the messages its steps were sent, as JSON, capped); the tasks
	 * made before kept none, so they cannot be resumed
	 */
	"ALTER TABLE tasks ADD COLUMN root TEXT;"
	"ALTER TABLE tasks ADD COLUMN tier TEXT;"
	"ALTER TABLE tasks ADD COLUMN model TEXT;"
	"ALTER TABLE tasks ADD COLUMN done INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tasks ADD COLUMN history TEXT;"
	"CREATE INDEX tasks_root ON tasks(root, id) WHERE root IS NOT NULL;",
	/*
	 * 15: a task's id is never given again either: one dropped because it
	 * made no step passed its id to the next task, and rows that name it
	 * where the drop does not look (the team's ledger, its outbox) were then
	 * the later task's (llm logs --task). AUTOINCREMENT, made as for
	 * conversations in 13; the sequence starts past every id a usage row
	 * still names.
	 */
	"CREATE TABLE tasks_new ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" time INTEGER NOT NULL,"
	" title TEXT,"
	" cap_pico INTEGER,"
	" root TEXT,"
	" tier TEXT,"
	" model TEXT,"
	" done INTEGER NOT NULL DEFAULT 0,"
	" history TEXT);"
	"INSERT INTO tasks_new (id, time, title, cap_pico, root, tier, model, done, history)"
	" SELECT id, time, title, cap_pico, root, tier, model, done, history FROM tasks;"
	"DROP TABLE tasks;"
	"ALTER TABLE tasks_new RENAME TO tasks;"
	"CREATE INDEX tasks_root ON tasks(root, id) WHERE root IS NOT NULL;"
	"INSERT INTO sqlite_sequence (name, seq) SELECT 'tasks', 0 WHERE NOT EXISTS"
	" (SELECT 1 FROM sqlite_sequence WHERE name = 'tasks');"
	"UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT max(task_id) FROM usage), 0))"
	" WHERE name = 'tasks';",
	/*
	 * 16: the process a task runs in, held as a reservation's holder is
	 * (pid, start time, boot and pid namespace, host), so that no second
	 * process goes on with it at once; held_until is when a holder that
	 * cannot be checked from here is taken as gone (each step pushes it on)
	 */
	"ALTER TABLE tasks ADD COLUMN pid INTEGER;"
	"ALTER TABLE tasks ADD COLUMN pid_start INTEGER;"
	"ALTER TABLE tasks ADD COLUMN owner TEXT;"
	"ALTER TABLE tasks ADD COLUMN host TEXT;"
	"ALTER TABLE tasks ADD COLUMN held_until INTEGER;",
	/*
	 * 17: the key a task's rows carry in the team's ledger, made with the
	 * task, so that every process that goes on with it (llm do --resume)
	 * writes and counts its rows under one key, and its cap bounds the whole
	 * task there too; the tasks made before have none, their runs keep a key
	 * each as they did
	 */
	"ALTER TABLE tasks ADD COLUMN team_key TEXT;",
};

_Static_assert(ARRAY_SIZE(store_migrations) == STORE_VERSION,
    "one migration per schema version");

/* Run SQL with no result rows; fill *cause on failure. */
static int
store_exec(struct store *s, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) == SQLITE_OK)
		return 0;
	store_cause(cause, "%s: %s", s->path, err ? err : sqlite3_errmsg(s->db));
	sqlite3_free(err);
	return -1;
}

/* Read one integer from a single-row query; -1 with *cause on failure. */
static int
store_int(struct store *s, const char *sql, int64_t *out, char **cause)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*out = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	if (rc != 0)
		store_cause(cause, "%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc;
}

/*
 * Switch to WAL. On a brand-new file several processes may race to do it; the
 * change can report busy without waiting, so retry until the busy timeout.
 */
static int
store_wal(struct store *s, char **cause)
{
	int64_t deadline = clock_ms() + STORE_BUSY_MS;
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	char *err = NULL;
	int rc;

	for (;;) {
		rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, &err);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || clock_ms() > deadline)
			break;
		sqlite3_free(err);
		err = NULL;
		nanosleep(&ts, NULL);
	}
	store_cause(cause, "%s: %s", s->path, err ? err : sqlite3_errmsg(s->db));
	sqlite3_free(err);
	return -1;
}

/* Bring the schema up to STORE_VERSION, one migration at a time, in one transaction. */
static int
store_migrate(struct store *s, char **cause)
{
	int64_t v;
	char *sql;

	if (store_int(s, "PRAGMA user_version", &v, cause) < 0)
		return -1;
	if (v == STORE_VERSION)
		return 0;
	/*
	 * A migration that makes a table again drops the old one: with foreign
	 * keys on, that would delete or unlink the rows referring to it. The
	 * pragma does nothing inside a transaction, so it goes around it.
	 */
	if (store_exec(s, "PRAGMA foreign_keys = OFF", cause) < 0)
		return -1;
	if (store_exec(s, "BEGIN IMMEDIATE", cause) < 0)
		goto keys;
	/* Another process may have migrated while we waited for the lock. */
	if (store_int(s, "PRAGMA user_version", &v, cause) < 0)
		goto fail;
	if (v > STORE_VERSION) {
		store_cause(cause, "%s: schema version %lld is newer than this llm knows (%d)",
		    s->path, (long long)v, STORE_VERSION);
		goto fail;
	}
	for (; v < STORE_VERSION; v++) {
		if (store_exec(s, store_migrations[v], cause) < 0)
			goto fail;
		sql = xstrfmt("PRAGMA user_version = %lld", (long long)v + 1);
		if (store_exec(s, sql, cause) < 0) {
			free(sql);
			goto fail;
		}
		free(sql);
	}
	if (store_exec(s, "COMMIT", cause) < 0)
		goto fail;
	return store_exec(s, "PRAGMA foreign_keys = ON", cause);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
keys:
	sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return -1;
}

/* Open the database at path and bring its schema to STORE_VERSION. */
struct store *
store_open(const char *path, char **cause)
{
	struct store *s = xcalloc(1, sizeof *s);
	int rc, fd, persist;

	s->path = xstrdup(path);
	/*
	 * Conversations are private: make the file 0600 before SQLite creates it
	 * (its WAL and shared-memory files take the same mode), whatever the
	 * directory's mode.
	 */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		store_cause(cause, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * Keep the WAL file between runs and leave checkpoints to the automatic
	 * one: a one-shot command would otherwise create the WAL, sync it and its
	 * directory, then checkpoint, sync and delete it on close, four disk
	 * flushes that cost more than the whole request. The first connection of
	 * a run reads the WAL back to rebuild its index, so it is kept short: a
	 * checkpoint every 128 pages (512 KiB), and a file grown past 4 MiB by a
	 * big write is cut back after the next one.
	 */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	persist = 1;
	sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	if (store_wal(s, cause) < 0)
		goto fail;
	/*
	 * synchronous = NORMAL: in WAL mode a power cut may lose the last commits
	 * but never corrupts the file; a lost reservation is harmless.
	 */
	if (store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
	    "PRAGMA wal_autocheckpoint = 128; PRAGMA journal_size_limit = 4194304", cause) < 0)
		goto fail;
	if (store_migrate(s, cause) < 0)
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

/* Close the database; accepts NULL. */
void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

/* Return the SQLite handle, borrowed. */
struct sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

/* Return the database's path, borrowed. */
const char *
store_path(const struct store *s)
{
	return s->path;
}

/* Return the schema version the database is at. */
int
store_version(struct store *s)
{
	int64_t v = -1;
	char *cause = NULL;

	if (store_int(s, "PRAGMA user_version", &v, &cause) < 0)
		free(cause);
	return (int)v;
}

/* Return the last SQLite error as text, borrowed. */
const char *
store_errmsg(struct store *s)
{
	return sqlite3_errmsg(s->db);
}

/* Bind s, or NULL, to parameter i of st. */
void
store_bind_str(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* A malloc'd copy of column i, or NULL when it is NULL. */
static char *
store_col_str(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? xstrndup((const char *)t, (size_t)sqlite3_column_bytes(st, i)) : NULL;
}

/* The length of s cut to at most max bytes without splitting a UTF-8 sequence. */
static size_t
store_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
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
		sqlite3_bind_text(st, 2, title, (int)store_cut(title, STORE_TITLE_MAX),
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
