# Agent mode on a real terminal (tmux): start in it, approve an edit, see the test pass,
# quit; the terminal is given back. Hung up or terminated mid-task, the step is stopped and
# booked before the client dies of the signal.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
t_tmux
t_config_append '[agent]'
t_config_append 'allow_run = sh test.sh'

t_sum_repo "$T/repo"
fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":1100,\"output\":30}}"
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":1200,"output":20}}'
fake_reply '{"text":"Fixed sum.sh; sh test.sh passes.","usage":{"input":1300,"output":15}}'

tm new-session -d -s a -x 100 -y 30 -c "$T/repo" \
    "sh -c 'exec \"$LLM_BIN\" chat --agent -m test-cheap'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/a.stty\"; echo MODES-SAVED; exec sleep 600"
check_pane "start: in agent mode" a "agent: tools on"
tm send-keys -t a -l "make sh test.sh pass"
tm send-keys -t a Enter
check_pane "approval: the edit asks" a "edit? y yes · n no · a always"
check_pane "approval: its diff" a "+echo \$(( \$1 + \$2 ))"
tm send-keys -t a y
check_pane "the test passes" a "┊ PASS"
check_pane "the run's line" a "▸ run sh test.sh · exit 0"
check_pane "the answer" a "llm  Fixed sum.sh; sh test.sh passes."
check_eq "the file is fixed" "$(cd "$T/repo" && sh test.sh)" PASS
tm send-keys -t a C-c
check_pane "C-c: asks again" a "C-c again to quit"
tm send-keys -t a C-c
check_pane "quit: exit 0" a "EXIT=0"
check_restored "restored" a

# start_in SESSION DIR ARGS: run llm chat ARGS in DIR in a 100x30 pane; its pid in
# $T/SESSION.pid; after it exits the pane shows EXIT=code and keeps open.
start_in() {
	_s=$1 _d=$2
	shift 2
	tm new-session -d -s "$_s" -x 100 -y 30 -c "$_d" \
	    "sh -c 'echo \$\$ >\"$T/$_s.pid\"; exec \"$LLM_BIN\" chat $*'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/$_s.stty\"; echo MODES-SAVED; exec sleep 600"
}
db="$LLM_DATA_DIR/llm.db"

# -- the terminal closes (SIGHUP) while a task's step streams: the step stops as on C-c,
# its cost booked and its reservation settled; then the client dies of the signal
rm -f "$T/hup-go"
fake_reply "{\"chunks\":[\"Halfway through \",\"the rest\"],\"hold_file\":\"$T/hup-go\",\"usage\":{\"input\":900,\"output\":40}}"
fake_reply '{"text":"never"}'
start_in h "$T/repo" --agent -m test-cheap
check_pane "hup: in agent mode" h "agent: tools on"
tm send-keys -t h -l "explain the test"
tm send-keys -t h Enter
check_pane "hup: the step streams" h "Halfway through"
kill -HUP "$(cat "$T/h.pid")"
check_pane "hup: died of SIGHUP" h "EXIT=129"
check_restored "hup" h
touch "$T/hup-go"
check_eq "hup: no reservation left" "$(sqlite3 "$db" "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
check_eq "hup: the step's row is cancelled by the task, with its cost" \
    "$(sqlite3 "$db" "SELECT status, task_id IS NOT NULL, cost_pico > 0, latency_ms IS NOT NULL FROM usage ORDER BY id DESC LIMIT 1")" "cancelled|1|1|1"

# -- SIGTERM while a task's command runs: the command's process group is killed, the step booked
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"echo started; sleep 300 & echo $! >sleeper.pid; wait"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never"}'
rm -f "$T/repo/sleeper.pid"
start_in s "$T/repo" --agent -m test-cheap
check_pane "term: in agent mode" s "agent: tools on"
tm send-keys -t s -l "wait for it"
tm send-keys -t s Enter
check_pane "term: the run asks" s "y yes"
tm send-keys -t s y
check_pane "term: the command runs" s "┊ started"
kill -TERM "$(cat "$T/s.pid")"
check_pane "term: died of SIGTERM" s "EXIT=143"
check_pane "term: said as what it was, with how to go on" s \
    "llm: chat: terminated: the task's step was stopped, what is done is kept; llm do --resume"
