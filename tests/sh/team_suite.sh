#!/bin/sh
# team_suite.sh: the ledger and budget script tests, run again with the ledger
# in PostgreSQL (each test file in a database of its own on one throw-away
# cluster): the same checks pass against both backends. budget_cli.sh holds
# the ledger's guarantees (40 processes at once lose no row, block never lets
# them overspend together, downgrade, a killed process's reservation settled
# at what it had received); budget_faults.sh broken usage, unknown costs and
# killed processes to the pico-dollar; budget.sh the meter (settled, unknown, estimated,
# reserved and expired, the month's rollover); budget_warn.sh the 50/80/100%
# warnings, each once per team and month with many processes at once (CLI, git
# hook, TUI); usage.sh and usage_chart.sh the reports, the chart, the forecast
# and the month in the team's time zone; agent_cap.sh the cap of an llm do task,
# kept on the team's rows; test_ledger (the unit tests, run with
# LLM_TEST_PG) reservations, the verdict and many processes at once. They seed
# and read the ledger through t_ledger_sql; a check SQLite's alone by nature
# says "# skip" and why. TEAM_SUITE names the files to run.
: "${TEAM_SUITE:=budget_cli.sh budget.sh budget_faults.sh budget_warn.sh usage.sh usage_chart.sh agent_cap.sh test_ledger}"
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
for t in $TEAM_SUITE; do
	case $t in
	test_*) LLM_TEST_PG="$PG_DIR $PG_PORT $PG_BIN" "$LLM_TOP/${BUILD:-build}/tests/$t" ;;
	*) T_TEAM_PG="$PG_DIR $PG_PORT $PG_BIN" sh "$LLM_TOP/tests/sh/$t" ;;
	esac >"$T/suite.log" 2>&1
	rc=$?
	n=$(grep -c '^ok' "$T/suite.log")
	if [ $rc -eq 0 ] && ! grep -q '^not ok' "$T/suite.log" && [ "$n" -gt 0 ]; then
		ok "$t passes against PostgreSQL ($n checks)"
	else
		not_ok "$t passes against PostgreSQL" "$(grep -A3 '^not ok' "$T/suite.log" | head -40)"
	fi
done
[ "$T_FAIL" -eq 0 ]
