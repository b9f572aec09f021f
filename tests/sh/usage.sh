#!/bin/sh
# usage.sh: `llm usage` and `llm logs` agree with the ledger read straight from its database
# (SQLite's, or the team's PostgreSQL: conversations stay in the local SQLite).
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
export TZ=UTC0 NO_COLOR=1
db="$LLM_DATA_DIR/llm.db"

# json FILE EXPR: a value from a JSON file, by a Python expression on j.
json() {
	t_py -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
sql() { t_ledger_sql "$1"; }
local_sql() { sqlite3 "$db" "$1"; }

# A frontier model with round prices, so the comparison can be worked out here.
t_frontier_model >"$LLM_CONFIG_DIR/config.ini"

now=$(date -u -d '2026-11-20 12:00:00' +%s)
nov=$(date -u -d '2026-11-01 00:00:00' +%s)
dec=$(date -u -d '2026-12-01 00:00:00' +%s)
export LLM_NOW="$now"

"$LLM_BIN" usage --json >"$T/empty.json" 2>"$T/err"
check_eq "usage on a fresh database succeeds" "$?" 0
check_eq "usage on a fresh database is empty" "$(json "$T/empty.json" 'j["total"]["requests"]')" 0
check "the database is created" test -f "$db"

# 300 settled requests over November, some unknown, some estimated, some errors; rows in
# October and December; one live reservation and one a dead process left an hour ago.
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens, cached_input_tokens,
  cache_write_tokens, output_tokens, reasoning_tokens, cost_pico, worst_case_pico, estimated,
  status, latency_ms, pid)
SELECT $nov + (i * 5657) % ($now - $nov),
  CASE i % 3 WHEN 0 THEN 'deepseek' WHEN 1 THEN 'openai' ELSE 'anthropic' END,
  CASE i % 3 WHEN 0 THEN 'deepseek-v4-flash' WHEN 1 THEN 'gpt-5-mini' ELSE 'claude-sonnet-4-6' END,
  CASE i % 3 WHEN 2 THEN 'mid' ELSE 'cheap' END, 'auto',
  100 + i * 37, (i % 4) * 50, CASE WHEN i % 9 = 0 THEN 20 ELSE 0 END, 20 + i * 3, (i % 5) * 2,
  CASE WHEN i % 25 = 0 THEN NULL ELSE 1000 + i * 1234 END, 5000000,
  i % 10 = 0, CASE WHEN i % 17 = 0 THEN 'error' WHEN i % 29 = 0 THEN 'cancelled' ELSE 'ok' END,
  300, 4242 FROM n;
INSERT INTO usage (time, model, tier, input_tokens, output_tokens, cost_pico, status)
  VALUES ($nov - 1, 'gpt-5-mini', 'cheap', 10, 10, 99000, 'ok'),
         ($dec, 'gpt-5-mini', 'cheap', 10, 10, 88000, 'ok');
INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires)
  VALUES ($now - 60, 'gpt-5-mini', 'cheap', 31000, 'reserved', 1, $now - 60 + 3600),
         ($now - 7200, 'gpt-5-mini', 'cheap', 45000, 'reserved', 1, $now - 7200 + 3600);"

"$LLM_BIN" usage --json >"$T/nov.json" 2>"$T/err"
check_eq "usage --json exits 0" "$?" 0
# What the ledger says, summed by its database: settled rows; the reservation a process that
# cannot be checked left an hour ago is held at its worst case, apart from the spend.
month="time >= $nov AND time < $dec AND status NOT IN ('reserved', 'expired')"
check_eq "requests equal the SQL count" "$(json "$T/nov.json" 'j["total"]["requests"]')" \
	"$(sql "SELECT count(*) FROM usage WHERE $month")"
check_eq "cost equals the SQL sum of known costs" "$(json "$T/nov.json" 'j["total"]["cost_pico"]')" \
	"$(sql "SELECT sum(CASE WHEN status = 'reserved' THEN worst_case_pico ELSE cost_pico END)
		FROM usage WHERE $month")"
