#!/bin/sh
# team_ledger.sh: [ledger] database: where the password may come from, the
# versioned schema, the team's time zone, reports by user and team, and libpq
# loaded only when a team ledger is configured.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start

check_eq "libpq is not linked: llm starts without it" \
    "$(readelf -d "$LLM_BIN" | grep -c 'libpq')" 0

# A password in config.ini is refused, in either form, saying where it goes.
t_config_append '[ledger]
database = postgresql://alice:s3cret@db.example.com/llm'
run_llm budget
check_rc "a password in the URL in config.ini is refused" 2
check_contains "  saying where it belongs" "$ERR" ".pgpass"
check_not_contains "  without repeating it" "$ERR" "s3cret"
t_write_config
t_config_append '[ledger]
database = host=db.example.com password = s3cret dbname=llm'
run_llm budget
check_rc "a password= keyword in config.ini is refused" 2
t_write_config
t_config_append '[ledger]
database = postgresql://db.example.com/llm?sslmode=require&password=s3cret'
run_llm budget
check_rc "a password parameter in config.ini is refused" 2

# With no keyring, llm keys set ledger says where else the password goes.
t_write_config
run_llm_in "pw" keys set ledger
check_rc "llm keys set ledger without a keyring fails" 4
check_contains "  saying the password may go in ~/.pgpass instead" "$ERR" "may go in ~/.pgpass"
run_llm keys check ledger
check_not_contains "llm keys check ledger does not call the password unneeded" "$OUT" \
    "none is needed"
check_contains "  but says where else it may be" "$OUT" ".pgpass (or the file PGPASSFILE names)"

# With a password role: it comes from PGPASSFILE or the environment.
psql_q "ALTER ROLE llm PASSWORD 'pw-llm'" >/dev/null
sed -i 's/^local *all *all *trust/local all all scram-sha-256/' "$PG_DIR/data/pg_hba.conf" &&
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload >/dev/null 2>&1
sleep 1
t_write_config
t_config_append "[ledger]
database = $PG_URL
team = tz
timezone = America/New_York"
run_llm ledger init
check_rc "without a password the database refuses" 2
check_contains "  and says so" "$ERR" "password"
printf '*:*:*:llm:pw-llm\n' >"$T/pgpass"
chmod 600 "$T/pgpass"
PGPASSFILE="$T/pgpass" run_llm ledger init
check_rc "the password from PGPASSFILE" 0
check_contains "  creates the schema and the team" "$OUT" 'team "tz" (time zone America/New_York)'
PGPASSWORD=pw-llm run_llm ledger init
check_rc "the password from PGPASSWORD" 0
check_contains "  finds it up to date" "$OUT" "is up to date"
LLM_DATABASE="postgresql://llm:pw-llm@/llm?host=$PG_DIR&port=$PG_PORT" run_llm budget --json
check_rc "LLM_DATABASE may hold the password" 0
# A login refused is no outage: even under warn nothing goes on offline, and the fix is said.
sed -i 's/^budget = 0$/budget = 0\nbudget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
fake_default '{"text":"ok"}'
PGPASSWORD=wrong run_llm -q -m test-cheap "with a wrong password"
check_rc "a wrong password is refused under warn" 2
check_contains "  saying the login was refused" "$ERR" "refused the login"
check_contains "  and where the password goes" "$ERR" "llm keys set ledger"
PGPASSWORD=pw-llm LLM_DATABASE="postgresql:///nodb?host=$PG_DIR&port=$PG_PORT&user=llm" \
    run_llm -q -m test-cheap "to a database that is not there"
check_rc "a database that is not there is refused under warn" 2
check_contains "  saying so" "$ERR" 'database "nodb" does not exist'
check_contains "  and to check its name in the connection string" "$ERR" \
    "check the database's name in [ledger] database"
run_llm -q -m test-cheap "with no password"
check_rc "no password is refused under warn" 2
check_contains "  saying one is wanted and where it goes" "$ERR" "wants a password for this login"
check_eq "  neither request was sent" "$(fake_count)" 0
check_eq "  nor kept to be sent later" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from team_outbox" 2>/dev/null || echo 0)" 0
# A server without SSL asked for it (sslmode=require) is a setup to put right, not an outage.
LLM_DATABASE="postgresql://llm@127.0.0.1:$PG_PORT/llm?sslmode=require" \
    run_llm -q -m test-cheap "over SSL"
