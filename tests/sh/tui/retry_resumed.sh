# The full-screen client, driven headless: F4 right after resuming a conversation (-c, /resume)
# re-asks its last question one tier up, as it would have in the session that asked it.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_reply '{"text":"cheap says hi","usage":{"input":10,"output":5}}'
tui_ok "ask" a 100x30 -t cheap <<S
:type what is a monad
:key Enter
:wait-idle
S
conv=$(sql "SELECT id FROM conversations ORDER BY id DESC LIMIT 1")
check_eq "ask: on cheap" "$(fake_get 0 body.model)" test-cheap-1

# -c, then F4 at once: the question goes to mid, without the answer it replaces
fake_reply '{"text":"mid says more","usage":{"input":10,"output":7}}'
tui_ok "-c F4" b 100x30 -c <<S
:key F4
:wait-idle
:dump-screen $T/b0
S
check_eq "-c F4: asked again" "$(fake_count)" 2
check_eq "-c F4: on mid" "$(fake_get 1 body.model)" test-mid-1
check_eq "-c F4: the question alone, the answer it replaces left out" \
    "$(fake_get 1 body.messages | t_py -c 'import json,sys; print(" | ".join(m["content"] for m in json.load(sys.stdin)))')" \
    "what is a monad"
check_screen "-c F4: note" b0 "re-asking one tier up: mid"
check_screen "-c F4: the new answer" b0 "llm  mid says more"
check_not_screen "-c F4: not 'nothing to re-ask'" b0 "nothing to re-ask"
check_eq "-c F4: in the same conversation" \
    "$(sql "SELECT count(DISTINCT conversation_id) FROM usage")" 1
check_eq "-c F4: kept as the answer, the question once" \
    "$(sql "SELECT group_concat(role || ':' || text, ' | ') FROM (SELECT role, text FROM messages WHERE conversation_id = $conv ORDER BY id)")" \
    "user:what is a monad | assistant:mid says more"
check_eq "-c F4: the router learns nothing from a turn whose route it does not know" \
    "$(sql "SELECT count(*) FROM route_labels")" 0

# /resume N, then F4: on to frontier
fake_reply '{"text":"frontier speaks","usage":{"input":10,"output":9}}'
tui_ok "/resume F4" c 100x30 <<S
:type /resume $conv
:key Enter
:key F4
:wait-idle
:dump-screen $T/c0
S
check_eq "/resume F4: asked again" "$(fake_count)" 3
check_contains "/resume F4: on frontier" "$(fake_last path)" test-frontier-1
check_screen "/resume F4: note" c0 "re-asking one tier up: frontier"

# from frontier there is no tier above; a new conversation has nothing to re-ask
tui_ok "top" d 100x30 -c <<S
:key F4
:dump-screen $T/d0
:type /new
:key Enter
:key F4
:dump-screen $T/d1
S
check_screen "top: no tier above" d0 "there is no tier above"
check_screen "/new: nothing to re-ask" d1 "nothing to re-ask yet"
check_eq "top, /new: nothing sent" "$(fake_count)" 3

echo "# $T_PASS passed, $T_FAIL failed"
