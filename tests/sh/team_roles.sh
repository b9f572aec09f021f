#!/bin/sh
# team_roles.sh: scripts/ledger-roles.sql gives least privilege: a member can
# reserve, settle and read its own rows, but an attempt to change another
# user's rows or the budget fails in SQL; the admin can do both.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"

run_llm ledger init
check_rc "ledger init as the owner" 0
check "the roles script runs" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" \
    -p "$PG_PORT" -U llm -d llm -f "$LLM_TOP/scripts/ledger-roles.sql"
check "the roles script runs again" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" \
    -p "$PG_PORT" -U llm -d llm -f "$LLM_TOP/scripts/ledger-roles.sql"
psql_q "CREATE ROLE alice LOGIN IN ROLE llm_member; CREATE ROLE bob LOGIN IN ROLE llm_member;
    CREATE ROLE lead LOGIN IN ROLE llm_admin" >/dev/null
run_llm budget set 50
check_rc "the owner sets the team budget" 0

# as ROLE CMD...: run llm as ROLE, labelled with its own name.
as() {
	_r=$1
	shift
	LLM_DATABASE=$(pg_url "$_r") run_llm "$@"
}
printf '\n[ledger]\nuser = alice\n' >>"$LLM_CONFIG_DIR/config.ini"
fake_default '{"text":"ok"}'
as alice -q -m test-cheap "alice asks"
check_rc "a member makes a request" 0
t_write_config
printf '\n[ledger]\nuser = bob\n' >>"$LLM_CONFIG_DIR/config.ini"
as bob -q -m test-cheap "bob asks"
check_rc "another member makes a request" 0
check_eq "both rows are there, settled" \
    "$(psql_q "select string_agg(\"user\" || ':' || db_role || ':' || status, ' ' order by id) from llm.usage")" \
    "alice:alice:ok bob:bob:ok"
a_id=$(psql_q "select id from llm.usage where \"user\" = 'alice'")
a_row=$(psql_q "select cost_pico, status from llm.usage where id = $a_id")

# sql_as ROLE SQL: run SQL as ROLE; its error on stderr.
sql_as() {
	psql_q "$2" "$1" 2>"$T/sql.err"
}
sql_as bob "update llm.usage set cost_pico = 0 where id = $a_id"
check_eq "a member's UPDATE of another's row fails in SQL" "$?" 1
check_contains "  with permission denied" "$(cat "$T/sql.err")" "permission denied"
sql_as bob "delete from llm.usage where id = $a_id"
check_eq "a member's DELETE fails in SQL" "$?" 1
check_eq "a member's settle of another's row changes nothing" \
    "$(sql_as bob "select llm.settle($a_id, 'ok', 0, 0, 0, 0, 0, 0, 0, false, 0)")" 0
sql_as bob "select llm.release($a_id)" >/dev/null
check_eq "the other's row is as it was" \
    "$(psql_q "select cost_pico, status from llm.usage where id = $a_id")" "$a_row"
sql_as bob "select * from llm.reserve('default', 'alice', 'k1', 1, 1, true, null, null, null,
    null, null, null, 1, null, null, null, 9, null, 0, 0)" >/dev/null
check_eq "a member cannot write rows as another user" "$?" 1
check_contains "  said in SQL" "$(cat "$T/sql.err")" "may not write rows as alice"
check_eq "a member reads only its own rows" \
    "$(sql_as bob "select string_agg(\"user\", ',') from llm.rows('default', 0, 9000000000)")" bob
check_eq "a member reads the aggregates" \
    "$(sql_as bob "select count(*) from llm.usage_by_user")" 2
sql_as bob "update llm.teams set budget_pico = 1"
check_eq "a member's UPDATE of the budget fails in SQL" "$?" 1
as bob budget set 1000
check_rc "llm budget set as a member fails" 2
check_contains "  saying why" "$ERR" "permission denied"
check_contains "  and who sets budgets" "$ERR" "a login in llm_admin"
as bob budget set --user bob 1000
check_rc "a member cannot set its own budget" 2
check_eq "the budget is as it was" "$(psql_q "select budget_pico from llm.teams")" 50000000000000

