/* ledger_schema: the team ledger's PostgreSQL schema, as versioned migrations. */
#include "ledger_schema.h"

#include "ledger_pg.h"

/*
 * llm.reserve around its budget check: version 1 made it and version 2
 * replaced it with a check that cannot overflow; the rest is the same text in
 * both. A migration that has run is never edited, so neither are these.
 */
#define LEDGER_RESERVE_HEAD \
    " llm.reserve(p_team text, p_user text, p_key text, p_now bigint," \
    " p_worst bigint, p_enforce boolean, p_conv bigint, p_provider text, p_model text," \
    " p_tier text, p_mode text, p_reason text, p_pid bigint, p_pid_start bigint," \
    " p_owner text, p_host text, p_expires bigint)" \
    " RETURNS TABLE (verdict int, row_id bigint, month text, m_start bigint, m_end bigint," \
    " team_limit bigint, spent bigint, expired bigint, unknown_worst bigint, reserved bigint," \
    " unknown_count bigint, requests bigint, estimated bigint, user_limit bigint," \
    " user_spent bigint, user_reserved bigint)" \
    " LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$" \
    "DECLARE f record; over boolean; v int := 0; rid bigint := 0;" \
    "BEGIN" \
    " PERFORM llm.check_user(p_user);" \
    " PERFORM 1 FROM llm.teams t WHERE t.team = p_team FOR UPDATE;" \
    " IF NOT FOUND THEN" \
    "  RAISE EXCEPTION 'no team \"%\" in the ledger: run llm ledger init', p_team;" \
    " END IF;" \
    " PERFORM llm.expire(p_team, p_now, p_owner);" \
    " SELECT * INTO f FROM llm.figures(p_team, p_user, p_now);" \
    " over := p_enforce AND p_worst IS DISTINCT FROM 0 AND ("

#define LEDGER_RESERVE_TAIL \
    " IF over THEN v := 1; ELSE" \
    "  INSERT INTO llm.usage (row_key, team, \"user\", month, time, conversation_id, host," \
    "   provider, model, tier, route_mode, route_reason, worst_case_pico, status, pid," \
    "   pid_start, owner, expires)" \
    "  VALUES (p_key, p_team, p_user, f.month, p_now, p_conv, p_host, p_provider, p_model," \
    "   p_tier, p_mode, p_reason, p_worst, 'reserved', p_pid, p_pid_start, p_owner, p_expires)" \
    "  RETURNING id INTO rid;" \
    " END IF;" \
    " RETURN QUERY SELECT v, rid, f.month, f.m_start, f.m_end, f.team_limit, f.spent," \
    "  f.expired, f.unknown_worst, f.reserved, f.unknown_count, f.requests, f.estimated," \
    "  f.user_limit, f.user_spent, f.user_reserved;"

/*
 * llm.totals_add around how it counts a row as estimated: version 1 made it and
 * version 5 replaced that; the rest is the same text in both.
 */
#define LEDGER_TOTALS_HEAD \
    " llm.totals_add(r llm.usage, s int) RETURNS void LANGUAGE plpgsql AS $$" \
    "BEGIN" \
    " IF r.status = 'reserved' THEN RETURN; END IF;" \
    " INSERT INTO llm.totals AS t (team, \"user\", month, spent, unknown, unknown_worst," \
    "  estimated, requests, expired)" \
    " VALUES (r.team, r.\"user\", r.month, s * coalesce(r.cost_pico, 0)," \
    "  s * (r.cost_pico IS NULL)::int," \
    "  s * CASE WHEN r.cost_pico IS NULL THEN coalesce(r.worst_case_pico, 0) ELSE 0 END,"

#define LEDGER_TOTALS_TAIL \
    "  s * CASE WHEN r.status = 'expired' THEN coalesce(r.cost_pico, 0) ELSE 0 END)" \
    " ON CONFLICT (team, \"user\", month) DO UPDATE SET spent = t.spent + EXCLUDED.spent," \
    "  unknown = t.unknown + EXCLUDED.unknown," \
    "  unknown_worst = t.unknown_worst + EXCLUDED.unknown_worst," \
    "  estimated = t.estimated + EXCLUDED.estimated, requests = t.requests + EXCLUDED.requests," \
    "  expired = t.expired + EXCLUDED.expired;" \
    "END $$;"

/*
 * Version 1. Money is bigint pico-dollars, times are epoch seconds given by the
 * client (as in the SQLite ledger), months are "YYYY-MM" in the team's time zone.
 * Members reach the rows only through the SECURITY DEFINER functions below
 * (scripts/ledger-roles.sql grants them); the functions check that a member
 * touches only its own rows. llm.totals is kept by a trigger: the meter reads
 * it and the live reservations, never the whole month's rows.
 */
