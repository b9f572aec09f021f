# Cache-aware routing: a conversation warm on mid, a short follow-up the router would send to
# cheap: the reason says what the switch costs, the choice is the cheaper expected total, and
# --json carries each tier's cache part. The budget's worst case never counts on the cache.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_cache_on 3000

run_llm -q -m test-mid -f "$T/big.c" "what is in it?"
check_rc "warm-up on mid: exit 0" 0
LLM_NOW=$((LLM_NOW + 60))

# jq-like: field of $T/r.json
rj() {
	json_get "$T/r.json" "$1"
}
_PICO='
import json, sys
from decimal import Decimal
v = json.load(open(sys.argv[1]), parse_float=Decimal)
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(int(Decimal(v) * 10**12))
'
pico() {
	t_py -c "$_PICO" "$T/r.json" "$1"
}

run_llm route -c --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "cheap is cheaper even against mid's cache: cheap chosen" "$(rj tier) $(rj model)" "cheap test-cheap"
check_contains "the reason says what the switch costs" "$(rj reason)" "; mid would lose \$0.0"
check "json: the loss is carried" test "$(pico cache_loss_usd)" -gt 0
check_eq "json: cheap's estimate has no cache part" "$(rj estimates.0.cached_tokens) $(rj estimates.0.cache_usd)" "0 0"
check "json: mid's estimate has a warm part" test "$(rj estimates.1.cached_tokens)" -gt 4000
# the cache part is those tokens at mid's cached price, $0.30/M
check_eq "json: mid's cache part is its warm tokens at the cached price" "$(pico estimates.1.cache_usd)" \
    "$(($(rj estimates.1.cached_tokens) * 300000))"
check "the chosen total is the cheaper one" test "$(pico estimates.0.cost_usd)" -lt "$(pico estimates.1.cost_usd)"
run_llm route -c "thanks"
check_contains "text: the reason on the route line" "$OUT" "mid would lose \$0.0"

# Dearer cheap input: the warm cache makes mid the cheaper expected total, and the turn stays.
t_config_append '[model.test-cheap]
input_price = 2.5'
run_llm route -c --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "warm mid is cheaper than cold cheap: mid chosen" "$(rj tier) $(rj model)" "mid test-mid"
check_contains "the reason says why" "$(rj reason)" "stays on mid: its warm cache makes it"
check "mid's expected total is below cheap's" test "$(pico estimates.1.cost_usd)" -lt "$(pico estimates.0.cost_usd)"
check_eq "the chosen estimate is mid's, cache counted" "$(pico estimate_usd)" "$(pico estimates.1.cost_usd)"
# the budget's worst case stays a bound: every input token at the write price ($3.75/M), the cap at $15/M
check_eq "worst case counts the prompt at the write price" "$(pico worst_case_usd)" \
    "$(($(rj input_tokens) * 3750000 + $(rj reply_cap_tokens) * 15000000))"
run_llm -q -c "thanks"
check_rc "the follow-up is sent: exit 0" 0
check_eq "and goes to mid" "$(fake_last body.model)" test-mid-1

# Past the cache's lifetime nothing is warm: no cache part, no switch cost, the router's choice.
LLM_NOW=$((LLM_NOW + 400))
t_write_config
run_llm route -c --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "expired: cheap, as routed" "$(rj tier)" cheap
check_not_contains "expired: no switch cost" "$(rj reason)" "would lose"
check_eq "expired: no warm tokens anywhere" "$(rj estimates.1.cached_tokens)" 0
