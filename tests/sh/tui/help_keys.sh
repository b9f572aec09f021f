# The full-screen client, driven headless: help lists every binding; [keys] rebinds.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

printf '\n[keys]\ntier = F7\nquit = C-x\n' >>"$LLM_CONFIG_DIR/config.ini"
tui_ok "help" i <<S
:key F1
:dump-screen $T/i0
:key PageDown
:dump-screen $T/i5
:key End
:dump-screen $T/i4
:key Esc F7 F7
:dump-screen $T/i1
:key F2
:dump-screen $T/i2
:key C-x
:dump-screen $T/i3
S
check_golden tui-help "$T/i0"
for a in "F7             tier" "F3             model" "F4             retry" "C-c            cancel" \
    "PageUp         page-up" "M-Enter C-j    newline" "/save [N] PATH" "/resume [ID]" "/budget" \
    "C-d on an empty line quits" "Up and Down move between the rows of a long input"; do
	check_contains "help: lists $a" "$(cat "$T/i0" "$T/i5" "$T/i4")" "$a"
done
check_above "help: F5 before F6" i0 "F5             copy" "F6             resume"
check_above "help: a rebound key in its place by number" i0 "F6             resume" "F7             tier"
check_above "help: the unbound last" i0 "C-z            suspend" "(unbound)      agent"
check_contains "keys: F7 cycles the tier" "$(row "$T/i1" Nov)" "tier: mid  F7"
check_contains "keys: F2 no longer does" "$(row "$T/i2" Nov)" "tier: mid  F7"
check_eq "keys: C-x quits" "$(screen "$T/i3")" "(no dump $T/i3)"
t_write_config
sed -i 's/^budget = 0/budget = 1/' "$LLM_CONFIG_DIR/config.ini"

# at 80 columns every line of the help is read whole: a long one wraps under its column
tui_ok "help at 80" w 80x24 <<S
:key F1
:dump-screen $T/w0
:key PageDown
:dump-screen $T/w1
:key PageDown
:dump-screen $T/w2
:key PageDown
:dump-screen $T/w3
:key PageDown
:dump-screen $T/w4
:key Home
:resize 60 24
:dump-screen $T/w5
S
cat "$T/w0" "$T/w1" "$T/w2" "$T/w3" "$T/w4" >"$T/w"
check_screen "help at 80: C-c's line wraps under its column" w "twice when idle:     │
│                             quit"
check_contains "help at 80: a long command's text under the column" \
    "$(below "$T/w" "/tier [auto|cheap|mid|frontier]")" "│                            set or cycle the tier override"
check_screen "help at 80: the notes end whole" w "e edit the command first."
check_screen "help at 80: and the last" w "amount, n stops."
check_contains "help at 60: wrapped again on resize" "$(below "$T/w5" "F2             tier")" \
    "│                             auto, cheap, mid, frontier"

# what a note or a status says to press is the key bound now, or the command where none is
printf '\n[keys]\nretry = F9\nresume = none\n' >>"$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"chunks":[]}'
tui_ok "rebound hints" h <<S
:type /tier cheap
:key Enter
:type hello
:key Enter
:wait-idle
:dump-screen $T/h0
:type /resume 9999
:key Enter
:dump-screen $T/h1
:type /resume last
:key Enter
:dump-screen $T/h2
S
check_screen "rebound: re-ask names its key" h0 "the model sent no text; F9 asks it again one tier up"
check_screen "unbound: resume names its command" h1 "/resume: no conversation 9999: /resume lists them"
check_screen "unbound: and for a word" h2 "is not a conversation number: /resume lists them"
t_write_config
sed -i 's/^budget = 0/budget = 1/' "$LLM_CONFIG_DIR/config.ini"
# at the client's narrowest every key and name is read whole, a lead too long wrapped, not
# cut, and the text under it 4 in, where its words fit; a tall screen shows all of it
tui_ok "help at 20" n 20x300 <<S
:key F1
:dump-screen $T/n0
S
sed -n '/├ help/,/├ Esc/{/├/!p}' "$T/n0" >"$T/n"
check_not_contains "help at 20: nothing cut" "$(cat "$T/n")" "…"
for a in "│   F1 help " "│   F6 resume " "│   C-c cancel " "│   PageDown " "│   page-down " \
    "│   M-Enter C-j " "│   newline " "│   /agent " "│   [on|off|cap " "│   /save [N] PATH " \
    "│     conversation " "│     clipboard " "│   /quit "; do
	check_contains "help at 20: '$a'" "$(cat "$T/n")" "$a"
done
check_contains "help at 20: the text under its lead" "$(below "$T/n" "│   F3 model ")" \
    "│     pick a "
check_screen "help at 20: the notes end whole" n0 "│ n stops. "
check_contains "help at 20: a list of choices broken after a bar" "$(cat "$T/n")" \
    "│   [auto|cheap|   │
│   mid|frontier]  │"
check_contains "help at 20: a word too wide for 4 in, whole 2 in" "$(cat "$T/n")" \
    "│   conversations  │"

# read the help, then type: the first key closes it and goes into the input with the rest,
# j, k, q and a space as well; a paste over the help too; its own keys still page and close it
tui_ok "typed over the help" y 60x20 <<S
:key F1
:key PageDown Down Up
:dump-screen $T/y0
:type jkq  why?
:dump-screen $T/y1
:key C-a C-k F1 End
:paste pasted\nover the help
:dump-screen $T/y2
:key C-a C-k F1 Esc
:dump-screen $T/y3
:key F1 F1
:dump-screen $T/y4
S
check_screen "typed: the help open and paged" y0 "├ help "
check_not_screen "typed: the help closed by the first key" y1 "├ help "
check_screen "typed: every key in the input, none lost" y1 "│ > jkq  why?"
check_not_screen "paste: the help closed" y2 "├ help "
check_screen "paste: in the input whole" y2 "│ > pasted"
check_screen "paste: its second line too" y2 "│   over the help"
check_not_screen "Esc: closes the help" y3 "├ help "
check_screen "Esc: the input empty" y3 "│ >                 "
check_not_screen "F1: closes the help" y4 "├ help "
for w in 40 60 80; do
	tui_ok "help's keys at $w" f$w ${w}x20 <<S
:key F1
:dump-screen $T/f$w
S
	check_contains "help's keys at $w: Esc and typing said, whole" "$(row "$T/f$w" 'Esc ')" \
	    "Esc closes · typing goes to"
done

# at 40, 60 and 80 columns the help says every word it says at 100: a description wraps
# under its key where it does not fit beside it, never dropped
for w in 100 80 60 40; do
	tui_ok "help whole at $w" hw$w ${w}x300 <<S
:key F1
:dump-screen $T/hw$w
S
	sed -n '/├ help/,/├ [^h]/{/├/!p}' "$T/hw$w" | tr -d '│' | tr ' ' '\n' | grep -v '^$' \
	    >"$T/hw$w.words"
	[ "$w" = 100 ] || check_eq "help whole at $w: the words of it at 100" "$(cat "$T/hw$w.words")" \
	    "$(cat "$T/hw100.words")"
done
check_contains "help whole at 40: a description under its key" "$(below "$T/hw40" "│   F6             resume")" \
    "│     continue an earlier conversation"

echo "# $T_PASS passed, $T_FAIL failed"
