/* store: llm.db, the SQLite database: opened, its schema migrated one version at a time. */
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
#include "store_priv.h"
#include "util.h"

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
 * A full disk and a file llm may not write are the user's to fix, and SQLite's
 * words for them (database or disk is full, disk I/O error, attempt to write a
 * readonly database) say neither what nor how. A full disk shows as SQLITE_FULL
 * on a write, and as an I/O error with ENOSPC where SQLite grows its
 * shared-memory file when it opens the database.
 */
const char *
store_advice(struct sqlite3 *db)
{
	int rc;

	if (db == NULL)
		return "";
	rc = sqlite3_errcode(db) & 0xff;
	if (rc == SQLITE_FULL || sqlite3_system_errno(db) == ENOSPC)
		return "; no space is left on its disk: free some (df -h shows where)";
	if (rc == SQLITE_READONLY)
		return "; llm must write to it: make the file and its directory writable, or point"
		    " LLM_DATA_DIR at a directory llm can write";
	return "";
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
	/*
	 * 18: the month's figure is an estimate (~) only where a row's cost is
	 * estimated at more than $0; the meter asks this index, so that it reads
	 * no rows where there are none (usage_totals.estimated counts them all)
	 */
	"CREATE INDEX IF NOT EXISTS usage_marked ON usage(time)"
	" WHERE estimated <> 0 AND cost_pico IS NOT 0;",
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
	store_cause(cause, "%s: %s%s", s->path, err ? err : sqlite3_errmsg(s->db),
	    store_advice(s->db));
	sqlite3_free(err);
	return -1;
}

/* Read one integer from a single-row query; -1 with *cause on failure. */
int
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
		store_cause(cause, "%s: %s%s", s->path, sqlite3_errmsg(s->db), store_advice(s->db));
	sqlite3_finalize(st);
	return rc;
}

/* The longest nap between tries for a lock another process holds, in milliseconds. */
#define STORE_NAP_MAX_MS 100

/* Sleep between half of ms and ms milliseconds, a different share in each process. */
static void
store_nap(long ms)
{
	static uint32_t x;
	struct timespec ts;
	long us;

	if (x == 0)
		x = (uint32_t)getpid() * 2654435761u | 1;
	x ^= x << 13;   /* xorshift32 */
	x ^= x >> 17;
	x ^= x << 5;
	us = ms * 500 + (long)(x % (uint32_t)(ms * 500 + 1));
	ts.tv_sec = us / 1000000;
	ts.tv_nsec = us % 1000000 * 1000;
	nanosleep(&ts, NULL);
}

/*
 * Switch to WAL. On a brand-new file several processes may race to do it; the
 * change can report busy without waiting, so retry, with naps that grow as in
 * store_lock_behind, until the busy timeout.
 */
static int
store_wal(struct store *s, char **cause)
{
	int64_t deadline = clock_ms() + STORE_BUSY_MS;
	long nap_ms = 2;
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
		store_nap(nap_ms);
		if (nap_ms < STORE_NAP_MAX_MS)
			nap_ms *= 2;
	}
	store_cause(cause, "%s: %s%s", s->path, err ? err : sqlite3_errmsg(s->db),
	    store_advice(s->db));
	sqlite3_free(err);
	return -1;
}

/*
 * Take the write lock to migrate, once the schema is found behind: 1, or 0
 * when another process brought it to STORE_VERSION meanwhile, or -1. When
 * many processes open a new database at once, all but one wait for that one's
 * migration, and the wait must end with it: waiting for the lock itself, they
 * could lose it to the others' later writes (their reservations) until the
 * busy timeout. So the lock is tried once a turn, the version read again
 * between turns, and the naps between them grow (with some jitter, so that
 * the waiters do not wake together) to leave the processor to the one at work.
 */
static int
store_lock_behind(struct store *s, char **cause)
{
	int64_t deadline = clock_ms() + STORE_BUSY_MS, v;
	long nap_ms = 1;
	int rc;

	for (;;) {
		if (store_int(s, "PRAGMA user_version", &v, cause) < 0)
			return -1;
		if (v == STORE_VERSION)
			return 0;
		sqlite3_busy_timeout(s->db, 0);
		rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
		if (rc == SQLITE_OK)
			return 1;
		if ((rc & 0xff) != SQLITE_BUSY || clock_ms() > deadline)
			break;
		store_nap(nap_ms);
		if (nap_ms < STORE_NAP_MAX_MS)
			nap_ms *= 2;
	}
	store_cause(cause, "%s: %s%s", s->path, sqlite3_errmsg(s->db), store_advice(s->db));
	return -1;
}

/* Bring the schema up to STORE_VERSION, one migration at a time, in one transaction. */
static int
store_migrate(struct store *s, char **cause)
{
	int64_t v;
	char *sql;
	int rc;

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
	if ((rc = store_lock_behind(s, cause)) <= 0)
		goto keys;
	/* Read under the lock: another process may have migrated just before. */
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
	rc = -1;
keys:
	sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	return rc == 0 ? 0 : -1;
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
		store_cause(cause, "%s: %s%s", path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc),
		    store_advice(s->db));
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
