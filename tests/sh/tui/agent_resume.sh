# Agent mode: /agent resume goes on with a task that stopped, as llm do --resume does: the
# same task id, its history sent again, /undo over both runs; the same refusals, on the
# status line; and the help, man page and README say so.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_config_append '[agent]'
t_config_append 'allow = edit, write, run'

t_sum_repo "$T/repo"
REPO=$(cd "$T/repo" && pwd -P)

# --- nothing to resume yet in this workspace: said, nothing sent ----------------------------
fake_reset
tui_ok_in "$T/repo" "none" n 240x30 -m test-cheap --agent <<S
:type /agent resume
:key Enter
:dump-screen $T/n0
S
check_screen "none: said, with what to do" n0 \
    "/agent resume: no task to resume in $REPO: start one with a message in agent mode"
check_eq "none: nothing sent" "$(fake_count)" 0

# --- a task stopped with Ctrl-C while its command runs, resumed in the client --------------
fake_reset
fake_reply '{"text":"Looking.","calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":900,"output":30}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"echo started; sleep 300"}}],"usage":{"input":1000,"output":20}}'
tui_ok_in "$T/repo" "stopped" s 240x30 -m test-cheap --agent <<S
:type fix sum.sh
:key Enter
:wait-text ┊ started
:key C-c
:wait-idle
:dump-screen $T/s0
S
task=$(sql "SELECT max(id) FROM tasks")
check_screen "stopped: the line names how to go on in the client" s0 \
    "interrupted: what was done is kept; stopped after 2 steps (task $task: "
