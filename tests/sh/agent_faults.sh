# agent_faults: llm do through faults mid-task (bad calls, a flood of output, a command that
# never ends, a provider failing, Ctrl-C) and refusals: no crash, the model told, the ledger settled.
. "${LLM_TOP:-.}/tests/lib.sh"
# Memory is measured only on the plain build: valgrind and AddressSanitizer add their own.
MEASURE_RSS=1
[ -n "${LLM_ASAN:-}${T_VALGRIND:-}" ] && MEASURE_RSS=
t_setup

# check_ledger NAME: the last task's rows against $T/out (--json): every row
# settled, the ids the steps list are the task's rows, and their costs add up
# to each step's and to the task's total.
check_ledger() {
	_id=$(json_get "$T/out" task_id)
	check_eq "$1: no row of the task left reserved" \
	    "$(db_get "SELECT count(*) FROM usage WHERE task_id = ? AND status NOT IN ('ok', 'error', 'cancelled')" "$_id")" 0
	check_eq "$1: the rows and the steps agree" "$(t_py -c '
import json, sqlite3, sys
doc = json.load(open(sys.argv[2]))
db = sqlite3.connect(sys.argv[1])
rows = dict(db.execute("SELECT id, coalesce(cost_pico, -1) FROM usage WHERE task_id = ?", (doc["task_id"],)))
listed = [i for s in doc["steps"] for i in s["ledger_ids"]]
pico = lambda usd: round(usd * 1e12)
bad = []
if sorted(listed) != sorted(rows):
    bad.append("ids %s listed, %s in the ledger" % (sorted(listed), sorted(rows)))
for s in doc["steps"]:
    if pico(s["cost_usd"]) != sum(rows.get(i, 0) for i in s["ledger_ids"]):
        bad.append("step %d: %s USD, rows %s" % (s["n"], s["cost_usd"], s["ledger_ids"]))
if pico(doc["cost_usd"]) != sum(rows.values()):
    bad.append("total %s USD, rows %d pico" % (doc["cost_usd"], sum(rows.values())))
print("; ".join(bad) or "agree")' "$LLM_DATA_DIR/llm.db" "$T/out")" agree
}

# result N K: the content of the Kth message from the end of request N (OpenAI shape).
result() {
	fake_get "$1" "body.messages.-$2.content"
}

# --- one task through every fault, on the cheap tier (test-cheap, then test-local)
# A timeout that 100 MB through a pipe meets even on a loaded machine.
t_config_append '
[agent]
run_timeout = 10'
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"text":"Two at once.","calls":[{"name":"read","args":"{\"path\": sum.sh"},{"name":"frobnicate","args":{"x":1}}]}'
fake_reply '{"calls":[{"name":"write","args":"{\"path\":\"x.c\",\"content\":\"int ma"}],"stop":"length"}'
fake_reply '{"calls":[{"name":"run","args":{"command":"yes | head -c 100000000; echo the end"}}]}'
fake_reply '{"calls":[{"name":"run","args":{"command":"ps -o pgid= -p $$ >group; sleep 600 & echo $! >bg.pid; echo started; wait"}}]}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"text":"Survived."}'
cd "$T/repo" || exit 1
rss=$(t_py -c '
import resource, subprocess, sys
out, err = open(sys.argv[1], "wb"), open(sys.argv[2], "wb")
rc = subprocess.run(sys.argv[3:], stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=120).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
    "$T/out" "$T/err" "$LLM_BIN" "do" -t cheap --allow run --json "survive")
cd - >/dev/null || exit 1
RC=${rss% *}
ERR=$(cat "$T/err")
check_rc "faults: the task ends well (exit 0)" 0
check_eq "faults: the answer" "$(json_get "$T/out" answer)" "Survived."
check_eq "faults: every reply was asked for" "$(fake_count)" 8
check_eq "faults: the fake saw every result with its id" \
    "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" '[]'
