# Agent mode in the full-screen client: turning it on and off, asking outside a workspace,
# a command's output streamed and stopped with Ctrl-C, the advisor's block, the cap's question.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
t_config_append '[agent]'
t_config_append 'allow = run'

t_sum_repo "$T/repo" --no-test

# --- on and off: F7, /agent, the route line ---------------------------------------
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"echo started; echo second line; sleep 300 & echo $! >sleeper.pid; wait"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never"}'
tui_ok_in "$T/repo" "control" c 100x30 -m test-cheap <<S
:dump-screen $T/c0
:key F7
:dump-screen $T/c1
:type /agent
:key Enter
:dump-screen $T/c2
:type /agent on
:key Enter
:type wait for it
:key Enter
:wait-file $T/repo/sleeper.pid
:wait-text second line
:dump-screen $T/c3
:key C-c
:wait-idle
:dump-screen $T/c4
S
check_not_contains "off: no word of it on the route line" "$(row "$T/c0" 'route ')" "agent"
check_contains "F7: on, and the route line says so" "$(row "$T/c1" 'route ')" "agent: tools on"
check_screen "F7: said" c1 "agent mode: a message is a task with tools in this workspace"
check_not_contains "/agent: off again" "$(row "$T/c2" 'route ')" "agent"
check_screen "/agent: said" c2 "agent mode off: messages are plain turns"

# the command's output streamed into the running block, then Ctrl-C
c3=$(screen "$T/c3")
check_contains "stream: the running block" "$c3" "⋯ running"
check_contains "stream: the output so far" "$c3" "┊ started"
check_contains "stream: its second line" "$c3" "┊ second line"
check_contains "stream: the route line says it works" "$(row "$T/c3" 'route ')" "agent: working"
c4=$(screen "$T/c4")
check_contains "ctrl-c: the command stopped" "$c4" "· stopped, exit 130"
check_contains "ctrl-c: what was done is kept" "$c4" "interrupted: what was done is kept; stopped after 1 step"
check_not_contains "ctrl-c: the running block is gone" "$c4" "⋯ running"
sleeper=$(cat "$T/repo/sleeper.pid")
check "ctrl-c: the command's process group is gone" t_wait sh -c "! kill -0 $sleeper 2>/dev/null"
check_eq "ctrl-c: the next step was never sent" "$(fake_count)" 1
check_eq "ctrl-c: the step is recorded, nothing left reserved" \
    "$(sql "SELECT count(*) FROM usage WHERE status = 'reserved'"),$(sql "SELECT count(*) FROM usage WHERE task_id IS NOT NULL")" "0,1"

# --- Ctrl-C while the answer streams: what came so far stays, with its cost ------------
fake_reset
fake_reply "{\"chunks\":[\"Halfway through \", \"the rest\"],\"hold_file\":\"$T/never\",\"usage\":{\"input\":900,\"output\":40}}"
# the first piece is on loopback well within a second of the request
(fake_wait_count 1 && sleep 1 && : >"$T/streamed") &
streamed=$!
tui_ok_in "$T/repo" "partial" p 100x30 -m test-cheap --agent <<S
:type explain the test
:key Enter
:wait-file $T/streamed
:key C-c
:wait-idle
:dump-screen $T/p0
S
wait "$streamed"
check_screen_each p0 <<'EOF'
ctrl-c mid-answer: what streamed is kept|“ Halfway through
ctrl-c mid-answer: the step is priced|step 1 · cheap · test-cheap · ~
ctrl-c mid-answer: the task stopped|interrupted: what was done is kept; stopped after 1 step
EOF
check_above "ctrl-c mid-answer: then why the step ended" p0 '“ Halfway through' "│ interrupted  "
check_not_screen "ctrl-c mid-answer: nothing after the stop" p0 "the rest"
check_eq "ctrl-c mid-answer: what streamed shown once" "$(grep -c -F 'Halfway through' "$T/p0")" 1

# a reply cut short says its partial answer was kept: it is on the screen
fake_reset
fake_reply '{"text":"Partial answer before the cut","fault":"cut"}'
tui_ask_in "$T/repo" "cut" k "explain the test" 100x30 -m test-cheap --agent
check_screen "cut mid-answer: what came is kept" k0 '“ Partial'
check_screen "cut mid-answer: the error says so" k0 "partial answer was kept)"

