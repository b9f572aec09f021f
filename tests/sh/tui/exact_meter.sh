# The full-screen client and the command line: a request refused at connect never reached the
# server, so it costs exactly $0 and leaves the month's figure exact; one cut short after it
# reached the server, without usage, stays an estimate.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_config_append "$(t_dead_model deadp dead openai)"

# one exact charge first, so the month has a figure to mark
fake_reply '{"text":"exact","usage":{"input":10,"output":2}}'
run_llm -m test-cheap -q "first"
check_rc "exact: exit 0" 0

# the command line: the dead model's request is refused at connect
run_llm -m dead -q "nobody listens"
check_rc "dead: exit 1" 1
check_eq "dead: recorded exact at \$0" "$(sql "select cost_pico, estimated from usage where model = 'dead'")" "0|0"
run_llm budget
check_not_contains "dead: llm budget shows no estimate" "$OUT" "~"
run_llm usage
check_not_contains "dead: llm usage shows no estimate" "$OUT" "~"
run_llm logs
check_not_contains "dead: llm logs shows no estimate" "$OUT" "~"

# the client: the same, pinned, and the meter stays exact
tui_ok "dead-tui" d <<S
:type /model dead
:key Enter
:type nobody listens
:key Enter
:wait-idle
:dump-screen $T/d0
S
check_screen "dead-tui: the failure shown" d0 "check that the server at"
check_contains "dead-tui: the meter is exact" "$(row "$T/d0" ' of $1.00')" " \$0.0000"
check_not_contains "dead-tui: no estimate on the meter" "$(row "$T/d0" ' of $1.00')" "~"
check_eq "dead-tui: two exact \$0 rows" "$(sql "select count(*) from usage where model = 'dead' and cost_pico = 0 and estimated = 0")" 2

# cancelled while still connecting: a TLS server that takes the connection and never answers
# holds the request before a byte of it is written, so Ctrl-C (the client's, or the command
# line's) leaves it at an exact $0 as well
"$T_PY" -I -S -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1] + ".port", "w").write(str(s.getsockname()[1]))
held = []
while True:
    held.append(s.accept()[0])
    open(sys.argv[1] + "." + str(len(held)), "w").close()
' "$T/hole" &
hole=$!
t_defer "kill $hole"
t_wait test -s "$T/hole.port"
t_config_append "$(printf '[provider.holep]\napi = openai\nbase_url = https://127.0.0.1:%s/v1\nrequires_key = no\n' "$(cat "$T/hole.port")")
$(t_model hole holep hole-1 cheap 1 1)"
tui_ok "connecting-tui" c <<S
:type /model hole
:key Enter
:type never written
:key Enter
:wait-file $T/hole.1
:key C-c
:wait-idle
:dump-screen $T/c0
S
check_screen "connecting-tui: cancelled" c0 "cancelled before any answer came"
check_screen "connecting-tui: shown exact" c0 "cheap · hole · 0→0 tok · \$0.00"
check_eq "connecting-tui: recorded exact at \$0" \
    "$(sql "select status, cost_pico, estimated from usage where model = 'hole'")" "cancelled|0|0"
check_not_contains "connecting-tui: no estimate on the meter" "$(row "$T/c0" ' of $1.00')" "~"
"$LLM_BIN" -q -m hole "never written either" >"$T/hole.out" 2>"$T/hole.err" &
pid=$!
t_wait test -e "$T/hole.2"
kill -INT $pid
wait $pid
check_eq "connecting: exit 130" $? 130
check_eq "connecting: two exact \$0 rows" \
    "$(sql "select count(*) from usage where model = 'hole' and status = 'cancelled' and cost_pico = 0 and estimated = 0")" 2
run_llm budget
check_not_contains "connecting: llm budget shows no estimate" "$OUT" "~"
run_llm usage
check_not_contains "connecting: llm usage shows no estimate" "$OUT" "~"

# an estimate of $0 is off by nothing: neither that row nor an estimated $0 that an older
# version wrote for a request that never reached the server marks the month as an estimate
sql "insert into usage (time, provider, model, tier, status, cost_pico, estimated)
    select time, 'deadp', 'dead', 'cheap', 'error', 0, 1 from usage where model = 'dead' limit 1"
run_llm budget
check_not_contains "estimated \$0: llm budget shows no estimate" "$OUT" "~"
run_llm usage
check_not_contains "estimated \$0: llm usage shows no estimate" "$OUT" "~"
check_not_contains "estimated \$0: nor its chart on a terminal" \
    "$(t_py "$LLM_TOP/tests/pty_run.py" 100 40 "$LLM_BIN" usage)" "~"
tui_ok "old-tui" o <<S
:dump-screen $T/o0
S
check_contains "estimated \$0: the meter is exact" "$(row "$T/o0" ' of $1.00')" " \$0.0000"
check_not_contains "estimated \$0: no estimate on the meter" "$(row "$T/o0" ' of $1.00')" "~"

# cancelled once the request was written, before any answer: it may be charged, an estimate
fake_reply "{\"chunks\":[],\"hold_file\":\"$T/never\"}"
n=$(fake_count)
"$LLM_BIN" -q -m test-cheap "written, then cancelled" >"$T/sent.out" 2>"$T/sent.err" &
pid=$!
fake_wait_count $((n + 1))
kill -INT $pid
wait $pid
check_eq "sent: exit 130" $? 130
check_eq "sent: recorded as an estimate" "$(sql "select status, estimated from usage order by id desc limit 1")" "cancelled|1"
check_eq "sent: estimated at its input, not \$0" \
    "$(sql "select input_tokens > 0 and cost_pico > 0 from usage order by id desc limit 1")" 1
run_llm budget
check_contains "sent: llm budget marks the estimate" "$OUT" "~"

# reached the server, cut short without usage: an estimate, and the month says so
fake_reply '{"text":"a partial answer that is cut","usage":null,"fault":"cut"}'
run_llm -m test-cheap -q "cut me"
check_rc "cut: exit 1" 1
check_eq "cut: recorded as an estimate" "$(sql "select estimated from usage order by id desc limit 1")" 1
run_llm budget
check_contains "cut: llm budget marks the estimate" "$OUT" "~"
run_llm logs
check_contains "cut: llm logs marks the estimate" "$OUT" "~"
echo "# $T_PASS passed, $T_FAIL failed"
