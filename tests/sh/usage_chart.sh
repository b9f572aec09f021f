#!/bin/sh
# usage_chart.sh: `llm usage` draws a month on a terminal (golden outputs at 80 and 120
# columns, in colour, with NO_COLOR and with LANG=C), a pipe gets the table, and the
# forecast of `llm budget` and `llm usage` names hand-worked days.
# UPDATE_GOLDEN=1 rewrites tests/golden/usage-*.txt.
set -u
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
unset LC_ALL COLUMNS
export TZ=UTC0 TERM=xterm-256color

json() {
	t_py -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
# onpty COLS CMD...: run on a pseudo-terminal COLS wide
onpty() {
	_c=$1
	shift
	t_py "$LLM_TOP/tests/pty_run.py" "$_c" 40 "$@"
}

{
	printf '[llm]\nbudget = 0\n\n'
	t_frontier_model
} >"$LLM_CONFIG_DIR/config.ini"
# (in config.ini, or with a team ledger the team's budget in its database)
"$LLM_BIN" budget set 50 >/dev/null

# Two months. November: gpt-5-mini daily, claude-sonnet-4-6 two days in three,
# claude-opus-4-6 weekly. December to the 10th as t_seed_december has it, and one
# row of unknown cost on the 10th.
nov=$(date -u -d '2026-11-01 00:00:00' +%s)
dec=$(date -u -d '2026-12-01 00:00:00' +%s)
LLM_NOW=$(date -u -d '2026-12-10 14:00:00' +%s)
export LLM_NOW
"$LLM_BIN" usage --json >/dev/null 2>&1   # creates the database
t_ledger_sql "
WITH RECURSIVE n(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM n WHERE d < 29)
INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens, output_tokens,
  cost_pico, estimated, status)
SELECT $nov + d * 86400 + 32400, 'openai', 'gpt-5-mini', 'cheap', 'auto', 200000 + d * 1000,
  40000, ((d % 5) + 1) * 100000000000, false, 'ok' FROM n
UNION ALL SELECT $nov + d * 86400 + 54000, 'anthropic', 'claude-sonnet-4-6', 'mid', 'auto',
  300000, 20000, (d % 3) * 500000000000, false, 'ok' FROM n WHERE d % 3 <> 0
UNION ALL SELECT $nov + d * 86400 + 72000, 'anthropic', 'claude-opus-4-6', 'frontier', 'auto',
  400000, 60000, 2000000000000, d = 20, 'ok' FROM n WHERE d % 7 = 6;"
t_seed_december
t_ledger_sql "INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens,
  output_tokens, cost_pico, estimated, status)
  VALUES ($dec + 9 * 86400 + 43200, 'work', 'local-qwen', 'cheap', 'auto', 500, 100, NULL, false, 'ok');"

# golden NAME COLS [ENV...] -- ARGS...: llm usage ARGS on a terminal against tests/golden/NAME.txt
golden() {
	_name=$1 _cols=$2
	shift 2
	_env=
	while [ "$1" != -- ]; do _env="$_env $1"; shift; done
	shift
	# shellcheck disable=SC2086
	if onpty "$_cols" env $_env "$LLM_BIN" usage "$@" >"$T/$_name.txt"; then
		ok "$_name: exits 0"
	else
		not_ok "$_name: exits 0"
	fi
	check_golden "$_name" "$T/$_name.txt" "$_name: matches tests/golden/$_name.txt"
}

for cols in 80 120; do
	golden "usage-chart-$cols" "$cols" --
	golden "usage-chart-no-color-$cols" "$cols" NO_COLOR=1 --
	golden "usage-chart-c-$cols" "$cols" LC_ALL=C LANG=C --
done
golden usage-chart-november-80 80 -- --month 2026-11

# What the drawing promises of each mode.
esc=$(printf '\033')
grep -q "${esc}\[38;5;176m" "$T/usage-chart-80.txt" && ok "the frontier tier in the theme's colour" ||
	not_ok "the frontier tier in the theme's colour"
if grep -q "$esc" "$T/usage-chart-no-color-80.txt"; then not_ok "NO_COLOR: no escapes"; else ok "NO_COLOR: no escapes"; fi
if t_py -c 'import re,sys
for f in sys.argv[1:]:
    t = re.sub(rb"\x1b\[[0-9;]*m", b"", open(f, "rb").read())
    sys.exit(1 if any(b > 0x7e or (b < 0x20 and b != 10) for b in t) else 0)' \
	"$T/usage-chart-c-80.txt" "$T/usage-chart-c-120.txt"; then
	ok "LANG=C: ASCII only"
