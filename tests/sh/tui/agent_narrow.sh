# Agent mode on narrow screens: an approval's keys (y, n, a, e or d) and the cap question's
# keys stay whole on the status line at the smallest sizes, the labels shortened rather than
# the last keys cut; a resize picks the form that fits again.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# under_input DUMP N: the rows under the input's N rows, to the bottom border, without the
# frame, joined by blanks: the status as it would read on one line.
under_input() {
	awk '/^├/ { n = 0; next } { r[++n] = $0 } END { for (i = 1; i <= n; i++) print r[i] }' "$1" |
	    sed "1,${2}d" | sed 's/^[│└] //; s/ *│$//; s/ ─*┘$//; s/ *$//' | paste -s -d ' ' -
}

# check_width NAME DUMP W: every row of $T/DUMP is at most W columns wide.
check_width() {
	check_eq "$1: no row wider than $3" "$(wc -L <"$T/$2" | tr -d ' ')" "$3"
}

# ask_run NAME SIZE [DRAFT]: a task's run waits for approval on a SIZE screen, DRAFT typed
# in the input first; the screen in $T/NAME0, then n declines it.
ask_run() {
	fake_reset
	fake_reply "{\"text\":\"Testing.\",\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"sh test.sh\"}}],\"usage\":{\"input\":900,\"output\":30},\"hold_file\":\"$T/go$1\"}"
	fake_reply '{"text":"Not run.","usage":{"input":1000,"output":5}}'
	tui_ok_in "$T/repo" "$1" "$1" "$2" -m test-cheap --agent <<S
:type run the test
:key Enter
:type ${3:-}
:touch $T/go$1
:wait-text run? y
:dump-screen $T/${1}0
:key n
:wait-idle
S
}

# --- a run's approval: with one input row the status has three rows, with two only two ---
long="run? y yes · n no · a always (this task) · e edit"
mid="run? y yes · n no · a always · e edit"
short="run? y n a e"
for case in "20|$mid|$short" "22|$long|$short" "24|$long|$mid"; do
	IFS='|' read -r w one two <<EOF
$case
EOF
	ask_run "r$w" "${w}x10"
	check_eq "run $w: every key on the status" "$(under_input "$T/r${w}0" 1)" "$one"
	check_width "run $w" "r${w}0" "$w"
	ask_run "d$w" "${w}x10" "and then the readme too"
	check_eq "run $w, two input rows: every key on the status" "$(under_input "$T/d${w}0" 2)" "$two"
	check_screen "run $w: the draft kept" "d${w}0" "│ > and"
	check_width "run $w, two input rows" "d${w}0" "$w"
	check_contains "run $w: n declined it" "$(fake_get 1 body.messages.-1)" "declined"
done

# at 80x24 the whole labels, at 20x10 shorter, and whole again when the screen grows
fake_reset
fake_reply "{\"text\":\"Testing.\",\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"sh test.sh\"}}],\"usage\":{\"input\":900,\"output\":30}}"
fake_reply '{"text":"Not run.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "resize" z 80x24 -m test-cheap --agent <<S
:type run the test
:key Enter
:wait-text run? y
:dump-screen $T/z0
:resize 20 10
:dump-screen $T/z1
:resize 80 24
:dump-screen $T/z2
:key n
:wait-idle
S
check_contains "resize: 80x24 whole in the border" "$(row "$T/z0" '└ ')" "└ $long ─"
check_eq "resize: 20x10 shortened" "$(under_input "$T/z1" 1)" "$mid"
check_contains "resize: whole again at 80x24" "$(row "$T/z2" '└ ')" "└ $long ─"

# --- an edit's approval with a diff longer than shown: d for the whole diff stays too ------
edit=$(t_py -c 'print("\\n".join("line %d" % i for i in range(1, 41)))')
for w in 20 22 24; do
	fake_reset
	fake_reply "{\"calls\":[{\"name\":\"write\",\"args\":{\"path\":\"notes$w.txt\",\"content\":\"$edit\"}}],\"usage\":{\"input\":900,\"output\":30}}"
	fake_reply '{"text":"Not written.","usage":{"input":1000,"output":5}}'
	tui_ok_in "$T/repo" "write $w" w$w "${w}x10" -m test-cheap --agent <<S
:type write notes
:key Enter
:wait-text write? y
:dump-screen $T/w${w}0
:key e
:dump-screen $T/w${w}1
:key n
:wait-idle
S
	check_eq "write $w: every key on the status, d too" "$(under_input "$T/w${w}0" 1)" \
	    "write? y yes · n no · a always · d diff"
	check_eq "write $w: e says it edits commands only, the keys kept" \
	    "$(under_input "$T/w${w}1" 1)" "write? e: commands only; y n a d"
	check_width "write $w" "w${w}0" "$w"
done

# --- the cap's question: y and n whole at 20 columns, the whole question at 80 -------------
for size in 20x10 80x24; do
	fake_reset
	fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":500,"output":20}}'
	fake_reply '{"text":"It subtracts.","usage":{"input":700,"output":10}}'
	tui_ok_in "$T/repo" "cap $size" c$size "$size" -m test-cheap --agent <<S
:type /agent cap 0.00087
:key Enter
:type look around
:key Enter
:wait-text cap
:dump-screen $T/c${size}0
:key n
:wait-idle
S
done
check_eq "cap 20: y and n on the status" "$(under_input "$T/c20x100" 1)" "cap? y +\$0.00087 · n"
check_eq "cap 80: the whole question" "$(under_input "$T/c80x240" 1)" \
    "the next step could pass the task's cap \$0.00087 (spent \$0.00): y allows \$0.00087 more, n stops"

echo "# $T_PASS passed, $T_FAIL failed"
