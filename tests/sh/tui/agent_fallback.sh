# Agent mode when a step's request fails under the task's cap: text that streamed before the
# failure shows once and stays, with why the step stopped and what it cost; a fallback the cap
# does not allow is said, not silently skipped.
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
    "test-cheap · ~554→3 tok · ~$(usd "$cost") · task ~$(usd "$cost") of \$0.0025 cap"

# --- a failure before any text: the cap keeps the fallback from being tried, and says so --------
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
:wait-idle
:dump-screen $T/r0
S
check_screen "refused: why the fallback was not tried" r0 \
    "fallback: test-cheap failed (HTTP 429); test-cheap2 not tried: its worst case \$"
check_screen "refused: against the task's cap" r0 "would pass the task's cap of \$0.0025"
check_eq "refused: said once" "$(grep -c -F 'not tried' "$T/r0")" 1
check_above "refused: above the failed step" r0 "not tried" "step 1 ·"
check_screen "refused: the way to another tier is the client's" r0 "another tier with /tier"
check_not_screen "refused: not the command line's" r0 "with -t"
check_eq "refused: the fallback never sent" "$(fake_count)" 3
