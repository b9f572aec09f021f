#!/bin/sh
# agent_fallback: llm do when a step's request fails: the tier's next model takes it, also after
# words nobody was shown, unless the task's cap (--max-cost) or the budget does not allow it,
# which is said (a terminal is asked for more under the cap first); each line once, and every
# request charged.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# a second priced model in the cheap tier, dear enough that its worst case passes the cap
t_config_append "
$(t_model test-cheap2 anthropic test-cheap-2 cheap 1 5 'context = 200000')"
sed -i 's/^models = test-cheap, test-local$/models = test-cheap, test-cheap2/' \
    "$LLM_CONFIG_DIR/config.ini"
t_sum_repo "$T/repo" --no-test
cd "$T/repo" || exit 1

# --- a failure before any text: the cap keeps the fallback from being tried, and says so --------
fake_reset
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
run_llm "do" --max-cost 0.0025 "look around"
check_rc "refused: exit 1" 1
check_eq "refused: the fallback never sent" "$(fake_count)" 3
check_eq "refused: nothing on stdout" "$OUT" ""
check_contains "refused: why the fallback was not tried" "$ERR" \
    "llm: do: fallback: test-cheap failed (HTTP 429); test-cheap2 not tried: its worst case \$"
check_contains "refused: against the task's cap, and what lets it" "$ERR" \
    "would pass the task's cap of \$0.0025 (a higher cap with --max-cost lets it)"
check_eq "refused: said once" "$(grep -c -F 'not tried' "$T/err")" 1
check_eq "refused: no question, and none announced, without a terminal" \
    "$(grep -c -F "would pass the task's cap" "$T/err")" 1
check_eq "refused: the provider's failure said once" "$(grep -c -F 'HTTP 429 after 3 tries' "$T/err")" 1
check_contains "refused: the way to another tier is -t" "$ERR" "another tier with -t"

# --- the same under the month's budget instead of a cap --------------------------------------------
sed -i 's/^budget = 0$/budget = 0.01/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
run_llm "do" "look around"
check_rc "budget: exit 1" 1
check_eq "budget: the fallback never sent" "$(fake_count)" 3
check_contains "budget: why the fallback was not tried, as a refusal says it" "$ERR" \
    "llm: do: fallback: test-cheap failed (HTTP 429); test-cheap2 not tried: budget: worst case ~\$"
check_contains "budget: the budget, and how to raise it" "$ERR" \
    "would pass $(date +%Y-%m)'s budget (spent \$0.00, reserved \$0.00 of \$0.01); raise it with llm budget set USD"
sed -i 's/^budget = 0.01$/budget = 0/' "$LLM_CONFIG_DIR/config.ini"

# --- text already received when the reply is cut: the step stops there, charged ----------------
fake_reset
fake_reply '{"chunks":["Looking at ","sum.sh first, ","then the test."],"fault":"cut","usage":{"input":500,"output":20}}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
run_llm "do" --max-cost 0.0025 --json "look around"
check_rc "cut: exit 1" 1
check_eq "cut: one request" "$(fake_count)" 1
check_eq "cut: no answer" "$(json_get "$T/out" answer)" "null"
check_contains "cut: why it stopped" "$(json_get "$T/out" error)" "the reply was cut short"
check_eq "cut: the step is there, failed" "$(json_get "$T/out" steps.0.summary)" "failed"
check_eq "cut: with the words that came" "$(json_get "$T/out" steps.0.text)" "Looking at "
task=$(json_get "$T/out" task_id)
cost=$(t_ledger_sql "SELECT cost_pico FROM usage WHERE task_id = $task AND status = 'error'")
check "cut: what came before the cut is charged ($cost pico)" [ "${cost:-0}" -gt 0 ]
check_eq "cut: the task's cost is that row's" "$(json_get "$T/out" cost_usd)" \
    "$(t_py -c "print('%.12g' % ($cost / 1e12))")"
# the same without --json: the step's line and why it stopped, once each, and why no fallback
fake_reset
fake_reply '{"chunks":["Looking at ","sum.sh first, ","then the test."],"fault":"cut","usage":{"input":500,"output":20}}'
run_llm "do" --max-cost 0.0025 "look around"
check_rc "cut: plain: exit 1" 1
check_eq "cut: plain: the words that came are kept on stdout" "$OUT" "Looking at "
check_eq "cut: plain: the step's line once" "$(grep -c -F '1 · cheap · test-cheap · failed · ~$' "$T/err")" 1
check_eq "cut: plain: why it stopped once" "$(grep -c -F 'cut short: transfer closed' "$T/err")" 1
check_contains "cut: plain: the fallback the cap does not allow" "$ERR" \
    "llm: do: fallback: test-cheap failed (the reply was cut short); test-cheap2 not tried"
check_eq "cut: plain: said once" "$(grep -c -F 'not tried' "$T/err")" 1


