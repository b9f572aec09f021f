# Agent mode in the full-screen client: the cap's question offers the task's first cap again
# (y), takes another amount typed in the input (+ or a digit), refuses what is not an amount,
# and n or Esc stops; the raised cap is on the reply's line and in the ledger's task.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

t_sum_repo "$T/repo" --no-test

# Each step's worst case is about $0.0017 on test-cheap: $0.00087 cannot start the task, twice
# that runs one step, and the second needs more again.
# --- y adds the first cap; then an amount typed: a bad one, then $0.05 -------------------------
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":500,"output":20}}'
fake_reply '{"calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":600,"output":20}}'
fake_reply '{"text":"It subtracts.","usage":{"input":700,"output":10}}'
tui_ok_in "$T/repo" "more" m 100x30 -m test-cheap --agent <<S
:type /agent cap 0.00087
:key Enter
:type look around
:key Enter
:wait-text y allows
:dump-screen $T/m0
:key y
:wait-text could pass the task's cap \$0.00174
:dump-screen $T/m1
:key +
:dump-screen $T/m2
:type ten cents
:key Enter
:dump-screen $T/m3
:key Esc
:dump-screen $T/m4
:key 0
:type .05
:dump-screen $T/m5
:key Enter
:wait-idle
:dump-screen $T/m6
S
m0=$(screen "$T/m0")
check_contains "more: the question on the status line" "$m0" \
    "the next step could pass the task's cap \$0.00087 (spent \$0.00): y allows \$0.00087 more, n stops"
check_contains "more: the question in the transcript" "$m0" \
    "? more for this task: the next step could pass its cap \$0.00087 (spent \$0.00)"
check_contains "more: every way to answer it" "$m0" \
    "y continue +\$0.00087 · + or a digit: another amount · n stop"
m1=$(screen "$T/m1")
check_contains "more: y raised it by the first cap" "$m1" "the cap is raised: the task goes on (+\$0.00087, the cap is now \$0.00174)"
check_contains "more: y answered it" "$m1" "→ +\$0.00087"
check_contains "more: the step ran under the raised cap" "$m1" "▸ list ."
check_contains "more: asked again, offering the first cap, not the doubled one" "$m1" \
    "could pass the task's cap \$0.00174 (spent \$0.000058): y allows \$0.00087 more"
check_contains "more: and in the transcript" "$m1" "y continue +\$0.00087 · + or a digit"
check_screen "more: + opens the input for an amount" m2 \
    "how much more to allow, in dollars: Enter allows it, Esc goes back to the question"
check_contains "more: the input is empty for it" "$(row "$T/m2" '│ >')" "│ >  "
check_screen "more: what is not an amount is refused" m3 \
    "'ten cents' is not an amount in dollars (e.g. 0.10): Esc goes back to the question"
check_contains "more: and the input keeps it to fix" "$(row "$T/m3" '│ >')" "│ > ten cents"
check_screen "more: Esc: the question again" m4 "(spent \$0.000058): y allows \$0.00087 more"
check_not_contains "more: Esc: the input emptied" "$(row "$T/m4" '│ >')" "ten cents"
check_contains "more: a digit starts the amount" "$(row "$T/m5" '│ >')" "│ > 0.05 "
check_contains "more: the route line prices no message for the amount" "$(row "$T/m5" 'route ')" \
    "route none  (the input is the amount to allow, not a message)"
check_not_contains "more: no estimate on the route line" "$(row "$T/m5" 'route ')" '$'
m6=$(screen "$T/m6")
check_contains "more: the typed amount raised it" "$m6" "the cap is raised: the task goes on (+\$0.05, the cap is now \$0.05174)"
check_contains "more: the typed amount under its question" "$m6" "→ +\$0.05"
check_contains "more: the step after it ran" "$m6" "▸ read sum.sh 1–2"
check_contains "more: the task answered" "$m6" "It subtracts."
task=$(sql "SELECT max(id) FROM tasks")
sum=$(sql "SELECT sum(cost_pico) FROM usage WHERE task_id = $task")
check_eq "more: three requests recorded in the task" "$(sql "SELECT count(*) FROM usage WHERE task_id = $task")" 3
check_eq "more: the ledger's task has the raised cap" \
    "$(sql "SELECT cap_pico FROM tasks WHERE id = $task")" $((870000000 + 870000000 + 50000000000))
