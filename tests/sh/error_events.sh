# error_events.sh: an error inside a 200 stream is classified by its type as the
# same error sent as an HTTP status is: a rejected key exits 4, a rate limit or an
# overloaded server is tried again while nothing has been shown, a quota is not.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# model, then the types its wire format uses for a rejected key and a rate limit
for row in "test-cheap invalid_api_key rate_limit_exceeded" \
    "test-mid authentication_error rate_limit_error" \
    "test-frontier UNAUTHENTICATED RESOURCE_EXHAUSTED"; do
	# shellcheck disable=SC2086 # the row is split into its fields
	set -- $row
	m=$1 auth=$2 rate=$3

	fake_reset
	fake_reply "{\"chunks\":[],\"fault\":\"error_event\",\"error_type\":\"$auth\"}"
	fake_reply '{"text":"never"}'
	run_llm -q -m "$m" "hello"
	check_rc "$m: $auth in the stream: exit 4 as for HTTP 401" 4
	check_contains "$m: $auth in the stream: says the key was rejected" "$ERR" "rejected the key"
	check_contains "$m: $auth in the stream: names the fix" "$ERR" "put a valid key there, or unset it"
	check_eq "$m: $auth in the stream: not retried" "$(fake_count)" 1

	fake_reset
	fake_reply "{\"text\":\"some text first\",\"fault\":\"error_event\",\"error_type\":\"$auth\"}"
	run_llm -q -m "$m" "hello"
	check_rc "$m: $auth after text: exit 4" 4
	check_contains "$m: $auth after text: partial kept" "$OUT" "some"

	fake_reset
	fake_reply "{\"chunks\":[],\"fault\":\"error_event\",\"error_type\":\"$rate\"}"
	fake_reply '{"text":"after the rate limit"}'
	run_llm -q -m "$m" "hello"
	check_rc "$m: $rate in the stream: retried, exit 0" 0
	check_eq "$m: $rate in the stream: the retry's answer" "$OUT" "after the rate limit"
	check_eq "$m: $rate in the stream: two requests" "$(fake_count)" 2
	check_contains "$m: $rate in the stream: retry noted" "$ERR" "rate limited in the reply; retrying"

	fake_reset
	fake_reply "{\"chunks\":[],\"fault\":\"error_event\",\"error_type\":\"$rate\"}"
	fake_reply "{\"chunks\":[],\"fault\":\"error_event\",\"error_type\":\"$rate\"}"
	fake_reply "{\"chunks\":[],\"fault\":\"error_event\",\"error_type\":\"$rate\"}"
	fake_reply '{"text":"never"}'
	run_llm -q -m "$m" "hello"
	check_rc "$m: $rate three times: exit 1" 1
	check_eq "$m: $rate three times: three tries" "$(fake_count)" 3
done

# Shown text cannot be taken back: a rate limit after it is not retried.
fake_reset
fake_reply '{"text":"already on the screen","fault":"error_event","error_type":"rate_limit_exceeded"}'
fake_reply '{"text":"never"}'
run_llm -q -m test-cheap "hello"
check_rc "rate limit after text: exit 1" 1
check_eq "rate limit after text: not retried" "$(fake_count)" 1
check_contains "rate limit after text: partial kept" "$OUT" "already"

# A quota is billing, not load: not retried, in the stream as over HTTP.
fake_reset
fake_reply '{"chunks":[],"fault":"error_event","error_type":"insufficient_quota"}'
fake_reply '{"text":"never"}'
run_llm -q -m test-cheap "hello"
check_rc "insufficient_quota in the stream: exit 4" 4
check_eq "insufficient_quota in the stream: not retried" "$(fake_count)" 1

# An overloaded server in the stream before any text: tried again.
fake_reset
fake_reply '{"chunks":[],"fault":"error_event","error_type":"overloaded_error"}'
fake_reply '{"text":"less busy now"}'
run_llm -q -m test-mid "hello"
check_rc "overloaded_error in the stream: retried, exit 0" 0
check_eq "overloaded_error in the stream: answer" "$OUT" "less busy now"

# --no-stream: the error in a 200 body is classified the same way.
fake_reset
fake_reply '{"fault":"error_event","error_type":"authentication_error"}'
run_llm -q --no-stream -m test-mid "hello"
check_rc "authentication_error in a 200 body: exit 4" 4
