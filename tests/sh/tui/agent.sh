# Agent mode in the full-screen client: a scripted task with an approval answered yes and
# one answered no, its step lines and prices, the task's total against its cap, /undo.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

# A repository whose test fails: sum.sh subtracts.
t_sum_repo "$T/repo"

fake_reset
fake_reply '{"text":"Looking.","calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":40}}'
fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":1100,\"output\":30},\"hold_file\":\"$T/go\"}"
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":1200,"output":20}}'
fake_reply '{"text":"Fixed sum.sh: it subtracted. I did not run the test: you said no.","usage":{"input":1300,"output":15}}'
tui_ok_in "$T/repo" "task" a 100x44 -m test-cheap --agent <<S
:dump-screen $T/a0
:type /agent cap 0.05
:key Enter
:type fix sum.sh so that sh test.sh passes
:key Enter
:wait-text list
:type y
:touch $T/go
:wait-text edit? y yes
:dump-colors $T/a1
:key C-u
:key y
:wait-text run? y yes
:dump-screen $T/a2
:key n
:wait-idle
:dump-screen $T/a3
:key Backspace
:key F8
:dump-screen $T/a3x
:key F8
:dump-screen $T/a3f
:type /undo
:key Enter
:dump-screen $T/a4
:type /undo
:key Enter
:dump-screen $T/a5
S
check_contains "agent mode: on the route line from --agent" "$(row "$T/a0" 'route ')" "agent: tools on"

# the approval of the edit: the pending call with its diff; the y typed ahead only went to the input
check_screen_each a1 <<'EOF'
approval: the pending edit|? edit
approval: its diff's removal|-echo $(( $1 - $2 ))
approval: its diff's addition|+echo $(( $1 + $2 ))
approval: the keys|edit? y yes · n no · a always (this task)
EOF
check_contains "approval: the key typed ahead is in the input, not an answer" "$(row "$T/a1" '│ y')" "│ y"
check_contains "approval: the diff's addition coloured as an addition" "$(styles "$T/a1" '+echo')" "meter_ok"
check_contains "approval: the diff's removal coloured as one" "$(styles "$T/a1" '-echo')" "error"
check_contains "approval: the question stands out" "$(styles "$T/a1" '? edit')" "meter_warn fg=178 bg=-1 bold"

# the run's approval, answered no
check_screen "approval: the pending command" a2 "? run sh test.sh"

# the step lines
check_screen_each a3 <<'EOF'
step: what the model said with its calls|“ Looking.
step: list|▸ list . 2 files
step: read with its lines|▸ read sum.sh 1–2
step: edit with its counts|▸ edit sum.sh +1 −1
step: yes said|→ yes
step: the refused run|▸ run sh test.sh · refused
step: no said|→ no
step: the model is told|the user declined this run
step: tier, model, tokens and cost|step 1 · cheap · test-cheap · 900→40 tok · $
the answer|Fixed sum.sh: it subtracted.
EOF

# F8 expands every step to its full results, and folds them again
a3x=$(screen "$T/a3x")
check_contains "expand: said" "$a3x" "every step's full results: F8 folds them"
check_eq "expand: the edit's diff under its line too" \
    "$(grep -c -F -- '+echo $(( $1 + $2 ))' "$T/a3x")" 2
check_contains "expand: the read's result" "$a3x" "┊ 2 echo \$(( \$1 - \$2 ))"
check_eq "fold: the diff once again" "$(grep -c -F -- '+echo $(( $1 + $2 ))' "$T/a3f")" 1

# the ledger: four rows under the task; the total shown is theirs, against the cap
task=$(sql "SELECT max(id) FROM tasks")
check_eq "ledger: four requests in the task" "$(sql "SELECT count(*) FROM usage WHERE task_id = $task")" 4
check_eq "ledger: the task's cap" "$(sql "SELECT cap_pico FROM tasks WHERE id = $task")" 50000000000
sum=$(sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")
step1=$(sql "SELECT cost_pico FROM usage WHERE task_id = $task ORDER BY id LIMIT 1")
check_screen "total: on the reply's line against the cap" a3 "task $(usd "$sum") of \$0.05 cap"
check_screen "total: step 1's line, the running total" a3 "$(usd "$step1") · task $(usd "$step1") of \$0.05 cap"
check_contains "model told no" "$(fake_get 3 body.messages.-1.content)" "the user declined this run"
check_eq "four requests" "$(fake_count)" 4

# the file system: the approved edit happened; /undo restored it; a second /undo has nothing
check_eq "undo: the file restored" "$(cat "$T/repo/sum.sh")" "$(printf '#!/bin/sh\necho $(( $1 - $2 ))')"
check_screen "undo: said, naming the task" a4 "/undo: task $task's files are restored"
check_screen "undo: the second has nothing" a5 "/undo:"

# a budget threshold a step passes is said in the transcript: it is said once a month, and a
# warning the task kept to itself would never be heard again
sed -i 's/^budget = 1$/budget = 0.00002\nbudget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
t_ledger_reset
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}]}'
fake_reply '{"text":"Read it."}'
tui_ok_in "$T/repo" "threshold" w 100x44 -m test-cheap --agent <<S
:type read sum.sh
:key Enter
:wait-idle
:dump-screen $T/w0
S
check_screen "threshold: the warning in the transcript" w0 "budget: 2026-11 passed"
