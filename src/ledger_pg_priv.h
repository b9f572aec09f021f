/* ledger_pg_priv: what the team ledger's files share: libpq, the connection's state, helpers. */
#ifndef LLM_LEDGER_PG_PRIV_H
#define LLM_LEDGER_PG_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "ledger_pg.h"

/*
 * libpq is loaded when a team ledger is configured, not linked: a single
 * user's llm never needs it installed, and commands pay nothing for it.
 */
#define PQ_SYMS(X) \
	X(PQconnectStartParams) X(PQconnectPoll) X(PQstatus) X(PQerrorMessage) X(PQfinish) \
	X(PQsendQuery) X(PQsendQueryParams) X(PQconsumeInput) X(PQisBusy) X(PQgetResult) \
	X(PQgetCancel) X(PQcancel) X(PQfreeCancel) X(PQresultStatus) X(PQresultErrorMessage) X(PQntuples) \
	X(PQgetvalue) X(PQgetisnull) X(PQclear) X(PQconnectionNeedsPassword) \
	X(PQresultErrorField) X(PQsetNoticeProcessor) X(PQsocket) X(PQconnectionUsedPassword) \
	X(PQconninfoParse) X(PQconninfoFree) X(PQfreemem) X(PQuser) X(PQsetErrorVerbosity)
#define PQ_PTR(name) __typeof__(name) *name;
struct ledger_pq {
	PQ_SYMS(PQ_PTR)
};
#undef PQ_PTR
/* libpq's functions, found when the first team ledger is opened (ledger_pg_conn.c). */
extern struct ledger_pq pq;

/* Rows kept locally while offline have ids from here up, apart from the database's. */
#define PG_OFFLINE_ID (INT64_C(1) << 62)
/* Milliseconds connecting may take before the ledger counts as unreachable. */
#define PG_CONNECT_MS 10000
/* Milliseconds a call may take before the ledger counts as unreachable. */
#define PG_STATEMENT_TIMEOUT "10000"
/*
 * Milliseconds llm waits for a call's answer: the server's own statement
 * timeout, then a second for its error to arrive. A server that says nothing
 * by then (frozen, with its host still acknowledging every byte, which no TCP
 * timeout notices) is given up, as an unreachable one.
 */
#define PG_ANSWER_MS 11000
/* Milliseconds a cancel request may take: a frozen server does not answer it either. */
#define PG_CANCEL_MS 1000
/*
 * After a failed attempt, calls count the ledger as unreachable without
 * dialling again for this long: a command makes several calls, and each
 * waiting out a dead address would multiply the wait of one request.
 */
#define PG_REDIAL_MS 30000
/* Parameters of the largest call (llm.record). */
#define PG_ARGS_MAX 24
/* A task's key: its own key (or this ledger's instance key), then the task's number. */
#define PG_TASK_MAX 64
/* Reservations whose keys a process keeps, to tie its replies' messages to their rows. */
#define PG_KEPT_KEYS 16
/* The keyring entry holding the database's password. */
#define PG_KEYRING_NAME "ledger"
/* What to do about a team the ledger does not know. */
#define PG_NO_TEAM_FIX "check [ledger] team, or have the schema's owner add the team with" \
	" llm ledger init"
/* Where the password goes, said when the database wants one or refuses it. */
#define PG_PASSWORD_FIX "~/.pgpass (or the file PGPASSFILE names), PGPASSWORD, or the keyring" \
	" (llm keys set ledger)"

struct ledger_pg {
	PGconn *conn;                   /* NULL: not connected (unreachable, or not tried yet) */
	const struct ledger_team *t;    /* borrowed: lives as long as the program */
	struct store *st;               /* the local ledger: the outbox while offline */
	sqlite3 *db;
	struct ledger_pg_self self;     /* strings borrowed from the struct ledger */
	int version;                    /* the schema's version; -1 not known yet */
	bool down;                      /* the last call found the database unreachable */
	bool denied;                    /* the last call lacked a privilege */
	bool asked;                     /* the last call was sent: the server may have done it */
	char state[6];                  /* the SQLSTATE of the last call's error; "" none */
	int64_t dial_failed;            /* clock_ms() of the last failed attempt; 0 none */
	char *dial_cause;               /* why it failed */
	bool outbox;                    /* the outbox table exists */
	char *refused;                  /* why the database refused an outbox row at the last flush */
	int sent;                       /* outbox rows this process has sent */
	char instance[33];              /* a key of this process's ledger: tasks' keys start with it */
	int64_t task_id, task_held;     /* the last task reserved for online, and its worst cases */
	struct {
		int64_t id;             /* a reservation this process made (0: none), */
		char key[33];           /*  and its row's key, the same online and offline */
	} kept[PG_KEPT_KEYS];
	unsigned nkept;                 /* reservations made: the next goes to kept[nkept % N] */
	bool msgs;                      /* the table tying messages to rows exists */
};

