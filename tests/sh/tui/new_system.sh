# The full-screen client, driven headless: /new starts a fresh conversation; /system sets the system prompt sent.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_default '{"text":"fine","usage":{"input":5,"output":1}}'
tui_ok "new" r <<S
:type first message
:key Enter
:wait-idle
:dump-screen $T/r0
:type /new
:key Enter
:dump-screen $T/r1
:type /system be brief
:key Enter
:type second message
:key Enter
:wait-idle
:dump-screen $T/r2
S
c0=$(sed -n 1p "$T/r0" | grep -o 'conversation [0-9]*')
c2=$(sed -n 1p "$T/r2" | grep -o 'conversation [0-9]*')
check_contains "new: transcript cleared" "$(sed -n 1,3p "$T/r1")" "┌ llm ─"
check_not_screen "new: old message gone" r1 "first message"
check_screen "new: status" r1 "new conversation"
if [ -n "$c0" ] && [ -n "$c2" ] && [ "$c0" != "$c2" ]; then ok "new: another conversation id"; else
	not_ok "new: another conversation id" "$c0 / $c2"; fi
check_eq "new: history not sent" "$(fake_last body.messages | python3 -c 'import json,sys; print(len([m for m in json.load(sys.stdin) if m["role"] != "system"]))')" 1
check_contains "system: sent" "$(fake_last body)" "be brief"

echo "# $T_PASS passed, $T_FAIL failed"
