# The full-screen client's /usage view, headless: the conversation's cost above the month's
# chart, golden screens at 100x30 and 50x15, scrolling, and q back to the transcript.
# UPDATE_GOLDEN=1 rewrites tests/golden/tui-usage-*.txt.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
LLM_NOW=$(date -u -d '2026-12-10 14:00:00' +%s)
export TZ=UTC0 LLM_NOW
sed -i 's/^budget = 0/budget = 50/' "$LLM_CONFIG_DIR/config.ini"
DB="$LLM_DATA_DIR/llm.db"

# A month to the 10th (t_seed_december).
"$LLM_BIN" usage --json >/dev/null 2>&1
t_seed_december

fake_reply '{"text":"Hi there","usage":{"input":1000,"output":500}}'

# usage NAME SIZE: say hi, open /usage, dump it, scroll to the end, dump, close, dump.
usage() {
	cat >"$T/$1.s" <<S
:type /tier cheap
:key Enter
:type hi
:key Enter
:wait-idle
:type /usage
:key Enter
:dump-screen $T/$1.txt
:key End
:dump-screen $T/$1-end.txt
:key q
:dump-screen $T/$1-closed.txt
S
	if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/$1.s" --size "$2" >"$T/$1.out" 2>&1; then
		ok "$1: ran"
	else
		not_ok "$1: ran" "$(cat "$T/$1.out")"
		return
	fi
	check_golden "$1" "$T/$1.txt" "$1: matches tests/golden/$1.txt"
}

fake_reset
fake_reply '{"text":"Hi there","usage":{"input":1000,"output":500}}'
usage tui-usage-100x30 100x30
cost=$(sqlite3 "$DB" "SELECT cost_pico FROM usage WHERE conversation_id IS NOT NULL")
check_contains "the view names the conversation's cost" "$(cat "$T/tui-usage-100x30.txt")" \
    "This conversation: \$$(t_py -c 'import sys; from decimal import Decimal
p = Decimal(sys.argv[1]) / 10**12
print(("%.2f" % p) if p >= 1 else p.normalize())' "$cost") in 1 request this month."
check_contains "the view draws the month" "$(cat "$T/tui-usage-100x30.txt")" "December 2026"
check_contains "the view has the forecast" "$(cat "$T/tui-usage-100x30-end.txt")" "Forecast: out on Dec"
check_not_contains "scrolled: the top is gone" "$(cat "$T/tui-usage-100x30-end.txt")" "This conversation"
check_not_contains "q closes the view" "$(cat "$T/tui-usage-100x30-closed.txt")" "This conversation"
check_contains "q: the transcript is back" "$(cat "$T/tui-usage-100x30-closed.txt")" "Hi there"

fake_reset
rm -f "$LLM_DATA_DIR/history"
sqlite3 "$DB" "DELETE FROM usage WHERE conversation_id IS NOT NULL"
fake_reply '{"text":"Hi there","usage":{"input":1000,"output":500}}'
usage tui-usage-50x15 50x15
w=$(t_py -c 'import sys; print(max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")))' \
    "$T/tui-usage-50x15.txt")
check_eq "50x15: nothing past the screen's width" "$w" 50
# Narrower than a column a day (31 of them and the scale): a bar stands for 2 days or more and
# the month stays whole; nothing is wider than the screen, down to the client's smallest width,
# and nothing is cut at 36; at 20 a model's name too long for the line ends in an ellipsis.
# Tall screens, so that all of the view shows.
for w in 36 20; do
	cat >"$T/n$w.s" <<S
:type /usage
:key Enter
:dump-screen $T/n$w.txt
S
	if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/n$w.s" --size "${w}x60" >"$T/n$w.out" 2>&1; then
		ok "$w wide: ran"
	else
		not_ok "$w wide: ran" "$(cat "$T/n$w.out")"
	fi
	check_eq "$w wide: nothing past the screen's width" "$(wc -L <"$T/n$w.txt" | tr -d ' ')" "$w"
done
check_not_contains "36 wide: nothing cut" "$(sed -n '/├ usage/,/├ [^u]/{/├ [^u]/!p}' "$T/n36.txt")" "…"
check_contains "36 wide: a model's name whole, its figures under it" "$(cat "$T/n36.txt")" \
    "│   claude-sonnet-4-6              │
