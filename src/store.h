/* store: llm.db, the SQLite database: opening, schema migrations, conversations and messages. */
#ifndef LLM_STORE_H
#define LLM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;
struct store;

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_VERSION 18
/* How long a statement waits for another process's write lock, in milliseconds. */
#define STORE_BUSY_MS 10000
/* Titles are cut to this many bytes (at a character boundary). */
#define STORE_TITLE_MAX 80

/* A conversation row; strings malloc'd (NULL when unset). */
struct store_conv {
	int64_t id, created, updated;
	char *title, *model;
	int64_t nmsgs;
	char *system;        /* the system prompt its turns are sent with; NULL: none */
	bool draft;          /* a git hook's commit-message draft, not a conversation to go on */
	bool cmd;            /* llm cmd's request for a command: gone on with only by its id */
	char *role;          /* the role (-r NAME) it was started with; NULL: none */
	char *tier;          /* the highest tier a turn of it was answered on; NULL: none yet */
};

/* A message row, with what its usage row says when it has one; strings malloc'd. */
struct store_msg {
	int64_t id, created, usage_id;
	char *role, *text;
	char *provider, *model, *tier;   /* NULL without a usage row */
	int64_t input, output;           /* all input buckets summed; output tokens */
	int64_t cost;                    /* pico-dollars; < 0 unknown */
	bool estimated;
	char *status;
};

/*
 * Open the database at path (its directory must exist), in WAL mode with a busy
 * timeout and foreign keys, and bring its schema to STORE_VERSION. NULL with *cause.
 */
struct store *store_open(const char *path, char **cause);
/* Close the database; accepts NULL. */
void store_close(struct store *s);
/* The SQLite handle, borrowed. */
struct sqlite3 *store_db(struct store *s);
/* The database's path, borrowed. */
const char *store_path(const struct store *s);
/* The schema version the database is at. */
int store_version(struct store *s);
/* The last SQLite error as text, borrowed. */
const char *store_errmsg(struct store *s);
/*
 * What the user can do about db's last error, as a clause to append to it
 * ("; free some space ..."), or "" when SQLite's words are all there is to say.
 */
const char *store_advice(struct sqlite3 *db);
/*
 * Fill *cause with a formatted message, unless cause is NULL: callers that do not
 * want the reason pass NULL. For the store and the modules built on it.
 */
void store_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bind s (borrowed until the statement runs) to parameter i of st; NULL binds NULL. */
void store_bind_str(struct sqlite3_stmt *st, int i, const char *s);

/* Start a conversation at clock_now(); its id, or 0 on failure. */
int64_t store_conv_new(struct store *s, const char *title);
/*
 * Forget conversation conv if it holds no message, in one transaction: its
 * usage rows stay, their link to it cleared. 1 forgotten, 0 kept, -1 on error.
 */
int store_conv_drop_empty(struct store *s, int64_t conv);
/* Append a message and touch the conversation; usage_id 0: none. 0 or -1. */
int store_msg_add(struct store *s, int64_t conv, const char *role, const char *text,
    int64_t usage_id);
/*
 * Append a turn: the user's prompt, then the answer (its request's usage row
 * usage_id, 0: none), and touch the conversation, all in one transaction. 0 or -1.
 */
int store_turn_add(struct store *s, int64_t conv, const char *prompt, const char *answer,
    int64_t usage_id);
/*
 * Take a turn back out: when the conversation's last two messages are prompt
 * and then answer, delete them (their usage rows stay). 1 taken, 0 not the
 * last turn, -1 on error.
 */
int store_turn_drop(struct store *s, int64_t conv, const char *prompt, const char *answer);
/* The most recently updated chat that holds messages (no draft, no llm cmd request); 0 if none. */
int64_t store_conv_latest(struct store *s);
/* Keep system (NULL: none) as conversation conv's system prompt. 0 or -1. */
int store_conv_set_system(struct store *s, int64_t conv, const char *system);
/* Keep role (NULL: none) as conversation conv's role. 0 or -1. */
int store_conv_set_role(struct store *s, int64_t conv, const char *role);
/*
 * Raise conversation conv's tier (the highest a turn of it was answered on) to
 * tier, as tier_str names it. 0, or -1 when it was as high already or on error.
 */
int store_conv_set_tier(struct store *s, int64_t conv, const char *tier);
/* Keep summary as what stands for conversation conv's first upto messages. 0 or -1. */
int store_conv_set_summary(struct store *s, int64_t conv, const char *summary, int64_t upto);
/* Read conv's summary (malloc'd; NULL: none) and how many messages it stands for. 0 or -1. */
int store_conv_summary(struct store *s, int64_t conv, char **summary, int64_t *upto);
/*
 * Mark conversation conv as kind "draft" (a git hook's draft: kept and billed, never
 * continued) or "cmd" (llm cmd's request: continued only by its id). 0 or -1.
 */
int store_conv_set_kind(struct store *s, int64_t conv, const char *kind);
/* Read conversation conv (nmsgs included) into *out; free with store_conv_done. 0 or -1. */
int store_conv_get(struct store *s, int64_t conv, struct store_conv *out, char **cause);
/* Free what a store_conv holds, not the struct. */
void store_conv_done(struct store_conv *c);
/* Whether conversation conv exists. */
bool store_conv_exists(struct store *s, int64_t conv);
/*
 * The n most recently updated conversations that hold messages, newest first, drafts and
 * llm cmd's requests left out. 0 or -1.
 */
int store_conv_list(struct store *s, size_t n, struct store_conv **out, size_t *count,
    char **cause);
/* As store_conv_list, with drafts and commands among them (draft or cmd set). 0 or -1. */
int store_conv_list_all(struct store *s, size_t n, struct store_conv **out, size_t *count,
    char **cause);
/* Free a list from store_conv_list; accepts NULL. */
void store_convs_free(struct store_conv *c, size_t n);
/* A conversation's messages in order. 0 or -1. */
int store_msgs(struct store *s, int64_t conv, struct store_msg **out, size_t *count,
    char **cause);
/* The messages after those conv's summary stands for (all without one), in order. 0 or -1. */
int store_msgs_recent(struct store *s, int64_t conv, struct store_msg **out, size_t *count,
    char **cause);
/* Free a list from store_msgs; accepts NULL. */
void store_msgs_free(struct store_msg *m, size_t n);

#endif
