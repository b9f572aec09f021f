#!/bin/sh
# team_stall.sh: a team database that answers slowly or not at all never holds
# a request for long. An address that accepts and never answers costs one
# connection timeout per command, not one per call; a call waiting on a lock
# held elsewhere is given up after the statement timeout. Either way block
# refuses (exit 3) and warn goes on within the offline allowance.
# waits: each silent server is given up at its deadline (most of its time).
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
run_llm ledger init
check_rc "ledger init" 0
fake_default '{"text":"ok"}'

# timed NAME ARGS...: run_llm ARGS, at most 40 s; SECS is how long it took.
timed() {
	_t0=$(date +%s)
	RUN_TIMEOUT=40 run_llm "$@"
	SECS=$(($(date +%s) - _t0))
}

# A listener that takes connections and never says a word, as a server whose
# host stopped answering after the handshake looks. (Python as t_py runs it,
# but as the background job itself: kill reaches it, not a shell around it.)
"$T_PY" -I -S -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    held.append(s.accept()[0])
' "$T/hole.port" &
hole=$!
t_defer "kill $hole"
t_wait test -s "$T/hole.port"
sed -i 's/^budget = 0$/budget = 0\nbudget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
LLM_DATABASE="postgresql://127.0.0.1:$(cat "$T/hole.port")/llm?user=llm" \
    timed -q -m test-cheap "to a silent server"
check_rc "a silent server: warn goes on" 0
check_contains "  within the offline allowance" "$ERR" "offline allowance"
check "  after one connection timeout, not one per call (${SECS} s)" [ "$SECS" -lt 20 ]

# The team's row locked by a transaction that does not end.
"$PG_BIN/psql" -X -q -h "$PG_DIR" -p "$PG_PORT" -U llm -d llm >/dev/null 2>&1 <<EOF &
BEGIN;
SELECT 1 FROM llm.teams FOR UPDATE;
SELECT pg_sleep(60);
EOF
locker=$!
t_defer "kill $locker 2>/dev/null"
# locked: the transaction holds the row.
locked() {
	[ "$(psql_q "select count(*) from pg_locks l join pg_class c on c.oid = l.relation
	    where c.relname = 'teams' and l.mode = 'RowShareLock' and l.granted")" -gt 0 ]
}
t_wait locked
timed -q -m test-cheap "while the team's row is locked"
check_rc "a locked budget: warn goes on" 0
check_contains "  within the offline allowance" "$ERR" "offline allowance"
check "  once the statement timeout is up (${SECS} s)" [ "$SECS" -lt 20 ]
sed -i 's/^budget_action = warn$/budget_action = block/' "$LLM_CONFIG_DIR/config.ini"
timed -q -m test-cheap "blocked while the team's row is locked"
check_rc "a locked budget: block refuses" 3
check_contains "  saying why" "$ERR" "statement timeout"
check "  as soon (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  and the locked request reached no provider" "$(fake_count)" 2
[ "$T_FAIL" -eq 0 ]