else
	not_ok "LANG=C: ASCII only"
fi
for f in usage-chart-80 usage-chart-120 usage-chart-no-color-120 usage-chart-c-80; do
	w=$(t_py -c 'import re,sys
t = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1], encoding="utf-8").read())
print(max(len(l) for l in t.split("\n")))' "$T/$f.txt")
	case $f in *120*) want=120 ;; *) want=80 ;; esac
	[ "$w" -le "$want" ] && ok "$f: every line fits" || not_ok "$f: every line fits ($w > $want)"
done

# The chart's totals are the --json totals: the whole month, each tier, the requests.
"$LLM_BIN" usage --json >"$T/dec.json"
"$LLM_BIN" usage --by tier --json >"$T/tier.json"
"$LLM_BIN" usage --month 2026-11 --json >"$T/nov.json"
"$LLM_BIN" usage --month 2026-11 --by tier --json >"$T/novtier.json"
# figures CHART JSON TIERJSON: "total tiers requests" as drawn, then as --json says them
figures() {
	t_py - "$@" <<'PY'
import json, re, sys
from decimal import Decimal, ROUND_HALF_UP
text = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1], encoding="utf-8").read())
total = json.load(open(sys.argv[2]))["total"]
tiers = {r["key"]: r for r in json.load(open(sys.argv[3]))["rows"]}
def usd(pico, est):
    return ("~" if est else "") + "$" + str((Decimal(pico) / 10**12).quantize(Decimal("0.01"), ROUND_HALF_UP))
want = [usd(total["cost_pico"], total["estimated"]), str(total["requests"])]
for t in ("cheap", "mid", "frontier"):
    r = tiers.get(t, {"cost_pico": 0, "estimated": False})
    want.append(usd(r["cost_pico"], r["estimated"]))
m = re.search(r"Total (\S+) in (\d+) requests?", text)
drawn = [m.group(1), m.group(2)] if m else ["no", "total"]
for t in ("cheap", "mid", "frontier"):
    d = re.search(r" %s (\S+)" % t, text)
    drawn.append(d.group(1) if d else "none")
print(" ".join(drawn))
print(" ".join(want))
PY
}
for f in usage-chart-80 usage-chart-no-color-120 usage-chart-c-120; do
	figures "$T/$f.txt" "$T/dec.json" "$T/tier.json" >"$T/fig"
	check_eq "$f: totals equal --json" "$(sed -n 1p "$T/fig")" "$(sed -n 2p "$T/fig")"
done
figures "$T/usage-chart-november-80.txt" "$T/nov.json" "$T/novtier.json" >"$T/fig"
check_eq "november: totals equal --json" "$(sed -n 1p "$T/fig")" "$(sed -n 2p "$T/fig")"
check_eq "december's total is \$20.00 in 20 requests" "$(json "$T/dec.json" '(j["total"]["cost_pico"], j["total"]["requests"])')" \
	"(20000000000000, 20)"

# --by and --json on a terminal are what they were; a pipe gets the table, never the drawing.
onpty 80 "$LLM_BIN" usage --json >"$T/pty.json"
check_eq "--json on a terminal is the --json of a pipe" "$(cat "$T/pty.json")" "$(cat "$T/dec.json")"
onpty 80 "$LLM_BIN" usage --by tier >"$T/bytier.txt"
grep -q '^December 2026, by tier' "$T/bytier.txt" && ok "--by on a terminal prints the table" ||
	not_ok "--by on a terminal prints the table"
# The table's sentences wrap on a terminal, two spaces in, as the chart's do.
w=$(t_py -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))' "$T/bytier.txt")
[ "$w" -le 80 ] && ok "--by on 80 columns: every line fits" ||
	not_ok "--by on 80 columns: every line fits ($w > 80)" "$(cat "$T/bytier.txt")"
check_contains "--by on 80 columns: the frontier line wraps between words" "$(cat "$T/bytier.txt")" \
	"On the frontier tier (test-frontier) the same requests would have cost \$123.00:
  saved \$103.00 (83%)."
onpty 30 "$LLM_BIN" usage >"$T/narrow.txt"
grep -q '^December 2026, by model' "$T/narrow.txt" && ok "a terminal under 40 columns gets the table" ||
	not_ok "a terminal under 40 columns gets the table"
