# Agent mode when a step's request fails under the task's cap: text that streamed before the
# failure shows once and stays, with why the step stopped and what it cost; a fallback the cap
# does not allow asks for more inside the step, and when refused is said, not silently skipped.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

# a second priced model in the cheap tier, dear enough that its worst case passes the cap
t_config_append "
$(t_model test-cheap2 anthropic test-cheap-2 cheap 1 5 'context = 200000')"
sed -i 's/^models = test-cheap, test-local$/models = test-cheap, test-cheap2/' \
    "$LLM_CONFIG_DIR/config.ini"
t_sum_repo "$T/repo" --no-test

# --- the reply is cut after its first words: they show once, then why the step stopped ---------
fake_reset
fake_reply "{\"chunks\":[\"Looking at \",\"sum.sh first, \",\"then the test.\"],\"fault\":\"cut\",\"hold_file\":\"$T/go\",\"usage\":{\"input\":500,\"output\":20}}"
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
tui_ok_in "$T/repo" "cut" c 160x30 --agent <<S
:type /agent cap 0.0025
:key Enter
:type look around
:key Enter
:wait-text Looking at
:dump-screen $T/c0
:touch $T/go
:wait-idle
:dump-screen $T/c1
S
check_eq "cut: the first words once while it runs" "$(grep -c -F 'Looking at' "$T/c0")" 1
check_eq "cut: and once after the step" "$(grep -c -F 'Looking at' "$T/c1")" 1
check_above "cut: kept, quoted, above why the step stopped" c1 '“ Looking at' "failed"
check_screen "cut: the partial was kept, and why it stopped" c1 \
    "openai: the reply was cut short: transfer closed with outstanding read data remaining (the partial answer was kept)"
check_eq "cut: that said once" "$(grep -c -F 'the reply was cut short' "$T/c1")" 1
check_not_screen "cut: no fallback once text showed" c1 "fallback"
check_eq "cut: one request" "$(fake_count)" 1
cost=$(sql "SELECT cost_pico FROM usage WHERE status = 'error' ORDER BY id DESC LIMIT 1")
check "cut: what came before the cut is charged ($cost pico)" [ "${cost:-0}" -gt 0 ]
check_contains "cut: and shown on the step's line" "$(row "$T/c1" 'step 1 ·')" \
    "test-cheap · ~595→4 tok · ~$(usd "$cost") · task ~$(usd "$cost") of \$0.0025 cap"

# --- a failure before any text: the cap asks for more before the fallback; n keeps it from being
# tried, which is said ------------------------------------------------------------------------------
fake_reset
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
tui_ok_in "$T/repo" "refused" r 160x30 --agent <<S
:type /agent cap 0.0025
:key Enter
:type look around
:key Enter
:wait-text y allows
:dump-screen $T/q0
:key n
:wait-idle
:dump-screen $T/r0
S
check_screen "refused: asked for more before the fallback" q0 \
    "? more for this task: the fallback to test-cheap2 could pass its cap \$0.0025 (spent \$0.00)"
check_contains "refused: n answered it" "$(screen "$T/r0")" "→ stop"
check_screen "refused: why the fallback was not tried" r0 \
    "fallback: test-cheap failed (HTTP 429); test-cheap2 not tried: its worst case \$"
check_screen "refused: against the task's cap" r0 "would pass the task's cap of \$0.0025"
check_screen "refused: and what lets it" r0 "(a higher cap with /agent cap"
check_eq "refused: said once" "$(grep -c -F 'not tried' "$T/r0")" 1
check_above "refused: above the failed step" r0 "not tried" "step 1 ·"
check_screen "refused: the way to another tier is the client's" r0 "another tier with /tier"
check_not_screen "refused: not the command line's" r0 "with -t"
check_eq "refused: the fallback never sent" "$(fake_count)" 3


# --- y raises the cap inside the step: the fallback runs under it and the task finishes --------
fake_reset
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"status":429,"retry_after":"0"}'
fake_reply '{"text":"It subtracts.","usage":{"input":500,"output":20}}'
tui_ok_in "$T/repo" "raised" y 160x30 --agent <<S
:type /agent cap 0.0025
:key Enter
:type look around
:key Enter
:wait-text y allows
:dump-screen $T/y0
:key y
:wait-idle
:dump-screen $T/y1
S
check_screen "raised: asked after the tries, before the fallback" y0 \
    "? more for this task: the fallback to test-cheap2 could pass its cap \$0.0025 (spent \$0.00): it needs that much"
check_not_screen "raised: not refused while asking" y0 "not tried"
check_above "raised: the tries, then the question" y0 "try 3 of 3" "more for this task"
check_above "raised: why it is asked, then the question" y0 \
    "test-cheap2's worst case \$" "more for this task"
y1=$(screen "$T/y1")
check_contains "raised: the cap is raised" "$y1" "the cap is raised: the task goes on (+\$"
check_contains "raised: the fallback tried" "$y1" "fallback: test-cheap failed (HTTP 429); trying test-cheap2"
check_not_contains "raised: not refused" "$y1" "not tried"
check_contains "raised: the task answered" "$y1" "It subtracts."
check_eq "raised: the fallback sent" "$(fake_count):$(fake_get 3 format)" "4:anthropic"
task=$(sql "SELECT max(id) FROM tasks")
check_eq "raised: the failed request and the fallback's in the task" \
    "$(sql "SELECT group_concat(model || ' ' || status, ', ') FROM (SELECT model, status FROM usage WHERE task_id = $task ORDER BY id)")" \
    "test-cheap error, test-cheap2 ok"
worst=$(sql "SELECT worst_case_pico FROM usage WHERE task_id = $task AND status = 'ok'")
check_eq "raised: the ledger's task has the cap raised to the fallback's worst case" \
    "$(sql "SELECT cap_pico FROM tasks WHERE id = $task")" "$worst"
sum=$(sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")
check_contains "raised: the step's line has the task's cost against the raised cap" \
    "$(row "$T/y1" 'step 1 ·')" "test-cheap2 · ~500→20 tok · ~$(usd "$sum") · task ~$(usd "$sum") of \$"
check_screen "raised: and the status line" y1 "└ task $task: ~$(usd "$sum") of \$"
