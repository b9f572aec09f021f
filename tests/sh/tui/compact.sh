# The full-screen client, driven headless: /compact summarises the older turns on the cheap
# tier, and the next message goes on from the summary and the recent turns.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

for i in 1 2 3; do
	fake_reply "{\"text\":\"answer $i\"}"
	if [ "$i" = 1 ]; then
		run_llm -q -m test-mid "question $i"
	else
		run_llm -q -m test-mid -c "question $i"
	fi
done
cid=$(sql "select max(id) from conversations")
fake_reset
fake_reply '{"text":"SUMMARY of question 1"}'
fake_reply '{"text":"answer 4"}'
cat >"$T/c.s" <<S
:type /compact
:key Enter
:wait-idle
:dump-screen $T/c0
:key F4
:dump-screen $T/c2
:type question 4
:key Enter
:wait-idle
:dump-screen $T/c1
S
if timeout 60 "$LLM_BIN" chat --cid "$cid" --headless "$T/c.s" --size 100x30 >"$T/c.out" 2>&1; then
	ok "/compact: exit 0"
else
	not_ok "/compact: exit 0" "$(cat "$T/c.out")"
fi
check_screen "/compact: said on screen" c0 "compacting"
check_screen "/compact, F4: nothing to re-ask" c2 "nothing to re-ask: the last turn asked no question"
check_eq "/compact: one request, on the cheap tier" "$(fake_get 0 body.model)" test-cheap-1
check_eq "/compact: of the first turn, then the instruction (system first)" \
    "$(fake_get 0 body.messages | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 4
check_eq "next message: from the summary" "$(fake_get 1 body.messages.0.content)" \
    "Summary of the earlier part of this conversation:

SUMMARY of question 1"
check_eq "next message: summary pair, turns 2 and 3, the message" \
    "$(fake_get 1 body.messages | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 7
check_screen "next message: answered" c1 "answer 4"
check_eq "the transcript keeps every message" "$(sql "select count(*) from messages where conversation_id = $cid")" 8

echo "# $T_PASS passed, $T_FAIL failed"
