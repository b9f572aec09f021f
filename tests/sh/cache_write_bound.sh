# The budget's worst case bounds what the provider may bill for cache writes it makes by
# itself: GPT-5.6 on OpenAI's format writes its prefix at 1.25x input, unasked, and reports
# it as cache_write_tokens. A block budget between the input-priced bound and the true one
# refuses the request instead of letting it spend past the budget.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_config_append "$(t_model gpt56 openai gpt-5.6 mid 5 30 'cached_input_price = 0.50' \
    'cache_write_price = 6.25' 'context = 1000000')"
prompt=$(t_py -c 'import sys; sys.stdout.write("word " * 2000)')
run_llm route --json -m gpt56 --max-tokens 100 "$prompt"
check_rc "route: exit 0" 0
printf '%s\n' "$OUT" >"$T/r.json"
n=$(json_get "$T/r.json" input_tokens)
worst=$(t_py -c 'import json, sys; from decimal import Decimal
print(int(json.load(open(sys.argv[1]), parse_float=Decimal)["worst_case_usd"] * 10**12))' "$T/r.json")
check_eq "the worst case counts the prompt at the write price" "$worst" \
    "$((n * 6250000 + 100 * 30000000))"

# $5/M input: a budget the input-priced bound fits and the written prompt does not.
t_budget "$(t_py -c "print('%.6f' % (($n * 5600000 + 100 * 30000000) / 1e12))")" block
fake_reply "{\"text\":\"ok\",\"usage\":{\"input\":$n,\"cache_write\":$n,\"output\":100}}"
run_llm -q -m gpt56 --max-tokens 100 "$prompt"
check_rc "block: a request that could pass the budget is refused (exit 3)" 3
check_eq "  and never sent" "$(fake_count)" 0
check_eq "  nothing is spent past the budget" \
    "$(t_ledger_sql "select count(*) from usage where status = 'ok'")" 0

# Within the true bound it goes, and its cost is within its reservation.
t_ledger_reset
sed -i "s/^budget = .*/budget = 1/" "$LLM_CONFIG_DIR/config.ini"
run_llm -q -m gpt56 --max-tokens 100 "$prompt"
check_rc "within budget: exit 0" 0
check_eq "the written prompt costs what the worst case held" \
    "$(t_ledger_sql "select cost_pico <= worst_case_pico, cost_pico from usage")" \
    "1|$((n * 6250000 + 100 * 30000000))"

# The route's estimate expects the write too: the same model without a write price is
# estimated at input for the prompt, and the two differ by the premium on the whole prompt.
t_write_config
t_config_append "$(t_model gpt56 openai gpt-5.6 mid 5 30 'cached_input_price = 0.50' \
    'cache_write_price = 6.25' 'context = 1000000')"
t_config_append "$(t_model gpt56plain openai gpt-5.6 mid 5 30 'cached_input_price = 0.50' \
    'context = 1000000')"
# est MODEL TEXT: the route's estimate of TEXT on MODEL, in pico-dollars.
est() {
	run_llm route --json -m "$1" --max-tokens 100 "$2"
	printf '%s\n' "$OUT" >"$T/e.json"
	t_py -c 'import json, sys; from decimal import Decimal
print(int(json.load(open(sys.argv[1]), parse_float=Decimal)["estimate_usd"] * 10**12))' "$T/e.json"
}
check_eq "estimate: the prompt written at 1.25x input" \
    "$(($(est gpt56 "$prompt") - $(est gpt56plain "$prompt")))" "$((n * 1250000))"
check_eq "estimate: a prompt under OpenAI's 1,024-token minimum is not written" \
    "$(($(est gpt56 "word word") - $(est gpt56plain "word word")))" 0
