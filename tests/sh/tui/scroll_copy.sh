# The full-screen client, driven headless: scrolling, the copy key, ~/.inputrc, and choosing from the resume picker.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
tui_long_reply
printf '"\\C-t": "typed by inputrc"\n' >"$HOME/.inputrc"
LLM_CLIPBOARD="cat >'$T/clip'" tui_ok "scroll" k <<S
:type /tier cheap
:key Enter
:type list them
:key Enter
:wait-idle
:dump-screen $T/k0
:key PageUp
:dump-screen $T/k1
:key S-Up
:dump-screen $T/k2
:key M-<
:dump-screen $T/k3
:key M->
:dump-screen $T/k4
:key F5
:dump-screen $T/k5
:key C-t
:dump-screen $T/k6
:key S-Up
:dump-screen $T/k7
S
check_screen "scroll: follows the end" k0 "• item 60"
check_screen "page up: earlier lines" k1 "• item 39"
check_not_screen "page up: end out of view" k1 "• item 60"
check_screen "page up: says what is below" k1 "more lines below · M->"
n1=$(grep -o '[0-9]* more lines below' "$T/k1" | cut -d' ' -f1)
n2=$(grep -o '[0-9]* more lines below' "$T/k2" | cut -d' ' -f1)
check_eq "line up: one more line" "$n2" "$((n1 + 1))"
check_contains "top: first message" "$(sed -n 2p "$T/k3")" "you  list them"
check_screen "end: back at the end" k4 "• item 60"
check_not_screen "end: no indicator" k4 "more lines below"
check_contains "copy: said as /copy" "$(row "$T/k5" '└ ')" "└ /copy: copied the last reply"
check_eq "copy: the reply's text" "$(head -1 "$T/clip" 2>/dev/null)" "- item 1"
check_screen "inputrc: macro typed" k6 "> typed by inputrc"
check_screen "line up from the end: one line below" k7 "1 more line below · M->"
rm -f "$HOME/.inputrc"

conv=$(sql "select max(id) from conversations")
tui_ok "pick resume" l <<S
:key F6 Enter
:dump-screen $T/l0
S
check_contains "pick resume: latest loaded" "$(sed -n 1p "$T/l0")" "conversation $conv"
check_screen "pick resume: its messages" l0 "• item 60"

# the copy key's other messages name /copy too, as every command's do; with no display and
# no tool it copies by the terminal (OSC 52), but not on the Linux console, which has none
fake_reply '{"text":"hi","usage":{"input":5,"output":1}}'
fake_reply '{"text":"hi","usage":{"input":5,"output":1}}'
(
	unset DISPLAY WAYLAND_DISPLAY TMUX
	LLM_CLIPBOARD='' TUI_OUT="$T/q.tty" tui_ok "copy key" q 100x20 <<S
:key F5
:dump-screen $T/q0
:type /tier cheap
:key Enter
:type hi
:key Enter
:wait-idle
:key F5
:dump-screen $T/q1
S
	LLM_CLIPBOARD='' LLM_TUI_TERM=linux tui_ok "copy key, the console" c 100x20 <<S
:type /tier cheap
:key Enter
:type hi
:key Enter
:wait-idle
:key F5
:dump-screen $T/c0
S
	fake_reply '{"text":"hi","usage":{"input":5,"output":1}}'
	LLM_CLIPBOARD="exit 3" tui_ok "copy key, a clipboard that fails" r 100x20 <<S
:type /tier cheap
:key Enter
:type hi
:key Enter
:wait-idle
:key F5
:dump-screen $T/r0
S
)
check_contains "copy key: nothing yet, said as /copy" "$(row "$T/q0" '└ ')" "└ /copy: nothing to copy yet"
check_contains "copy key: no tool, by the terminal, said as /copy" "$(row "$T/q1" '└ ')" \
    "└ /copy: copied the last reply via the terminal (OSC 52) "
check_eq "copy key: no tool, the terminal got the reply in OSC 52" \
    "$(grep -c "$(printf '\033]52;c;aGk=\007')" "$T/q.tty")" 1
check_contains "copy key: no tool on the console, said" "$(row "$T/c0" '└ ')" "└ /copy: no clipboard tool"
check_contains "copy key: the tool failed, said as /copy" "$(row "$T/r0" '└ ')" \
    "└ /copy: exit 3 failed; copied the last reply via the terminal (OSC 52)"

echo "# $T_PASS passed, $T_FAIL failed"