static const char ledger_schema_v1[] =
    "CREATE SCHEMA IF NOT EXISTS llm;"
    "REVOKE ALL ON SCHEMA llm FROM PUBLIC;"
    "CREATE TABLE llm.meta (key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE llm.teams (team text PRIMARY KEY,"
    " budget_pico bigint NOT NULL DEFAULT 0 CHECK (budget_pico >= 0),"
    " timezone text NOT NULL DEFAULT 'UTC');"
    "CREATE TABLE llm.user_budgets (team text NOT NULL REFERENCES llm.teams ON DELETE CASCADE,"
    " \"user\" text NOT NULL, budget_pico bigint NOT NULL CHECK (budget_pico >= 0),"
    " PRIMARY KEY (team, \"user\"));"
    "CREATE TABLE llm.usage (id bigserial PRIMARY KEY, row_key text NOT NULL UNIQUE,"
    " team text NOT NULL REFERENCES llm.teams, \"user\" text NOT NULL,"
    " db_role name NOT NULL DEFAULT session_user, month text NOT NULL, time bigint NOT NULL,"
    " conversation_id bigint, host text, provider text, model text, tier text,"
    " route_mode text, route_reason text,"
    " input_tokens bigint NOT NULL DEFAULT 0, cached_input_tokens bigint NOT NULL DEFAULT 0,"
    " cache_write_tokens bigint NOT NULL DEFAULT 0,"
    " cache_write_1h_tokens bigint NOT NULL DEFAULT 0,"
    " output_tokens bigint NOT NULL DEFAULT 0, reasoning_tokens bigint NOT NULL DEFAULT 0,"
    " cost_pico bigint, worst_case_pico bigint, estimated boolean NOT NULL DEFAULT false,"
    " status text NOT NULL CHECK (status IN ('reserved', 'ok', 'error', 'cancelled',"
    " 'expired')), latency_ms bigint, expires bigint, pid bigint, pid_start bigint,"
    " owner text, received_input bigint, received_output bigint, received_cost bigint,"
    " offline boolean NOT NULL DEFAULT false);"
    "CREATE INDEX usage_team_time ON llm.usage (team, time);"
    "CREATE INDEX usage_live ON llm.usage (team, month) WHERE status = 'reserved';"
    "CREATE TABLE llm.totals (team text NOT NULL, \"user\" text NOT NULL, month text NOT NULL,"
    " spent bigint NOT NULL DEFAULT 0, unknown bigint NOT NULL DEFAULT 0,"
    " unknown_worst bigint NOT NULL DEFAULT 0, estimated bigint NOT NULL DEFAULT 0,"
    " requests bigint NOT NULL DEFAULT 0, expired bigint NOT NULL DEFAULT 0,"
    " PRIMARY KEY (team, \"user\", month));"
    /* A settled row's share of the totals: unknown costs count at their worst case. */
    "CREATE FUNCTION" LEDGER_TOTALS_HEAD
    "  s * r.estimated::int, s,"
    LEDGER_TOTALS_TAIL
    "CREATE FUNCTION llm.usage_track() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM llm.totals_add(OLD, -1); END IF;"
    " IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM llm.totals_add(NEW, 1); END IF;"
    " RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER usage_track AFTER INSERT OR UPDATE OR DELETE ON llm.usage"
    " FOR EACH ROW EXECUTE FUNCTION llm.usage_track();"
    /* Who may touch every row: the schema's owner, a superuser, llm_admin's members. */
    "CREATE FUNCTION llm.is_admin() RETURNS boolean LANGUAGE sql STABLE AS $$"
    " SELECT session_user = (SELECT r.rolname FROM pg_namespace n JOIN pg_roles r"
    "  ON r.oid = n.nspowner WHERE n.nspname = 'llm')"
    " OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)"
    " OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'llm_admin')"
    "  AND pg_has_role(session_user, 'llm_admin', 'MEMBER')) $$;"
    /* A member labels its rows with its own login: per-user budgets hold. */
    "CREATE FUNCTION llm.check_user(p_user text) RETURNS void LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF NOT llm.is_admin() AND p_user IS DISTINCT FROM session_user::text THEN"
    "  RAISE EXCEPTION 'user % may not write rows as %', session_user, p_user"
    "   USING ERRCODE = 'insufficient_privilege';"
    " END IF;"
    "END $$;"
    "CREATE FUNCTION llm.month_of(p_tz text, p_time bigint) RETURNS text LANGUAGE sql STABLE AS $$"
    " SELECT to_char(to_timestamp(p_time) AT TIME ZONE p_tz, 'YYYY-MM') $$;"
    /* Reservations past their expiry whose holder is not this caller's to check. */
    "CREATE FUNCTION llm.expire(p_team text, p_now bigint, p_owner text) RETURNS void"
    " LANGUAGE sql AS $$"
    " UPDATE llm.usage SET status = 'expired', cost_pico = worst_case_pico, estimated = true,"
    "  expires = NULL WHERE team = p_team AND status = 'reserved' AND expires <= p_now"
    "  AND NOT coalesce(owner = p_owner AND pid_start IS NOT NULL, false) $$;"
    /*
     * The month's figures for the team and the user, in one statement: one
     * snapshot, so a settlement committed meanwhile is seen whole or not at all.
     */
    "CREATE FUNCTION llm.figures(p_team text, p_user text, p_now bigint,"
    " OUT month text, OUT m_start bigint, OUT m_end bigint, OUT team_limit bigint,"
    " OUT spent bigint, OUT expired bigint, OUT unknown_worst bigint, OUT reserved bigint,"
    " OUT unknown_count bigint, OUT requests bigint, OUT estimated bigint,"
    " OUT user_limit bigint, OUT user_spent bigint, OUT user_reserved bigint)"
    " LANGUAGE sql STABLE AS $$"
    " WITH t AS (SELECT budget_pico, timezone,"
    "  date_trunc('month', to_timestamp(p_now) AT TIME ZONE timezone) AS m0"
    "  FROM llm.teams WHERE team = p_team),"
    " k AS (SELECT to_char(m0, 'YYYY-MM') AS mon,"
    "  extract(epoch FROM m0 AT TIME ZONE timezone)::bigint AS s,"
    "  extract(epoch FROM (m0 + interval '1 month') AT TIME ZONE timezone)::bigint AS e,"
    "  budget_pico FROM t),"
    " tot AS (SELECT coalesce(sum(x.spent + x.unknown_worst), 0)::bigint AS sp,"
    "  coalesce(sum(x.expired), 0)::bigint AS ex,"
    "  coalesce(sum(x.unknown_worst), 0)::bigint AS uw,"
    "  coalesce(sum(x.unknown), 0)::bigint AS un, coalesce(sum(x.requests), 0)::bigint AS rq,"
    "  coalesce(sum(x.estimated), 0)::bigint AS es,"
    "  coalesce(sum(x.spent + x.unknown_worst) FILTER (WHERE x.\"user\" = p_user), 0)::bigint"
    "  AS usp FROM llm.totals x, k WHERE x.team = p_team AND x.month = k.mon),"
    " res AS (SELECT coalesce(sum(u.worst_case_pico), 0)::bigint AS rs,"
    "  count(*) FILTER (WHERE u.worst_case_pico IS NULL) AS run,"
    "  coalesce(sum(u.worst_case_pico) FILTER (WHERE u.\"user\" = p_user), 0)::bigint AS urs"
    "  FROM llm.usage u, k WHERE u.team = p_team AND u.month = k.mon"
    "  AND u.status = 'reserved')"
    " SELECT k.mon, k.s, k.e, k.budget_pico, tot.sp, tot.ex, tot.uw, res.rs, tot.un + res.run,"
    "  tot.rq, tot.es, coalesce((SELECT b.budget_pico FROM llm.user_budgets b"
    "  WHERE b.team = p_team AND b.\"user\" = p_user), 0), tot.usp, res.urs"
    " FROM k, tot, res $$;"
    /*
     * Check and reserve in one transaction, serialised on the team's row: no
     * two reservations of one team are ever checked against the same figures.
     */
    "CREATE FUNCTION" LEDGER_RESERVE_HEAD
    "  (f.team_limit > 0 AND (p_worst IS NULL OR f.spent + f.reserved + p_worst > f.team_limit))"
    "  OR (f.user_limit > 0 AND (p_worst IS NULL"
    "  OR f.user_spent + f.user_reserved + p_worst > f.user_limit)));"
    LEDGER_RESERVE_TAIL
    "END $$;"
    "CREATE FUNCTION llm.meter(p_team text, p_user text, p_now bigint, p_owner text)"
    " RETURNS TABLE (month text, m_start bigint, m_end bigint, team_limit bigint,"
    " spent bigint, expired bigint, unknown_worst bigint, reserved bigint,"
    " unknown_count bigint, requests bigint, estimated bigint, user_limit bigint,"
    " user_spent bigint, user_reserved bigint) LANGUAGE plpgsql SECURITY DEFINER"
    " SET search_path = pg_catalog, pg_temp AS $$"
    "BEGIN"
    " PERFORM llm.expire(p_team, p_now, p_owner);"
    " RETURN QUERY SELECT * FROM llm.figures(p_team, p_user, p_now);"
    "END $$;"
    /* Settle a reservation: only its writer's, unless an admin. 1 settled, 0 none. */
    "CREATE FUNCTION llm.settle(p_id bigint, p_status text, p_in bigint, p_cached bigint,"
    " p_cw bigint, p_cw1h bigint, p_out bigint, p_reasoning bigint, p_cost bigint,"
    " p_estimated boolean, p_latency bigint) RETURNS int LANGUAGE plpgsql SECURITY DEFINER"
    " SET search_path = pg_catalog, pg_temp AS $$"
    "DECLARE n int;"
    "BEGIN"
    " IF p_status NOT IN ('ok', 'error', 'cancelled') THEN"
    "  RAISE EXCEPTION 'bad status %', p_status; END IF;"
    " UPDATE llm.usage SET status = p_status, input_tokens = p_in, cached_input_tokens = p_cached,"
    "  cache_write_tokens = p_cw, cache_write_1h_tokens = p_cw1h, output_tokens = p_out,"
    "  reasoning_tokens = p_reasoning, cost_pico = p_cost, estimated = p_estimated,"
    "  latency_ms = p_latency, expires = NULL"
    "  WHERE id = p_id AND status IN ('reserved', 'expired')"
    "  AND (db_role = session_user OR llm.is_admin());"
    " GET DIAGNOSTICS n = ROW_COUNT; RETURN n;"
    "END $$;"
    "CREATE FUNCTION llm.progress(p_id bigint, p_in bigint, p_out bigint, p_cost bigint)"
    " RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    " UPDATE llm.usage SET received_input = p_in, received_output = p_out,"
    "  received_cost = p_cost WHERE id = p_id AND status = 'reserved'"
    "  AND db_role = session_user $$;"
    /* This host's live reservations, for the caller to check their processes. */
    "CREATE FUNCTION llm.holders(p_team text, p_host text)"
    " RETURNS TABLE (id bigint, pid bigint, pid_start bigint, owner text)"
    " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    " SELECT u.id, u.pid, u.pid_start, u.owner FROM llm.usage u WHERE u.team = p_team"
    "  AND u.status = 'reserved' AND u.host = p_host AND u.pid IS NOT NULL"
    "  AND u.pid_start IS NOT NULL AND u.owner IS NOT NULL"
    "  AND (u.db_role = session_user OR llm.is_admin()) $$;"
    /* The holder is gone: book what it had received, as the SQLite ledger does. */
    "CREATE FUNCTION llm.release(p_id bigint) RETURNS void LANGUAGE sql SECURITY DEFINER"
    " SET search_path = pg_catalog, pg_temp AS $$"
    " UPDATE llm.usage SET status = 'cancelled', input_tokens = coalesce(received_input, 0),"
    "  output_tokens = coalesce(received_output, 0),"
    "  cost_pico = CASE WHEN received_output IS NULL THEN 0 ELSE received_cost END,"
    "  estimated = true, expires = NULL WHERE id = p_id AND status = 'reserved'"
    "  AND (db_role = session_user OR llm.is_admin()) $$;"
    /* A row made while the ledger was unreachable: inserted once, whatever the retries. */
    "CREATE FUNCTION llm.record(p_team text, p_user text, p_key text, p_time bigint,"
    " p_conv bigint, p_host text, p_provider text, p_model text, p_tier text, p_mode text,"
    " p_reason text, p_in bigint, p_cached bigint, p_cw bigint, p_cw1h bigint, p_out bigint,"
    " p_reasoning bigint, p_cost bigint, p_worst bigint, p_estimated boolean, p_status text,"
    " p_latency bigint) RETURNS int LANGUAGE plpgsql SECURITY DEFINER"
    " SET search_path = pg_catalog, pg_temp AS $$"
    "DECLARE n int; tz text;"
    "BEGIN"
    " PERFORM llm.check_user(p_user);"
    " IF p_status NOT IN ('ok', 'error', 'cancelled', 'expired') THEN"
    "  RAISE EXCEPTION 'bad status %', p_status; END IF;"
    " SELECT timezone INTO tz FROM llm.teams WHERE team = p_team;"
    " INSERT INTO llm.usage (row_key, team, \"user\", month, time, conversation_id, host,"
    "  provider, model, tier, route_mode, route_reason, input_tokens, cached_input_tokens,"
    "  cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_pico,"
    "  worst_case_pico, estimated, status, latency_ms, offline)"
    " VALUES (p_key, p_team, p_user, llm.month_of(coalesce(tz, 'UTC'), p_time), p_time,"
    "  p_conv, p_host, p_provider, p_model, p_tier, p_mode, p_reason, p_in, p_cached, p_cw,"
    "  p_cw1h, p_out, p_reasoning, p_cost, p_worst, p_estimated, p_status, p_latency, true)"
    " ON CONFLICT (row_key) DO NOTHING;"
    " GET DIAGNOSTICS n = ROW_COUNT; RETURN n;"
    "END $$;"
    /* The rows a caller may read: all of the team's for an admin, its own for a member. */
    "CREATE FUNCTION llm.rows(p_team text, p_from bigint, p_to bigint) RETURNS SETOF llm.usage"
    " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    " SELECT * FROM llm.usage WHERE team = p_team AND time >= p_from AND time < p_to"
    "  AND (db_role = session_user OR llm.is_admin()) ORDER BY time, id $$;"
    /* Views for reports (psql, Grafana): aggregates per team, user and month. */
    "CREATE VIEW llm.usage_by_user AS SELECT team, \"user\", month, requests,"
    " spent + unknown_worst AS spent_pico, (spent + unknown_worst) / 1e12 AS spent_usd,"
    " unknown AS unknown_cost_requests, expired AS expired_pico, estimated"
    " AS estimated_requests FROM llm.totals;"
    "CREATE VIEW llm.usage_by_team AS SELECT t.team, x.month,"
    " coalesce(sum(x.requests), 0) AS requests,"
    " coalesce(sum(x.spent + x.unknown_worst), 0) AS spent_pico,"
    " coalesce(sum(x.spent + x.unknown_worst), 0) / 1e12 AS spent_usd,"
    " t.budget_pico, t.budget_pico / 1e12 AS budget_usd, t.timezone"
    " FROM llm.teams t JOIN llm.totals x ON x.team = t.team GROUP BY t.team, x.month;"
    "REVOKE ALL ON ALL TABLES IN SCHEMA llm FROM PUBLIC;"
    "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA llm FROM PUBLIC;";

