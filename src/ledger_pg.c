/* ledger_pg: the team's ledger in PostgreSQL, with rows kept locally while it is unreachable. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "config.h"
#include "ledger_pg.h"
#include "ledger_pg_priv.h"
#include "ledger_schema.h"
#include "store.h"
#include "util.h"

/*
 * Check that the connection string is one libpq takes: a typo is no outage.
 * libpq's reason may quote the string, so it is left out when that holds a password.
 */
static int
pg_parse(const char *database, char **cause)
{
	PQconninfoOption *o;
	char *err = NULL;

	if ((o = pq.PQconninfoParse(database, &err)) != NULL) {
		pq.PQconninfoFree(o);
		return 0;
	}
	if (err == NULL || config_has_password(database))
		store_cause(cause, "team ledger: [ledger] database (or LLM_DATABASE) is not a"
		    " connection string: write postgresql://HOST/DB?user=NAME or host=HOST dbname=DB");
	else
		pg_cause(cause, "[ledger] database (or LLM_DATABASE) is not a connection string", err);
	pq.PQfreemem(err);
	return -1;
}

/* Open the team ledger; an unreachable database leaves it offline, not failed. */
struct ledger_pg *
ledger_pg_open(const struct ledger_team *t, struct store *st, const struct ledger_pg_self *self,
    char **cause)
{
	struct ledger_pg *p;
	char *why = NULL;

	if (pq_load(cause) < 0 || pg_parse(t->database, cause) < 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->t = t;
	p->st = st;
	p->db = store_db(st);
	p->self = *self;
	p->version = -1;
	pg_key(p->instance);
	if (pg_connect(p, &why) == -2) {
		if (cause != NULL)
			*cause = why;
		else
			free(why);
		ledger_pg_close(p);
		return NULL;
	}
	free(why);
	return p;
}

/*
 * Let go of a connection this process inherited across fork, leaving the
 * session to the parent: its socket is swapped for /dev/null first, so the
 * goodbye PQfinish sends never reaches the server. Accepts NULL.
 */
void
ledger_pg_forget(struct ledger_pg *p)
{
	int fd, null;

	if (p == NULL)
		return;
	if (p->conn != NULL && (fd = pq.PQsocket(p->conn)) >= 0 &&
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, fd);
		close(null);
	}
	ledger_pg_close(p);
}

/* Close it; accepts NULL. */
void
ledger_pg_close(struct ledger_pg *p)
{
	if (p == NULL)
		return;
	if (p->conn != NULL)
		pq.PQfinish(p->conn);
	free(p->dial_cause);
	free(p->refused);
	free(p);
}

/* Tell whether the last call found the database unreachable. */
bool
ledger_pg_down(const struct ledger_pg *p)
{
	return p != NULL && p->down;
}

/* Fill m from the figures in columns c.. of row 0 (as llm.figures returns them). */
static void
pg_fill(const PGresult *r, int c, struct meter *m)
{
	const char *mon = col_str(r, 0, c);

	memset(m, 0, sizeof *m);
	m->team = true;
	str_copy(m->month, sizeof m->month, mon ? mon : "");
	m->month_start = col_i64(r, 0, c + 1);
	m->month_end = col_i64(r, 0, c + 2);
	m->limit = col_i64(r, 0, c + 3);
	m->spent = col_i64(r, 0, c + 4);
	m->expired = col_i64(r, 0, c + 5);
	m->unknown_worst = col_i64(r, 0, c + 6);
	m->reserved = col_i64(r, 0, c + 7);
	m->unknown_count = col_i64(r, 0, c + 8);
	m->requests = col_i64(r, 0, c + 9);
	m->estimated = col_i64(r, 0, c + 10) > 0 || m->expired > 0;
	m->user_limit = col_i64(r, 0, c + 11);
	m->user_spent = col_i64(r, 0, c + 12);
	m->user_reserved = col_i64(r, 0, c + 13);
}

