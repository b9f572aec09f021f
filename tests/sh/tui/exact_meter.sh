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
