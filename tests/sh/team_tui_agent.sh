#!/bin/sh
# team_tui_agent.sh: an agent task in the full-screen client with a team
# ledger: the task's steps (run in a forked process with a connection of its
# own) and the message after the task are recorded in the team's database,
# none left in the local outbox, and the database is never reported
# unreachable.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start

t_config_append "[ledger]
database = $PG_URL
team = t
offline_allowance = 0"
run_llm ledger init
check_rc "the team's ledger is created" 0

mkdir -p "$T/repo"
printf 'one\n' >"$T/repo/a.txt"
fake_reset
fake_reply '{"text":"Looking.","calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":900,"output":40}}'
fake_reply '{"text":"One file.","usage":{"input":1000,"output":10}}'
fake_reply '{"text":"hello back","usage":{"input":10,"output":3}}'
cat >"$T/a.s" <<S
:type list the files
:key Enter
:wait-text One file.
:wait-idle
:type /agent off
:key Enter
:type hello
:key Enter
:wait-text hello back
:wait-idle
:dump-screen $T/a0
S
cd "$T/repo" || exit 1
tui a 100x30 -m test-cheap --agent
cd - >/dev/null || exit 1
check_eq "exit 0" "$TUI_RC" 0
check_contains "the answer after the task" "$(screen "$T/a0")" "hello back"
check_not_contains "the team's database stayed reachable" "$(screen "$T/a0")" "unreachable"
check_eq "the task's two steps and the message recorded in the team's database" \
    "$(psql_q "SELECT count(*) FROM llm.usage WHERE status = 'ok'")" 3
check_eq "nothing left in the local outbox" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM team_outbox" 2>/dev/null || echo 0)" 0
[ "$T_FAIL" -eq 0 ]
