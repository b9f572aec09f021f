/* ledger: the usage ledger, the monthly budget meter and reservations safe across processes. */
#ifndef LLM_LEDGER_H
#define LLM_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "provider.h"

struct sqlite3_stmt;
struct store;
struct ledger;

/*
 * A reservation whose process is known to be gone (on this machine: its pid
 * is free or reused) is settled at once from what the request had received.
 * One whose holder cannot be checked (another host, no start time) is taken
 * as dead after this many seconds and charged at its worst case.
 */
#define LEDGER_EXPIRY 3600

/* Every char **cause below may be NULL when the reason is not wanted. */

/* What a request is, for its ledger row. Borrowed strings; NULL is stored as NULL. */
struct ledger_entry {
	int64_t conversation_id;     /* 0: none */
	const char *provider, *model, *tier, *route_mode, *route_reason;
	int64_t task_id;             /* an agent task's step; 0: none */
	int64_t task_cap;            /* pico; > 0: the task's spent and reserved stay within it */
};

enum ledger_verdict {
	LEDGER_RESERVED,
	LEDGER_OVER_BUDGET,
	LEDGER_OVER_TASK,            /* the task's cap would be passed */
	LEDGER_UNREACHABLE,     /* the team's ledger cannot be reached and budget_action = block */
};

/* Where the calendar month (local time) stands. Money in pico-dollars. */
struct meter {
	int64_t month_start, month_end;  /* epoch seconds: local midnight on the 1st, then next month's */
	int64_t spent;          /* all that counts against the budget: settled costs, and */
	int64_t expired;        /*  of it: reservations expired at their worst case */
	int64_t unknown_worst;  /*  of it: requests of unknown cost at their worst case */
	int64_t reserved;       /* live reservations' worst cases */
	int64_t limit;          /* 0: no budget */
	int64_t unknown_count;  /* requests this month whose cost is unknown (never counted as $0) */
	int64_t requests;       /* settled requests this month */
	bool estimated;         /* some of spent is an estimate */
	char month[8];          /* "2026-11" */
	/* A team ledger: the figures above are the team's, these the user's share. */
	bool team;
	bool offline;           /* the team's ledger was unreachable: the local allowance */
	int64_t user_spent, user_reserved, user_limit;
	/* The user's requests of unknown cost (never counted as $0); ledger_meter's alone. */
	int64_t user_unknown;
	/* Settled rows kept on this machine that the team's ledger does not hold, and why. */
	int64_t kept_rows, kept;
	char kept_why[200];     /* "": not refused, only not sent yet */
};

/*
 * The team's ledger in PostgreSQL, from config.ini's [ledger] or LLM_DATABASE.
 * Strings are copied by ledger_use_team.
 */
struct ledger_team {
	const char *database;   /* a libpq connection string; NULL: the local SQLite ledger */
	const char *team, *user;
	const char *timezone;       /* NULL: the team's as it is (UTC for a new team) */
	int64_t offline_allowance;  /* pico-dollars usable while the database is unreachable */
	bool fail_closed;           /* budget_action = block: refuse while it is unreachable */
};

/* The limit a front end passes when the team ledger holds the budgets (they are in the database). */
#define LEDGER_TEAM_LIMIT INT64_MAX

/* Have ledger_open open the team's ledger t from now on (t NULL or t->database NULL: SQLite). */
void ledger_use_team(const struct ledger_team *t);
/* The team ledger configured by ledger_use_team, or NULL. */
const struct ledger_team *ledger_team(void);
struct ledger_pg;
/* The team ledger under l, or NULL when l is the local SQLite ledger; borrowed. */
struct ledger_pg *ledger_pg(struct ledger *l);

/* What was really spent: the meter's count less the worst cases counted for want of a cost. */
int64_t meter_spent(const struct meter *m);

/* Open (creating and migrating) $data_dir/llm.db; NULL with *cause on failure. */
struct ledger *ledger_open(const char *data_dir, char **cause);
/* Open a database at an exact path (tests, benchmarks). */
struct ledger *ledger_open_path(const char *path, char **cause);
/* Close the ledger; accepts NULL. */
void ledger_close(struct ledger *l);
/* Close a ledger inherited across fork without ending the parent's team session; accepts NULL. */
void ledger_forget(struct ledger *l);
/* Told, with the database's path, that a wait for another process's lock goes on. */
typedef void (*ledger_wait_fn)(void *arg, const char *path);
/* Have fn called once per ledger when a wait for the write lock lasts over a second. */
void ledger_on_wait(struct ledger *l, ledger_wait_fn fn, void *arg);
/* The store underneath (conversations, raw database access); borrowed. */
struct store *ledger_store(struct ledger *l);

