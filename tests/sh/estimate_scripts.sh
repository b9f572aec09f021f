#!/bin/sh
# estimate_scripts.sh: a prompt or reply in Chinese, Russian or emoji is
# estimated at what tokenizers spend on it, not at English's four characters a
# token: llm route prices it so, --max-cost refuses it before it is sent, and
# a reply without usage is charged so; English of the same length is unchanged.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# 400 characters each: English, Chinese (a token and a half an ideograph, a
# token and a quarter its full stop), Russian (3 quarters) and emoji (3 tokens
# each)
en=$(t_py -c 'print("abcd" * 100, end="")')
zh=$(t_py -c 'print("请总结这份报告" * 57 + "。", end="")')
ru=$(t_py -c 'print("отчёт" * 80, end="")')
emoji=$(t_py -c 'print("\U0001F680" * 400, end="")')
check_eq "the prompts are 400 characters each" \
    "$(t_py -c 'import sys; print(*[len(a) for a in sys.argv[1:]])' "$en" "$zh" "$ru" "$emoji")" \
    "400 400 400 400"

# route_in NAME PROMPT: llm route --json on test-mid; sets IN to its input_tokens
route_in() {
	run_llm route --json -m test-mid "$2"
	check_rc "route $1: exit 0" 0
	IN=$(json_get "$T/out" input_tokens)
}
route_in en "$en"
in_en=$IN
route_in zh "$zh"
in_zh=$IN
route_in ru "$ru"
in_ru=$IN
route_in emoji "$emoji"
in_emoji=$IN
# the same framing in each: only the prompt's 100, 600, 300 or 1200 tokens differ
check_eq "route: Chinese is 500 tokens more than English" "$((in_zh - in_en))" 500
check_eq "route: Russian is 200 tokens more than English" "$((in_ru - in_en))" 200
check_eq "route: emoji are 1100 tokens more than English" "$((in_emoji - in_en))" 1100

# the estimate shown is priced on that count: test-mid is $3 in, $15 out per million
run_llm route --json -m test-mid "$zh"
check "route: Chinese priced at its estimate" t_py -c '
import json, sys
from decimal import Decimal as D
j = json.load(open(sys.argv[1]), parse_float=D)
e = [e for e in j["estimates"] if e["model"] == "test-mid"][0]
want = (j["input_tokens"] * 3 + 500 * 15) / D(1000000)
print("got", e["cost_usd"], "want", want)
sys.exit(0 if e["cost_usd"] == want else 1)' "$T/out"
run_llm route -m test-mid "$zh"
check_contains "route text: the Chinese input" "$OUT" "input     ~$in_zh tokens"

# --max-cost between the two worst cases: English goes, Chinese is refused
# before anything is sent. With a 100-token reply ($0.0015) the English
# prompt's worst case is $0.00191, the Chinese one's $0.00378 (at four
# characters a token it was $0.00191 too, and was sent).
fake_default '{"text":"ok","usage":{"input":10,"output":2}}'
n=$(fake_count)
run_llm -m test-mid --max-tokens 100 --max-cost 0.0025 "$en"
check_rc "max-cost: English within the cap: exit 0" 0
check_eq "max-cost: English sent" "$(fake_count)" "$((n + 1))"
run_llm -m test-mid --max-tokens 100 --max-cost 0.0025 "$zh"
check_rc "max-cost: Chinese over the cap: exit 3" 3
check_contains "max-cost: Chinese refused on its worst case" "$ERR" "is above --max-cost \$0.0025"
check_eq "max-cost: Chinese not sent" "$(fake_count)" "$((n + 1))"

# a reply without usage is charged at the estimate of its text: 200 Chinese
# characters are 300 output tokens, not 50
reply=$(t_py -c 'print("这是回答" * 50, end="")')
fake_reply "{\"text\":\"$reply\",\"usage\":null}"
run_llm -m test-mid --json "hi"
check_rc "no usage: exit 0" 0
check_eq "no usage: estimated" "$(json_get "$T/out" usage.estimated)" true
check_eq "no usage: 300 output tokens" "$(json_get "$T/out" usage.output_tokens)" 300
check_eq "no usage: the ledger row" \
    "$(t_ledger_sql "select output_tokens from usage order by id desc limit 1")" 300

t_cleanup
