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

# A conversation keeps its system prompt: -c and --cid send it without -s;
# a new -s replaces it from then on.
fake_reset
fake_reply '{"text":"Ahoy."}'
run_llm -q -m test-cheap -s "Answer like a pirate." --json "greet me"
printf '%s\n' "$OUT" >"$T/s.json"
scid=$(json_get "$T/s.json" conversation_id)
check_eq "system: sent on the first turn" "$(fake_last body.messages.0)" \
    '{"role":"system","content":"Answer like a pirate."}'
fake_reply '{"text":"Arr."}'
run_llm -q -m test-cheap -c "and again"
check_rc "system, -c: exit 0" 0
check_eq "system, -c: kept" "$(fake_last body.messages.0)" \
    '{"role":"system","content":"Answer like a pirate."}'
fake_reply '{"text":"Arr, on another wire."}'
run_llm -q -m test-mid --cid "$scid" "once more"
check_eq "system, --cid on another wire format: kept" "$(fake_last body.system)" "Answer like a pirate."
fake_reply '{"text":"Good day."}'
run_llm -q -m test-cheap -c -s "Answer like a butler." "and now?"
check_eq "system, -c -s: the new one" "$(fake_last body.messages.0)" \
    '{"role":"system","content":"Answer like a butler."}'
fake_reply '{"text":"Indeed."}'
run_llm -q -m test-cheap -c "and after that?"
check_eq "system, -c after -s: the new one stays" "$(fake_last body.messages.0)" \
    '{"role":"system","content":"Answer like a butler."}'
run_llm logs -n 1 --json
printf '%s\n' "$OUT" >"$T/logs.json"
check_eq "system: llm logs --json shows it" "$(json_get "$T/logs.json" conversations.0.system)" \
    "Answer like a butler."
fake_reply '{"text":"plain"}'
run_llm -q -m test-cheap "a new conversation"
check_eq "system: a new conversation has none" "$(fake_last body.messages.0.role)" user

# A git hook draft is billed and kept, but -c does not pick it up, llm logs
# leaves it out unless asked (--all), and --cid refuses it.
fake_reset
fake_reply '{"text":"Before the commit."}'
run_llm -q -m test-cheap "the real conversation"
before=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from usage")
mkdir -p "$T/repo" && cd "$T/repo" && git init -q . && git config user.email t@example.com &&
    git config user.name T && printf 'x\n' >f.txt && git add f.txt
printf '\n# Please enter the commit message for your changes.\n' >"$T/msg"
t_config_append "[git]
model = test-cheap"
fake_reply '{"text":"Add f.txt"}'
run_llm git commit-msg "$T/msg"
cd "$T" || exit 1
check_contains "draft: written" "$(cat "$T/msg")" "Add f.txt"
check_eq "draft: billed in the ledger" "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from usage")" \
    $((before + 1))
fake_reply '{"text":"continued"}'
run_llm -q -m test-cheap -c "go on"
check_rc "draft: -c exit 0" 0
check_eq "draft: -c continues the real conversation, not the draft" "$(fake_last body.messages.0.content)" \
    "the real conversation"
check_not_contains "draft: -c does not resend the diff" "$(fake_last body.messages)" "f.txt"
run_llm logs -n 20
check_not_contains "draft: not in llm logs" "$OUT" "Add f.txt"
run_llm logs -n 20 --all
check_contains "draft: in llm logs --all" "$OUT" "Add f.txt"
check_contains "draft: marked in llm logs --all" "$OUT" "(git hook draft)"
run_llm logs -n 20 --all --json
printf '%s\n' "$OUT" >"$T/all.json"
did=$(t_py -c 'import json,sys; d=json.load(open(sys.argv[1])); print([c["id"] for c in d["conversations"] if c["draft"]][0])' "$T/all.json")
run_llm -q -m test-cheap --cid "$did" "x"
check_rc "draft: --cid refused" 2
check_contains "draft: --cid says why" "$ERR" "commit-message draft"

