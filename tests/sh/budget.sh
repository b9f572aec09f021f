#!/bin/sh
# budget.sh: `llm budget` reads the meter from the ledger; `llm budget set` edits config.ini in place.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
export TZ=UTC0 NO_COLOR=1
cfg="$LLM_CONFIG_DIR/config.ini"
# The tests start from no config file at all.
rm -f "$cfg"

# json FILE EXPR: a value from a JSON file, by a Python expression on j.
json() {
	t_py -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# same NAME FILE: the config file is exactly what was expected ($T/want).
same() {
	check "$1" diff "$T/want" "$2"
}
sql() { t_ledger_sql "$1"; }

LLM_NOW=$(date -u -d '2026-11-16 00:00:00' +%s)
export LLM_NOW
nov=$(date -u -d '2026-11-01 00:00:00' +%s)

# `llm budget set` edits config.ini; with a team ledger it sets the team's budget in
# its database (team_ledger.sh checks that).
if [ -z "${LLM_DATABASE:-}" ]; then
	# No budget: what is left is null in both units, as every money field comes in both.
	"$LLM_BIN" budget --json >"$T/b.json"
	check_eq "no budget: left is null in dollars and pico" \
	    "$(json "$T/b.json" '(j.get("left_usd", "missing"), j.get("left_pico", "missing"))')" \
	    "(None, None)"
	# No config file yet: it is created with the section.
	"$LLM_BIN" budget set 50 >"$T/out" 2>&1
	check_eq "budget set on no config exits 0" "$?" 0
	printf '[llm]\nbudget = 50\n' >"$T/want"
	same "budget set creates the file and the section" "$cfg"
	check "budget set says what it set" grep -q '\$50.00' "$T/out"
	"$LLM_BIN" budget --json >"$T/b.json"
	check_eq "the new budget is read back" "$(json "$T/b.json" 'j["limit_pico"]')" 50000000000000

	# An existing file: comments, other sections and the inline comment are kept.
	cat >"$cfg" <<'EOF'
; my llm settings
[llm]
tier = auto               ; default tier
budget = 50               ; USD per calendar month
budget_action = block
;budget = 20
# budget = 30

[tier.cheap]
models = deepseek-v4-flash   ; budget = 3 here is not the budget
EOF
	chmod 600 "$cfg"
	# the same file with the budget line of [llm] alone changed
	sed 's/^budget = 50               ;/budget = 12.5 ;/' "$cfg" >"$T/want"
	run_llm budget set '$12.50'
	check_rc "budget set with a dollar sign exits 0" 0
	same "budget set edits only the budget line of [llm]" "$cfg"
	check_eq "the file keeps its mode" "$(stat -c %a "$cfg")" 600

	# [llm] without a budget line: it goes right under the header.
	printf '[llm]\r\ntier = cheap\r\n\r\n[git]\r\ntier = cheap\r\n' >"$cfg"
	"$LLM_BIN" budget set 0.25 >/dev/null
	printf '[llm]\r\nbudget = 0.25\ntier = cheap\r\n\r\n[git]\r\ntier = cheap\r\n' >"$T/want"
	same "budget is added under [llm]" "$cfg"

	# No [llm] section: one is added at the end; a file with no final newline is handled.
	printf '[git]\ntier = mid' >"$cfg"
	"$LLM_BIN" budget set 100 >/dev/null
	printf '[git]\ntier = mid\n\n[llm]\nbudget = 100\n' >"$T/want"
	same "a new [llm] section is appended" "$cfg"

	# Setting 0 turns the budget off.
	"$LLM_BIN" budget set 0 >"$T/out"
	printf '[git]\ntier = mid\n\n[llm]\nbudget = 0\n' >"$T/want"
	same "budget set 0 writes 0" "$cfg"
	check "budget set 0 says there is none" grep -q 'no monthly budget' "$T/out"

	# A budget reads back as it was set: its digits under a cent are not rounded away.
	"$LLM_BIN" budget set 12.345 >"$T/out"
	check_contains "budget set says the amount as set" "$(cat "$T/out")" 'monthly budget $12.345 ('
	"$LLM_BIN" budget >"$T/out"
	check_contains "the meter gives the budget as set" "$(head -n 1 "$T/out")" '$0.00 of $12.345 (0%)'
	"$LLM_BIN" budget set 0 >/dev/null

	# A symlinked config (dotfiles) is edited through the link, and the link stays.
	mkdir -p "$T/dotfiles"
	printf '[llm]\nbudget = 1\n' >"$T/dotfiles/llm.ini"
	rm -f "$cfg"
	ln -s "$T/dotfiles/llm.ini" "$cfg"
	"$LLM_BIN" budget set 2 >/dev/null
	check "the symlink is kept" test -L "$cfg"
	printf '[llm]\nbudget = 2\n' >"$T/want"
	same "the symlink's target is edited" "$T/dotfiles/llm.ini"

	# Bad amounts change nothing and exit 2.
	for bad in abc -5 1.1234567 99999999999999 '' 1e3; do
		cp "$T/dotfiles/llm.ini" "$T/before"
		run_llm budget set "$bad"
		check_rc "budget set '$bad' is a usage error" 2
		check "budget set '$bad' leaves the file" cmp "$T/before" "$T/dotfiles/llm.ini"
	done
	run_llm budget set 99999999999999
	check_contains "budget set of too many dollars says so" "$ERR" "more than llm can count"
	check_contains "  and what the most is" "$ERR" 'at most $9223372'
	run_llm budget set
	check_rc "budget set without an amount is a usage error" 2
	run_llm budget --no-color
	check_rc "the global --no-color is accepted" 0
	run_llm budget --bogus
	check_rc "an unknown option is a usage error" 2
else
	echo "# skip: with a team ledger llm budget set writes the database, not config.ini"
fi

# The meter: $12.40 spent (one unknown, one estimated), $0.31 reserved, half the month gone.
rm -f "$cfg"
printf '[llm]\nbudget = 0\nbudget_action = block\n' >"$cfg"
# (in config.ini, or with a team ledger the team's budget in its database)
"$LLM_BIN" budget set 50 >/dev/null
"$LLM_BIN" budget >/dev/null
sql "INSERT INTO usage (time, model, tier, cost_pico, estimated, status) VALUES
	($nov + 10, 'gpt-5-mini', 'cheap', 10000000000000, false, 'ok'),
	($nov + 86400, 'claude-sonnet-4-6', 'mid', 2400000000000, true, 'ok'),
	($nov + 90000, 'mystery', 'mid', NULL, false, 'ok'),
	($nov - 5, 'gpt-5-mini', 'cheap', 9000000000000, false, 'ok');
INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires)
	VALUES ($LLM_NOW - 10, 'gpt-5-mini', 'cheap', 310000000000, 'reserved', 1, $LLM_NOW + 3590);"