# --- the advisor's answer as a quoted block with its model and cost ----------------
fake_reset
fake_reply '{"calls":[{"name":"advise","args":{"question":"Where is the bug?"}}],"usage":{"input":600,"output":20}}'
fake_reply '{"text":"Check the sign in sum.sh.\nThen run the test.","usage":{"input":300,"output":12}}'
fake_reply '{"text":"The sign is wrong.","usage":{"input":700,"output":8}}'
tui_ask_in "$T/repo" "advisor" v "where is the bug?" 100x30 -m test-cheap --agent
check_screen_each v0 <<'EOF'
advisor: the call|▸ advise
advisor: its answer quoted|│ Check the sign in sum.sh.
advisor: all of it|│ Then run the test.
advisor: its own step, model and cost|step 2 · advisor · frontier · test-frontier · 300→12 tok · $
advisor: the answer|The sign is wrong.
EOF
check_eq "advisor: three requests" "$(fake_count)" 3

# --- outside a workspace: asked first -------------------------------------------------
tui_ok_in "$HOME" "home" h 100x30 --agent <<S
:dump-screen $T/h0
:key n
:dump-screen $T/h1
:key F7
:key y
:dump-screen $T/h2
S
check_screen "home: asked" h0 "your home is no project (no git): tools would reach all of it. Agent mode here? y/n"
check_not_contains "home: not on before the answer" "$(row "$T/h0" 'route ')" "agent"
check_screen "home: n keeps it off" h1 "agent mode stays off"
check_not_contains "home: off" "$(row "$T/h1" 'route ')" "agent"
check_contains "home: y turns it on" "$(row "$T/h2" 'route ')" "agent: tools on"
# a y typed with the key that asks, before the question is drawn, answers nothing
tui_ok_in "$HOME" "home typed ahead" ht 100x30 <<S
:key F7 y
:dump-screen $T/ht0
:key y
:dump-screen $T/ht1
S
check_screen "home typed ahead: asked" ht0 "Agent mode here? y/n"
check_not_contains "home typed ahead: the y typed before it left it off" "$(row "$T/ht0" 'route ')" "agent"
check_contains "home typed ahead: a y after it turns it on" "$(row "$T/ht1" 'route ')" "agent: tools on"
# a directory above the home, without git, reaches all of the home as well
tui_ok_in "$T" "above home" u 200x30 --agent <<S
:dump-screen $T/u0
S
check_screen "above home: asked" u0 "$(cd "$T" && pwd -P), which holds your home, is no project (no git): tools would reach all of it. Agent mode here? y/n"
check_not_contains "above home: not on before the answer" "$(row "$T/u0" 'route ')" "agent"

# --- the cap's question, answered yes and then no ---------------------------------------
# Each step's worst case is about $0.0017 on test-cheap: $0.00087 cannot start the task, twice
# that runs one step, and the second needs more again.
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
tui_ok_in "$T/repo" "cap" k 100x30 -m test-cheap --agent <<S
:type /agent cap 0.00087
:key Enter
:type look around
:key Enter
:wait-text y allows
:dump-screen $T/k0
:key y
:wait-text cap \$0.00174
:dump-screen $T/k1
:key n
:wait-idle
:dump-screen $T/k2
S
check_screen "cap: asked before the first step" k0 \
    "the next step could pass the task's cap \$0.00087 (spent \$0.00): y allows \$0.00087 more, n stops"
check_screen "cap: y raised it" k1 "the cap is raised: the task goes on"
check_screen "cap: the step ran under the raised cap" k1 "▸ list . 2 files"
check_screen "cap: the step's line has the raised cap" k1 "task \$0.000058 of \$0.00174 cap"
check_screen "cap: asked again with the raised cap" k1 "could pass the task's cap \$0.00174"
k2=$(screen "$T/k2")
check_contains "cap: n stopped it" "$k2" "stopped at the cap"
check_contains "cap: the reason and the total" "$k2" "stopped after 1 step (task $(sql "SELECT max(id) FROM tasks"): \$"
task=$(sql "SELECT max(id) FROM tasks")
check_eq "cap: one request recorded in the task" "$(sql "SELECT count(*) FROM usage WHERE task_id = $task")" 1
check_eq "cap: the second step never sent" "$(fake_count)" 1

