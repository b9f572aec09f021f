# The full-screen client, driven headless: SIGINT from outside cancels like C-c (handler, self-pipe, loop).
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
rm -f "$T/rel2"
fake_reply '{"text":"slow answer that will not finish","hold_file":"'"$T"'/rel2","usage":{"input":5,"output":6}}'
tui_ok "SIGINT" sg <<S
:type /tier cheap
:key Enter
:type go
:key Enter
:wait-text llm  slow
:signal INT
:wait-idle
:dump-screen $T/sg0
:touch $T/rel2
S
check_screen "SIGINT: cancelled" sg0 "cancelled: the partial answer and its cost are kept"
check_eq "SIGINT: ledger row cancelled" "$(sql "select status from usage order by id desc limit 1")" cancelled

echo "# $T_PASS passed, $T_FAIL failed"
