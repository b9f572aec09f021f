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
check_screen "resume: messages back" j0 "you  first"
check_screen "resume: costs back" j0 "cheap · test-cheap · 10→1 tok"
check_screen "resume: picker" j1 "resume a conversation"
check_screen "resume: picker lists it" j1 "#$conv"
check_screen "budget: note" j2 "budget 2026-11:"

# /resume of a number that is no conversation says so once, and how to see the ones there are.
tui_ok "resume-none" j 100x30 <<S
:type /resume 9999
:key Enter
:dump-screen $T/k0
:type /resume last
:key Enter
:dump-screen $T/k1
S
check_screen "resume 9999: says there is none, and how to list them" k0 \
    "/resume: no conversation 9999: F6 lists them"
check_screen "resume last: not a number, and how to list them" k1 \
    "/resume: 'last' is not a conversation number: F6 lists them"

# a title longer than its column ends in an ellipsis ("..." without UTF-8), in the picker and
# in /search's list, so that it does not read as the whole prompt
fake_reply '{"text":"noted","usage":{"input":10,"output":1}}'
tui_ok "long title" l 120x30 <<S
:type why does my program crash when I free the same pointer twice in a row here
:key Enter
:wait-idle
:key F6
:dump-screen $T/l0
:key Esc
:type /search pointer
:key Enter
:dump-screen $T/l1
S
check_screen "long title: cut with an ellipsis" l0 "  why does my program crash when I free t…  2 msgs"
check_screen "long title: a short one whole, padded" l0 "  first                                     2 msgs"
check_screen "search: the title cut with an ellipsis" l1 "  why does my program crash whe…  why does"
(
	export LC_ALL=C LANG=C
	tui_ok "LANG=C: long title" a 120x30 <<S
:key F6
:dump-screen $T/a0
S
)
check_screen "LANG=C: cut with dots" a0 "  why does my program crash when I free...  2 msgs"

echo "# $T_PASS passed, $T_FAIL failed"
