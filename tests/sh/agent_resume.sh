#!/bin/sh
# agent_resume: llm do --resume goes on with a task that stopped (its cap, Ctrl-C): the
# same task id, its history from llm.db sent again, its tier and cap kept; and refuses
# what cannot be resumed.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# usd PICO: the amount as llm prints it ($0.0045); see tests/tui_lib.sh.
. "$LLM_TOP/tests/tui_lib.sh"

# task_sum ID: what the task's rows hold (settled costs, else worst cases), in pico.
task_sum() {
	t_ledger_sql "SELECT coalesce(sum(coalesce(cost_pico, worst_case_pico)), 0) FROM usage
	    WHERE task_id = $1"
}

# --- nothing to resume yet in this workspace
t_sum_repo "$T/repo"
cd "$T/repo" || exit 1
run_llm "do" --resume
check_rc "none: exit 2" 2
check_contains "none: says so and what to do" "$ERR" \
    "llm: do: --resume: no task to resume in $T/repo: start one with llm do TASK"
check_eq "none: nothing sent" "$(fake_count)" 0

# --- a task stopped by its cap is resumed with a higher one, and finishes
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"text":"Looking.","usage":{"input":100,"output":1000}}'
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":100,"output":1000}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":100,"output":1000}}'
fake_reply '{"text":"Fixed.","usage":{"input":100,"output":1000}}'
run_llm "do" -m test-cheap --allow edit,run --max-tokens 1000 --max-cost 0.0012 --json "fix sum.sh"
check_rc "cap: exit 3" 3
task=$(json_get "$T/out" task_id)
check_eq "cap: two steps sent" "$(fake_count)" 2
check_contains "cap: the end line names --resume, with the higher cap it needs" "$ERR" \
    "task $task); llm undo restores the files it changed; llm do --resume $task with a higher --max-cost goes on with it"
spent=$(task_sum "$task")
# the same cap, kept with the task, still bounds it: nothing more is sent
run_llm "do" --resume --allow edit,run --json
check_rc "cap kept: exit 3" 3
check_eq "cap kept: nothing more sent" "$(fake_count)" 2
check_contains "cap kept: why" "$ERR" "would pass the task's cap"
check_contains "cap kept: what the task has cost in all, and how to go on" "$ERR" \
    "stopped after 0 more steps (\$0.00; task $task, $(usd "$spent") in all); llm undo restores the files it changed; llm do --resume $task with a higher --max-cost goes on with it"
check_eq "cap kept: no new task was made" "$(t_ledger_sql "SELECT count(*) FROM tasks")" 1
run_llm "do" --resume "$task" --allow edit,run --max-cost 0.01 --json
check_rc "resumed: exit 0" 0
check_contains "resumed: the end line gives this run's cost and the task's, as the ledger has it" \
    "$ERR" "llm: do: done in 2 more steps ($(usd "$(($(task_sum "$task") - spent))"); task $task, $(usd "$(task_sum "$task")") in all)"
check_eq "resumed: the answer" "$(json_get "$T/out" answer)" "Fixed."
check_eq "resumed: the same task id" "$(json_get "$T/out" task_id)" "$task"
check_eq "resumed: two more steps sent" "$(fake_count)" 4
check_eq "resumed: sum.sh fixed" "$(sh sum.sh 2 3)" 5
body=$(fake_get 2 body.messages)
check_contains "resumed: the request carries the task" "$body" '"content":"fix sum.sh"'
check_contains "resumed: and the first reply's words" "$body" 'Looking.'
check_contains "resumed: and its calls" "$body" '"name":"edit"'
check_contains "resumed: and their results" "$body" '$(( $1 + $2 ))'
check_eq "resumed: the request's messages are the stopped task's, sent again" \
    "$(fake_get 2 body.messages)" "$(fake_get 1 body.messages | sed 's/]$//'),$(fake_get 2 body.messages | t_py -c 'import json,sys; m=json.load(sys.stdin); print(",".join(json.dumps(x, separators=(",", ":"), ensure_ascii=False) for x in m[-2:]))')]"
check_eq "resumed: every step's row carries the task" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $task AND status = 'ok'")" 4
check "resumed: the task's cost goes on from what it had spent" \
    [ "$(task_sum "$task")" -gt "$spent" ]
check_eq "resumed: the new cap is the task's" \
    "$(t_ledger_sql "SELECT cap_pico FROM tasks WHERE id = $task")" 10000000000
check_eq "resumed: the task is done" "$(t_ledger_sql "SELECT done FROM tasks WHERE id = $task")" 1
# a task done is not resumed without more to do
run_llm "do" --resume
check_rc "done: exit 2" 2
check_contains "done: says what to do" "$ERR" \
    "llm: do: --resume: task $task is done (it ended with an answer): say what more to do (llm do --resume $task MORE...)"
check_eq "done: nothing sent" "$(fake_count)" 4
# with more words, it goes on, their words the user's last message
fake_reply '{"text":"Also checked.","usage":{"input":100,"output":100}}'
run_llm "do" --resume --json check it again
check_rc "more: exit 0" 0
check_eq "more: the same task" "$(json_get "$T/out" task_id)" "$task"
check_eq "more: the new words are the last message" "$(fake_last body.messages.-1.content)" "check it again"
check_eq "more: after the answer" "$(fake_last body.messages.-2.content)" "Fixed."
cd "$T" || exit 1