# step 1: two bad calls in one turn, each answered
check_contains "faults: invalid JSON arguments told to the model" "$(result 1 2)" "not a valid JSON object"
check_contains "faults: an unknown tool told to the model" "$(result 1 1)" "unknown tool 'frobnicate'"
check_contains "faults: the text of the turn kept" "$(result 1 3)" "Two at once."
# step 2: cut by the length limit
check_contains "faults: a call cut by the length limit told to the model" "$(result 2 1)" "length limit"
check "faults: nothing written by the cut call" [ ! -e "$T/repo/x.c" ]
# step 3: 100 MB of output
big=$(result 3 1)
check_contains "faults: 100 MB of output cut in the middle" "$big" "bytes cut]"
check_contains "faults: its head kept" "$big" "y
y
y"
check_contains "faults: its end kept with the exit status" "$big" "the end
[exit status 0]"
check "faults: what the model gets of it stays small (${#big} bytes)" [ "${#big}" -lt 17000 ]
check "faults: the next request stays small" [ "$(fake_get 3 body | wc -c)" -lt 40000 ]
if [ -n "$MEASURE_RSS" ]; then
	kb=${rss#* }
	check "faults: llm never held the output (max RSS $kb KB)" [ "$kb" -lt 40000 ]
fi
# step 4: a command that never ends
check_contains "faults: the endless command timed out, the model told" "$(result 4 1)" "started
[timed out after 10 s: the command and its processes were killed]"
check_contains "faults: the step line says so" "$ERR" "timed out, exit 124"
group=$(tr -d ' ' <"$T/repo/group")
check "faults: the timed-out command's group is gone (pgid $group)" \
    t_wait t_group_gone "$group"
check "faults: its background child is gone" t_wait t_gone "$(cat "$T/repo/bg.pid")"
# step 5: a 500, retried, then the fallback within the tier
check_contains "faults: three tries" "$ERR" "try 3 of 3"
check_contains "faults: then the fallback within the tier" "$ERR" "fallback: test-cheap failed"
check_eq "faults: the fallback is the tier's next model" "$(fake_get -1 format):$(json_get "$T/out" steps.4.tier)" "ollama:cheap"
check_eq "faults: five steps" "$(json_get "$T/out" steps | t_py -c 'import json,sys; print(len(json.load(sys.stdin)))')" 5
check_ledger "faults"
task=$(json_get "$T/out" task_id)
check_eq "faults: the failed request is an error row" \
    "$(db_get "SELECT count(*) FROM usage WHERE task_id = ? AND status = 'error'" "$task")" 1
t_write_config

# waiting_task: start llm do on a task whose command waits on a background sleep, after
# starting a daemon (a sleep in a session of its own, that keeps the output pipe), and wait
# for both to run; pid is llm's, group the command's process group.
waiting_task() {
	t_sum_repo "$T/repo"
	fake_reset
	fake_reply '{"text":"Waiting.","usage":{"input":700,"output":30},"calls":[{"name":"run","args":{"command":"ps -o pgid= -p $$ >group; setsid sh -c \"echo \\$\\$ >daemon.pid; exec sleep 300\" & sleep 300 & echo $! >sleeper.pid; wait"}}]}'
	fake_reply '{"text":"never"}'
	cd "$T/repo" || exit 1
	"$LLM_BIN" "do" -m test-cheap --allow run --json "wait" >"$T/out" 2>"$T/err" &
	pid=$!
	cd - >/dev/null || exit 1
	t_wait test -s "$T/repo/sleeper.pid"
	t_wait test -s "$T/repo/daemon.pid"
	group=$(tr -d ' ' <"$T/repo/group")
}

# gone NAME: whether the process whose pid is in $T/repo/NAME.pid is gone.
gone() {
	t_gone "$(cat "$T/repo/$1.pid")"
}

# kill_left NAME...: kill what a failed check left: the processes whose pids are in
# $T/repo/NAME.pid.
kill_left() {
	for _n; do
		gone "$_n" || kill -9 "$(cat "$T/repo/$_n.pid")"
	done
}

# --- Ctrl-C during run: the step stops, the command's process group is killed, all recorded, 130
waiting_task
check "ctrl-c: the command runs in a group of its own" [ -n "$group" ] && [ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]
kill -INT "$pid"
wait "$pid"
RC=$?
check_rc "ctrl-c: exit 130" 130
check "ctrl-c: the command's process group is gone (pgid $group)" t_wait t_group_gone "$group"
check "ctrl-c: its background child is gone" t_wait gone sleeper
check "ctrl-c: the daemon it started is gone" t_wait gone daemon
kill_left sleeper daemon
check_eq "ctrl-c: the next step was never sent" "$(fake_count)" 1
check_eq "ctrl-c: the status in --json" "$(json_get "$T/out" status)" cancelled
check_contains "ctrl-c: the step is listed" "$(cat "$T/err")" "1 · cheap · test-cheap"
check_contains "ctrl-c: the run marked stopped" "$(cat "$T/err")" "stopped, exit 130"
check_ledger "ctrl-c"
check "ctrl-c: the step's cost is counted" [ "$(db_get "SELECT sum(cost_pico) FROM usage WHERE task_id = ?" "$(json_get "$T/out" task_id)")" -gt 0 ]

# --- killed during run (SIGTERM, or SIGHUP when its terminal closes): the command's
# process group goes with llm, the step is recorded, exit 128 + the signal
for sig in TERM:143 HUP:129; do
	want=${sig#*:}
	sig=${sig%:*}
	waiting_task
	kill -"$sig" "$pid"
	wait "$pid"
	RC=$?
	check_rc "sig$sig: exit $want (128 + the signal)" "$want"
	check "sig$sig: the command's process group is gone (pgid $group)" \
	    t_wait t_group_gone "$group"
	check "sig$sig: its background child is gone" t_wait gone sleeper
	check "sig$sig: the daemon it started is gone" t_wait gone daemon
	t_group_gone "$group" || kill -9 "-$group"
	kill_left sleeper daemon
	check_eq "sig$sig: the next step was never sent" "$(fake_count)" 1
	check_contains "sig$sig: the run marked stopped" "$(cat "$T/err")" "stopped, exit 130"
	check_ledger "sig$sig"
done

# --- killed by SIGKILL during run, with no chance to clean up: all the command started goes too
waiting_task
kill -KILL "$pid"
wait "$pid"
RC=$?
check_rc "sigKILL: exit 137" 137
check "sigKILL: the command's process group is gone (pgid $group)" \
    t_wait t_group_gone "$group"
check "sigKILL: its background child is gone" t_wait gone sleeper
check "sigKILL: the daemon it started is gone" t_wait gone daemon
t_group_gone "$group" || kill -9 "-$group"
kill_left sleeper daemon

# --- what a command leaves running, even in a session of its own or forked twice, ends
# with it, and one that keeps the output pipe open does not hold the step
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"setsid sh -c \"echo \\$\\$ >daemon.pid; exec sleep 300\" & (setsid sh -c \"echo \\$\\$ >forked.pid; exec sleep 300\" >/dev/null 2>&1 &); until [ -s daemon.pid ] && [ -s forked.pid ]; do sleep 0.01; done; echo started"}}]}'
fake_reply '{"text":"Started."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow run --json "start a daemon"
cd - >/dev/null || exit 1
check_rc "daemons: the task ends (exit 0)" 0
check_contains "daemons: the command's end told to the model" "$(result 1 1)" "started
[exit status 0]"
check "daemons: the one in a session of its own is gone" t_wait gone daemon
check "daemons: the double-forked one is gone" t_wait gone forked
kill_left daemon forked

