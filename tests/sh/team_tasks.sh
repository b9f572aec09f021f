#!/bin/sh
# team_tasks.sh: with a team ledger, llm usage --by task tells one machine's
# task from another's of the same number, by the key a task's rows carry, and
# names each as llm logs --task does: "task N" for this machine's own tasks,
# host-qualified for the others'. A task made before tasks had a key is one
# task of this machine all the same, whatever key each of its runs gave its rows.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
t_november
t_config_append '[ledger]
team = platform
user = ana'
run_llm ledger init
check_rc "llm ledger init" 0

mkdir -p "$T/work"
cd "$T/work" || exit 1
fake_reply '{"text":"Done.","usage":{"input":100,"output":10}}'
run_llm "do" -m test-cheap "say done"
check_rc "task 1 on this machine" 0
fake_reply '{"text":"Done again.","usage":{"input":200,"output":20}}'
run_llm "do" -m test-cheap "say done again"
check_rc "task 2 on this machine" 0
host=$(hostname)

# Another machine's task 1, two steps, and its task 2; this one's task 2 as made before tasks had a key:
# its two runs gave their rows a key each.
psql_q "INSERT INTO llm.usage (row_key, team, \"user\", month, time, host, model, tier,
    input_tokens, output_tokens, cost_pico, status, task, task_id) VALUES
    ('b1', 'platform', 'bo', '2026-11', $LLM_NOW, 'laptop-b', 'test-cheap', 'cheap', 5, 1,
     1000000, 'ok', 'ffffffffffffffffffffffffffffffff:1', 1),
    ('b2', 'platform', 'bo', '2026-11', $LLM_NOW, 'laptop-b', 'test-cheap', 'cheap', 5, 1,
     1000000, 'ok', 'ffffffffffffffffffffffffffffffff:1', 1),
    ('b3', 'platform', 'bo', '2026-11', $LLM_NOW, 'laptop-b', 'test-cheap', 'cheap', 5, 1,
     1000000, 'ok', 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee:2', 2),
    ('a2', 'platform', 'ana', '2026-11', $LLM_NOW, '$host', 'test-cheap', 'cheap', 7, 1,
     1000000, 'ok', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb:2', 2)" >/dev/null
psql_q "UPDATE llm.usage SET task = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:2' WHERE task_id = 2
    AND row_key NOT IN ('a2', 'b3')" >/dev/null
t_py -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE tasks SET team_key = NULL WHERE id = 2")
db.commit()' "$LLM_DATA_DIR/llm.db"

run_llm usage --by task --json
check_rc "llm usage --by task" 0
groups=$(t_py -c '
import json, sys
for g in json.load(sys.stdin)["rows"]:
    print("%s=%s" % (g["key"], g["requests"]))' <"$T/out")
check_eq "each task is a line of its own, named as llm logs --task names it" "$groups" \
"task 1=1
task 1 (bo@laptop-b)=2
task 2=2
task 2 (bo@laptop-b)=1"
run_llm usage --by task
check_contains "  in the table too" "$OUT" "task 1 (bo@laptop-b)"

run_llm logs --task 2
check_rc "llm logs --task 2, made before tasks had a key" 0
check_contains "  shows both its runs' steps" "$OUT" "task 2: 2 requests"
run_llm logs --task 1
check_contains "llm logs --task 1 shows this machine's task 1 alone" "$OUT" "task 1: 1 request,"

# Another machine's task opens from the team ledger, by the name llm usage
# gives it: its steps' rows, read-only; what it was asked stays on its machine.
run_llm logs --task '1 (bo@laptop-b)'
check_rc "llm logs --task '1 (bo@laptop-b)': another machine's task" 0
check_contains "  says whose it is and what the team ledger keeps of it" "$OUT" \
    "task 1 (bo@laptop-b) · another machine's: the team ledger keeps its steps' models, tokens and costs"
check_contains "  and what it cannot show" "$OUT" "what it was asked and answered stays on that machine"
check_contains "  its steps" "$OUT" "2 · "
check_contains "  and their model" "$OUT" "cheap · test-cheap"
check_contains "  and their total" "$OUT" "task 1: 2 requests, \$0.000002"
check_not_contains "  not this machine's task 1" "$OUT" "say done"
run_llm logs --task 'task 2 (bo@laptop-b)' --json
check_rc "  with \"task \" before it, as llm usage --json names it" 0
check_eq "  --json: whose it is, its steps, no title" "$(t_py -c '
import json, sys
o = json.load(sys.stdin)
print(o["task"], o["user"], o["host"], len(o["steps"]), o["steps"][0]["input_tokens"], "title" in o)' <"$T/out")" \
    "2 bo laptop-b 1 5 False"
run_llm logs --task 1 --json
check_eq "  this machine's task in JSON names no user or host" "$(t_py -c '
import json, sys
o = json.load(sys.stdin)
print("user" in o, "host" in o, len(o["steps"]))' <"$T/out")" "False False 1"

# A number only another machine has is said, with how to open that machine's.
psql_q "INSERT INTO llm.usage (row_key, team, \"user\", month, time, host, model, tier,
    input_tokens, output_tokens, cost_pico, status, task, task_id) VALUES
    ('b5', 'platform', 'bo', '2026-11', $LLM_NOW, 'laptop-b', 'test-cheap', 'cheap', 5, 1,
     1000000, 'ok', 'dddddddddddddddddddddddddddddddd:5', 5)" >/dev/null
run_llm logs --task 5
check_rc "llm logs --task 5, another machine's number alone" 2
check_contains "  says this machine has none, and how to open the other's" "$ERR" \
    "no task 5 on this machine; the team ledger has another machine's: llm logs --task '5 (bo@laptop-b)'"
run_llm logs --task 9
check_rc "llm logs --task 9, no one's" 2
check_contains "  says so" "$ERR" "no task 9 (see llm usage --by task)"
run_llm logs --task '1 (zed@nowhere)'
check_rc "another machine's task that is not there" 2
check_contains "  says so" "$ERR" "no task 1 of zed@nowhere in the team ledger"
run_llm logs --task "1 (ana@$host)"
check_rc "this machine's own user and host name no other machine's task" 2
run_llm logs --task '1 (bo)'
check_rc "a malformed name is refused" 2
check_contains "  saying what is expected" "$ERR" "expected a task id (or N (USER@HOST)"
LLM_DATABASE='' run_llm logs --task '1 (bo@laptop-b)'
check_rc "without a team ledger, another machine's task is refused" 2
check_contains "  saying where such tasks are" "$ERR" "in a team ledger only"
[ "$T_FAIL" -eq 0 ]