# DeepSeek V4 wants reasoning_content on every assistant turn it is sent, "" when none was kept.
t_config_append "
[provider.deepseek]
base_url = $FAKE_URL/v1"
fake_reply '{"text":"Rome.","reasoning":"Italy: Rome."}'
DEEPSEEK_API_KEY=sk-test-deepseek-0004 run_llm -q -m deepseek-v4-flash --json "capital of Italy?"
cid=$(json_get "$T/out" conversation_id)
check_eq "deepseek: the reasoning is not the answer" "$(json_get "$T/out" text)" "Rome."
fake_reply '{"text":"Yes."}'
DEEPSEEK_API_KEY=sk-test-deepseek-0004 run_llm -q -m deepseek-v4-flash --cid "$cid" "is it old?"
check_rc "deepseek: the follow-up goes through" 0
check_eq "deepseek: the assistant turn carries reasoning_content" "$(fake_last body.messages.1)" \
    '{"role":"assistant","content":"Rome.","reasoning_content":""}'

# Going on with a conversation from a later process (-c, --cid) routes as the same process
# would have: the tier never drops below the highest a turn of it was answered on, and the
# reason says so; -t and -m on the turn still win.
fake_reset
fake_default '{"text":"You are welcome."}'
fake_reply '{"text":"It frees p twice."}'
run_llm -q -t mid --json "why does free(p); free(p); crash?"
cid=$(json_get "$T/out" conversation_id)
run_llm -q --json --cid "$cid" "thanks"
printf '%s\n' "$OUT" >"$T/k.json"
check_eq "sticky: --cid stays on the conversation's tier" \
    "$(json_get "$T/k.json" tier) $(json_get "$T/k.json" model) $(fake_last body.model)" "mid test-mid test-mid-1"
check_eq "sticky: --json says why, as in one process" \
    "$(json_get "$T/k.json" route.mode) $(json_get "$T/k.json" route.tier) $(json_get "$T/k.json" route.reason)" \
    "auto mid sticky: previous turn mid; a quick ask, short prompt, long words"
check_eq "sticky: the ledger keeps that reason" \
    "$(t_ledger_sql "SELECT route_reason FROM usage WHERE conversation_id = $cid ORDER BY id DESC LIMIT 1")" \
    "sticky: previous turn mid; a quick ask, short prompt, long words"
run_llm -q --json -c -t cheap "bye"
check_eq "sticky: -t on the turn wins" "$(json_get "$T/out" tier) $(json_get "$T/out" route.reason)" \
    "cheap tier chosen by the user"
run_llm -q --json -c -m test-local "bye"
check_eq "sticky: -m on the turn wins" "$(json_get "$T/out" model) $(json_get "$T/out" route.mode)" \
    "test-local pinned"
# the highest tier answered on, not the last: one process keeps that too
run_llm -q --json -c "thanks"
check_eq "sticky: a cheap turn between does not lower it" \
    "$(json_get "$T/out" tier) $(json_get "$T/out" route.reason)" \
    "mid sticky: previous turn mid; a quick ask, short prompt, long words"
run_llm -q --json "thanks"
check_eq "sticky: a new conversation starts afresh" "$(json_get "$T/out" tier)" cheap

# The same turns in one full-screen session: the follow-up is routed the same, word for word.
fake_reply '{"text":"It frees p twice."}'
cat >"$T/k.s" <<'S'
:type /tier mid
:key Enter
:type why does free(p); free(p); crash?
:key Enter
:wait-idle
:type /tier auto
:key Enter
:type thanks
:key Enter
:wait-idle
S
timeout -k 5 60 "$LLM_BIN" chat --headless "$T/k.s" --size 100x30 >"$T/k.out" 2>"$T/k.err"
check_eq "sticky: in one session the follow-up is routed alike" \
    "$(t_ledger_sql "SELECT tier || ' ' || model || ' ' || route_mode || ' ' || route_reason FROM usage
        ORDER BY id DESC LIMIT 1")" \
    "mid test-mid auto sticky: previous turn mid; a quick ask, short prompt, long words"

