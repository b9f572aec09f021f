-- ledger-roles.sql: the roles of a team ledger in PostgreSQL, least privilege.
--
-- Run as the owner of the llm schema (a role with CREATEROLE, as
-- `createuser --createrole` makes it), after `llm ledger init`:
--   psql -v ON_ERROR_STOP=1 -d DATABASE -f scripts/ledger-roles.sql
-- then give each developer a login in llm_member, and the team lead one in llm_admin:
--   CREATE ROLE alice LOGIN IN ROLE llm_member;   -- and a password, or another auth method
--   CREATE ROLE lead LOGIN IN ROLE llm_admin;
-- Running it again is harmless.
--
-- llm_member may only call the ledger's functions (reserve, settle, the meter,
-- its own rows, its tasks' spend, the team's time zone and spend per day for
-- the forecast, the budget warnings given through settle_warn) and read the
-- aggregate views. The functions run as the schema's
-- owner and check the caller: a member writes rows labelled with its own login,
-- settles and reads only its own rows, and cannot set any budget. It has no
-- privilege on any table, so an UPDATE or DELETE of any row fails.
-- llm_admin is a member that may also set budgets and read or correct every row.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'llm_member') THEN
		CREATE ROLE llm_member NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'llm_admin') THEN
		CREATE ROLE llm_admin NOLOGIN IN ROLE llm_member;
	END IF;
END $$;

GRANT USAGE ON SCHEMA llm TO llm_member;
GRANT SELECT ON llm.meta TO llm_member;
GRANT SELECT ON llm.usage_by_user, llm.usage_by_team TO llm_member;
GRANT EXECUTE ON FUNCTION
	llm.reserve(text, text, text, bigint, bigint, boolean, bigint, text, text, text, text,
	    text, bigint, bigint, text, text, bigint, text, bigint, bigint),
	llm.meter(text, text, bigint, text),
	llm.settle(bigint, text, bigint, bigint, bigint, bigint, bigint, bigint, bigint, boolean,
	    bigint),
	llm.progress(bigint, bigint, bigint, bigint),
	llm.holders(text, text),
	llm.release(bigint),
	llm.record(text, text, text, bigint, bigint, text, text, text, text, text, text, bigint,
	    bigint, bigint, bigint, bigint, bigint, bigint, bigint, boolean, text, bigint, text,
	    bigint),
	llm.rows(text, bigint, bigint),
	llm.settle_warn(bigint, text, bigint, bigint, bigint, bigint, bigint, bigint, bigint,
	    boolean, bigint, bigint, int[]),
	llm.team_zone(text),
	llm.team_days(text, bigint, bigint),
	llm.task_spent(text, text)
	TO llm_member;

GRANT SELECT ON ALL TABLES IN SCHEMA llm TO llm_admin;
GRANT INSERT, UPDATE, DELETE ON llm.teams, llm.user_budgets, llm.usage, llm.totals,
	llm.budget_warnings TO llm_admin;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA llm TO llm_admin;
GRANT EXECUTE ON FUNCTION llm.is_admin(), llm.check_user(text), llm.month_of(text, bigint),
	llm.totals_add(llm.usage, int), llm.usage_track() TO llm_admin;