# --- Ctrl-C, killed or hung up while the model answers: the request is stopped, its row
# settled, the task stopped, exit 128 + the signal
for sig in INT:130:interrupted TERM:143:terminated HUP:129:hung_up; do
	words=$(echo "${sig##*:}" | tr _ ' ')
	sig=${sig%:*}
	want=${sig#*:}
	sig=${sig%:*}
	t_sum_repo "$T/repo"
	fake_reset
	fake_reply '{"calls":[{"name":"list","args":{"path":"."}}]}'
	fake_reply '{"text":"Thinking hard about it.","fault":"stall","seconds":30}'
	cd "$T/repo" || exit 1
	"$LLM_BIN" "do" -m test-cheap --json "wait" >"$T/out" 2>"$T/err" &
	pid=$!
	cd - >/dev/null || exit 1
	t_wait sh -c "[ \$(grep -c . '$T/fake.log') -ge 2 ]"
	kill -"$sig" "$pid"
	wait "$pid"
	RC=$?
	check_rc "sig$sig mid-answer: exit $want" "$want"
	check_eq "sig$sig mid-answer: no third request" "$(fake_count)" 2
	check_contains "sig$sig mid-answer: both steps listed, the stop named" "$(cat "$T/err")" \
	    "2 · cheap · test-cheap · $words"
	check_contains "sig$sig mid-answer: the task's end names it" "$(cat "$T/err")" \
	    "llm: do: $words (the partial answer was kept); stopped after 2 steps"
	check_eq "sig$sig mid-answer: --json's error names it" "$(json_get "$T/out" error)" \
	    "$words (the partial answer was kept)"
	check_eq "sig$sig mid-answer: the task stopped" "$(json_get "$T/out" status)" cancelled
	check_eq "sig$sig mid-answer: the stopped request's row" \
	    "$(db_get "SELECT status FROM usage WHERE task_id = ? ORDER BY id DESC LIMIT 1" "$(json_get "$T/out" task_id)")" cancelled
	check_ledger "sig$sig mid-answer"
done

# --- refusals through llm do: the model is told, nothing outside is read or written
BOX=$T/box
t_sum_repo "$BOX/repo"
printf 'outside\n' >"$BOX/canary"
(
	cd "$BOX/repo" || exit 1
	ln -s ../canary link
	printf 'TOKEN=s3cret\n' >.env
	printf 'a\000b\n' >blob.bin
	git status --porcelain --ignored >"$T/status.before"
)
# everything outside the repository, and the repository's .git, as they are
snapshot() {
	(cd "$BOX" && find . -path ./repo -prune -o -print | sort && cat canary && find repo/.git -type f | sort | xargs cksum)
}
before=$(snapshot)
fake_reset
fake_reply "$(t_py -c '
import json, sys
calls = [("read", {"path": "../../etc/passwd"}), ("read", {"path": sys.argv[1] + "/canary"}),
         ("read", {"path": "link"}), ("read", {"path": ".env"}), ("read", {"path": "blob.bin"}),
         ("write", {"path": ".git/hooks/pre-commit", "content": "evil"}),
         ("write", {"path": "link", "content": "evil", "overwrite": True}),
         ("edit", {"path": "sum.sh", "old": "-", "new": "+"}),
         ("run", {"command": "cat ../canary >stolen"})]
print(json.dumps({"calls": [{"name": n, "args": a} for n, a in calls]}))' "$BOX")"
fake_reply '{"text":"Refused everywhere."}'
cd "$BOX/repo" || exit 1
run_llm "do" -m test-cheap --json "try everything"
cd - >/dev/null || exit 1
check_rc "refusals: the task goes on to its answer" 0
check_eq "refusals: every result back with its id" "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" '[]'
n=9
for want in "outside the workspace" "outside the workspace" "outside the workspace" "may hold secrets" \
    "binary" ".git/" "outside" "no terminal" "no terminal"; do
	got=$(result 1 "$n")
	check_contains "refusals: result $((10 - n)) tells the model ($want)" "$got" "$want"
	n=$((n - 1))
done
check_not_contains "refusals: the canary never sent" "$(fake_get 1 body)" "outside\\n"
check_not_contains "refusals: the secret never sent" "$(fake_get 1 body)" "s3cret"
check_not_contains "refusals: /etc/passwd never sent" "$(fake_get 1 body)" "root:"
check_eq "refusals: nothing outside the workspace or in .git changed" "$(snapshot)" "$before"
check_eq "refusals: nothing in the workspace changed" \
    "$(cd "$BOX/repo" && git status --porcelain --ignored)" "$(cat "$T/status.before")"
check_ledger "refusals"

# --- a fallback to Gemini mid-task (each turn opens with the fake's default text part): the calls another model made go back with the
# sentinel Gemini 3 takes in place of a thought signature, its own with theirs
t_config_append "$(t_model test-gem gemini test-gem-1 cheap 0.10 0.40 'context = 1000000')"
t_config_append '
[tier.cheap]
models = test-cheap, test-gem'
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}]}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"calls":[{"name":"search","args":{"pattern":"echo"}}]}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"text":"Read it twice."}'
cd "$T/repo" || exit 1
run_llm "do" -t cheap --json "look around"
cd - >/dev/null || exit 1
check_rc "to gemini: exit 0" 0
check_eq "to gemini: the fallbacks went to Gemini" "$(fake_get 4 path) $(fake_get 8 path)" \
    "/v1beta/models/test-gem-1:streamGenerateContent /v1beta/models/test-gem-1:streamGenerateContent"
