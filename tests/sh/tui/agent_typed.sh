# Agent mode in the full-screen client: text typed while an approval waits (a /command, a
# message) answers nothing, and neither do the letters after its first key: not the n of
# /undo, the a of "also", the e of "please"; the status says so, and Esc gives the question
# back. The cap's question is held the same way.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# --- /undo typed at a command's approval: not declined; Esc, then n declines it ---------------
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch ran"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Not run.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "undo" u 100x30 -m test-cheap --agent <<S
:type clean up
:key Enter
:wait-text run? y yes
:type /undo
:dump-screen $T/u0
:key Esc
:dump-screen $T/u1
:key n
:wait-idle
:dump-screen $T/u2
S
check_screen "undo: the question is held, saying how to answer it" u0 \
    "typed text answers no question, nor do the keys after it: Esc, then y, n, a or e"
check_not_screen "undo: the n of /undo declined nothing" u0 "→ no"
check_screen "undo: Esc gives the question back" u1 "run? y yes · n no · a always (this task) · e edit"
check_screen "undo: n then declines it" u2 "→ no"
check_contains "undo: the model told of the user's no" "$(fake_get 1 body.messages.-1.content)" \
    "the user declined this run"
check "undo: the command never ran" [ ! -e "$T/repo/ran" ]

# --- a message typed at a command's approval: neither edited nor allowed always ---------------
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch one"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"touch two"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"One made.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "typed" m 100x30 -m test-cheap --agent <<S
:type make files
:key Enter
:wait-text run? y yes
:type please also check
:key Enter
:dump-screen $T/m0
:key Esc
:key y
:wait-text run touch two
:key n
:wait-idle
:dump-screen $T/m1
S
check_screen "typed: held" m0 "typed text answers no question"
check_not_screen "typed: the e of please did not open the command to edit" m0 "edit the command"
check_not_contains "typed: nor was the command changed in the input" "$(row "$T/m0" '│ > ')" "touch one"
check_screen "typed: y after Esc allows it once" m1 "▸ run touch one · exit 0"
check_not_screen "typed: the a of also allowed nothing always" m1 "always"
check "typed: the first command ran" [ -e "$T/repo/one" ]
check "typed: the second was asked, and declined" [ ! -e "$T/repo/two" ]

# --- F2 at a held question changes the tier and says the question is still held -------------
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch f2"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"Not run.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "f2" f 100x30 -m test-cheap --agent <<S
:type make f2
:key Enter
:wait-text run? y yes
:type x
:key F2
:dump-screen $T/f0
:key Esc
:key n
:wait-idle
S
check_screen "f2: still held" f0 "typed text answers no question, nor do the keys after it: Esc, then y, n, a or e"
check "f2: the command never ran" [ ! -e "$T/repo/f2" ]

# --- the cap's question: a /command typed there stops nothing ----------------------------------
fake_reset
fake_reply '{"text":"Read.","usage":{"input":1000,"output":100}}'
tui_ok_in "$T/repo" "cap" c 100x30 -m test-mid --agent <<S
:type /agent cap 0.001
:key Enter
:type read it
:key Enter
:wait-text y allows
:type /budget
:dump-screen $T/c0
:key Esc
:key y
:wait-idle
:dump-screen $T/c1
S
check_screen "cap: held" c0 "typed text answers no question, nor do the keys after it: Esc, then y, n or an amount"
check_not_screen "cap: the n of /budget did not stop the task" c0 "stopped at the cap"
check_screen "cap: y after Esc allows more, and the task goes on" c1 "Read."

echo "# $T_PASS passed, $T_FAIL failed"
