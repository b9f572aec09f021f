# Conversations: each one-shot request is saved; -c and --cid send the history.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

fake_reply '{"text":"Paris."}'
run_llm -q -m test-cheap --json "capital of France?"
printf '%s\n' "$OUT" >"$T/1.json"
cid=$(json_get "$T/1.json" conversation_id)
[ -n "$cid" ] && [ "$cid" != null ] && ok "a conversation id is given ($cid)" || not_ok "a conversation id is given" "$OUT"

fake_reply '{"text":"About 2.1 million."}'
run_llm -q -m test-cheap -c "and its population?"
check_rc "continue: exit 0" 0
check_eq "continue: history sent" "$(fake_last body.messages)" \
    '[{"role":"user","content":"capital of France?"},{"role":"assistant","content":"Paris."},{"role":"user","content":"and its population?"}]'

fake_reply '{"text":"Berlin."}'
run_llm -q -m test-mid "capital of Germany?"
fake_reply '{"text":"Yes."}'
run_llm -q -m test-mid --cid "$cid" "is it big?"
check_eq "cid: that conversation's history, on another wire format" "$(fake_last body.messages.3)" \
    '{"role":"assistant","content":"About 2.1 million."}'
check_eq "cid: five messages" "$(fake_last body.messages | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 5

run_llm -q -m test-cheap --cid 99999 "x"
check_rc "unknown cid: exit 2" 2
check_contains "unknown cid: says so" "$ERR" "no conversation 99999"
run_llm -q --cid abc "x"
check_rc "bad cid: exit 2" 2
