# The budget against what goes wrong, end to end with the fake provider: crafted or
# broken usage is estimated, never booked as $0; a request of unknown cost counts at
# its worst case; a killed process's reservation is settled at once at what it had
# received; a warning says what the worst case would do; a locked or foreign ledger
# is said and exits 2. Every figure is checked to the pico-dollar against the
# catalog prices of the test models.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
db="$LLM_DATA_DIR/llm.db"
sql() { t_ledger_sql "$1"; }
fresh_db() { t_ledger_reset; }
# the prices of the test models, in pico-dollars per token (USD per million x 10^6)
price_in() { case $1 in test-cheap) echo 100000 ;; test-mid) echo 3000000 ;;
	test-frontier) echo 5000000 ;; *) echo 0 ;; esac; }
price_out() { case $1 in test-cheap) echo 400000 ;; test-mid) echo 15000000 ;;
	test-frontier) echo 25000000 ;; *) echo 0 ;; esac; }
# input_est MODEL PROMPT: the input tokens llm estimates for PROMPT (what it books unreported)
input_est() {
	"$LLM_BIN" -m "$1" --dry-run --json "$2" >"$T/route.json" 2>/dev/null
	json_get "$T/route.json" input_tokens
}
# ceil(chars / 4): the output estimate for a text of that many characters
tokens_of() { echo $((($1 + 3) / 4)); }

