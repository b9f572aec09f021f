/* ledger_priv: what the ledger's files share of its state and helpers. */
/*
 * Where things are:
 *   ledger.c       the statements; months and the meter; reservations reserved, reaped
 *                  and settled; the budget's warnings; reports of rows, days and dollars
 *   ledger_open.c  opening and closing: who this process is and whether a holder is
 *                  gone, the wait for the lock, the team's ledger and its time zone
 *   ledger_task.c  agent tasks: their rows, caps, holders and saved state
 *   ledger_conv.c  conversations and their messages, kept beside the usage rows
 *   ledger_pg*.c   the team's ledger in PostgreSQL (ledger_pg_priv.h); ledger_schema.c its schema
 */
#ifndef LLM_LEDGER_PRIV_H
#define LLM_LEDGER_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "ledger.h"

enum ledger_sql {
	SQL_BEGIN,
	SQL_COMMIT,
	SQL_ROLLBACK,
	SQL_BEGIN_READ,
	SQL_EXPIRE,
	SQL_BUCKETS,
	SQL_MARKED,
	SQL_ROWS,
	SQL_RESERVED,
	SQL_INSERT,
	SQL_SETTLE,
	SQL_HOLDERS,
	SQL_RELEASE,
	SQL_PROGRESS,
	SQL_WARNED,
	SQL_COUNT,
};

/* Owner strings: "BOOT-ID PID-NAMESPACE [MACHINE-ID]"; a host name. */
#define LEDGER_OWNER_MAX 256
#define LEDGER_HOST_MAX 256
/* How long a progress write may wait for the lock: it is only a hint, the reply goes on. */
#define LEDGER_PROGRESS_WAIT_MS 100
/* When a wait for the lock is worth saying. */
#define LEDGER_WAIT_SAY_MS 1000

struct ledger {
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *sql[SQL_COUNT];
	int64_t start;                  /* this process's start time; -1 unknown */
	char owner[LEDGER_OWNER_MAX];   /* this boot, pid namespace and machine; "" unknown */
	char host[LEDGER_HOST_MAX];
	ledger_wait_fn wait_fn;
	void *wait_arg;
	int64_t busy_since, busy_max;   /* the current wait for the lock, ms */
	int64_t gave_up;                /* clock_ms() when a wait last ran out; 0: never */
	bool told;                      /* the wait was said once */
	struct ledger_pg *pg;           /* the team's ledger; NULL: this SQLite one */
	char *pg_model;                 /* the team ledger's last reservation's model; NULL none */
};

/* a + b, saturating at INT64_MAX. */
int64_t ledger_add(int64_t a, int64_t b);
/* Fill *cause with the database's last error; -1. */
int ledger_fail(struct ledger *l, const char *what, char **cause);
/* Run a statement that returns no rows: 0, or -1. */
int ledger_run(struct ledger *l, enum ledger_sql q);

/* ledger_open.c: whether the process pid (started at start, on owner's machine, host) is gone. */
bool ledger_gone(const struct ledger *l, int64_t pid, int64_t start, const char *owner,
    const char *host);

/* ledger_task.c: what a task's steps cost, and marking a reservation as one of them. */
int ledger_task_sum(struct ledger *l, int64_t task, int64_t *sum, bool *estimated);
int ledger_task_mark(struct ledger *l, const struct ledger_entry *e, int64_t id);

#endif
