# The debug log (LLM_LOG=PATH, or -v -v on stderr): each request's URL without
# its query, status, retries and timings, and the route and budget decisions;
# never a header or a key, whether the key came from the environment or from
# key_command.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

LOG="$T/llm.log"
CMD_KEY=sk-ant-from-command-0009

# check_secretless NAME FILE: FILE holds no key and no header that carries one.
check_secretless() {
	for s in sk-test-openai-0001 sk-ant-test-0002 gm-test-0003 "$CMD_KEY" \
	    authorization x-api-key x-goog-api-key bearer; do
		if grep -qi -- "$s" "$2"; then
			not_ok "$1: no '$s'" "$(grep -i -- "$s" "$2" | head -3)"
		else
			ok "$1: no '$s'"
		fi
	done
}

# a request that is retried after a 429, with the key from the environment
fake_reply '{"status":429,"retry_after_ms":"10"}'
fake_reply '{"text":"after the wait"}'
LLM_LOG="$LOG" run_llm -q -m test-cheap "hi"
check_rc "429 then ok: exit 0" 0
check "log: written" test -s "$LOG"
L=$(cat "$LOG" 2>/dev/null)
check_contains "log: the URL" "$L" "http: POST $FAKE_URL/v1/chat/completions"
check_contains "log: the 429" "$L" "$FAKE_URL/v1/chat/completions: status 429, done"
check_contains "log: the retry" "$L" "retry: test-cheap: "
check_contains "log: the retry's delay" "$L" "again in 10 ms (try 2 of 3)"
check_contains "log: the status" "$L" "status 200, done, first byte "
check_contains "log: the timing" "$L" " ms, total "
check_contains "log: the route" "$L" "route: pinned: tier cheap, model test-cheap (pinned)"
check_contains "log: the budget" "$L" "budget: reserved: worst case "
check_eq "log: one line per entry, each stamped" \
    "$(grep -cv '^[0-9-]*T[0-9:.]*Z llm\[[0-9]*\] [a-z]*: ' "$LOG")" 0

# gemini: its URL's query is left out
fake_reply '{"text":"from gemini"}'
LLM_LOG="$LOG" run_llm -q -m test-frontier "hi"
check_rc "gemini: exit 0" 0
L=$(cat "$LOG")
check_contains "log: gemini's path" "$L" "/v1beta/models/test-frontier-1:streamGenerateContent"
check_not_contains "log: no query string" "$L" "alt=sse"
check_not_contains "log: no '?'" "$L" "?"

# a tier chosen by the user, and a key from key_command
unset ANTHROPIC_API_KEY
sed -i "/^\[provider.anthropic\]/a key_command = printf $CMD_KEY" "$LLM_CONFIG_DIR/config.ini"
fake_reply '{"text":"from the command key"}'
LLM_LOG="$LOG" run_llm -q -t mid "hi"
check_rc "key_command: exit 0" 0
check_eq "key_command: the key was sent" "$(fake_last headers.x-api-key)" "$CMD_KEY"
L=$(cat "$LOG")
check_contains "log: anthropic's URL" "$L" "http: POST $FAKE_URL/v1/messages"
check_contains "log: the tier route" "$L" "route: tier: tier mid, model test-mid"

# an error that is not retried
fake_reply '{"status":401}'
LLM_LOG="$LOG" run_llm -q -m test-cheap "hi"
check_rc "401: exit 4" 4
check_contains "log: the 401" "$(cat "$LOG")" "status 401, done"

# a route the budget moves down a tier
sed -i "s/^budget = 0/budget = 0.01\nbudget_action = downgrade/" "$LLM_CONFIG_DIR/config.ini"
fake_reply '{"text":"cheaper"}'
LLM_LOG="$LOG" run_llm -q -t frontier "hi"
check_rc "downgrade: exit 0" 0
L=$(cat "$LOG")
check_contains "log: the route asked for" "$L" "route: tier: tier frontier, model test-frontier"
check_contains "log: frontier refused" "$L" "budget: refused: worst case \$0.102 on test-frontier"
check_contains "log: the route taken" "$L" \
    "route: tier: tier cheap, model test-cheap (downgraded by the budget from frontier)"
t_write_config
export ANTHROPIC_API_KEY=sk-ant-test-0002

# a request the budget refuses
sed -i "s/^budget = 0/budget = 0.000001\nbudget_action = block/" "$LLM_CONFIG_DIR/config.ini"
LLM_LOG="$LOG" run_llm -q -m test-mid "hi"
check_rc "over budget: exit 3" 3
check_contains "log: the refusal" "$(cat "$LOG")" "budget: refused: worst case "
check_secretless "log file" "$LOG"
check "log file: mode 0600" test "$(stat -c %a "$LOG")" = 600

# -v -v: the same log on stderr
t_write_config
fake_reply '{"text":"verbose"}'
run_llm -v -v -m test-mid "hi"
check_rc "-v -v: exit 0" 0
check_contains "-v -v: the request on stderr" "$ERR" "http: POST $FAKE_URL/v1/messages"
check_contains "-v -v: the route on stderr" "$ERR" "route: pinned: tier mid, model test-mid"
printf '%s\n' "$ERR" >"$T/err.txt"
check_secretless "-v -v" "$T/err.txt"
fake_reply '{"text":"verbose"}'
run_llm -v -m test-mid "hi"
check_not_contains "-v alone: no log" "$ERR" "http: POST"

t_cleanup
