# Cache-aware routing: a conversation warm on mid. A short follow-up stays on mid (the tier
# never drops within a conversation, gone on with from a later process as within one) and its
# estimate counts the warm part; asked for cheap, the reason says what the switch costs and
# --json carries each tier's cache part; a warm model of the tier other than the router's pick
# keeps the turn when that is the cheaper expected total. The budget's worst case never counts
# on the cache.
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

# The router alone would take "thanks" to cheap; the conversation was answered on mid.
run_llm route -c --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "the follow-up stays on the conversation's tier, on its warm model" "$(rj tier) $(rj model)" \
    "mid test-mid"
check_eq "the reason says so, as in one process" "$(rj reason)" \
    "sticky: previous turn mid; a quick ask, short prompt, long words"
check_eq "json: nothing is lost" "$(pico cache_loss_usd)" 0
check "json: mid's estimate has a warm part" test "$(rj estimates.1.cached_tokens)" -gt 4000
check_eq "the chosen estimate is mid's, cache counted" "$(pico estimate_usd)" "$(pico estimates.1.cost_usd)"

# Asked for cheap: the user's tier is taken, and the reason says what the switch costs.
run_llm route -c -t cheap --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "-t cheap: cheap taken" "$(rj tier) $(rj model)" "cheap test-cheap"
check_eq "the reason says what the switch costs" "$(rj reason | sed 's/\$0\.0[0-9]*/$X/')" \
    "tier chosen by the user; mid would lose \$X of cache"
check "json: the loss is carried" test "$(pico cache_loss_usd)" -gt 0
check_eq "json: cheap's estimate has no cache part" "$(rj estimates.0.cached_tokens) $(rj estimates.0.cache_usd)" "0 0"
check "json: mid's estimate has a warm part" test "$(rj estimates.1.cached_tokens)" -gt 4000
# the cache part is those tokens at mid's cached price, $0.30/M
check_eq "json: mid's cache part is its warm tokens at the cached price" "$(pico estimates.1.cache_usd)" \
    "$(($(rj estimates.1.cached_tokens) * 300000))"
check "cheap is still the cheaper total against mid's cache" \
    test "$(pico estimates.0.cost_usd)" -lt "$(pico estimates.1.cost_usd)"
run_llm route -c -t cheap "thanks"
check_contains "text: the reason on the route line" "$OUT" "mid would lose \$0.0"

# The router's pick of mid is another model, cold: the warm one is the cheaper expected total,
# and the turn stays there (a model pinned earlier in the conversation, say).
sed -i 's/^models = test-mid$/models = test-mid-b, test-mid/' "$LLM_CONFIG_DIR/config.ini"
t_config_append "$(t_model test-mid-b anthropic test-mid-b-1 mid 3 15 'cached_input_price = 0.30' \
    'context = 200000')"
run_llm route -c --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "warm test-mid is cheaper than cold test-mid-b: it is kept" "$(rj tier) $(rj model)" "mid test-mid"
check_contains "the reason says why" "$(rj reason)" \
    "sticky: previous turn mid; a quick ask, short prompt, long words; stays on test-mid: its warm cache makes it"
check_eq "json: the tier's pick is the cold one" "$(rj estimates.1.model) $(rj estimates.1.cached_tokens)" \
    "test-mid-b 0"
check "the chosen estimate is below the tier's pick's" test "$(pico estimate_usd)" -lt "$(pico estimates.1.cost_usd)"
# the budget's worst case stays a bound: every input token at the write price ($3.75/M), the cap at $15/M
check_eq "worst case counts the prompt at the write price" "$(pico worst_case_usd)" \
    "$(($(rj input_tokens) * 3750000 + $(rj reply_cap_tokens) * 15000000))"
run_llm -q -c "thanks"
check_rc "the follow-up is sent: exit 0" 0
check_eq "and goes to the warm model" "$(fake_last body.model)" test-mid-1

# Past the cache's lifetime nothing is warm: no cache part, no switch cost, the tier's pick.
LLM_NOW=$((LLM_NOW + 400))
run_llm route -c --json "thanks"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "expired: the conversation's tier, on the tier's pick" "$(rj tier) $(rj model)" "mid test-mid-b"
check_not_contains "expired: no switch cost" "$(rj reason)" "would lose"
check_eq "expired: no warm tokens anywhere" \
    "$(rj estimates.0.cached_tokens) $(rj estimates.1.cached_tokens) $(rj estimates.2.cached_tokens)" "0 0 0"

# A prompt past a long-context threshold is billed whole at the long prices, cache reads
# too: gpt-5.4 past 272k tokens reads at $0.50/M, not $0.25/M, and input is $5/M, output
# $22.50/M. A conversation warm below the threshold (about 270k tokens) that a follow-up
# takes past it is estimated at those prices, its warm part and what leaving it loses alike.
t_py -c 'import sys; sys.stdout.write("word " * 216000)' >"$T/270k.txt"
t_py -c 'import sys; sys.stdout.write("more " * 8000)' >"$T/10k.txt"
fake_reply '{"text":"ok"}'
run_llm -q -m gpt-5.4 -f "$T/270k.txt" "summarise"
check_rc "long: warm-up on gpt-5.4, exit 0" 0
warm=$(t_ledger_sql "select input_tokens + cached_input_tokens from usage order by id desc limit 1")
check "long: warm below the threshold ($warm)" test "$warm" -gt 1024 -a "$warm" -le 272000
LLM_NOW=$((LLM_NOW + 60))
run_llm route -c --json -m gpt-5.4 -f "$T/10k.txt" "and this?"
printf '%s\n' "$OUT" >"$T/r.json"
check "long: the follow-up is past the threshold" test "$(rj input_tokens)" -gt 272000
check_eq "long: the warm part" "$(rj cached_tokens)" "$warm"
check_eq "long: the warm part at the long cached price" "$(pico cache_usd)" "$((warm * 500000))"
check_eq "long: the estimate at the long prices" "$(pico estimate_usd)" \
    "$((warm * 500000 + ($(rj input_tokens) - warm) * 5000000 + $(rj reply_tokens) * 22500000))"
run_llm route -c --json -m test-frontier -f "$T/10k.txt" "and this?"
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "long: leaving the warm model loses its long-price saving" "$(pico cache_loss_usd)" \
    "$((warm * (5000000 - 500000)))"
