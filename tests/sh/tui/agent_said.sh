# Agent mode: what the model says with a call is on the screen before the call's approval.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo"

# --- the model's reason shows above the edit it asks to make, once -----------------------------
fake_reset
fake_reply "{\"text\":\"The sign is wrong: sum.sh subtracts.\",\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":900,\"output\":30}}"
fake_reply '{"text":"Left as it was.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "reason" r 100x30 -m test-cheap --agent <<S
:type fix sum.sh
:key Enter
:wait-text edit? y yes
:dump-screen $T/r0
:key n
:wait-idle
:dump-screen $T/r1
S
check_screen "reason: on the screen at the approval" r0 '“ The sign is wrong: sum.sh subtracts.'
check_above "reason: above the edit it asks for" r0 '“ The sign is wrong' "? edit"
check_eq "reason: shown once after the answer" "$(grep -c -F '“ The sign is wrong' "$T/r1")" 1
check_above "reason: still above the call's line" r1 '“ The sign is wrong' '▸ edit sum.sh'