check_screen "stopped: with the command" s0 "; /agent resume $task goes on with it"
check_eq "stopped: two requests" "$(fake_count)" 2
check_eq "stopped: the edit is made" "$(sh "$T/repo/sum.sh" 2 3)" 5
spent=$(sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")
# its first step's cost an estimate (as a reply cut off is): the task's total is one too
sql "UPDATE usage SET estimated = 1 WHERE id = (SELECT min(id) FROM usage WHERE task_id = $task)"

fake_reply '{"calls":[{"name":"write","args":{"path":"notes.txt","content":"fixed\n"}}],"usage":{"input":1100,"output":20}}'
fake_reply '{"text":"Fixed.","usage":{"input":1200,"output":5}}'
tui_ok_in "$T/repo" "resumed" r 240x30 -m test-cheap --agent <<S
:type /agent resume
:key Enter
:wait-idle
:dump-screen $T/r0
S
check_screen "resumed: the task goes on, said with what it had spent, an estimate" r0 \
    "task $task goes on: "'“fix sum.sh”'" (~$(usd "$spent") spent so far)"
check_screen "resumed: its id as a new task's is" r0 "task $task · llm logs --task $task shows its steps"
check_screen "resumed: the write" r0 "▸ write notes.txt +1"
check_screen "resumed: the answer" r0 "Fixed."
check_eq "resumed: two more requests" "$(fake_count)" 4
body=$(fake_get 2 body.messages)
check_contains "resumed: the request carries the task" "$body" '"content":"fix sum.sh"'
check_contains "resumed: and what the model said" "$body" 'Looking.'
check_contains "resumed: and its calls" "$body" '"name":"run"'
check_contains "resumed: and their results" "$body" 'started'
check_eq "resumed: the stopped step's messages are sent again first" \
    "$(fake_get 2 body.messages | t_py -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[:4]))')" \
    "$(fake_get 1 body.messages | t_py -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[:4]))')"
check_eq "resumed: no new task" "$(sql "SELECT count(*) FROM tasks")" 1
check_eq "resumed: every request is the task's" \
    "$(sql "SELECT count(*) FROM usage WHERE task_id = $task AND status = 'ok'")" 4
check_eq "resumed: the task is done" "$(sql "SELECT done FROM tasks WHERE id = $task")" 1
run_llm logs --task "$task"
check_contains "resumed: llm logs --task lists both runs' requests" "$OUT" "task $task: 4 requests"
check_contains "resumed: the status's total goes on from what was spent, an estimate" \
    "$(row "$T/r0" '└ task')" "task $task: ~$(usd "$(sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")")"

# --- done: only with more to do; more turns agent mode on, and /undo covers both runs -------
fake_reply '{"text":"Checked again.","usage":{"input":1300,"output":5}}'
tui_ok_in "$T/repo" "done" d 240x30 -m test-cheap <<S
:type /agent resume
:key Enter
:dump-screen $T/d0
:type /agent resume $task check it again
:key Enter
:wait-idle
:dump-screen $T/d1
:type /undo
:key Enter
:dump-screen $T/d2
S
check_screen "done: refused with what to do" d0 \
    "/agent resume: task $task is done (it ended with an answer): say what more to do (/agent resume $task MORE...), or start a new task with a message in agent mode"
check_eq "done: one request, the one with more to do" "$(fake_count)" 5
check_not_contains "done: refused, agent mode stays off" "$(row "$T/d0" 'route ')" "agent"
check_screen "more: the user's words" d1 "check it again"
check_screen "more: the answer" d1 "Checked again."
check_contains "more: agent mode is on" "$(row "$T/d1" 'route ')" "agent: tools on"
check_eq "more: the same task" "$(sql "SELECT count(DISTINCT task_id) FROM usage WHERE task_id IS NOT NULL"),$(sql "SELECT count(*) FROM tasks")" "1,1"
check_eq "more: the new words are the last message" "$(fake_last body.messages.-1.content)" "check it again"
check_eq "more: after the answer" "$(fake_last body.messages.-2.content)" "Fixed."
check_screen "undo: the task's files restored" d2 "/undo: task $task's files are restored"
check_eq "undo: the first run's edit is undone" "$(sh "$T/repo/sum.sh" 2 3)" -1
check "undo: the resumed run's file is gone" test ! -e "$T/repo/notes.txt"

# an attachment is more to do too: it goes with the user's next message
fake_reply '{"text":"Read it.","usage":{"input":1300,"output":5}}'
tui_ok_in "$T/repo" "attached" a 240x30 -m test-cheap --agent <<S
:type /file sum.sh
:key Enter
:type /agent resume
:key Enter
:wait-idle
:dump-screen $T/a0
S
check_screen "attached: shown as the user's" a0 "[attached sum.sh]"
check_screen "attached: the answer" a0 "Read it."
check_contains "attached: sent as the user's last message" "$(fake_last body.messages.-1.content)" 'echo $(( $1 - $2 ))'
check_eq "attached: the same task" "$(sql "SELECT count(*) FROM tasks")" 1

# --- refusals: an unknown id, no id, another workspace, no history -------------------------
t_sum_repo "$T/other"
OTHER=$(cd "$T/other" && pwd -P)
tui_ok_in "$T/other" "refusals" x 240x30 -m test-cheap --agent <<S
:type /agent resume 999
:key Enter
:dump-screen $T/x0
:type /agent resume 0 more
:key Enter
:dump-screen $T/x1
:type /agent resume 123456789012345678901234 more
:key Enter
:dump-screen $T/x3
:type /agent resume $task more
:key Enter
:dump-screen $T/x2
S
check_screen "unknown: said" x0 \
    "/agent resume: there is no task 999 (see llm usage --by task)"
check_screen "no id: said" x1 "/agent resume: '0' is no task id"
check_screen "no id: too long, cut where it is said" x3 "/agent resume: '12345678901234567890…' is no task id"
check_screen "elsewhere: says where" x2 \
    "/agent resume: task $task was in $REPO, not in $OTHER: run /agent resume $task there"
sql "UPDATE tasks SET history = NULL WHERE id = $task"
tui_ok_in "$T/repo" "no history" h 240x30 -m test-cheap --agent <<S
:type /agent resume more
:key Enter
:dump-screen $T/h0
S
check_screen "no history: said" h0 \
    "/agent resume: task $task kept no history to go on with (it ran before llm kept one, or it grew past what llm.db keeps): start a new task with a message in agent mode"
check_eq "refusals: nothing sent" "$(fake_count)" 6

# --- a task stopped at its cap keeps it when resumed; /agent cap replaces it -----------------
# Each step's worst case is about $0.0017 on test-cheap: $0.00174 runs one step, not two.
t_sum_repo "$T/capped" --no-test
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":500,"output":20}}'
tui_ok_in "$T/capped" "cap" k 240x30 -m test-cheap --agent <<S
:type /agent cap 0.00174
:key Enter
:type look around
:key Enter
:wait-text y allows
:key n
:wait-idle
:dump-screen $T/k0
S
ctask=$(sql "SELECT max(id) FROM tasks")
check_screen "cap: stopped, with how to go on" k0 "; /agent resume $ctask goes on with it"
tui_ok_in "$T/capped" "cap kept" k 240x30 -m test-cheap --agent <<S
:type /agent resume
:key Enter
:wait-text y allows
:dump-screen $T/k1
:key n
:wait-idle
S
check_screen "cap kept: asked again under the task's cap" k1 "could pass the task's cap \$0.00174"
check_eq "cap kept: nothing more sent" "$(fake_count)" 1
fake_reply '{"text":"Looked.","usage":{"input":600,"output":5}}'
tui_ok_in "$T/capped" "cap raised" k 240x30 -m test-cheap --agent <<S
:type /agent cap 0.01
:key Enter
:type /agent resume
:key Enter
:wait-idle
:dump-screen $T/k2
S
check_screen "cap raised: the answer" k2 "Looked."
check_screen "cap raised: under the new cap" k2 "of \$0.01 cap"
check_eq "cap raised: the new cap is the task's" \
    "$(sql "SELECT cap_pico FROM tasks WHERE id = $ctask")" 10000000000
check_eq "cap raised: one task, both runs' requests" \
    "$(sql "SELECT count(*) FROM usage WHERE task_id = $ctask"),$(sql "SELECT count(*) FROM tasks WHERE id >= $ctask")" "2,1"

# --- a client killed mid-task: its task goes on in the next one -----------------------------
t_sum_repo "$T/gone" --no-test
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"echo started >started.txt; sleep 300"}}],"usage":{"input":500,"output":20}}'
cat >"$T/g.s" <<S
:type wait for it
:key Enter
:wait-file $T/gone/started.txt
:wait-text this never shows
S
(cd "$T/gone" && exec "$LLM_BIN" chat --headless "$T/g.s" --size 100x30 -m test-cheap \
    --agent >"$T/g.out" 2>"$T/g.err") &