/*
 * In one IMMEDIATE transaction: expire dead reservations (older than LEDGER_EXPIRY:
 * kept as estimated, status 'expired', cost = the worst case), compute this month's
 * spent + reserved, and if enforce && limit > 0 && worst_case > 0 &&
 * spent + reserved + worst_case > limit: return LEDGER_OVER_BUDGET without writing
 * (m filled). Otherwise insert a 'reserved' row with worst_case and return
 * LEDGER_RESERVED with *id. worst_case < 0 means unknown price: with enforce and a
 * limit, that is refused too (unknown is never free). worst_case == 0 (free) is
 * never refused. m may be NULL. With e->task_cap, a reservation that would take
 * the task past its cap (ledger_task_spent + worst_case) is LEDGER_OVER_TASK,
 * checked in the same transaction. Returns -1 on database error.
 */
int ledger_reserve(struct ledger *l, const struct ledger_entry *e, int64_t worst_case,
    int64_t limit, bool enforce, int64_t *id, struct meter *m, char **cause);
/*
 * Turn reservation id into the real row: token buckets from u, cost in pico-dollars
 * (< 0: unknown), estimated (figures not reported by the provider), status "ok",
 * "error" or "cancelled". 0 or -1.
 */
int ledger_settle(struct ledger *l, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause);
/*
 * Budget thresholds a settlement may pass: in percent of limit, ascending. A
 * warning is given once per month and threshold, whatever the processes.
 */
struct ledger_warn {
	const int *at;
	size_t n;               /* 0: no warnings */
	int64_t limit;          /* pico; 0: no budget, no warnings */
	int passed;             /* out: the highest threshold first passed by this settlement; 0 none */
	struct meter m;         /* out, when passed: the month after the settlement */
};

/*
 * As ledger_settle; then, in the same write transaction, every threshold of w the
 * month's spend (as the meter counts it) has reached and no process has warned of
 * this month is recorded, and w->passed names the highest. w may be NULL. 0 or -1.
 */
int ledger_settle_warn(struct ledger *l, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, struct ledger_warn *w,
    char **cause);
/*
 * Record what reservation id's request has received so far (input sent, output
 * tokens and their cost, estimated; cost < 0 unknown), so that if the process
 * dies the reservation is settled at that. Waits only briefly for the lock:
 * 0, or -1 when it could not be written.
 */
int ledger_progress(struct ledger *l, int64_t id, const struct usage *u, int64_t cost);
/*
 * Fill m with this month's figures against limit (pico, 0 = none). Settles the
 * reservations of processes known to be gone first. 0 or -1.
 */
int ledger_meter(struct ledger *l, int64_t limit, struct meter *m, char **cause);
/* Compute the local calendar month holding t: bounds and "YYYY-MM". 0 or -1. */
int ledger_month(int64_t t, int64_t *start, int64_t *end, char month[8]);
struct tm;
/*
 * Break t down in the user's own time zone into *tm, even where a team's
 * ledger has made its zone the process's for months and days: tm, or NULL.
 */
struct tm *ledger_user_time(int64_t t, struct tm *tm);
/* Compute the bounds of month "YYYY-MM" in local time. 0, or -1 if malformed. */
int ledger_month_parse(const char *s, int64_t *start, int64_t *end);

/* One row of the ledger for reports; strings borrowed for the callback's duration. */
struct ledger_row {
	int64_t id, time, conversation_id;     /* conversation_id 0: none */
	const char *provider, *model, *tier, *route_mode, *route_reason;   /* may be NULL */
	const char *status;     /* "reserved" (in flight), "ok", "error", "cancelled", "expired" */
	struct usage usage;
	int64_t cost;           /* pico-dollars; < 0 unknown */
	int64_t worst_case;     /* the reservation; < 0 unknown */
	bool estimated;
	int64_t latency_ms;
	int64_t task_id;        /* the agent task it is a step of; 0: none */
	const char *team, *user;    /* a team ledger's labels; NULL in SQLite */
	const char *task;       /* a team ledger's key of the task (ledger_task_mine); NULL in SQLite */
	const char *host;       /* a team ledger's: the machine that made it; NULL in SQLite */
};

