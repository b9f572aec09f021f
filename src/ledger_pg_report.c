/* ledger_pg_report: the team ledger read for reports: its rows, its days, each user's totals. */
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "ledger_pg.h"
#include "ledger_pg_priv.h"

/* Fill row r from row i of the llm.rows query below. */
static void
pg_row_read(const PGresult *x, int i, struct ledger_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = col_i64(x, i, 0);
	r->time = col_i64(x, i, 1);
	r->conversation_id = col_i64(x, i, 2);
	r->provider = col_str(x, i, 3);
	r->model = col_str(x, i, 4);
	r->tier = col_str(x, i, 5);
	r->route_mode = col_str(x, i, 6);
	r->route_reason = col_str(x, i, 7);
	r->usage.input = col_i64(x, i, 8);
	r->usage.cached_input = col_i64(x, i, 9);
	r->usage.cache_write = col_i64(x, i, 10);
	r->usage.cache_write_1h = col_i64(x, i, 11);
	r->usage.output = col_i64(x, i, 12);
	r->usage.reasoning = col_i64(x, i, 13);
	r->cost = pq.PQgetisnull(x, i, 14) ? -1 : col_i64(x, i, 14);
	r->worst_case = pq.PQgetisnull(x, i, 15) ? -1 : col_i64(x, i, 15);
	r->estimated = strcmp(pq.PQgetvalue(x, i, 16), "t") == 0;
	r->status = col_str(x, i, 17);
	r->latency_ms = col_i64(x, i, 18);
	r->team = col_str(x, i, 19);
	r->user = col_str(x, i, 20);
	r->task_id = col_i64(x, i, 21);
	r->task = col_str(x, i, 22);
	r->host = col_str(x, i, 23);
	r->usage.reported = !r->estimated;
	if (r->status == NULL)
		r->status = "?";
}

/* Walk the rows the caller may read in [from, to), oldest first. */
int
ledger_pg_rows(struct ledger_pg *p, int64_t from, int64_t to, ledger_row_fn fn, void *arg,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	struct ledger_row row;
	PGresult *r;
	struct meter m;
	int i, n;

	/* The meter expires dead reservations first: a report shows them as the meter counts them. */
	if (ledger_pg_meter(p, &m, cause) < 0)
		return -1;
	arg_str(&a, p->t->team);
	arg_i64(&a, from);
	arg_i64(&a, to);
	r = pg_call(p, "report", "SELECT id, time, coalesce(conversation_id, 0), provider, model,"
	    " tier, route_mode, route_reason, input_tokens, cached_input_tokens,"
	    " cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_pico,"
	    " worst_case_pico, estimated, status, coalesce(latency_ms, 0), team, \"user\","
	    " coalesce(task_id, 0), task, host FROM llm.rows($1, $2, $3)", &a, cause);
	if (r == NULL)
		return -1;
	n = pq.PQntuples(r);
	for (i = 0; i < n; i++) {
		pg_row_read(r, i, &row);
		if (fn(arg, &row) != 0)
			break;
	}
	pq.PQclear(r);
	return 0;
}

/* The team's spend on each day (of its time zone) of the month [start, end). */
int
ledger_pg_days(struct ledger_pg *p, int64_t start, int64_t end, int64_t *spent, int ndays,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	struct meter m;
	PGresult *r;
	int64_t d;
	int i;

	memset(spent, 0, (size_t)ndays * sizeof *spent);
	/* The meter expires dead reservations first: the days count them as the meter does. */
	if (ledger_pg_meter(p, &m, cause) < 0)
		return -1;
	arg_str(&a, p->t->team);
	arg_i64(&a, start);
	arg_i64(&a, end);
	r = pg_call(p, "days", "SELECT day, spent FROM llm.team_days($1, $2, $3)", &a, cause);
	if (r == NULL)
		return -1;
	for (i = 0; i < pq.PQntuples(r); i++) {
		d = col_i64(r, i, 0);
		if (d >= 1 && d <= ndays)
			spent[d - 1] += col_i64(r, i, 1);
	}
	pq.PQclear(r);
	return 0;
}

/* Each user's totals of the team's month mon, as the view members may read holds them. */
int
ledger_pg_totals(struct ledger_pg *p, const char *mon, ledger_total_fn fn, void *arg,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	struct ledger_total t;
	PGresult *r;
	int i;

	arg_str(&a, p->t->team);
	arg_str(&a, mon);
	r = pg_call(p, "totals", "SELECT \"user\", requests, spent_pico, unknown_cost_requests,"
	    " estimated_requests FROM llm.usage_by_user WHERE team = $1 AND month = $2"
	    " ORDER BY \"user\"", &a, cause);
	if (r == NULL)
		return -1;
	for (i = 0; i < pq.PQntuples(r); i++) {
		t.user = col_str(r, i, 0);
		t.requests = col_i64(r, i, 1);
		t.spent = col_i64(r, i, 2);
		t.unknown = col_i64(r, i, 3);
		t.estimated = col_i64(r, i, 4) > 0 || t.unknown > 0;
		if (t.user != NULL && fn(arg, &t) != 0)
			break;
	}
	pq.PQclear(r);
	return 0;
}