client=$!
t_wait test -e "$T/gone/started.txt"
child=$(pgrep -P "$client" | head -n 1)
kill -TERM "$client"
wait "$client"
check "killed: the task's child ends with the client" t_wait sh -c "! kill -0 $child 2>/dev/null"
gtask=$(sql "SELECT max(id) FROM tasks")
fake_reply '{"text":"Done after all.","usage":{"input":600,"output":5}}'
tui_ok_in "$T/gone" "after a kill" g 240x30 -m test-cheap --agent <<S
:type /agent resume
:key Enter
:wait-idle
:dump-screen $T/g0
S
check_screen "after a kill: the task goes on" g0 "task $gtask goes on"
check_screen "after a kill: to its answer" g0 "Done after all."
check_eq "after a kill: the same task" "$(sql "SELECT count(*) FROM usage WHERE task_id = $gtask")" 2
check_contains "after a kill: the stopped call is in the history sent" \
    "$(fake_last body.messages)" "started"

# --- a task another client runs: refused, naming its process; nothing sent -----------------
t_sum_repo "$T/busy" --no-test
fake_reset
fake_reply "{\"text\":\"It adds.\",\"usage\":{\"input\":500,\"output\":20},\"hold_file\":\"$T/go\"}"
cat >"$T/b.s" <<S
:type what does sum.sh do?
:key Enter
:wait-idle
S
(cd "$T/busy" && exec "$LLM_BIN" chat --headless "$T/b.s" --size 100x30 -m test-cheap \
    --agent >"$T/b.out" 2>"$T/b.err") &
client=$!
t_wait _fake_has 1
child=$(pgrep -P "$client" | head -n 1)
btask=$(sql "SELECT max(id) FROM tasks")
tui_ok_in "$T/busy" "busy" u 240x30 -m test-cheap --agent <<S
:type /agent resume $btask and more
:key Enter
:dump-screen $T/u0
S
check_screen "busy: refused, naming the process" u0 \
    "/agent resume: task $btask is being run by process $child: wait for it to end, then resume it, or start a new task with a message in agent mode"
check_eq "busy: nothing more sent" "$(fake_count)" 1
touch "$T/go"
wait "$client"
check_eq "busy: the task ran on to its answer in its own client" "$(sql "SELECT done FROM tasks WHERE id = $btask")" 1

# --- the help names it ------------------------------------------------------------------------
tui_ok "help" e 200x60 <<S
:key F1
:dump-screen $T/e0
S
check_screen "help: /agent resume" e0 "/agent [on|off|cap USD|resume [ID] [MORE]]"
check_screen "help: what it does" e0 "resume goes on with a stopped one"
run_llm chat --help
check_contains "chat --help: /agent resume" "$OUT" "/agent resume goes on with a task that stopped"
run_llm "do" --help
check_contains "do --help: /agent resume" "$OUT" "/agent resume"
check_contains "man page: /agent resume" "$(cat "$LLM_TOP/man/llm.1")" '.BR /agent " [on|off|cap USD|resume [ID] [MORE]]"'
check_contains "README: /agent resume" "$(cat "$LLM_TOP/README.md")" '`/agent resume [ID] [MORE]` does'
