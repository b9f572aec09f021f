# The full-screen client: a budget refusal names what works from the client (another tier or
# model, or a budget set in a shell and a new start: the client reads it at start), where the
# command line names llm budget set.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
sed -i 's/^budget = 1$/budget = 0.0001\nbudget_action = block/' "$LLM_CONFIG_DIR/config.ini"

tui_ok "refused" r 250x30 <<S
:type /model test-mid
:key Enter
:type a question too dear
:key Enter
:wait-idle
:dump-screen $T/r0
S
check_screen "refused: said" r0 "budget: worst case"
check_screen "refused: what works in the client" r0 "a cheaper tier or model may fit (/tier, /model); or raise it with llm budget set USD in a shell, then start llm again"
check_eq "refused: nothing sent" "$(fake_count)" 0

run_llm -q -m test-mid "a question too dear"
check_rc "command line: refused, exit 3" 3
check_contains "command line: its own words" "$ERR" "); raise it with llm budget set USD"
check_not_contains "command line: no client words" "$ERR" "/tier"

# --- all of the month's budget spent: no tier, model or reply cap fits, only a free model
t_ledger_sql "INSERT INTO usage (time, model, tier, cost_pico, status)
    VALUES (${LLM_NOW:-$(date +%s)}, 'x', 'cheap', 200000000, 'ok')"
tui_ok "spent" s 250x30 <<S
:type a question
:key Enter
:wait-idle
:dump-screen $T/s0
S
check_screen "spent: said" s0 "budget: worst case"
check_screen "spent: only a free model, or a budget raised" s0 \
    "nothing priced fits this month now, only a free model (a local one, /model); or raise it"
check_not_screen "spent: no cheaper tier offered" s0 "a cheaper tier"
check_eq "spent: nothing sent" "$(fake_count)" 0
run_llm -q -t cheap "a question"
check_rc "spent, command line: refused, exit 3" 3
check_contains "spent, command line: raise it, or a free model" "$ERR" \
    "); raise it with llm budget set USD; until then nothing priced fits, only a free model (a local one, -m NAME)"
check_not_contains "spent, command line: no reply cap offered" "$ERR" "--max-tokens"
run_llm -q -m test-local "a question"
check_rc "spent, command line: a free model still goes" 0

echo "# $T_PASS passed, $T_FAIL failed"