# --- llm do shows no step's words as they come: a reply cut after some goes to the fallback, whose
# answer is the only text on stdout; the cut request is charged to the step ----------------------
fake_reset
fake_reply '{"chunks":["Looking at ","sum.sh first, ","then the test."],"fault":"cut","usage":{"input":500,"output":20}}'
fake_reply '{"text":"It subtracts.","usage":{"input":500,"output":20}}'
run_llm "do" --json "look around"
check_rc "unseen: exit 0" 0
check_eq "unseen: the fallback asked" "$(fake_count):$(fake_get 1 format)" "2:anthropic"
check_eq "unseen: its answer" "$(json_get "$T/out" answer)" "It subtracts."
check_contains "unseen: the fallback said" "$ERR" \
    "llm: do: fallback: test-cheap failed (the reply was cut short); trying test-cheap2"
check_eq "unseen: one step" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 1
task=$(json_get "$T/out" task_id)
cut=$(t_ledger_sql "SELECT cost_pico FROM usage WHERE task_id = $task AND status = 'error'")
check "unseen: the cut request is charged ($cut pico)" [ "${cut:-0}" -gt 0 ]
check_eq "unseen: to the step, with the fallback's" \
    "$(json_get "$T/out" steps.0.ledger_ids | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2
fake_reset
fake_reply '{"chunks":["Looking at ","sum.sh first, ","then the test."],"fault":"cut","usage":{"input":500,"output":20}}'
fake_reply '{"text":"It subtracts.","usage":{"input":500,"output":20}}'
run_llm "do" "look around"
check_eq "unseen: plain: the answer alone on stdout" "$OUT" "It subtracts."

# a rate limit inside the reply after some words: not tried again (the words would go
# uncharged), the fallback instead
fake_reset
fake_reply '{"chunks":["Looking at ","sum.sh first."],"fault":"error_event","error_type":"rate_limit_exceeded","usage":{"input":500,"output":20}}'
fake_reply '{"text":"It subtracts.","usage":{"input":500,"output":20}}'
run_llm "do" --json "look around"
check_rc "limited: exit 0" 0
check_eq "limited: no second try, the fallback" "$(fake_count):$(fake_get 1 format)" "2:anthropic"
check_not_contains "limited: not retried" "$ERR" "retrying"
check_eq "limited: its answer" "$(json_get "$T/out" answer)" "It subtracts."
task=$(json_get "$T/out" task_id)
cut=$(t_ledger_sql "SELECT cost_pico FROM usage WHERE task_id = $task AND status = 'error'")
check "limited: the words before the limit are charged ($cut pico)" [ "${cut:-0}" -gt 0 ]

# --- on a terminal the cap that keeps the fallback back asks how much more, inside the step: the
# fallback runs under the raised cap and the task goes on ---------------------------------------
fake_reset
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"text":"It subtracts.","usage":{"input":500,"output":20}}'
on_pty_answer "$T/pty.out" "how much more" "0.05\r" -- "do" --max-cost 0.0025 "look around"
check_rc "terminal: exit 0 once more is given" 0
check_contains "terminal: asked after the tries, naming the fallback" "$(cat "$T/pty.out")" \
    "llm: do: the fallback to test-cheap2 could pass --max-cost \$0.0025 (spent \$0.00); it needs at least \$"
check_not_contains "terminal: not as if it were the next step" "$(cat "$T/pty.out")" "the next step"
check_contains "terminal: why it is asked" "$(cat "$T/pty.out")" \
    "test-cheap2's worst case \$"
check_contains "terminal: the fallback tried" "$(cat "$T/pty.out")" \
    "llm: do: fallback: test-cheap failed (HTTP 429); trying test-cheap2"
check_not_contains "terminal: not refused" "$(cat "$T/pty.out")" "not tried"
check_contains "terminal: the task answered" "$(cat "$T/pty.out")" "It subtracts."
check_eq "terminal: the fallback sent" "$(fake_count):$(fake_get 3 format)" "4:anthropic"
task=$(t_ledger_sql "SELECT max(id) FROM tasks")
check_eq "terminal: the failed request and the fallback's in the task" \
    "$(t_ledger_sql "SELECT group_concat(model || ' ' || status, ', ') FROM (SELECT model, status FROM usage WHERE task_id = $task ORDER BY id)")" \
    "test-cheap error, test-cheap2 ok"
check_eq "terminal: the ledger's task has the raised cap" \
    "$(t_ledger_sql "SELECT cap_pico FROM tasks WHERE id = $task")" $((2500000000 + 50000000000))
# 500 tokens in at $1 and 20 out at $5 a million: $0.0006, the 429s nothing
check_eq "terminal: the task's cost is the fallback's" \
    "$(t_ledger_sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")" 600000000
check_contains "terminal: on the step's line" "$(cat "$T/pty.out")" \
    "1 · cheap · test-cheap2 · answer · ~\$0.0006"
