#!/bin/sh
# team_suite.sh: the ledger and budget script tests, run again with the ledger
# in PostgreSQL (each test file in a database of its own on one throw-away
# cluster): the same checks pass against both backends. budget_cli.sh holds
# the ledger's guarantees (40 processes at once lose no row, block never lets
# them overspend together, downgrade, a killed process's reservation settled
# at what it had received). TEAM_SUITE names others to try: those that seed
# the ledger with sqlite3 (usage_chart.sh) do not run against PostgreSQL yet.
: "${TEAM_SUITE:=budget_cli.sh}"
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
for t in $TEAM_SUITE; do
	T_TEAM_PG="$PG_DIR $PG_PORT $PG_BIN" sh "$LLM_TOP/tests/sh/$t" >"$T/suite.log" 2>&1
	rc=$?
	n=$(grep -c '^ok' "$T/suite.log")
	if [ $rc -eq 0 ] && ! grep -q '^not ok' "$T/suite.log" && [ "$n" -gt 0 ]; then
		ok "$t passes against PostgreSQL ($n checks)"
	else
		not_ok "$t passes against PostgreSQL" "$(grep -A3 '^not ok' "$T/suite.log" | head -40)"
	fi
done
[ "$T_FAIL" -eq 0 ]
