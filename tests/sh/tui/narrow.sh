# The full-screen client on narrow screens: a route line that does not fit ends in an ellipsis
# ("..." without UTF-8), a long status wraps onto rows above the bottom border, and no row is
# wider than the screen.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

long="why does this crash? free(p); free(p); and a long line of text to make the route line long"

# check_width NAME DUMP W: every row of $T/DUMP is at most W columns wide.
check_width() {
	check_eq "$1: no row wider than $3" "$(wc -L <"$T/$2" | tr -d ' ')" "$3"
}

# status_text DUMP: the rows from under the input to the bottom border, only their letters,
# digits and . / : _ (the status's words, whatever rows they were wrapped to).
status_text() {
	sed -n '/│ >/,$p' "$1" | sed 1d | LC_ALL=C tr -dc 'A-Za-z0-9./:_'
}

for w in 40 60; do
	tui_ok "${w} columns" n$w ${w}x20 <<S
:dump-screen $T/n${w}a
:type $long
:dump-screen $T/n${w}b
:key C-a C-k
:type /file $T/no/such/directory/and/no/such/file.txt
:key Enter
:dump-screen $T/n${w}c
S
	check_width "$w: idle" n${w}a "$w"
	check_width "$w: routed" n${w}b "$w"
	check_width "$w: error" n${w}c "$w"
	check_contains "$w: the cut route ends in an ellipsis, the estimate kept" \
	    "$(row "$T/n${w}b" '~$0.0')" "…  ~\$0.00"
	check_eq "$w: the long status wrapped whole under the input" "$(status_text "$T/n${w}c")" \
	    "$(printf '%s' "/file: $T/no/such/directory/and/no/such/file.txt: No such file or directory" |
	    LC_ALL=C tr -dc 'A-Za-z0-9./:_')"
	check_contains "$w: the input kept" "$(screen "$T/n${w}c")" "│ >"
done
check_contains "40: the status's first row under the input" "$(below "$T/n40c" '│ >')" "│ /file: /"

# at the smallest size the status takes what the transcript can give, and says it was cut
tui_ok "20x10" s 20x10 <<S
:type /file $T/no/such/directory/and/no/such/file.txt
:key Enter
:dump-screen $T/s0
S
check_width "20x10: status" s0 20
check_contains "20x10: the input kept" "$(sed -n 7p "$T/s0")" "│ >"
check_contains "20x10: the last row shown ends in an ellipsis" "$(sed -n 10p "$T/s0")" "… ─┘"
check_contains "20x10: one transcript row left" "$(sed -n 3p "$T/s0")" "├──"
check_contains "40: the idle route line ends in an ellipsis" "$(row "$T/n40a" 'route ')" \
    "route auto  type a message to see w… │"
check_contains "40: the key hints that fit whole" "$(row "$T/n40a" '└ ')" "└ F1 help · F2 tier · F3 model ──"
check_not_contains "40: no key hint cut" "$(row "$T/n40a" '└ ')" "F4"

# the meter's text never runs into the tier hint: the hint goes when both do not fit
sql "INSERT INTO usage (time, model, tier, cost_pico, status)
  VALUES ($LLM_NOW, 'test-mid', 'mid', 330000000, 'ok')"
tui_ok "meter" m 60x20 <<S
:dump-screen $T/m0
S
check_contains "60: the meter whole" "$(row "$T/m0" '│ Nov ')" "\$0.00033 of \$1.00 (0%)"
check_not_contains "60: the meter apart from the tier hint" "$(row "$T/m0" '│ Nov ')" "%)tier"
check_width "60: meter" m0 60

# the model picker's rows fit the screen whole: a narrow one drops the provider, the key and
# the tier before the prices, and is laid out again when the screen changes; what is typed to
# filter shows first where the title would push it off
tui_ok "picker" p 60x20 <<S
:key F3
:dump-screen $T/p0
:resize 40 20
:dump-screen $T/p3
:type deep
:dump-screen $T/p1
:resize 100 20
:dump-screen $T/p2
S
check_not_contains "60: no model's row cut" "$(cat "$T/p0")" "… │"
check_width "60: picker" p0 60
check_contains "60: a model's prices whole, in and out" "$(row "$T/p0" 'deepseek-v4-pro ')" "in \$0.435   out \$0.87"
check_contains "40: a model's prices whole" "$(row "$T/p1" 'deepseek-v4-pro ')" "deepseek-v4-pro       \$0.435/\$0.87 │"
check_contains "40: the title says which price is which" "$(row "$T/p3" '├ ')" "pin a model (\$ per M tokens in/out)"
check_contains "40: the filter typed shown first" "$(row "$T/p1" '├ ')" "├ filter: deep · "
check_width "40: picker" p1 40
check_contains "100: every column again, the key's too" "$(row "$T/p2" 'deepseek-v4-pro ')" "out \$0.87    deepseek     no key"
check_not_screen "100: the filter kept" p2 "gpt-5"