check_eq "unknown costs are counted apart" "$(json "$T/nov.json" 'j["total"]["unknown_cost_requests"]')" \
	"$(sql "SELECT count(*) FROM usage WHERE $month AND status <> 'reserved' AND cost_pico IS NULL")"
check_eq "unknown costs are 12" "$(json "$T/nov.json" 'j["total"]["unknown_cost_requests"]')" 12
for b in input_tokens cached_input_tokens cache_write_tokens output_tokens reasoning_tokens; do
	check_eq "$b equal the SQL sum" "$(json "$T/nov.json" "j['total']['$b']")" \
		"$(sql "SELECT sum($b) FROM usage WHERE $month")"
done
check_eq "errors counted" "$(json "$T/nov.json" 'j["total"]["errors"]')" \
	"$(sql "SELECT count(*) FROM usage WHERE $month AND status = 'error'")"
check_eq "estimated is flagged" "$(json "$T/nov.json" 'j["total"]["estimated"]')" True
check_eq "the live reservation is in flight" "$(json "$T/nov.json" '(j["in_flight"], j["reserved_pico"])')" \
	"(1, 31000)"
check_eq "the expired reservation is held apart" \
	"$(json "$T/nov.json" '(j["expired_reservations"], j["expired_pico"])')" "(1, 45000)"
check_eq "usd is the exact decimal of pico" "$(t_py -c 'import json,sys,decimal
j = json.load(open(sys.argv[1]), parse_float=decimal.Decimal)["total"]
print(decimal.Decimal(j["cost_pico"]).scaleb(-12) == j["cost_usd"], j["cost_usd"] > 0)' "$T/nov.json")" "True True"

# The frontier comparison: the compared requests (known cost) re-priced at round prices.
check_eq "frontier model is the tier's first choice" "$(json "$T/nov.json" 'j["frontier_model"]')" test-frontier
# ...the first the user has a key for: what the frontier tier would have used
cp "$LLM_CONFIG_DIR/config.ini" "$T/config.keep"
{ printf '[tier.frontier]\nmodels = test-gem, test-frontier\n\n'
  t_model test-gem gemini test-gem-1 frontier 2 12
  t_model test-frontier openai test-frontier-1 frontier 15 75; } >"$LLM_CONFIG_DIR/config.ini"
check_eq "frontier model: the tier's first choice with a key" \
	"$(unset GEMINI_API_KEY; "$LLM_BIN" usage --json 2>/dev/null | t_py -c 'import json,sys; print(json.load(sys.stdin)["frontier_model"])')" \
	test-frontier
check_eq "frontier model: the first choice when it has a key" \
	"$("$LLM_BIN" usage --json 2>/dev/null | t_py -c 'import json,sys; print(json.load(sys.stdin)["frontier_model"])')" \
	test-gem
cp "$T/config.keep" "$LLM_CONFIG_DIR/config.ini"
check_eq "frontier cost re-prices every known-cost request" \
	"$(json "$T/nov.json" 'j["total"]["frontier_cost_pico"]')" \
	"$(sql "SELECT sum(input_tokens * 15000000 + cached_input_tokens * 1500000
		+ cache_write_tokens * 18750000 + output_tokens * 75000000)
		FROM usage WHERE $month AND (CASE WHEN status = 'reserved' THEN worst_case_pico
		ELSE cost_pico END) IS NOT NULL")"
check_eq "saving is frontier minus actual" \
	"$(json "$T/nov.json" 'j["total"]["frontier_cost_pico"] - j["total"]["cost_pico"]')" \
	"$(json "$T/nov.json" 'j["total"]["saving_pico"]')"

# Groups add up to the total, by every grouping.
for by in model tier day; do
	"$LLM_BIN" usage --by "$by" --json >"$T/by.json"
	check_eq "by $by: rows add up to the total" \
		"$(json "$T/by.json" '(sum(r["cost_pico"] for r in j["rows"]), sum(r["requests"] for r in j["rows"]))')" \
		"$(json "$T/by.json" '(j["total"]["cost_pico"], j["total"]["requests"])')"