/* Text parameters for a call. */
struct pg_args {
	const char *v[PG_ARGS_MAX];
	char num[PG_ARGS_MAX][24];
	int n;
};

/* ledger_pg_conn.c: loading libpq, connecting, calls, and what the server said. */

/* Load libpq once: 0, or -1 with *cause. */
int pq_load(char **cause);
/* Add a call's next parameter: text (NULL: SQL NULL), a number, money, a boolean. */
void arg_str(struct pg_args *a, const char *s);
void arg_i64(struct pg_args *a, int64_t x);
/* x, or NULL when x < 0 (an unknown cost or price). */
void arg_money(struct pg_args *a, int64_t x);
void arg_bool(struct pg_args *a, bool b);
/* Integer in column c of row i; 0 when NULL. */
int64_t col_i64(const PGresult *r, int i, int c);
/* Text in column c of row i, or NULL; borrowed from r. */
const char *col_str(const PGresult *r, int i, int c);
/*
 * Run sql with a's parameters: the result (the caller clears it), or NULL with
 * *cause; p->down tells an unreachable database from an error in SQL.
 */
PGresult *pg_call(struct ledger_pg *p, const char *what, const char *sql, const struct pg_args *a,
    char **cause);
/*
 * The server's message as one line of plain text: libpq's lines ("Connection
 * refused\n\tIs the server running ...") are joined by "; " (one space after
 * a line that ends in punctuation), other control bytes become spaces.
 */
void pg_cause(char **cause, const char *what, const char *msg);
/*
 * Connect if not connected: 0; -1 with p->down and *cause when unreachable;
 * -2 with *cause when the schema is newer than this llm's, the login is refused
 * or may not use the ledger, SSL is asked of a server without it, or libpq
 * refuses a setting: no outage, a setup to put right.
 */
int pg_connect(struct ledger_pg *p, char **cause);
/* Whether failed result r lacks a privilege (SQLSTATE 42501): the login's roles are at fault. */
bool pg_denied(const PGresult *r);
/* Add to *cause what to do about it: "; fix". */
void pg_hint(char **cause, const char *fix);
/* A new idempotent row id: 128 random bits in hex. */
void pg_key(char out[33]);
/*
 * Run sql with a's parameters (a NULL: none, and sql may hold several
 * statements, as a migration does), waiting at most ms for the answer (0: as
 * long as it takes): its result as PQexec gives it (the first error, else the
 * last result; the caller clears it). When the server says nothing in time the
 * statement is cancelled and the connection dropped: NULL, p->conn NULL,
 * p->down and *cause. NULL with p->conn kept: it could not be sent.
 */
PGresult *pg_run(struct ledger_pg *p, const char *sql, const struct pg_args *a, int64_t ms,
    char **cause);
/*
 * Read the schema's version: 0 when there is none yet; -1 with *cause when it
 * cannot be read (p->conn NULL: no answer in time), -2 when the login may not
 * read it (not in llm_member).
 */
int pg_version(struct ledger_pg *p, char **cause);

/* ledger_pg_outbox.c: rows made while offline, and settlements the database missed. */
/* Send what the outbox holds, removing each row once the database has it. */
int pg_flush_outbox(struct ledger_pg *p, char **cause);
/*
 * Settle the offline reservations whose process is gone, at what they had
 * received, and those past the expiry, at their worst case, as the database
 * would settle them.
 */
void pg_outbox_expire(struct ledger_pg *p);
/* Make the local outbox's table, once: 0, or -1. */
int pg_outbox(struct ledger_pg *p);

/* ledger_pg_msgs.c: replies' messages and their rows. */
/* Keep the key of reservation id, made by this process, for ledger_pg_msg_row. */
void pg_keep_key(struct ledger_pg *p, int64_t id, const char *key);

/* ledger_pg.c */
/* Parameters of llm.settle after the id. */
void pg_settle_args(struct pg_args *a, const char *status, const struct usage *u, int64_t cost,
    bool estimated, int64_t latency_ms);

#endif
