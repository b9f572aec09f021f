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

# a reply that grows by more than a screen at once: the lines in view still stay put
tui_long_reply
rm -f "$T/rel2"
rest=$(t_py -c 'print("\\n".join("- more %d" % i for i in range(1, 41)))')
fake_reply '{"chunks":["opening line\n\n","'"$rest"'"],"hold_file":"'"$T"'/rel2"}'
tui_ok "anchor, long" l 60x20 <<S
:type list
:key Enter
:wait-idle
:type more
:key Enter
:wait-text opening line
:key PageUp
:dump-screen $T/l0
:touch $T/rel2
:wait-idle
:dump-screen $T/l1
S
check_not_screen "anchor, long: reading back" l0 "opening line"
check_eq "anchor, long: same lines in view" "$(sed -n 2,14p "$T/l1")" "$(sed -n 2,14p "$T/l0")"

echo "# $T_PASS passed, $T_FAIL failed"