"$LLM_BIN" usage >"$T/pipe.txt"
grep -q '^December 2026, by model' "$T/pipe.txt" && ok "a pipe gets the table" || not_ok "a pipe gets the table"
if grep -q "$esc\|█\|┤" "$T/pipe.txt"; then not_ok "a pipe gets no drawing"; else ok "a pipe gets no drawing"; fi

# The forecast, worked by hand. Window Dec 4-10: weekdays 4,7,8,9,10 hold $14.50 ($2.90 a
# day), the weekend 5,6 40c (20c a day): over 2:1, so apart. $20 spent; $50 is passed on
# Friday the 25th ($49.80 on the 24th); month end $20 + 15 x $2.90 + 6 x 20c = $64.70.
check_eq "usage: forecast" "$(grep '^Forecast:' "$T/pipe.txt")" \
	"Forecast: out on Dec 25 at this pace; \$64.70 at month end."
check_eq "usage: pace" "$(grep '^Pace:' "$T/pipe.txt")" \
	"Pace: \$2.90 a weekday and \$0.20 a weekend day, last 7 days, weekdays and weekends apart (Dec 4–10)."
"$LLM_BIN" usage --month 2026-11 >"$T/novpipe.txt"
if grep -q '^Forecast' "$T/novpipe.txt"; then not_ok "a past month has no forecast"; else ok "a past month has no forecast"; fi
"$LLM_BIN" budget >"$T/budget.txt"
check_eq "budget: forecast" "$(grep '^  forecast' "$T/budget.txt")" \
	"  forecast    out on Dec 25 at this pace; \$64.70 at month end"
"$LLM_BIN" budget --json >"$T/budget.json"
check_eq "budget --json: forecast" "$(json "$T/budget.json" '(j["forecast"]["out_on"], j["forecast"]["month_end_pico"], j["forecast"]["method"])')" \
	"('2026-12-25', 64700000000000, 'split')"
# On a narrow terminal the meter's bar shrinks and the rows wrap under their text; at 80
# columns it is the pipe's 20 cells.
# widest FILE: the widest line of FILE in columns, colours left out
widest() {
	t_py -c 'import re,sys
t = re.sub(r"\x1b\[[0-9;]*m", "", open(sys.argv[1], encoding="utf-8").read())
print(max(len(l) for l in t.split("\n")))' "$1"
}
t_ledger_sql "INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires)
  VALUES ($LLM_NOW - 7200, 'gpt-5-mini', 'cheap', 45000000000, 'reserved', 1, $LLM_NOW - 3600);"
for cols in 40 50; do
	onpty "$cols" "$LLM_BIN" budget >"$T/budget-$cols.txt"
	w=$(widest "$T/budget-$cols.txt")
	[ "$w" -le "$cols" ] && ok "budget at $cols columns: every line fits" ||
		not_ok "budget at $cols columns: every line fits ($w > $cols)" "$(cat "$T/budget-$cols.txt")"
done
check_contains "budget at 40 columns: the expired row wraps under its text" \
	"$(cat "$T/budget-40.txt")" "
  expired     ~\$0.045 held: reservations
              whose process could not be"
onpty 80 "$LLM_BIN" budget >"$T/budget-80.txt"
check_eq "budget at 80 columns: the bar is 20 cells" \
	"$(sed -n 1p "$T/budget-80.txt" | sed 's/\x1b\[[0-9;]*m//g' | tr -cd '█▒░' | wc -m)" 20
check_eq "budget at 50 columns: a bar of the room left" \
	"$(sed -n 1p "$T/budget-50.txt" | sed 's/\x1b\[[0-9;]*m//g' | tr -cd '█▒░' | wc -m)" 10
check_eq "budget at 40 columns: no room for a bar, the figures alone" \
	"$(sed -n 1p "$T/budget-40.txt")" "December 2026  ~\$20.05 of \$50.00 (40%)"
# Shown, the reservation may have been settled as expired (the team ledger does so): gone either way.
t_ledger_sql "DELETE FROM usage WHERE status IN ('reserved', 'expired');"

# The first day of the month: $1.70 by the 1st, a day's pace of $1.70: $50 is reached
# on the 30th ($1.70 x 30 = $51), $52.70 by the 31st.
LLM_NOW=$(date -u -d '2026-12-01 23:00:00' +%s) "$LLM_BIN" budget >"$T/first.txt"
check_eq "first day: forecast" "$(grep '^  forecast' "$T/first.txt")" \
	"  forecast    out on Dec 30 at this pace; \$52.70 at month end"
