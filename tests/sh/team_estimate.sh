#!/bin/sh
# team_estimate.sh: in the team's ledger as in SQLite, the month is an estimate (~)
# only where a row's cost is estimated at more than $0. An estimated $0 that an
# older llm wrote for a request that never reached the server no longer marks the
# month once llm ledger init has upgraded the schema; one of more than $0 does.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
run_llm ledger init
check_rc "ledger init" 0
fake_default '{"text":"ok","usage":{"input":10,"output":2}}'
run_llm -q -m test-cheap "exact"
check_rc "an exact request" 0

# old_row KEY COST: a settled estimated row like the exact one, as an older llm wrote it.
old_row() {
	psql_q "insert into llm.usage (row_key, team, \"user\", month, time, model, status,
	    cost_pico, estimated) select '$1', team, \"user\", month, time, 'dead', 'error', $2, true
	    from llm.usage where status = 'ok' limit 1" >/dev/null
}

# a ledger of schema 4 whose totals counted an estimated $0 as an estimate
old_row old-zero 0
psql_q "update llm.totals set estimated = estimated + 1" >/dev/null
psql_q "update llm.meta set value = '4' where key = 'version'" >/dev/null
run_llm ledger init
check_rc "ledger init upgrades it" 0
check_contains "  saying so" "$OUT" "upgraded"
run_llm budget
check_rc "llm budget" 0
check_contains "  the month's figure" "$OUT" "spent"
check_not_contains "  an estimated \$0 does not make it an estimate" "$OUT" "~"
run_llm budget --json
check_eq "  nor in --json" "$(json_get "$T/out" estimated)" false
run_llm usage
check_not_contains "llm usage: no estimate either" "$OUT" "~"

# written after the upgrade, the same
old_row new-zero 0
run_llm budget
check_not_contains "an estimated \$0 written now: no estimate" "$OUT" "~"

# an estimate of more than $0 marks the month, wherever it is shown
old_row some 5000
run_llm budget
check_contains "an estimate of more than \$0 marks the month" "$OUT" "~"
run_llm usage
check_contains "  in llm usage too" "$OUT" "~"
[ "$T_FAIL" -eq 0 ]
