/* ledger: the usage ledger, the monthly budget meter and reservations safe across processes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "ledger_pg.h"
#include "ledger_priv.h"
#include "store.h"
#include "util.h"

/* Seconds per bucket of usage_totals (see store.c). */
#define LEDGER_BUCKET 900

/*
 * Whether a reservation's holder is checked by this process (the same boot and
 * pid namespace, owner bound at p, with a start time): still reserved after
 * ledger_reap, it lives, and it never expires, however long its reply takes.
 */
#define LEDGER_LIVE(p) "coalesce(owner = " p " AND pid_start IS NOT NULL, 0)"

static const char *const ledger_sql_text[SQL_COUNT] = {
	[SQL_BEGIN] = "BEGIN IMMEDIATE",
	[SQL_COMMIT] = "COMMIT",
	[SQL_ROLLBACK] = "ROLLBACK",
	[SQL_BEGIN_READ] = "BEGIN",
	/*
	 * A reservation past its expiry whose process cannot be checked: take it as
	 * dead and charge its worst case, as an estimate.
	 */
	[SQL_EXPIRE] = "UPDATE usage SET status = 'expired', cost_pico = worst_case_pico,"
	    " estimated = 1, expires = NULL WHERE status = 'reserved' AND expires <= ?1"
	    " AND NOT " LEDGER_LIVE("?2"),
	/* A request of unknown cost counts at its worst case: never as $0. */
	[SQL_BUCKETS] = "SELECT coalesce(sum(spent), 0), coalesce(sum(unknown), 0),"
	    " coalesce(sum(requests), 0),"
	    " coalesce(sum(unknown_worst), 0), coalesce(sum(expired), 0)"
	    " FROM usage_totals WHERE bucket >= ?1 AND bucket < ?2",
	/*
	 * Whether a settled row's cost is an estimate of more than $0 (see
	 * ledger_row_marks), from the partial index usage_marked: quick at any size.
	 */
	[SQL_MARKED] = "SELECT EXISTS (SELECT 1 FROM usage WHERE estimated <> 0"
	    " AND cost_pico IS NOT 0 AND time >= ?1 AND time < ?2)",
	[SQL_ROWS] = "SELECT coalesce(sum(coalesce(cost_pico, 0)), 0),"
	    " coalesce(sum(cost_pico IS NULL), 0), count(*),"
	    " coalesce(sum(CASE WHEN cost_pico IS NULL THEN worst_case_pico END), 0),"
	    " coalesce(sum(CASE WHEN status = 'expired' THEN cost_pico END), 0)"
	    " FROM usage WHERE time >= ?1 AND time < ?2 AND status <> 'reserved'",
	/* Live reservations count as reserved; ones past expiry (not yet marked) as spent. */
	[SQL_RESERVED] = "SELECT coalesce(sum(CASE WHEN expires > ?3 OR " LEDGER_LIVE("?4")
	    " THEN worst_case_pico END), 0), coalesce(sum(CASE WHEN expires <= ?3 AND NOT "
	    LEDGER_LIVE("?4") " THEN worst_case_pico END), 0),"
	    " coalesce(sum(worst_case_pico IS NULL), 0),"
	    " coalesce(sum(expires <= ?3 AND NOT " LEDGER_LIVE("?4") "), 0)"
	    " FROM usage WHERE status = 'reserved' AND time >= ?1 AND time < ?2",
	[SQL_INSERT] = "INSERT INTO usage (time, conversation_id, provider, model, tier,"
	    " route_mode, route_reason, worst_case_pico, status, pid, expires, pid_start, owner,"
	    " host) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'reserved', ?9, ?10, ?11, ?12, ?13)",
	[SQL_SETTLE] = "UPDATE usage SET status = ?2, input_tokens = ?3, cached_input_tokens = ?4,"
	    " cache_write_tokens = ?5, cache_write_1h_tokens = ?6, output_tokens = ?7,"
	    " reasoning_tokens = ?8, cost_pico = ?9, estimated = ?10, latency_ms = ?11,"
	    " expires = NULL WHERE id = ?1 AND status IN ('reserved', 'expired')",
	/* Reservations whose holder may be checked: on this machine, with a start time. */
	[SQL_HOLDERS] = "SELECT id, pid, pid_start, owner, host FROM usage"
	    " WHERE status = 'reserved' AND pid IS NOT NULL AND pid_start IS NOT NULL"
	    " AND owner IS NOT NULL",
	/*
	 * The holder is gone: book what it had received (the input it sent and the
	 * output so far, estimated), or nothing when no reply had come.
	 */
	[SQL_RELEASE] = "UPDATE usage SET status = 'cancelled',"
	    " input_tokens = coalesce(received_input, 0),"
	    " output_tokens = coalesce(received_output, 0),"
	    " cost_pico = CASE WHEN received_output IS NULL THEN 0 ELSE received_cost END,"
	    " estimated = 1, expires = NULL WHERE id = ?1 AND status = 'reserved'",
	[SQL_PROGRESS] = "UPDATE usage SET received_input = ?2, received_output = ?3,"
	    " received_cost = ?4 WHERE id = ?1 AND status = 'reserved'",
	/* A threshold's warning, unless it was given this month already. */
	[SQL_WARNED] = "INSERT OR IGNORE INTO budget_warnings (month, threshold, time,"
	    " spent_pico, limit_pico, usage_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
};