check_eq "to gemini: the fake, strict as Gemini 3, took every turn" \
    "$(curl -sS --noproxy '*' "$FAKE_URL/_control/tool_errors")" '[]'
check_eq "to gemini: the other model's first call carries the sentinel" \
    "$(fake_get 4 body.contents.1.parts.1.thoughtSignature)" skip_thought_signature_validator
check "to gemini: its second call carries none" [ -z "$(fake_get 4 body.contents.1.parts.2.thoughtSignature 2>/dev/null)" ]
check_contains "to gemini: Gemini's own call comes back with its signature" \
    "$(fake_get 8 body.contents.3.parts.1.thoughtSignature)" "sig-"
check_eq "to gemini: the answer" "$(json_get "$T/out" answer)" "Read it twice."
check_ledger "to gemini"
t_write_config

# --- denied approvals on a terminal: the diff shown on d, then no; the model told, nothing changed
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}},{"name":"run","args":{"command":"touch ran"}}]}'
fake_reply '{"text":"The user said no."}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "allow?" d "allow?" n "allow?" n -- "do" -m test-cheap "fix sum.sh"
cd - >/dev/null || exit 1
check_rc "denied: the task ends (exit 0)" 0
check_contains "denied: asked about the edit" "$(cat "$T/pty.out")" "llm: edit sum.sh (+1 −1)"
check_contains "denied: d showed the diff" "$(cat "$T/pty.out")" "+echo \$(( \$1 + \$2 ))"
check_contains "denied: asked about the command" "$(cat "$T/pty.out")" "llm: run: touch ran"
check_contains "denied: the model told of the edit" "$(result 1 2)" "the user declined this edit"
check_contains "denied: the model told of the command" "$(result 1 1)" "the user declined this run"
check_eq "denied: sum.sh unchanged" "$(cd "$T/repo" && git status --porcelain)" ""
check "denied: the command never ran" [ ! -e "$T/repo/ran" ]

