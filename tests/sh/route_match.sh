#!/bin/sh
# route_match: llm route and --dry-run show the decision the request then gets, budget included.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

db=$LLM_DATA_DIR/llm.db
sql() { sqlite3 "$db" "$1"; }
fake_default '{"text":"fine","usage":{"input":10,"output":10}}'

# to_pico FILE FIELD: a dollar figure of a JSON document as pico-dollars.
to_pico() {
	t_py -c '
import json, sys
from decimal import Decimal as D
v = json.load(open(sys.argv[1]), parse_float=D)
for k in sys.argv[2].split("."):
    v = v[k]
print("null" if v is None else int(v * 10**12))' "$1" "$2"
}

# same_decision NAME ARGS...: llm route --json ARGS, llm --dry-run --json ARGS,
# then the request itself: the tier, model, mode, reason and budget flag agree,
# and the worst case route shows is the one the request reserved.
same_decision() {
	_n=$1
	shift
	run_llm route --json "$@"
	cp "$T/out" "$T/$_n.route.json"
	check_rc "$_n: route exit 0" 0
	run_llm --dry-run --json "$@"
	cp "$T/out" "$T/$_n.dry.json"
	check_eq "$_n: --dry-run prints what route prints" "$(json_get "$T/$_n.dry.json" "")" \
	    "$(json_get "$T/$_n.route.json" "")"
	run_llm --json "$@"
	cp "$T/out" "$T/$_n.req.json"
	check_rc "$_n: the request: exit 0" 0
	for f in tier model; do
		check_eq "$_n: $f as routed" "$(json_get "$T/$_n.req.json" $f)" \
		    "$(json_get "$T/$_n.route.json" $f)"
	done
	for f in mode reason budget_adjusted; do
		check_eq "$_n: route.$f as routed" "$(json_get "$T/$_n.req.json" route.$f)" \
		    "$(json_get "$T/$_n.route.json" $f)"
	done
	check_eq "$_n: the worst case shown is the one reserved" \
	    "$(sql "select worst_case_pico from usage order by id desc limit 1")" \
	    "$(to_pico "$T/$_n.route.json" worst_case_usd)"
}

same_decision greeting "hi there!"
same_decision trace "why does this crash?
Traceback (most recent call last):
  File \"t.py\", line 2, in <module>
IndexError: list index out of range"
same_decision tier -t frontier "hi"
same_decision pinned -m test-mid "hi"
# -s and --max-tokens change the input and the reply cap: route must count both.
same_decision system -s "You are a careful reviewer who explains every step in detail." \
    --max-tokens 77 "hi"
check_eq "system: the reply cap is the one given" "$(json_get "$T/system.route.json" reply_cap_tokens)" 77
printf 'int main(void) { return 0; }\n' >"$T/a.c"
same_decision file "explain" -f "$T/a.c"

# A budget that mid's worst case does not fit: downgraded to cheap, the same way.
rm -f "$db" "$db-wal" "$db-shm"
t_config_append "[llm]
budget = 0.001
budget_action = downgrade"
sed -i '0,/^budget = 0$/{/^budget = 0$/d}' "$LLM_CONFIG_DIR/config.ini"
same_decision downgrade -t mid --max-tokens 1000 "explain"
check_eq "downgrade: route says cheap" "$(json_get "$T/downgrade.route.json" tier)" cheap
check_eq "downgrade: route says what the budget does" \
    "$(json_get "$T/downgrade.route.json" budget.action)" downgraded
check_eq "downgrade: the request went to cheap" "$(fake_last body.model)" test-cheap-1
check_contains "downgrade: the reason says the budget did it" \
    "$(json_get "$T/downgrade.req.json" route.reason)" "downgraded by the budget"
check_not_contains "downgrade: not 'chosen by the user'" \
    "$(json_get "$T/downgrade.req.json" route.reason)" "chosen by the user"
check_contains "downgrade: the ledger row says so too" \
    "$(sql "select route_reason from usage order by id desc limit 1")" "downgraded by the budget"
