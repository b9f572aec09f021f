# Agent mode in the full-screen client: a task running there is held by the client's task
# process, so llm do --resume from another terminal is refused, naming that process, and
# sends nothing; once the task has ended there, llm do --resume goes on with it.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_sum_repo "$T/repo" --no-test

fake_reset
fake_reply "{\"chunks\":[\"It \",\"adds.\"],\"usage\":{\"input\":500,\"output\":20},\"hold_file\":\"$T/go\"}"
cat >"$T/a.s" <<S
:type what does sum.sh do?
:key Enter
:wait-text adds.
:wait-idle
:dump-screen $T/a0
S
(cd "$T/repo" && exec "$LLM_BIN" chat --headless "$T/a.s" --size 100x30 -m test-cheap \
    --agent >"$T/a.out" 2>"$T/a.err") &
client=$!
t_wait _fake_has 1
task=$(sqlite3 "$DB" "SELECT max(id) FROM tasks")
child=$(pgrep -P "$client" | head -n 1)
check "the task runs in a process of its own" [ -n "$child" ] && [ "$child" != "$client" ]
cd "$T/repo" || exit 1
run_llm "do" --resume "$task" "and what else?"
check_rc "running in the client: exit 2" 2
check_eq "running in the client: says by which process, and what to do" "$ERR" \
    "llm: do: --resume: task $task is being run by process $child: wait for it to end, then resume it, or start a new task with llm do TASK"
run_llm "do" --resume "and what else?"
check_rc "running in the client, the workspace's latest: exit 2" 2
check_contains "running in the client: it is the workspace's latest, in its first step" "$ERR" \
    "task $task is being run by process $child"
check_eq "running in the client: nothing sent" "$(fake_count)" 1
touch "$T/go"
wait "$client"
check_eq "the client: exit 0" "$?" 0
check_screen "the client: the task ended there" a0 "adds."
fake_reply '{"text":"Nothing else.","usage":{"input":500,"output":20}}'
run_llm "do" --resume "$task" --json "and what else?"
check_rc "ended in the client: resumed: exit 0" 0
check_eq "ended in the client: the same task" "$(json_get "$T/out" task_id)" "$task"
check_eq "ended in the client: the answer" "$(json_get "$T/out" answer)" "Nothing else."
cd "$T" || exit 1

t_cleanup
