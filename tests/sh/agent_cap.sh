#!/bin/sh
# agent_cap: llm do --max-cost stops a task before a step whose worst case would pass its
# cap, counted from the task's own rows in the ledger: SQLite's, or under
# tests/sh/team_suite.sh a team's in PostgreSQL, where the rows carry the task. Two tasks
# at once each keep their own cap.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# make_repo NAME: a repository with a bug in sum.sh and a test that finds it.
make_repo() {
	rm -rf "${T:?}/${1:?}"
	mkdir -p "$T/$1"
	(
		cd "$T/$1" || exit 1
		git init -q .
		printf '#!/bin/sh\necho $(( $1 - $2 ))\n' >sum.sh
		printf '#!/bin/sh\n[ "$(sh sum.sh 2 3)" = 5 ] && echo PASS || { echo FAIL; exit 1; }\n' >test.sh
	)
}

# task_sum ID: what the task's rows hold (settled costs, else worst cases), in pico.
task_sum() {
	t_ledger_sql "SELECT coalesce(sum(coalesce(cost_pico, worst_case_pico)), 0) FROM usage
	    WHERE task_id = $1"
}

# --- one task: the fourth step's worst case would pass the cap
make_repo repo
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}],"usage":{"output":1000}}'
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"output":1000}}'
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"output":1000}}'
fake_reply '{"text":"Fixed.","usage":{"output":1000}}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow edit,run --max-tokens 1000 --max-cost 0.0017 --json "fix sum.sh"
cd "$T" || exit 1
check_rc "cap: exit 3" 3
check_not_contains "cap: not refused for the ledger" "$ERR" "not kept by a team ledger"
check_eq "cap: three requests sent, the fourth never" "$(fake_count)" 3
check_contains "cap: why it stopped" "$ERR" "would pass the task's cap"
task=$(json_get "$T/out" task_id)
check_eq "cap: the task's three rows are in the ledger" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $task AND status = 'ok'")" 3
check "cap: the task's rows stay within the cap ($(task_sum "$task") pico)" \
    [ "$(task_sum "$task")" -le 1700000000 ]
check "cap: and hold what was spent" [ "$(task_sum "$task")" -gt 0 ]
check_eq "cap: no reservation left" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE status = 'reserved'")" 0
if [ -n "${LLM_DATABASE:-}" ]; then
	check_eq "cap: the team's rows carry one task key" \
	    "$(t_ledger_sql "SELECT count(DISTINCT task) FROM usage WHERE task_id = $task")" 1
fi
# resumed by another process under the same cap: the cap bounds the whole task, the rows
# of its first run counted (in a team's ledger too, where another process wrote them)
cd "$T/repo" || exit 1
run_llm "do" --resume "$task" --allow edit,run --max-tokens 1000 --json
check_rc "cap, resumed: exit 3" 3
check_eq "cap, resumed: nothing more sent" "$(fake_count)" 3
check_contains "cap, resumed: why" "$ERR" "would pass the task's cap"
check_contains "cap, resumed: the task's total, exact" "$ERR" "task $task, \$0."
# a step whose cost is an estimate (a reply cut off) marks the task's total as one
t_ledger_sql "UPDATE usage SET estimated = (1 = 1) WHERE task_id = $task AND id =
    (SELECT min(id) FROM usage WHERE task_id = $task)"
run_llm "do" --resume "$task" --allow edit,run --max-tokens 1000 --json
check_contains "cap, resumed: an estimated step marks the task's total" "$ERR" \
    "task $task, ~\$0."
t_ledger_sql "UPDATE usage SET estimated = (1 = 0) WHERE task_id = $task"
run_llm "do" --resume "$task" --allow edit,run --max-tokens 1000 --max-cost 0.01 --json
check_rc "cap raised, resumed: exit 0" 0
check_eq "cap raised, resumed: the last step sent" "$(fake_count)" 4
check_eq "cap raised, resumed: every row carries the task" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $task AND status = 'ok'")" 4
if [ -n "${LLM_DATABASE:-}" ]; then
	check_eq "cap raised, resumed: the team's rows of both runs carry one task key" \
	    "$(t_ledger_sql "SELECT count(DISTINCT task) FROM usage WHERE task_id = $task")" 1
	# another machine's task of the same number: its row is not this task's step
	t_ledger_sql "INSERT INTO llm.usage (row_key, team, \"user\", month, time, status,
	    cost_pico, task_id, task) SELECT 'another-machine-row', team, \"user\", month, time, 'ok',
	    5, task_id, 'another-machine:' || task_id FROM llm.usage WHERE task_id = $task LIMIT 1"
	run_llm logs --task "$task"
	check_contains "logs --task: the task's steps alone, not another machine's task $task" \
	    "$OUT" "task $task: 4 requests"
