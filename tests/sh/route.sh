#!/bin/sh
# route.sh: `llm route` orders prompts by difficulty, names the features behind each decision, and prices every tier.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

rank() {
	case $1 in cheap) echo 0 ;; mid) echo 1 ;; frontier) echo 2 ;; *) echo 9 ;; esac
}

# route_json NAME ARGS...: llm route --json with an empty stdin, leaving the document in $T/NAME.json
route_json() {
	_n=$1
	shift
	run_llm route --json "$@"
	cp "$T/out" "$T/$_n.json"
}

# cost_is NAME FILE TIER IN_PRICE OUT_PRICE REPLY: the estimate for a tier is
# exactly input_tokens * IN_PRICE + REPLY * OUT_PRICE (dollars per million).
cost_is() {
	check "$1" t_py -c '
import json, sys
from decimal import Decimal as D
j = json.load(open(sys.argv[1]), parse_float=D)
e = j["estimates"][int(sys.argv[2])]
want = (j["input_tokens"] * D(sys.argv[3]) + int(sys.argv[5]) * D(sys.argv[4])) / 1000000
print("got", e["cost_usd"], "want", want)
sys.exit(0 if e["cost_usd"] == want else 1)' "$2" "$3" "$4" "$5" "$6"
}

route_json greeting "hi there!"
check_rc "greeting: exit 0" 0
g=$(json_get "$T/greeting.json" tier)
check_eq "greeting: cheap tier" "$g" cheap
check_eq "greeting: auto mode" "$(json_get "$T/greeting.json" mode)" auto
check_eq "greeting: the cheap tier's first model" "$(json_get "$T/greeting.json" model)" test-cheap
check "greeting: a reason" test -n "$(json_get "$T/greeting.json" reason)"

route_json lookup "What is the capital of Australia?"
l=$(json_get "$T/lookup.json" tier)

trace='Why does this crash?
```python
def first(xs):
    return xs[3]
print(first([1, 2]))
```
Traceback (most recent call last):
  File "t.py", line 3, in <module>
    print(first([1, 2]))
  File "t.py", line 2, in first
    return xs[3]
IndexError: list index out of range'
route_json trace "$trace"
s=$(json_get "$T/trace.json" tier)
check_contains "stack trace: the reason names it" "$(json_get "$T/trace.json" reason)" "stack trace"
check_eq "stack trace: first feature" "$(json_get "$T/trace.json" features.0.name)" "stack trace"
check "stack trace: at least mid" test "$(rank "$s")" -ge 1

route_json proof "Prove that there are infinitely many primes of the form 4k+3. Give a rigorous step-by-step proof, derive each lemma you need, then generalise the argument to primes of the form 6k+5 and explain why the same reasoning fails for 4k+1."
p=$(json_get "$T/proof.json" tier)
pr=$(json_get "$T/proof.json" reason)
case $pr in
*math*|*reasoning*|*proof*|*numbers*) ok "proof: the reason names math, proof or reasoning" ;;
*) not_ok "proof: the reason names math, proof or reasoning" "reason: $pr" ;;
esac

order="$g $l $s $p"
check "tiers do not decrease: greeting <= lookup <= stack trace <= proof ($order)" \
    test "$(rank "$g")" -le "$(rank "$l")" -a "$(rank "$l")" -le "$(rank "$s")" -a "$(rank "$s")" -le "$(rank "$p")"
check "the proof scores harder than the greeting" t_py -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
sys.exit(0 if b["p_cheap_fail"] > a["p_cheap_fail"] else 1)' "$T/greeting.json" "$T/proof.json"

# Estimates: the input is estimated (a quarter token per character plus
# framing), the reply assumed to be 500 tokens; prices are the test models'.
# "hi there!" is 9 characters: (9 + 3) / 4 = 3 tokens, plus framing.
check "estimate: input tokens" test "$(json_get "$T/greeting.json" input_tokens)" -ge 3
check_eq "estimate: cheap tier model" "$(json_get "$T/greeting.json" estimates.0.model)" test-cheap
cost_is "estimate: cheap tier cost" "$T/greeting.json" 0 0.10 0.40 500
cost_is "estimate: mid tier cost" "$T/greeting.json" 1 3 15 500
cost_is "estimate: frontier tier cost" "$T/greeting.json" 2 5 25 500
route_json capped --max-tokens 100 "hi there!"
cost_is "estimate: --max-tokens sets the reply" "$T/capped.json" 0 0.10 0.40 100
# With 11 input tokens: 11 * $0.10/M + 500 * $0.40/M = $0.0002011.
if [ "$(json_get "$T/greeting.json" input_tokens)" = 11 ]; then
	check_eq "estimate: worked out by hand" "$(json_get "$T/greeting.json" estimates.0.cost_usd)" 0.0002011
fi

run_llm route "hi there!"
check_rc "text: exit 0" 0
check_contains "text: tier line" "$OUT" "tier      cheap (auto)"
check_contains "text: estimated cost marked" "$OUT" "~\$0.000"
check_contains "text: the chosen row" "$OUT" "<- chosen"
check_eq "text: no line ends in a blank" "$(printf '%s\n' "$OUT" | grep -c ' $')" 0
check_contains "text: the rows after the chosen one still aligned" "$OUT" \
    "          mid       test-mid                 ~\$"

