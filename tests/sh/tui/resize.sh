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

# --- read back, then resized: the line on the top row stays there, not as many lines from the end
long=$(t_py -c 'print("\\n\\n".join("line %02d of a long answer, with words enough to wrap once the screen is narrow" % i for i in range(1, 81)))')
fake_reset
fake_reply "{\"text\":\"$long\",\"usage\":{\"input\":10,\"output\":20}}"
tui_ok "scrolled back" b <<S
:type a question
:key Enter
:wait-idle
:key PageUp
:key PageUp
:dump-screen $T/b0
:resize 60 30
:dump-screen $T/b1
:resize 100 24
:dump-screen $T/b2
:resize 100 30
:dump-screen $T/b3
S
top() { sed -n 2,3p "$T/$1" | grep -o 'line [0-9]*' | head -n 1; }
read0=$(top b0)
check "scrolled back: a line of the answer on the top row ($read0)" [ -n "$read0" ]
check_eq "scrolled back, narrower: the same line on the top row" "$(top b1)" "$read0"
check_eq "scrolled back, fewer rows: the same line on the top row" "$(top b2)" "$read0"
check_eq "scrolled back, as before: the same line on the top row" "$(top b3)" "$read0"
check_contains "scrolled back, as before: still read back" "$(cat "$T/b3")" "more lines below"

echo "# $T_PASS passed, $T_FAIL failed"
