#!/bin/sh
# agent_fallback: llm do when a step's request fails and the task's cap (--max-cost) does not
# allow the tier's next model: the task stops saying so, each line once, the failure charged.
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
check_contains "refused: against the task's cap" "$ERR" "would pass the task's cap of \$0.0025"
check_eq "refused: said once" "$(grep -c -F 'not tried' "$T/err")" 1
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
check_contains "budget: why the fallback was not tried" "$ERR" \
    "llm: do: fallback: test-cheap failed (HTTP 429); test-cheap2 not tried: the budget does not allow it"
sed -i 's/^budget = 0.01$/budget = 0/' "$LLM_CONFIG_DIR/config.ini"