# The route line of the request shows the estimate of the model that took it.
run_llm route -t mid --max-tokens 1000 "explain"
est=$(printf '%s\n' "$OUT" | sed -n 's/^estimate  \(~\$[0-9.]*\) on test-cheap$/\1/p')
check "downgrade: route shows cheap's estimate" test -n "$est"
check_contains "downgrade: route shows the worst case" "$OUT" "worst     \$"
run_llm -v -t mid --max-tokens 1000 "explain"
line=$(printf '%s\n' "$ERR" | grep '^llm: route ')
check_contains "downgrade: -v route line names cheap's model" "$line" "test-cheap"
check_contains "downgrade: -v route line shows cheap's estimate" "$line" "$est"
check_contains "downgrade: -v route line gives the reason" "$line" "downgraded by the budget"

# A budget not even test-cheap fits: the free model of the cheap tier takes it, never refused.
t_config_append "budget = 0.0000001"
same_decision free -t mid --max-tokens 1000 "explain"
check_eq "free: route names the free model" "$(json_get "$T/free.route.json" model)" test-local
check_eq "free: the request went to it" "$(fake_last body.model)" llama3.2
check_contains "free: the reason says the budget did it" \
    "$(json_get "$T/free.req.json" route.reason)" "downgraded by the budget from mid"
same_decision free_tier -t cheap --max-tokens 1000 "explain"
check_eq "free, same tier: the free model" "$(json_get "$T/free_tier.route.json" model)" test-local
check_contains "free, same tier: the reason names the model it replaced" \
    "$(json_get "$T/free_tier.req.json" route.reason)" "moved by the budget from test-cheap"
# A prompt of about 150k tokens: mid's window holds it, cheap's (128k) and the free one's (32k)
# do not, so the budget has nowhere to move it: refused, and says why, nothing sent.
yes "lorem ipsum dolor" | head -c 600000 >"$T/long.txt"
n=$(fake_count)
run_llm -q -t mid --max-tokens 1000 -f "$T/long.txt" "summarise"
check_rc "too long for the cheaper models: refused, exit 3" 3
check_contains "too long for the cheaper models: says why" "$ERR" \
    "no cheaper model's context window holds the prompt"
check_eq "too long for the cheaper models: nothing sent" "$(fake_count)" "$n"

# block: the request is refused, and route says it would be, with the same words.
t_config_append "budget_action = block"
n=$(fake_count)
run_llm route --json -t mid --max-tokens 1000 "explain"
cp "$T/out" "$T/block.json"
check_rc "block: route exits 3" 3
check_eq "block: route says refused" "$(json_get "$T/block.json" refused)" true
check_eq "block: the budget's action" "$(json_get "$T/block.json" budget.action)" refused
check "block: the worst case it would reserve" test "$(to_pico "$T/block.json" worst_case_usd)" -gt 0
why=$(printf '%s\n' "$ERR" | grep -m1 'budget:')
run_llm --dry-run -t mid --max-tokens 1000 "explain"
check_rc "block: --dry-run exits 3" 3
check_contains "block: --dry-run says refused" "$OUT" "refused"
run_llm -q -t mid --max-tokens 1000 "explain"
check_rc "block: the request is refused, exit 3" 3
check_eq "block: nothing sent" "$(fake_count)" "$n"
check_eq "block: route gave the request's reason" "$(printf '%s\n' "$ERR" | grep -m1 'budget:')" "$why"

# --max-cost is part of the decision too.
t_write_config
run_llm route -m test-mid --max-cost 0.0001 "explain"
check_rc "max-cost: route exits 3" 3
check_contains "max-cost: route says why" "$ERR" "max-cost"
run_llm -q -m test-mid --max-cost 0.0001 "explain"
check_rc "max-cost: the request is refused, exit 3" 3
run_llm --dry-run -m test-mid --max-cost 0.0001 "explain"
check_rc "max-cost: --dry-run exits 3" 3
run_llm --json -m test-mid --max-cost 0.0001 "explain"
cp "$T/out" "$T/maxcost.req.json"
check_rc "max-cost: the --json request exits 3" 3
check_eq "max-cost: --json gives the exit code it exits with" \
    "$(json_get "$T/maxcost.req.json" exit_code)" 3
