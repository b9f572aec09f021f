# The full-screen client, driven headless: readline's history search shows its prompt; a long paste keeps the cursor row in view; a pasted tab is sent as one.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

# Two lines sent earlier, in the history readline searches.
printf 'first message\nsecond message\n' >"$LLM_DATA_DIR/history"

rows=$(python3 -c 'print("\\n".join("row %d" % i for i in range(100)))')
tui_ok "search" u 80x24 <<S
:key C-r
:type second m
:dump-screen $T/u0
:key C-g C-a C-k
:paste $rows
:dump-screen $T/u1
S
check_screen "search: prompt and match" u0 "(reverse-i-search)\`second m': second message"
check_contains "long paste: last row shown" "$(sed -n 23p "$T/u1")" "│   row 99"
check_contains "long paste: rows above it" "$(sed -n 18p "$T/u1")" "│   row 94"

# Esc ends the search as readline's does, the line found kept for editing; the key after it is
# a key of its own, not Meta and that key
tui_ok "search-esc" v 80x24 <<S
:key C-r
:type first
:key Esc
:dump-screen $T/v0
:type X
:dump-screen $T/v1
S
check_screen "search: Esc ends it, the line found kept" v0 "> first message"
check_not_screen "search: Esc leaves no search prompt" v0 "reverse-i-search"
check_screen "search: the next key is typed at the cursor" v1 "> Xfirst message"

# an arrow key or an Alt key ends the search and then does what it does, as in readline's own:
# the bytes of its sequence are never typed into the line
tui_ok "search-keys" w 80x24 <<S
:key C-r
:type message
:key Left
:type X
:dump-screen $T/w0
S
tui_ok "search-alt" w 80x24 <<S
:key C-r
:type second
:key M-f
:type Y
:dump-screen $T/w1
S
check_screen "search: Left ends it and moves left" w0 "> secondX message"
check_not_screen "search: no [D typed" w0 "[D"
check_screen "search: M-f ends it and moves a word on" w1 "> secondY message"

# a pasted tab is sent as a tab (a Makefile's recipe needs it), shown as spaces in the input
fake_reply '{"text":"seen","usage":{"input":10,"output":1}}'
tui_ok "tab" t 60x16 <<S
:paste all:\n\tcc -o x x.c\ttail
:dump-screen $T/t0
:key Enter
:wait-idle
S
check_eq "tab: sent as a tab" "$(fake_last body.messages.-1.content)" "all:
	cc -o x x.c	tail"
check_contains "tab: shown as spaces" "$(row "$T/t0" "cc -o")" "│       cc -o x x.c    tail"

# a paste's line breaks as a terminal sends them (CR), and as text copied with CRLF has them:
# one line break each, no blank line between the lines; CR CR is still a blank line
fake_reply '{"text":"seen","usage":{"input":10,"output":1}}'
printf ':paste one\r\\ntwo\rthree\r\rfour\n:dump-screen %s\n:key Enter\n:wait-idle\n' \
    "$T/r0" >"$T/r.s"
tui r 60x16
check_eq "CRLF: exit 0" "$TUI_RC" 0
check_eq "CRLF: one line break each" "$(fake_last body.messages.-1.content)" "one
two
three

four"
check_contains "CRLF: no blank row in the input" "$(below "$T/r0" "> one")" "│   two"

echo "# $T_PASS passed, $T_FAIL failed"
