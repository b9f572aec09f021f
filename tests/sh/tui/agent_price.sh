# Agent mode in the full-screen client: a step's line (tier, model, tokens, cost, the task's
# total) shows with its calls as soon as its request is priced: under its approval and its
# running command, then once under its last call; estimates are marked, unknown prices are
# never counted as free.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# --- the step's line at its approval, under its running command, then under its call --------
fake_reset
fake_reply '{"text":"Looking.","calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":900,"output":40}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"echo waiting; while [ ! -f go ]; do sleep 0.05; done; echo went"}}],"usage":{"input":1100,"output":30}}'
fake_reply '{"text":"Done.","usage":{"input":1200,"output":10}}'
rm -f "$T/repo/go"
tui_ok_in "$T/repo" "price" p 100x30 -m test-cheap --agent <<S
:type /agent cap 0.05
:key Enter
:type run it
:key Enter
:wait-text run? y yes
:dump-screen $T/p0
:key y
:wait-text ┊ waiting
:dump-screen $T/p1
:touch $T/repo/go
:wait-idle
:dump-screen $T/p2
S
task=$(sql "SELECT max(id) FROM tasks")
c1=$(sql "SELECT cost_pico FROM usage WHERE task_id = $task ORDER BY id LIMIT 1")
c2=$(sql "SELECT cost_pico FROM usage WHERE task_id = $task ORDER BY id LIMIT 1 OFFSET 1")
sum=$(sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")
line2="step 2 · cheap · test-cheap · 1.1k→30 tok · $(usd "$c2") · task $(usd $((c1 + c2))) of \$0.05 cap"
check_contains "approval: the pending command" "$(screen "$T/p0")" "? run echo waiting"
check_contains "approval: its step's line right under it, priced from the ledger" \
    "$(below "$T/p0" '? run echo waiting')" "$line2"
check_eq "approval: the step's line shown once" "$(grep -c -F 'step 2 ·' "$T/p0")" 1
check_contains "approval: the meter has the step already" "$(row "$T/p0" 'Nov ')" "$(usd $((c1 + c2))) of \$1.00"
check_contains "running: the block" "$(screen "$T/p1")" "⋯ running"
check_screen "start: the task's id" p0 "task $task · llm logs --task $task shows its steps"
check_above "start: under the task's message, above its steps" p0 "you  run it" "task $task · llm logs"
check_above "start: ... above its steps" p0 "task $task · llm logs" "step 1 ·"
check_contains "running: the step's line under the running command" "$(below "$T/p1" '┊ waiting')" "$line2"
check_eq "running: the step's line shown once" "$(grep -c -F 'step 2 ·' "$T/p1")" 1
check_not_contains "running: no longer under the answered approval" "$(below "$T/p1" '→ yes')" "step 2"
p2=$(screen "$T/p2")
check_contains "done: the step's line under its call" "$(below "$T/p2" '┊ [exit status 0]')" "$line2"
check_eq "done: the step's line once" "$(grep -c -F 'step 2 ·' "$T/p2")" 1
check_contains "done: step 1's line" "$p2" "step 1 · cheap · test-cheap · 900→40 tok · $(usd "$c1") · task $(usd "$c1") of \$0.05 cap"
check_contains "done: the answer's line, the task's total" "$p2" "step 3 · cheap · test-cheap · 1.2k→10 tok"
check_contains "done: the total against the cap" "$p2" "task $(usd "$sum") of \$0.05 cap"
check_eq "done: three requests" "$(fake_count)" 3

# --- an estimate is marked; an unknown price is never free ---------------------------------
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":null}'
fake_reply '{"text":"Listed.","usage":{"input":300,"output":5}}'
tui_ask_in "$T/repo" "estimate" u "list it" 100x30 -m test-cheap --agent
task=$(sql "SELECT max(id) FROM tasks")
check_eq "estimate: the ledger marks it" "$(sql "SELECT estimated FROM usage WHERE task_id = $task ORDER BY id LIMIT 1")" 1
check_contains "estimate: the tokens and the cost marked" "$(row "$T/u0" 'step 1 ·')" "tok · ~\$"
check_contains "estimate: the task's total marked" "$(row "$T/u0" 'step 2 ·')" "task ~\$"

# --- the prompt cache: what a step read and wrote from it, and what that saved, as a reply's line says
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":1000,"output":20,"cached":800,"cache_write":100}}'
fake_reply '{"text":"Listed.","usage":{"input":1000,"output":20,"cached":900}}'
tui_ask_in "$T/repo" "cache" k "list it" 100x30 -m test-mid --agent
check_contains "cache: read and written, and the net saving" "$(row "$T/k0" 'step 1 ·')" \
    "1.9k→20 tok · \$0.00392 · 800 cached, 100 written, saved \$"
check_contains "cache: read only" "$(row "$T/k0" 'step 2 ·')" \
    "1.9k→20 tok · \$0.00357 · 900 cached, saved \$0.00243 · task \$0.00749"

t_config_append '[llm]'
sed -i 's/^budget = 1/budget = 0/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"Listed.","usage":{"input":600,"output":5}}'
tui_ask_in "$T/repo" "unknown" n "list it" 100x30 -m openai/some-new-model --agent
n0=$(screen "$T/n0")
task=$(sql "SELECT max(id) FROM tasks")
check_eq "unknown: the ledger has no cost, not zero" \
    "$(sql "SELECT count(*) FROM usage WHERE task_id = $task AND cost_pico IS NULL")" 2
check_contains "unknown: the step's cost" "$(row "$T/n0" 'step 1 ·')" "500→20 tok · unknown · task \$0.00 + \$?"
check_contains "unknown: the answer's total never free" "$n0" "└ task $task: \$0.00 + \$? ─"

# --- the route line prices a task as its first step is sent: the agent's system prompt and
# tool definitions come with the task, and no conversation does ---------------------------
t_write_config
t_november
fake_reset
fake_reply '{"text":"Listed.","usage":{"input":900,"output":5}}'
tui_ok_in "$T/repo" "route" r 140x30 -m test-cheap --agent <<S
:type list the files in this repository
:dump-screen $T/r0
:key Enter
:wait-idle
:key F7
:type list the files in this repository
:dump-screen $T/r1
S
body=$(fake_get 0 body)
want=$(printf '%s' "$body" | t_py -c '
import json, sys
b = json.load(sys.stdin)
def est(s):
    return (sum(1 for c in s.encode() if c & 0xC0 != 0x80) + 3) // 4
n = est(b["messages"][0]["content"]) + 8
for m in b["messages"][1:]:
    n += 4 + est(m["content"])
for t in b["tools"]:
    f = t["function"]
    n += 8 + est(f["description"]) + est(json.dumps(f["parameters"], separators=(",", ":"), ensure_ascii=False))
print(n * 100000 + 500 * 400000)')
check_eq "route: the task's first request had the tools" "$(printf '%s' "$body" | t_py -c 'import json,sys; print(len(json.load(sys.stdin)["tools"]))')" 7
check_contains "route: agent mode estimates the step, marked" "$(row "$T/r0" 'route pinned')" "~$(usd "$want")"
chat=$(usd $(( (($(printf 'list the files in this repository' | wc -c) + 3) / 4 + 8) * 100000 + 500 * 400000 )))
check_contains "route: a chat turn's estimate is the message's alone" "$(row "$T/r1" 'route pinned')" "~$chat"