│     \$12.00 59% █████████████████ │"
check_contains "36 wide: a bar is 2 days" "$(cat "$T/n36.txt")" "│ a bar is 2 days"
check_contains "36 wide: the axis to the month's end" "$(cat "$T/n36.txt")" "│        1   10   20   30 "
check_contains "20 wide: a bar is 4 days" "$(cat "$T/n20.txt")" "│ a bar is 4 days"
check_contains "20 wide: the axis" "$(cat "$T/n20.txt")" "│        1   20 "
check_contains "20 wide: a cut name ends in an ellipsis" "$(cat "$T/n20.txt")" "│   claude-sonnet… │
│     \$12.00 59% █ │"

# resized while open, through a window too small for it, the view is drawn again for the new
# width: 36 columns as when opened there, nothing cut. It is drawn from the figures read when
# it opened, not read again: a request another process books meanwhile (a $5 one on
# gpt-5.4) shows only when the view is opened again.
rm -f "$T/opened" "$T/booked"
(
	t_wait test -e "$T/opened" &&
	    sqlite3 "$DB" "INSERT INTO usage (time, provider, model, tier, cost_pico, status)
	      VALUES ($LLM_NOW - 60, 'openai', 'gpt-5.4', 'mid', 5000000000000, 'ok')" &&
	    touch "$T/booked"
) &
booker=$!
cat >"$T/rs.s" <<S
:type /usage
:key Enter
:touch $T/opened
:wait-file $T/booked
:resize 12 6
:resize 36 60
:dump-screen $T/rs.txt
:key q
:type /usage
:key Enter
:dump-screen $T/rs-again.txt
S
if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/rs.s" --size 100x60 >"$T/rs.out" 2>&1; then
	ok "resized: ran"
else
	not_ok "resized: ran" "$(cat "$T/rs.out")"
fi
wait "$booker"
check_contains "resized: the view still open" "$(cat "$T/rs.txt")" "├ usage"
check_not_contains "resized: nothing cut" "$(sed -n '/├ usage/,/├ [^u]/{/├ [^u]/!p}' "$T/rs.txt")" "…"
check_eq "resized: as opened at 36, the ledger not read again" \
    "$(sed -n '/├ usage/,/├ [^u]/p' "$T/rs.txt")" "$(sed -n '/├ usage/,/├ [^u]/p' "$T/n36.txt")"
check_not_contains "resized: the request booked since not shown" "$(cat "$T/rs.txt")" "gpt-5.4"
check_contains "opened again: the request booked since shown" "$(cat "$T/rs-again.txt")" "gpt-5.4"
check_contains "opened again: the month's total with it" "$(cat "$T/rs-again.txt")" "\$25.00"

# at 80x24, narrowed and back: as when opened there
cat >"$T/rb.s" <<S
:type /usage
:key Enter
:dump-screen $T/rb0.txt
:resize 40 20
:resize 80 24
:dump-screen $T/rb1.txt
S
if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/rb.s" --size 80x24 >"$T/rb.out" 2>&1; then
	ok "80x24: ran"
else
	not_ok "80x24: ran" "$(cat "$T/rb.out")"
fi
check_contains "80x24: the month" "$(cat "$T/rb0.txt")" "December 2026"
check_eq "80x24: narrowed and back, as opened" "$(cat "$T/rb1.txt")" "$(cat "$T/rb0.txt")"
# a question typed over the view closes it and goes into the input, every key of it but a
# first q, which closes the view as documented
cat >"$T/ty.s" <<S
:type /usage
:key Enter
:type what now?
:dump-screen $T/ty0.txt
:key C-a C-k
:type /usage
:key Enter
:type quick
:dump-screen $T/ty1.txt
S
if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/ty.s" --size 80x24 >"$T/ty.out" 2>&1; then
	ok "typed over it: ran"
else
	not_ok "typed over it: ran" "$(cat "$T/ty.out")"
fi
check_not_contains "typed over it: the view closed" "$(cat "$T/ty0.txt")" "├ usage"
check_contains "typed over it: every key in the input" "$(cat "$T/ty0.txt")" "│ > what now?"
check_contains "q: closes it, the rest typed" "$(cat "$T/ty1.txt")" "│ > uick"
echo "# $T_PASS passed, $T_FAIL failed"
