#!/bin/sh
# team_unknown.sh: a user's share of the team's month, and each user's totals,
# are never $0.00 for requests of unknown cost: "?" when every request is of
# unknown cost (null in --json), "+N unknown" beside a figure otherwise, as
# the team's own figures are. An older schema is upgraded with its rows kept.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"

run_llm ledger init
check_rc "ledger init" 0
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U llm -d llm \
    -f "$LLM_TOP/scripts/ledger-roles.sql" >/dev/null 2>&1
psql_q "CREATE ROLE alice LOGIN IN ROLE llm_member; CREATE ROLE bob LOGIN IN ROLE llm_member" \
    >/dev/null

# as ROLE CMD...: run llm as ROLE, its rows labelled with its own name.
as() {
	t_write_config
	printf '\n[ledger]\nuser = %s\n' "$1" >>"$LLM_CONFIG_DIR/config.ini"
	printf '[model.unpriced]\nprovider = openai\nid = unpriced-1\ntier = cheap\n' \
	    >>"$LLM_CONFIG_DIR/config.ini"
	_r=$1
	shift
	LLM_DATABASE=$(pg_url "$_r") run_llm "$@"
}

fake_default '{"text":"ok","usage":{"input":1000,"output":1000}}'
as alice -q -m test-cheap "alice asks"
check_rc "alice's request, of known cost" 0
as bob -q -m unpriced "bob asks"
check_rc "bob's request, of unknown cost" 0

# bob's every request is of unknown cost: his share is "?", never $0.00.
as bob budget
check_rc "llm budget as bob" 0
team=$(printf '%s\n' "$OUT" | grep '^  team ')
check_contains "bob's share is ?" "$team" 'bob: ? spent,'
check_not_contains "  not \$0.00" "$team" 'bob: $0.00'
check_contains "the team's spend names bob's request" \
    "$(printf '%s\n' "$OUT" | grep '^  spent ')" ' +1 unknown (2 requests)'
as bob budget --json
check_eq "--json: bob's share is null, his request of unknown cost counted" \
    "$(json_get "$T/out" user.spent_usd) $(json_get "$T/out" user.spent_pico) $(json_get "$T/out" user.unknown_count)" \
    "null null 1"
# Under his own budget, the same: "?" of it.
psql_q "insert into llm.user_budgets values ('default', 'bob', 5000000000000)" >/dev/null
as bob budget
check_contains "under his own budget: ? of it" "$(printf '%s\n' "$OUT" | grep '^  team ')" \
    'bob: ? of $5.00 (own budget) spent,'
# His own budget is what refuses a model of unknown price: it is named, with its figures.
as bob -q -m unpriced "bob asks under his own budget"
check_rc "under his own budget, a model of unknown price is refused" 3
check_contains "  naming his own budget and its limit" "$ERR" "bob's own budget for "
check_contains "  its limit" "$ERR" 'of $5.00)'
check_not_contains "  not a team budget of \$0.00" "$ERR" 'of $0.00'
# The full-screen client's meter names it beside his share.
printf ':wait-idle\n:dump-screen %s\n' "$T/tui.txt" >"$T/tui.s"
t_write_config
printf '\n[ledger]\nuser = bob\n' >>"$LLM_CONFIG_DIR/config.ini"
LLM_DATABASE=$(pg_url bob) timeout -k 5 60 "$LLM_BIN" chat --headless "$T/tui.s" \
    --size 160x20 >"$T/tui.out" 2>&1
check_eq "the client runs as bob" "$?" 0
check_contains "the client's meter names bob's request of unknown cost" \
    "$(cat "$T/tui.txt")" 'you $0.00 of $5.00 +1 unknown'

# alice's are all priced: her share is a figure, nothing beside it.
as alice budget --json
check_eq "--json: alice's share is a figure, nothing of unknown cost" \
    "$(json_get "$T/out" user.spent_pico | grep -c '^[1-9]') $(json_get "$T/out" user.unknown_count)" \
    "1 0"
as alice budget
check_not_contains "alice's share names nothing unknown" \
    "$(printf '%s\n' "$OUT" | grep '^  team ')" 'unknown'

# A member reads the others' totals: bob's is "?", never $0.00.
as alice usage --by user
check_rc "usage --by user as alice" 0
check_contains "bob's totals are ?" "$(printf '%s\n' "$OUT" | grep '^bob ')" ' ?'
check_not_contains "  not \$0.00" "$(printf '%s\n' "$OUT" | grep '^bob ')" '$0.00'
check_contains "the whole team's name bob's request" \
    "$(printf '%s\n' "$OUT" | grep '^whole team ')" ' +1 unknown'
as alice usage --by user --json
check_eq "--json: bob's cost is null, his request counted" \
    "$(json_get "$T/out" others.0.cost_usd) $(json_get "$T/out" others.0.unknown_cost_requests)" \
    "null 1"
check_eq "--json: the whole team's cost is alice's" \
    "$(json_get "$T/out" team_total.cost_pico | grep -c '^[1-9]')" 1

# Once he has a request of known cost too: its figure, with the unknown beside it.
as bob -q -m test-cheap "bob asks again"
as bob budget
check_contains "bob's share: the figure +1 unknown" "$(printf '%s\n' "$OUT" | grep '^  team ')" \
    ' +1 unknown of $5.00 (own budget) spent,'
as bob budget --json
check_eq "--json: bob's share is a figure, his request of unknown cost counted" \
    "$(json_get "$T/out" user.spent_pico | grep -c '^[1-9]') $(json_get "$T/out" user.unknown_count)" \
    "1 1"
as alice usage --by user
check_contains "bob's totals: the figure +1 unknown" "$(printf '%s\n' "$OUT" | grep '^bob ')" \
    ' +1 unknown'

# A reservation of unknown price still open counts too, as the team's does.
now=$(date +%s)
psql_q "insert into llm.usage (row_key, team, \"user\", db_role, month, time, model, status,
    worst_case_pico, expires) values ('open-1', 'default', 'alice', 'alice',
    to_char(to_timestamp($now), 'YYYY-MM'), $now, 'unpriced', 'reserved', NULL,
    $now + 3600)" >/dev/null
as alice budget --json
check_eq "--json: alice's open reservation of unknown price counted" \
    "$(json_get "$T/out" user.unknown_count) $(json_get "$T/out" unknown_count)" "1 2"
psql_q "delete from llm.usage where row_key = 'open-1'" >/dev/null

# A ledger made by an older llm (schema 3) is upgraded by ledger init, its rows kept.
psql_q "update llm.meta set value = '3' where key = 'version'" >/dev/null
as bob budget
check_rc "a schema older than this llm's is refused" 2
check_contains "  saying who upgrades it" "$ERR" "the schema's owner upgrades it with llm ledger init"
t_write_config
run_llm ledger init
check_rc "ledger init upgrades it" 0
check_contains "  saying so" "$OUT" "upgraded"
as bob budget --json
check_rc "  and the member's meter works again" 0
check_eq "  with his share and his request of unknown cost" \
    "$(json_get "$T/out" user.unknown_count) $(json_get "$T/out" requests)" "1 3"
as bob -q -m test-cheap "bob asks after the upgrade"
check_rc "  as do his requests" 0
as bob budget --json
check_eq "  counted" "$(json_get "$T/out" user.unknown_count) $(json_get "$T/out" requests)" "1 4"
[ "$T_FAIL" -eq 0 ]
