# The budget at the command line: many llm processes at once share one ledger
# without losing a row, block never lets them overspend together, downgrade
# moves to a cheaper tier (a pin is refused instead), and a killed process's
# reservation is settled at what it had received.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
sql() { t_ledger_sql "$1"; }

# 40 processes at once, no budget: exactly 40 rows whose costs sum to the replies' costs
fake_default '{"text":"concurrent answer","usage":{"input":1000,"output":500}}'
# (wait on the pids only: a bare wait would wait for the fake provider too)
pids=
i=0
while [ $i -lt 40 ]; do
	"$LLM_BIN" -m test-cheap --json "request $i" >"$T/c$i.json" 2>"$T/c$i.err" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # a list of process ids
# shellcheck disable=SC2086 # a list of process ids
wait $pids
rows=$(sql "select count(*) from usage")
check_eq "40 at once: 40 usage rows" "$rows" 40
okrows=$(sql "select count(*) from usage where status='ok'")
check_eq "40 at once: all settled ok" "$okrows" 40
sum_db=$(sql "select sum(cost_pico) from usage")
sum_json=$(cat "$T"/c*.json | python3 -c '
import sys, json, decimal
t = decimal.Decimal(0)
for line in sys.stdin:
    t += decimal.Decimal(str(json.loads(line, parse_float=decimal.Decimal)["cost_usd"]))
print(int(t * 10**12))')
check_eq "40 at once: ledger sum equals the replies' costs" "$sum_db" "$sum_json"
# 1000 * 0.10 + 500 * 0.40 = 300 micro-dollars each
check_eq "40 at once: each cost exact" "$(sql "select count(*) from usage where cost_pico = 300000000")" 40
check_eq "40 at once: integrity" "$(sql "pragma integrity_check")" ok

# block: a budget that fits N worst cases; 3N processes at once
N=4
t_ledger_reset
fake_reset
# each admitted request is held mid-stream until the refused ones have exited
fake_default "{\"text\":\"held answer\",\"usage\":{\"input\":10,\"output\":10},\"hold_file\":\"$T/go\"}"
# worst case of "hi" with --max-tokens 1000 on test-cheap: ~input*0.10 + 1000*0.40 micro$
worst=$("$LLM_BIN" -m test-cheap --max-tokens 1000 --max-cost 0.000000000001 -q hi 2>&1 |
    sed -n 's/.*worst case \$\([0-9.]*\).*/\1/p')
budget=$(python3 -c "import decimal; print(decimal.Decimal('$worst') * $N + decimal.Decimal('0.0000001'))")
t_budget "$budget" block
pids=
i=0
while [ $i -lt $((3 * N)) ]; do
	( "$LLM_BIN" -m test-cheap --max-tokens 1000 -q "hi" >"$T/b$i.out" 2>"$T/b$i.err"
	  echo $? >"$T/b$i.rc" ) &
	pids="$pids $!"
	i=$((i + 1))
done
t_wait sh -c "[ \$(ls $T/b*.rc 2>/dev/null | wc -l) -ge $((2 * N)) ]"
held=$(sql "select count(*) from usage where status='reserved'")
reserved=$(sql "select coalesce(sum(worst_case_pico),0) from usage where status='reserved'")
budget_pico=$(python3 -c "import decimal; print(int(decimal.Decimal('$budget') * 10**12))")
check_eq "block: N requests admitted" "$held" "$N"
[ "$reserved" -le "$budget_pico" ] && ok "block: reserved $reserved <= budget $budget_pico" ||
    not_ok "block: reserved within budget" "reserved $reserved > $budget_pico"
touch "$T/go"
# shellcheck disable=SC2086 # a list of process ids
wait $pids
ok_n=$(cat "$T"/b*.rc | grep -c '^0$')
refused=$(cat "$T"/b*.rc | grep -c '^3$')
check_eq "block: N succeed" "$ok_n" "$N"
check_eq "block: 2N refused with exit 3" "$refused" "$((2 * N))"
msg=$(cat "$T"/b*.err | grep -m1 'budget')
check_contains "block: refusal gives the figures" "$msg" "worst case ~\$"
check_contains "block: refusal names the budget" "$msg" "reserved"
spent=$(sql "select coalesce(sum(cost_pico),0) from usage")
[ "$spent" -le "$budget_pico" ] && ok "block: spent within budget" || not_ok "block: spent within budget" "$spent"

# block, one request: the worst case is marked as the estimate it is, and the
# refusal names --max-tokens, which lowers it; the request then fits.
t_ledger_reset
fake_reset
t_write_config
t_budget 0.01 block
run_llm -q -t mid "hi"
check_rc "block, one request: exit 3" 3
check_contains "block, one request: the worst case is marked an estimate" "$ERR" "budget: worst case ~\$"
check_contains "block, one request: names --max-tokens" "$ERR" \
    "or lower the worst case with a smaller reply cap (--max-tokens N)"
check_eq "block, one request: nothing sent" "$(fake_count)" 0
run_llm -q -t mid --max-tokens 100 "hi"
check_rc "block, one request: with --max-tokens 100 it fits" 0

# downgrade: a mid request that does not fit moves to cheap, and says so
t_ledger_reset
fake_reset
t_write_config
fake_default '{"text":"cheap answer","usage":{"input":10,"output":10}}'
# mid's worst case with 1000 tokens out is ~$0.015; cheap's ~$0.0004
t_budget 0.001 downgrade
run_llm -t mid --max-tokens 1000 --json "explain"
printf '%s\n' "$OUT" >"$T/d.json"
check_rc "downgrade: exit 0" 0
check_eq "downgrade: sent to cheap" "$(fake_last body.model)" test-cheap-1
check_eq "downgrade: --json says so" "$(json_get "$T/d.json" route.budget_adjusted)" true
check_eq "downgrade: tier cheap" "$(json_get "$T/d.json" tier)" cheap
run_llm -t mid --max-tokens 1000 "explain"
check_contains "downgrade: stderr says so" "$ERR" "downgraded from mid to cheap"
# test-cheap's worst case does not fit but the free test-local of the same tier does: a move
# between two cheap models, said as one, not as a downgrade "from cheap to cheap".
run_llm -t cheap --max-tokens 4000 "explain"
check_rc "same tier: exit 0" 0
check_contains "same tier: names both models" "$ERR" \
    "llm: budget: moved from test-cheap to test-local (both cheap) to stay within the budget"
check_not_contains "same tier: no downgrade from a tier to itself" "$ERR" "from cheap to cheap"
n=$(fake_count)
run_llm -m test-mid --max-tokens 1000 "explain"
check_rc "downgrade: a pinned model is refused" 3
check_eq "downgrade: nothing sent for the pin" "$(fake_count)" "$n"
# free models are never refused
run_llm -m test-local --max-tokens 1000 "explain"
check_rc "free model under an exhausted budget: exit 0" 0

# --max-cost refuses above the worst case, whatever the budget
run_llm -m test-mid --max-tokens 1000 --max-cost 0.001 "x"
check_rc "max-cost: exit 3" 3
check_contains "max-cost: says why" "$ERR" "max-cost"
check_contains "max-cost: the reply the worst case counts" "$ERR" "with a 1000-token reply"
check_contains "max-cost: says what to do" "$ERR" "raise --max-cost, or lower the reply cap with --max-tokens"
# the cap reads back as given, every digit, as a budget does: never rounded to the cent
run_llm -m test-mid --max-tokens 1000 --max-cost 0.010005 "x"
check_rc "max-cost with a fraction of a cent: exit 3" 3
check_contains "max-cost with a fraction of a cent: the cap as given" "$ERR" "is above --max-cost \$0.010005;"
run_llm route -m test-frontier --max-tokens 100000 --max-cost 1.0005 "x"
check_contains "max-cost over a dollar, llm route: the cap as given" "$OUT" "is above --max-cost \$1.0005;"
mkdir -p "$T/task"
fake_reset
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}],"usage":{"output":1000}}'
fake_reply '{"text":"never","usage":{"output":1000}}'
cd "$T/task" || exit 1
run_llm "do" -m test-cheap --max-tokens 1000 --max-cost 0.00060005 "look"
cd - >/dev/null || exit 1
check_rc "llm do past its cap: exit 3" 3
check_contains "llm do past its cap: the cap as given" "$ERR" "would pass the task's cap of \$0.00060005"

