# Agent mode on a small screen: an approval longer than the transcript shows from its first
# line, says that more is below, and y (or a) allows nothing until every line of the command
# or the edit has been on the screen; the status then says how to read the rest.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# status DUMP: the rows under the input to the bottom border, their letters and digits only.
status() {
	sed -n '/│ >/,$p' "$T/$1" | sed 1d | LC_ALL=C tr -dc 'A-Za-z0-9'
}
words() {
	printf '%s' "$1" | LC_ALL=C tr -dc 'A-Za-z0-9'
}

cmd="touch ran.txt && echo the first part of this command is what matters most here, and it goes on for a while longer && echo done"
fake_reply "$(t_py -c '
import json, sys
print(json.dumps({"calls": [{"name": "run", "args": {"command": sys.argv[1]}}],
                  "usage": {"input": 900, "output": 30}}))' "$cmd")"
fake_reply '{"text":"Ran it.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "run" r 40x12 -m test-cheap --agent <<S
:type do it
:key Enter
:wait-text run? y
:dump-screen $T/r0
:key y
:dump-screen $T/r1
:key a
:dump-screen $T/r2
:key PageDown
:dump-screen $T/r3
:key PageDown
:key PageDown
:key PageDown
:dump-screen $T/r4
:key y
:wait-idle
:dump-screen $T/r5
S
check_contains "run: the command from its first line" "$(sed -n 2p "$T/r0")" "│ ? run touch ran.txt && echo the      │"
check_contains "run: more below, said" "$(row "$T/r0" '├ ')" "more lines below · PageDown"
check_contains "run: y before it was all shown: still the first line" "$(sed -n 2p "$T/r1")" "│ ? run touch ran.txt"
check_contains "run: ... and the status says how to read the rest" "$(status r1)" \
    "$(words "of it not on the screen yet: PageDown reads on, then y")"
check_contains "run: a, likewise" "$(status r2)" "$(words "PageDown reads on, then y")"
check_not_screen "run: neither allowed it" r2 "→ yes"
check_contains "run: PageDown reads on, the keys again" "$(status r3)" "$(words "run? y yes · n no · a always")"
check_screen "run: its last line reached" r4 "↪ echo done"
check "run: y once all of it was shown runs it" test -e "$T/repo/ran.txt"
check_screen "run: the task goes on" r5 "Ran it."
check_contains "run: the task was told it ran" "$(fake_get 1 body.messages.-1.content 2>/dev/null)" "[exit status 0]"

# an edit's diff longer than the screen: its head (what file) first, y waits for its end;
# a resize to another width shows it from its first line again, none of it read yet
fake_reset
fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":1100,\"output\":30}}"
fake_reply '{"text":"Edited.","usage":{"input":1200,"output":5}}'
tui_ok_in "$T/repo" "edit" e 40x12 -m test-cheap --agent <<S
:type fix it
:key Enter
:wait-text edit? y
:dump-screen $T/e0
:key PageDown
:key PageDown
:key PageDown
:key PageDown
:resize 44 12
:dump-screen $T/e1
:key y
:dump-screen $T/e2
:key M->
:key y
:dump-screen $T/e3
:key PageUp
:key y
:wait-idle
S
check_contains "edit: the edit's head first" "$(sed -n 2p "$T/e0")" "│ ? edit "
check_contains "edit: the file it changes" "$(sed -n 3p "$T/e0")" "--- a/sum.sh"
check_contains "edit: resized: from its first line again" "$(sed -n 2p "$T/e1")" "│ ? edit "
check_contains "edit: resized: y waits again" "$(status e2)" "$(words "PageDown reads on, then y")"
check_contains "edit: a jump to the end leaves lines unread: y still waits" "$(status e3)" \
    "$(words "of it not on the screen yet")"
check_eq "edit: y once read edits" "$(grep -c '\$1 + \$2' "$T/repo/sum.sh")" 1

# a command that fits is shown whole and y answers at once, as before
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch short.txt"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Done.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "short" s 40x12 -m test-cheap --agent <<S
:type do it
:key Enter
:wait-text run? y
:key y
:wait-idle
S
check "short: y runs it at once" test -e "$T/repo/short.txt"

# PageDown and PageUp move by the transcript's rows less one, at every size. On a small
# screen the page is measured on the rows the question's keys leave, not the fewer that
# the longer "read it all first" left: after y, the next page starts below what was shown.
# trans DUMP: the transcript's rows, their borders cut.
trans() {
	sed -n '2,/^├/p' "$T/$1" | sed '$d' | sed 's/^│ //; s/ *│$//'
}
long_edit() {
	t_sum_repo "$T/repo" --no-test
	fake_reset
	fake_reply "$(t_py -c '
import json
new = "\n".join("echo line %d" % i for i in range(1, 151))
print(json.dumps({"calls": [{"name": "edit", "args": {"path": "sum.sh", "old": "$1 - $2", "new": new}}],
                  "usage": {"input": 900, "output": 30}}))')"
	fake_reply '{"text":"Not edited.","usage":{"input":1000,"output":5}}'
}
long_edit
tui_ok_in "$T/repo" "page small" p 40x12 -m test-cheap --agent <<S
:type fix it
:key Enter
:wait-text edit? y
:key y
:dump-screen $T/p0
:key PageDown
:dump-screen $T/p1
:key n
:wait-idle
S
check_eq "page small: y refused, three rows shown" "$(trans p0 | sed -n 3p)" "  +++ b/sum.sh"
check_eq "page small: PageDown shows the rows below them" "$(trans p1 | sed -n 1p)" "  @@ -1,2 +1,151 @@"
check_eq "page small: four rows to read, not three" "$(trans p1 | wc -l)" 4
for size in 40x12 80x24 120x40; do
	long_edit
	tui_ok_in "$T/repo" "page $size" q 40x12 -m test-cheap --agent <<S
:resize ${size%x*} ${size#*x}
:type fix it
:key Enter
:wait-text edit? y
:key d
:dump-screen $T/q0
:key PageDown
:dump-screen $T/q1
:key PageDown
:dump-screen $T/q2
:key PageUp
:dump-screen $T/q3
:key n
:wait-idle
S
	rows=$(trans q0 | wc -l)
	check "page $size: the transcript has rows" [ "$rows" -ge 4 ]
	check_eq "page $size: PageDown keeps one row" "$(trans q1 | sed -n 1p)" "$(trans q0 | sed -n "${rows}p")"
	check_eq "page $size: and again" "$(trans q2 | sed -n 1p)" "$(trans q1 | sed -n "${rows}p")"
	check_eq "page $size: PageUp goes back a page" "$(trans q3)" "$(trans q1)"
done

echo "# $T_PASS passed, $T_FAIL failed"
