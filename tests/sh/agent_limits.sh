# agent_limits: llm do under --max-cost, with the advisor, and through faults mid-task.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# run_in DIR ARGS...: run_llm in DIR.
run_in() {
	_here=$(pwd)
	cd "$T/$1" || return 1
	shift
	run_llm "$@"
	cd "$_here" || return 1
}

# --- the task cap: the fourth step's worst case would pass it
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}],"usage":{"output":1000}}'
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"output":1000}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"output":1000}}'
fake_reply '{"text":"Fixed.","usage":{"output":1000}}'
run_in repo "do" -m test-cheap --allow edit,run --max-tokens 1000 --max-cost 0.0017 --json "fix sum.sh"
check_rc "cap: exit 3" 3
check_eq "cap: three requests sent, the fourth never" "$(fake_count)" 3
check_eq "cap: three steps listed in --json" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3
check_contains "cap: step 3 on stderr" "$ERR" "3 · cheap · test-cheap · run sh test.sh"
check_not_contains "cap: no step 4" "$ERR" "4 · "
check_contains "cap: why it stopped" "$ERR" "would pass the task's cap"
task=$(json_get "$T/out" task_id)
check "cap: the task's rows stay within the cap" [ "$(db_get "SELECT sum(coalesce(cost_pico, worst_case_pico)) FROM usage WHERE task_id = ?" "$task")" -le 1700000000 ]
check_eq "cap: no reservation left" "$(db_get "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0

# --- two tasks at once under a block budget that both together would pass: neither
# reserves past its cap, nor both past the budget, at any moment (a sampler reads
# the ledger while they run)
t_config_append '
[llm]
budget = 0.003
budget_action = block'
t_sum_repo "$T/a"
t_sum_repo "$T/b"
fake_reset
fake_default '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"output":1000},"delay_ms":50,"text":"again and again"}'
rm -f "$T/sampling.stop" "$T/sampling.ready"
t_py -c '
import json, os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=5)
peak, total, samples = {}, 0, 0
open(sys.argv[4], "w").close()
while not os.path.exists(sys.argv[2]):
    try:
        rows = db.execute("SELECT task_id, sum(coalesce(cost_pico, worst_case_pico)) FROM usage"
                          " WHERE status <> \"cancelled\" GROUP BY task_id").fetchall()
    except sqlite3.OperationalError:
        rows = []
    for task, s in rows:
        if task is not None:
            peak[task] = max(peak.get(task, 0), s or 0)
    total = max(total, sum(s or 0 for _, s in rows))
    samples += 1 if rows else 0
    time.sleep(0.002)
json.dump({"peak": {str(k): v for k, v in peak.items()}, "total": total, "samples": samples},
          open(sys.argv[3], "w"))' "$LLM_DATA_DIR/llm.db" "$T/sampling.stop" "$T/sampled.json" "$T/sampling.ready" &
ps_=$!
t_wait test -e "$T/sampling.ready"
(cd "$T/a" && "$LLM_BIN" "do" -m test-cheap --max-tokens 1000 --max-cost 0.002 -q --json "loop" >"$T/a.out" 2>"$T/a.err"; echo $? >"$T/a.rc") &
pa=$!
(cd "$T/b" && "$LLM_BIN" "do" -m test-cheap --max-tokens 1000 --max-cost 0.002 -q --json "loop" >"$T/b.out" 2>"$T/b.err"; echo $? >"$T/b.rc") &
pb=$!
wait "$pa" "$pb"
: >"$T/sampling.stop"
wait "$ps_"
check_eq "two tasks: the first is stopped (exit 3)" "$(cat "$T/a.rc")" 3
check_eq "two tasks: the second is stopped (exit 3)" "$(cat "$T/b.rc")" 3
check_contains "two tasks: one stopped by the budget" "$(cat "$T/a.err" "$T/b.err")" "budget"
check "two tasks: the ledger was sampled while they ran ($(json_get "$T/sampled.json" samples) samples)" \
    [ "$(json_get "$T/sampled.json" samples)" -ge 1 ]
for x in a b; do
	id=$(json_get "$T/$x.out" task_id)
	peak=$(json_get "$T/sampled.json" "peak.$id")
	check "two tasks: task $x never held more than its cap (peak $peak pico)" [ "$peak" -le 2000000000 ]
	check "two tasks: task $x made steps" [ "$(db_get "SELECT count(*) FROM usage WHERE task_id = ?" "$id")" -ge 1 ]
	check "two tasks: task $x's rows stay within its cap" [ "$(db_get "SELECT sum(coalesce(cost_pico, worst_case_pico)) FROM usage WHERE task_id = ?" "$id")" -le 2000000000 ]
