# The fault matrix: every failure the fake provider can stage, through the CLI,
# on each wire format it applies to. Each row checks the exit code documented in
# llm(1), the one-line cause on stderr, the partial text kept, and the ledger
# row written; a few rows run again under valgrind. The four formats of a row
# run at once (the fake answers each with the same spec), so slow rows cost
# their time once.
. "${LLM_TOP:-.}/tests/lib.sh"
ASAN=${LLM_ASAN:-}   # t_setup clears LLM_* variables
t_setup

# timeout is the seconds without a byte before giving up
sed 's/^\[llm\]$/[llm]\ntimeout = 2/' "$LLM_CONFIG_DIR/config.ini" >"$T/cfg" &&
    mv "$T/cfg" "$LLM_CONFIG_DIR/config.ini"
# a server that refuses connections, in each format
for api in openai anthropic gemini ollama; do
	t_config_append "$(t_dead_model "dead-$api" "dead-$api" "$api")"
done

MODELS="test-cheap test-mid test-frontier test-local"
api_of() {
	case $1 in
	test-cheap|*-openai) echo openai ;;
	test-mid|*-anthropic) echo anthropic ;;
	test-frontier|*-gemini) echo gemini ;;
	*) echo ollama ;;
	esac
}

# start MODEL ARGS...: run llm -q -m MODEL ARGS "hi" in the background, its
# stdout, stderr, exit code and run time in $T/MODEL.{out,err,rc,ms}; the
# process joins $PIDS, which reap waits for (a bare wait would wait for the
# fake provider too).
PIDS=
start() {
	_m=$1
	shift
	(
		_s=$(date +%s%N)
		timeout -k 5 60 "$LLM_BIN" -q -m "$_m" "$@" hi >"$T/$_m.out" 2>"$T/$_m.err"
		echo $? >"$T/$_m.rc"
		echo $(( ($(date +%s%N) - _s) / 1000000 )) >"$T/$_m.ms"
	) &
	PIDS="$PIDS $!"
}

reap() {
	for _p in $PIDS; do wait "$_p"; done
	PIDS=
}

# ledger MODEL: the status of the model's last usage row.
ledger() {
	sqlite3 "$LLM_DATA_DIR/llm.db" \
	    "select status from usage where model = '$1' order by id desc limit 1" 2>&1
}

# verify ROW MODEL RC CAUSE [PARTIAL]: one model's run of a row.
verify() {
	_row=$1 _m=$2 _rc=$3 _cause=$4 _part=${5-}
	_name="$_row ($(api_of "$_m"))"
	_err=$(cat "$T/$_m.err")
	if [ "$(cat "$T/$_m.rc")" = "$_rc" ]; then
		ok "$_name: exit $_rc"
	else
		not_ok "$_name: exit $_rc" "exit $(cat "$T/$_m.rc"); stderr: $_err"
	fi
	# the cause is the last line; lines before it may only be retry notes
	_last=$(tail -n 1 "$T/$_m.err")
	case $_last in
	"llm: "*"$_cause"*) ok "$_name: cause '$_cause'" ;;
	*) not_ok "$_name: cause '$_cause'" "stderr: $_err" ;;
	esac
	if grep -v '^llm: ' "$T/$_m.err" | grep -q . || grep -v -e retrying -e "$_cause" "$T/$_m.err" | grep -q .; then
		not_ok "$_name: stderr holds only the cause and retry notes" "$_err"
	fi
	if [ -n "$_part" ]; then
		check_contains "$_name: partial text kept" "$(cat "$T/$_m.out")" "$_part"
	else
		check_eq "$_name: nothing on stdout" "$(cat "$T/$_m.out")" ""
	fi
	check_eq "$_name: ledger row" "$(ledger "$_m")" error
}

# row NAME SPEC RC CAUSE [PARTIAL]: the spec as the fake's answer to every
# request, the four formats at once ($ARGS: further llm options).
ARGS=
row() {
	fake_reset
	fake_default "$2"
	# shellcheck disable=SC2086
	for m in $MODELS; do start "$m" $ARGS; done
	reap
	for m in $MODELS; do verify "$1" "$m" "$3" "$4" "${5-}"; done
}

row "401" '{"status":401}' 4 "rejected the key (HTTP 401"
# OpenAI's own 403 is the model's (model_not_found: cli_faults.sh); one about the key here
row "403" '{"status":403,"code":"invalid_api_key"}' 4 "rejected the key (HTTP 403"
row "404 model" '{"status":404}' 1 "not found (HTTP 404"
check_eq "4xx: never retried" "$(fake_count)" 4
# a request the server refused as it is: the same bytes get the same answer, so
# none is tried again, whatever type the body gives (the fake's says
# server_error or api_error), and the cause says what to change
row "400" '{"status":400}' 1 "refused the request as it is (not retried)"
check_eq "400: never retried" "$(fake_count)" 4
row "413" '{"status":413}' 1 "the request is too large for"
check_eq "413: never retried" "$(fake_count)" 4
row "422" '{"status":422}' 1 "refused the request as it is (not retried)"
check_eq "422: never retried" "$(fake_count)" 4
row "429 Retry-After" '{"status":429,"retry_after":"1"}' 1 "HTTP 429 after 3 tries"
check_eq "429 Retry-After: three tries each" "$(fake_count)" 12
for m in $MODELS; do
	check_contains "429 Retry-After ($(api_of "$m")): waits what it says" "$(cat "$T/$m.err")" "retrying in 1.0 s"
	ms=$(cat "$T/$m.ms")
	if [ "$ms" -ge 2000 ]; then ok "429 Retry-After ($(api_of "$m")): waited ${ms} ms for two retries"
	else not_ok "429 Retry-After ($(api_of "$m")): waited 2 s" "took $ms ms"; fi
