#!/bin/sh
# team_login.sh: a server that answers but refuses the connection for its
# setup (no such database, no such role, a role that may not log in or may
# not connect to the database) is no outage, even with no password asked:
# under every budget action the request is refused (exit 2) with what to
# check, nothing is sent and nothing kept to be sent later. A refusal that
# waiting mends (too many connections) still counts as unreachable.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
outbox() { sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from team_outbox" 2>/dev/null || echo 0; }

t_config_append '[ledger]
offline_allowance = 1'
run_llm ledger init
check_rc "ledger init" 0
for sql in "CREATE ROLE nologin NOLOGIN" "CREATE ROLE busy LOGIN CONNECTION LIMIT 0" \
    "CREATE ROLE outsider LOGIN" "CREATE DATABASE closed" \
    "REVOKE CONNECT ON DATABASE closed FROM PUBLIC"; do
	psql_q "$sql" || echo "not ok - $sql"
done
fake_default '{"text":"ok"}'

# refused NAME URL TEXT FIX STATE: under warn, downgrade and block, URL is
# refused as a setup to put right, saying TEXT (the server's words) and FIX,
# not the SQLSTATE the server answered with.
refused() {
	for action in warn downgrade block; do
		t_write_config
		sed -i "s/^budget = 0\$/budget = 50\nbudget_action = $action/" \
		    "$LLM_CONFIG_DIR/config.ini"
		LLM_DATABASE="$2" run_llm -q -m test-cheap "hello"
		check_rc "$1, $action: refused as a setting to put right" 2
		check_contains "  $1, $action: in the server's words" "$ERR" "$3"
		check_contains "  $1, $action: saying what to check" "$ERR" "$4"
		check_not_contains "  $1, $action: not as an outage" "$ERR" "unreachable"
		check_not_contains "  $1, $action: without the SQLSTATE" "$ERR" "$5"
		check_not_contains "  $1, $action: nor where in the server" "$ERR" "LOCATION"
	done
	check_eq "  $1: no request was sent" "$(fake_count)" 0
	check_eq "  $1: nor kept to be sent later" "$(outbox)" 0
	LLM_DATABASE="$2" run_llm budget
	check_rc "  $1: llm budget exits 2" 2
	check_contains "  $1: llm budget says what to check" "$ERR" "$4"
}

refused "no such database" "postgresql:///nodb?host=$PG_DIR&port=$PG_PORT&user=llm" \
    'database "nodb" does not exist' "check the database's name in [ledger] database" 3D000
refused "over TCP too" "postgresql://127.0.0.1:$PG_PORT/nodb?user=llm&sslmode=disable" \
    'database "nodb" does not exist' "check the database's name in [ledger] database" 3D000
refused "no such role" "$(pg_url nobody2)" 'role "nobody2" does not exist' \
    "check the user in [ledger] database" 28000
refused "a role that may not log in" "$(pg_url nologin)" 'role "nologin" is not permitted to log in' \
    "check the user in [ledger] database" 28000
refused "a database the role may not connect to" \
    "postgresql:///closed?host=$PG_DIR&port=$PG_PORT&user=outsider" \
    'permission denied for database "closed"' "GRANT CONNECT ON DATABASE" 42501

# Too many connections for the role: the server answered, but waiting mends
# it: warn goes on within the offline allowance and sends the row later.
t_write_config
t_config_append "[ledger]
user = busy
offline_allowance = 1"
sed -i 's/^budget = 0$/budget = 50\nbudget_action = warn/' "$LLM_CONFIG_DIR/config.ini"
LLM_DATABASE="$(pg_url busy)" run_llm -q -m test-cheap "busy"
check_rc "too many connections: warn goes on" 0
check_contains "  as with a server that is down" "$ERR" "team ledger unreachable"
check_contains "  in the server's words" "$ERR" 'too many connections for role "busy"'
check_not_contains "  without the SQLSTATE" "$ERR" "53300"
check_eq "  the request was sent" "$(fake_count)" 1
check_eq "  and its row kept to be sent later" "$(outbox)" 1
[ "$T_FAIL" -eq 0 ]