# --- a command an allow_run prefix does not cover: the question says which rule and why; a
# command no rule is near is asked about plainly
t_sum_repo "$T/repo"
t_config_append '
[agent]
allow_run = sh test.sh'
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh; touch ran"}},{"name":"run","args":{"command":"touch ran"}}]}'
fake_reply '{"text":"The user said no."}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "allow?" n "allow?" n -- "do" -m test-cheap "run the test"
cd - >/dev/null || exit 1
check_rc "not covered: the task ends (exit 0)" 0
check_contains "not covered: the command, then why it is asked, then the question" "$(cat "$T/pty.out")" \
    "llm: run: sh test.sh; touch ran
llm: not allowed without asking: [agent] allow_run has 'sh test.sh', but this command holds ';', which a shell may take as another command, a redirection or an expansion
allow? [y]es [n]o [a]lways for run in this task"
check_eq "not covered: a command no rule is near has no why" "$(grep -c 'not allowed without asking' "$T/pty.out")" 1
check "not covered: nothing ran" [ ! -e "$T/repo/ran" ]
t_write_config

# --- material piped in at a terminal: the questions are still asked there, and answered
t_sum_repo "$T/repo"
printf 'FAIL: sum 2 3 gave -1\n' >"$T/log.txt"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}]}'
fake_reply '{"text":"Fixed."}'
cd "$T/repo" || exit 1
PTY_STDIN="$T/log.txt" on_pty_answer "$T/pty.out" "allow?" y -- "do" -m test-cheap "fix the failure below"
cd - >/dev/null || exit 1
check_rc "piped: the task ends (exit 0)" 0
check_contains "piped: the material reached the model" "$(fake_get 0 body)" "FAIL: sum 2 3 gave -1"
check_contains "piped: asked about the edit on the terminal" "$(cat "$T/pty.out")" "llm: edit sum.sh (+1 −1)"
check_not_contains "piped: not refused for want of a terminal" "$(result 1 1)" "no terminal"
check_contains "piped: the edit made" "$(cat "$T/repo/sum.sh")" '$1 + $2'

