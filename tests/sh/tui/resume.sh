# The full-screen client, driven headless: resume: -c continues the latest conversation; the picker lists them.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

tui_first_conversation

conv=$(sql "select max(id) from conversations")
tui_ok "resume" j 100x30 -c <<S
:dump-screen $T/j0
:key F6
:dump-screen $T/j1
:key Esc
:type /budget
:key Enter
:dump-screen $T/j2
S
check_contains "resume: title" "$(sed -n 1p "$T/j0")" "conversation $conv"
check_contains "resume: messages back" "$(screen "$T/j0")" "you  first"
check_contains "resume: costs back" "$(screen "$T/j0")" "cheap · test-cheap · 10→1 tok"
check_contains "resume: picker" "$(screen "$T/j1")" "resume a conversation"
check_contains "resume: picker lists it" "$(screen "$T/j1")" "#$conv"
check_contains "budget: note" "$(screen "$T/j2")" "budget 2026-11:"

echo "# $T_PASS passed, $T_FAIL failed"