# An answer escalated one tier up counts at the tier that gave it.
sed -i 's/^escalate = no/escalate = yes/' "$LLM_CONFIG_DIR/config.ini"
fake_reply '{"text":"I'"'"'m sorry, but I can'"'"'t help with that."}'
fake_reply '{"text":"Here is how it works."}'
run_llm -q --json "what is a monad?"
check_eq "sticky: the first turn was escalated to mid" \
    "$(json_get "$T/out" steps.0.tier) $(json_get "$T/out" tier)" "cheap mid"
run_llm -q --json -c "thanks"
check_eq "sticky: the follow-up stays on the tier escalated to" \
    "$(json_get "$T/out" tier) $(json_get "$T/out" route.reason)" \
    "mid sticky: previous turn mid; a quick ask, short prompt, long words"
sed -i 's/^escalate = yes/escalate = no/' "$LLM_CONFIG_DIR/config.ini"

# A first message that fails before any answer leaves no conversation: none
# to list, to continue or to open; its request stays in the ledger, linked
# to none. A failure after part of an answer keeps it, as does a later turn.
t_write_config
fake_reset
t_ledger_reset
convs() { t_ledger_sql "SELECT count(*) FROM conversations"; }
fake_reply '{"status":401}'
run_llm -q -m test-cheap --json "first, with a bad key"
check_rc "failed first message: exit 4" 4
check_eq "failed first message: no conversation kept" "$(convs)" 0
check_eq "failed first message: its request kept in the ledger, linked to none" \
    "$(t_ledger_sql "SELECT status, coalesce(conversation_id, 'none') FROM usage")" "error|none"
check_eq "failed first message: --json names no conversation" "$(json_get "$T/out" conversation_id)" null
run_llm -q -m test-cheap -c "then -c"
check_contains "failed first message: -c starts a new one, saying so" "$ERR" \
    "no conversation yet; starting a new one"
check_eq "failed first message: -c sends no history" "$(fake_last body.messages)" \
    '[{"role":"user","content":"then -c"}]'
check_eq "failed first message: that one is kept" "$(convs)" 1
# the failed one's id (1, of a new database) stays with its request in the team's ledger
# and the rows kept offline: the next conversation never takes it
check_eq "failed first message: its id is not given again" \
    "$(t_ledger_sql "SELECT id FROM conversations")" 2

# after a good conversation: a failed new one leaves it the latest, which -c continues
fake_reset
fake_reply '{"text":"Blue."}'
run_llm -q -m test-cheap "colour of the sky?"
t_config_append "$(t_dead_model deadend dead openai)"
run_llm -q -m dead "an unreachable model"
check_rc "network failure: exit 1" 1
check_eq "network failure: no conversation kept" "$(convs)" 2
fake_reply '{"text":"Because of scattering."}'
run_llm -q -m test-cheap -c "why?"
check_eq "network failure: -c continues the last real conversation" "$(fake_last body.messages.0.content)" \
    "colour of the sky?"
t_budget 0.000001 block
run_llm -q -m test-cheap "refused by the budget"
check_rc "budget refusal: exit 3" 3
check_eq "budget refusal: no conversation kept" "$(convs)" 2
t_write_config
run_llm logs -n 10
check_not_contains "llm logs: no failed first message" "$OUT" "bad key"
check_not_contains "llm logs: no refused one" "$OUT" "refused by the budget"

# failures that keep it: part of an answer came, or the conversation had turns
fake_reply '{"text":"partial answer","fault":"error_event"}'
run_llm -q -m test-cheap "cut short"
check_rc "partial answer: exit 1" 1
check_eq "partial answer: its conversation kept" "$(convs)" 3
fake_reply '{"status":401}'
run_llm -q -m test-cheap -c "a later turn that fails"
check_eq "a later failed turn: its conversation kept" "$(convs)" 3