# --- the home directory without git is no project: a script is refused, a terminal asked
printf 'GH_TOKEN=ghp_x\n' >"$HOME/.bash_history"
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":".bash_history"}}]}'
fake_reply '{"text":"Read your history."}'
cd "$HOME" || exit 1
run_llm "do" -m test-cheap "tidy up"
check_rc "home: a script is refused (exit 2)" 2
check_contains "home: says why" "$ERR" "your home is no project (no git): tools would reach all of it"
check_eq "home: nothing sent" "$(fake_count)" 0
on_pty_answer "$T/pty.out" "Go on here?" "n\\r" -- "do" -m test-cheap "tidy up"
check_rc "home: n on a terminal stops it (exit 2)" 2
check_eq "home: still nothing sent" "$(fake_count)" 0
on_pty_answer "$T/pty.out" "Go on here?" "$(printf '\004')" -- "do" -m test-cheap "tidy up"
check_rc "home: Ctrl-D on a terminal stops it (exit 2)" 2
check_eq "home: the refusal on a line of its own after Ctrl-D" \
    "$(grep -c '^llm: do: your home is no project (no git): tools would reach all of it; run' "$T/pty.out")" 1
check_eq "home: nothing sent after Ctrl-D" "$(fake_count)" 0
on_pty_answer "$T/pty.out" "Go on here?" "$(printf '\003')" -- "do" -m test-cheap "tidy up"
check_rc "home: Ctrl-C on a terminal stops it as an interruption (exit 130)" 130
check_contains "home: said so" "$(cat "$T/pty.out")" "llm: do: interrupted before the task started"
check_eq "home: nothing sent after Ctrl-C" "$(fake_count)" 0
on_pty_answer "$T/pty.out" "Go on here?" "y\\r" -- "do" -m test-cheap "tidy up"
check_rc "home: y on a terminal goes on (exit 0)" 0
check_contains "home: and the task runs" "$(cat "$T/pty.out")" "Read your history."
cd - >/dev/null || exit 1
# a directory above the home, without git, reaches all of the home as well
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":"home/.bash_history"}}]}'
fake_reply '{"text":"Read your history."}'
cd "$T" || exit 1
run_llm "do" -m test-cheap "tidy up"
check_rc "above home: a script is refused (exit 2)" 2
check_contains "above home: says why" "$ERR" \
    "llm: do: $(pwd -P), which holds your home, is no project (no git): tools would reach all of it"
check_eq "above home: nothing sent" "$(fake_count)" 0
cd - >/dev/null || exit 1