/*
 * Version 2. A worst case near the top of bigint is over any budget: the check
 * subtracts from the limit instead of adding to what is spent, which overflowed.
 */
static const char ledger_schema_v2[] =
    "CREATE OR REPLACE FUNCTION" LEDGER_RESERVE_HEAD
    "  (f.team_limit > 0 AND (p_worst IS NULL OR p_worst > f.team_limit - f.spent - f.reserved))"
    "  OR (f.user_limit > 0 AND (p_worst IS NULL"
    "  OR p_worst > f.user_limit - f.user_spent - f.user_reserved)));"
    LEDGER_RESERVE_TAIL
    "END $$;";

/*
 * Version 3. The team's time zone, readable by members (llm.team_zone): reports
 * and forecasts count the team's months and days. Budget warnings, given once
 * per team, month and threshold by llm.settle_warn, which settles under the
 * team's row lock so that of settlements at once exactly one sees a threshold
 * first passed. Rows carry their agent task (task: a key unique to the task,
 * task_id: its number where it was started), and llm.reserve keeps a task's
 * cap in the same transaction as the budget's.
 */
static const char ledger_schema_v3[] =
    "ALTER TABLE llm.usage ADD COLUMN task text, ADD COLUMN task_id bigint;"
    "CREATE INDEX usage_task ON llm.usage (team, task) WHERE task IS NOT NULL;"
    "CREATE TABLE llm.budget_warnings (team text NOT NULL REFERENCES llm.teams ON DELETE CASCADE,"
    " month text NOT NULL, threshold int NOT NULL, time bigint NOT NULL,"
    " spent_pico bigint NOT NULL, limit_pico bigint NOT NULL, usage_id bigint,"
    " \"user\" text, db_role name NOT NULL DEFAULT session_user,"
    " PRIMARY KEY (team, month, threshold));"
    "REVOKE ALL ON llm.budget_warnings FROM PUBLIC;"
    "CREATE FUNCTION llm.team_zone(p_team text) RETURNS text LANGUAGE sql STABLE"
    " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    " SELECT timezone FROM llm.teams WHERE team = p_team $$;"
    /*
     * The team's spend per day of its time zone in [p_from, p_to), counted as
     * the meter counts it: for every member's forecast against the team's budget.
     */
    "CREATE FUNCTION llm.team_days(p_team text, p_from bigint, p_to bigint)"
    " RETURNS TABLE (day int, spent bigint) LANGUAGE sql STABLE SECURITY DEFINER"
    " SET search_path = pg_catalog, pg_temp AS $$"
    " SELECT extract(day FROM to_timestamp(u.time) AT TIME ZONE t.timezone)::int,"
    "  sum(CASE WHEN u.cost_pico IS NOT NULL THEN u.cost_pico"
    "  WHEN u.worst_case_pico > 0 THEN u.worst_case_pico ELSE 0 END)::bigint"
    " FROM llm.usage u JOIN llm.teams t ON t.team = u.team WHERE u.team = p_team"
    "  AND u.time >= p_from AND u.time < p_to AND u.status <> 'reserved' GROUP BY 1 $$;"
    /* What a task has cost: the caller's rows alone, as llm.rows reads them. */
    "CREATE FUNCTION llm.task_sum(p_team text, p_task text) RETURNS bigint LANGUAGE sql STABLE AS $$"
    " SELECT coalesce(sum(CASE WHEN status = 'reserved' THEN coalesce(worst_case_pico, 0)"
    "  ELSE coalesce(cost_pico, worst_case_pico, 0) END), 0)::bigint FROM llm.usage"
    "  WHERE team = p_team AND task = p_task"
    "  AND (db_role = session_user OR llm.is_admin()) $$;"
    "CREATE FUNCTION llm.task_spent(p_team text, p_task text) RETURNS bigint LANGUAGE sql STABLE"
    " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    " SELECT llm.task_sum(p_team, p_task) $$;"
    "DROP FUNCTION llm.reserve(text, text, text, bigint, bigint, boolean, bigint, text, text,"
    " text, text, text, bigint, bigint, text, text, bigint);"
    /* verdict 0 reserved, 1 over a budget, 2 over the task's cap. */
    "CREATE FUNCTION llm.reserve(p_team text, p_user text, p_key text, p_now bigint,"
    " p_worst bigint, p_enforce boolean, p_conv bigint, p_provider text, p_model text,"
    " p_tier text, p_mode text, p_reason text, p_pid bigint, p_pid_start bigint,"
    " p_owner text, p_host text, p_expires bigint, p_task text, p_task_id bigint,"
    " p_task_cap bigint)"
    " RETURNS TABLE (verdict int, row_id bigint, month text, m_start bigint, m_end bigint,"
    " team_limit bigint, spent bigint, expired bigint, unknown_worst bigint, reserved bigint,"
    " unknown_count bigint, requests bigint, estimated bigint, user_limit bigint,"
    " user_spent bigint, user_reserved bigint)"
    " LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    "DECLARE f record; over boolean; v int := 0; rid bigint := 0;"
    "BEGIN"
    " PERFORM llm.check_user(p_user);"
    " PERFORM 1 FROM llm.teams t WHERE t.team = p_team FOR UPDATE;"
    " IF NOT FOUND THEN"
    "  RAISE EXCEPTION 'no team \"%\" in the ledger: run llm ledger init', p_team;"
    " END IF;"
    " PERFORM llm.expire(p_team, p_now, p_owner);"
    " SELECT * INTO f FROM llm.figures(p_team, p_user, p_now);"
    " over := p_enforce AND p_worst IS DISTINCT FROM 0 AND ("
    "  (f.team_limit > 0 AND (p_worst IS NULL OR p_worst > f.team_limit - f.spent - f.reserved))"
    "  OR (f.user_limit > 0 AND (p_worst IS NULL"
    "  OR p_worst > f.user_limit - f.user_spent - f.user_reserved)));"
    " IF over THEN v := 1;"
    " ELSIF p_task IS NOT NULL AND p_task_cap > 0 AND (p_worst IS NULL"
    "  OR p_worst > p_task_cap - llm.task_sum(p_team, p_task)) THEN v := 2;"
    " ELSE"
    "  INSERT INTO llm.usage (row_key, team, \"user\", month, time, conversation_id, host,"
    "   provider, model, tier, route_mode, route_reason, worst_case_pico, status, pid,"
    "   pid_start, owner, expires, task, task_id)"
    "  VALUES (p_key, p_team, p_user, f.month, p_now, p_conv, p_host, p_provider, p_model,"
    "   p_tier, p_mode, p_reason, p_worst, 'reserved', p_pid, p_pid_start, p_owner, p_expires,"
    "   p_task, p_task_id)"
    "  RETURNING id INTO rid;"
    " END IF;"
    " RETURN QUERY SELECT v, rid, f.month, f.m_start, f.m_end, f.team_limit, f.spent,"
    "  f.expired, f.unknown_worst, f.reserved, f.unknown_count, f.requests, f.estimated,"
    "  f.user_limit, f.user_spent, f.user_reserved;"
    "END $$;"
    /*
     * Settle, then record each threshold (percent of the team's budget, p_at
     * ascending) the month has reached and no one has warned of: passed is the
     * highest recorded here, 0 none. The team's row is locked first, as
     * llm.reserve locks it: settlements at once are seen one after the other.
     */
    "CREATE FUNCTION llm.settle_warn(p_id bigint, p_status text, p_in bigint, p_cached bigint,"
    " p_cw bigint, p_cw1h bigint, p_out bigint, p_reasoning bigint, p_cost bigint,"
    " p_estimated boolean, p_latency bigint, p_now bigint, p_at int[])"
    " RETURNS TABLE (settled int, passed int, month text, m_start bigint, m_end bigint,"
    " team_limit bigint, spent bigint, expired bigint, unknown_worst bigint, reserved bigint,"
    " unknown_count bigint, requests bigint, estimated bigint, user_limit bigint,"
    " user_spent bigint, user_reserved bigint)"
    " LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    "DECLARE f record; r record; n int := 0; k int; t int; best int := 0;"
    "BEGIN"
    " SELECT u.team, u.\"user\" INTO r FROM llm.usage u WHERE u.id = p_id"
    "  AND (u.db_role = session_user OR llm.is_admin());"
    " IF FOUND THEN"
    "  PERFORM 1 FROM llm.teams x WHERE x.team = r.team FOR UPDATE;"
    "  n := llm.settle(p_id, p_status, p_in, p_cached, p_cw, p_cw1h, p_out, p_reasoning,"
    "   p_cost, p_estimated, p_latency);"
    " END IF;"
    " IF n = 1 THEN"
    "  SELECT * INTO f FROM llm.figures(r.team, r.\"user\", p_now);"
    "  IF f.team_limit > 0 AND p_at IS NOT NULL THEN"
    "   FOREACH t IN ARRAY p_at LOOP"
    "    EXIT WHEN f.spent::numeric * 100 < f.team_limit::numeric * t;"
    "    INSERT INTO llm.budget_warnings (team, month, threshold, time, spent_pico, limit_pico,"
    "     usage_id, \"user\") VALUES (r.team, f.month, t, p_now, f.spent, f.team_limit, p_id,"
    "     r.\"user\") ON CONFLICT DO NOTHING;"
    "    GET DIAGNOSTICS k = ROW_COUNT;"
    "    IF k = 1 AND t > best THEN best := t; END IF;"
    "   END LOOP;"
    "  END IF;"
    "  RETURN QUERY SELECT n, best, f.month, f.m_start, f.m_end, f.team_limit, f.spent,"
    "   f.expired, f.unknown_worst, f.reserved, f.unknown_count, f.requests, f.estimated,"
    "   f.user_limit, f.user_spent, f.user_reserved;"
    " ELSE"
    "  RETURN QUERY SELECT 0, 0, NULL::text, 0::bigint, 0::bigint, 0::bigint, 0::bigint,"
    "   0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint,"
    "   0::bigint;"
    " END IF;"
    "END $$;"
    "DROP FUNCTION llm.record(text, text, text, bigint, bigint, text, text, text, text, text,"
    " text, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, boolean, text,"
    " bigint);"
    "CREATE FUNCTION llm.record(p_team text, p_user text, p_key text, p_time bigint,"
    " p_conv bigint, p_host text, p_provider text, p_model text, p_tier text, p_mode text,"
    " p_reason text, p_in bigint, p_cached bigint, p_cw bigint, p_cw1h bigint, p_out bigint,"
    " p_reasoning bigint, p_cost bigint, p_worst bigint, p_estimated boolean, p_status text,"
    " p_latency bigint, p_task text, p_task_id bigint) RETURNS int LANGUAGE plpgsql"
    " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    "DECLARE n int; tz text;"
    "BEGIN"
    " PERFORM llm.check_user(p_user);"
    " IF p_status NOT IN ('ok', 'error', 'cancelled', 'expired') THEN"
    "  RAISE EXCEPTION 'bad status %', p_status; END IF;"
    " SELECT timezone INTO tz FROM llm.teams WHERE team = p_team;"
    " INSERT INTO llm.usage (row_key, team, \"user\", month, time, conversation_id, host,"
    "  provider, model, tier, route_mode, route_reason, input_tokens, cached_input_tokens,"
    "  cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_pico,"
    "  worst_case_pico, estimated, status, latency_ms, offline, task, task_id)"
    " VALUES (p_key, p_team, p_user, llm.month_of(coalesce(tz, 'UTC'), p_time), p_time,"
    "  p_conv, p_host, p_provider, p_model, p_tier, p_mode, p_reason, p_in, p_cached, p_cw,"
    "  p_cw1h, p_out, p_reasoning, p_cost, p_worst, p_estimated, p_status, p_latency, true,"
    "  p_task, p_task_id)"
    " ON CONFLICT (row_key) DO NOTHING;"
    " GET DIAGNOSTICS n = ROW_COUNT; RETURN n;"
    "END $$;"
    "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA llm FROM PUBLIC;"
    /* A ledger whose roles were made already keeps working: the new functions granted. */
    "DO $$ BEGIN"
    " IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'llm_member') THEN"
    "  GRANT EXECUTE ON FUNCTION llm.team_zone(text), llm.task_spent(text, text),"
    "   llm.team_days(text, bigint, bigint),"
    "   llm.reserve(text, text, text, bigint, bigint, boolean, bigint, text, text, text, text,"
    "   text, bigint, bigint, text, text, bigint, text, bigint, bigint),"
    "   llm.settle_warn(bigint, text, bigint, bigint, bigint, bigint, bigint, bigint, bigint,"
    "   boolean, bigint, bigint, int[]),"
    "   llm.record(text, text, text, bigint, bigint, text, text, text, text, text, text, bigint,"
    "   bigint, bigint, bigint, bigint, bigint, bigint, bigint, boolean, text, bigint, text,"
    "   bigint) TO llm_member;"
    " END IF;"
    " IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'llm_admin') THEN"
    "  GRANT SELECT, INSERT, UPDATE, DELETE ON llm.budget_warnings TO llm_admin;"
    " END IF;"
    "END $$;";