# -- broken usage, in every wire format: estimated from what was sent and received
text="Crafted usage must not be free."   # 31 characters: 8 tokens
prompt="how much did this cost"
total=0
for model in test-cheap test-mid test-frontier test-local; do
	in=$(input_est "$model" "$prompt")
	out=$(tokens_of ${#text})
	want=$((in * $(price_in $model) + out * $(price_out $model)))
	for fault in empty negative string huge; do
		fake_reply "{\"text\":\"$text\",\"usage\":{\"input\":1234,\"output\":567},\"usage_fault\":\"$fault\"}"
		run_llm -m "$model" --json -q "$prompt"
		printf '%s\n' "$OUT" >"$T/r.json"
		check_rc "$model, $fault usage: answered" 0
		check_eq "$model, $fault usage: estimated in --json" \
		    "$(json_get "$T/r.json" usage.estimated)" true
		check_eq "$model, $fault usage: booked as the estimate" \
		    "$(sql "select input_tokens || ' ' || output_tokens || ' '
			|| coalesce(CAST(cost_pico AS text), 'unknown') || ' ' || CAST(estimated AS int)
			|| ' ' || status from usage order by id desc limit 1")" \
		    "$in $out $want 1 ok"
		total=$((total + want))
	done
done
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
check_eq "broken usage: llm budget spent to the pico-dollar" "$(json_get "$T/b.json" spent_pico)" "$total"
check_eq "broken usage: nothing unknown" "$(json_get "$T/b.json" unknown_count)" 0
run_llm usage --json
printf '%s\n' "$OUT" >"$T/u.json"
check_eq "broken usage: llm usage cost to the pico-dollar" "$(json_get "$T/u.json" total.cost_pico)" "$total"
check_eq "broken usage: llm usage counts 16 requests" "$(json_get "$T/u.json" total.requests)" 16

# -- six requests with absurd usage under a block budget of $0.002: each is charged its
# estimate, so the budget stops them as it would real ones
fresh_db
t_budget 0.002 block
in=$(input_est test-mid "$prompt")
out=$(tokens_of ${#text})
cost=$((in * 3000000 + out * 15000000))
worst=$((in * 3000000 + 100 * 15000000))
limit=2000000000
spent=0
admitted=0
i=0
while [ $i -lt 6 ]; do
	fake_reply "{\"text\":\"$text\",\"usage_fault\":\"huge\"}"
	run_llm -m test-mid --max-tokens 100 -q "$prompt"
	if [ $((spent + worst)) -le $limit ]; then
		check_rc "block, huge usage, request $i: admitted" 0
		spent=$((spent + cost))
		admitted=$((admitted + 1))
	else
		check_rc "block, huge usage, request $i: refused" 3
	fi
	i=$((i + 1))
done
[ "$admitted" -lt 6 ] && ok "block, huge usage: the budget stopped some ($admitted of 6)" ||
    not_ok "block, huge usage: the budget stopped some" "all six went through"
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
check_eq "block, huge usage: llm budget spent" "$(json_get "$T/b.json" spent_pico)" "$spent"
run_llm budget
check_not_contains "block, huge usage: llm budget does not say \$0.00" "$OUT" 'spent       $0.00 '

# -- a request of unknown cost counts at its worst case while the budget is enforced
fresh_db
# (a team's budget went with the ledger; config.ini's is still set)
[ -z "${LLM_DATABASE:-}" ] || "$LLM_BIN" budget set 0.002 >/dev/null
run_llm budget >/dev/null
now=$(date +%s)
sql "INSERT INTO usage (time, model, tier, cost_pico, worst_case_pico, estimated, status)
	VALUES ($now - 60, 'mystery', 'mid', NULL, 1900000000, false, 'ok')"
fake_reply '{"text":"fits?"}'
sent=$(fake_count)
run_llm -m test-cheap --max-tokens 1000 -q "$prompt"
check_rc "an unknown cost at its worst case leaves no room: refused" 3
check_eq "refused: nothing sent" "$(fake_count)" "$sent"
check_contains "refused: the figures count the unknown cost" "$ERR" "spent \$0.0019"
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
check_eq "unknown cost: counted at its worst case" \
    "$(json_get "$T/b.json" unknown_worst_pico) $(json_get "$T/b.json" counted_pico) $(json_get "$T/b.json" spent_pico)" \
    "1900000000 1900000000 null"
run_llm budget
check_contains "unknown cost: the text says it is counted" "$OUT" "1 request of unknown cost, at the worst case"
check_contains "unknown cost: spent is ?, not \$0.00" "$OUT" "spent       ? (1 request)"
fake_reply '{"text":"small","usage":{"input":10,"output":5}}'
run_llm -m test-cheap --max-tokens 10 --json "$prompt"
printf '%s\n' "$OUT" >"$T/a.json"
check_eq "unknown cost: --json's budget keeps the unknown worst case out of spent_usd" \
    "$(t_py -c 'import json, sys; b = json.load(open(sys.argv[1]))["budget"]; print(round((b["counted_usd"] - b["spent_usd"]) * 1e12), b["spent_usd"] > 0)' "$T/a.json")" \
    "1900000000 True"
# the summary line after a request: the month's meter names the request of unknown cost
fake_reply '{"text":"small","usage":{"input":10,"output":5}}'
run_llm -m test-cheap --max-tokens 10 -v "$prompt"
check_contains "unknown cost: the summary's meter names it, never as \$0" "$ERR" " +1 unknown"
t_write_config

# -- SIGKILL mid-stream: settled at once at the input sent and the output received
fresh_db
fake_reset
in=$(input_est test-cheap "$prompt")
fake_reply "{\"chunks\":[\"partial answer \",\"the rest\"],\"hold_file\":\"$T/never\"}"
"$LLM_BIN" -m test-cheap --max-tokens 1000 "$prompt" >"$T/k.out" 2>"$T/k.err" &
pid=$!
# shellcheck disable=SC2317 # called by t_wait
received() { [ "$(sql 'select coalesce(received_output, 0) from usage')" -gt 0 ]; }
t_wait received ||
    not_ok "sigkill: the reply's progress was recorded" "$(sql 'select * from usage')"
check_eq "sigkill: the answer so far was shown" "$(cat "$T/k.out")" "partial answer "
kill -KILL $pid
wait $pid 2>/dev/null
out=$(tokens_of 15)
cost=$((in * 100000 + out * 400000))
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
check_eq "sigkill: llm budget: spent what was received, nothing held" \
    "$(json_get "$T/b.json" spent_pico) $(json_get "$T/b.json" reserved_pico) $(json_get "$T/b.json" expired_pico)" \
    "$cost 0 0"
check_eq "sigkill: the row is settled as an estimate" \
    "$(sql "select status || ' ' || input_tokens || ' ' || output_tokens || ' ' || cost_pico || ' '
	|| CAST(estimated AS int) from usage")" \
    "cancelled $in $out $cost 1"
run_llm usage --json
printf '%s\n' "$OUT" >"$T/u.json"
check_eq "sigkill: llm usage cost" "$(json_get "$T/u.json" total.cost_pico)" "$cost"
check_eq "sigkill: llm usage prices it on the frontier too" \
    "$(json_get "$T/u.json" total.frontier_cost_pico)" $((in * 5000000 + out * 25000000))
check_eq "sigkill: integrity" "$(sql "pragma integrity_check")" ok
fake_reply '{"text":"next","usage":{"input":10,"output":1}}'
run_llm -m test-cheap -q "next"
check_rc "sigkill: the next request runs" 0

# -- SIGKILL during a slow trickle: what had been recorded by then is what is charged
fresh_db
fake_reset
long="One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen."
fake_reply "{\"text\":\"$long$long$long\",\"fault\":\"slow\",\"delay_ms\":120}"
"$LLM_BIN" -m test-cheap --max-tokens 1000 "$prompt" >"$T/k.out" 2>"$T/k.err" &
pid=$!
T_WAIT=20 t_wait sh -c "[ \$(wc -c <'$T/k.out') -ge 80 ]"
sleep 1.2
kill -KILL $pid
wait $pid 2>/dev/null
shown=$(wc -c <"$T/k.out")
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
got=$(sql "select output_tokens from usage where status = 'cancelled'")
[ "$got" -ge 20 ] && [ "$got" -le "$(tokens_of "$shown")" ] &&
    ok "trickle: charged output between the first second's and what was shown ($got tokens)" ||
    not_ok "trickle: charged output within what was received" "$got tokens, $shown bytes shown"
cost=$((in * 100000 + got * 400000))
check_eq "trickle: llm budget to the pico-dollar" \
    "$(json_get "$T/b.json" spent_pico) $(json_get "$T/b.json" reserved_pico)" "$cost 0"

# -- SIGKILL before any reply came: the reservation is released
fresh_db
fake_reset
fake_reply "{\"chunks\":[],\"hold_file\":\"$T/never\"}"
"$LLM_BIN" -m test-frontier --max-tokens 1000 "$prompt" >"$T/k.out" 2>"$T/k.err" &
pid=$!
fake_wait_count 1
check_eq "before the reply: reserved" "$(sql "select status from usage")" reserved
kill -KILL $pid
wait $pid 2>/dev/null
run_llm budget --json
printf '%s\n' "$OUT" >"$T/b.json"
check_eq "before the reply: released" \
    "$(json_get "$T/b.json" spent_pico) $(json_get "$T/b.json" reserved_pico) $(json_get "$T/b.json" counted_pico)" \
    "0 0 0"
check_eq "before the reply: the row says so" \
    "$(sql "select status || ' ' || cost_pico || ' ' || CAST(estimated AS int) from usage")" "cancelled 0 1"

# -- budget_action = warn: the worst case would pass the budget; it is not "used"
fresh_db
fake_reset
t_budget 0.00001 warn
fake_reply '{"text":"warned","usage":{"input":10,"output":2}}'
run_llm -m test-cheap --max-tokens 1000 "$prompt"
check_rc "warn: goes on" 0
w=$(((in * 100000 + 1000 * 400000) / 1000000))   # micro-dollars, whole
check_contains "warn: names the worst case" "$ERR" "worst case \$0.000$w"
check_contains "warn: says it would pass the budget" "$ERR" "on test-cheap would pass $(date +%Y-%m)'s budget"
check_contains "warn: gives what was spent and the limit" "$ERR" "(spent \$0.00 of \$0.00001)"
check_not_contains "warn: does not call the worst case used" "$ERR" "budget used"
t_write_config

# -- a locked ledger: said at once, and a local failure exits 2
# (SQLite's alone: a team ledger is in its database; the local file holds no budget)
if [ -z "${LLM_DATABASE:-}" ]; then
	fresh_db
	run_llm budget >/dev/null
	# (the interpreter itself, so that $! is the process holding the lock)
	"$T_PY" -I -S -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO conversations (created, updated) VALUES (1, 1)")
open(sys.argv[2], "w").close()
time.sleep(30)' "$db" "$T/locked" &
	holder=$!
	t_defer "kill $holder 2>/dev/null"
	t_wait test -f "$T/locked"
	start=$(date +%s)
	fake_reply '{"text":"never"}'
	RUN_TIMEOUT=25 run_llm -m test-cheap -q "$prompt"
	took=$(($(date +%s) - start))
	check_rc "locked ledger: exit 2" 2
	check_contains "locked ledger: says it waits" "$ERR" "waiting for the ledger's lock"
	check_contains "locked ledger: says why it gave up" "$ERR" "another process has held the ledger's lock"
	[ "$took" -le 14 ] && ok "locked ledger: gives up after one wait (${took} s)" ||
	    not_ok "locked ledger: gives up after one wait" "${took} s"
	kill $holder 2>/dev/null
	wait $holder 2>/dev/null
else
	echo "# skip: with a team ledger the budget is not in the local llm.db, whose lock is SQLite's"
fi

# -- llm.db that is not a database: one exit code everywhere, and the way out
fresh_db
printf 'these are my notes, not a database; they are long enough to be read\n' >"$db"
for cmd in "budget" "usage" "logs" "-m test-cheap -q $prompt"; do
	# shellcheck disable=SC2086
	run_llm $cmd
	check_rc "not a database: llm $cmd exits 2" 2
	check_contains "not a database: llm $cmd says how to move it aside" "$ERR" "mv $db $db.bad"
done
exit 0