check_eq "first day: pace" "$(grep '^  pace' "$T/first.txt")" \
	"  pace        \$1.70 a day, the month's first day (Dec 1)"
LLM_NOW=$(date -u -d '2026-12-03 23:00:00' +%s) "$LLM_BIN" budget --json >"$T/third.json"
check_eq "third day: --json names the window it measured" \
	"$(json "$T/third.json" '(j["forecast"]["method_text"], j["forecast"]["window_from"], j["forecast"]["window_to"])')" \
	"(\"mean of the month's first 3 days\", 1, 3)"
# Already over: with a $15 budget the 8th's burst took the month to $16.60.
"$LLM_BIN" budget set 15 >/dev/null
"$LLM_BIN" budget >"$T/over.txt"
check_eq "over budget: forecast" "$(grep '^  forecast' "$T/over.txt")" \
	"  forecast    over the budget since Dec 8; \$64.70 at month end at this pace"
# No budget: the month-end total alone.
"$LLM_BIN" budget set 0 >/dev/null
"$LLM_BIN" budget >"$T/none.txt"
check_eq "no budget: forecast" "$(grep '^  forecast' "$T/none.txt")" \
	"  forecast    \$64.70 at month end at this pace"
# A month with an estimated cost in it: the spend is marked, and so is what is drawn from it.
# (An estimate of more than $0: one of exactly $0 is off by nothing and marks nothing.)
t_ledger_sql "INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens,
  output_tokens, cost_pico, estimated, status)
  VALUES ($dec + 9 * 86400 + 50400, 'deepseek', 'deepseek-v4-flash', 'cheap', 'auto', 100, 10,
  1, true, 'ok');"
"$LLM_BIN" budget >"$T/est.txt"
check_eq "estimated: the spend marked" "$(grep -c '^  spent *~\$' "$T/est.txt")" 1
check_eq "estimated: the forecast marked" "$(grep '^  forecast' "$T/est.txt")" \
	"  forecast    ~\$64.70 at month end at this pace"
check_eq "estimated: the pace marked" "$(grep '^  pace' "$T/est.txt")" \
	"  pace        ~\$2.90 a weekday and ~\$0.20 a weekend day, last 7 days, weekdays and weekends apart (Dec 4–10)"
"$LLM_BIN" usage >"$T/est-usage.txt"
check_eq "estimated: usage's forecast marked" "$(grep '^Forecast:' "$T/est-usage.txt")" \
	"Forecast: ~\$64.70 at month end at this pace."
t_ledger_sql "DELETE FROM usage WHERE estimated AND cost_pico = 1;"
# A model with a request of unknown cost: its figure in the top models says so, as the
# table's does, never leaving it out as if it were free.
t_ledger_sql "INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens,
  output_tokens, cost_pico, estimated, status)
  VALUES ($dec + 9 * 86400 + 51000, 'anthropic', 'claude-opus-4-6', 'frontier', 'auto', 100, 10,
  NULL, false, 'ok');"
onpty 80 env NO_COLOR=1 "$LLM_BIN" usage >"$T/unknown-model.txt"
check_eq "top models: a model's requests of unknown cost are told" \
	"$(sed -n 's/^  \(claude-opus-4-6 .*\)$/\1/p' "$T/unknown-model.txt" | tr -s ' ')" \
	"claude-opus-4-6 \$6.00 30% ██████████ +1 unknown"

# A ledger file that is no database is a setup to put right, exit 2 as the table says it,
# on a terminal too: not a network failure's 1.
mkdir -p "$T/notdb"
printf 'not a database at all, just some text that sqlite cannot read.\n' >"$T/notdb/llm.db"
if LLM_DATA_DIR=$T/notdb onpty 80 "$LLM_BIN" usage >"$T/notdb.txt"; then rc=0; else rc=$?; fi
check_eq "not a database: the chart exits 2" "$rc" 2
check_contains "not a database: says how to move it aside" "$(cat "$T/notdb.txt")" \
	"is not an llm ledger (not an SQLite database); move it aside"
LLM_DATA_DIR=$T/notdb run_llm usage
check_rc "not a database: the table exits 2 too" 2
[ "$T_FAIL" -eq 0 ]
