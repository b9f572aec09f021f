# The client on a real terminal (tmux): emoji joined by U+200D (a family, a flag of several)
# take a width terminals disagree on; shown side by side, the row after them stays where
# curses put it, no leftover of the screen before shows through.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux

fake_reply "$(printf '{"text":"family \\u200d%s END\\n\\nnext","usage":{"input":10,"output":6}}' \
    '\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67')"
tm new-session -d -s a -x 60 -y 15 "\"$LLM_BIN\" chat; echo EXIT=\$?; exec sleep 600"
check_pane "screen drawn" a "F10 quits"
tm send-keys -t a -l "hi"
tm send-keys -t a Enter
check_pane "reply drawn" a "next"
r=$(tm capture-pane -p -t a | grep -F END)
check_eq "the emoji side by side, the row as drawn" "$r" \
    "│ llm  family 👨👩👧 END                                   │"
# the row's cells as tmux counts them: a wide character two, any other one
check_eq "the row is as wide as the window" "$(printf '%s' "$r" | t_py -c '
import sys, unicodedata
print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in sys.stdin.read()))')" 60
tm send-keys -t a F10
check_pane "quit: exit 0" a "EXIT=0"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