# latency_ms is the time the command took to refuse, within the run's own time
start=$(date +%s%3N)
run_llm --json -m test-mid --max-cost 0.0001 "explain"
took=$(($(date +%s%3N) - start))
lat=$(json_get "$T/out" latency_ms)
check "max-cost: --json latency_ms ($lat) within the run's $took ms" test "$lat" -le "$took"

# What was already spent this month counts the same for route and the request.
# spend USD: an answered request of USD now, as the ledger keeps one.
now=$(date +%s)
spend() {
	sql "INSERT INTO usage (time, model, tier, cost_pico, estimated, status)
	    VALUES ($now - 60, 'test-mid', 'mid', $(t_py -c "print(int($1 * 10**12))"), 0, 'ok')"
}
# hold USD: a reservation of USD by a request still streaming elsewhere.
hold() {
	sql "INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires)
	    VALUES ($now - 10, 'test-mid', 'mid', $(t_py -c "print(int($1 * 10**12))"), 'reserved',
	    1, $now + 3590)"
}
rm -f "$db" "$db-wal" "$db-shm"
t_write_config
t_config_append "[llm]
budget = 1
budget_action = downgrade"
sed -i '0,/^budget = 0$/{/^budget = 0$/d}' "$LLM_CONFIG_DIR/config.ini"
# no free model in the tiers here: one is never refused
sed -i 's/^models = test-cheap, test-local$/models = test-cheap/' "$LLM_CONFIG_DIR/config.ini"
run_llm -q -m test-local "start the ledger"
check_rc "spent: a first request opens the ledger" 0
# $0.99 of $1 spent: mid's worst case no longer fits, cheap's does.
spend 0.99
same_decision spent -t mid --max-tokens 1000 "explain"
check_eq "spent: route moved it to cheap" "$(json_get "$T/spent.route.json" tier)" cheap
check_eq "spent: route says the budget did it" "$(json_get "$T/spent.route.json" budget.action)" \
    downgraded
check_eq "spent: the request went to cheap" "$(fake_last body.model)" test-cheap-1
# A reservation held by another request counts like spending: nothing fits now.
hold 0.0099
n=$(fake_count)
run_llm route --json -t mid --max-tokens 1000 "explain"
cp "$T/out" "$T/held.route.json"
check_rc "held: route exits 3" 3
check_eq "held: route says refused" "$(json_get "$T/held.route.json" refused)" true
check_eq "held: route counts the reservation" \
    "$(to_pico "$T/held.route.json" budget.reserved_usd)" 9900000000
why=$(printf '%s\n' "$ERR" | grep -m1 'budget:')
check_contains "held: route says it is the budget" "$why" "would pass"
run_llm --dry-run --json -t mid --max-tokens 1000 "explain"
cp "$T/out" "$T/held.dry.json"
check_rc "held: --dry-run exits 3" 3
check_eq "held: --dry-run prints what route prints" "$(json_get "$T/held.dry.json" "")" \
    "$(json_get "$T/held.route.json" "")"
run_llm --json -t mid --max-tokens 1000 "explain"
cp "$T/out" "$T/held.req.json"
check_rc "held: the request is refused, exit 3" 3
check_eq "held: --json gives exit code 3" "$(json_get "$T/held.req.json" exit_code)" 3
check_eq "held: nothing sent" "$(fake_count)" "$n"
check_eq "held: route gave the request's reason" "$(printf '%s\n' "$ERR" | grep -m1 'budget:')" \
    "$why"

# warn: over the budget, the request still goes where route said, with a warning.
t_config_append "budget_action = warn"
same_decision warn -t mid --max-tokens 1000 "explain"
check_eq "warn: route keeps mid" "$(json_get "$T/warn.route.json" tier)" mid
check_eq "warn: route says it would only warn" "$(json_get "$T/warn.route.json" budget.action)" warn
check_eq "warn: route does not refuse" "$(json_get "$T/warn.route.json" refused)" false
check_eq "warn: the request went to mid" "$(fake_last body.model)" test-mid-1
