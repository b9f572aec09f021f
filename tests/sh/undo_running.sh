#!/bin/sh
# undo_running: llm undo, and /undo in the client, refuse a task another llm is still running
# (its next edit would land on the files undone, and its journal would go from under it),
# naming its process; once it has ended, its files are undone whole.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":100,"output":10}}'
fake_reply "{\"calls\":[{\"name\":\"write\",\"args\":{\"path\":\"NOTES\",\"content\":\"fixed\\n\"}}],\"usage\":{\"input\":100,\"output\":10},\"hold_file\":\"$T/go\"}"
fake_reply '{"text":"Fixed, with notes.","usage":{"input":100,"output":10}}'
cd "$T/repo" || exit 1
"$LLM_BIN" "do" -m test-cheap --allow edit,write "fix sum.sh and note it" >"$T/do.out" 2>"$T/do.err" &
pid=$!
t_wait _fake_has 2
task=$(sqlite3 "$DB" "SELECT max(id) FROM tasks")

run_llm undo
check_rc "running: exit 2" 2
check_eq "running: says which process runs it, and what to do" "$ERR" \
    "llm: undo: task $task is being run by process $pid: wait for it to end, or stop it, then undo it"
check_eq "running: the task's edit stays" "$(sh test.sh)" PASS

cat >"$T/u.s" <<S
:type /undo
:key Enter
:dump-screen $T/u0
S
tui_in "$T/repo" u 100x30 -m test-cheap --agent </dev/null
check_screen "running: /undo in the client refuses it too" u0 \
    "/undo: task $task is being run by process $pid: wait for it to end, or stop it, then undo it"
check_eq "running: the client undid nothing either" "$(sh test.sh)" PASS

touch "$T/go"
wait "$pid"
check_eq "the task: exit 0" "$?" 0
check_not_contains "the task: its write was journaled as ever" "$(cat "$T/do.err")" "undo journal"
check_eq "the task: its note written" "$(cat NOTES)" "fixed"

run_llm undo
check_rc "ended: exit 0" 0
check_eq "ended: both of its files undone" "$OUT" "restored sum.sh
removed NOTES"
check_eq "ended: the workspace as before the task" "$(git status --porcelain)" ""
cd "$T" || exit 1

echo "# $T_PASS passed, $T_FAIL failed"