# --- F2/F3 mid-task: the tier and the pin apply from the next step on -------------------
fake_reset
fake_reply '{"text":"Waiting.","calls":[{"name":"run","args":{"command":"echo waiting; while [ ! -f go ]; do sleep 0.05; done"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"Waiting again.","calls":[{"name":"run","args":{"command":"echo again; while [ ! -f go2 ]; do sleep 0.05; done"}}],"usage":{"input":600,"output":20}}'
fake_reply '{"text":"Done.","usage":{"input":700,"output":5}}'
rm -f "$T/repo/go" "$T/repo/go2"
tui_ok_in "$T/repo" "mid-task" r 100x40 --agent <<S
:type look at the files
:key Enter
:wait-text ┊ waiting
:type /tier frontier
:key Enter
:touch $T/repo/go
:wait-text ┊ again
:type /model test-mid
:key Enter
:touch $T/repo/go2
:wait-idle
:dump-screen $T/r0
S
r0=$(screen "$T/r0")
check_contains "mid-task: the tier override said" "$r0" "from the next step on: tier frontier"
check_contains "mid-task: the pin said" "$r0" "from the next step on: model test-mid"
task=$(sql "SELECT max(id) FROM tasks")
check_eq "mid-task: step 2 on the frontier tier, step 3 on the pinned model" \
    "$(sql "SELECT tier || ':' || model FROM usage WHERE task_id = $task ORDER BY id LIMIT 2 OFFSET 1" | tr '\n' ' ')" \
    "frontier:test-frontier mid:test-mid "
check_contains "mid-task: step 2's line" "$r0" "step 2 · frontier · test-frontier"
check_contains "mid-task: step 3's line" "$r0" "step 3 · mid · test-mid"

# --- F2 while a write waits for its approval: the question stays, the next step takes the tier
fake_reset
fake_reply '{"text":"Writing.","calls":[{"name":"write","args":{"path":"tier.txt","content":"x\n"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"Done.","usage":{"input":700,"output":5}}'
tui_ok_in "$T/repo" "tier at a question" q 100x40 --agent <<S
:type look at the files
:key Enter
:wait-text write? y yes
:key F2
:key F2
:key F2
:dump-screen $T/q0
:key y
:wait-idle
:dump-screen $T/q1
S
check_contains "tier at a question: the tier cycled" "$(row "$T/q0" 'tier: ')" "tier: frontier"
check_screen "tier at a question: said for the next step" q0 "from the next step on: tier frontier"
check_screen "tier at a question: the question stays" q0 "write? y yes · n no · a always (this task)"
check_screen "tier at a question: y still answers it" q1 "▸ write tier.txt +1"
task=$(sql "SELECT max(id) FROM tasks")
check_eq "tier at a question: the next step on the frontier tier" \
    "$(sql "SELECT tier FROM usage WHERE task_id = $task ORDER BY id" | tr '\n' ' ')" "cheap frontier "
# under a pin the tier waits for the pin to go: said so, not that the next step takes it
fake_reset
fake_reply '{"text":"Writing.","calls":[{"name":"write","args":{"path":"pin.txt","content":"x\n"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"Done.","usage":{"input":700,"output":5}}'
tui_ok_in "$T/repo" "tier under a pin" v 100x40 -m test-cheap --agent <<S
:type look at the files
:key Enter
:wait-text write? y yes
:key F2
:key F2
:key y
:wait-idle
:dump-screen $T/v0
S
check_screen "tier under a pin: the pin still wins, said" v0 \
    "from the next step on: tier mid, but the pinned model test-cheap still wins"
task=$(sql "SELECT max(id) FROM tasks")
check_eq "tier under a pin: every step on the pinned model" \
    "$(sql "SELECT model FROM usage WHERE task_id = $task ORDER BY id" | tr '\n' ' ')" "test-cheap test-cheap "

# --- d: a long diff's whole, in the approval -------------------------------------------
content=$(t_py -c 'print("".join("line %d\n" % i for i in range(1, 61)), end="")')
fake_reset
fake_reply "$(t_py -c 'import json, sys; print(json.dumps({"calls": [{"name": "write", "args": {"path": "long.txt", "content": sys.argv[1]}}], "usage": {"input": 500, "output": 200}}))' "$content")"
fake_reply '{"text":"Not written.","usage":{"input":600,"output":5}}'
tui_ok_in "$T/repo" "d" w 100x40 --agent <<S
:type write a long file
:key Enter
:wait-text write? y yes
:dump-screen $T/w0
:key d
:dump-screen $T/w1
:key M->
:dump-screen $T/w3
:key d
:dump-screen $T/w2
:key n
:wait-idle
S
check_screen "d: offered when the diff is folded" w0 "write? y yes · n no · a always (this task) · d whole diff"
check_screen "d: folded at first" w0 "more lines"
check_not_screen "d: the end not shown at first" w0 "+line 60"
check_contains "d: the whole diff, from its start" "$(sed -n 2p "$T/w1")" "│ ? write"
check_screen "d: the rest below, said" w1 "more lines below · PageDown"
check_screen "d: the whole diff" w3 "+line 60"
check_not_screen "d: nothing folded" w3 "more lines"
check_screen "d: folded again" w2 "more lines"
check "d: n wrote nothing" test ! -e "$T/repo/long.txt"