done
check "two tasks: together never past the budget (peak $(json_get "$T/sampled.json" total) pico)" \
    [ "$(json_get "$T/sampled.json" total)" -le 3000000000 ]
check_eq "two tasks: no reservation left" "$(db_get "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
t_write_config

# --- the advisor: its own request to the frontier, its own row; max_advice holds
t_sum_repo "$T/repo"
t_config_append '
[agent]
max_advice = 1'
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}]}'
fake_reply '{"calls":[{"name":"advise","args":{"question":"Where is the bug?"}}]}'
fake_reply '{"text":"Look at the operator in sum.sh."}'
fake_reply '{"calls":[{"name":"advise","args":{"question":"Again?"}}]}'
fake_reply '{"text":"Done: the bug is the minus in sum.sh."}'
run_in repo "do" -m test-cheap --json "find the bug"
check_rc "advisor: exit 0" 0
check_eq "advisor: five requests" "$(fake_count)" 5
check_eq "advisor: the advice went to the frontier model" "$(fake_get 2 format):$(fake_get 2 path)" "gemini:/v1beta/models/test-frontier-1:streamGenerateContent"
adv=$(fake_get 2 body.contents.0.parts.0.text)
check_contains "advisor: it sees the task" "$adv" "find the bug"
check_contains "advisor: it sees the work so far" "$adv" '- list {"path":"."}'
check_contains "advisor: it gets the question" "$adv" "Question: Where is the bug?"
check_eq "advisor: its reply is bounded" "$(fake_get 2 body.generationConfig.maxOutputTokens)" 800
check_contains "advisor: the worker gets the advice" "$(fake_get 3 body.messages.-1.content)" "operator in sum.sh"
check_contains "advisor: max_advice refuses the second" "$(fake_get 4 body.messages.-1.content)" "max_advice = 1"
task=$(json_get "$T/out" task_id)
check_eq "advisor: charged on its own row" "$(db_get "SELECT count(*) FROM usage WHERE task_id = ? AND tier = 'frontier'" "$task")" 1
check_eq "advisor: its step in --json" "$(json_get "$T/out" steps.2.kind):$(json_get "$T/out" steps.2.model)" "advice:test-frontier"
check_contains "advisor: its step line says so" "$ERR" "3 · advisor · frontier · test-frontier · advise · \$"
check_contains "advisor: the worker's call of it does not" "$ERR" "2 · cheap · test-cheap · advise · \$"
t_write_config

# --- faults mid-task: invalid JSON, an unknown tool, a call cut by the length limit, a 500
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"read","args":"{\"path\": sum.sh"}]}'
fake_reply '{"calls":[{"name":"frobnicate","args":{}}]}'
fake_reply '{"calls":[{"name":"write","args":"{\"path\":\"x.c\",\"content\":\"int ma"}],"stop":"length"}'
fake_reply '{"calls":[{"name":"list","args":{}}]}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"text":"Survived."}'
run_in repo "do" -t cheap --json "survive"
check_rc "faults: exit 0 after retries and a fallback" 0
check_eq "faults: the answer" "$(json_get "$T/out" answer)" "Survived."
check_contains "faults: invalid JSON arguments told to the model" "$(fake_get 1 body.messages.-1.content)" "not a valid JSON object"
check_contains "faults: an unknown tool told to the model" "$(fake_get 2 body.messages.-1.content)" "frobnicate"
check_contains "faults: a call cut by the length limit told to the model" "$(fake_get 3 body.messages.-1.content)" "length limit"
check_eq "faults: nothing was written by the cut call" "$(ls "$T/repo")" "sum.sh
test.sh"
check_contains "faults: three tries" "$ERR" "try 3 of 3"
check_contains "faults: then the fallback within the tier" "$ERR" "fallback: test-cheap failed"
check_eq "faults: the fallback answered in its own format" "$(fake_get -1 format)" ollama
check_eq "faults: the fake saw every result right" "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" '[]'
task=$(json_get "$T/out" task_id)
check_eq "faults: a row per request, the failed one too" "$(db_get "SELECT count(*) FROM usage WHERE task_id = ?" "$task")" 6
check_eq "faults: the failed row is an error" "$(db_get "SELECT count(*) FROM usage WHERE task_id = ? AND status = 'error'" "$task")" 1
check_eq "faults: the ledger holds no reservation" "$(db_get "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0