/*
 * Version 4. The user's requests of unknown cost in the meter (user_unknown):
 * a share all of unknown cost is never shown as $0. A function's columns
 * cannot be changed in place: llm.figures and llm.meter are made again, the
 * same but for it. llm.reserve and llm.settle_warn read llm.figures by column
 * name and return what they did.
 */
static const char ledger_schema_v4[] =
    "DROP FUNCTION llm.meter(text, text, bigint, text);"
    "DROP FUNCTION llm.figures(text, text, bigint);"
    "CREATE FUNCTION llm.figures(p_team text, p_user text, p_now bigint,"
    " OUT month text, OUT m_start bigint, OUT m_end bigint, OUT team_limit bigint,"
    " OUT spent bigint, OUT expired bigint, OUT unknown_worst bigint, OUT reserved bigint,"
    " OUT unknown_count bigint, OUT requests bigint, OUT estimated bigint,"
    " OUT user_limit bigint, OUT user_spent bigint, OUT user_reserved bigint,"
    " OUT user_unknown bigint)"
    " LANGUAGE sql STABLE AS $$"
    " WITH t AS (SELECT budget_pico, timezone,"
    "  date_trunc('month', to_timestamp(p_now) AT TIME ZONE timezone) AS m0"
    "  FROM llm.teams WHERE team = p_team),"
    " k AS (SELECT to_char(m0, 'YYYY-MM') AS mon,"
    "  extract(epoch FROM m0 AT TIME ZONE timezone)::bigint AS s,"
    "  extract(epoch FROM (m0 + interval '1 month') AT TIME ZONE timezone)::bigint AS e,"
    "  budget_pico FROM t),"
    " tot AS (SELECT coalesce(sum(x.spent + x.unknown_worst), 0)::bigint AS sp,"
    "  coalesce(sum(x.expired), 0)::bigint AS ex,"
    "  coalesce(sum(x.unknown_worst), 0)::bigint AS uw,"
    "  coalesce(sum(x.unknown), 0)::bigint AS un, coalesce(sum(x.requests), 0)::bigint AS rq,"
    "  coalesce(sum(x.estimated), 0)::bigint AS es,"
    "  coalesce(sum(x.spent + x.unknown_worst) FILTER (WHERE x.\"user\" = p_user), 0)::bigint"
    "  AS usp, coalesce(sum(x.unknown) FILTER (WHERE x.\"user\" = p_user), 0)::bigint AS uun"
    "  FROM llm.totals x, k WHERE x.team = p_team AND x.month = k.mon),"
    " res AS (SELECT coalesce(sum(u.worst_case_pico), 0)::bigint AS rs,"
    "  count(*) FILTER (WHERE u.worst_case_pico IS NULL) AS run,"
    "  coalesce(sum(u.worst_case_pico) FILTER (WHERE u.\"user\" = p_user), 0)::bigint AS urs,"
    "  count(*) FILTER (WHERE u.worst_case_pico IS NULL AND u.\"user\" = p_user) AS urun"
    "  FROM llm.usage u, k WHERE u.team = p_team AND u.month = k.mon"
    "  AND u.status = 'reserved')"
    " SELECT k.mon, k.s, k.e, k.budget_pico, tot.sp, tot.ex, tot.uw, res.rs, tot.un + res.run,"
    "  tot.rq, tot.es, coalesce((SELECT b.budget_pico FROM llm.user_budgets b"
    "  WHERE b.team = p_team AND b.\"user\" = p_user), 0), tot.usp, res.urs, tot.uun + res.urun"
    " FROM k, tot, res $$;"
    "CREATE FUNCTION llm.meter(p_team text, p_user text, p_now bigint, p_owner text)"
    " RETURNS TABLE (month text, m_start bigint, m_end bigint, team_limit bigint,"
    " spent bigint, expired bigint, unknown_worst bigint, reserved bigint,"
    " unknown_count bigint, requests bigint, estimated bigint, user_limit bigint,"
    " user_spent bigint, user_reserved bigint, user_unknown bigint) LANGUAGE plpgsql"
    " SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$"
    "BEGIN"
    " PERFORM llm.expire(p_team, p_now, p_owner);"
    " RETURN QUERY SELECT * FROM llm.figures(p_team, p_user, p_now);"
    "END $$;"
    "REVOKE ALL ON FUNCTION llm.figures(text, text, bigint),"
    " llm.meter(text, text, bigint, text) FROM PUBLIC;"
    /* A ledger whose roles were made already keeps working: the meter granted again. */
    "DO $$ BEGIN"
    " IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'llm_member') THEN"
    "  GRANT EXECUTE ON FUNCTION llm.meter(text, text, bigint, text) TO llm_member;"
    " END IF;"
    "END $$;";