done
"$LLM_BIN" usage --by tier --json >"$T/tier.json"
check_eq "by tier: cheap first" "$(json "$T/tier.json" '[r["key"] for r in j["rows"]]')" "['cheap', 'mid']"
check_eq "by tier: mid cost equals SQL" "$(json "$T/tier.json" 'j["rows"][1]["cost_pico"]')" \
	"$(sql "SELECT sum(cost_pico) FROM usage WHERE $month AND tier = 'mid'")"
"$LLM_BIN" usage --by day --json >"$T/day.json"
check_eq "by day: one row per day with requests" "$(json "$T/day.json" 'len(j["rows"])')" \
	"$(sql "SELECT count(DISTINCT time / 86400) FROM usage WHERE $month")"

# Other months, and the month follows the local zone.
"$LLM_BIN" usage --month 2026-10 --json >"$T/oct.json"
check_eq "--month 2026-10 holds the October row" "$(json "$T/oct.json" 'j["total"]["cost_pico"]')" 99000
# The forecast the table ends with is in the JSON too: this month's, as llm budget has it.
"$LLM_BIN" budget --json >"$T/budget.json"
check_eq "usage --json carries this month's forecast" \
	"$(json "$T/nov.json" '(j["forecast"]["method"], j["forecast"]["month_end_pico"])')" \
	"$(json "$T/budget.json" '(j["forecast"]["method"], j["forecast"]["month_end_pico"])')"
check_eq "usage --json: another month has no forecast" "$(json "$T/oct.json" 'j["forecast"]')" None
sql "INSERT INTO usage (time, model, tier, cost_pico, status)
	VALUES ($(date -u -d '2026-11-30 16:00:00' +%s), 'gpt-5-mini', 'cheap', 777, 'ok')"
if [ -z "${LLM_DATABASE:-}" ]; then
	TZ=JST-9 "$LLM_BIN" usage --month 2026-12 --json >"$T/jst.json"
else
	# A team's months are its time zone's, whatever TZ says.
	sql "UPDATE teams SET timezone = 'Asia/Tokyo'"
	TZ=UTC0 "$LLM_BIN" usage --month 2026-12 --json >"$T/jst.json"
	sql "UPDATE teams SET timezone = 'UTC'"
fi
check_eq "in Tokyo, Nov 30 16:00 UTC is December" "$(json "$T/jst.json" 'j["total"]["cost_pico"]')" \
	$((88000 + 777))
"$LLM_BIN" usage --month 2026-12 --json >"$T/utc.json"
check_eq "in UTC it is November" "$(json "$T/utc.json" 'j["total"]["cost_pico"]')" 88000

# The text report: estimates marked, unknown never shown as $0.
"$LLM_BIN" usage >"$T/text" 2>&1
check_eq "text report exits 0" "$?" 0
check "text total is marked estimated" grep -q '^total .* ~\$' "$T/text"
check "text names the unknown" grep -q '12 requests of unknown cost are not in the cost' "$T/text"
check "text shows the saving" grep -q 'test-frontier.*saved' "$T/text"
check "text shows the reservation" grep -q '1 request in flight' "$T/text"
check "text shows the expired reservation apart" grep -q '^1 reservation whose process could not be checked expired, holding ~\$0.000000045' "$T/text"

# A month whose requests are all of unknown cost: "?" in the table, null in the JSON, never $0.
sep=$(date -u -d '2026-09-15 12:00:00' +%s)
sql "INSERT INTO usage (time, model, tier, input_tokens, output_tokens, cost_pico, status)
  VALUES ($sep, 'gpt-5-mini', 'cheap', 10, 10, NULL, 'ok'),
         ($sep, 'gpt-5-mini', 'cheap', 10, 10, NULL, 'ok');"
"$LLM_BIN" usage --month 2026-09 >"$T/sep.txt"
check "an unknown month's cost is ? in the table" grep -q '^total .* ?$' "$T/sep.txt"
"$LLM_BIN" usage --month 2026-09 --json >"$T/sep.json"
check_eq "  and null in the JSON, row and total" "$(json "$T/sep.json" \
    '(j["rows"][0]["cost_usd"], j["rows"][0]["cost_pico"], j["total"]["cost_usd"])')" \
    "(None, None, None)"