done
row "429 no Retry-After" '{"status":429}' 1 "HTTP 429 after 3 tries"
check_eq "429 no Retry-After: three tries each" "$(fake_count)" 12
row "500" '{"status":500,"retry_after_ms":"10"}' 1 "HTTP 500 after 3 tries"
row "503" '{"status":503,"retry_after_ms":"10"}' 1 "HTTP 503 after 3 tries"

# connection refused: the dead providers, one per format
for m in dead-openai dead-anthropic dead-gemini dead-ollama; do start "$m"; done
reap
for m in dead-openai dead-anthropic dead-gemini dead-ollama; do
	verify "connection refused" "$m" 1 "network error: "
	check_contains "connection refused ($(api_of "$m")): retried" "$(cat "$T/$m.err")" "(try 3 of 3)"
done

row "reset mid-stream" '{"text":"partial text before the reset","fault":"reset"}' 1 \
    "the reply was cut short: " "partial"
row "stall" '{"text":"partial text before the stall","fault":"stall","seconds":20}' 1 \
    "timed out: no data for 2 s (the partial answer was kept)" "partial"
for m in $MODELS; do
	ms=$(cat "$T/$m.ms")
	if [ "$ms" -ge 2000 ] && [ "$ms" -lt 5000 ]; then ok "stall ($(api_of "$m")): gave up after ${ms} ms"
	else not_ok "stall ($(api_of "$m")): gave up after about 2 s" "took $ms ms"; fi
done
row "error event after 200" '{"text":"partial text before the error","fault":"error_event"}' 1 \
    "error during the reply: " "partial"
row "invalid JSON" '{"text":"partial text before the garbage","fault":"garbage"}' 1 \
    "invalid reply: malformed reply from the server: {this is not json" "partial"
row "10 MB line" '{"fault":"huge_line"}' 1 "a line of the reply is over 4 MiB; giving up"
row "empty 200" '{"fault":"empty"}' 1 "the reply was cut short before any answer"
check_eq "empty 200: three tries each" "$(fake_count)" 12
ARGS=--no-stream
row "empty 200, --no-stream" '{"fault":"empty"}' 1 "invalid reply: malformed reply from the server"
row "invalid JSON, --no-stream" '{"text":"some text","fault":"garbage"}' 1 "invalid reply: malformed reply from the server"
row "error body after 200, --no-stream" '{"text":"some text","fault":"error_event"}' 1 "error during the reply: "
ARGS=

# invalid UTF-8 is not a failure: into a pipe the bytes pass through as sent
fake_reset
fake_default '{"fault":"invalid_utf8"}'
for m in $MODELS; do start "$m"; done
reap
printf 'Bad \377\376 bytes, a cut \342\202 sequence and a fine \303\251.\n' >"$T/want"  # the CLI ends the answer with a line end
for m in $MODELS; do
	check_eq "invalid UTF-8 ($(api_of "$m")): exit 0" "$(cat "$T/$m.rc")" 0
	check "invalid UTF-8 ($(api_of "$m")): bytes unchanged into a pipe" cmp "$T/$m.out" "$T/want"
	check_eq "invalid UTF-8 ($(api_of "$m")): ledger row" "$(ledger "$m")" ok
done

# --json is UTF-8 whatever the model sent, and so is llm logs --json of it:
# a byte that is not becomes U+FFFD, or a strict reader refuses the whole object.
fake_reset
fake_reply '{"fault":"invalid_utf8"}'
run_llm -m test-cheap --json "say something"
check_rc "invalid UTF-8, --json: exit 0" 0
utf8_field() {
	t_py -c '
import json, sys
o = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
for k in sys.argv[2].split("."):
    o = o[int(k)] if k.isdigit() else o[k]
print(o)' "$1" "$2"
}
want=$(printf 'Bad \357\277\275\357\277\275 bytes, a cut \357\277\275 sequence and a fine \303\251.')
check_eq "invalid UTF-8, --json: valid UTF-8 JSON, the bad bytes replaced" "$(utf8_field "$T/out" text)" "$want"
run_llm logs --json -n 1
check_rc "invalid UTF-8, logs --json: exit 0" 0
check_eq "invalid UTF-8, logs --json: valid UTF-8 JSON" "$(utf8_field "$T/out" conversations.0.messages.1.text)" "$want"

# A few rows again with llm under valgrind: no memory errors and no definite
# leaks on the failure paths (tests/sh/valgrind_*.sh do the same for the CLI tests).
t_valgrind_llm "$T/vg" "valgrind rows" "$ASAN"
REAL_BIN=$LLM_BIN
LLM_BIN="$T/vg/llm"
# one spec a model: each format fails in its own way
fake_reset
fake_reply '{"status":401}'
start test-cheap
fake_wait_count 1
fake_reply '{"text":"partial text before the reset","fault":"reset"}'
start test-mid
fake_wait_count 2
fake_reply '{"text":"partial text before the stall","fault":"stall","seconds":20}'
start test-frontier
fake_wait_count 3
fake_reply '{"text":"partial text before the garbage","fault":"garbage"}'
start test-local
fake_wait_count 4
start dead-openai
reap
verify "valgrind 401" test-cheap 4 "rejected the key (HTTP 401"
verify "valgrind reset" test-mid 1 "the reply was cut short: " partial
verify "valgrind stall" test-frontier 1 "timed out: no data for 2 s" partial
verify "valgrind invalid JSON" test-local 1 "invalid reply: " partial
verify "valgrind connection refused" dead-openai 1 "network error: "
fake_reply '{"fault":"huge_line"}'
start test-cheap
reap
verify "valgrind 10 MB line" test-cheap 1 "over 4 MiB"
LLM_BIN=$REAL_BIN
check_valgrind "$T/vg" 6 "failing runs"