# The budget warnings, the team's time zone and a task's spend: what a member may reach.
sql_as bob "insert into llm.budget_warnings (team, month, threshold, time, spent_pico,
    limit_pico) values ('default', '2026-11', 50, 1, 1, 1)"
check_eq "a member's INSERT of a budget warning fails in SQL" "$?" 1
sql_as bob "delete from llm.budget_warnings"
check_eq "a member's DELETE of the budget warnings fails in SQL" "$?" 1
check_eq "a member's settle_warn of another's row settles nothing and warns of nothing" \
    "$(sql_as bob "select settled, passed from llm.settle_warn($a_id, 'ok', 0, 0, 0, 0, 0, 0,
    0, false, 0, 1, '{1}')")" "0|0"
check_eq "  the other's row is as it was" \
    "$(psql_q "select cost_pico, status from llm.usage where id = $a_id")" "$a_row"
check_eq "  and no warning was recorded" "$(psql_q "select count(*) from llm.budget_warnings")" 0
check_eq "a member reads the team's time zone" "$(sql_as bob "select llm.team_zone('default')")" UTC
check_eq "a member reads the team's spend per day, for the forecast against its budget" \
    "$(sql_as bob "select sum(spent) from llm.team_days('default', 0, 9000000000)")" \
    "$(psql_q "select sum(cost_pico) from llm.usage")"
psql_q "update llm.usage set task = 'task-a' where id = $a_id" >/dev/null
check_eq "a member's task_spent counts only its own rows" \
    "$(sql_as bob "select llm.task_spent('default', 'task-a')")" 0
check_eq "  the owner's counts the row" \
    "$(sql_as alice "select llm.task_spent('default', 'task-a') = $(echo "$a_row" | cut -d'|' -f1)")" t
sql_as bob "update llm.usage set task = 'task-b' where id = $a_id"
check_eq "a member cannot move another's row into its task" "$?" 1
as lead budget set 500
check_rc "the admin sets the team budget" 0
as lead ledger init
check_rc "llm ledger init as the admin fails" 2
check_contains "  saying who runs it" "$ERR" "runs as the owner of the llm schema"
check_contains "  after the server's reason alone" "$ERR" \
    "llm: ledger init: team ledger: init: permission denied for table meta; "
# A login given no role: told which grant it lacks, not to run llm ledger init.
psql_q "CREATE ROLE carol LOGIN" >/dev/null
t_write_config
printf '\n[ledger]\nuser = carol\n' >>"$LLM_CONFIG_DIR/config.ini"
sent=$(fake_count)
as carol -q -m test-cheap "carol asks"
check_rc "a login without llm_member is refused" 2
check_contains "  told the grant it lacks" "$ERR" "GRANT llm_member TO carol"
check_not_contains "  not sent to llm ledger init" "$ERR" "run llm ledger init"
check_eq "  and nothing is sent" "$(fake_count)" "$sent"
as lead budget set --user alice 20
check_rc "the admin sets a user's budget" 0
check_eq "both are in the database" \
    "$(psql_q "select (select budget_pico from llm.teams), (select budget_pico from llm.user_budgets where \"user\" = 'alice')")" \
    "500000000000000|20000000000000"
sql_as lead "update llm.usage set estimated = true where id = $a_id" >/dev/null
check_eq "the admin may correct another's row" "$?" 0
check_eq "the admin reads every row" \
    "$(sql_as lead "select count(*) from llm.rows('default', 0, 9000000000)")" 2
# A member's request that takes the team past a threshold records the warning, as itself.
psql_q "update llm.teams set budget_pico = 1" >/dev/null
t_write_config
printf '\n[ledger]\nuser = alice\n' >>"$LLM_CONFIG_DIR/config.ini"
sed -i 's/^budget = 0/budget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
as alice -q -m test-cheap "alice passes the budget"
check_rc "a member's request under warn" 0
check_contains "  is told the team passed its budget" "$ERR" "passed 100% of its budget"
check_eq "  the warnings recorded once, with the member's name" \
    "$(psql_q "select string_agg(threshold || ':' || \"user\" || ':' || db_role, ' '
    order by threshold) from llm.budget_warnings")" "50:alice:alice 80:alice:alice 100:alice:alice"