check_eq "  with the requests counted as unknown" \
    "$(json "$T/sep.json" 'j["total"]["unknown_cost_requests"]')" 2

# Bad arguments are usage errors.
run_llm usage --no-color
check_rc "usage accepts the global --no-color" 0
run_llm logs --no-color
check_rc "logs accepts the global --no-color" 0
run_llm usage --month 2026-13
check_rc "--month 2026-13 is a usage error" 2
run_llm usage --by week
check_rc "--by week is a usage error" 2
run_llm usage --month
check_rc "--month without a value is a usage error" 2

# llm logs: conversations, newest first, text from models shown, never run by the terminal.
local_sql "INSERT INTO conversations (id, created, updated, title, model) VALUES
	(1, $now - 100, $now - 90, 'old one', 'gpt-5-mini'),
	(2, $now - 50, $now - 40, 'title with ' || char(27) || '[31m', NULL);
INSERT INTO messages (conversation_id, role, text, created, usage_id) VALUES
	(1, 'user', 'first question', $now - 100, NULL),
	(1, 'assistant', 'answer', $now - 90, 1),
	(2, 'user', 'clear ' || char(27) || '[2J screen' || char(7) || char(10) || 'line two', $now - 50, NULL);"
"$LLM_BIN" logs >"$T/logs" 2>&1
check_eq "logs exits 0" "$?" 0
if grep -q "$(printf '\033')" "$T/logs" || grep -q "$(printf '\007')" "$T/logs"; then
	not_ok "logs print no raw escape or bell"
else
	ok "logs print no raw escape or bell"
fi
check "logs show controls visibly" grep -q '␛\[2J screen␇' "$T/logs"
check_eq "logs list newest first" "$(grep -o '^#[0-9]*' "$T/logs" | tr '\n' ' ')" "#2 #1 "
if [ -z "${LLM_DATABASE:-}" ]; then
	check "logs show the assistant's model and tokens" grep -q 'gpt-5-mini .*tok' "$T/logs"
else
	echo "# skip: with a team ledger a message's usage row is in the team's database, which logs do not read"
fi
"$LLM_BIN" logs -n 1 >"$T/logs1"
check_eq "logs -n 1 shows one conversation" "$(grep -c '^#' "$T/logs1")" 1
"$LLM_BIN" logs --json >"$T/logs.json"
check_eq "logs --json keeps the text exact" "$(json "$T/logs.json" 'repr(j["conversations"][0]["messages"][0]["text"])')" \
	"'clear \\x1b[2J screen\\x07\\nline two'"
check_eq "logs --json carries usage" "$(json "$T/logs.json" 'j["conversations"][1]["messages"][1]["usage"]["id"]')" 1
run_llm logs -n 0
check_rc "logs -n 0 is a usage error" 2

# A model named with letters outside ASCII (provider/model-id) takes more bytes
# than columns: the figures of its row stand under those of the others.
jan=$(date -u -d '2027-01-05 10:00:00' +%s)
sql "INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens, output_tokens,
  cost_pico, estimated, status) VALUES
 ($jan, 'openai', 'openai/modèle-été', 'cheap', 'pinned', 1000, 100, 1000000000, false, 'ok'),
 ($jan, 'openai', 'gpt-5-mini', 'cheap', 'auto', 1000, 100, 2000000000, false, 'ok')" >/dev/null
"$LLM_BIN" usage --month 2027-01 >"$T/jan" 2>"$T/err"
check_eq "usage: a name outside ASCII: its row's figures in their columns" "$(t_py -c '
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
want = lines[1].index("requests") + len("requests")
rows = [re.match(r"^(.*?\S)\s+(\d+)\s", l) for l in lines[2:5]]
print(" ".join(str(m.end(2) - want) if m else "none" for m in rows))' "$T/jan")" "0 0 0"

check_eq "the database passes its integrity check" "$(local_sql 'PRAGMA integrity_check')" ok
[ "$T_FAIL" -eq 0 ]
