/* ledger_pg_outbox: rows the team ledger could not take yet, kept here and sent once it is back. */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "ledger_pg.h"
#include "ledger_pg_priv.h"
#include "store.h"
#include "util.h"

/*
 * Tell whether id is that of a row kept here while the team ledger was
 * unreachable: its number in the outbox set apart, not an id in the database.
 */
bool
ledger_pg_pending(int64_t id)
{
	return id >= PG_OFFLINE_ID;
}

/* The local outbox: rows made while offline, and settlements the database missed. */
int
pg_outbox(struct ledger_pg *p)
{
	if (p->outbox)
		return 0;
	if (sqlite3_exec(p->db, "CREATE TABLE IF NOT EXISTS team_outbox (id INTEGER PRIMARY KEY,"
	    " kind TEXT NOT NULL, pg_id INTEGER, row_key TEXT, team TEXT, user TEXT, time INTEGER,"
	    " conversation_id INTEGER, provider TEXT, model TEXT, tier TEXT, route_mode TEXT,"
	    " route_reason TEXT, input_tokens INTEGER DEFAULT 0,"
	    " cached_input_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0,"
	    " cache_write_1h_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0,"
	    " reasoning_tokens INTEGER DEFAULT 0, cost_pico INTEGER, worst_case_pico INTEGER,"
	    " estimated INTEGER DEFAULT 0, status TEXT, latency_ms INTEGER, pid INTEGER,"
	    " pid_start INTEGER, owner TEXT)", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* An outbox made before rows carried their task gets the columns. */
	if (sqlite3_exec(p->db, "SELECT task, task_id FROM team_outbox LIMIT 0", NULL, NULL,
	    NULL) != SQLITE_OK && (sqlite3_exec(p->db, "ALTER TABLE team_outbox ADD COLUMN task TEXT",
	    NULL, NULL, NULL) != SQLITE_OK || sqlite3_exec(p->db, "ALTER TABLE team_outbox"
	    " ADD COLUMN task_id INTEGER", NULL, NULL, NULL) != SQLITE_OK))
		return -1;
	/* ... and before offline rows kept what their requests had received. */
	if (sqlite3_exec(p->db, "SELECT received_cost FROM team_outbox LIMIT 0", NULL, NULL,
	    NULL) != SQLITE_OK && sqlite3_exec(p->db, "ALTER TABLE team_outbox ADD COLUMN"
	    " received_input INTEGER; ALTER TABLE team_outbox ADD COLUMN received_output INTEGER;"
	    " ALTER TABLE team_outbox ADD COLUMN received_cost INTEGER", NULL, NULL,
	    NULL) != SQLITE_OK)
		return -1;
	p->outbox = true;
	return 0;
}
/* Columns of the outbox as pg_send reads them. */
#define PG_OUTBOX_COLS "id, kind, pg_id, row_key, team, user, time, conversation_id, provider," \
	" model, tier, route_mode, input_tokens, cached_input_tokens, cache_write_tokens," \
	" cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_pico, worst_case_pico," \
	" estimated, status, latency_ms, route_reason, pid, pid_start, owner, task, task_id"

/* Column c of st as text, or NULL. */
static const char *
ob_str(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

/* Column c of st as money: -1 when NULL (unknown). */
static int64_t
ob_money(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, c);
}

/*
 * The id of the reservation made on the server under outbox row st's key, whose
 * answer was lost, when it still holds the budget (status reserved, or expired
 * there meanwhile: llm.settle takes both): 1 with *id, and *live when still
 * reserved; 0 none; -1 with *cause.
 */
static int
pg_twin(struct ledger_pg *p, sqlite3_stmt *st, int64_t *id, bool *live, char **cause)
{
	struct pg_args a = { .n = 0 };
	int64_t t = sqlite3_column_int64(st, 6);
	PGresult *r;
	int rc = 0;

	arg_str(&a, ob_str(st, 4));
	arg_i64(&a, t);
	arg_i64(&a, t + 1);
	arg_str(&a, ob_str(st, 3));
	r = pg_call(p, "send", "SELECT id, status = 'reserved' FROM llm.rows($1, $2, $3)"
	    " WHERE row_key = $4 AND status IN ('reserved', 'expired') AND NOT offline", &a, cause);
	if (r == NULL)
		return -1;
	if (pq.PQntuples(r) == 1) {
		*id = col_i64(r, 0, 0);
		*live = strcmp(pq.PQgetvalue(r, 0, 1), "t") == 0;
		rc = 1;
	}
	pq.PQclear(r);
	return rc;
}

/*
 * Settle the server's reservation under outbox row st's key, whose answer was
 * lost, as st says (kind release, or an expired row: released, as for a
 * holder gone; else st's figures). 0 when done or there is none, -1.
 */
static int
pg_send_twin(struct ledger_pg *p, sqlite3_stmt *st, const struct usage *u, char **cause)
{
	struct pg_args a = { .n = 0 };
	const char *kind = ob_str(st, 1), *status = ob_str(st, 21);
	bool live = false, release;
	int64_t id = 0;
	PGresult *r;
	int got;

	if ((got = pg_twin(p, st, &id, &live, cause)) <= 0)
		return got;
	release = strcmp(kind, "release") == 0 || status == NULL || strcmp(status, "expired") == 0;
	if (release && !live)
		return 0;
	arg_i64(&a, id);
	if (release) {
		r = pg_call(p, "send", "SELECT llm.release($1)", &a, cause);
	} else {
		pg_settle_args(&a, status, u, ob_money(st, 18), sqlite3_column_int(st, 20) != 0,
		    sqlite3_column_int64(st, 22));
		r = pg_call(p, "send", "SELECT llm.settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		    " $11)", &a, cause);
	}
	if (r == NULL)
		return -1;
	pq.PQclear(r);
	return 0;
}

/*
 * Send one outbox row: a whole offline row (llm.record), a missed settlement,
 * or the release of a reservation whose answer was lost. 0 or -1.
 */
static int
pg_send(struct ledger_pg *p, sqlite3_stmt *st, char **cause)
{
	struct pg_args a = { .n = 0 };
	struct usage u;
	const char *kind = ob_str(st, 1);
	PGresult *r;
	bool kept;

	memset(&u, 0, sizeof u);
	u.input = sqlite3_column_int64(st, 12);
	u.cached_input = sqlite3_column_int64(st, 13);
	u.cache_write = sqlite3_column_int64(st, 14);
	u.cache_write_1h = sqlite3_column_int64(st, 15);
	u.output = sqlite3_column_int64(st, 16);
	u.reasoning = sqlite3_column_int64(st, 17);
	if (kind != NULL && strcmp(kind, "settle") == 0) {
		arg_i64(&a, sqlite3_column_int64(st, 2));
		pg_settle_args(&a, ob_str(st, 21), &u, ob_money(st, 18),
		    sqlite3_column_int(st, 20) != 0, sqlite3_column_int64(st, 22));
		r = pg_call(p, "send", "SELECT llm.settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		    " $11)", &a, cause);
	} else if (kind != NULL && strcmp(kind, "release") == 0) {
		return pg_send_twin(p, st, &u, cause);
	} else {
		arg_str(&a, ob_str(st, 4));     /* team */
		arg_str(&a, ob_str(st, 5));     /* user */
		arg_str(&a, ob_str(st, 3));     /* the row's key: sent twice, kept once */
		arg_i64(&a, sqlite3_column_int64(st, 6));
		if (sqlite3_column_type(st, 7) == SQLITE_NULL)
			arg_str(&a, NULL);
		else
			arg_i64(&a, sqlite3_column_int64(st, 7));
		arg_str(&a, *p->self.host ? p->self.host : NULL);
		arg_str(&a, ob_str(st, 8));
		arg_str(&a, ob_str(st, 9));
		arg_str(&a, ob_str(st, 10));
		arg_str(&a, ob_str(st, 11));
		arg_str(&a, ob_str(st, 23));
		arg_i64(&a, u.input);
		arg_i64(&a, u.cached_input);
		arg_i64(&a, u.cache_write);
		arg_i64(&a, u.cache_write_1h);
		arg_i64(&a, u.output);
		arg_i64(&a, u.reasoning);
		arg_money(&a, ob_money(st, 18));
		arg_money(&a, ob_money(st, 19));
		arg_bool(&a, sqlite3_column_int(st, 20) != 0);
		arg_str(&a, ob_str(st, 21));
		arg_i64(&a, sqlite3_column_int64(st, 22));
		arg_str(&a, ob_str(st, 27));
		if (sqlite3_column_type(st, 28) == SQLITE_NULL)
			arg_str(&a, NULL);
		else
			arg_i64(&a, sqlite3_column_int64(st, 28));
		r = pg_call(p, "send", "SELECT llm.record($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		    " $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)", &a, cause);
		if (r == NULL)
			return -1;
		/*
		 * The server has a row under this key already: this row's, sent before,
		 * or the reservation whose answer was lost when this row was made, which
		 * becomes this row.
		 */
		kept = col_i64(r, 0, 0) == 1;
		pq.PQclear(r);
		return kept ? 0 : pg_send_twin(p, st, &u, cause);
	}
	if (r == NULL)
		return -1;
	pq.PQclear(r);
	return 0;
}

/*
 * Settle the offline reservations whose process is gone, at what they had
 * received, and those past the expiry, at their worst case, as the database
 * would settle them.
 */
void
pg_outbox_expire(struct ledger_pg *p)
{
	sqlite3_stmt *st, *up;
	int64_t now = clock_now();

	if (sqlite3_prepare_v2(p->db, "SELECT id, time, pid, pid_start, owner FROM team_outbox"
	    " WHERE kind = 'row' AND status = 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return;
	/*
	 * Its process gone (?2): what it had received, as the database releases a
	 * dead process's reservation; nothing when no reply had come. Else its
	 * hour is up: its worst case.
	 */
	if (sqlite3_prepare_v2(p->db, "UPDATE team_outbox SET"
	    " status = CASE WHEN ?2 THEN 'cancelled' ELSE 'expired' END,"
	    " input_tokens = CASE WHEN ?2 THEN coalesce(received_input, 0) ELSE input_tokens END,"
	    " output_tokens = CASE WHEN ?2 THEN coalesce(received_output, 0) ELSE output_tokens END,"
	    " cost_pico = CASE WHEN NOT ?2 THEN worst_case_pico"
	    "  WHEN received_output IS NULL THEN 0 ELSE received_cost END,"
	    " estimated = 1 WHERE id = ?1", -1, &up, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		bool dead = sqlite3_column_type(st, 3) != SQLITE_NULL &&
		    p->self.gone(p->self.arg, sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3), ob_str(st, 4), p->self.host);

		if (!dead && sqlite3_column_int64(st, 1) + LEDGER_EXPIRY > now)
			continue;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int(up, 2, dead);
		sqlite3_step(up);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(st);
}

/*
 * Why the database refused outbox row st, for the user: a row made under
 * another team's name (a misspelt [ledger] team), or for a team the database
 * does not know (its foreign key, SQLSTATE 23503), is named so; else its error.
 */
static char *
pg_refused_why(const struct ledger_pg *p, sqlite3_stmt *st, const char *why)
{
	const char *team = ob_str(st, 4);

	if (team != NULL && p->t->team != NULL && strcmp(team, p->t->team) != 0)
		return xstrfmt("made for team \"%s\", which it does not know", team);
	if (team != NULL && strcmp(p->state, "23503") == 0)
		return xstrfmt("it does not know team \"%s\"", team);
	return xstrdup(why != NULL ? why : "refused");
}

/* Send what the outbox holds, removing each row once the database has it. */
int
pg_flush_outbox(struct ledger_pg *p, char **cause)
{
	sqlite3_stmt *st, *del;
	int sent = 0, rc = 0;

	if (pg_outbox(p) < 0)
		return -1;
	pg_outbox_expire(p);
	free(p->refused);
	p->refused = NULL;
	if (sqlite3_prepare_v2(p->db, "SELECT " PG_OUTBOX_COLS " FROM team_outbox WHERE"
	    " kind <> 'row' OR status <> 'reserved' ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(p->db, "DELETE FROM team_outbox WHERE id = ?1", -1, &del,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *why = NULL;

		if (pg_send(p, st, &why) < 0) {
			if (!p->down && p->refused == NULL)
				p->refused = pg_refused_why(p, st, why);
			if (cause != NULL && *cause == NULL)
				*cause = why;
			else
				free(why);
			rc = -1;
			/*
			 * Unreachable again: the rest waits too. A row the database refuses
			 * (its team unknown there) stays, and holds back none after it.
			 */
			if (p->down)
				break;
			continue;
		}
		/* Sent: a crash before this delete sends it again, and the server keeps it once. */
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = -1;
			break;
		}
		sent++;
		p->sent++;
	}
	sqlite3_finalize(del);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : sent;
}

/* How many rows the outbox holds to send (live offline reservations are not yet); -1 on error. */
static int
pg_kept_count(struct ledger_pg *p)
{
	sqlite3_stmt *st;
	int n = -1;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT count(*) FROM team_outbox WHERE"
	    " kind <> 'row' OR status <> 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Put the settled rows the outbox keeps under this configuration's team and user. */
static int
pg_kept_move(struct ledger_pg *p)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(p->db, "UPDATE team_outbox SET team = ?1, user = ?2 WHERE"
	    " kind = 'row' AND status <> 'reserved' AND (team IS NOT ?1 OR user IS NOT ?2)", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	store_bind_str(st, 1, p->t->team);
	store_bind_str(st, 2, p->t->user);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Send the rows kept here; those the database refuses, as this configuration's team and user. */
int
ledger_pg_send(struct ledger_pg *p, int *sent, char **cause)
{
	int left;

	*sent = 0;
	if (pg_connect(p, cause) != 0)
		return -1;
	if (p->version != LEDGER_PG_VERSION) {
		store_cause(cause, "team ledger: the schema is version %d; the schema's owner"
		    " upgrades it with llm ledger init", p->version);
		return -1;
	}
	/* As they are first: the database may know their team by now. */
	pg_flush_outbox(p, NULL);
	if (!p->down && (left = pg_kept_count(p)) != 0) {
		if (left < 0)
			goto local;
		if (pg_kept_move(p) < 0)
			goto local;
		pg_flush_outbox(p, NULL);
	}
	if (p->down) {
		store_cause(cause, "%s", p->dial_cause);
		return -1;
	}
	if ((left = pg_kept_count(p)) < 0)
		goto local;
	/* Those sent when the ledger was opened count too: this command sent them. */
	*sent = p->sent;
	if (left > 0)
		store_cause(cause, "%s", p->refused != NULL ? p->refused : "refused");
	return left;
local:
	store_cause(cause, "team ledger: the local outbox failed: %s", sqlite3_errmsg(p->db));
	return -1;
}
