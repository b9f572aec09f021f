# Agent mode: F10 quits as the help says while an edit or a command waits for its y, and
# quitting while a task runs says, once the terminal is back, that its step was stopped and
# how to go on with it.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_sum_repo "$T/repo"

# --- F10 while an edit waits for its y: the client quits, the edit is not made ----------------
fake_reset
fake_reply '{"text":"Fixing.","calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"text":"never","usage":{"input":900,"output":3}}'
tui_ok_in "$T/repo" "edit" e 100x30 -m test-cheap --agent <<S
:type fix sum.sh
:key Enter
:wait-text y yes
:key F10
:type y
:wait-idle
:dump-screen $T/e0
S
task=$(sql "SELECT max(id) FROM tasks")
check_eq "edit: quit before the question was answered: nothing more asked" "$(fake_count)" 1
check_eq "edit: the edit is not made" "$(sh "$T/repo/sum.sh" 2 3)" -1
check_eq "edit: said, with how to go on" "$(cat "$T/e.err")" \
    "llm: chat: quit: the task's step was stopped, what is done is kept; llm do --resume $task goes on with it"

# --- F10 while a command waits, after e opened it for editing: the client quits too ---------
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":900,"output":20}}'
fake_reply '{"text":"never","usage":{"input":900,"output":3}}'
tui_ok_in "$T/repo" "run" r 100x30 -m test-cheap --agent <<S
:type run the test
:key Enter
:wait-text e edit
:key e
:key F10
:key Enter
:wait-idle
S
check_eq "run: nothing more sent" "$(fake_count)" 1
check_contains "run: said" "$(cat "$T/r.err")" "llm: chat: quit: the task's step was stopped"

# --- F10 while a step streams: said too, and the step is booked as cancelled -----------------
fake_reset
fake_reply "{\"chunks\":[\"Halfway \",\"there\"],\"hold_file\":\"$T/go\",\"usage\":{\"input\":900,\"output\":40}}"
tui_ok_in "$T/repo" "streaming" s 100x30 -m test-cheap --agent <<S
:type explain the test
:key Enter
:wait-text Halfway
:key F10
:type more
:wait-idle
S
touch "$T/go"
task=$(sql "SELECT max(id) FROM tasks")
check_eq "streaming: said, with how to go on" "$(cat "$T/s.err")" \
    "llm: chat: quit: the task's step was stopped, what is done is kept; llm do --resume $task goes on with it"
# none_reserved: whether no row waits for its cost
none_reserved() {
	[ "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'")" = 0 ]
}
check "streaming: the step's row is settled" t_wait none_reserved
check_eq "streaming: booked as cancelled, for the task" \
    "$(sql "SELECT status, task_id FROM usage ORDER BY id DESC LIMIT 1")" "cancelled|$task"

echo "# $T_PASS passed, $T_FAIL failed"
