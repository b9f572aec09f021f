# Agent mode in the full-screen client: when the client is killed mid-task, the task ends
# with it: a running command's processes are killed, the step is settled in the ledger, and
# no further request is sent, neither after a command nor after a question left unanswered.
# The task's own process told to stop (SIGTERM, SIGHUP) stops as on Ctrl-C, its note naming
# the signal as the client's own stop does.
# waits: the client and its commands are given time to stop (most of its time).
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_sum_repo "$T/repo" --no-test

# start_task NAME: the client on the script $T/NAME.s in the repository, in the background;
# its pid in $client once the task's child is there, that child's in $task.
start_task() {
	(cd "$T/repo" && exec "$LLM_BIN" chat --headless "$T/$1.s" --size 100x30 -m test-cheap \
	    --agent >"$T/$1.out" 2>"$T/$1.err") &
	client=$!
	t_wait sh -c "pgrep -P $client >/dev/null"
	task=$(pgrep -P "$client" | head -n 1)
}

# gone NAME: kill the client, and wait for its task's child to end.
gone() {
	kill -TERM "$client"
	wait "$client"
	check "$1: the task's child ends with the client" t_wait sh -c "! kill -0 $task 2>/dev/null"
}

# --- killed while a command runs, printing nothing -----------------------------------------
t_config_append '[agent]'
t_config_append 'allow = run'
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"ps -o pgid= -p $$ >group; sleep 300"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"touch second"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never"}'
cat >"$T/r.s" <<S
:type wait for it
:key Enter
:wait-file $T/repo/group
:wait-text this never shows
S
start_task r
t_wait test -s "$T/repo/group"
group=$(tr -d ' ' <"$T/repo/group")
gone "command"
check "command: its process group is killed (pgid $group)" t_wait t_group_gone "$group"
t_group_gone "$group" || kill -9 "-$group"
check_eq "command: no further request" "$(fake_count)" 1
check "command: the next command never ran" [ ! -e "$T/repo/second" ]
check_eq "command: the step is settled, nothing reserved" \
    "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'"),$(sql "SELECT count(*) FROM usage WHERE task_id IS NOT NULL")" "0,1"

# --- the task's child killed (SIGKILL) while a command runs: all the command started goes
# with it, a daemon in a session of its own too
rm -f "$T/repo/group"
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"ps -o pgid= -p $$ >group; setsid sh -c \"echo \\$\\$ >daemon.pid; exec sleep 300\" >/dev/null 2>&1 & sleep 300"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never"}'
start_task r
t_wait test -s "$T/repo/group"
t_wait test -s "$T/repo/daemon.pid"
group=$(tr -d ' ' <"$T/repo/group")
daemon=$(cat "$T/repo/daemon.pid")
kill -KILL "$task"
check "child killed: the command's process group is killed (pgid $group)" \
    t_wait t_group_gone "$group"
check "child killed: the daemon it started is killed" t_wait t_gone "$daemon"
t_group_gone "$group" || kill -9 "-$group"
t_gone "$daemon" || kill -9 "$daemon"
kill -TERM "$client"
wait "$client"

# --- killed while a question waits: not taken as a no that lets the task go on ---------------
t_write_config
sed -i 's/^budget = 0/budget = 1/' "$LLM_CONFIG_DIR/config.ini"
rm -f "$T/repo/group"
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch asked"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"touch asked-again"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never"}'
cat >"$T/q.s" <<S
:type touch it
:key Enter
:wait-text run? y yes
:dump-screen $T/q0
:wait-text this never shows
S
start_task q
t_wait test -s "$T/q0"
gone "question"
check_eq "question: no further request" "$(fake_count)" 1
check "question: the command never ran" [ ! -e "$T/repo/asked" ]
check_eq "question: nothing reserved" "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0

# --- the task's own process told to stop (SIGTERM, or SIGHUP), as when a session ends and
# signals every process in it: the step stops as on C-c, settled by the task itself (its
# latency recorded; a dead holder's row is settled by the next reader, without one)
t_write_config
t_config_append '[agent]'
t_config_append 'allow = run'
for sig in TERM HUP; do
	words=$([ "$sig" = TERM ] && echo terminated || echo "hung up")
	# the last round's screens would pass this round's waits and checks
	rm -f "$T/repo/group" "$T/$sig.go" "$T/s0" "$T/s1" "$T/c1"
	fake_reset
	fake_reply "{\"chunks\":[\"Halfway through \",\"the rest\"],\"hold_file\":\"$T/$sig.go\",\"usage\":{\"input\":900,\"output\":40}}"
	fake_reply '{"text":"never"}'
	cat >"$T/s.s" <<S
:type explain the test
:key Enter
:wait-text Halfway through
:dump-screen $T/s0
:wait-text what was done is kept
:wait-idle
:dump-screen $T/s1
S
	start_task s
	t_wait test -s "$T/s0"
	kill -"$sig" "$task"
	wait "$client"
	touch "$T/$sig.go"
	check_screen "sig$sig streaming: the task stopped as on C-c, the note naming the signal" s1 \
	    "$words: what was done is kept; stopped after 1 step"
	check_not_screen "sig$sig streaming: not said to be interrupted" s1 "interrupted"
	check_eq "sig$sig streaming: the step's row settled by the task" \
	    "$(sql "SELECT status, latency_ms IS NOT NULL FROM usage WHERE task_id IS NOT NULL ORDER BY id DESC LIMIT 1")" "cancelled|1"
	check_eq "sig$sig streaming: nothing reserved" "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
	check_eq "sig$sig streaming: no further request" "$(fake_count)" 1

	fake_reset
	fake_reply '{"calls":[{"name":"run","args":{"command":"ps -o pgid= -p $$ >group; sleep 300"}}],"usage":{"input":500,"output":20}}'
	fake_reply '{"text":"never"}'
	cat >"$T/c.s" <<S
:type wait for it
:key Enter
:wait-file $T/repo/group
:wait-text what was done is kept
:wait-idle
:dump-screen $T/c1
S
	start_task c
	t_wait test -s "$T/repo/group"
	group=$(tr -d ' ' <"$T/repo/group")
	kill -"$sig" "$task"
	wait "$client"
	check "sig$sig command: its process group is killed (pgid $group)" t_wait t_group_gone "$group"
	t_group_gone "$group" || kill -9 "-$group"
	check_screen "sig$sig command: stopped as on C-c" c1 "· stopped, exit 130"
	check_screen "sig$sig command: the note names the signal" c1 \
	    "$words: what was done is kept; stopped after 1 step"
	check_eq "sig$sig command: no further request" "$(fake_count)" 1
	check_eq "sig$sig command: the step is settled, nothing reserved" \
	    "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
done