# --- the cap on a terminal: asked how much more, the task goes on with it; an answer that is
# no amount ("y") is asked again rather than taken as no
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}],"usage":{"output":1000}}'
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"output":1000}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"output":1000}}'
fake_reply '{"text":"Fixed on a terminal.","usage":{"output":1000}}'
cd "$T/repo" || exit 1
long=$(printf '%063d5' 0 | tr 0 x)
on_pty_answer "$T/pty.out" "how much more" "y\r" "How much more" "$long\r" "How much more" " +0.01 \r" -- "do" -m test-cheap --allow edit,run --max-tokens 1000 --max-cost 0.00170005 "fix sum.sh"
cd - >/dev/null || exit 1
check_rc "cap on a terminal: exit 0 once more is given" 0
check_contains "cap on a terminal: asked how much more" "$(cat "$T/pty.out")" "Continue with how much more in USD"
check_contains "cap on a terminal: a word that is no amount asked again" "$(cat "$T/pty.out")" \
    "llm: do: 'y' is not an amount in USD (e.g. 0.10). How much more (empty: stop)?"
check_eq "cap on a terminal: a line too long for an amount asked again, its end no answer" \
    "$(grep -c 'is not an amount in USD' "$T/pty.out")" 2
check_eq "cap on a terminal: the cap raised by the amount given" \
    "$(db_get "SELECT cap_pico FROM tasks ORDER BY id DESC LIMIT 1")" 11700050000
check_contains "cap on a terminal: told the least the next step needs" "$(cat "$T/pty.out")" \
    "it needs at least \$"
check_contains "cap on a terminal: what would pass it is the next step" "$(cat "$T/pty.out")" \
    "llm: do: the next step could pass --max-cost \$0.00170005 (spent \$"
check_contains "cap on a terminal: the task went on" "$(cat "$T/pty.out")" "Fixed on a terminal."
check_eq "cap on a terminal: the fourth step was sent" "$(fake_count)" 4

# --- Ctrl-D at the cap's question stops the task (exit 3), the reason on a line of its own
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"output":1000}}'
fake_reply '{"text":"never","usage":{"output":1000}}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "how much more" "$(printf '\004')" -- "do" -m test-cheap --max-tokens 1000 --max-cost 0.0006 "look"
cd - >/dev/null || exit 1
check_rc "cap, Ctrl-D: exit 3" 3
check_eq "cap, Ctrl-D: the reason on a line of its own" \
    "$(grep -c '^llm: do: max-cost: the next step' "$T/pty.out")" 1
check_eq "cap, Ctrl-D: the second step never sent" "$(fake_count)" 1

# --- the advisor's step past the cap (no downgrade under warn): the question names it, and
# an empty answer keeps the advice back while the task goes on
t_sum_repo "$T/repo"
sed -i 's/^budget = 0$/budget = 0\nbudget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"calls":[{"name":"advise","args":{"question":"Where is the bug?"}}]}'
fake_reply '{"text":"Found it alone."}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "how much more" "\r" -- "do" -m test-cheap --max-tokens 1000 --max-cost 0.01 "find the bug"
cd - >/dev/null || exit 1
check_rc "advisor past the cap: exit 0" 0
check_contains "advisor past the cap: the question names the advisor's step" "$(cat "$T/pty.out")" \
    "llm: do: the advisor's step could pass --max-cost \$0.01 (spent \$"
check_not_contains "advisor past the cap: not the next step" "$(cat "$T/pty.out")" "the next step could pass"
check_eq "advisor past the cap: the advisor never asked" "$(fake_count)" 2
check_contains "advisor past the cap: the task went on" "$(cat "$T/pty.out")" "Found it alone."
t_write_config

# --- under downgrade, the advisor moved to a cheaper tier by the task's cap says so, not the budget
fake_reset
fake_reply '{"calls":[{"name":"advise","args":{"question":"Where is the bug?"}}]}'
fake_reply '{"text":"Look at the operator."}'
fake_reply '{"text":"Found it."}'
run_in repo "do" -m test-cheap --max-tokens 1000 --max-cost 0.01 --json "find the bug"
check_rc "advisor moved by the cap: exit 0" 0
check_eq "advisor moved by the cap: to the cheap tier" "$(json_get "$T/out" steps.1.kind):$(json_get "$T/out" steps.1.tier)" "advice:cheap"
check_contains "advisor moved by the cap: said so" "$ERR" \
    "llm: do: max-cost: downgraded from frontier to cheap (test-cheap) to stay within the task's cap of \$0.01"
