#!/bin/sh
# team_lang.sh: the team ledger is told what went wrong the same whatever the
# language of the messages: the server's (lc_messages) and libpq's own. llm
# branches on codes (SQLSTATE, PQconnectionNeedsPassword, ...) where libpq
# gives one; where it gives none (a server without SSL, a setting libpq
# refuses) on libpq's text, which stays English in llm: it sets LC_CTYPE
# alone, never LC_MESSAGES, so LANGUAGE and LC_ALL do not translate it.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
# German messages without a German locale: lc_messages C.UTF-8 (not "C") lets
# gettext follow LANGUAGE.
psql_q "ALTER SYSTEM SET lc_messages = 'C.UTF-8'" >/dev/null
pg_down
LANGUAGE=de pg_up || exit 1
if ! psql_q "SELECT 1/0" 2>&1 | grep -q "Division durch Null"; then
	echo "ok - # SKIP the server's German messages (postgres-*.mo) are not installed"
	exit 0
fi
export LLM_DATABASE="$PG_URL"
export LANGUAGE=de LC_ALL=C.UTF-8
t_config_append '[ledger]
team = platform'
run_llm ledger init
check_rc "llm ledger init with the server's messages in German" 0
run_llm -q -m test-cheap "hello"
check_rc "a request" 0
check_eq "  its row in the team's database" \
    "$(psql_q "SELECT count(*) FROM llm.usage WHERE status = 'ok'")" 1

t_config_append 'team = nosuch'
run_llm budget
check_rc "an unknown team is refused" 2
check_contains "  as one, whatever the server's language" "$ERR" 'no team "nosuch" in the ledger'
check_not_contains "  not as an outage" "$ERR" "unreachable"
t_write_config

LLM_DATABASE="postgresql://llm@127.0.0.1:$PG_PORT/llm?sslmode=require" run_llm budget
check_rc "sslmode=require to a server without SSL, in a German environment" 2
check_contains "  says the server does not accept SSL" "$ERR" "does not accept SSL"
LLM_DATABASE="postgresql://llm@127.0.0.1:$PG_PORT/llm?sslmode=bogus" run_llm budget
check_rc "a setting libpq refuses, in a German environment" 2
check_contains "  says libpq refuses it" "$ERR" "libpq refuses a setting"
# A database or role the server does not know is a setting to put right, by
# the SQLSTATE the server answers with, whatever language it says it in.
for what in nodb:llm llm:nobody2; do
	LLM_DATABASE="postgresql:///${what%:*}?host=$PG_DIR&port=$PG_PORT&user=${what#*:}" run_llm budget
	check_rc "database ${what%:*}, user ${what#*:}: refused by a German server" 2
	check_contains "  $what: says what to check" "$ERR" "in [ledger] database (or LLM_DATABASE)"
	check_not_contains "  $what: not as an outage" "$ERR" "unreachable"
done