route_json pinned -m test-mid "hi there!"
check_eq "pin: model" "$(json_get "$T/pinned.json" model)" test-mid
check_eq "pin: mode" "$(json_get "$T/pinned.json" mode)" pinned
route_json tiered -t frontier "hi there!"
check_eq "tier: frontier" "$(json_get "$T/tiered.json" tier)" frontier
check_eq "tier: mode" "$(json_get "$T/tiered.json" mode)" tier

# Piped stdin is material: the trace arrives there, the question on the line.
printf '%s\n' "$trace" >"$T/trace.txt"
run_llm_in "$trace" route --json "what went wrong?"
check_rc "stdin: exit 0" 0
check_contains "stdin: the trace is seen" "$(json_get "$T/out" reason)" "stack trace"

# A line llm route cannot use is named as llm route's, with its help.
run_llm route
check_rc "route with no prompt: exit 2" 2
check_contains "route with no prompt: says it is route's" "$ERR" "llm: route: empty prompt"
check_contains "route with no prompt: points to route's help" "$ERR" "Try 'llm route --help'."
run_llm --dry-run
check_contains "--dry-run with no prompt: a question's" "$ERR" "Try 'llm --help'."
run_llm route -m no-such-model "hi"
check_rc "unknown model: exit 2" 2
check_contains "unknown model: says so" "$ERR" "no-such-model"
run_llm route
check_rc "no prompt: exit 2" 2
run_llm route -t premium "hi"
check_rc "bad tier: exit 2" 2

# Nothing is sent, so the options about the answer would do nothing: they are
# refused, by name, for llm route and for --dry-run alike.
n=$(fake_count)
for opt in -q --quiet -v --verbose --no-stream "-o $T/answer.txt" --force; do
	name=${opt%% *}
	# shellcheck disable=SC2086 # an option and its argument
	run_llm route $opt "hi there"
	check_rc "route $name: exit 2" 2
	check_contains "route $name: names it" "$ERR" "llm: route: option $name has no use here: "
	check_contains "route $name: points to the help" "$ERR" "Try 'llm route --help'."
	check_eq "route $name: no decision" "$OUT" ""
	# shellcheck disable=SC2086
	run_llm "hi there" $opt --dry-run
	check_rc "--dry-run $name: exit 2" 2
	check_contains "--dry-run $name: names it" "$ERR" "llm: option $name has no use with --dry-run: "
done
check "route -o: no file written" test ! -e "$T/answer.txt"
check_eq "route -q and the like: nothing sent" "$(fake_count)" "$n"
run_llm route -q --help
check_rc "route -q --help: the help, exit 0" 0
for opt in -q -v --no-stream -o --force; do
	check_contains "route -q --help: says $opt is refused" "$(echo "$OUT" | sed -n '/^Refused/,/^$/p')" "$opt"
done
run_llm route --dry-run "hi there"
check_rc "route --dry-run: what route is, exit 0" 0
check_contains "route --dry-run: the decision" "$OUT" "tier"

# A tier without a usable model moves the request up, and the reason says why.
t_py -c 'print("word " * 130000)' >"$T/long.txt"
run_llm route --json -t cheap "summarise this" <"$T/long.txt"
check_contains "too long for cheap: the reason names the context window" \
	"$(json_get "$T/out" reason)" "too long for a cheap model's context window"
check_eq "too long for cheap: moved up" "$(json_get "$T/out" context_adjusted)" true
t_config_append '[tier.cheap]
models = test-cheap'
( unset OPENAI_API_KEY; run_llm route --json "hi there!"
  check_contains "no cheap key: the reason says so" "$(json_get "$T/out" reason)" \
	"mid: no cheap model has a key" )
# A tier the user chose is kept: no key for it is said, never a dearer tier sent to.
( unset OPENAI_API_KEY; n=$(fake_count)
  run_llm -t cheap "hi there!"
  check_rc "-t cheap, no cheap key: refused as a missing key" 4
  check_contains "-t cheap, no cheap key: says so" "$ERR" "no model of the cheap tier has a key"
  check_contains "-t cheap, no cheap key: says what else" "$ERR" "or choose another tier with -t"
  check_eq "-t cheap, no cheap key: nothing sent" "$(fake_count)" "$n" )
t_write_config

# A pinned model without a key is the one llm would send to: said, as for a tier.
( unset OPENAI_API_KEY; run_llm route --json -m test-cheap "hi there!"
  check_rc "pinned, no key: exit 0" 0
  check_eq "pinned, no key: flagged" "$(json_get "$T/out" key)" false
  check_contains "pinned, no key: stderr names it" "$ERR" "llm: route: test-cheap has no key"
  run_llm route -m test-cheap "hi there!"
  check_contains "pinned, no key: the text says so" "$OUT" "test-cheap (openai, no key)" )

# No key at all: the decision is still shown, and says so.
unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY
t_config_append '[tier.cheap]
models = test-cheap'
run_llm route --json "hi there!"
check_rc "no key: exit 0" 0
check_eq "no key: flagged" "$(json_get "$T/out" key)" false
check_contains "no key: stderr says so" "$ERR" "has a key"