"$LLM_BIN" budget --json >"$T/b.json"
check_eq "spent" "$(json "$T/b.json" 'j["spent_pico"]')" 12400000000000
check_eq "reserved" "$(json "$T/b.json" 'j["reserved_pico"]')" 310000000000
check_eq "limit" "$(json "$T/b.json" 'j["limit_pico"]')" 50000000000000
check_eq "left" "$(json "$T/b.json" 'j["left_pico"]')" $((50000000000000 - 12400000000000 - 310000000000))
check_eq "percent" "$(json "$T/b.json" 'j["percent"]')" 24.8
check_eq "days left, today included" "$(json "$T/b.json" 'j["days_left"]')" 15
# One projection, the forecast: nothing was spent in the last 7 days (Nov 10-16), so the
# month ends where it stands.
check_eq "one projection: the forecast's" "$(json "$T/b.json" '"projected_pico" in j')" False
check_eq "the forecast from the last 7 days" \
	"$(json "$T/b.json" 'j["forecast"]["month_end_pico"]')" 12400000000000
check_eq "unknown counted apart" "$(json "$T/b.json" 'j["unknown_count"]')" 1
check_eq "estimated flagged" "$(json "$T/b.json" 'j["estimated"]')" True
check_eq "action" "$(json "$T/b.json" 'j["action"]')" block
check_eq "month" "$(json "$T/b.json" 'j["month"]')" 2026-11
check_eq "spent_usd" "$(json "$T/b.json" 'j["spent_usd"]')" 12.4
check_eq "spent equals the SQL sum" "$(json "$T/b.json" 'j["spent_pico"]')" \
	"$(sql "SELECT sum(cost_pico) FROM usage WHERE status <> 'reserved' AND time >= $nov")"

"$LLM_BIN" budget >"$T/text"
check_eq "budget exits 0" "$?" 0
check "the headline" grep -q '^November 2026 .* ~\$12.40 of \$50.00 (24%)' "$T/text"
check "reserved shown" grep -q 'reserved *\$0.31 in flight' "$T/text"
check "the forecast shown, marked as the spend it comes from" \
	grep -q 'forecast *~\$12.40 at month end at this pace' "$T/text"