# --- /advise: the advisor's model answers directly, charged like any turn ---------------
fake_reset
fake_reply '{"text":"Keep the test; fix the sign.","usage":{"input":40,"output":9}}'
tui_ask_in "$T/repo" "advise" a "/advise should I rewrite sum.sh in C?" 100x30 -m test-cheap --agent
check_screen_each a0 <<'EOF'
advise: the question|you  should I rewrite sum.sh in C?
advise: the advisor's answer, its model and cost|frontier · test-frontier · 40→9 tok · $
advise: the answer|llm  Keep the test; fix the sign.
EOF
check_contains "advise: the pin and agent mode are back" "$(row "$T/a0" 'route ')" "agent: tools on  route pinned"
check_eq "advise: one request, recorded on the frontier tier" \
    "$(fake_count),$(sql "SELECT tier FROM usage ORDER BY id DESC LIMIT 1")" "1,frontier"

# --- the model's words, a command's output and the advisor's answer are data ------------
fake_reset
fake_reply '{"text":"Look \u001b]52;c;aGVsbG8=\u0007 here","calls":[{"name":"run","args":{"command":"printf \"out \\033[2J \\302\\233\\061m bell\\007\\n\""}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"Done \u001b[31mred\u0007.","usage":{"input":600,"output":5}}'
TUI_OUT="$T/x.raw" tui_ask_in "$T/repo" "hostile" x "show me" 100x30 -m test-cheap --agent
x0=$(screen "$T/x0")
check_contains "hostile: the model's words shown as data" "$x0" '“ Look ␛]52;c;aGVsbG8=␇ here'
check_contains "hostile: the command's output shown as data" "$x0" "┊ out ␛[2J ␛[1m bell␇"
check_contains "hostile: the answer shown as data" "$x0" "Done ␛[31mred␇."
esc=$(printf '\033')
check_eq "hostile: no OSC 52 emitted" "$(grep -c "${esc}\]52" "$T/x.raw")" 0
check_eq "hostile: no BEL emitted" "$(grep -c "$(printf '\007')" "$T/x.raw")" 0
check_eq "hostile: no C1 CSI emitted" "$(grep -c "$(printf '\302\233')" "$T/x.raw")" 0

# --- a key the task needs and cannot get: said before any step, nothing sent or recorded ----------
t_config_append 'advisor = test-mid'
fake_reset
fake_reply '{"text":"never"}'
rows=$(sql "SELECT count(*) FROM usage")
(unset ANTHROPIC_API_KEY
tui_ok_in "$T/repo" "advisor key" k 100x30 -m test-cheap --agent <<S
:type fix it
:key Enter
:wait-idle
:dump-screen $T/k0
S
)
check_screen "advisor key: whose key is missing" k0 "the advisor test-mid ([agent] advisor): no API key for provider anthropic"
check_screen "advisor key: no step taken" k0 "stopped after 0 steps"
check_eq "advisor key: nothing sent" "$(fake_count)" 0
check_eq "advisor key: no ledger row" "$(sql "SELECT count(*) FROM usage")" "$rows"

# --- [agent] run_timeout bounds a command here as in llm do ----------------------------------
t_config_append '[agent]'
t_config_append 'run_timeout = 1'
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"echo waiting; sleep 300"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"It hung.","usage":{"input":600,"output":5}}'
t0=$(date +%s)
tui_ok_in "$T/repo" "run_timeout" o 100x30 -m test-cheap --agent <<S
:type run it
:key Enter
:wait-text It hung.
:dump-screen $T/o0
S
t1=$(date +%s)
check_screen "run_timeout: the command timed out" o0 "timed out, exit 124"
check "run_timeout: after its second, not the default two minutes" test $((t1 - t0)) -lt 30
check_contains "run_timeout: the model told after 1 s" "$(fake_get 1 body.messages.-1.content)" \
    "[timed out after 1 s: the command and its processes were killed]"
