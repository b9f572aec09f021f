# Agent mode: what the model says streams onto the screen as it comes, and what it says with a
# call is there before the call's approval.
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

# --- a step's words stream in, before its calls; the answer streams as a chat reply does --------
fake_reset
fake_reply "{\"chunks\":[\"Reading sum.sh \",\"to find the sign.\"],\"calls\":[{\"name\":\"read\",\"args\":{\"path\":\"sum.sh\"}}],\"usage\":{\"input\":900,\"output\":30},\"hold_file\":\"$T/go\"}"
fake_reply "{\"chunks\":[\"The sign \",\"is **wrong**.\"],\"usage\":{\"input\":1000,\"output\":5},\"hold_file\":\"$T/go2\"}"
tui_ok_in "$T/repo" "stream" s 100x30 -m test-cheap --agent <<S
:type what is wrong with sum.sh?
:key Enter
:wait-text Reading sum.sh
:dump-screen $T/s0
:touch $T/go
:wait-text The sign
:dump-screen $T/s1
:touch $T/go2
:wait-idle
:dump-screen $T/s2
S
check_screen "stream: a step's first words while it runs" s0 "Reading sum.sh"
check_not_screen "stream: the rest not yet come" s0 "to find the sign"
check_not_screen "stream: the step not yet over" s0 "step 1 ·"
check_screen "stream: quoted above its calls once they come" s1 '“ Reading sum.sh to find the sign.'
check_screen "stream: its call" s1 "▸ read sum.sh 1–2"
check_eq "stream: its words shown once" "$(grep -c -F 'to find the sign' "$T/s1")" 1
check_screen "stream: the answer's first words as a reply" s1 "llm  The sign"
check_not_screen "stream: the answer not yet whole" s1 "The sign is"
check_screen "stream: the answer whole, as Markdown" s2 "llm  The sign is wrong."
check_eq "stream: the answer shown once" "$(grep -c -F 'The sign' "$T/s2")" 1
check_contains "stream: the answer's line" "$(row "$T/s2" 'step 2 ·')" "1.0k→5 tok"
