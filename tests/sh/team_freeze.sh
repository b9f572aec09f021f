#!/bin/sh
# team_freeze.sh: a team database that takes the connection and then stops
# answering in the middle of a call (a frozen server: its host still
# acknowledges every byte, so neither TCP nor its own statement timeout ends
# the wait) holds no command past the call's deadline. The call is given up,
# and the request goes on as for an unreachable database: block refuses
# (exit 3), warn keeps the row locally and sends it once the database answers.
# waits: each frozen call is given up at its deadline (most of its time).
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
run_llm ledger init
check_rc "ledger init" 0
fake_default '{"text":"ok"}'
rows() { psql_q "select count(*) from llm.usage $1"; }
outbox() { sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from team_outbox $1"; }

# A proxy to the server that passes everything until the client sends TRIGGER,
# then freezes: nothing more goes either way, on any connection, new ones
# (a cancel request) included, and nothing is closed. With "after", the
# bytes holding TRIGGER still reach the server: it does the call, and its
# answer is what is lost.
proxy='
import os, socket, sys, threading
out, port, trigger = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
after = sys.argv[4:] == ["after"]
frozen = threading.Event()
def pipe(a, b, watch):
    seen = b""
    while True:
        try:
            d = a.recv(65536)
        except OSError:
            return
        if not d:
            if not frozen.is_set():
                b.close()
            return
        seen = (seen + d)[-4096:] if watch else seen
        if watch and trigger in seen and not frozen.is_set():
            # frozen before the bytes go on: the answer they bring must not pass
            frozen.set()
            if after:
                b.sendall(d)
            continue
        if not frozen.is_set():
            b.sendall(d)
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(out + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(out + ".tmp", out)
held = []
while True:
    c = s.accept()[0]
    held.append(c)
    if frozen.is_set():
        continue
    u = socket.create_connection(("127.0.0.1", port))
    held.append(u)
    threading.Thread(target=pipe, args=(c, u, True), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c, False), daemon=True).start()
'
# frozen_at NAME TRIGGER [after]: start a proxy; FROZEN_URL reaches the server through it.
# (Python as t_py runs it, but as the background job itself, for kill to reach it.)
frozen_at() {
	_fa=$T/$1.port
	shift
	"$T_PY" -I -S -c "$proxy" "$_fa" "$PG_PORT" "$@" &
	t_defer "kill $!"
	t_wait test -s "$_fa"
	FROZEN_URL="postgresql://127.0.0.1:$(cat "$_fa")/llm?user=llm"
}
# timed ARGS...: run_llm ARGS through the proxy, at most 60 s; SECS is how long it took.
timed() {
	_t0=$(date +%s)
	LLM_DATABASE="$FROZEN_URL" RUN_TIMEOUT=60 run_llm "$@"
	SECS=$(($(date +%s) - _t0))
}
sed -i 's/^budget = 0$/budget = 0\nbudget_action = block/' "$LLM_CONFIG_DIR/config.ini"

frozen_at reserve "llm.reserve("
timed -q -m test-cheap "blocked by a frozen server"
check_rc "frozen while reserving: block refuses" 3
check_contains "  saying the team ledger is unreachable" "$ERR" "team ledger unreachable"
check "  once the call's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  and the request reached no provider" "$(fake_count)" 0

sed -i 's/^budget_action = block$/budget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
frozen_at reserve2 "llm.reserve("
timed -q -m test-cheap "a frozen server, warn"
check_rc "frozen while reserving: warn goes on" 0
check_contains "  within the offline allowance" "$ERR" "offline allowance"
check "  once the call's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  its row kept locally" "$(outbox "where kind = 'row' and status = 'ok'")" 1

frozen_at settle "llm.settle"
timed -q -m test-cheap "frozen before the settlement"
check_rc "frozen while settling: the answer is given" 0
check "  once the call's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  its settlement kept locally" "$(outbox "where kind = 'settle'")" 1
check_eq "  its row reserved on the server" "$(rows "where status = 'reserved'")" 1

run_llm budget
check_rc "the server answering again" 0
check_eq "  the row kept locally arrives" "$(rows "where offline")" 1
check_eq "  and the settlement" "$(rows "where status = 'ok'")" 2
check_eq "  the outbox is empty" "$(outbox)" 0

# Frozen once the server has made the reservation: it holds the budget there
# though its answer never came. Whatever the request did, the reservation is
# put right as soon as the server answers again, not when an hour has passed
# or this process is gone.
sed -i 's/^budget_action = warn$/budget_action = block/' "$LLM_CONFIG_DIR/config.ini"
frozen_at made "llm.reserve(" after
timed -q -m test-cheap "blocked, the reservation made"
check_rc "frozen after reserving: block refuses" 3
check "  once the call's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  the server made the reservation" "$(rows "where status = 'reserved'")" 1
check_eq "  which is kept locally to release" "$(outbox "where kind = 'release'")" 1
run_llm budget
check_rc "the server answering again" 0
check_eq "  the reservation is released" "$(rows "where status = 'reserved'")" 0
check_eq "  at no cost" "$(rows "where status = 'cancelled' and cost_pico = 0")" 1
check_eq "  the outbox is empty" "$(outbox)" 0

sed -i 's/^budget_action = block$/budget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
before=$(rows)
frozen_at made2 "llm.reserve(" after
timed -q -m test-cheap "warn, the reservation made"
check_rc "frozen after reserving: warn goes on" 0
check_eq "  the server made the reservation" "$(rows "where status = 'reserved'")" 1
check_eq "  the row is kept locally" "$(outbox "where kind = 'row' and status = 'ok'")" 1
run_llm budget
check_rc "the server answering again" 0
check_eq "  the reservation becomes the row kept locally" \
    "$(rows "where id = (select max(id) from llm.usage) and status = 'ok' and not estimated")" 1
check_eq "  no second row" "$(rows)" $((before + 1))
check_eq "  the outbox is empty" "$(outbox)" 0
[ "$T_FAIL" -eq 0 ]
