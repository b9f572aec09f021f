# The full-screen client, driven headless: the first screen and the route line following the input.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

tui_ok "start" a <<S
:dump-screen $T/a0
:type hi
:dump-screen $T/a1
:type  there, why does this segfault?
:dump-screen $T/a2
:key C-a C-k
:dump-screen $T/a3
S
check_contains "start: frame" "$(sed -n 1p "$T/a0")" "┌ llm ─"
check_screen "start: route waits for input" a0 "route auto  type a message to see where it goes"
check_screen "start: meter has the month and budget" a0 "Nov ░░░░░░░░░░░░░░░ \$0.00 of \$1.00 (0%)"
check_contains "start: tier shown" "$(row "$T/a0" Nov)" "tier: auto  F2"
check_screen "start: prompt" a0 "│ >"
check_contains "typing: route decided" "$(row "$T/a1" 'route ')" "route auto → "
check_contains "typing: estimate shown" "$(row "$T/a1" 'route ')" '~$'
check_screen "typing: input echoed" a2 "> hi there, why does this segfault?"
if [ "$(row "$T/a1" 'route ')" != "$(row "$T/a2" 'route ')" ]; then
	ok "typing: route line follows the input"
else
	not_ok "typing: route line follows the input" "$(row "$T/a1" 'route ')"
fi
check_contains "readline: C-a C-k empties the input" "$(row "$T/a3" 'route ')" "type a message"
check_not_screen "start: with keys, no key hint" a0 "No API key yet"
check_screen "welcome: an empty transcript says what to do" a0 \
    "│ Type a message and press Enter. The line below shows where it will go and why."
check_screen "welcome: and the first keys" a0 "│ F1 every key and command · F2 tier · F3 model · F10 quits"
check_screen "welcome: still there while a message is typed" a1 "Type a message and press Enter."

# a first start with no key for any model: the screen says how to give one
sed -i 's/^models = test-cheap, test-local$/models = test-cheap/' "$LLM_CONFIG_DIR/config.ini"
(
	unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY
	tui_ok "no key" k <<S
:dump-screen $T/k0
S
)
check_screen "no key: says none is set" k0 "No API key yet"
check_screen "no key: names the command" k0 "llm keys set PROVIDER"
check_screen "no key: names the tiers' providers" k0 "(openai, anthropic or gemini)"
t_write_config

# a locale without UTF-8: frames, the cost line and the reply in ASCII, every
# character one cell, nothing drawn as escapes
fake_reply '{"text":"caf\u00e9 \u2192 \u201cdone\u201d \u2014 ok\u2026"}'
(
	export LC_ALL=C LANG=C
	tui_ok "LANG=C" c <<S
:type hi
:key Enter
:wait-idle
:dump-screen $T/c0
S
)
check_contains "LANG=C: ASCII frame" "$(sed -n 1p "$T/c0")" "+ llm - conversation 1 -"
check_screen "LANG=C: the cost line in ASCII" c0 "cheap - test-cheap - "
check_screen "LANG=C: the reply's characters stand in one cell each" c0 'caf? > "done" - ok.'
if LC_ALL=C grep -q '[^ -~]' "$T/c0"; then
	not_ok "LANG=C: only printable ASCII on the screen" "$(LC_ALL=C grep -n '[^ -~]' "$T/c0" | head -3)"
else
	ok "LANG=C: only printable ASCII on the screen"
fi

# the hint goes with the first message, drawn dim (NO_COLOR: the dim attribute)
fake_reply '{"text":"hello","usage":{"input":10,"output":1}}'
(
	export NO_COLOR=1
	tui_ok "welcome: sent" w <<S
:dump-colors $T/w0
:type hi
:key Enter
:wait-idle
:dump-screen $T/w1
S
)
check_contains "welcome: drawn dim, all of it" "$(styles "$T/w0" "Type a message")" \
    ": 0-0 border; 2-79 dim dim; 99-99 border"
check_screen "welcome: the reply is there" w1 "llm  hello"
check_not_screen "welcome: gone after the first message" w1 "Type a message and press Enter"
check_not_screen "welcome: keys gone too" w1 "every key and command"

# a resumed conversation with turns shows them, not the hint
tui_ok "welcome: resumed" r 100x30 -c <<S
:dump-screen $T/r0
S
check_screen "welcome: resumed turns" r0 "you  hi"
check_not_screen "welcome: none over a resumed conversation" r0 "Type a message and press Enter"

# agent mode names the workspace, under $HOME as ~, and what a message does
t_sum_repo "$HOME/src/sum"
mkdir -p "$HOME/src/sum/sub"
tui_ok_in "$HOME/src/sum/sub" "welcome: agent" g 100x30 --agent <<S
:dump-screen $T/g0
S
check_screen "welcome: agent mode in the workspace" g0 "│ Agent mode in ~/src/sum "
check_screen "welcome: agent: a message is a task" g0 \
    "│ A message is a task: the model reads files here, and edits or runs commands after your y."