check "no second projection" sh -c '! grep -q projected "$1"' sh "$T/text"
check "unknown shown" grep -q '1 request of unknown cost' "$T/text"

# After an hour a reservation whose process cannot be checked is charged at its worst case,
# as an estimate: it counts against the budget, but apart from what was spent.
LLM_NOW=$((LLM_NOW + 3600)) "$LLM_BIN" budget --json >"$T/b.json"
check_eq "an expired reservation is counted apart" \
	"$(json "$T/b.json" '(j["spent_pico"], j["expired_pico"], j["counted_pico"], j["reserved_pico"])')" \
	"(12400000000000, 310000000000, 12710000000000, 0)"
check_eq "an expired reservation leaves less" "$(json "$T/b.json" 'j["left_pico"]')" \
	$((50000000000000 - 12710000000000))
LLM_NOW=$((LLM_NOW + 3600)) "$LLM_BIN" budget >"$T/text"
check "text: spent without the expired, the unknown beside it" \
	grep -q 'spent *~\$12.40 +1 unknown (4 requests)' "$T/text"
check "text: the expired shown apart" grep -q 'expired *~\$0.31 held' "$T/text"

# Over the budget: left goes negative and the text says over.
sql "INSERT INTO usage (time, model, tier, cost_pico, status) VALUES ($nov + 20, 'x', 'frontier', 40000000000000, 'ok')"
"$LLM_BIN" budget >"$T/text"
check "over budget shown" grep -q 'left *~\$2.71 over' "$T/text"

# December rolls at local midnight: nothing spent yet.
LLM_NOW=$(date -u -d '2026-12-01 00:00:00' +%s) "$LLM_BIN" budget --json >"$T/b.json"
check_eq "a new month starts empty" "$(json "$T/b.json" '(j["month"], j["spent_pico"], j["days_left"])')" \
	"('2026-12', 0, 31)"

# A month whose every request is of unknown cost: what was spent is "?", never $0.00, in the
# text, its forecast and --json (null there, as `llm usage --json` gives such a cost).
jan=$(date -u -d '2027-01-01 00:00:00' +%s)
sql "INSERT INTO usage (time, model, tier, cost_pico, estimated, status) VALUES
	($jan + 10, 'mystery', 'mid', NULL, false, 'ok'),
	($jan + 20, 'mystery', 'mid', NULL, false, 'ok');"
LLM_NOW=$((jan + 86400)) "$LLM_BIN" budget >"$T/text"
check "all unknown: spent is ?" grep -q '^  spent *? (2 requests)$' "$T/text"
check "all unknown: the forecast is ?" \
	grep -q '^  forecast *? at month end: 2 requests so far, all of unknown cost$' "$T/text"
check "all unknown: the pace is ?" grep -q '^  pace *? a day' "$T/text"
# (a team's row gives the user's share and what is in flight, which are not the month's spend)
check "all unknown: no \$0.00 below the headline" \
	sh -c '! sed 1d "$1" | grep -v "^  team " | grep -q "\$0\.00"' sh "$T/text"
LLM_NOW=$((jan + 86400)) "$LLM_BIN" budget --json >"$T/b.json"
check_eq "all unknown: --json's spent and forecast are null" \
	"$(json "$T/b.json" '(j["spent_usd"], j["spent_pico"], j["unknown_count"], j["forecast"]["month_end_pico"], j["forecast"]["pace_per_day_pico"])')" \
	"(None, None, 2, None, None)"
# Some of known cost: the figure, with the requests of unknown cost beside it.
sql "INSERT INTO usage (time, model, tier, cost_pico, estimated, status) VALUES
	($jan + 30, 'gpt-5-mini', 'cheap', 1000000000, false, 'ok');"
LLM_NOW=$((jan + 86400)) "$LLM_BIN" budget >"$T/text"
check "some unknown: spent names them" grep -q '^  spent *\$0.001 +2 unknown (3 requests)$' \
	"$T/text"
check "some unknown: the forecast is of the known" grep -q '^  forecast *\$0\.0[0-9]* at month end' \
	"$T/text"
LLM_NOW=$((jan + 86400)) "$LLM_BIN" budget --json >"$T/b.json"
check_eq "some unknown: --json's spent is the known" "$(json "$T/b.json" 'j["spent_pico"]')" \
	1000000000
[ "$T_FAIL" -eq 0 ]