/*
 * Version 5. The month is an estimate (~) only where a row's cost is estimated
 * at more than $0, as in the SQLite ledger (ledger_row_marks): an estimated $0
 * (a request that never reached the server, as older versions recorded it, or
 * that no reply came back to) no longer marks its month. The totals made
 * before are counted again from the rows.
 */
static const char ledger_schema_v5[] =
    "CREATE OR REPLACE FUNCTION" LEDGER_TOTALS_HEAD
    "  s * (r.estimated AND r.cost_pico IS DISTINCT FROM 0)::int, s,"
    LEDGER_TOTALS_TAIL
    "UPDATE llm.totals x SET estimated = (SELECT count(*) FROM llm.usage u"
    " WHERE u.team = x.team AND u.\"user\" = x.\"user\" AND u.month = x.month"
    " AND u.status <> 'reserved' AND u.estimated AND u.cost_pico IS DISTINCT FROM 0);";

const char *const ledger_schema[] = {
	ledger_schema_v1,
	ledger_schema_v2,
	ledger_schema_v3,
	ledger_schema_v4,
	ledger_schema_v5,
};

const size_t ledger_schema_count = sizeof ledger_schema / sizeof ledger_schema[0];

_Static_assert(sizeof ledger_schema / sizeof ledger_schema[0] == LEDGER_PG_VERSION,
    "one migration per team ledger schema version");