# --- no key for the worker: refused as plain llm refuses it, before any step, task or row
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"text":"Done."}'
rows=$(db_get "SELECT count(*) FROM usage")
tasks=$(db_get "SELECT count(*) FROM tasks")
cd "$T/repo" || exit 1
(unset OPENAI_API_KEY; run_llm "do" -m test-cheap "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "no key, pinned: exit 4" "$(cat "$T/rc")" 4
check_eq "no key, pinned: plain llm's words, no step line" "$ERR" \
    "llm: do: no API key for provider openai: set the environment variable OPENAI_API_KEY, store one in the keyring with \`llm keys set openai\`, or set key_command under [provider.openai] in config.ini"
(unset ANTHROPIC_API_KEY GEMINI_API_KEY; run_llm "do" -t mid "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "no key, routed: exit 4" "$(cat "$T/rc")" 4
check_contains "no key, routed: says which key" "$ERR" "llm: do: no model of the mid tier has a key; no API key for provider anthropic"
check_not_contains "no key, routed: no task said stopped" "$ERR" "stopped after"
cd - >/dev/null || exit 1
check_eq "no key: nothing sent" "$(fake_count)" 0
check_eq "no key: no ledger row" "$(db_get "SELECT count(*) FROM usage")" "$rows"
check_eq "no key: no task" "$(db_get "SELECT count(*) FROM tasks")" "$tasks"

# --- every key the task needs is got before its first step, key_command run: a failing one,
# or a missing key of the advisor [agent] names, stops it as a missing key of the worker does
cd "$T/repo" || exit 1
sed -i "s|^\[provider.openai\]\$|[provider.openai]\nkey_command = printf sk-leaky-cmd-4242; exit 3|" \
    "$LLM_CONFIG_DIR/config.ini"
(unset OPENAI_API_KEY; run_llm "do" -m test-cheap "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "key_command fails: exit 4" "$(cat "$T/rc")" 4
check_eq "key_command fails: said once, as plain llm says it, no step line" "$ERR" \
    "llm: do: no API key for provider openai: set the environment variable OPENAI_API_KEY, store one in the keyring with \`llm keys set openai\`, or set key_command under [provider.openai] in config.ini (provider openai: key_command exited with status 3)"
(unset OPENAI_API_KEY; run_llm "do" -t cheap "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "key_command fails, routed: exit 4" "$(cat "$T/rc")" 4
check_contains "key_command fails, routed: says why" "$ERR" "(provider openai: key_command exited with status 3)"
check_not_contains "key_command fails: its output is never shown" "$ERR" "sk-leaky"
t_write_config
t_config_append '[agent]'
t_config_append 'advisor = test-mid'
(unset ANTHROPIC_API_KEY; run_llm "do" -m test-cheap "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "advisor without a key: exit 4" "$(cat "$T/rc")" 4
check_eq "advisor without a key: says whose key, and where it is named" "$ERR" \
    "llm: do: the advisor test-mid ([agent] advisor): no API key for provider anthropic: set the environment variable ANTHROPIC_API_KEY, store one in the keyring with \`llm keys set anthropic\`, or set key_command under [provider.anthropic] in config.ini"
cd - >/dev/null || exit 1
check_eq "keys: nothing sent" "$(fake_count)" 0
check_eq "keys: no ledger row" "$(db_get "SELECT count(*) FROM usage")" "$rows"
check_eq "keys: no task" "$(db_get "SELECT count(*) FROM tasks")" "$tasks"

# keys it may never need are warned of, and the task runs: the default advisor's (the frontier
# tier's), then without the advise tool, and the tier's fallback after a failed request
t_write_config
t_config_append "
$(t_model test-cheap2 anthropic test-cheap-2 cheap 1 5 'context = 200000')"
sed -i 's/^models = test-cheap, test-local$/models = test-cheap, test-cheap2/' \
    "$LLM_CONFIG_DIR/config.ini"
sed -i "s|^\[provider.anthropic\]\$|[provider.anthropic]\nkey_command = exit 5|" \
    "$LLM_CONFIG_DIR/config.ini"
cd "$T/repo" || exit 1
fake_reset
fake_reply '{"text":"Done."}'
(unset ANTHROPIC_API_KEY GEMINI_API_KEY; run_llm "do" -t cheap "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "optional keys: the task runs (exit 0)" "$(cat "$T/rc")" 0
check_contains "optional keys: the fallback's is warned of" "$ERR" \
    "llm: do: the fallback test-cheap2 cannot be used: no API key for provider anthropic"
check_contains "optional keys: and what that means" "$ERR" \
    "(provider anthropic: key_command exited with status 5); a request to test-cheap that fails stops its step"
check_contains "optional keys: so is the advisor's" "$ERR" \
    "llm: do: no model of the frontier tier has a key, so this task has no advisor (the advise tool)"
check_eq "optional keys: no advise tool offered" \
    "$(fake_get 0 body.tools | t_py -c 'import json,sys; print(",".join(t["function"]["name"] for t in json.load(sys.stdin)))')" \
    "read,list,search,edit,write,run"
check_not_contains "optional keys: nor named in the system prompt" "$(fake_get 0 body.messages.0.content)" "advise"
fake_reset
fake_reply '{"text":"Done."}'
(unset ANTHROPIC_API_KEY GEMINI_API_KEY; run_llm "do" -q -t cheap "fix sum.sh"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
check_eq "optional keys: -q runs the task and says nothing" "$(cat "$T/rc"),$(cat "$T/err")" "0,"
cd - >/dev/null || exit 1
t_write_config

# --- stdout that does not take the answer: why, as plain llm says it
t_sum_repo "$T/repo"
cd "$T/repo" || exit 1
fake_reset
fake_reply '{"text":"Done."}'
"$LLM_BIN" "do" -m test-cheap "fix sum.sh" >/dev/full 2>"$T/err"
check_eq "full stdout: exit 2" "$?" 2
check_contains "full stdout: names the error" "$(cat "$T/err")" "llm: stdout: No space left on device"
check_not_contains "full stdout: not a bare write error" "$(cat "$T/err")" "write error"
# its reader gone before the answer: 141, as a process killed by SIGPIPE, and nothing said
t_py -c 'import json; print(json.dumps({"text": "word " * 25000}))' >"$T/long.json"
fake_reply "$(cat "$T/long.json")"
("$LLM_BIN" "do" -q -m test-cheap "fix sum.sh" 2>"$T/pipe.err"; echo $? >"$T/pipe.rc") | head -c 3 >/dev/null
check_eq "stdout's reader left: exit 141" "$(cat "$T/pipe.rc")" 141
check_eq "stdout's reader left: nothing on stderr" "$(cat "$T/pipe.err")" ""
# the step lines' reader gone: the task goes on to its answer, not killed mid-task
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}]}'
fake_reply '{"text":"Listed."}'
check_eq "step lines' reader left: the task ends with its answer" "$(t_py -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[2], "wb") as out:
    p = subprocess.run([sys.argv[1], "do", "-m", "test-cheap", "list"], stdin=subprocess.DEVNULL,
                       stdout=out, stderr=w)
print(p.returncode, open(sys.argv[2]).read().strip())' "$LLM_BIN" "$T/do.out")" "0 Listed."
cd - >/dev/null || exit 1
run_llm "do" --help
check_contains "do --help: exit code 141" "$OUT" "141 stdout closed before the answer was written"
check "llm.1: llm do's exit 141" grep -q "141 when standard output was closed before the answer" "$LLM_TOP/man/llm.1"

# --- the run question from below the workspace's root: the command runs at the root
t_sum_repo "$T/repo"
mkdir -p "$T/repo/sub"
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch ran"}}]}'
fake_reply '{"text":"Not run."}'
cd "$T/repo/sub" || exit 1
on_pty_answer "$T/pty.out" "allow?" "n" -- "do" -m test-cheap "touch a file"
check_rc "run from below the root: the task ends (exit 0)" 0
check_contains "run from below the root: the question says where it runs" "$(cat "$T/pty.out")" \
    "llm: run: touch ran
llm: it runs in the workspace's root, $(cd "$T/repo" && pwd -P), not in this directory
allow? [y]es"
fake_reply '{"calls":[{"name":"run","args":{"command":"touch ran"}}]}'
fake_reply '{"text":"Not run."}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "allow?" "n" -- "do" -m test-cheap "touch a file"
check_contains "run at the root: asked" "$(cat "$T/pty.out")" "llm: run: touch ran"
check_not_contains "run at the root: nothing said of where" "$(cat "$T/pty.out")" "workspace's root"
cd - >/dev/null || exit 1