# without UTF-8 the ellipsis is three dots, and the screen stays ASCII
(
	export LC_ALL=C LANG=C
	tui_ok "LANG=C" c 40x20 <<S
:type $long
:dump-screen $T/c0
S
)
check_contains "LANG=C: the cut route ends in dots" "$(row "$T/c0" '~$0.0')" "...  ~\$0.00"
if LC_ALL=C grep -q '[^ -~]' "$T/c0"; then
	not_ok "LANG=C: only printable ASCII" "$(LC_ALL=C grep -n '[^ -~]' "$T/c0" | head -3)"
else
	ok "LANG=C: only printable ASCII"
fi
check_width "LANG=C" c0 40

# at a small size the question before /run and /cmd run a command keeps its keys whole on
# the status line; the command shows from its first line in the transcript, which scrolls
# while it waits, and y runs nothing until all of it has been on the screen
fake_reply '{"text":"rm -rf build/and/a/long/path/to/remove/here\n# removes it"}'
tui_ok "question" q 30x10 <<S
:type /run ls -la /tmp/some/long/dir/and/more/of/it/to/see
:key Enter
:dump-screen $T/q0
:key y
:dump-screen $T/q1
:key PageDown
:key PageDown
:dump-screen $T/q2
:key n
:type /cmd clean up
:key Enter
:wait-idle
:dump-screen $T/q3
:key PageDown
:key PageDown
:key PageDown
:dump-screen $T/q5
:key n
:dump-screen $T/q4
S
keys=$(printf '%s' "run it? y runs it, any other key does not" | LC_ALL=C tr -dc 'A-Za-z0-9./:_')
check_eq "question: /run's keys whole" "$(status_text "$T/q0")" "$keys"
check_contains "question: /run's command from its first line" "$(sed -n 2p "$T/q0")" "│ ? run ls -la /tmp/some/lon │"
check_contains "question: the rest below, said" "$(sed -n 4p "$T/q0")" "├ 2 more lines below · Pag"
check_screen "question: y before the rest was shown runs nothing" q1 "│ ? run ls -la /tmp/some/lon │"
check_eq "question: ... and says how to read it" "$(status_text "$T/q1")" \
    "$(printf '%s' "run it? 1 line of it not on the screen yet: PageDown reads on, then y" | LC_ALL=C tr -dc 'A-Za-z0-9./:_')"
check_screen "question: PageDown reads on to its end" q2 "│     ↪ /to/see "
check_eq "question: /run's keys again once scrolled" "$(status_text "$T/q2")" "$keys"
check_not_screen "question: y ran nothing" q1 "running"
check_not_screen "question: nor later" q2 "running"
check_eq "question: /cmd's keys whole" "$(status_text "$T/q3")" "$keys"
check_contains "question: /cmd's command from its first line" "$(sed -n 2p "$T/q3")" "│ ? run rm -rf build/and/a/l │"
check_screen "question: /cmd's danger" q5 "!! deletes or overwrites"
check_screen "question: /cmd's danger under its command" q5 "│     ↪ (rm) "
check_screen "question: n does not run it" q4 "not run"
check_width "question" q0 30

# a page is a row when the transcript has only one: PageDown still moves through it
tui_ok "one row" o 20x10 <<S
:type /run ls -la /tmp/some/long/dir
:key Enter
:dump-screen $T/o0
:key PageDown
:dump-screen $T/o1
S
check_eq "one row: the transcript has one row, the command's first" "$(sed -n 2,3p "$T/o0")" "│ ? run ls -la /tm │
├ 3 more lines b… ─┤"
check_contains "one row: PageDown scrolls it" "$(sed -n 2p "$T/o1")" "│     ↪ p/some/lon │"

