# The full-screen client, driven headless: a turn teaches the router once. A tier chosen against
# the router and then re-asked one tier up (F4), or re-asked up twice, keeps one label: the tier
# the user ended up wanting, not one for each step.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
fake_default '{"text":"Hi.","usage":{"input":10,"output":2}}'
check_eq "the router sends a greeting to cheap" \
    "$("$LLM_BIN" route --json 'hello there' | t_py -c 'import json,sys; print(json.load(sys.stdin)["tier"])')" cheap

labels() {
	sql "SELECT group_concat(kind || ':' || router_tier || '->' || wanted_tier, ' ') FROM route_labels"
}
# /tier mid (against the router), then F4: mid was not enough either
tui_ok "override then F4" a 100x30 <<S
:type /tier mid
:key Enter
:type hello there
:key Enter
:wait-idle
:key F4
:wait-idle
S
check_eq "/tier mid then F4: one label, the re-ask's" "$(labels)" "retry:cheap->frontier"
check_eq "/tier mid then F4: both answers charged" \
    "$(sql "SELECT count(*) FROM usage WHERE status = 'ok'")" 2

# the router's tier, then F4 twice: cheap, then mid, was not enough
tui_ok "F4 twice" b 100x30 <<S
:type hello again
:key Enter
:wait-idle
:key F4
:wait-idle
:key F4
:wait-idle
S
check_eq "F4 twice: one more label, the last re-ask's" "$(labels)" \
    "retry:cheap->frontier retry:cheap->frontier"
check_eq "F4 twice: three answers charged" \
    "$(sql "SELECT count(*) FROM usage WHERE status = 'ok'")" 5

# a tier chosen against the router alone is still a label
tui_ok "override" c 100x30 <<S
:type /tier mid
:key Enter
:type hello once more
:key Enter
:wait-idle
S
check_contains "/tier mid alone: its label" "$(labels)" "override:cheap->mid"
echo "# $T_PASS passed, $T_FAIL failed"
