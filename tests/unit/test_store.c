/* test_store: schema creation and migration, conversations and messages in llm.db. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history.h"
#include "ledger.h"
#include "store.h"
#include "test_db.h"
#include "unit.h"
#include "util.h"

/* A fresh empty directory; the database goes in a subdirectory not yet made. */
static void
fresh_dir(void)
{
	test_db_fresh("store", "data/llm/llm.db");
}

/* One text value from SQL on a separate connection (as another process would see it). */
static char *
sql_text(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_open_v2(test_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return xstrdup("(open failed)");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
			v = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return v ? v : xstrdup("(null)");
}

static void
check_sql(const char *sql, const char *want)
{
	char *got = sql_text(sql);

	if (strcmp(got, want) != 0) {
		fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", sql, got, want);
		unit_bad = 1;
	}
	free(got);
}

/* Take the tasks table back to what version 13 made (before the resume columns). */
#define TASKS_V13 "DROP INDEX tasks_root; ALTER TABLE tasks DROP COLUMN root;" \
	" ALTER TABLE tasks DROP COLUMN tier; ALTER TABLE tasks DROP COLUMN model;" \
	" ALTER TABLE tasks DROP COLUMN done; ALTER TABLE tasks DROP COLUMN history;"

static struct ledger *
open_ledger(void)
{
	char *cause = NULL, *dir = xstrfmt("%s/data/llm", test_dir);
	struct ledger *l = ledger_open(dir, &cause);

	if (l == NULL)
		die("ledger_open: %s", cause);
	free(dir);
	return l;
}

static void
test_create(void)
{
	struct ledger *l;
	struct stat sb;

	fresh_dir();
	l = open_ledger();      /* makes data/llm/ and the database */
	CHECK_INT(store_version(ledger_store(l)), STORE_VERSION);
	check_sql("PRAGMA journal_mode", "wal");
	CHECK(stat(test_db, &sb) == 0 && (sb.st_mode & 0777) == 0600);
	{
		char v[16];

		snprintf(v, sizeof v, "%d", STORE_VERSION);
		check_sql("PRAGMA user_version", v);
	}
	check_sql("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN"
	    " ('conversations', 'messages', 'usage', 'usage_totals')", "4");
	check_sql("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'usage_time'",
	    "1");
	ledger_close(l);
	/* Opening again changes nothing. */
	l = open_ledger();
	CHECK_INT(store_version(ledger_store(l)), STORE_VERSION);
	ledger_close(l);
	check_sql("PRAGMA integrity_check", "ok");
}

static void
test_newer_schema_refused(void)
{
	sqlite3 *db;
	char *cause = NULL;
	struct store *s;

	fresh_dir();
	ledger_close(open_ledger());
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_open(test_db, &cause);
	CHECK(s == NULL);
	CHECK_CAUSE(cause, "newer");
	store_close(s);
}

/* Upgrading marks llm cmd's earlier requests as their kind: -c passes over them. */
static void
test_upgrade_marks_commands(void)
{
	struct ledger *l;
	sqlite3 *db;

	fresh_dir();
	ledger_close(open_ledger());
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "ALTER TABLE conversations DROP COLUMN tier;"
	    "INSERT INTO conversations (id, created, updated, system) VALUES"
	    " (1, 1, 1, 'Be brief.'), (2, 2, 2, 'You turn a request into exactly one command for"
	    " the bash shell on Linux. Answer with two lines.');"
	    "INSERT INTO messages (conversation_id, role, text, created) VALUES"
	    " (1, 'user', 'capital of France?', 1), (2, 'user', 'sizes of the directories', 2);"
	    TASKS_V13 "PRAGMA user_version = 10", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	l = open_ledger();
	check_sql("SELECT group_concat(id || ':' || kind, ' ') FROM conversations", "1:chat 2:cmd");
	CHECK_INT(ledger_conv_latest(l), 1);
	ledger_close(l);
}

/*
 * Upgrading gives each conversation the highest tier a request of it ended or
 * was cancelled on: one that failed is no answer, a summary no turn of it.
 */
static void
test_upgrade_takes_tiers(void)
{
	struct ledger *l;
	sqlite3 *db;

	fresh_dir();
	ledger_close(open_ledger());
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "ALTER TABLE conversations DROP COLUMN tier;"
	    "INSERT INTO conversations (id, created, updated) VALUES (1, 1, 1), (2, 2, 2),"
	    " (3, 3, 3), (4, 4, 4);"
	    "INSERT INTO usage (time, conversation_id, tier, route_reason, status) VALUES"
	    " (1, 1, 'cheap', 'a quick ask', 'ok'), (2, 1, 'mid', 'code block', 'cancelled'),"
	    " (3, 1, 'frontier', 'math', 'error'), (4, 1, 'cheap', 'thanks', 'ok'),"
	    " (5, 2, 'mid', 'compaction: 4 earlier messages summarised', 'ok'),"
	    " (6, 2, 'cheap', 'a quick ask', 'ok'), (7, 3, 'frontier', 'pinned', 'ok');"
	    TASKS_V13 "PRAGMA user_version = 11", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	l = open_ledger();
	check_sql("SELECT group_concat(id || ':' || coalesce(tier, '-'), ' ') FROM conversations",
	    "1:mid 2:cheap 3:frontier 4:-");
	ledger_close(l);
}

/* A conversation's tier is raised, never lowered, whichever process writes last. */
static void
test_tier_raised(void)
{
	struct ledger *l;
	struct store *s;
	struct store_conv c;
	char *cause = NULL;
	int64_t id;

	fresh_dir();
	l = open_ledger();
	s = ledger_store(l);
	id = store_conv_new(s, "chat");
	CHECK_INT(store_conv_get(s, id, &c, &cause), 0);
	CHECK(c.tier == NULL);
	store_conv_done(&c);
	CHECK_INT(store_conv_set_tier(s, id, "mid"), 0);
	CHECK_INT(store_conv_set_tier(s, id, "cheap"), -1);
	CHECK_INT(store_conv_set_tier(s, id, "mid"), -1);
	CHECK_INT(store_conv_get(s, id, &c, &cause), 0);
	CHECK_STR(c.tier, "mid");
	store_conv_done(&c);
	CHECK_INT(store_conv_set_tier(s, id, "frontier"), 0);
	CHECK_INT(store_conv_get(s, id, &c, &cause), 0);
	CHECK_STR(c.tier, "frontier");
	store_conv_done(&c);
	CHECK_INT(store_conv_set_tier(s, 9999, "mid"), -1);
	ledger_close(l);
}

static void
test_not_a_database(void)
{
	char *cause = NULL, *path;
	struct store *s;
	FILE *f;

	fresh_dir();
	path = xstrfmt("%s/junk.db", test_dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f != NULL) {
		fputs("this is not an SQLite database, but it is long enough to look like one..", f);
		fclose(f);
	}
	s = store_open(path, &cause);
	CHECK(s == NULL);
	CHECK_CAUSE(cause, path);
	free(path);
}

static void
test_conversations(void)
{
	struct ledger *l;
	struct ledger_entry e = { .provider = "openai", .model = "gpt-5-mini", .tier = "cheap" };
	char **roles, **texts, *cause = NULL;
	struct store_conv *cv;
	struct store_msg *ms;
	int64_t a, b, uid;
	size_t n;

	fresh_dir();
	setenv("LLM_NOW", "1790000000", 1);
	l = open_ledger();
	CHECK_INT(ledger_conv_latest(l), 0);
	a = ledger_conv_new(l, "first");
	CHECK(a > 0);
	CHECK(ledger_conv_exists(l, a));
	CHECK(!ledger_conv_exists(l, a + 1));
	CHECK_INT(ledger_msg_add(l, a, "user", "hello\n\x1b[2J", 0), 0);
	CHECK_INT(ledger_reserve(l, &e, 10, 0, false, &uid, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(ledger_settle(l, uid, NULL, 7, false, "ok", 3, &cause), 0);
	CHECK_INT(ledger_msg_add(l, a, "assistant", "hi", uid), 0);
	setenv("LLM_NOW", "1790000100", 1);
	b = ledger_conv_new(l, NULL);
	CHECK_INT(ledger_conv_latest(l), a);     /* b is empty yet */
	CHECK_INT(ledger_msg_add(l, b, "user", "second", 0), 0);
	CHECK_INT(ledger_conv_latest(l), b);
	/* A conversation whose first request was refused holds no messages: not listed. */
	CHECK(ledger_conv_new(l, "refused") > b);
	CHECK_INT(ledger_conv_latest(l), b);
	/* A new message makes a conversation the latest again. */
	setenv("LLM_NOW", "1790000200", 1);
	CHECK_INT(ledger_msg_add(l, a, "user", "again", 0), 0);
	CHECK_INT(ledger_conv_latest(l), a);
	/* A message for no conversation is refused by the foreign key. */
	CHECK_INT(ledger_msg_add(l, b + 50, "user", "orphan", 0), -1);
	CHECK_INT(ledger_conv_latest(l), a);

	CHECK_INT(ledger_conv_load(l, a, &roles, &texts, &n, &cause), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(roles[0], "user");
		CHECK_STR(texts[0], "hello\n\x1b[2J");
		CHECK_STR(roles[1], "assistant");
		CHECK_STR(texts[1], "hi");
		CHECK_STR(texts[2], "again");
	}
	ledger_msgs_free(roles, texts, n);
	CHECK_INT(ledger_conv_load(l, b + 1, &roles, &texts, &n, &cause), 0);
	CHECK_INT(n, 0);
	ledger_msgs_free(roles, texts, n);

	/* A summary of the first two messages: only what follows them is read to be sent. */
	CHECK_INT(store_conv_set_summary(ledger_store(l), a, "they said hello", 2), 0);
	CHECK_INT(ledger_conv_load(l, a, &roles, &texts, &n, &cause), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(texts[0], "again");
	ledger_msgs_free(roles, texts, n);
	{
		char *summary = NULL;
		int64_t upto = 0;

		CHECK_INT(store_conv_summary(ledger_store(l), a, &summary, &upto), 0);
		CHECK_STR(summary, "they said hello");
		CHECK_INT(upto, 2);
		free(summary);
	}
	/* the whole transcript is still there for llm logs */
	CHECK_INT(store_msgs(ledger_store(l), a, &ms, &n, &cause), 0);
	CHECK_INT(n, 3);
	store_msgs_free(ms, n);

	CHECK_INT(store_msgs(ledger_store(l), a, &ms, &n, &cause), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(ms[1].usage_id, uid);
		CHECK_STR(ms[1].model, "gpt-5-mini");
		CHECK_INT(ms[1].cost, 7);
		CHECK(ms[0].model == NULL);
		CHECK_INT(ms[0].created, 1790000000);
	}
	store_msgs_free(ms, n);

	CHECK_INT(store_conv_list(ledger_store(l), 10, &cv, &n, &cause), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(cv[0].id, a);
		CHECK_STR(cv[0].title, "first");
		CHECK_STR(cv[0].model, "gpt-5-mini");   /* from the assistant's usage row */
		CHECK_INT(cv[0].nmsgs, 3);
		CHECK_INT(cv[0].updated, 1790000200);
		CHECK_INT(cv[1].id, b);
		CHECK(cv[1].title == NULL);
	}
	store_convs_free(cv, n);
	CHECK_INT(store_conv_list(ledger_store(l), 1, &cv, &n, &cause), 0);
	CHECK_INT(n, 1);
	store_convs_free(cv, n);
	ledger_close(l);
	unsetenv("LLM_NOW");
}

/*
 * A turn's prompt and answer are kept together: in order, the request's row
 * on the answer alone, the conversation's model from it; a turn that cannot be
 * kept leaves neither message.
 */
static void
test_turn_add(void)
{
	struct ledger *l;
	struct ledger_entry e = { .provider = "openai", .model = "gpt-5-mini", .tier = "cheap" };
	char *cause = NULL, *want;
	int64_t a, uid;

	fresh_dir();
	l = open_ledger();
	a = ledger_conv_new(l, "turn");
	CHECK(a > 0);
	CHECK_INT(ledger_reserve(l, &e, 10, 0, false, &uid, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(ledger_turn_add(l, a, "question", "answer", uid), 0);
	want = xstrfmt("user:question:- assistant:answer:%lld", (long long)uid);
	check_sql("SELECT group_concat(role || ':' || text || ':' || coalesce(usage_id, '-'), ' ')"
	    " FROM (SELECT * FROM messages ORDER BY id)", want);
	free(want);
	check_sql("SELECT model FROM conversations WHERE id = (SELECT max(id) FROM conversations)",
	    "gpt-5-mini");
	/* no such conversation: the foreign key refuses the prompt, and the answer goes with it */
	CHECK_INT(ledger_turn_add(l, a + 50, "orphan", "lost", 0), -1);
	check_sql("SELECT count(*) FROM messages", "2");
	/* both are found by llm logs -q */
	check_sql("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'question OR answer'",
	    "2");
	ledger_close(l);
}

/* A turn re-asked is taken back out: only when it is the last one, its usage rows kept. */
static void
test_turn_drop(void)
{
	struct ledger *l;
	struct ledger_entry e = { .provider = "openai", .model = "gpt-5-mini", .tier = "cheap" };
	char *cause = NULL;
	int64_t a, uid;

	fresh_dir();
	l = open_ledger();
	a = ledger_conv_new(l, "drop");
	CHECK(a > 0);
	CHECK_INT(ledger_reserve(l, &e, 10, 0, false, &uid, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(ledger_turn_add(l, a, "q1", "a1", 0), 0);
	CHECK_INT(ledger_turn_add(l, a, "q2", "a2", uid), 0);
	/* not the last turn, or not its words: kept */
	CHECK_INT(store_turn_drop(ledger_store(l), a, "q1", "a1"), 0);
	CHECK_INT(store_turn_drop(ledger_store(l), a, "q2", "other"), 0);
	CHECK_INT(store_turn_drop(ledger_store(l), a + 50, "q2", "a2"), 0);
	check_sql("SELECT count(*) FROM messages", "4");
	CHECK_INT(store_turn_drop(ledger_store(l), a, "q2", "a2"), 1);
	check_sql("SELECT group_concat(role || ':' || text, ' ') FROM (SELECT * FROM messages ORDER BY id)",
	    "user:q1 assistant:a1");
	check_sql("SELECT count(*) FROM usage", "1");
	ledger_close(l);
}

static void
test_title_cut_at_character(void)
{
	struct ledger *l;
	struct store_conv *cv;
	char title[200], *cause = NULL;
	size_t n, i;

	fresh_dir();
	l = open_ledger();
	/* 79 ASCII bytes then a 3-byte character straddling the 80-byte cut. */
	for (i = 0; i < 79; i++)
		title[i] = 'a';
	memcpy(title + 79, "\xe2\x82\xac tail", 9);
	CHECK_INT(ledger_msg_add(l, ledger_conv_new(l, title), "user", title, 0), 0);
	CHECK_INT(store_conv_list(ledger_store(l), 1, &cv, &n, &cause), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_INT(strlen(cv[0].title), 79);
	store_convs_free(cv, n);
	ledger_close(l);
}

/* A version 1 database gains the system prompt and the draft mark, its rows kept. */
static void
test_migrate_v1(void)
{
	struct ledger *l;
	struct store *s;
	struct store_conv c;
	sqlite3 *db;
	char *cause = NULL;
	int64_t id;

	fresh_dir();
	l = open_ledger();
	id = store_conv_new(ledger_store(l), "old one");
	CHECK_INT(store_msg_add(ledger_store(l), id, "user", "hello", 0), 0);
	ledger_close(l);
	/* take the database back to what version 2 wrote */
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "DROP INDEX usage_task; ALTER TABLE usage DROP COLUMN task_id;"
	    "DROP TABLE tasks; ALTER TABLE conversations DROP COLUMN system;"
	    "ALTER TABLE conversations DROP COLUMN kind; DROP TABLE budget_warnings;"
	    " DROP TABLE route_labels; DROP TABLE route_learnt;"
	    " ALTER TABLE conversations DROP COLUMN role;"
	    " DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete;"
	    " DROP TRIGGER messages_fts_update; DROP TABLE messages_fts;"
	    " ALTER TABLE conversations DROP COLUMN summary;"
	    " ALTER TABLE conversations DROP COLUMN summary_upto;"
	    " ALTER TABLE conversations DROP COLUMN tier;"
	    " PRAGMA user_version = 2", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_open(test_db, &cause);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(store_version(s), STORE_VERSION);
	CHECK_INT(store_conv_get(s, id, &c, &cause), 0);
	CHECK(c.system == NULL && !c.draft && c.nmsgs == 1 && c.tier == NULL);
	CHECK_STR(c.title, "old one");
	store_conv_done(&c);
	CHECK_INT(store_conv_latest(s), id);
	store_close(s);
}

/* The system prompt is kept with a conversation; drafts are left out of -c and the lists. */
static void
test_system_and_drafts(void)
{
	struct ledger *l;
	struct store *s;
	struct store_conv c, *list;
	size_t n;
	char *cause = NULL;
	int64_t chat, draft;

	fresh_dir();
	l = open_ledger();
	s = ledger_store(l);
	chat = store_conv_new(s, "chat");
	CHECK_INT(store_msg_add(s, chat, "user", "hi", 0), 0);
	CHECK_INT(store_conv_set_system(s, chat, "Be brief."), 0);
	draft = store_conv_new(s, "draft");
	CHECK_INT(store_msg_add(s, draft, "user", "diff", 0), 0);
	CHECK_INT(store_conv_set_kind(s, draft, "draft"), 0);
	CHECK_INT(store_conv_get(s, chat, &c, &cause), 0);
	CHECK_STR(c.system, "Be brief.");
	CHECK(!c.draft);
	store_conv_done(&c);
	CHECK_INT(store_conv_get(s, draft, &c, &cause), 0);
	CHECK(c.draft && c.system == NULL);
	store_conv_done(&c);
	CHECK_INT(store_conv_latest(s), chat);
	CHECK_INT(store_conv_list(s, 10, &list, &n, &cause), 0);
	CHECK(n == 1 && list[0].id == chat && strcmp(list[0].system, "Be brief.") == 0);
	store_convs_free(list, n);
	CHECK_INT(store_conv_list_all(s, 10, &list, &n, &cause), 0);
	CHECK(n == 2 && list[0].id == draft && list[0].draft && !list[1].draft);
	store_convs_free(list, n);
	CHECK_INT(store_conv_set_system(s, chat, NULL), 0);
	CHECK_INT(store_conv_get(s, chat, &c, &cause), 0);
	CHECK(c.system == NULL);
	store_conv_done(&c);
	CHECK_INT(store_conv_get(s, 9999, &c, &cause), -1);
	free(cause);
	ledger_close(l);
}

/* An empty conversation is forgotten, its requests kept unlinked; one with messages stays. */
static void
test_drop_empty(void)
{
	struct ledger *l;
	struct ledger_entry e = { .provider = "openai", .model = "gpt-5-mini", .tier = "cheap" };
	char *cause = NULL;
	int64_t empty, full, uid;

	fresh_dir();
	l = open_ledger();
	empty = ledger_conv_new(l, "failed first message");
	e.conversation_id = empty;
	CHECK_INT(ledger_reserve(l, &e, 10, 0, false, &uid, NULL, &cause), LEDGER_RESERVED);
	CHECK_INT(ledger_settle(l, uid, NULL, 0, true, "error", 5, &cause), 0);
	full = ledger_conv_new(l, "answered");
	CHECK_INT(ledger_turn_add(l, full, "question", "answer", 0), 0);
	CHECK_INT(ledger_conv_drop_empty(l, full), 0);
	CHECK_INT(ledger_conv_drop_empty(l, empty), 1);
	CHECK(!ledger_conv_exists(l, empty) && ledger_conv_exists(l, full));
	check_sql("SELECT status || ':' || coalesce(conversation_id, 'none') FROM usage",
	    "error:none");
	CHECK_INT(ledger_conv_drop_empty(l, empty), 0);
	ledger_close(l);
}

/*
 * A conversation's id is never given again: not after its first message
 * failed and it was dropped, nor after llm logs rm, nor in a later process.
 * The team's ledger and offline rows keep the id.
 */
static void
test_ids_not_reused(void)
{
	struct ledger *l;
	struct store *s;
	char *cause = NULL;
	int64_t kept, dropped, forgotten, next;

	fresh_dir();
	l = open_ledger();
	s = ledger_store(l);
	kept = store_conv_new(s, "kept");
	CHECK_INT(store_msg_add(s, kept, "user", "hello", 0), 0);
	dropped = store_conv_new(s, "failed first message");
	CHECK(dropped > kept);
	CHECK_INT(store_conv_drop_empty(s, dropped), 1);
	forgotten = store_conv_new(s, "forgotten");
	CHECK(forgotten > dropped);
	CHECK_INT(store_msg_add(s, forgotten, "user", "secret", 0), 0);
	CHECK_INT(history_forget(s, forgotten, &cause), 0);
	ledger_close(l);
	l = open_ledger();
	next = store_conv_new(ledger_store(l), "next");
	CHECK(next > forgotten);
	ledger_close(l);
}

/*
 * Upgrading from version 12, whose ids could be given again, keeps every
 * conversation with its messages and requests, and starts the ids past any
 * a usage row still names (a conversation dropped before the upgrade).
 */
static void
test_upgrade_ids(void)
{
	struct ledger *l;
	struct store *s;
	struct store_conv c;
	sqlite3 *db;
	char *cause = NULL;

	fresh_dir();
	ledger_close(open_ledger());
	/* the conversations table as version 12 made it, without AUTOINCREMENT */
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, "PRAGMA foreign_keys = OFF; BEGIN;"
	    "CREATE TABLE c12 (id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
	    " updated INTEGER NOT NULL, title TEXT, model TEXT, system TEXT,"
	    " kind TEXT NOT NULL DEFAULT 'chat', role TEXT, summary TEXT,"
	    " summary_upto INTEGER NOT NULL DEFAULT 0, tier TEXT);"
	    "DROP TABLE conversations; ALTER TABLE c12 RENAME TO conversations;"
	    "CREATE INDEX conversations_updated ON conversations(updated);"
	    "DELETE FROM sqlite_sequence WHERE name = 'conversations';"
	    "INSERT INTO conversations (id, created, updated, title, system, kind, role, summary,"
	    " summary_upto, tier) VALUES (1, 1, 1, 'first', 'Be brief.', 'chat', 'review',"
	    " 'a summary', 2, 'mid'), (2, 2, 2, 'second', NULL, 'draft', NULL, NULL, 0, NULL);"
	    "INSERT INTO messages (conversation_id, role, text, created) VALUES"
	    " (1, 'user', 'capital of France?', 1), (1, 'assistant', 'Paris.', 1);"
	    "INSERT INTO usage (time, conversation_id, tier, status, cost_pico) VALUES"
	    " (1, 1, 'mid', 'ok', 100), (2, 2, 'cheap', 'ok', 7), (3, 5, 'cheap', 'error', 0);"
	    "COMMIT;" TASKS_V13 "PRAGMA user_version = 12", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	l = open_ledger();
	s = ledger_store(l);
	CHECK_INT(store_version(s), STORE_VERSION);
	check_sql("SELECT count(*) FROM sqlite_master WHERE name = 'conversations'"
	    " AND sql LIKE '%AUTOINCREMENT%'", "1");
	check_sql("SELECT group_concat(id || ':' || title || ':' || kind || ':' ||"
	    " coalesce(system, '-') || ':' || coalesce(role, '-') || ':' || coalesce(summary, '-')"
	    " || ':' || summary_upto || ':' || coalesce(tier, '-'), ' ') FROM conversations",
	    "1:first:chat:Be brief.:review:a summary:2:mid 2:second:draft:-:-:-:0:-");
	check_sql("SELECT group_concat(conversation_id || ':' || text, ' ') FROM messages",
	    "1:capital of France? 1:Paris.");
	check_sql("SELECT group_concat(conversation_id || ':' || cost_pico, ' ') FROM usage",
	    "1:100 2:7 5:0");
	check_sql("PRAGMA integrity_check", "ok");
	CHECK_INT(store_conv_get(s, 1, &c, &cause), 0);
	CHECK(c.nmsgs == 2);
	store_conv_done(&c);
	/* foreign keys are on again: a conversation deleted unlinks its requests by itself */
	CHECK_INT(sqlite3_exec(store_db(s), "DELETE FROM conversations WHERE id = 2", NULL, NULL,
	    NULL), SQLITE_OK);
	check_sql("SELECT coalesce(conversation_id, 'none') FROM usage WHERE time = 2", "none");
	/* past conversation 5, which only a request names now */
	CHECK_INT(store_conv_new(s, "after the upgrade"), 6);
	ledger_close(l);
}

/*
 * Upgrading from version 13 keeps its tasks, with no history: there is
 * nothing to resume them with. A task saved after is read back whole, and
 * found as its workspace's latest.
 */
static void
test_upgrade_tasks(void)
{
	struct ledger *l;
	struct ledger_task t;
	sqlite3 *db;
	char *cause = NULL;
	int64_t id;

	fresh_dir();
	ledger_close(open_ledger());
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, TASKS_V13 "INSERT INTO tasks (id, time, title, cap_pico) VALUES"
	    " (1, 1, 'fix it', 500); PRAGMA user_version = 13", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	l = open_ledger();
	CHECK_INT(store_version(ledger_store(l)), STORE_VERSION);
	check_sql("SELECT id || ':' || title || ':' || cap_pico || ':' || coalesce(root, '-') || ':'"
	    " || coalesce(tier, '-') || ':' || coalesce(model, '-') || ':' || done || ':' ||"
	    " coalesce(history, '-') FROM tasks", "1:fix it:500:-:-:-:0:-");
	CHECK_INT(ledger_task_get(l, 1, NULL, &t, &cause), 0);
	CHECK(t.id == 1 && t.root == NULL && t.history == NULL && !t.done && t.cap == 500);
	ledger_task_done(&t);
	/* no task of this workspace kept its root before */
	CHECK_INT(ledger_task_get(l, 0, "/w", &t, &cause), 1);
	id = ledger_task_new(l, "more", 0);
	CHECK(id == 2);
	CHECK_INT(ledger_task_save(l, id, "/w", "mid", "m-1", true, "[]", &cause), 0);
	CHECK_INT(ledger_task_new(l, "elsewhere", 0) > 0, 1);
	CHECK_INT(ledger_task_save(l, 3, "/x", NULL, NULL, false, NULL, &cause), 0);
	CHECK_INT(ledger_task_get(l, 0, "/w", &t, &cause), 0);
	CHECK(t.id == 2 && t.done && t.cap == 0);
	CHECK_STR(t.root, "/w");
	CHECK_STR(t.tier, "mid");
	CHECK_STR(t.model, "m-1");
	CHECK_STR(t.history, "[]");
	ledger_task_done(&t);
	CHECK_INT(ledger_task_get(l, 9, NULL, &t, &cause), 1);
	check_sql("PRAGMA integrity_check", "ok");
	ledger_close(l);
}

/* The tasks table as version 14 made it, without AUTOINCREMENT. */
#define TASKS_V14 "PRAGMA foreign_keys = OFF; BEGIN;" \
	" CREATE TABLE t14 (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, title TEXT," \
	" cap_pico INTEGER, root TEXT, tier TEXT, model TEXT, done INTEGER NOT NULL DEFAULT 0," \
	" history TEXT); DROP TABLE tasks; ALTER TABLE t14 RENAME TO tasks;" \
	" CREATE INDEX tasks_root ON tasks(root, id) WHERE root IS NOT NULL;" \
	" DELETE FROM sqlite_sequence WHERE name = 'tasks'; COMMIT;"

/*
 * A task's id is never given again: not after it was dropped for making no
 * step (rows elsewhere, the team's ledger or its outbox, may still name it),
 * nor in a later process.
 */
static void
test_task_ids_not_reused(void)
{
	struct ledger *l;
	int64_t kept, dropped, next;

	fresh_dir();
	l = open_ledger();
	kept = ledger_task_new(l, "kept", 0);
	CHECK(kept > 0);
	dropped = ledger_task_new(l, "stopped before its first step", 0);
	CHECK(dropped > kept);
	ledger_task_drop(l, dropped);
	check_sql("SELECT count(*) FROM tasks", "1");
	next = ledger_task_new(l, "next", 0);
	CHECK(next > dropped);
	ledger_task_drop(l, next);
	ledger_close(l);
	l = open_ledger();
	CHECK(ledger_task_new(l, "in a later process", 0) > next);
	ledger_close(l);
}

/*
 * Upgrading from version 14, whose task ids could be given again, keeps
 * every task whole, and starts the ids past any a usage row still names.
 */
static void
test_upgrade_task_ids(void)
{
	struct ledger *l;
	struct ledger_task t;
	sqlite3 *db;
	char *cause = NULL;

	fresh_dir();
	ledger_close(open_ledger());
	CHECK_INT(sqlite3_open(test_db, &db), SQLITE_OK);
	CHECK_INT(sqlite3_exec(db, TASKS_V14
	    "INSERT INTO tasks (id, time, title, cap_pico, root, tier, model, done, history) VALUES"
	    " (1, 1, 'fix it', 500, '/w', 'mid', 'm-1', 1, '[]'),"
	    " (2, 2, 'stopped', NULL, '/w', NULL, NULL, 0, '[{\"role\":\"user\"}]');"
	    "INSERT INTO usage (time, tier, status, cost_pico, task_id) VALUES"
	    " (1, 'mid', 'ok', 100, 1), (2, 'cheap', 'ok', 7, 2), (3, 'cheap', 'error', 0, 5);"
	    "PRAGMA user_version = 14", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	l = open_ledger();
	CHECK_INT(store_version(ledger_store(l)), STORE_VERSION);
	check_sql("SELECT count(*) FROM sqlite_master WHERE name = 'tasks'"
	    " AND sql LIKE '%AUTOINCREMENT%'", "1");
	check_sql("SELECT group_concat(id || ':' || title || ':' || coalesce(cap_pico, '-') || ':'"
	    " || root || ':' || coalesce(tier, '-') || ':' || coalesce(model, '-') || ':' || done"
	    " || ':' || history, ' ') FROM tasks",
	    "1:fix it:500:/w:mid:m-1:1:[] 2:stopped:-:/w:-:-:0:[{\"role\":\"user\"}]");
	check_sql("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'tasks_root'",
	    "1");
	check_sql("PRAGMA integrity_check", "ok");
	/* the workspace's latest is found as before */
	CHECK_INT(ledger_task_get(l, 0, "/w", &t, &cause), 0);
	CHECK(t.id == 2 && !t.done);
	ledger_task_done(&t);
	/* past task 5, which only a request names now */
	CHECK_INT(ledger_task_new(l, "after the upgrade", 0), 6);
	ledger_task_drop(l, 6);
	CHECK_INT(ledger_task_new(l, "and the next", 0), 7);
	ledger_close(l);
}

int
main(void)
{
	RUN(test_create);
	RUN(test_newer_schema_refused);
	RUN(test_upgrade_marks_commands);
	RUN(test_upgrade_takes_tiers);
	RUN(test_tier_raised);
	RUN(test_not_a_database);
	RUN(test_conversations);
	RUN(test_turn_add);
	RUN(test_turn_drop);
	RUN(test_title_cut_at_character);
	RUN(test_migrate_v1);
	RUN(test_system_and_drafts);
	RUN(test_drop_empty);
	RUN(test_ids_not_reused);
	RUN(test_upgrade_ids);
	RUN(test_upgrade_tasks);
	RUN(test_task_ids_not_reused);
	RUN(test_upgrade_task_ids);
	test_db_cleanup();
	UNIT_EXIT();
}