/*
 * Whether r makes a sum of rows (a month, a tier, a model, a conversation) an
 * estimate: its cost is estimated at more than $0. One estimated at exactly
 * $0 adds nothing to the sum: a free model's, a request that never reached
 * the server (as older versions recorded it), or one booked at nothing as no
 * answer came. An unknown cost is never $0 (cost < 0): it still counts.
 */
bool ledger_row_marks(const struct ledger_row *r);

/* Called for each row; return non-zero to stop. */
typedef int (*ledger_row_fn)(void *arg, const struct ledger_row *r);

/*
 * Call fn for every row with time in [from, to), oldest first, from one snapshot.
 * Reservations of processes known to be gone are settled first. A reservation
 * past its expiry shows as it will be kept: status "expired", cost = its worst
 * case, estimated. 0 or -1.
 */
int ledger_rows(struct ledger *l, int64_t from, int64_t to, ledger_row_fn fn, void *arg,
    char **cause);
/*
 * Fill spent[0..ndays) with the spend of each local day of the month [start, end)
 * (day i + 1 in spent[i]), counted as the meter counts the month, from one snapshot and
 * the running totals, so it is quick on any ledger. 0 or -1.
 */
int ledger_days(struct ledger *l, int64_t start, int64_t end, int64_t now, int64_t *spent,
    int ndays, char **cause);
/* One user's figures for a month as the team's ledger totals them: no tokens, no rows. */
struct ledger_total {
	const char *user;
	int64_t requests;
	int64_t unknown;        /* requests of unknown cost */
	int64_t spent;          /* pico: what they cost, unknown costs at their worst cases */
	bool estimated;         /* some are estimates */
};

/* Called for each user's totals; return non-zero to stop. */
typedef int (*ledger_total_fn)(void *arg, const struct ledger_total *t);

/*
 * Call fn for each user's totals in the team's month mon (YYYY-MM), which a
 * member may read for every user, not only for itself (her rows alone are
 * hers). None with the local ledger. 0 or -1.
 */
int ledger_totals(struct ledger *l, const char *mon, ledger_total_fn fn, void *arg,
    char **cause);
/*
 * Bind e's conversation (0: NULL), provider, model, tier, route mode and
 * reason, then worst_case (< 0: NULL), to the seven parameters of st from i
 * on: the columns a reservation row holds here and in the team ledger's outbox.
 */
void ledger_bind_entry(struct sqlite3_stmt *st, int i, const struct ledger_entry *e,
    int64_t worst_case);
/*
 * Bind u's six token buckets (u NULL: zeros), cost (< 0: NULL) and estimated
 * to the eight parameters of st from i on, as a settled row holds them.
 */
void ledger_bind_usage(struct sqlite3_stmt *st, int i, const struct usage *u, int64_t cost,
    bool estimated);
/* Write pico-dollars as an exact decimal number of dollars for JSON: "12.4", "0.000026". */
void ledger_usd(int64_t pico, char *out, size_t n);

/*
 * Start an agent task (title may be NULL; cap in pico, 0: none), held by this
 * process (see ledger_task_hold); its id, or 0 on failure.
 */
int64_t ledger_task_new(struct ledger *l, const char *title, int64_t cap);
/*
 * Whether row r (with r->task_id) is a step of this machine's task of that
 * number: with a team ledger, its key is the task's own, or, for a task made
 * before tasks had one (each run gave its rows a key of its own), it was made
 * on this host by this user. Every row of the local ledger is.
 */
bool ledger_task_mine(struct ledger *l, const struct ledger_row *r);
/* Task id's title, the first line of what was asked (to free), or NULL: none. */
char *ledger_task_title(struct ledger *l, int64_t id);
/*
 * What task id has cost so far: settled steps at their cost (unknown ones at
 * their worst case) and live reservations at their worst case. *estimated
 * (when not NULL): whether any of that is no exact cost, as a row's mark
 * says (ledger_row_marks), a worst case or an unknown price. 0 or -1.
 */
int ledger_task_spent(struct ledger *l, int64_t id, int64_t *spent, bool *estimated,
    char **cause);
/*
 * Forget task id, which ended before it made a request: its row goes, so that
 * no task with nothing in it is listed. One that a row of the ledger names is kept.
 */
void ledger_task_drop(struct ledger *l, int64_t id);
/* Record task id's cap raised to cap (pico) while it runs. 0, or -1 with *cause. */
int ledger_task_set_cap(struct ledger *l, int64_t id, int64_t cap, char **cause);

