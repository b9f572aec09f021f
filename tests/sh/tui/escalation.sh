# The full-screen client, driven headless: escalation shows both requests; the route line warns before the budget acts.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_write_config
sed -i 's/^budget = 0/budget = 0.08\nbudget_action = downgrade/; s/^escalate = no/escalate = yes/' \
    "$LLM_CONFIG_DIR/config.ini"
rm -rf "$LLM_DATA_DIR"
mkdir -p "$LLM_DATA_DIR"
fake_reset
fake_reply '{"text":"I am sorry, but I cannot help with that.","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Here is how it works.","usage":{"input":100,"output":20}}'
fake_reply '{"text":"mid it is","usage":{"input":10,"output":3}}'
tui_ok "escalate" m <<S
:type /tier cheap
:key Enter
:type explain the thing
:key Enter
:wait-idle
:dump-screen $T/m0
:type /tier frontier
:key Enter
:type explain it again
:dump-screen $T/m1
:key Enter
:wait-idle
:dump-screen $T/m2
S
check_screen "escalate: first request" m0 "cheap · test-cheap · 100→10 tok · \$0.000014"
check_screen "escalate: second request and why" m0 "mid · test-mid · 100→20 tok · \$0.0006 · escalated: refusal"
check_screen "escalate: total" m0 "total \$0.000614"
check_screen "escalate: the answer kept" m0 "llm  Here is how it works."
check_not_screen "escalate: the refusal not shown as the answer" m0 "llm  I am sorry"
check_above "escalate: note above the answer" m0 "escalated: refusal from test-cheap" "llm  Here is how it works"
check_contains "budget: route line says the budget moves it" "$(row "$T/m1" 'route ')" \
    "test-mid  downgraded by the budget from frontier"
check_not_contains "budget: and says it once" "$(row "$T/m1" 'route ')" "budget moved it"
check_contains "budget: route line shows the lower tier" "$(row "$T/m1" 'route ')" "→ mid  test-mid"
check_contains "budget: estimate still shown" "$(row "$T/m1" 'route ')" '~$'
check_screen "budget: downgrade said" m2 "budget: downgraded from frontier to mid"
check_eq "budget: mid asked" "$(fake_last body.model)" test-mid-1


# a budget no tier fits: the route line says the message would be refused, as it is
sed -i 's/^budget = 0.08$/budget = 0.0001/; s/^models = test-cheap, test-local$/models = test-cheap/' \
    "$LLM_CONFIG_DIR/config.ini"
tui_ok "budget: no tier fits" r <<S
:type /tier mid
:key Enter
:type explain it once more
:dump-screen $T/r0
:key Enter
:wait-idle
:dump-screen $T/r1
S
check_contains "no tier fits: route line says refused" "$(row "$T/r0" 'route ')" \
    "over budget: would be refused"
check_not_contains "no tier fits: no move down promised" "$(row "$T/r0" 'route ')" "move down"
check_screen "no tier fits: refused when sent" r1 "budget: worst case"

echo "# $T_PASS passed, $T_FAIL failed"