/* Add without wrapping: money sums saturate at INT64_MAX, which is over any budget. */
int64_t
ledger_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* The prepared statement for q, reset and unbound; NULL on error. */
static sqlite3_stmt *
ledger_stmt(struct ledger *l, enum ledger_sql q)
{
	if (l->sql[q] == NULL) {
		if (sqlite3_prepare_v3(l->db, ledger_sql_text[q], -1, SQLITE_PREPARE_PERSISTENT,
		    &l->sql[q], NULL) != SQLITE_OK)
			return NULL;
	} else {
		sqlite3_reset(l->sql[q]);
		sqlite3_clear_bindings(l->sql[q]);
	}
	return l->sql[q];
}

/* Fill *cause with the database's last error. */
int
ledger_fail(struct ledger *l, const char *what, char **cause)
{
	if ((sqlite3_errcode(l->db) & 0xff) == SQLITE_BUSY)
		store_cause(cause, "%s: %s: another process has held the ledger's lock for %d s;"
		    " try again when it is done (fuser %s names it)", store_path(l->st), what,
		    STORE_BUSY_MS / 1000, store_path(l->st));
	else
		store_cause(cause, "%s: %s: %s%s", store_path(l->st), what, sqlite3_errmsg(l->db),
		    store_advice(l->db));
	return -1;
}

/* Step a kept statement that returns no rows, and reset it for its next use. 0 or -1. */
static int
ledger_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Run a statement that returns no rows. */
int
ledger_run(struct ledger *l, enum ledger_sql q)
{
	sqlite3_stmt *st = ledger_stmt(l, q);

	return st != NULL ? ledger_step(st) : -1;
}