/* How ledger_task_hold went. */
enum ledger_hold {
	LEDGER_HELD,            /* this process holds the task now (or held it already) */
	LEDGER_HELD_ELSEWHERE,  /* another process runs it: *holder is its pid */
	LEDGER_NO_TASK,
};

/*
 * Hold task id for this process, so that no other process runs it at the
 * same time: refused while another process that is alive, for all this one
 * can tell, holds it. A holder known to be gone, told as a reservation's
 * is (killed: its pid free or another process's; the machine booted since),
 * or one that cannot be checked from here and has made no step for
 * LEDGER_EXPIRY seconds, is taken over. An enum ledger_hold, or -1 with *cause.
 */
int ledger_task_hold(struct ledger *l, int64_t id, int64_t *holder, char **cause);
/* Let go of task id if this process holds it: another may go on with it. */
void ledger_task_release(struct ledger *l, int64_t id);

/* What llm do --resume goes on with: a task as its last step left it. */
struct ledger_task {
	int64_t id;
	char *root;             /* its workspace; NULL: kept by an llm before --resume */
	char *tier;             /* the tier its worker stuck to; NULL: none yet */
	char *model;            /* the model it was pinned to; NULL: routed */
	bool done;              /* it ended with an answer */
	char *history;          /* its messages as JSON (agent_hist); NULL: not kept */
	int64_t cap;            /* pico; 0: none */
};

/*
 * Keep task id's state after a step (and, held by this process, hold it on):
 * its workspace root, its worker's tier
 * (NULL: none yet) and pinned model (NULL: none), whether it ended with an answer, and its history (NULL:
 * none kept). 0, or -1 with *cause.
 */
int ledger_task_save(struct ledger *l, int64_t id, const char *root, const char *tier,
    const char *model, bool done, const char *history, char **cause);
/*
 * Read task id into t (free with ledger_task_done), or with id 0 the latest
 * task of workspace root. 0, 1 when there is no such task, -1 with *cause.
 */
int ledger_task_get(struct ledger *l, int64_t id, const char *root, struct ledger_task *t,
    char **cause);
void ledger_task_done(struct ledger_task *t);

/* Start a conversation (title may be NULL); its id, or 0 on failure. */
int64_t ledger_conv_new(struct ledger *l, const char *title);
/*
 * Forget conversation conv if it holds no message (its first request failed
 * before any answer); the requests stay in the ledger, their link to it
 * cleared. 1 forgotten, 0 kept, -1 on error.
 */
int ledger_conv_drop_empty(struct ledger *l, int64_t conv);
/* Append a message (role "user" or "assistant"; usage_id 0: none). 0 or -1. */
int ledger_msg_add(struct ledger *l, int64_t conv, const char *role, const char *text,
    int64_t usage_id);
/* Append a turn, prompt then answer (usage_id: the answer's; 0: none), in one transaction. 0 or -1. */
int ledger_turn_add(struct ledger *l, int64_t conv, const char *prompt, const char *answer,
    int64_t usage_id);
struct store_msg;
/*
 * Give the replies among messages m[n] (from store_msgs) their usage from a
 * team's ledger, whose rows are not in llm.db: as store_msgs gives a local
 * row's. 0 (the local ledger: nothing to do), or -1 with *cause when the
 * team's database could not be read (the rows still kept here are given).
 */
int ledger_msgs_usage(struct ledger *l, struct store_msg *m, size_t n, char **cause);
/* The most recently updated conversation that holds messages; 0 if there is none. */
int64_t ledger_conv_latest(struct ledger *l);
/* Whether conversation conv exists. */
bool ledger_conv_exists(struct ledger *l, int64_t conv);
/*
 * Load a conversation's messages in order, after those its summary stands for
 * (store_conv_summary); roles/texts malloc'd; free with ledger_msgs_free.
 */
int ledger_conv_load(struct ledger *l, int64_t conv, char ***roles, char ***texts, size_t *n,
    char **cause);
/* Free what ledger_conv_load returned; accepts NULLs. */
void ledger_msgs_free(char **roles, char **texts, size_t n);

/* A conversation's last good request on one model, for what its cache may still hold. */
struct ledger_last {
	const char *model;       /* borrowed for the call */
	int64_t time;
	struct usage usage;
};
typedef void (*ledger_last_fn)(void *arg, const struct ledger_last *last);
/* Call fn with the last request of conversation conv that ended well, once per model. 0 or -1. */
int ledger_conv_last(struct ledger *l, int64_t conv, ledger_last_fn fn, void *arg);

#endif