as alice -q -m test-cheap "alice again"
check_not_contains "  and not again" "$ERR" "passed"
# A request past the user's own budget, within the team's: refused, with the user's figures.
as lead budget set 500
as lead budget set --user alice 0.000001
sed -i 's/^budget_action = warn/budget_action = block/' "$LLM_CONFIG_DIR/config.ini"
sent=$(fake_count)
as alice -q -m test-cheap "past alice's own budget"
check_rc "a request past the user's own budget is refused" 3
check_eq "  before it is sent" "$(fake_count)" "$sent"
check_contains "  naming the user's own budget" "$ERR" "alice's own budget for"
check_contains "  with its figures" "$ERR" 'of $0.000001)'
check_not_contains "  not the team's" "$ERR" 'of $500.00'
check_contains "  and how the admin raises it" "$ERR" "llm budget set --user alice USD"
as alice route -m test-cheap "past alice's own budget"
check_contains "  llm route says the request would be refused" "$OUT" \
    "refused: budget: worst case"
check_contains "  by alice's own budget" "$OUT" "alice's own budget for"
as alice --dry-run -m test-cheap "past alice's own budget"
check_rc "  --dry-run refuses as the request does" 3
# A member whose [ledger] user is not its login is told which user to set.
t_write_config
printf '\n[ledger]\nuser = alice\n' >>"$LLM_CONFIG_DIR/config.ini"
as bob -q -m test-cheap "bob as alice"
check_rc "a member labelling its rows with another user is refused" 2
check_contains "  told the user to set" "$ERR" "set [ledger] user = bob"
# A team the ledger does not know (a typo): said, not shown as a team with no budget.
t_write_config
printf '\n[ledger]\nteam = platfrom\nuser = alice\n' >>"$LLM_CONFIG_DIR/config.ini"
as alice budget
check_rc "llm budget for a team the ledger does not know fails" 2
check_contains "  saying so" "$ERR" 'no team "platfrom" in the ledger'
check_contains "  and what to check" "$ERR" "check [ledger] team"
as alice -q -m test-cheap "to no team"
check_rc "a request for a team the ledger does not know is refused" 2
check_contains "  saying so" "$ERR" 'no team "platfrom"'
check_contains "  and what to check, as llm budget does" "$ERR" "check [ledger] team"
check_not_contains "  not to make the misspelt team" "$ERR" "run llm ledger init"
as lead budget set --user alice 5
check_rc "a user's budget in a team the ledger does not know fails" 2
check_contains "  saying so" "$ERR" 'no team "platfrom" in the ledger: check [ledger] team'
check_not_contains "  not in the database's words" "$ERR" "foreign key"
check_not_contains "  on one plain line, without the function's context" "$ERR" "CONTEXT"

# A member reads the team's totals per user (llm.usage_by_user is hers to read), not the rows.
t_write_config
printf '\n[ledger]\nuser = bob\n' >>"$LLM_CONFIG_DIR/config.ini"
as bob usage --by user --json
check_rc "usage --by user as a member" 0
check_eq "  her own rows, in detail" \
    "$(json_get "$T/out" rows | t_py -c 'import json,sys; print([(g["key"], g["requests"]) for g in json.load(sys.stdin)])')" \
    "[('bob', 1)]"
check_eq "  the others by their totals" \
    "$(json_get "$T/out" others | t_py -c 'import json,sys; print([(g["user"], g["requests"]) for g in json.load(sys.stdin)])')" \
    "[('alice', 3)]"
check_eq "  and the whole team's" \
    "$(json_get "$T/out" team_total | t_py -c 'import json,sys; t=json.load(sys.stdin); print(t["requests"], t["cost_pico"])')" \
    "4 $(psql_q "select sum(cost_pico) from llm.usage")"
