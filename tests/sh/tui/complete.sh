# The full-screen client, driven headless: Tab completes slash commands and lists the candidates.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

cat >"$T/n.s" <<S
:type /bu
:key Tab
:dump-screen $T/n0
:key C-a C-k
:type /r
:key Tab Tab
:dump-screen $T/n1
S
tui n
check_screen "complete: unique command" n0 "│ > /budget "
check_contains "complete: candidates listed" "$(sed -n '$p' "$T/n1")" "/resume  /retry  /role  /run"
check_contains "typing a command: its use on the route line" "$(row "$T/n0" "│ /budget")" \
    "/budget   this month's spend against the budget"
check_contains "typing a command: what it could be" "$(row "$T/n1" "│ /re")" "/retry  /resume"

echo "# $T_PASS passed, $T_FAIL failed"
