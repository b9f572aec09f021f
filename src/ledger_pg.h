/* ledger_pg: the team's ledger in PostgreSQL, with rows kept locally while it is unreachable. */
#ifndef LLM_LEDGER_PG_H
#define LLM_LEDGER_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger.h"

struct store;
struct ledger_pg;

/* The schema version this llm writes; llm ledger init upgrades older ones. */
#define LEDGER_PG_VERSION 5

/* Who is asking, for the reservations written: as ledger.c knows it. */
struct ledger_pg_self {
	int64_t pid, start;         /* start -1: unknown */
	const char *owner, *host;   /* "" unknown */
	/* Whether the holder of a reservation on this host is known to be gone. */
	bool (*gone)(void *arg, int64_t pid, int64_t start, const char *owner, const char *host);
	void *arg;
};

/*
 * Open the team ledger described by t (t->database set), keeping rows made
 * while it is unreachable in the local store st (borrowed). An unreachable
 * database is not an error here: the ledger starts offline and each call tries
 * again. NULL with *cause when libpq cannot be loaded or the schema is not
 * this llm's.
 */
struct ledger_pg *ledger_pg_open(const struct ledger_team *t, struct store *st,
    const struct ledger_pg_self *self, char **cause);
/* Close it; accepts NULL. */
void ledger_pg_close(struct ledger_pg *p);
/* Whether the last call found the database unreachable; false for NULL. */
bool ledger_pg_down(const struct ledger_pg *p);
/*
 * Whether row id (as ledger_reserve gives it, or a message's usage_id) is one
 * kept on this machine until the team ledger takes it: it has no id there
 * yet, and the number is llm's own, never to be shown as one.
 */
bool ledger_pg_pending(int64_t id);
/* Let go of a connection inherited across fork, leaving the session to the parent. */
void ledger_pg_forget(struct ledger_pg *p);

/* As ledger_reserve; the limits are the team's and the user's, in the database. */
int ledger_pg_reserve(struct ledger_pg *p, const struct ledger_entry *e, int64_t worst_case,
    bool enforce, int64_t *id, struct meter *m, char **cause);
/* As ledger_settle. */
int ledger_pg_settle(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause);
/*
 * As ledger_settle_warn: the thresholds are of the team's budget (w->limit is
 * set to it), each warned of once per team and month across every machine.
 */
int ledger_pg_settle_warn(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, struct ledger_warn *w,
    char **cause);
/* As ledger_task_spent: the task's rows in the team's ledger (and the outbox's). 0 or -1. */
int ledger_pg_task_spent(struct ledger_pg *p, int64_t task_id, int64_t *spent, bool *estimated,
    char **cause);
/* The team's time zone ("Europe/Paris") into zone[n]; -1 when not connected. 0 or -1. */
int ledger_pg_zone(struct ledger_pg *p, char *zone, size_t n, char **cause);
/*
 * Tie the last message of conversation conv, a reply, to the row of
 * reservation id, made by this process; best effort.
 */
void ledger_pg_msg_row(struct ledger_pg *p, int64_t conv, int64_t id);
struct store_msg;
/*
 * Give the messages of m[n] that are replies their usage from their rows (as
 * store_msgs gives a local row's): those still kept in the outbox, then those
 * in the database. 0, or -1 with *cause when the database could not be read.
 */
int ledger_pg_msgs_usage(struct ledger_pg *p, struct store_msg *m, size_t n, char **cause);
/* As ledger_progress. */
int ledger_pg_progress(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost);
/* As ledger_meter: the team's month, with the user's share. */
int ledger_pg_meter(struct ledger_pg *p, struct meter *m, char **cause);
/*
 * While the database is unreachable: what the rows kept on this machine hold
 * against the offline allowance (*held, pico-dollars), and how many wait to
 * be sent (*rows). 0 or -1.
 */
int ledger_pg_offline(struct ledger_pg *p, int64_t *held, int64_t *rows);
/* As ledger_rows: all the team's rows for an admin, one's own for a member. */
int ledger_pg_rows(struct ledger_pg *p, int64_t from, int64_t to, ledger_row_fn fn, void *arg,
    char **cause);
/* As ledger_totals: each user's totals of the team's month, from llm.usage_by_user. */
int ledger_pg_totals(struct ledger_pg *p, const char *mon, ledger_total_fn fn, void *arg,
    char **cause);
/* As ledger_days: the whole team's days, a member's too (the forecast is the team's). */
int ledger_pg_days(struct ledger_pg *p, int64_t start, int64_t end, int64_t *spent, int ndays,
    char **cause);

/*
 * Create or upgrade the schema and the team's row (its time zone from the
 * config); refuses a schema newer than LEDGER_PG_VERSION. *version gets the
 * version found before. 0 or -1.
 */
int ledger_pg_init(struct ledger_pg *p, int *version, char **cause);
/*
 * Set the team's monthly budget (user NULL) or a user's, in pico-dollars; *known
 * (if not NULL) is false for a user that is no login and has made no request. 0 or -1.
 */
int ledger_pg_set_budget(struct ledger_pg *p, const char *user, int64_t pico, bool *known,
    char **cause);
/*
 * Send the rows kept on this machine now, each exactly once. Those the
 * database refuses (made under a misspelt [ledger] team or user) are sent as
 * the configured team and user: once that is put right, they are its rows.
 * How many are still kept (with why in *cause), or -1 with *cause when the
 * database cannot be reached; *sent: how many this process has sent.
 */
int ledger_pg_send(struct ledger_pg *p, int *sent, char **cause);

#endif