/* Settle this host's reservations whose processes are gone; best effort. */
static void
pg_reap(struct ledger_pg *p)
{
	struct pg_args a = { .n = 0 }, b;
	PGresult *r;
	int i;

	if (p->self.host == NULL || *p->self.host == '\0')
		return;
	arg_str(&a, p->t->team);
	arg_str(&a, p->self.host);
	if ((r = pg_call(p, "reap", "SELECT id, pid, pid_start, owner FROM llm.holders($1, $2)",
	    &a, NULL)) == NULL)
		return;
	for (i = 0; i < pq.PQntuples(r); i++) {
		PGresult *x;

		if (!p->self.gone(p->self.arg, col_i64(r, i, 1), col_i64(r, i, 2), col_str(r, i, 3),
		    p->self.host))
			continue;
		b.n = 0;
		arg_i64(&b, col_i64(r, i, 0));
		if ((x = pg_call(p, "reap", "SELECT llm.release($1)", &b, NULL)) != NULL)
			pq.PQclear(x);
	}
	pq.PQclear(r);
}

/* What the offline rows hold against the allowance: settled costs and live worst cases. */
static int64_t
pg_offline_held(struct ledger_pg *p)
{
	sqlite3_stmt *st;
	int64_t held = -1;

	if (sqlite3_prepare_v2(p->db, "SELECT coalesce(sum(CASE WHEN status = 'reserved'"
	    " THEN coalesce(worst_case_pico, 0) ELSE coalesce(cost_pico, worst_case_pico, 0) END), 0)"
	    " FROM team_outbox WHERE kind = 'row'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		held = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return held;
}

/*
 * The key of task id in the team's rows: the one made with the task (in
 * llm.db, as the task is), the same in every process that goes on with it;
 * for a task made before tasks had one, unique to this ledger's process.
 * Whether it is the task's own.
 */
static bool
pg_task_key(const struct ledger_pg *p, int64_t id, char out[PG_TASK_MAX])
{
	const char *k = NULL;
	sqlite3_stmt *st;

	if (id > 0 && sqlite3_prepare_v2(p->db, "SELECT team_key FROM tasks WHERE id = ?1", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (k = (const char *)sqlite3_column_text(st, 0)) != NULL)
			snprintf(out, PG_TASK_MAX, "%s:%" PRId64, k, id);
		sqlite3_finalize(st);
	}
	if (k == NULL)
		snprintf(out, PG_TASK_MAX, "%s:%" PRId64, p->instance, id);
	return k != NULL;
}

/*
 * What the outbox holds of task id's key: settled costs and live worst cases;
 * -1 on error. *estimated (when not NULL): whether any is no exact cost.
 */
static int64_t
pg_offline_task(struct ledger_pg *p, const char *key, bool *estimated)
{
	sqlite3_stmt *st;
	int64_t held = -1;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT coalesce(sum(CASE WHEN"
	    " status = 'reserved' THEN coalesce(worst_case_pico, 0) ELSE coalesce(cost_pico,"
	    " worst_case_pico, 0) END), 0), coalesce(max(status = 'reserved' OR cost_pico IS NULL"
	    " OR (estimated <> 0 AND cost_pico IS NOT 0)), 0)"
	    " FROM team_outbox WHERE kind = 'row' AND task = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		held = sqlite3_column_int64(st, 0);
		if (estimated != NULL)
			*estimated = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return held;
}

/* When task id was made, by this machine's clock (its rows are no older); 0: unknown. */
static int64_t
pg_task_time(const struct ledger_pg *p, int64_t id)
{
	sqlite3_stmt *st;
	int64_t t = 0;

	if (sqlite3_prepare_v2(p->db, "SELECT time FROM tasks WHERE id = ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		t = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return t;
}

/* Keep a reservation locally, under key, while the database is unreachable. */
static int
pg_offline_insert(struct ledger_pg *p, const struct ledger_entry *e, const char *key,
    int64_t now, int64_t worst, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	char task[PG_TASK_MAX];

	if (sqlite3_prepare_v2(p->db, "INSERT INTO team_outbox (kind, row_key, team, user, time,"
	    " conversation_id, provider, model, tier, route_mode, route_reason, worst_case_pico,"
	    " status, pid, pid_start, owner, task, task_id) VALUES ('row', ?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, 'reserved', ?12, ?13, ?14, ?15, ?16)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	pg_task_key(p, e->task_id, task);
	if (e->task_id > 0) {
		sqlite3_bind_text(st, 15, task, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 16, e->task_id);
	}
	store_bind_str(st, 1, key);
	store_bind_str(st, 2, p->t->team);
	store_bind_str(st, 3, p->t->user);
	sqlite3_bind_int64(st, 4, now);
	ledger_bind_entry(st, 5, e, worst);
	sqlite3_bind_int64(st, 12, p->self.pid);
	if (p->self.start >= 0)
		sqlite3_bind_int64(st, 13, p->self.start);
	store_bind_str(st, 14, p->self.owner);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	*id = PG_OFFLINE_ID + sqlite3_last_insert_rowid(p->db);
	return 0;
}

/*
 * The database is unreachable: under block, refuse what costs anything (a
 * free model is never refused, and spends nothing to check); else reserve
 * locally within the offline allowance, to be sent when it is back.
 */
static int
pg_offline_reserve(struct ledger_pg *p, const struct ledger_entry *e, const char *key,
    int64_t now, int64_t worst, int64_t *id, struct meter *m, char **cause)
{
	int64_t held;

	memset(m, 0, sizeof *m);
	m->team = m->offline = true;
	ledger_month(now, &m->month_start, &m->month_end, m->month);
	if (p->t->fail_closed && worst != 0)
		return LEDGER_UNREACHABLE;
	/* a killed process's row holds what it had received, not its worst case */
	if (pg_outbox(p) == 0)
		pg_outbox_expire(p);
	if (pg_outbox(p) < 0 || (held = pg_offline_held(p)) < 0) {
		store_cause(cause, "team ledger unreachable, and the local outbox failed: %s",
		    sqlite3_errmsg(p->db));
		return -1;
	}
	m->limit = p->t->offline_allowance;
	m->spent = held;
	if (worst != 0 && (worst < 0 || held + worst > p->t->offline_allowance))
		return LEDGER_OVER_BUDGET;
	if (e->task_id > 0 && e->task_cap > 0) {
		/*
		 * Of the task's rows in the database, this process knows its own
		 * (at their worst cases); an earlier run's are not seen until it is back.
		 */
		char task[PG_TASK_MAX];
		int64_t t;

		pg_task_key(p, e->task_id, task);
		if ((t = pg_offline_task(p, task, NULL)) < 0) {
			store_cause(cause, "team ledger unreachable, and the local outbox failed: %s",
			    sqlite3_errmsg(p->db));
			return -1;
		}
		if (p->task_id == e->task_id)
			t += p->task_held;
		if (worst < 0 || worst > e->task_cap - t) {
			/* Refused for the task, not for the database: its reason is not wanted. */
			free(cause != NULL ? *cause : NULL);
			if (cause != NULL)
				*cause = NULL;
			return LEDGER_OVER_TASK;
		}
	}
	if (pg_offline_insert(p, e, key, now, worst, id) < 0) {
		store_cause(cause, "team ledger unreachable, and the local outbox failed: %s",
		    sqlite3_errmsg(p->db));
		return -1;
	}
	if (worst > 0)
		m->reserved = worst;
	/* Going on is said by the caller; the reason stays in *cause for it. */
	return LEDGER_RESERVED;
}

/*
 * Keep in the outbox that the reservation under key may hold the budget on
 * the server: its call was sent and its answer lost. Sent when the database is
 * back, it releases that reservation, if the server made it.
 */
static void
pg_lost_keep(struct ledger_pg *p, const char *key, int64_t now)
{
	sqlite3_stmt *st;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "INSERT INTO team_outbox (kind, row_key,"
	    " team, user, time) VALUES ('release', ?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
		return;
	store_bind_str(st, 1, key);
	store_bind_str(st, 2, p->t->team);
	store_bind_str(st, 3, p->t->user);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/*
 * The reservation under key got no answer: reserve offline. When its call
 * was sent, the server may have made the reservation all the same: the row
 * kept offline carries the same key, and sent when the database is back it
 * settles that reservation; with no row kept (refused, or block), the outbox
 * keeps the key to release it.
 */
static int
pg_reserve_lost(struct ledger_pg *p, const struct ledger_entry *e, const char *key,
    int64_t now, int64_t worst, int64_t *id, struct meter *m, char **cause)
{
	bool asked = p->asked;
	int rc = pg_offline_reserve(p, e, key, now, worst, id, m, cause);

	if (asked && rc != LEDGER_RESERVED)
		pg_lost_keep(p, key, now);
	return rc;
}

/*
 * The schema's reserve says "run llm ledger init" for a team it does not
 * know: a member may not, and the owner would make the misspelt team, with
 * no budget. Put in *cause what llm budget says instead. Its text is matched:
 * it is the schema's own RAISE, which no lc_messages translates, and its
 * SQLSTATE (P0001) is that of every RAISE there.
 */
static void
pg_no_team(const struct ledger_pg *p, char **cause)
{
	if (cause == NULL || *cause == NULL ||
	    strstr(*cause, "in the ledger: run llm ledger init") == NULL)
		return;
	free(*cause);
	*cause = NULL;
	store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX, p->t->team);
}

/* Check the team's and the user's budgets and reserve, in one transaction on the server. */
int
ledger_pg_reserve(struct ledger_pg *p, const struct ledger_entry *e, int64_t worst_case,
    bool enforce, int64_t *id, struct meter *m, char **cause)
{
	struct pg_args a = { .n = 0 };
	char key[33], task[PG_TASK_MAX];
	int64_t now = clock_now();
	PGresult *r;
	int verdict;

	*id = 0;
	pg_key(key);
	pg_reap(p);
	arg_str(&a, p->t->team);
	arg_str(&a, p->t->user);
	arg_str(&a, key);
	arg_i64(&a, now);
	arg_money(&a, worst_case);
	arg_bool(&a, enforce);
	if (e->conversation_id > 0)
		arg_i64(&a, e->conversation_id);
	else
		arg_str(&a, NULL);
	arg_str(&a, e->provider);
	arg_str(&a, e->model);
	arg_str(&a, e->tier);
	arg_str(&a, e->route_mode);
	arg_str(&a, e->route_reason);
	arg_i64(&a, p->self.pid);
	arg_money(&a, p->self.start);
	arg_str(&a, *p->self.owner ? p->self.owner : NULL);
	arg_str(&a, *p->self.host ? p->self.host : NULL);
	arg_i64(&a, now + LEDGER_EXPIRY);
	pg_task_key(p, e->task_id, task);
	arg_str(&a, e->task_id > 0 ? task : NULL);
	arg_i64(&a, e->task_id);
	arg_i64(&a, e->task_cap);
	r = pg_call(p, "reserve", "SELECT * FROM llm.reserve($1, $2, $3, $4, $5, $6, $7, $8, $9,"
	    " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)", &a, cause);
	if (r == NULL && p->denied && p->conn != NULL &&
	    strcmp(pq.PQuser(p->conn), p->t->user) != 0) {
		char fix[160];

		snprintf(fix, sizeof fix, "a member's rows carry its database login: set [ledger]"
		    " user = %s", pq.PQuser(p->conn));
		pg_hint(cause, fix);
	}
	if (r == NULL && !p->down)
		pg_no_team(p, cause);
	if (r == NULL && p->down) {
		verdict = pg_reserve_lost(p, e, key, now, worst_case, id, m, cause);
		if (verdict == LEDGER_RESERVED)
			pg_keep_key(p, *id, key);
		return verdict;
	}
	if (r == NULL)
		return -1;
	if (pq.PQntuples(r) != 1) {
		pq.PQclear(r);
		store_cause(cause, "team ledger: reserve: no answer");
		return -1;
	}
	verdict = (int)col_i64(r, 0, 0);
	*id = col_i64(r, 0, 1);
	pg_fill(r, 2, m);
	pq.PQclear(r);
	if (verdict != 0) {
		*id = 0;
		return verdict == 2 ? LEDGER_OVER_TASK : LEDGER_OVER_BUDGET;
	}
	if (e->task_id > 0) {
		if (p->task_id != e->task_id)
			p->task_held = 0;
		p->task_id = e->task_id;
		p->task_held += worst_case > 0 ? worst_case : 0;
	}
	if (worst_case > 0) {
		m->reserved += worst_case;
		m->user_reserved += worst_case;
	} else if (worst_case < 0) {
		m->unknown_count++;
	}
	pg_keep_key(p, *id, key);
	return LEDGER_RESERVED;
}

/* Write a settlement into the outbox: of an offline row (pg_id 0), or one the database missed. */
static int
pg_offline_settle(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	sqlite3_stmt *st;
	bool local = id >= PG_OFFLINE_ID;
	int rc;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, local ?
	    "UPDATE team_outbox SET input_tokens = ?2, cached_input_tokens = ?3,"
	    " cache_write_tokens = ?4, cache_write_1h_tokens = ?5, output_tokens = ?6,"
	    " reasoning_tokens = ?7, cost_pico = ?8, estimated = ?9, status = ?10, latency_ms = ?11"
	    " WHERE id = ?1 AND kind = 'row' AND status = 'reserved'" :
	    "INSERT INTO team_outbox (kind, pg_id, input_tokens, cached_input_tokens,"
	    " cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens,"
	    " cost_pico, estimated, status, latency_ms) VALUES ('settle', ?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11)", -1, &st, NULL) != SQLITE_OK) {
		store_cause(cause, "team ledger: settle offline: %s", sqlite3_errmsg(p->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, local ? id - PG_OFFLINE_ID : id);
	ledger_bind_usage(st, 2, u, cost, estimated);
	sqlite3_bind_text(st, 10, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, latency_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	/*
	 * An offline reservation's id is its outbox row set apart (PG_OFFLINE_ID),
	 * a number no command takes; what happened to it is what helps.
	 */
	if (rc == SQLITE_DONE && sqlite3_changes(p->db) == 1)
		return 0;
	if (local)
		store_cause(cause, "team ledger: settle: the reservation kept offline for this request"
		    " was closed before it ended (past its hour, or taken for a stopped process's): the"
		    " request stays counted at that estimate, not at what it cost");
	else
		store_cause(cause, "team ledger: settle: row %" PRId64 " could not be kept to send"
		    " when the database is back", id);
	return -1;
}

/*
 * A settlement the database did not take: when it is unreachable, the
 * settlement was lost on the way and is sent when it is back; else -1.
 */
static int
pg_settle_lost(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	if (!p->down)
		return -1;
	free(cause ? *cause : NULL);
	if (cause != NULL)
		*cause = NULL;
	return pg_offline_settle(p, id, u, cost, estimated, status, latency_ms, cause);
}

/* Parameters of llm.settle after the id. */
void
pg_settle_args(struct pg_args *a, const char *status, const struct usage *u, int64_t cost,
    bool estimated, int64_t latency_ms)
{
	arg_str(a, status);
	arg_i64(a, u ? u->input : 0);
	arg_i64(a, u ? u->cached_input : 0);
	arg_i64(a, u ? u->cache_write : 0);
	arg_i64(a, u ? u->cache_write_1h : 0);
	arg_i64(a, u ? u->output : 0);
	arg_i64(a, u ? u->reasoning : 0);
	arg_money(a, cost);
	arg_bool(a, estimated);
	arg_i64(a, latency_ms);
}

/* Turn a reservation into the real row. */
int
ledger_pg_settle(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;
	int64_t n;

	if (id >= PG_OFFLINE_ID)
		return pg_offline_settle(p, id, u, cost, estimated, status, latency_ms, cause);
	arg_i64(&a, id);
	pg_settle_args(&a, status, u, cost, estimated, latency_ms);
	r = pg_call(p, "settle", "SELECT llm.settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	    &a, cause);
	if (r == NULL)
		return pg_settle_lost(p, id, u, cost, estimated, status, latency_ms, cause);
	n = col_i64(r, 0, 0);
	pq.PQclear(r);
	if (n != 1) {
		store_cause(cause, "team ledger: settle: no reservation %" PRId64 " of yours", id);
		return -1;
	}
	return 0;
}

/* The thresholds as a PostgreSQL array literal, "{50,80,100}". */
static void
pg_thresholds(const struct ledger_warn *w, char *out, size_t n)
{
	size_t i, len = 0;

	len += (size_t)snprintf(out, n, "{");
	for (i = 0; i < w->n && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%d", i > 0 ? "," : "", w->at[i]);
	if (len < n)
		snprintf(out + len, n - len, "}");
}

/* Settle, and in the same transaction record the team's budget thresholds first passed. */
int
ledger_pg_settle_warn(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, struct ledger_warn *w,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	char at[256];
	PGresult *r;
	int64_t n;

	if (w == NULL || w->n == 0 || id >= PG_OFFLINE_ID)
		return ledger_pg_settle(p, id, u, cost, estimated, status, latency_ms, cause);
	w->passed = 0;
	arg_i64(&a, id);
	pg_settle_args(&a, status, u, cost, estimated, latency_ms);
	arg_i64(&a, clock_now());
	pg_thresholds(w, at, sizeof at);
	arg_str(&a, at);
	r = pg_call(p, "settle", "SELECT * FROM llm.settle_warn($1, $2, $3, $4, $5, $6, $7, $8,"
	    " $9, $10, $11, $12, $13)", &a, cause);
	/* A settlement lost on the way gives no warning when the database is back. */
	if (r == NULL)
		return pg_settle_lost(p, id, u, cost, estimated, status, latency_ms, cause);
	n = pq.PQntuples(r) == 1 ? col_i64(r, 0, 0) : 0;
	if (n == 1) {
		w->passed = (int)col_i64(r, 0, 1);
		pg_fill(r, 2, &w->m);
		/* The thresholds are of the team's budget, which the database holds. */
		w->limit = w->m.limit;
	}
	pq.PQclear(r);
	if (n != 1) {
		store_cause(cause, "team ledger: settle: no reservation %" PRId64 " of yours", id);
		return -1;
	}
	return 0;
}

/* What a task has cost in the team's rows, and in the outbox while it is unreachable. */
int
ledger_pg_task_spent(struct ledger_pg *p, int64_t task_id, int64_t *spent, bool *estimated,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	char task[PG_TASK_MAX];
	PGresult *r;
	int64_t off, since;
	bool off_est = false;

	*spent = 0;
	if (estimated != NULL)
		*estimated = false;
	pg_task_key(p, task_id, task);
	if ((off = pg_offline_task(p, task, &off_est)) < 0) {
		store_cause(cause, "team ledger: task: the local outbox failed: %s",
		    sqlite3_errmsg(p->db));
		return -1;
	}
	/* a day's slack for a clock set back since: the rows are read from there on */
	since = pg_task_time(p, task_id);
	since = since > 86400 ? since - 86400 : 0;
	arg_str(&a, p->t->team);
	arg_str(&a, task);
	arg_i64(&a, since);
	r = pg_call(p, "task", "SELECT llm.task_spent($1, $2), EXISTS (SELECT 1 FROM"
	    " llm.rows($1, $3, 9223372036854775807) WHERE task = $2 AND (status = 'reserved'"
	    " OR cost_pico IS NULL OR (estimated AND cost_pico <> 0)))", &a, cause);
	if (r == NULL) {
		if (!p->down)
			return -1;
		free(cause ? *cause : NULL);
		if (cause != NULL)
			*cause = NULL;
		/* Unreachable: of its rows there, this process's own, at their worst cases. */
		*spent = off + (p->task_id == task_id ? p->task_held : 0);
		if (estimated != NULL)
			*estimated = off_est || *spent > off;
		return 0;
	}
	*spent = off + col_i64(r, 0, 0);
	if (estimated != NULL)
		*estimated = off_est || strcmp(pq.PQgetvalue(r, 0, 1), "t") == 0;
	pq.PQclear(r);
	return 0;
}

/* The team's time zone, as its database holds it. */
int
ledger_pg_zone(struct ledger_pg *p, char *zone, size_t n, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;
	const char *z;
	int rc = -1;

	*zone = '\0';
	/* Not connected (unreachable when opened): no second wait for a connection here. */
	if (p->conn == NULL) {
		store_cause(cause, "team ledger unreachable");
		return -1;
	}
	arg_str(&a, p->t->team);
	if ((r = pg_call(p, "zone", "SELECT llm.team_zone($1)", &a, cause)) == NULL)
		return -1;
	z = pq.PQntuples(r) == 1 ? col_str(r, 0, 0) : NULL;
	if (z == NULL)
		store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX,
		    p->t->team);
	else if (strlen(z) >= n)
		store_cause(cause, "team ledger: the team's time zone is too long");
	else
		rc = 0;
	if (rc == 0)
		str_copy(zone, n, z);
	pq.PQclear(r);
	return rc;
}

/* Record in the outbox what an offline row's request has received so far. */
static int
pg_offline_progress(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost)
{
	sqlite3_stmt *st;
	int rc;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "UPDATE team_outbox SET"
	    " received_input = ?2, received_output = ?3, received_cost = ?4 WHERE id = ?1"
	    " AND kind = 'row' AND status = 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id - PG_OFFLINE_ID);
	sqlite3_bind_int64(st, 2, u->input);
	sqlite3_bind_int64(st, 3, u->output);
	if (cost >= 0)
		sqlite3_bind_int64(st, 4, cost);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Record what a reservation's request has received so far; best effort. */
int
ledger_pg_progress(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;

	if (id >= PG_OFFLINE_ID)
		return pg_offline_progress(p, id, u, cost);
	if (p->conn == NULL)
		return -1;
	arg_i64(&a, id);
	arg_i64(&a, u->input);
	arg_i64(&a, u->output);
	arg_money(&a, cost);
	if ((r = pg_call(p, "progress", "SELECT llm.progress($1, $2, $3, $4)", &a, NULL)) == NULL)
		return -1;
	pq.PQclear(r);
	return 0;
}

/* The one row a call about the team returns, or NULL with *cause: no such team. */
static PGresult *
pg_team_row(struct ledger_pg *p, PGresult *r, char **cause)
{
	/* llm.meter answers a team it does not know with one row of NULLs */
	if (r == NULL || (pq.PQntuples(r) == 1 && !pq.PQgetisnull(r, 0, 0)))
		return r;
	pq.PQclear(r);
	store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX, p->t->team);
	return NULL;
}

/*
 * Add to m the settled rows the outbox still keeps: with the database there,
 * rows it refused (made for a team it does not know), which stay on this
 * machine and count against its offline allowance.
 */
static void
pg_kept(struct ledger_pg *p, struct meter *m)
{
	sqlite3_stmt *st;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT count(*), coalesce(sum("
	    "coalesce(cost_pico, worst_case_pico, 0)), 0) FROM team_outbox WHERE kind = 'row'"
	    " AND status <> 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		m->kept_rows = sqlite3_column_int64(st, 0);
		m->kept = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (m->kept_rows > 0 && p->refused != NULL)
		str_copy(m->kept_why, sizeof m->kept_why, p->refused);
}

/* What the outbox holds against the offline allowance, and how many of its rows wait. */
int
ledger_pg_offline(struct ledger_pg *p, int64_t *held, int64_t *rows)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (pg_outbox(p) < 0 || (*held = pg_offline_held(p)) < 0 || sqlite3_prepare_v2(p->db,
	    "SELECT count(*) FROM team_outbox WHERE kind = 'row'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*rows = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The team's month and the user's share. */
int
ledger_pg_meter(struct ledger_pg *p, struct meter *m, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;

	pg_reap(p);
	arg_str(&a, p->t->team);
	arg_str(&a, p->t->user);
	arg_i64(&a, clock_now());
	arg_str(&a, *p->self.owner ? p->self.owner : NULL);
	r = pg_team_row(p, pg_call(p, "meter", "SELECT * FROM llm.meter($1, $2, $3, $4)", &a,
	    cause), cause);
	if (r == NULL)
		return -1;
	pg_fill(r, 0, m);
	/* the meter's alone: llm.reserve and llm.settle_warn return version 3's figures */
	m->user_unknown = col_i64(r, 0, 14);
	pq.PQclear(r);
	pg_kept(p, m);
	return 0;
}

/* Run one statement of the upgrade with no parameters. */
static int
pg_exec(struct ledger_pg *p, const char *what, const char *sql, char **cause)
{
	PGresult *r = pg_run(p, sql, NULL, 0, NULL);
	ExecStatusType s = pq.PQresultStatus(r);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : -1;
	/* The primary message alone, as pg_call gives: not "ERROR:" and the statement's text. */
	const char *msg = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (rc < 0)
		pg_cause(cause, what, msg != NULL ? msg : r != NULL ? pq.PQresultErrorMessage(r) :
		    pq.PQerrorMessage(p->conn));
	if (rc < 0 && pg_denied(r))
		pg_hint(cause, "llm ledger init runs as the owner of the llm schema");
	pq.PQclear(r);
	return rc;
}

/* Apply the migrations after version v and record the new version; in a transaction. */
static int
pg_upgrade(struct ledger_pg *p, int v, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;
	char sql[128];
	size_t i;

	for (i = (size_t)v; i < ledger_schema_count; i++)
		if (pg_exec(p, "init", ledger_schema[i], cause) < 0)
			return -1;
	snprintf(sql, sizeof sql, "INSERT INTO llm.meta VALUES ('version', '%zu') ON CONFLICT (key)"
	    " DO UPDATE SET value = EXCLUDED.value", ledger_schema_count);
	if (pg_exec(p, "init", sql, cause) < 0)
		return -1;
	/*
	 * The team's row; its time zone is checked by the server's own list. Without
	 * one configured the team's stays: an upgrade run from elsewhere keeps its months.
	 */
	arg_str(&a, p->t->team);
	arg_str(&a, p->t->timezone);
	r = pg_run(p, "INSERT INTO llm.teams (team, timezone)"
	    " SELECT $1, coalesce($2, 'UTC') WHERE now() AT TIME ZONE coalesce($2, 'UTC') IS NOT NULL"
	    " ON CONFLICT (team) DO UPDATE SET timezone = coalesce($2, llm.teams.timezone)", &a, 0,
	    NULL);
	if (pq.PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *msg = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		const char *state = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

		pg_cause(cause, "init", msg != NULL ? msg : pq.PQresultErrorMessage(r));
		/* 22023: a time zone the server does not know */
		if (state != NULL && strcmp(state, "22023") == 0)
			pg_hint(cause, "check [ledger] timezone, a name such as Europe/Paris");
		pq.PQclear(r);
		return -1;
	}
	pq.PQclear(r);
	return 0;
}

/* Create or upgrade the schema and the team's row. */
int
ledger_pg_init(struct ledger_pg *p, int *version, char **cause)
{
	int v, rc;

	*version = -1;
	if ((rc = pg_connect(p, cause)) != 0)
		return -1;
	/* One upgrader at a time: the lock is held until the transaction ends. */
	if (pg_exec(p, "init", "BEGIN", cause) < 0)
		return -1;
	/* An upgrade of a large ledger may take longer than a request's call. */
	if (pg_exec(p, "init", "SET LOCAL statement_timeout = 0", cause) < 0 ||
	    pg_exec(p, "init", "SELECT pg_advisory_xact_lock(7146252)", cause) < 0 ||
	    (v = pg_version(p, cause)) < 0)
		goto fail;
	*version = v;
	if (v > LEDGER_PG_VERSION) {
		store_cause(cause, "team ledger: its schema is version %d, newer than this llm's (%d):"
		    " upgrade llm", v, LEDGER_PG_VERSION);
		goto fail;
	}
	if (pg_upgrade(p, v, cause) < 0 || pg_exec(p, "init", "COMMIT", cause) < 0)
		goto fail;
	p->version = LEDGER_PG_VERSION;
	return 0;
fail:
	pg_exec(p, "init", "ROLLBACK", NULL);
	return -1;
}

/* Set the team's budget, or a user's. */
int
ledger_pg_set_budget(struct ledger_pg *p, const char *user, int64_t pico, bool *known,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;

	arg_str(&a, p->t->team);
	if (user != NULL)
		arg_str(&a, user);
	arg_i64(&a, pico);
	r = pg_call(p, "budget", user != NULL ?
	    "INSERT INTO llm.user_budgets (team, \"user\", budget_pico) VALUES ($1, $2, $3)"
	    " ON CONFLICT (team, \"user\") DO UPDATE SET budget_pico = EXCLUDED.budget_pico"
	    /* a user is a login, or has made requests (an admin's rows may bear any name) */
	    " RETURNING 1, EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $2)"
	    " OR EXISTS (SELECT 1 FROM llm.usage u WHERE u.team = $1 AND u.\"user\" = $2)" :
	    "UPDATE llm.teams SET budget_pico = $2 WHERE team = $1 RETURNING 1", &a, cause);
	/* A user's budget names its team by a foreign key (23503): the team is unknown. */
	if (r == NULL && strcmp(p->state, "23503") == 0 && cause != NULL) {
		free(*cause);
		*cause = NULL;
		store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX,
		    p->t->team);
	}
	r = pg_team_row(p, r, cause);
	if (r == NULL && p->denied)
		pg_hint(cause, "budgets are set by a login in llm_admin, or the schema's owner");
	if (r == NULL)
		return -1;
	if (known != NULL)
		*known = user == NULL || strcmp(pq.PQgetvalue(r, 0, 1), "t") == 0;
	pq.PQclear(r);
	return 0;
}