check_not_contains "advisor moved by the cap: not blamed on the budget" "$ERR" "within the budget"

# --- a budget that moves every step of a task down a tier says so once, not before each step
t_ledger_reset
fake_reset
t_budget 0.001 downgrade
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":100,"output":10}}'
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":100,"output":10}}'
fake_reply '{"text":"Read it.","usage":{"input":100,"output":10}}'
run_in repo "do" -t mid --max-tokens 1000 "read sum.sh"
check_rc "downgraded steps: exit 0" 0
check_eq "downgraded steps: all three on cheap" \
    "$(fake_get 0 body.model) $(fake_get 1 body.model) $(fake_get 2 body.model)" \
    "test-cheap-1 test-cheap-1 test-cheap-1"
check_eq "downgraded steps: the move said once" \
    "$(printf '%s\n' "$ERR" | grep -c 'budget: downgraded from mid to cheap')" 1
t_write_config

# --- an answer cut off by the length limit says so, on its step line and in --json
fake_reset
fake_reply '{"text":"Fixed sum.sh by chang","stop":"length"}'
run_in repo "do" -m test-cheap --max-tokens 5 --json "fix sum.sh"
check_rc "cut answer: exit 0" 0
check_eq "cut answer: what came is the answer" "$(json_get "$T/out" answer)" "Fixed sum.sh by chang"
check_contains "cut answer: its step line says it was cut" "$ERR" \
    "1 · cheap · test-cheap · answer · cut off at the length limit (raise --max-tokens) · "
check_eq "cut answer: the step's finish in --json" "$(json_get "$T/out" steps.0.finish)" length
fake_reply '{"text":"No.","stop":"filter"}'
run_in repo "do" -m test-cheap "fix sum.sh"
check_contains "filtered answer: its step line says so" "$ERR" \
    "answer · stopped by the provider's filter · "
fake_reply '{"text":"Done."}'
run_in repo "do" -m test-cheap --json "fix sum.sh"
check_not_contains "whole answer: no such note" "$ERR" "cut off"
check_eq "whole answer: finish stop" "$(json_get "$T/out" steps.0.finish)" stop

# --- max_steps: a model that never answers without tools is stopped, and told what to do
t_config_append '
[agent]
max_steps = 3'
fake_reset
fake_default '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"output":10}}'
run_in repo "do" -m test-cheap --json "loop"
check_rc "max_steps: exit 3" 3
check_eq "max_steps: three requests" "$(fake_count)" 3
check_eq "max_steps: three steps listed" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3
check_eq "max_steps: no answer" "$(json_get "$T/out" answer)" null
check_contains "max_steps: why it stopped, and what to do" "$ERR" \
    "llm: do: the task reached max_steps (3) without an answer: narrow the task, or raise max_steps under [agent] in config.ini; stopped after 3 steps"
check_not_contains "max_steps: nothing changed, no word of undo" "$ERR" "llm undo"
check_contains "max_steps: how to go on with it" "$(tail -n 1 "$T/err")" \
    "task $(json_get "$T/out" task_id)); llm do --resume $(json_get "$T/out" task_id) goes on with it"
# a task stopped after it changed files says, as one done does, how to undo them
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"output":10}}'
fake_default '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"output":10}}'
run_in repo "do" -m test-cheap --allow edit "loop"
check_rc "max_steps after an edit: exit 3" 3
check_contains "max_steps after an edit: how to undo it" "$(tail -n 1 "$T/err")" \
    "stopped after 3 steps ("
check_contains "max_steps after an edit: ... on the last line" "$(tail -n 1 "$T/err")" \
    "); llm undo restores the files it changed; llm do --resume "
t_write_config

# --- a budget threshold a step passes is said, even with -q: it is said once a month, and
# a warning the task kept to itself would never be heard again
t_ledger_reset
t_budget 0.00002 warn
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}]}'
fake_reply '{"text":"Read it."}'
run_in repo "do" -m test-cheap -q "read sum.sh"
check_rc "threshold passed: exit 0" 0
check_contains "threshold passed: said with -q" "$ERR" "llm: budget: $(date +%Y-%m) passed "
t_write_config
