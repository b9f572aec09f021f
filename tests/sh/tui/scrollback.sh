# The full-screen client, driven headless: reading back while a reply streams: the lines in view stay put.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
tui_long_reply
rm -f "$T/rel"
fake_reply '{"chunks":["first line\n\n","second line\n\n","third line\n\n"],"hold_file":"'"$T"'/rel"}'
tui_ok "anchor" s 60x20 <<S
:type /tier cheap
:key Enter
:type list
:key Enter
:wait-idle
:type more
:key Enter
:wait-text first line
:key PageUp
:dump-screen $T/s0
:touch $T/rel
:wait-idle
:dump-screen $T/s1
:key M->
:dump-screen $T/s2
S
check_eq "anchor: same lines in view" "$(sed -n 2,14p "$T/s1")" "$(sed -n 2,14p "$T/s0")"
b0=$(grep -o '[0-9]* more lines below' "$T/s0" | cut -d' ' -f1)
b1=$(grep -o '[0-9]* more lines below' "$T/s1" | cut -d' ' -f1)
if [ -n "$b0" ] && [ -n "$b1" ] && [ "$b1" -gt "$b0" ]; then ok "anchor: new lines counted below"; else
	not_ok "anchor: new lines counted below" "$b0 -> $b1"; fi
check_screen "anchor: end shows the whole reply" s2 "third line"

echo "# $T_PASS passed, $T_FAIL failed"