check_contains "more: the answer's line has the task's total against the raised cap" \
    "$(row "$T/m6" 'step 3 ')" "task $(usd "$sum") of \$0.05174 cap"
check_screen "more: and the status line, with the task's id" m6 "└ task $task: $(usd "$sum") of \$0.05174 cap ─"
check_eq "more: three requests sent" "$(fake_count)" 3

# --- n stops at the first question; Esc at the second ------------------------------------------
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
before=$(sql "SELECT max(id) FROM tasks")
tui_ok_in "$T/repo" "stop" s 100x30 -m test-cheap --agent <<S
:type /agent cap 0.00087
:key Enter
:type look around
:key Enter
:wait-text y allows
:key n
:wait-idle
:dump-screen $T/s0
:type look again
:key Enter
:wait-text y allows
:key y
:wait-text could pass the task's cap \$0.00174
:key Esc
:wait-idle
:dump-screen $T/s1
S
s0=$(screen "$T/s0")
check_contains "stop: n stopped it" "$s0" "stopped at the cap"
check_contains "stop: n answered it" "$s0" "→ stop"
check_contains "stop: in the client's words" "$s0" "task's cap of \$0.00087 (/agent"
check_not_contains "stop: not the command line's option" "$s0" "max-cost"
check_contains "stop: before any step" "$s0" "stopped after 0 steps (task \$0.00 of \$0.00087 cap)"
check_contains "stop: the line that gave the task's id says none was kept" "$s0" \
    "stopped before its first step: no task was kept"
check_not_contains "stop: no id of a task that is not kept" "$s0" "llm logs --task"
# the first made no request: no task is kept for it, only the second's
check_eq "stop: n: no task kept, with nothing in it" \
    "$(sql "SELECT count(*) FROM tasks WHERE id > $before")" 1
s1=$(screen "$T/s1")
second=$(sql "SELECT max(id) FROM tasks")
check_contains "stop: the second's id under its message" "$s1" "task $second · llm logs --task $second shows its steps"
check_contains "stop: Esc stopped the second" "$s1" "stopped after 1 step (task $second: \$0.000058 of \$0.00174 cap)"
check_eq "stop: Esc: one request in the task" "$(sql "SELECT count(*) FROM usage WHERE task_id = $second")" 1
check_eq "stop: Esc: the task's cap raised once" "$(sql "SELECT cap_pico FROM tasks WHERE id = $second")" 1740000000
check_eq "stop: one request sent in all" "$(fake_count)" 1

# --- a cap far below one step's worst case: y offers what the next step needs, not the first
# cap again (which would ask again and again), and says so --------------------------------------
fake_reset
fake_reply '{"text":"Looked.","usage":{"input":500,"output":20}}'
tui_ok_in "$T/repo" "need" n 140x30 -m test-cheap --agent <<S
:type /agent cap 0.0002
:key Enter
:type look around
:key Enter
:wait-text y allows
:dump-screen $T/n0
:key y
:wait-idle
:dump-screen $T/n1
S
n0=$(screen "$T/n0")
check_contains "need: y offers what the step needs" "$n0" "more (what it needs), n stops"
check_contains "need: and the transcript says why" "$n0" "(spent \$0.00): it needs that much"
check_not_contains "need: not the first cap again" "$n0" "y allows \$0.0002 more"
n1=$(screen "$T/n1")
check_contains "need: one y was enough: the step ran" "$n1" "Looked."
check_not_contains "need: not asked again" "$(row "$T/n1" "y allows")" "y allows"
# what y adds is shown as it is added: the first cap and it make the new cap, to the digit
raised=$(sed -n 's/.*the cap is raised: the task goes on (+\$\([0-9.]*\), the cap is now \$\([0-9.]*\)).*/\1 \2/p' "$T/n1")
check_eq "need: the amount added and the new cap add up" "$(t_py -c '
import sys
from decimal import Decimal
a, b = sys.argv[1].split()
print(Decimal("0.0002") + Decimal(a) == Decimal(b))' "$raised")" True
check_eq "need: the new cap is the task's" "$(t_py -c '
import sys
from decimal import Decimal
print(int(Decimal(sys.argv[1].split()[1]) * 10**12))' "$raised")" \
    "$(sql "SELECT cap_pico FROM tasks ORDER BY id DESC LIMIT 1")"