# while a reply streams, the rule above the route line keeps the key that cancels it whole:
# the words go first on a narrow screen
for w in 40 20; do
	rm -f "$T/go$w"
	fake_reply '{"text":"partial answer that keeps on going","hold_file":"'"$T"'/go'"$w"'","usage":{"input":20,"output":8}}'
	tui_ok "streaming at $w" st$w ${w}x12 <<S
:type tell me
:key Enter
:wait-text partial
:dump-screen $T/st$w
:touch $T/go$w
:wait-idle
S
	check_contains "streaming at $w: C-c cancels, whole" "$(row "$T/st$w" "├ ")" "C-c cancels ─"
	check_width "streaming at $w" st$w "$w"
done
check_contains "streaming at 40: the time and tokens kept" "$(row "$T/st40" "├ ")" "s · ~3 tok · C-c cancels ─"

# on a narrow screen the route line gives up "route " and the mode before the model's name:
# where a message goes and what it costs are read whole
tui_ok "route's model" rm 40x12 <<S
:type /model claude-sonnet-4-6
:key Enter
:type why does this crash? free(p); free(p);
:dump-screen $T/rm0
:key C-a C-k
:type /model off
:key Enter
:type hello
:dump-screen $T/rm1
:resize 60 12
:dump-screen $T/rm2
S
check_contains "40: the pinned model whole, its estimate kept" "$(row "$T/rm0" '~$0.0')" "│ mid  claude-sonnet-4-6  …  ~\$0.00"
check_contains "40: the routed model whole" "$(row "$T/rm1" '~$0.0')" "│ cheap  test-cheap  (a q"
check_contains "60: where it fits, the whole line as before" "$(row "$T/rm2" '~$0.0')" "│ route auto → cheap  test-cheap  (a quick"

# the resume and /search pickers fit their columns to the screen: at 60 the count of messages
# whole beside a shorter title, at 40 the title alone beside a date without its year; the
# match beside the title only where it has room, never a column cut to a lone ellipsis
fake_reset
fake_default '{"text":"noted","usage":{"input":10,"output":1}}'
tui_ok "conversations" cv 80x24 <<S
:type why does my program segfault when freeing a pointer twice in a loop
:key Enter
:wait-idle
S
for w in 40 60 80; do
	tui_ok "pickers at $w" cv$w ${w}x12 <<S
:key F6
:dump-screen $T/cv${w}a
:key Esc
:type /search segfault
:key Enter
:dump-screen $T/cv${w}b
S
	check_width "resume at $w" cv${w}a "$w"
	check_width "search at $w" cv${w}b "$w"
	check_not_contains "search at $w: no lone ellipsis" "$(row "$T/cv${w}b" '│ #')" "……"
done
# a list open when the screen changes is laid out again for it, as if opened there: the
# same rows, the filter typed and the row chosen kept
tui_ok "pickers resized" cz 80x12 <<S
:key F6
:resize 40 12
:dump-screen $T/cz40a
:resize 60 12
:dump-screen $T/cz60a
:key Esc
:type /search segfault
:key Enter
:resize 40 12
:dump-screen $T/cz40b
:resize 60 12
:dump-screen $T/cz60b
:type seg
:resize 80 12
:dump-screen $T/cz80b
S
for d in 40a 60a 40b 60b; do
	check_eq "resized to ${d%?}: ${d#??} laid out as if opened there" "$(row "$T/cz$d" '│ #')" \
	    "$(row "$T/cv$d" '│ #')"
	check_width "resized to ${d%?}: ${d#??}" "cz$d" "${d%?}"
done
check_eq "resized to 80: the search's row as if opened there" "$(row "$T/cz80b" '│ #')" \
    "$(row "$T/cv80b" '│ #')"
check_screen "resized to 80: the search's title kept" cz80b "conversations holding: segfault · filter: seg"
check_contains "resume at 60: the count whole" "$(row "$T/cv60a" '│ #')" "  why does my program…  2 msgs "
check_contains "resume at 40: the title beside a short date" "$(row "$T/cv40a" '│ #')" "     11-16 12:00  why does my pro… │"
check_contains "search at 60: the title alone, longer" "$(row "$T/cv60b" '│ #')" "2026-11-16 12:00  why does my program segfault w… │"
check_contains "search at 80: the match beside the title" "$(row "$T/cv80b" '│ #')" "segfault …  why does my progra… │"

echo "# $T_PASS passed, $T_FAIL failed"
