#!/bin/sh
# team_logs.sh: with a team ledger, conversations are kept on the machine as
# with SQLite: llm logs lists them and -c goes on with the conversation.
# Their times are the user's own zone's, as with SQLite, whether the team's
# database (whose zone counts the months) is up or down.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
t_november
t_config_append '[ledger]
team = platform
timezone = America/New_York'
run_llm ledger init
check_rc "llm ledger init" 0

run_llm -m test-cheap "the first question"
check_rc "a request on the team ledger" 0
run_llm logs
check_contains "llm logs lists the conversation" "$OUT" "the first question"
check_contains "  with its model" "$OUT" "test-cheap"
check_contains "  and the answer" "$OUT" "Hello from the fake provider."

run_llm -c -m test-cheap "the second question"
check_rc "llm -c on the team ledger" 0
check_not_contains "  finds the conversation" "$ERR" "no conversation yet"
check_eq "  and sends its history: the first question first" \
    "$(fake_last body.messages.0.content)" "the first question"
check_eq "  then its answer" "$(fake_last body.messages.1.content)" \
    "Hello from the fake provider."
check_eq "  then the new one" "$(fake_last body.messages.2.content)" "the second question"
check_eq "the team's database has both rows" \
    "$(psql_q "SELECT count(*) FROM llm.usage WHERE status = 'ok'")" 2

# Each reply's usage line, as with SQLite, from its row in the team's database.
row=$(psql_q "SELECT input_tokens + cached_input_tokens + cache_write_tokens
    + cache_write_1h_tokens, output_tokens, cost_pico FROM llm.usage ORDER BY id DESC LIMIT 1")
in=$(echo "$row" | cut -d'|' -f1)
out=$(echo "$row" | cut -d'|' -f2)
pico=$(echo "$row" | cut -d'|' -f3)
run_llm logs
check_contains "llm logs gives a reply its usage line from the team's row" "$OUT" \
    "cheap · test-cheap · ${in}→${out} tok · \$"
check_eq "  one for each reply" "$(echo "$OUT" | grep -c 'cheap · test-cheap · ')" 2
run_llm logs --json
check_eq "  and --json its cost, to the pico-dollar" \
    "$(json_get "$T/out" conversations.0.messages.3.usage.cost_pico)" "$pico"
run_llm logs show 1
check_contains "  as llm logs show does" "$OUT" "cheap · test-cheap · ${in}→${out} tok"

# noon UTC is 21:00 in Tokyo, the user's zone, and 07:00 in New York, the team's
TZ=Asia/Tokyo run_llm logs
check_contains "llm logs shows the conversation's time in the user's zone" "$OUT" \
    "2026-11-16 21:00"
TZ=Asia/Tokyo run_llm logs show 1
check_contains "  so does llm logs show" "$OUT" "2026-11-16 21:00"
. "$LLM_TOP/tests/tui_lib.sh"
export TZ=Asia/Tokyo
tui_ok "/resume" p 100x30 -m test-cheap <<S
:type /resume
:key Enter
:dump-screen $T/p0
:key Esc
S
export TZ=UTC
check_screen "  so does the full-screen client's /resume picker" p0 "2026-11-16 21:00"
pg_down
TZ=Asia/Tokyo run_llm logs
check_contains "  and with the team's database down, the same" "$OUT" "2026-11-16 21:00"

# Down, a reply's row is kept here until it is back: its line is read from there.
run_llm -c -m test-cheap "the third question"
check_rc "a request with the team's database down" 0
run_llm logs
check_rc "llm logs with the team's database down" 0
check_eq "  shows the line of the reply whose row is kept here" \
    "$(echo "$OUT" | grep -c 'cheap · test-cheap · ')" 1
check_contains "  and says the others' are left out" "$ERR" "shown without their usage"
run_llm logs --json
check_eq "  --json: the kept reply's row has no id in the team ledger yet" \
    "$(json_get "$T/out" conversations.0.messages.5.usage.id)" null
check_eq "  but is pending" "$(json_get "$T/out" conversations.0.messages.5.usage.pending)" true
check_eq "  with its cost all the same, as kept here" \
    "$(json_get "$T/out" conversations.0.messages.5.usage.cost_pico)" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "SELECT cost_pico FROM team_outbox WHERE kind = 'row'")"
pg_up || exit 1
run_llm logs
check_eq "back, every reply has its line" "$(echo "$OUT" | grep -c 'cheap · test-cheap · ')" 3
check_eq "  the kept row sent once" \
    "$(psql_q "SELECT count(*) FROM llm.usage WHERE status = 'ok'")" 3
run_llm logs --json
check_eq "  --json: the sent row has the team ledger's id" \
    "$(json_get "$T/out" conversations.0.messages.5.usage.id)" \
    "$(psql_q "SELECT max(id) FROM llm.usage")"
check_eq "  and is pending no more" \
    "$(json_get "$T/out" conversations.0.messages.5.usage.pending)" false

# A task's step whose row is kept here: llm do --json gives no id for it.
mkdir -p "$T/work"
cd "$T/work" || exit 1
pg_down
run_llm "do" --json -m test-cheap "say hello"
check_rc "llm do with the team's database down" 0
check_eq "  --json: the step's row has no id in the team ledger yet" \
    "$(json_get "$T/out" steps.0.ledger_ids)" "[null]"
pg_up || exit 1
run_llm "do" --json -m test-cheap "say hello again"
check_eq "  and one made with the database up has the team ledger's id" \
    "$(json_get "$T/out" steps.0.ledger_ids)" "[$(psql_q "SELECT max(id) FROM llm.usage")]"
