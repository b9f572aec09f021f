# The full-screen client, driven headless: resize reflows without loss.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_reply '{"text":"A fairly long answer that will need to wrap onto more lines when the screen becomes narrow, and back again.","usage":{"input":10,"output":20}}'
tui_ok "resize" e <<S
:type a question
:key Enter
:wait-idle
:dump-screen $T/e0
:resize 50 15
:dump-screen $T/e1
:resize 100 30
:dump-screen $T/e2
S
check_eq "resize: 50x15 has 15 rows" "$(wc -l <"$T/e1" | tr -d ' ')" 15
check_eq "resize: 50x15 rows are 50 wide" "$(wc -L <"$T/e1" | tr -d ' ')" 50
check_screen "resize: narrow wraps" e1 "│      become"
if cmp -s "$T/e0" "$T/e2"; then ok "resize: back to 100x30 is the same screen"; else
	not_ok "resize: back to 100x30 is the same screen" "$(diff "$T/e0" "$T/e2")"; fi

echo "# $T_PASS passed, $T_FAIL failed"