check_restored "term" s
sleeper=$(cat "$T/repo/sleeper.pid")
check "term: the command's process group is gone" t_wait t_gone "$sleeper"
check_eq "term: no reservation left" "$(sqlite3 "$db" "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
check_eq "term: the step's row" \
    "$(sqlite3 "$db" "SELECT status, task_id IS NOT NULL FROM usage ORDER BY id DESC LIMIT 1")" "ok|1"

# -- a session that ends signals every process in it: SIGTERM reaches the task's process
# as well as the client's; the step still stops as on C-c, booked and settled
fake_reset
rm -f "$T/end-go"
fake_reply "{\"chunks\":[\"Halfway through \",\"the rest\"],\"hold_file\":\"$T/end-go\",\"usage\":{\"input\":900,\"output\":40}}"
fake_reply '{"text":"never"}'
start_in e "$T/repo" --agent -m test-cheap
check_pane "end: in agent mode" e "agent: tools on"
tm send-keys -t e -l "explain the test"
tm send-keys -t e Enter
check_pane "end: the step streams" e "Halfway through"
client=$(cat "$T/e.pid")
task=$(pgrep -P "$client" | head -n 1)
check "end: the task runs in a process of its own" [ -n "$task" ]
kill -TERM "$client" "$task"
check_pane "end: died of SIGTERM" e "EXIT=143"
check_restored "end" e
touch "$T/end-go"
check_eq "end: no reservation left" "$(sqlite3 "$db" "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
# settled by the task itself, its latency recorded (a dead holder's row is reaped without)
check_eq "end: the step's row is cancelled by the task, with its cost" \
    "$(sqlite3 "$db" "SELECT status, cost_pico > 0, latency_ms IS NOT NULL FROM usage ORDER BY id DESC LIMIT 1")" "cancelled|1|1"
check_eq "end: the next step was never sent" "$(fake_count)" 1

# -- the cap's question comes while the client is stopped and a y waits on the terminal: once it
# goes on the y is dropped, unread; the question waits for a key typed after it shows
fake_reset
rm -f "$T/cap-go"
fake_reply "{\"chunks\":[\"Looking \",\"around.\"],\"calls\":[{\"name\":\"list\",\"args\":{\"path\":\".\"}}],\"hold_file\":\"$T/cap-go\",\"usage\":{\"input\":500,\"output\":20}}"
fake_reply '{"text":"Listed.","usage":{"input":600,"output":10}}'
start_in c "$T/repo" --agent -m test-cheap
check_pane "cap typed ahead: in agent mode" c "agent: tools on"
tm send-keys -t c -l "/agent cap 0.00174"
tm send-keys -t c Enter
tm send-keys -t c -l "look around"
tm send-keys -t c Enter
check_pane "cap typed ahead: the step streams" c "Looking"
kill -STOP "$(cat "$T/c.pid")"
: >"$T/cap-go"
tm send-keys -t c y
sleep 0.5   # the task asks while the client is stopped
kill -CONT "$(cat "$T/c.pid")"
check_pane "cap typed ahead: the question shows" c "y continue +\$0.00174"
check_eq "cap typed ahead: the y typed before it sent nothing" "$(fake_count)" 1
check_not_contains "cap typed ahead: nor raised the cap" "$(tm capture-pane -p -t c)" "the cap is raised"
tm send-keys -t c y
check_pane "cap typed ahead: a y after it raises the cap" c "the cap is raised: the task goes on"
check_pane "cap typed ahead: and the task ends" c "Listed."
tm send-keys -t c C-c C-c
check_pane "cap typed ahead: exit 0" c "EXIT=0"