/* Compute the local calendar month holding t. */
int
ledger_month(int64_t t, int64_t *start, int64_t *end, char month[8])
{
	time_t tt = (time_t)t;
	struct tm tm, a, b;
	char tmp[32];

	if (localtime_r(&tt, &tm) == NULL)
		return -1;
	a = tm;
	a.tm_mday = 1;
	a.tm_hour = a.tm_min = a.tm_sec = 0;
	a.tm_isdst = -1;
	b = a;
	b.tm_mon++;
	*start = (int64_t)mktime(&a);
	*end = (int64_t)mktime(&b);
	if (month != NULL) {
		snprintf(tmp, sizeof tmp, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
		if (!str_copy(month, 8, tmp))
			return -1;
	}
	return *start < *end ? 0 : -1;
}

/* Compute the bounds of month "YYYY-MM" in local time. */
int
ledger_month_parse(const char *s, int64_t *start, int64_t *end)
{
	struct tm a, b;
	int i, y = 0, mo = 0;

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return -1;
	for (i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			mo = mo * 10 + (s[i] - '0');
	}
	if (mo < 1 || mo > 12 || y < 1970)
		return -1;
	memset(&a, 0, sizeof a);
	a.tm_year = y - 1900;
	a.tm_mon = mo - 1;
	a.tm_mday = 1;
	a.tm_isdst = -1;
	b = a;
	b.tm_mon++;
	*start = (int64_t)mktime(&a);
	*end = (int64_t)mktime(&b);
	return *start < *end ? 0 : -1;
}

/* Add the settled figures of [from, to) read by statement q (buckets or rows) to m. */
static int
ledger_sum(struct ledger *l, enum ledger_sql q, int64_t from, int64_t to, struct meter *m)
{
	sqlite3_stmt *st;
	int rc;

	if (from >= to)
		return 0;
	if ((st = ledger_stmt(l, q)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->spent = ledger_add(m->spent, sqlite3_column_int64(st, 0));
		m->unknown_count += sqlite3_column_int64(st, 1);
		m->requests += sqlite3_column_int64(st, 2);
		m->unknown_worst = ledger_add(m->unknown_worst, sqlite3_column_int64(st, 3));
		m->expired = ledger_add(m->expired, sqlite3_column_int64(st, 4));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Mark m estimated if a settled row of [from, to) counts as an estimate. */
static int
ledger_marked(struct ledger *l, int64_t from, int64_t to, struct meter *m)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = ledger_stmt(l, SQL_MARKED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		m->estimated |= sqlite3_column_int64(st, 0) != 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Add the spend of [from, to) to m as the meter counts it: settled figures (whole
 * buckets from the totals, the edges from the rows), unknown costs at their worst
 * case, and reservations past their expiry. The caller holds a transaction.
 */
static int
ledger_span(struct ledger *l, int64_t from, int64_t to, int64_t now, struct meter *m)
{
	int64_t b0 = from >= 0 ? (from + LEDGER_BUCKET - 1) / LEDGER_BUCKET : 0;
	int64_t b1 = from >= 0 ? to / LEDGER_BUCKET : 0;
	int64_t unknown_worst = m->unknown_worst;
	sqlite3_stmt *st;
	int rc;

	if (b0 < b1) {
		if (ledger_sum(l, SQL_BUCKETS, b0, b1, m) < 0 ||
		    ledger_sum(l, SQL_ROWS, from, b0 * LEDGER_BUCKET, m) < 0 ||
		    ledger_sum(l, SQL_ROWS, b1 * LEDGER_BUCKET, to, m) < 0)
			return -1;
	} else if (ledger_sum(l, SQL_ROWS, from, to, m) < 0) {
		return -1;
	}
	if (ledger_marked(l, from, to, m) < 0)
		return -1;
	m->spent = ledger_add(m->spent, m->unknown_worst - unknown_worst);
	if ((st = ledger_stmt(l, SQL_RESERVED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, l->owner, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->reserved = ledger_add(m->reserved, sqlite3_column_int64(st, 0));
		m->spent = ledger_add(m->spent, sqlite3_column_int64(st, 1));
		m->expired = ledger_add(m->expired, sqlite3_column_int64(st, 1));
		m->unknown_count += sqlite3_column_int64(st, 2);
		m->estimated |= sqlite3_column_int64(st, 3) > 0;
		m->requests += sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int64_t
meter_spent(const struct meter *m)
{
	return m->spent - m->expired - m->unknown_worst;
}

/* Fill m for the month holding now; the caller holds a transaction. */
static int
ledger_fill(struct ledger *l, int64_t now, int64_t limit, struct meter *m)
{
	memset(m, 0, sizeof *m);
	m->limit = limit;
	if (ledger_month(now, &m->month_start, &m->month_end, m->month) < 0)
		return -1;
	return ledger_span(l, m->month_start, m->month_end, now, m);
}

/* Bind a request's conversation, route and worst case to the seven parameters from i on. */
void
ledger_bind_entry(sqlite3_stmt *st, int i, const struct ledger_entry *e, int64_t worst_case)
{
	if (e->conversation_id > 0)
		sqlite3_bind_int64(st, i, e->conversation_id);
	store_bind_str(st, i + 1, e->provider);
	store_bind_str(st, i + 2, e->model);
	store_bind_str(st, i + 3, e->tier);
	store_bind_str(st, i + 4, e->route_mode);
	store_bind_str(st, i + 5, e->route_reason);
	if (worst_case >= 0)
		sqlite3_bind_int64(st, i + 6, worst_case);
}

/* Bind a settlement's token buckets, cost and estimated to the eight parameters from i on. */
void
ledger_bind_usage(sqlite3_stmt *st, int i, const struct usage *u, int64_t cost, bool estimated)
{
	sqlite3_bind_int64(st, i, u ? u->input : 0);
	sqlite3_bind_int64(st, i + 1, u ? u->cached_input : 0);
	sqlite3_bind_int64(st, i + 2, u ? u->cache_write : 0);
	sqlite3_bind_int64(st, i + 3, u ? u->cache_write_1h : 0);
	sqlite3_bind_int64(st, i + 4, u ? u->output : 0);
	sqlite3_bind_int64(st, i + 5, u ? u->reasoning : 0);
	if (cost >= 0)
		sqlite3_bind_int64(st, i + 6, cost);
	sqlite3_bind_int(st, i + 7, estimated);
}

/* Insert the reservation row; the caller holds the write transaction. */
static int
ledger_insert(struct ledger *l, const struct ledger_entry *e, int64_t now, int64_t worst_case,
    int64_t *id)
{
	sqlite3_stmt *st = ledger_stmt(l, SQL_INSERT);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	ledger_bind_entry(st, 2, e, worst_case);
	sqlite3_bind_int64(st, 9, (int64_t)getpid());
	sqlite3_bind_int64(st, 10, ledger_add(now, LEDGER_EXPIRY));
	if (l->start >= 0)
		sqlite3_bind_int64(st, 11, l->start);
	store_bind_str(st, 12, l->owner[0] != '\0' ? l->owner : NULL);
	store_bind_str(st, 13, l->host[0] != '\0' ? l->host : NULL);
	if (ledger_step(st) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(l->db);
	return 0;
}

/*
 * Settle the reservations of processes known to be gone (see ledger_gone) from
 * what they had received. With check_only, only say whether there are any.
 * The caller holds the write transaction unless check_only. 1 some, 0 none, -1.
 */
static int
ledger_reap(struct ledger *l, bool check_only)
{
	sqlite3_stmt *st = ledger_stmt(l, SQL_HOLDERS);
	int64_t *ids = NULL;
	size_t n = 0, i;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!ledger_gone(l, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2),
		    (const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4)))
			continue;
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(st, 0);
		if (check_only)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		free(ids);
		return -1;
	}
	for (i = 0; !check_only && i < n; i++) {
		if ((st = ledger_stmt(l, SQL_RELEASE)) == NULL)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (ledger_step(st) < 0)
			break;
	}
	free(ids);
	if (!check_only && i < n)
		return -1;
	return n > 0;
}

/* Settle dead processes' reservations before a read, in a transaction of its own. */
static void
ledger_reap_now(struct ledger *l)
{
	if (ledger_reap(l, true) != 1)
		return;
	/* Best effort: if the lock cannot be had, the reader shows them as reserved. */
	if (ledger_run(l, SQL_BEGIN) < 0)
		return;
	if (ledger_reap(l, false) < 0) {
		ledger_run(l, SQL_ROLLBACK);
		return;
	}
	if (ledger_run(l, SQL_COMMIT) < 0)
		ledger_run(l, SQL_ROLLBACK);
}

/* Check the budget and reserve a request's worst case in one transaction. */
int
ledger_reserve(struct ledger *l, const struct ledger_entry *e, int64_t worst_case,
    int64_t limit, bool enforce, int64_t *id, struct meter *m, char **cause)
{
	struct meter local;
	sqlite3_stmt *st;
	int64_t now;
	bool over;

	if (m == NULL)
		m = &local;
	*id = 0;
	if (l->pg != NULL) {
		free(l->pg_model);
		l->pg_model = e->model != NULL ? xstrdup(e->model) : NULL;
		return ledger_pg_reserve(l->pg, e, worst_case, enforce, id, m, cause);
	}
	/* IMMEDIATE takes the write lock first: the check and the reservation are one step. */
	if (ledger_run(l, SQL_BEGIN) < 0)
		return ledger_fail(l, "reserve", cause);
	now = clock_now();
	if (ledger_reap(l, false) < 0)
		goto fail;
	if ((st = ledger_stmt(l, SQL_EXPIRE)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, l->owner, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);
	if (ledger_fill(l, now, limit, m) < 0)
		goto fail;
	over = enforce && limit > 0 && worst_case != 0 &&
	    (worst_case < 0 ||
	    ledger_add(ledger_add(m->spent, m->reserved), worst_case) > limit);
	if (over) {
		ledger_run(l, SQL_ROLLBACK);
		return LEDGER_OVER_BUDGET;
	}
	if (e->task_id > 0 && e->task_cap > 0) {
		int64_t task;

		if (ledger_task_sum(l, e->task_id, &task, NULL) < 0)
			goto fail;
		if (worst_case < 0 || ledger_add(task, worst_case) > e->task_cap) {
			ledger_run(l, SQL_ROLLBACK);
			return LEDGER_OVER_TASK;
		}
	}
	if (ledger_insert(l, e, now, worst_case, id) < 0 || ledger_task_mark(l, e, *id) < 0)
		goto fail;
	if (ledger_run(l, SQL_COMMIT) < 0)
		goto fail;
	if (worst_case > 0)
		m->reserved = ledger_add(m->reserved, worst_case);
	else if (worst_case < 0)
		m->unknown_count++;
	return LEDGER_RESERVED;
fail:
	ledger_fail(l, "reserve", cause);
	ledger_run(l, SQL_ROLLBACK);
	*id = 0;
	return -1;
}

/* Update reservation id into the real row; the caller checked status. 0, or -1 (no cause). */
static int
ledger_settle_row(struct ledger *l, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms)
{
	sqlite3_stmt *st;

	if ((st = ledger_stmt(l, SQL_SETTLE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	ledger_bind_usage(st, 3, u, cost, estimated);
	sqlite3_bind_int64(st, 11, latency_ms);
	return ledger_step(st);
}

/* Whether spent is at least pct percent of limit (> 0). */
static bool
ledger_past(int64_t spent, int64_t limit, int pct)
{
	return (__int128)spent * 100 >= (__int128)limit * pct;
}

/*
 * Record the warnings of every threshold the month is past and that was not
 * given yet; w->passed is the highest one recorded here. The caller holds the
 * write transaction.
 */
static int
ledger_warnings(struct ledger *l, int64_t id, int64_t now, struct ledger_warn *w)
{
	sqlite3_stmt *st;
	size_t i;

	if (ledger_fill(l, now, w->limit, &w->m) < 0)
		return -1;
	for (i = 0; i < w->n && ledger_past(w->m.spent, w->limit, w->at[i]); i++) {
		if ((st = ledger_stmt(l, SQL_WARNED)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, w->m.month, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, w->at[i]);
		sqlite3_bind_int64(st, 3, now);
		sqlite3_bind_int64(st, 4, w->m.spent);
		sqlite3_bind_int64(st, 5, w->limit);
		sqlite3_bind_int64(st, 6, id);
		if (ledger_step(st) < 0)
			return -1;
		if (sqlite3_changes(l->db) == 1 && w->at[i] > w->passed)
			w->passed = w->at[i];
	}
	return 0;
}

/* Turn a reservation into the real row. */
int
ledger_settle(struct ledger *l, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	return ledger_settle_warn(l, id, u, cost, estimated, status, latency_ms, NULL, cause);
}

/* Settle, and in the same transaction record the budget thresholds first passed. */
int
ledger_settle_warn(struct ledger *l, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, struct ledger_warn *w,
    char **cause)
{
	bool warn = w != NULL && w->n > 0 && w->limit > 0;

	if (w != NULL)
		w->passed = 0;
	if (status == NULL || (strcmp(status, "ok") != 0 && strcmp(status, "error") != 0 &&
	    strcmp(status, "cancelled") != 0)) {
		store_cause(cause, "settle: bad status '%s'", status ? status : "(null)");
		return -1;
	}
	/* the team's thresholds, of its budget: warned of once across every machine */
	if (l->pg != NULL)
		return ledger_pg_settle_warn(l->pg, id, u, cost, estimated, status, latency_ms,
		    warn ? w : NULL, cause);
	/* IMMEDIATE: of processes settling at once, one alone sees a threshold first passed */
	if (warn && ledger_run(l, SQL_BEGIN) < 0)
		return ledger_fail(l, "settle", cause);
	if (ledger_settle_row(l, id, u, cost, estimated, status, latency_ms) < 0)
		goto fail;
	if (sqlite3_changes(l->db) != 1) {
		if (warn)
			ledger_run(l, SQL_ROLLBACK);
		store_cause(cause, "settle: no reservation %lld", (long long)id);
		return -1;
	}
	if (warn && (ledger_warnings(l, id, clock_now(), w) < 0 || ledger_run(l, SQL_COMMIT) < 0))
		goto fail;
	return 0;
fail:
	ledger_fail(l, "settle", cause);
	if (warn) {
		ledger_run(l, SQL_ROLLBACK);
		w->passed = 0;
	}
	return -1;
}

/* Record what a reservation's request has received so far; best effort. */
int
ledger_progress(struct ledger *l, int64_t id, const struct usage *u, int64_t cost)
{
	sqlite3_stmt *st;
	int rc;

	if (l->pg != NULL)
		return ledger_pg_progress(l->pg, id, u, cost);
	if ((st = ledger_stmt(l, SQL_PROGRESS)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, u->input);
	sqlite3_bind_int64(st, 3, u->output);
	if (cost >= 0)
		sqlite3_bind_int64(st, 4, cost);
	/* A hint, not worth holding the reply up for: wait briefly for the lock. */
	l->busy_max = LEDGER_PROGRESS_WAIT_MS;
	rc = sqlite3_step(st);
	l->busy_max = STORE_BUSY_MS;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Read this month's figures from one snapshot. */
int
ledger_meter(struct ledger *l, int64_t limit, struct meter *m, char **cause)
{
	int rc;

	if (l->pg != NULL)
		return ledger_pg_meter(l->pg, m, cause);
	ledger_reap_now(l);
	/* One read transaction: the totals and the reservations come from one snapshot. */
	if (ledger_run(l, SQL_BEGIN_READ) < 0)
		return ledger_fail(l, "meter", cause);
	rc = ledger_fill(l, clock_now(), limit, m);
	if (rc < 0)
		ledger_fail(l, "meter", cause);
	ledger_run(l, rc < 0 ? SQL_ROLLBACK : SQL_COMMIT);
	return rc;
}

/* Fill r from the current row of SQL_ROWS_ALL; expired-but-unmarked reservations as kept. */
static void
ledger_row_read(sqlite3_stmt *st, int64_t now, struct ledger_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->time = sqlite3_column_int64(st, 1);
	r->conversation_id = sqlite3_column_int64(st, 2);
	r->provider = (const char *)sqlite3_column_text(st, 3);
	r->model = (const char *)sqlite3_column_text(st, 4);
	r->tier = (const char *)sqlite3_column_text(st, 5);
	r->route_mode = (const char *)sqlite3_column_text(st, 6);
	r->route_reason = (const char *)sqlite3_column_text(st, 7);
	r->usage.input = sqlite3_column_int64(st, 8);
	r->usage.cached_input = sqlite3_column_int64(st, 9);
	r->usage.cache_write = sqlite3_column_int64(st, 10);
	r->usage.cache_write_1h = sqlite3_column_int64(st, 11);
	r->usage.output = sqlite3_column_int64(st, 12);
	r->usage.reasoning = sqlite3_column_int64(st, 13);
	r->cost = sqlite3_column_type(st, 14) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 14);
	r->worst_case = sqlite3_column_type(st, 15) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, 15);
	r->estimated = sqlite3_column_int64(st, 16) != 0;
	r->status = (const char *)sqlite3_column_text(st, 17);
	r->latency_ms = sqlite3_column_int64(st, 18);
	r->usage.reported = !r->estimated;
	if (r->status != NULL && strcmp(r->status, "reserved") == 0 &&
	    sqlite3_column_int64(st, 19) <= now && sqlite3_column_int64(st, 20) == 0) {
		r->status = "expired";
		r->cost = r->worst_case;
		r->estimated = true;
		r->usage.reported = false;
	}
	if (r->status == NULL)
		r->status = "?";
}

bool
ledger_row_marks(const struct ledger_row *r)
{
	return r->estimated && r->cost != 0;
}

/* Walk the rows of a time range, oldest first. */
int
ledger_rows(struct ledger *l, int64_t from, int64_t to, ledger_row_fn fn, void *arg,
    char **cause)
{
	sqlite3_stmt *st = NULL;
	struct ledger_row r;
	int64_t now = clock_now();
	int rc;

	if (l->pg != NULL)
		return ledger_pg_rows(l->pg, from, to, fn, arg, cause);
	ledger_reap_now(l);
	if (sqlite3_prepare_v2(l->db, "SELECT id, time, coalesce(conversation_id, 0), provider,"
	    " model, tier, route_mode, route_reason, input_tokens, cached_input_tokens,"
	    " cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens,"
	    " cost_pico, worst_case_pico, estimated, status, coalesce(latency_ms, 0),"
	    " coalesce(expires, 0), " LEDGER_LIVE("?3") ", coalesce(task_id, 0) FROM usage"
	    " WHERE time >= ?1 AND time < ?2 ORDER BY time, id",
	    -1, &st, NULL) != SQLITE_OK)
		return ledger_fail(l, "report", cause);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_text(st, 3, l->owner, -1, SQLITE_STATIC);
	/* A single statement reads one snapshot, whatever other processes write meanwhile. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ledger_row_read(st, now, &r);
		r.task_id = sqlite3_column_int64(st, 21);
		if (fn(arg, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		ledger_fail(l, "report", cause);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Write pico-dollars as an exact decimal number of dollars. */
void
ledger_usd(int64_t pico, char *out, size_t n)
{
	const int64_t usd = 1000000000000LL;
	uint64_t v = pico < 0 ? (uint64_t)0 - (uint64_t)pico : (uint64_t)pico;
	char frac[16];
	int d;

	snprintf(frac, sizeof frac, "%012llu", (unsigned long long)(v % (uint64_t)usd));
	for (d = 12; d > 0 && frac[d - 1] == '0'; d--)
		frac[d - 1] = '\0';
	snprintf(out, n, "%s%llu%s%s", pico < 0 ? "-" : "", (unsigned long long)(v / (uint64_t)usd),
	    d > 0 ? "." : "", frac);
}

/* Local midnight on day d (1-based) of the month that starts at start. */
static int64_t
ledger_day_start(int64_t start, int d)
{
	time_t t = (time_t)start;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	tm.tm_mday = d;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* Each user's totals of the team's month; the local ledger has no users. */
int
ledger_totals(struct ledger *l, const char *mon, ledger_total_fn fn, void *arg, char **cause)
{
	if (l->pg != NULL)
		return ledger_pg_totals(l->pg, mon, fn, arg, cause);
	return 0;
}

/* Fill spent[] with each local day's spend, from one snapshot and the running totals. */
int
ledger_days(struct ledger *l, int64_t start, int64_t end, int64_t now, int64_t *spent,
    int ndays, char **cause)
{
	struct meter m;
	int64_t from = start, to;
	int d, rc = 0;

	if (l->pg != NULL)
		return ledger_pg_days(l->pg, start, end, spent, ndays, cause);
	if (ledger_run(l, SQL_BEGIN_READ) < 0)
		return ledger_fail(l, "days", cause);
	for (d = 0; d < ndays && rc == 0; d++, from = to) {
		to = ledger_day_start(start, d + 2);   /* the 32nd is the 1st of the next month */
		to = to > end ? end : to;
		memset(&m, 0, sizeof m);
		rc = to < from ? -1 : ledger_span(l, from, to, now, &m);
		spent[d] = m.spent;
	}
	if (rc < 0)
		ledger_fail(l, "days", cause);
	ledger_run(l, rc < 0 ? SQL_ROLLBACK : SQL_COMMIT);
	return rc;
}