check_rc "sslmode=require to a server without SSL is refused under warn" 2
check_contains "  saying the server does not accept SSL" "$ERR" "the database server does not accept SSL"
check_contains "  and what to change" "$ERR" "sslmode=prefer"
check_eq "  nothing was sent" "$(fake_count)" 0
check_eq "  nor kept to be sent later" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from team_outbox" 2>/dev/null || echo 0)" 0
LLM_DATABASE="postgresql://llm@127.0.0.1:$PG_PORT/llm?sslmode=require" run_llm budget
check_rc "  llm budget: exit 2" 2
# A setting libpq refuses (a value it does not know, channel binding without
# SSL) is a setup to put right too: waiting for the database will not mend it.
for opt in sslmode=bogus target_session_attrs=bogus keepalives=x channel_binding=require; do
	LLM_DATABASE="postgresql://llm:pw-llm@127.0.0.1:$PG_PORT/llm?$opt" \
	    run_llm -q -m test-cheap "with $opt"
	check_rc "$opt is refused under warn" 2
	check_contains "  $opt: saying libpq refuses it" "$ERR" "libpq refuses a setting"
	check_not_contains "  $opt: not as an outage" "$ERR" "unreachable"
	check_not_contains "  $opt: without the password" "$ERR" "pw-llm"
	check_eq "  $opt: nothing was sent" "$(fake_count)" 0
	check_eq "  $opt: nor kept to be sent later" \
	    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from team_outbox" 2>/dev/null || echo 0)" 0
done
PGSSLMODE=bogus run_llm budget
check_rc "  from a PG variable too: llm budget exits 2" 2
check_contains "  naming the value" "$ERR" 'invalid sslmode value: "bogus"'
# A connection string libpq cannot read is said, without the password it holds.
LLM_DATABASE="postgresql://llm:pw-llm@[::1/llm" run_llm -q -m test-cheap "a typo"
check_rc "a connection string with a typo is refused" 2
check_eq "  and nothing was sent" "$(fake_count)" 0
LLM_DATABASE="postgresql://llm:pw-llm@[::1/llm" run_llm budget
check_contains "  saying what is wrong" "$ERR" "not a connection string"
check_not_contains "  without the password" "$ERR" "pw-llm"
t_write_config
t_config_append "[ledger]
database = $PG_URL
team = tz
timezone = America/New_York"
export PGPASSWORD=pw-llm
# Run again (after an upgrade) from a config without the zone, init keeps the team's months.
t_write_config
t_config_append "[ledger]
database = $PG_URL
team = tz"
run_llm ledger init
check_rc "ledger init without a time zone configured" 0
check_contains "  says the team's" "$OUT" 'team "tz" (time zone America/New_York)'
check_eq "  and leaves it" "$(psql_q "select timezone from llm.teams where team = 'tz'")" \
    America/New_York

# The month is the team's: 03:00 UTC on Dec 1 is still November in New York.
fake_default '{"text":"ok"}'
LLM_NOW=$(date -u -d '2026-12-01 03:00:00' +%s) run_llm -q -m test-cheap "late in November"
check_rc "a request at 03:00 UTC on Dec 1" 0
check_eq "  counts in New York's November" \
    "$(psql_q "select month from llm.usage where team = 'tz'")" 2026-11
LLM_NOW=$(date -u -d '2026-12-01 03:00:00' +%s) run_llm budget --json
check_eq "the meter's month is the team's" "$(json_get "$T/out" month)" 2026-11
check_eq "  and it holds the request" "$(json_get "$T/out" requests)" 1
LLM_NOW=$(date -u -d '2026-12-01 06:00:00' +%s) run_llm budget --json
check_eq "at 06:00 UTC December has begun in New York" "$(json_get "$T/out" month)" 2026-12
check_eq "  with nothing spent" "$(json_get "$T/out" requests)" 0
# Reports count the team's months and days too, whatever TZ says.
LLM_NOW=$(date -u -d '2026-12-01 03:00:00' +%s) TZ=UTC0 run_llm usage --by day --json
check_eq "usage: this month is New York's November" "$(json_get "$T/out" month)" 2026-11
check_eq "  the request on its day there, Nov 30" \
    "$(json_get "$T/out" rows | t_py -c 'import json,sys; print([g["key"] for g in json.load(sys.stdin)])')" \
    "['2026-11-30']"
LLM_NOW=$(date -u -d '2026-12-01 06:00:00' +%s) TZ=UTC0 run_llm usage --json
check_eq "usage: at 06:00 UTC it is December" "$(json_get "$T/out" month)" 2026-12