as bob usage --by user
check_contains "  in text" "$(printf '%s\n' "$OUT" | grep '^alice ')" " 3 "
as bob usage --by team
check_contains "usage --by team as a member: the whole team's requests" \
    "$(printf '%s\n' "$OUT" | grep '^whole team ')" " 4 "
# By model (llm usage as is), by day or tier: her rows, then the whole team's, which is what
# llm budget counts and what every machine of the team shows alike.
as bob usage
check_contains "usage as a member: her rows, then the whole team's" \
    "$(printf '%s\n' "$OUT" | grep '^whole team ')" " 4 "
team_cost=$(psql_q "select sum(cost_pico) from llm.usage")
for by in model day tier; do
	as bob usage --by "$by" --json
	check_eq "usage --by $by --json as a member: the whole team's, to the pico-dollar" \
	    "$(json_get "$T/out" team_total | t_py -c 'import json,sys; t=json.load(sys.stdin); print(t["requests"], t["cost_pico"])')" \
	    "4 $team_cost"
done
as bob budget --json
check_eq "  as llm budget counts it" "$(json_get "$T/out" spent_pico)" "$team_cost"
as lead usage --by user --json
check_eq "usage --by user as the admin: every user's rows" \
    "$(json_get "$T/out" rows | t_py -c 'import json,sys; print([(g["key"], g["requests"]) for g in json.load(sys.stdin)])')" \
    "[('alice', 3), ('bob', 1)]"
check_eq "  and no others" "$(json_get "$T/out" others)" "[]"
# With no budget in the team's ledger, a model of unknown price is sent: llm route says so.
as lead budget set 0
t_write_config
printf '\n[ledger]\nuser = bob\n' >>"$LLM_CONFIG_DIR/config.ini"
sed -i 's/^budget = 0/budget_action = block/' "$LLM_CONFIG_DIR/config.ini"
printf '[model.unpriced]\nprovider = openai\nid = unpriced-1\ntier = cheap\n' \
    >>"$LLM_CONFIG_DIR/config.ini"
as bob route -m unpriced "bob asks with no team budget"
check_not_contains "llm route does not refuse an unknown price with no budget" "$OUT" "refused"
as bob -q -m unpriced "bob asks with no team budget"
check_rc "  as the request is not refused" 0
# A request past the team's budget: a member, who may not set it, is told who does.
as lead budget set 0.000001
as bob -q -m test-cheap "past the team's budget"
check_rc "a request past the team's budget is refused" 3
check_contains "  naming the team's budget" "$ERR" "would pass team \"default\"'s budget for"
check_contains "  and who raises it" "$ERR" "the team's admin raises it with llm budget set USD"
as bob route -m test-cheap "past the team's budget"
check_contains "  as llm route does" "$OUT" "the team's admin raises it with llm budget set USD"
# A user's budget for a name that is no login and made no request (a typo) is set, with a note.
as lead budget set --user alcie 5
check_rc "a budget for a user the ledger has not seen is set" 0
check_contains "  with a note to check the name" "$ERR" 'no login is called "alcie"'
as lead budget set --user alice 5
check_eq "  none for a login" "$ERR" ""
# A fallback the team's budget refuses is told as a refusal is: the team's budget, its admin's.
t_config_append "
$(t_model test-cheap2 anthropic test-cheap-2 cheap 1000 5000)"
sed -i 's/^models = test-cheap, test-local$/models = test-cheap, test-cheap2/' \
    "$LLM_CONFIG_DIR/config.ini"
as lead budget set 5
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
as bob -q -t cheap "a fallback past the team's budget"
check_contains "a fallback past the team's budget is not tried" "$ERR" \
    "test-cheap2 not tried: budget: worst case"
check_contains "  naming the team's budget" "$ERR" "would pass team \"default\"'s budget for"
check_contains "  and who raises it" "$ERR" "the team's admin raises it with llm budget set USD"
check_not_contains "  not the member" "$ERR" "(raise it with llm budget set USD)"
[ "$T_FAIL" -eq 0 ]
