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
