# Token counts read the same on every screen: the summary line, llm logs,
# llm usage and llm route round alike, and a count just under a million is
# 1.0M, never 1000k or 999k.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

fake_reply '{"text":"counted","usage":{"input":999999,"output":1234}}'
run_llm -v -m test-frontier "hi"
check_rc "summary: exit 0" 0
check_contains "summary: 999,999 in, 1,234 out" "$ERR" "1.0M→1.2k tok"

run_llm logs
check_rc "logs: exit 0" 0
check_contains "logs: 999,999 in" "$OUT" "1.0M"
check_contains "logs: 1,234 out" "$OUT" "1.2k"
check_not_contains "logs: never 999k" "$OUT" "999k"

run_llm usage
check_rc "usage: exit 0" 0
line=$(printf '%s\n' "$OUT" | grep 'test-frontier')
check_contains "usage: 999,999 in" "$line" "1.0M"
check_contains "usage: 1,234 out" "$line" "1.2k"
check_not_contains "usage: never 999k" "$OUT" "999k"

# llm route's estimate: about 1,900 tokens of input
run_llm route "$(printf 'word %.0s' $(seq 1500))"
check_rc "route: exit 0" 0
check_contains "route: the input estimate" "$OUT" "input     ~1.9k tokens, reply ~"

t_cleanup