# --- a task stopped by Ctrl-C midway through a reply goes on from its last step, and
# llm undo then restores what both runs changed
t_sum_repo "$T/int"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":100,"output":100}}'
fake_reply '{"text":"Thinking","fault":"stall","seconds":30}'
cd "$T/int" || exit 1
"$LLM_BIN" "do" -m test-cheap --allow edit,write --json "fix sum.sh" >"$T/out" 2>"$T/err" &
pid=$!
t_wait _fake_has 2
t_wait grep -q "^1 · " "$T/err"
kill -INT "$pid"
wait "$pid"
# shellcheck disable=SC2034 # read by tests/lib.sh
RC=$?
check_rc "ctrl-c: exit 130" 130
int=$(json_get "$T/out" task_id)
check_contains "ctrl-c: the end line names --resume" "$(cat "$T/err")" \
    "llm do --resume $int goes on with it"
fake_reply '{"calls":[{"name":"write","args":{"path":"notes.txt","content":"fixed\n"}}],"usage":{"input":100,"output":100}}'
fake_reply '{"text":"Done.","usage":{"input":100,"output":100}}'
run_llm "do" --resume --allow edit,write --json
check_rc "ctrl-c resumed: exit 0" 0
check_eq "ctrl-c resumed: the same task" "$(json_get "$T/out" task_id)" "$int"
check_eq "ctrl-c resumed: the answer" "$(json_get "$T/out" answer)" "Done."
check_eq "ctrl-c resumed: the history the interrupted step was sent is sent again" \
    "$(fake_get 2 body.messages)" "$(fake_get 1 body.messages)"
check_eq "ctrl-c resumed: pinned as it was" "$(fake_get 2 body.model)" test-cheap-1
check_eq "ctrl-c resumed: every request is the task's" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $int")" 4
run_llm undo
check_rc "undo after resume: exit 0" 0
check_eq "undo after resume: the first run's edit is undone" "$(sh sum.sh 2 3)" -1
check "undo after resume: the resumed run's file is gone" [ ! -e notes.txt ]
cd "$T" || exit 1

# --- refusals: another workspace, an unknown id
t_sum_repo "$T/other"
cd "$T/other" || exit 1
run_llm "do" --resume "$task" more
check_rc "elsewhere: exit 2" 2
check_contains "elsewhere: says where" "$ERR" \
    "llm: do: --resume: task $task was in $T/repo, not in $T/other: run llm do --resume $task there"
run_llm "do" --resume 0 more
check_rc "no id: exit 2" 2
check_contains "no id: says so" "$ERR" "llm: do: --resume: '0' is no task id"
run_llm "do" --resume 999
check_rc "unknown: exit 2" 2
check_contains "unknown: says so, and where the tasks are listed" "$ERR" \
    "llm: do: --resume: there is no task 999 (see llm usage --by task)"
cd "$T/int" || exit 1
sqlite3 "$LLM_DATA_DIR/llm.db" "UPDATE tasks SET history = NULL WHERE id = $int"
run_llm "do" --resume more
check_rc "no history: exit 2" 2
check_contains "no history: says so" "$ERR" \
    "llm: do: --resume: task $int kept no history to go on with (it ran before llm kept one, or it grew past what llm.db keeps): start a new task with llm do TASK"
check_eq "refusals: nothing sent" "$(fake_count)" 4
cd "$T" || exit 1

# --- one task, two processes: while one goes on with it, another is refused before it
# sends anything (by id, or as the workspace's latest); the first killed (SIGKILL, no
# cleanup of its own), the task is resumed again as it is
t_sum_repo "$T/busy"
cd "$T/busy" || exit 1
fake_reset
fake_reply '{"text":"It adds.","usage":{"input":100,"output":100}}'
run_llm "do" -m test-cheap --max-tokens 1000 --json "what does sum.sh do?"
check_rc "busy: the task is done: exit 0" 0
busy=$(json_get "$T/out" task_id)
fake_reply "{\"chunks\":[\"Looking \",\"again.\"],\"usage\":{\"input\":100,\"output\":100},\"hold_file\":\"$T/never\"}"
"$LLM_BIN" "do" --resume "$busy" --max-tokens 1000 --json "look again" >"$T/bg.out" 2>"$T/bg.err" &
bg=$!
t_wait _fake_has 2
run_llm "do" --resume "$busy" "and again"
check_rc "busy: a second process: exit 2" 2
check_eq "busy: it says which process runs the task, and what to do" "$ERR" \
    "llm: do: --resume: task $busy is being run by process $bg: wait for it to end, then resume it, or start a new task with llm do TASK"
run_llm "do" --resume "and again"
check_rc "busy: the workspace's latest: exit 2" 2
check_contains "busy: the workspace's latest: refused" "$ERR" "task $busy is being run by process $bg"
check_eq "busy: nothing more sent" "$(fake_count)" 2
check_eq "busy: the first goes on holding the task" \
    "$(t_ledger_sql "SELECT pid FROM tasks WHERE id = $busy")" "$bg"
kill -KILL "$bg"
wait "$bg" 2>/dev/null
fake_reply '{"text":"Still adds.","usage":{"input":100,"output":100}}'
run_llm "do" --resume "$busy" --max-tokens 1000 --json "once more"
check_rc "busy: after a kill -9, resumed: exit 0" 0
check_eq "busy: after a kill -9, the same task" "$(json_get "$T/out" task_id)" "$busy"
check_eq "busy: after a kill -9, the answer" "$(json_get "$T/out" answer)" "Still adds."
check_eq "busy: the killed run's reservation is settled, as any dead process's" \
    "$(t_ledger_sql "SELECT status FROM usage WHERE task_id = $busy ORDER BY id LIMIT 1 OFFSET 1")" \
    cancelled
check_eq "busy: a run that ended holds the task no more" \
    "$(t_ledger_sql "SELECT coalesce(pid, 'none') FROM tasks WHERE id = $busy")" none
cd "$T" || exit 1

t_cleanup
