# Agent mode: the status offers /undo after a task only when that task changed files.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo"

# a task that edits, then one that only reads and one whose edit is refused: /undo would
# restore the first one's files
fake_reset
fake_sum_fix
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":20}}'
fake_reply '{"text":"It adds.","usage":{"input":1000,"output":5}}'
fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 + \$2\",\"new\":\"\$2 + \$1\"}}],\"usage\":{\"input\":900,\"output\":20}}"
fake_reply '{"text":"Not changed.","usage":{"input":1000,"output":5}}'
tui_ok_in "$T/repo" "undo offer" u 100x30 -m test-cheap --agent <<S
:type fix sum.sh
:key Enter
:wait-text edit? y yes
:key y
:wait-idle
:dump-screen $T/u0
:type what does sum.sh do?
:key Enter
:wait-idle
:dump-screen $T/u1
:type swap the operands
:key Enter
:wait-text edit? y yes
:key n
:wait-idle
:dump-screen $T/u2
S
first=$(sql "SELECT min(id) FROM tasks")
check_contains "edited: the status offers /undo" "$(row "$T/u0" '└ task')" "(/undo restores its files)"
check_contains "read only: the status has the task's id and total" "$(row "$T/u1" '└ task')" "└ task $((first + 1)): \$"
check_not_contains "read only: no /undo offered" "$(row "$T/u1" '└ task')" "/undo"
check_eq "read only: the first task is still the one to undo" \
    "$(cat "$LLM_DATA_DIR"/undo/*/last 2>/dev/null)" "$first"
check_contains "refused: the status has the task's id and total" "$(row "$T/u2" '└ task')" "└ task $((first + 2)): \$"
check_not_contains "refused: no /undo offered" "$(row "$T/u2" '└ task')" "/undo"
check_eq "the file is the first task's" "$(sed -n 2p "$T/repo/sum.sh")" 'echo $(( $1 + $2 ))'