fi
cd "$T" || exit 1

# --- two tasks at once: each is stopped by its own cap, not by the other's steps
make_repo a
make_repo b
fake_reset
# each call another: the same one again and again would be stopped as a loop before the cap
for i in $(seq 1 20); do
	fake_reply "{\"calls\":[{\"name\":\"search\",\"args\":{\"pattern\":\"p$i\"}}],\"usage\":{\"output\":1000},\"delay_ms\":30,\"text\":\"again\"}"
done
for x in a b; do
	(cd "$T/$x" && "$LLM_BIN" "do" -m test-cheap --max-tokens 1000 --max-cost 0.002 -q --json \
	    "loop" >"$T/$x.out" 2>"$T/$x.err"; echo $? >"$T/$x.rc") &
	eval "p$x=\$!"
done
# shellcheck disable=SC2154 # pa and pb are set by the eval above
wait "$pa" "$pb"
for x in a b; do
	id=$(json_get "$T/$x.out" task_id)
	eval "id$x=$id"
	check_eq "two tasks: task $x is stopped by its cap (exit 3)" "$(cat "$T/$x.rc")" 3
	check_contains "two tasks: task $x says why" "$(cat "$T/$x.err")" "would pass the task's cap"
	check "two tasks: task $x's rows stay within its cap ($(task_sum "$id") pico)" \
	    [ "$(task_sum "$id")" -le 2000000000 ]
done
# shellcheck disable=SC2154 # ida and idb are set by the eval above
check "two tasks: two tasks ($ida, $idb)" [ "$ida" != "$idb" ]
check_eq "two tasks: as many steps each" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $ida")" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $idb")"
check "two tasks: more than one step each" \
    [ "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id = $ida")" -ge 2 ]
check_eq "two tasks: every request in the ledger" \
    "$(t_ledger_sql "SELECT count(*) FROM usage WHERE task_id IN ($ida, $idb)")" "$(fake_count)"

# --- stopped before its first step (the cap, or the month's budget under block): no
# request, no task kept with nothing in it, no undo journal; said as such
# tasks_kept: how many tasks the data directory holds.
tasks_kept() {
	db_get "SELECT count(*) FROM tasks"
}
make_repo first
fake_reset
fake_default '{"text":"never sent","usage":{"output":1000}}'
# journals: how many undo journals the data directory holds.
journals() {
	find "$LLM_DATA_DIR/undo" -mindepth 2 -maxdepth 2 -type d 2>/dev/null | wc -l
}
before=$(tasks_kept)
journals_before=$(journals)
last_kept=$(db_get "SELECT coalesce(max(id), 0) FROM tasks")
cd "$T/first" || exit 1
run_llm "do" -m test-cheap --max-tokens 1000 --max-cost 0.000001 --json "fix sum.sh"
cd "$T" || exit 1
check_rc "cap before the first step: exit 3" 3
check_eq "cap before the first step: nothing sent" "$(fake_count)" 0
check_eq "cap before the first step: no task kept" "$(tasks_kept)" "$before"
check_eq "cap before the first step: --json has no task" "$(json_get "$T/out" task_id)" null
check_eq "cap before the first step: said so" "$ERR" \
    "llm: do: max-cost: the next step's worst case \$0.00046 on test-cheap would pass the task's cap of \$0.000001; stopped before its first step: nothing was spent, and no task was kept"
check_eq "cap before the first step: no undo journal" "$(journals)" "$journals_before"
if [ -z "${LLM_DATABASE:-}" ]; then
	t_budget 0.0000001 block
	cd "$T/first" || exit 1
	run_llm "do" -m test-cheap --max-tokens 1000 "fix sum.sh"
	cd "$T" || exit 1
	check_rc "budget before the first step: exit 3" 3
	check_contains "budget before the first step: said so" "$ERR" \
	    "llm budget set USD; until then nothing priced fits, only a free model (a local one, -m NAME); stopped before its first step: nothing was spent, and no task was kept"
	check_eq "budget before the first step: no task kept" "$(tasks_kept)" "$before"
	t_write_config
fi
# the id of a task dropped before its first step is never given again: rows that name it
# where the drop does not look (the team's ledger, its outbox) are no later task's
fake_reply '{"text":"Nothing to fix.","usage":{"output":10}}'
cd "$T/first" || exit 1
run_llm "do" -m test-cheap --max-tokens 1000 --json "is sum.sh right?"
cd "$T" || exit 1
check_rc "after a dropped task: exit 0" 0
check "after a dropped task: its id ($((last_kept + 1))) is not given again" \
    [ "$(json_get "$T/out" task_id)" -gt $((last_kept + 1)) ]
[ "$T_FAIL" -eq 0 ]