# Reports by user and team.
t_write_config
t_config_append "[ledger]
database = $PG_URL
team = tz
user = zoe"
# In New York's November, as the first request is.
LLM_NOW=$(date -u -d '2026-11-20 12:00:00' +%s) run_llm -q -m test-cheap "from zoe"
LLM_NOW=$(date -u -d '2026-11-20 12:00:00' +%s) run_llm -q -m test-cheap "from zoe again"
run_llm usage --by user --json --month 2026-11
check_rc "usage --by user --json" 0
check_eq "  groups by user" \
    "$(json_get "$T/out" rows | t_py -c 'import json,sys; print(sorted((g["key"], g["requests"]) for g in json.load(sys.stdin)))')" \
    "[('root', 1), ('zoe', 2)]"
run_llm usage --by team --month 2026-11
check_rc "usage --by team" 0
check_contains "  names the team" "$OUT" "tz"
run_llm usage --by colour
check_contains "usage --by names the choices" "$ERR" "user or team"

# The full-screen client's meter shows the team's month and the user's share.
psql_q "update llm.teams set budget_pico = 50000000000000 where team = 'tz';
    insert into llm.user_budgets values ('tz', 'zoe', 5000000000000)" >/dev/null
printf ':wait-idle\n:dump-screen %s\n' "$T/tui.txt" >"$T/tui.s"
timeout -k 5 60 "$LLM_BIN" chat --headless "$T/tui.s" --size 120x20 >"$T/tui.out" 2>&1
check_eq "the client runs on the team ledger" "$?" 0
check_contains "its meter holds the team's budget" "$(cat "$T/tui.txt")" 'of $50.00'
check_contains "  and the user's share of it" "$(cat "$T/tui.txt")" 'you $0.'
check_contains "  against the user's own budget" "$(cat "$T/tui.txt")" 'of $5.00'
run_llm budget
check_contains "llm budget gives the user's spend against the user's own budget" \
    "$(printf '%s\n' "$OUT" | grep '^  team ')" 'zoe: $0.0'
check_contains "  as spend of the budget, not what is in flight" \
    "$(printf '%s\n' "$OUT" | grep '^  team ')" 'of $5.00 (own budget) spent, $0.00 in flight'
# A budget of one's own in config.ini is not used with a team ledger: said, not silently dropped.
sed -i 's/^budget = 0$/budget = 20/' "$LLM_CONFIG_DIR/config.ini"
run_llm budget
check_contains "llm budget says config.ini's budget is not used" \
    "$(printf '%s\n' "$OUT" | grep '^  config.ini ')" 'its budget ($20.00) is not used'
run_llm config check
check_contains "  as llm config check does" "$OUT" "[llm] budget is not used with a team ledger"
sed -i 's/^budget = 20$/budget = 0/' "$LLM_CONFIG_DIR/config.ini"
run_llm budget
check_not_contains "  not when it has none" "$OUT" "config.ini"

# A time zone the server does not know: refused in its words alone, with what to check.
t_config_append "timezone = Europe/Pariss"
run_llm ledger init
check_rc "ledger init refuses a time zone the server does not know" 2
check_contains "  in the server's words" "$ERR" 'time zone "Europe/Pariss" not recognized'
check_not_contains "  alone" "$ERR" "ERROR:"
check_contains "  saying what to check" "$ERR" "check [ledger] timezone"
sed -i '/^timezone = Europe\/Pariss$/d' "$LLM_CONFIG_DIR/config.ini"

# A schema newer than this llm's is refused, by init and by every command.
psql_q "update llm.meta set value = '99' where key = 'version'" >/dev/null
run_llm ledger init
check_rc "ledger init refuses a newer schema" 2
check_contains "  saying so" "$ERR" "version 99, newer than this llm's"
run_llm -q -m test-cheap "refused"
check_rc "a request refuses it too" 2
check_eq "  and sends nothing" "$(fake_count)" 3
# One older than this llm's: who upgrades it is said (a member cannot).
psql_q "update llm.meta set value = '2' where key = 'version'" >/dev/null
run_llm -q -m test-cheap "on an older schema"
check_rc "a request on an older schema is refused" 2
check_contains "  saying who upgrades it" "$ERR" "the schema's owner upgrades it with llm ledger init"
psql_q "update llm.meta set value = '5' where key = 'version'" >/dev/null

# The team's zone counts the ledger's months; a command a task runs keeps the user's own.
t_write_config
t_config_append "[ledger]
database = $PG_URL
team = tz"
t_sum_repo "$T/zone"
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"printf %s \"$TZ\" >tz.txt"}}]}'
fake_reply '{"text":"Done."}'
cd "$T/zone" || exit 1
TZ=Europe/Paris run_llm "do" -m test-cheap --allow run "note the zone"
cd - >/dev/null || exit 1
check_rc "a task on the team ledger runs" 0
check_eq "  its command sees the user's TZ, not the team's" "$(cat "$T/zone/tz.txt")" Europe/Paris
[ "$T_FAIL" -eq 0 ]