check_screen "need: the answer under the question, the amount the same" n1 \
    "→ +\$${raised%% *}"

# on a narrow screen the question's long line wraps under its words, not under its mark
fake_reset
fake_reply '{"text":"Looked.","usage":{"input":500,"output":20}}'
tui_ok_in "$T/repo" "need narrow" w 60x30 -m test-cheap --agent <<S
:type /agent cap 0.0002
:key Enter
:type look around
:key Enter
:wait-text y allows
:dump-screen $T/w0
:key n
:wait-idle
S
check_eq "need narrow: the question's rows" \
    "$(sed -n '/? more for this task/,/n stop/p' "$T/w0" | sed 's/^│ //; s/ *│$//' | sed 's/\$[0-9.]*/$X/g')" \
    "? more for this task: the next step could pass its cap
  \$X (spent \$X): it needs that much
  y continue +\$X · + or a digit: another amount
  · n stop"

# /agent cap alone says the cap, and "$" before an amount is taken as the cap's question takes it
tui_ok "cap shown" s 100x30 <<S
:type /agent cap
:key Enter
:dump-screen $T/s0
:type /agent cap \$0.25
:key Enter
:dump-screen $T/s1
:type /agent cap
:key Enter
:dump-screen $T/s2
:type /agent cap 1.0005
:key Enter
:dump-screen $T/s3
S
check_screen "cap alone: none yet, and how to set one" s0 "agent tasks: no cap (/agent cap USD sets one)"
check_screen "cap \$0.25: taken" s1 "agent tasks are capped at \$0.25 each"
check_screen "cap alone: the cap set" s2 "agent tasks are capped at \$0.25 each (/agent cap off drops it)"
check_screen "cap 1.0005: every digit, as a budget reads" s3 "agent tasks are capped at \$1.0005 each"

# --- /agent cap during a task: the running task takes it from its next step on ----------------
t_config_append '[agent]'
t_config_append 'allow = run'
fake_reset
fake_reply '{"text":"Waiting.","calls":[{"name":"run","args":{"command":"echo waiting; while [ ! -f go ]; do sleep 0.05; done"}}],"usage":{"input":500,"output":20}}'
fake_reply '{"text":"never","usage":{"input":500,"output":20}}'
rm -f "$T/repo/go"
tui_ok_in "$T/repo" "cap mid-task" r 100x30 -m test-cheap --agent <<S
:type look around
:key Enter
:wait-text ┊ waiting
:type /agent cap 0.0001
:key Enter
:dump-screen $T/r0
:touch $T/repo/go
:wait-text y allows
:dump-screen $T/r1
:key n
:wait-idle
:dump-screen $T/r2
S
check_screen "cap mid-task: said for the running task" r0 "from the next step on: this task is capped at \$0.0001"
check_contains "cap mid-task: the next step asks under it" "$(screen "$T/r1")" \
    "the next step could pass the task's cap \$0.0001 (spent \$0.000058)"
check_screen "cap mid-task: n stops the task" r2 "stopped after 1 step"
check_eq "cap mid-task: the next step never sent" "$(fake_count)" 1
check_eq "cap mid-task: the task's cap recorded" "$(sql "SELECT cap_pico FROM tasks ORDER BY id DESC LIMIT 1")" 100000000