check_screen "welcome: agent keys" g0 "│ F1 every key and command · F7 turns agent mode off · F10 quits"
check_not_screen "welcome: agent: not the chat's line" g0 "Type a message"

# a directory name is data: a control in it shows as \xNN, never reaches the terminal
bad="$HOME/red$(printf '\033')[31mx"
t_sum_repo "$bad"
tui_ok_in "$bad" "welcome: agent, odd name" e 100x30 --agent <<S
:dump-screen $T/e0
S
check_screen "welcome: the name made visible" e0 '│ Agent mode in ~/red\x1b[31mx '

# narrow: shorter forms, a long path cut at its start; too narrow or too low: nothing
long="$HOME/a-rather-long-directory-name/and-another-one-below-it/project"
t_sum_repo "$long"
tui_ok_in "$long" "welcome: agent narrow" n 44x20 --agent <<S
:dump-screen $T/n0
:resize 39 20
:dump-screen $T/n1
:resize 60 15
:dump-screen $T/n2
:resize 60 16
:dump-screen $T/n3
:resize 60 10
:dump-screen $T/n4
:type /agent resume 999
:key Enter
:type a task long enough to take a second row of the input line here
:dump-screen $T/n5
S
check_screen "welcome: narrow: the path's end kept" n0 "│ Agent mode in …ther-one-below-it/project │"
check_screen "welcome: narrow: the short line" n0 "│ A message is a task.  "
check_screen "welcome: narrow: the short keys" n0 "│ F1 help · F7 agent mode off · F10 quits  "
check_not_screen "welcome: narrow: no line cut" n0 "every key"
check_not_screen "welcome: under 40 columns: none" n1 "Agent mode in"
# (60 columns wrap the agent mode's status onto a row above the bottom border: 7 rows at 15 high)
# with fewer rows the blanks go first, then the workspace, then what a task is: on one row
# (two input rows and an error's row at 60x10) what a message is and the help's key share it
check_screen "welcome: 7 rows: the workspace" n2 "│ Agent mode in …"
check_screen "welcome: 7 rows: the keys" n2 "│ F1 help · F7 agent mode off · F10 quits"
check_screen "welcome: 8 rows: there" n3 "Agent mode in"
check_eq "welcome: 2 rows: what a task is, then the keys" "$(sed -n 2,3p "$T/n4")" \
    "│ A message is a task: edits and commands wait for your y. │
│ F1 help · F7 agent mode off · F10 quits                  │"
check_eq "welcome: 1 row: what a task is and the help's key" "$(sed -n 2p "$T/n5")" \
    "│ A message is a task · F1 help · F7 agent mode off        │"
check_screen "welcome: 1 row: the input under it" n5 "│ > a task long enough to take a second row of the input   │"
check_screen "welcome: 1 row: the input's second row, wrapped at a space" n5 "│   line here   "
check_eq "welcome: 1 row: the screen 10 rows, 60 wide" "$(wc -l <"$T/n5") $(wc -L <"$T/n5")" "10 60"
tui_ok "welcome: chat narrow" m 40x20 <<S
:dump-screen $T/m0
S
check_screen "welcome: narrow chat: the short line" m0 "│ Type a message and press Enter.      │"
check_screen "welcome: narrow chat: the short keys" m0 "│ F1 every key and command · F10 quits │"
tui_ok "welcome: chat low" o 60x10 <<S
:dump-screen $T/o0
:type a question long enough to take a second row of the input line
:dump-screen $T/o1
S
check_eq "welcome: 3 rows: the line, a blank, the keys" "$(sed -n 2,4p "$T/o0")" \
    "│ Type a message and press Enter.                          │
│                                                          │
│ F1 every key and command · F10 quits                     │"
check_eq "welcome: 2 rows: the line, then the keys" "$(sed -n 2,3p "$T/o1")" \
    "│ Type a message and press Enter.                          │
│ F1 every key and command · F10 quits                     │"
check_screen "welcome: 2 rows: the input under it" o1 "│ > a question long enough to take a second row of the"
check_contains "welcome: 2 rows: the bottom border last" "$(sed -n 10p "$T/o1")" "└ "

# "//" starts a message that starts with a slash: the route line shows where it goes, as for
# any message, and the message sent has one slash
fake_reply '{"text":"the accounts","usage":{"input":10,"output":2}}'
tui_ok "slash message" s <<S
:type //etc/passwd holds what?
:dump-screen $T/s0
:key Enter
:wait-idle
S
check_contains "slash message: routed" "$(row "$T/s0" 'route ')" "route auto → "
check_contains "slash message: its estimate" "$(row "$T/s0" 'route ')" '~$'
check_eq "slash message: sent with one slash" "$(fake_last body.messages.-1.content 2>/dev/null ||
    fake_last body.contents.-1.parts.0.text)" "/etc/passwd holds what?"

echo "# $T_PASS passed, $T_FAIL failed"