# SIGKILL mid-stream: the database stays consistent; the reservation holds until a
# process looks, then is settled at once at what had been received, as an estimate
t_ledger_reset
t_write_config
fake_reset
now=$(date +%s)
fake_reply "{\"chunks\":[\"partial \",\"rest\"],\"hold_file\":\"$T/never\"}"
LLM_NOW=$now "$LLM_BIN" -m test-cheap --max-tokens 1000 "x" >"$T/k.out" 2>/dev/null &
pid=$!
t_wait grep -q partial "$T/k.out"
kill -KILL $pid
wait $pid 2>/dev/null
check_eq "sigkill: integrity" "$(sql "pragma integrity_check")" ok
check_eq "sigkill: reservation held until a process looks" "$(sql "select status from usage")" reserved
LLM_NOW=$((now + 10)) run_llm budget --json
printf '%s\n' "$OUT" >"$T/m1.json"
check_eq "sigkill: nothing reserved any more" "$(json_get "$T/m1.json" reserved_pico)" 0
s1=$(json_get "$T/m1.json" spent_pico)
[ -n "$s1" ] && [ "$s1" -gt 0 ] && [ "$s1" -lt 400000000 ] &&
    ok "sigkill: what was received is spent ($s1), not the worst case" ||
    not_ok "sigkill: what was received is spent" "$OUT"
fake_default '{"text":"later","usage":{"input":1,"output":1}}'
LLM_NOW=$((now + 20)) run_llm -m test-cheap -q "later"
check_rc "after the kill: a new request works" 0
check_eq "sigkill: settled and estimated" "$(sql "select status || ' ' || CAST(estimated AS int) from usage order by id limit 1")" "cancelled 1"
