# fake_provider: tests of the tests' fake LLM provider and of tests/lib.sh, driven with curl.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# A reference reader of the four wire formats: summarise a response body.
# Usage: summary FMT FILE FIELD...; prints the fields joined by " | ".
# Fields: text pieces stop usage done error bad events partial after.
_PARSE='
import json, sys
fmt, path, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(path, "rb").read().decode("utf-8", "surrogateescape")
s = {"text": "", "pieces": 0, "stop": None, "usage": None, "done": False,
     "error": None, "bad": 0, "events": [], "partial": False, "after": 0}

def ev(name):
    s["events"].append(name)

def handle(name, data):
    if s["done"]:
        s["after"] += 1
    if fmt == "openai" and data == "[DONE]":
        s["done"] = True
        return ev("DONE")
    try:
        o = json.loads(data)
    except ValueError:
        s["bad"] += 1
        return ev("BAD")
    if fmt == "openai":
        if "error" in o:
            s["error"] = o["error"]["type"]
            return ev("error")
        if o.get("usage"):
            s["usage"] = o["usage"]
        if not o.get("choices"):
            return ev("usage")
        c = o["choices"][0]
        if c.get("finish_reason"):
            s["stop"] = c["finish_reason"]
            return ev("finish")
        if "role" in c["delta"]:
            return ev("role")
        s["text"] += c["delta"]["content"]
        s["pieces"] += 1
        return ev("text")
    if fmt == "anthropic":
        ev(name)
        if name == "error":
            s["error"] = o["error"]["type"]
        elif name == "message_start":
            s["usage"] = o["message"].get("usage")
        elif name == "content_block_delta":
            s["text"] += o["delta"]["text"]
            s["pieces"] += 1
        elif name == "message_delta":
            s["stop"] = o["delta"]["stop_reason"]
            if "usage" in o:
                s["usage"] = dict(s["usage"] or {}, **o["usage"])
        elif name == "message_stop":
            s["done"] = True
        return
    if fmt == "gemini":
        if "error" in o:
            s["error"] = o["error"]["status"]
            return ev("error")
        if "usageMetadata" in o:
            s["usage"] = o["usageMetadata"]
        c = o["candidates"][0]
        for p in c["content"]["parts"]:
            if p.get("text"):
                s["text"] += p["text"]
                s["pieces"] += 1
        if c.get("finishReason"):
            s["stop"] = c["finishReason"]
            s["done"] = True
            return ev("finish")
        return ev("chunk")
    if fmt == "ollama":
        if "error" in o:
            s["error"] = o["error"]
            return ev("error")
        if o.get("done"):
            s["done"] = True
            s["stop"] = o.get("done_reason")
            u = {k: o[k] for k in ("prompt_eval_count", "eval_count") if k in o}
            s["usage"] = u or None
            return ev("done")
        s["text"] += o["message"]["content"]
        s["pieces"] += 1
        return ev("line")

def whole(o):
    if fmt == "openai":
        if "error" in o:
            s["error"] = o["error"]["type"]
            return
        s["text"] = o["choices"][0]["message"]["content"]
        s["stop"] = o["choices"][0]["finish_reason"]
        s["usage"] = o.get("usage")
    elif fmt == "anthropic":
        if o.get("type") == "error":
            s["error"] = o["error"]["type"]
            return
        s["text"] = "".join(b["text"] for b in o["content"])
        s["stop"] = o["stop_reason"]
        s["usage"] = o.get("usage")
    elif fmt == "gemini":
        if "error" in o:
            s["error"] = o["error"]["status"]
            return
        for r in (o if isinstance(o, list) else [o]):
            s["pieces"] += 1
            s["text"] += "".join(p["text"] for p in r["candidates"][0]["content"]["parts"])
            s["stop"] = r["candidates"][0].get("finishReason", s["stop"])
            s["usage"] = r.get("usageMetadata")
    elif fmt == "ollama":
        if "error" in o:
            s["error"] = o["error"]
            return
        s["text"] = o["message"]["content"]
        s["stop"] = o["done_reason"]
        u = {k: o[k] for k in ("prompt_eval_count", "eval_count") if k in o}
        s["usage"] = u or None
    s["done"] = True

if fmt.endswith("-whole"):
    fmt = fmt[:-6]
    try:
        whole(json.loads(raw))
    except ValueError:
        s["bad"] = 1
elif fmt == "ollama":
    lines = raw.split("\n")
    s["partial"] = lines[-1] != ""
    for l in lines[:-1]:
        handle(None, l)
else:
    name, data = None, []
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    s["partial"] = lines[-1] != ""
    for l in lines[:-1]:
        if l == "":
            if data:
                handle(name, "\n".join(data))
            name, data = None, []
        elif l.startswith("event:"):
            name = l[6:].strip()
        elif l.startswith("data:"):
            data.append(l[5:].lstrip(" "))
    if data and not s["partial"]:
        s["partial"] = True
out = []
for f in fields:
    v = s[f]
    if f == "events":
        v = ",".join(v)
    elif isinstance(v, bool):
        v = "yes" if v else "no"
    elif v is None:
        v = "-"
    elif not isinstance(v, str):
        v = json.dumps(v, sort_keys=True, separators=(",", ":"))
    out.append(v)
sys.stdout.buffer.write(" | ".join(out).encode("utf-8", "surrogateescape") + b"\n")
'

summary() {
	t_py -c "$_PARSE" "$@"
}

HELLO="Hello from the fake provider."
MSG10='[{"role":"user","content":"abcdefghij"}]' # 10 chars: input ceil(10/4) = 3

# post FMT STREAM [CURL ARGS]: send a model request in FMT to the fake; the
# body goes to $T/r, headers to $T/h, HTTP status in $CODE, curl's exit in $CRC.
post() {
	_fmt=$1
	_stream=$2
	shift 2
	case $_fmt in
	openai)
		_url="$FAKE_URL/v1/chat/completions"
		_body="{\"model\":\"test-cheap-1\",\"stream\":$_stream,\"stream_options\":{\"include_usage\":true},\"messages\":$MSG10}"
		[ "$_stream" = true ] || _body="{\"model\":\"test-cheap-1\",\"messages\":$MSG10}" ;;
	anthropic)
		_url="$FAKE_URL/v1/messages"
		_body="{\"model\":\"test-mid-1\",\"max_tokens\":100,\"stream\":$_stream,\"messages\":$MSG10}" ;;
	gemini)
		if [ "$_stream" = true ]; then
			_url="$FAKE_URL/v1beta/models/test-frontier-1:streamGenerateContent?alt=sse"
		else
			_url="$FAKE_URL/v1beta/models/test-frontier-1:generateContent"
		fi
		_body='{"contents":[{"role":"user","parts":[{"text":"abcdefghij"}]}]}' ;;
	ollama)
		_url="$FAKE_URL/api/chat"
		_body="{\"model\":\"llama3.2\",\"stream\":$_stream,\"messages\":$MSG10}" ;;
	esac
	if CODE=$(curl -sS -N --noproxy '*' --max-time 10 -o "$T/r" -D "$T/h" -w '%{http_code}' \
	    -H 'content-type: application/json' -H 'authorization: Bearer sk-test-x' \
	    --data-binary "$_body" "$@" "$_url" 2>"$T/curl.err"); then
		CRC=0
	else
		CRC=$?
	fi
}

# sum FMT FIELDS...: summarise the last streamed response; sumw: a whole one.
sum() {
	_f=$1
	shift
	summary "$_f" "$T/r" "$@"
}
sumw() {
	_f=$1
	shift
	summary "$_f-whole" "$T/r" "$@"
}

hdr() {
	tr -d '\r' <"$T/h" | grep -i "^$1:" | sed 's/^[^:]*: *//'
}

# ---- the happy path, every format, streamed and not

check_eq "openai stream" "$(post openai true; sum openai text pieces stop "done" events usage)" \
    "$HELLO | 4 | stop | yes | role,text,text,text,text,finish,usage,DONE | {\"completion_tokens\":8,\"completion_tokens_details\":{\"accepted_prediction_tokens\":0,\"audio_tokens\":0,\"reasoning_tokens\":0,\"rejected_prediction_tokens\":0},\"prompt_tokens\":3,\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":0},\"total_tokens\":11}"
check_eq "openai stream headers" "$(hdr content-type) $(hdr transfer-encoding)" \
    "text/event-stream; charset=utf-8 chunked"
check_eq "anthropic stream" "$(post anthropic true; sum anthropic text stop "done" events usage)" \
    "$HELLO | end_turn | yes | message_start,content_block_start,ping,content_block_delta,content_block_delta,content_block_delta,content_block_delta,content_block_stop,message_delta,message_stop | {\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"input_tokens\":3,\"output_tokens\":8,\"service_tier\":\"standard\"}"
check_eq "anthropic message_start output_tokens 1" \
    "$(grep -c '"output_tokens":1,' "$T/r")" 1
check_eq "gemini stream" "$(post gemini true; sum gemini text stop "done" events usage)" \
    "$HELLO | STOP | yes | chunk,chunk,chunk,finish | {\"candidatesTokenCount\":8,\"promptTokenCount\":3,\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":3}],\"totalTokenCount\":11}"
check_eq "gemini stream closes the connection" "$(hdr connection) $(hdr transfer-encoding)" "close "
check_eq "gemini usage is cumulative" \
    "$(grep -o '"candidatesTokenCount": [0-9]*' "$T/r" | sed 's/.* //' | tr '\n' ' ')" "2 4 6 8 "
check_eq "ollama stream" "$(post ollama true; sum ollama text stop "done" events usage)" \
    "$HELLO | stop | yes | line,line,line,line,done | {\"eval_count\":8,\"prompt_eval_count\":3}"
check_eq "ollama content type" "$(hdr content-type)" "application/x-ndjson"
curl -sS --noproxy '*' -o "$T/r" -d '{"model":"m","messages":[]}' "$FAKE_URL/api/chat"
check_eq "ollama streams by default" "$(sum ollama events)" "line,line,line,line,done"

for f in openai anthropic gemini ollama; do
	post "$f" false
	check_eq "$f whole" "$CODE $(hdr content-type) $(sumw "$f" text "done")" \
	    "200 application/json $HELLO | yes"
	check_contains "$f whole has usage" "$(sumw "$f" usage)" 3
done
check_eq "openai whole usage" "$(post openai false; sumw openai usage)" \
    '{"completion_tokens":8,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":0,"rejected_prediction_tokens":0},"prompt_tokens":3,"prompt_tokens_details":{"audio_tokens":0,"cached_tokens":0},"total_tokens":11}'
check_eq "content-length on whole replies" "$(hdr content-length)" "$(wc -c <"$T/r" | tr -d ' ')"

fake_reply '{"text":"one two"}'
check_eq "gemini without alt=sse is a JSON array" \
    "$(post gemini true; curl -sS --noproxy '*' -o "$T/r" \
        "$FAKE_URL/v1beta/models/x:streamGenerateContent" -d '{}' && sumw gemini text pieces stop)" \
    "Hello from the fake provider. | 4 | STOP"

# ---- scripted text, usage and stop

fake_reply '{"text":"Explicit text, ünïcödé and more words here."}'
check_eq "text is split into ~8-byte pieces" "$(post openai true; sum openai text pieces)" \
    "Explicit text, ünïcödé and more words here. | 6"
fake_reply '{"chunks":["a","bc","","def"]}'
check_eq "explicit chunks" "$(post anthropic true; sum anthropic text pieces)" "abcdef | 4"

empty=""
for f in openai anthropic gemini ollama; do
	fake_reply '{"text":"","usage":{"input":5}}'
	post "$f" true
	empty="$empty $(sum "$f" pieces "done" stop | tr -d ' ')"
done
check_eq "empty text still ends properly" "$empty" " 0|yes|stop 0|yes|end_turn 0|yes|STOP 0|yes|stop"

U='{"usage":{"input":1000,"output":50,"cached":400,"cache_write":30,"reasoning":20}}'
fake_reply "$U"
check_eq "openai usage fields" "$(post openai true; sum openai usage)" \
    '{"completion_tokens":50,"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":20,"rejected_prediction_tokens":0},"prompt_tokens":1000,"prompt_tokens_details":{"audio_tokens":0,"cache_write_tokens":30,"cached_tokens":400},"total_tokens":1050}'
fake_reply "$U"
check_eq "anthropic usage fields" "$(post anthropic true; sum anthropic usage)" \
    '{"cache_creation_input_tokens":30,"cache_read_input_tokens":400,"input_tokens":1000,"output_tokens":50,"service_tier":"standard"}'
fake_reply "$U"
check_eq "gemini usage fields" "$(post gemini true; sum gemini usage)" \
    '{"cachedContentTokenCount":400,"candidatesTokenCount":50,"promptTokenCount":1000,"promptTokensDetails":[{"modality":"TEXT","tokenCount":1000}],"thoughtsTokenCount":20,"totalTokenCount":1070}'
fake_reply "$U"
check_eq "ollama usage fields" "$(post ollama true; sum ollama usage)" '{"eval_count":50,"prompt_eval_count":1000}'
fake_reply '{"usage":{"output":7}}'
check_eq "partial usage keeps the computed input" "$(post ollama false; sumw ollama usage)" \
    '{"eval_count":7,"prompt_eval_count":3}'

for f in openai anthropic gemini ollama; do
	fake_reply '{"usage":null}'
	post "$f" true
	check_eq "$f stream without usage" "$(sum "$f" usage "done")" "- | yes"
	fake_reply '{"usage":false}'
	post "$f" false
	check_eq "$f whole without usage" "$(sumw "$f" usage "done")" "- | yes"
done
check_eq "openai without include_usage" \
    "$(curl -sS --noproxy '*' "$FAKE_URL/v1/chat/completions" -o "$T/r" \
        -d "{\"model\":\"m\",\"stream\":true,\"messages\":$MSG10}" && sum openai usage events)" \
    "- | role,text,text,text,text,finish,DONE"
check_not_contains "openai without include_usage has no usage field" "$(cat "$T/r")" '"usage"'

stops=""
for f in openai anthropic gemini ollama; do
	for s in length filter; do
		fake_reply "{\"stop\":\"$s\"}"
		post "$f" true
		stops="$stops $(sum "$f" stop)"
	done
done
check_eq "stop reasons map per format" "$stops" \
    " length content_filter max_tokens refusal MAX_TOKENS SAFETY length stop"
fake_reply '{"stop":"length"}'
check_eq "stop in a whole reply" "$(post anthropic false; sumw anthropic stop)" "max_tokens"

# ---- SSE framing and provider quirks

fake_reply '{"line_end":"cr","comments":true}'
post openai true
check_eq "CR line ends and comments" "$(sum openai text "done" events)" \
    "$HELLO | yes | role,text,text,text,text,finish,usage,DONE"
check_eq "CR line ends only" "$(tr -cd '\n' <"$T/r" | wc -c | tr -d ' ') $(tr -cd '\r' <"$T/r" | wc -c | tr -d ' ')" "0 24"
check_eq "a comment before each event" "$(tr '\r' '\n' <"$T/r" | grep -c '^: keep-alive$')" 8
fake_reply '{"line_end":"crlf"}'
post anthropic true
check_eq "CRLF line ends" "$(sum anthropic text "done") $(grep -c "$(printf '\r')\$" "$T/r")" "$HELLO | yes 30"
post gemini true
check_eq "gemini sends CRLF by default" "$(grep -c "$(printf '\r')\$" "$T/r")" 8
fake_reply '{"line_end":"lf"}'
check_eq "gemini with LF" "$(post gemini true; grep -c "$(printf '\r')" "$T/r") $(sum gemini text "done")" "0 $HELLO | yes"

fake_reply '{"variant":"usage_on_finish","usage":{"input":11,"output":22}}'
post openai true
check_eq "variant usage_on_finish" "$(sum openai events)" "role,text,text,text,text,finish,DONE"
check_contains "variant usage_on_finish: usage on the finish chunk" "$(grep finish_reason\":\"stop "$T/r")" '"usage":{"prompt_tokens":11,"completion_tokens":22'
fake_reply '{"variant":"null_choices"}'
check_contains "variant null_choices" "$(post openai true; grep '"usage":{' "$T/r")" '"choices":null'
fake_reply '{"variant":"always_usage","usage":{"input":4,"output":5}}'
check_eq "variant always_usage" \
    "$(curl -sS --noproxy '*' "$FAKE_URL/v1/chat/completions" -o "$T/r" \
        -d "{\"model\":\"m\",\"stream\":true,\"messages\":$MSG10}" && sum openai events)" \
    "role,text,text,text,text,finish,usage,DONE"
fake_reply '{"variant":"deepseek","usage":{"input":100,"cached":60,"output":5,"reasoning":2}}'
check_eq "variant deepseek" "$(post openai true; sum openai usage)" \
    '{"completion_tokens":5,"completion_tokens_details":{"reasoning_tokens":2},"prompt_cache_hit_tokens":60,"prompt_cache_miss_tokens":40,"prompt_tokens":100,"total_tokens":105}'
fake_reply '{"variant":"full_delta_usage","usage":{"input":100,"cached":60,"cache_write":7,"output":5}}'
check_contains "variant full_delta_usage" "$(post anthropic true; grep '^data: {"type":"message_delta"' "$T/r")" \
    '"usage":{"input_tokens":100,"cache_creation_input_tokens":7,"cache_read_input_tokens":60,"output_tokens":5}'

# ---- HTTP errors

fake_reply '{"status":429,"retry_after":"2"}'
post openai true
check_eq "openai 429" "$CODE $(hdr retry-after) $(sumw openai error)" "429 2 tokens"
check_contains "openai 429 code" "$(cat "$T/r")" '"code": "rate_limit_exceeded"'
fake_reply '{"status":429,"code":"insufficient_quota"}'
check_contains "openai 429 insufficient_quota" "$(post openai false; cat "$T/r")" '"type": "insufficient_quota"'
fake_reply '{"status":503,"retry_after_ms":"1500","retry_after":"3"}'
post anthropic true
check_eq "anthropic 503" "$CODE $(hdr retry-after-ms) $(hdr retry-after) $(sumw anthropic error)" \
    "503 1500 3 overloaded_error"
check_contains "anthropic error has request_id" "$(cat "$T/r")" '"request_id":"req_'
check_eq "anthropic request-id header" "$(hdr request-id | cut -c1-4)" "req_"
fake_reply '{"status":429,"retry_delay":"34.4s"}'
post gemini true
check_eq "gemini 429" "$CODE $(sumw gemini error)" "429 RESOURCE_EXHAUSTED"
check_contains "gemini 429 RetryInfo" "$(cat "$T/r")" \
    '{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34.4s"}'
fake_reply '{"status":429}'
check_not_contains "gemini 429 without retry_delay" "$(post gemini true; cat "$T/r")" RetryInfo
fake_reply '{"status":500,"message":"custom words"}'
check_eq "message override" "$(post ollama true; echo "$CODE"; cat "$T/r")" \
    '500
{"error":"custom words"}'

errs=""
for f in openai anthropic gemini ollama; do
	for st in 401 403 404 500 503; do
		fake_reply "{\"status\":$st}"
		post "$f" true
		errs="$errs $CODE:$(sumw "$f" error | tr ' ' _)"
	done
done
check_eq "error bodies per status" "$errs" \
    " 401:invalid_request_error 403:invalid_request_error 404:invalid_request_error 500:server_error 503:server_error\
 401:authentication_error 403:permission_error 404:not_found_error 500:api_error 503:overloaded_error\
 401:UNAUTHENTICATED 403:PERMISSION_DENIED 404:NOT_FOUND 500:INTERNAL 503:UNAVAILABLE\
 401:unauthorized 403:forbidden 404:model_\"llama3.2\"_not_found,_try_pulling_it_first 500:the_model_failed_to_generate_a_response 503:server_busy,_please_try_again.__maximum_pending_requests_exceeded"
fake_reply '{"status":401,"headers":{"x-should-retry":"false"}}'
check_eq "extra headers" "$(post openai true; hdr x-should-retry)" "false"

# ---- faults

for f in openai anthropic gemini ollama; do
	fake_reply '{"fault":"error_event"}'
	post "$f" true
	check_eq "$f error_event" "$CODE $CRC $(sum "$f" text error "done" partial)" \
	    "200 0 Hello fr | $(case $f in openai) echo server_error ;; anthropic) echo overloaded_error ;;
	        gemini) echo INTERNAL ;; ollama) echo an error was encountered while running the model ;; esac) | no | no"

	fake_reply '{"fault":"cut"}'
	post "$f" true
	want_rc=18
	[ "$f" = gemini ] && want_rc=0
	check_eq "$f cut" "$CODE $CRC $(sum "$f" text "done" partial)" "200 $want_rc Hello fr | no | yes"

	fake_reply '{"fault":"garbage"}'
	post "$f" true
	check_eq "$f garbage" "$CODE $CRC $(sum "$f" text bad "done")" "200 0 Hello fr | 1 | no"

	fake_reply '{"fault":"huge_line","size":200000}'
	post "$f" true
	check_eq "$f huge_line" "$CODE $CRC $(sum "$f" pieces "done") $(sum "$f" text | wc -c)" "200 0 1 | yes 200001"
	check_eq "$f huge_line is one line" "$(awk 'length($0) > 200000' "$T/r" | wc -l | tr -d ' ')" 1

	fake_reply '{"fault":"empty"}'
	post "$f" true
	check_eq "$f empty" "$CODE $CRC $(wc -c <"$T/r" | tr -d ' ')" "200 0 0"

	fake_reply '{"fault":"reset"}'
	post "$f" true
	check_eq "$f reset" "$CODE $CRC" "200 56"
	check_contains "$f reset after the first piece" "$(cat "$T/r")" "Hello fr"

	# stall: the first piece, then silence until the server gives up and closes.
	fake_reply '{"fault":"stall","seconds":0.3}'
	s0=$(date +%s%N)
	post "$f" true
	s1=$(date +%s%N)
	check_eq "$f stall" "$CODE $(sum "$f" text "done")" "200 Hello fr | no"
	check "$f stall holds the socket" test $(((s1 - s0) / 1000000)) -ge 300

	fake_reply '{"fault":"invalid_utf8"}'
	post "$f" true
	check "$f invalid_utf8 bytes on the wire" t_py -c 'import sys
d = open(sys.argv[1], "rb").read()
assert b"\xff\xfe" in d and b"\xe2\x82 " in d, d
try:
    d.decode("utf-8")
    sys.exit("decodes as UTF-8")
except UnicodeDecodeError:
    pass' "$T/r"
	check_eq "$f invalid_utf8 text" "$(sum "$f" text "done" | od -An -c | tr -d ' \n')" \
	    "$(printf 'Bad \377\376 bytes, a cut \342\202 sequence and a fine \303\251. | yes\n' | od -An -c | tr -d ' \n')"

	fake_reply '{"fault":"escape"}'
	post "$f" true
	check_eq "$f escape" "$(sum "$f" text | od -An -c | tr -d ' \n')" \
	    "$(printf 'Clear\033[2Jthe screen, set the clipboard\033]52;c;Zm9v\007 and ring\007 the bell.\n' | od -An -c | tr -d ' \n')"

	# hold_file: the first piece is out while the server waits for the file.
	fake_reply "{\"hold_file\":\"$T/go-$f\"}"
	post "$f" true >/dev/null &
	cpid=$!
	t_wait grep -q "Hello fr" "$T/r"
	check_eq "$f hold_file: first piece, no end yet" "$(sum "$f" text "done")" "Hello fr | no"
	touch "$T/go-$f"
	wait $cpid
	check_eq "$f hold_file: the rest after the file" "$(sum "$f" text "done")" "$HELLO | yes"
done

fake_reply '{"fault":"slow","delay_ms":40}'
s0=$(date +%s%N)
post ollama true
s1=$(date +%s%N)
check_eq "slow: text intact" "$(sum ollama text "done")" "$HELLO | yes"
check "slow: pieces are delayed" test $(((s1 - s0) / 1000000)) -ge 120

fake_reply '{"byte_writes":true,"text":"Trickled one byte at a time."}'
check_eq "byte_writes" "$(post anthropic true; sum anthropic text "done")" "Trickled one byte at a time. | yes"
fake_reply '{"framing":"close"}'
post openai true
check_eq "framing close" "$(hdr connection) $(hdr transfer-encoding) $(sum openai text "done")" "close  $HELLO | yes"
fake_reply '{"framing":"chunked"}'
check_eq "gemini chunked framing" "$(post gemini true; hdr transfer-encoding) $(sum gemini "done")" "chunked yes"

for fault in garbage empty error_event; do
	fake_reply "{\"fault\":\"$fault\"}"
	post openai false
	echo "$CODE $CRC $(sumw openai bad error)" >>"$T/whole-faults"
done
post anthropic false
full=$(wc -c <"$T/r")
fake_reply '{"fault":"cut"}'
post anthropic false
echo "$CODE $CRC $(wc -c <"$T/r") of $((full / 2))" >>"$T/whole-faults"
fake_reply '{"fault":"stall","seconds":5}'
post gemini false --max-time 0.25
echo "$CODE $CRC" >>"$T/whole-faults"
check_eq "faults on whole replies" "$(cat "$T/whole-faults")" "200 0 1 | -
200 0 1 | -
200 0 0 | server_error
200 18 $((full / 2)) of $((full / 2))
200 28"

# ---- queue, default, reset and the request log

fake_reset
fake_reply '[{"text":"first"},{"text":"second"}]'
check_eq "pending" "$(fake_pending)" 2
fake_default '{"text":"the default"}'
r=""
for _ in 1 2 3 4; do
	post ollama false
	r="$r$(sumw ollama text);"
done
check_eq "queue in order, then the default" "$r" "first;second;the default;the default;"
check_eq "count" "$(fake_count)" 4
fake_reset
post openai true
check_eq "reset restores the built-in default" "$(sum openai text)" "$HELLO"

fake_reset
curl -sS --noproxy '*' -o /dev/null -H 'x-api-key: sk-ant-test-0002' -H 'anthropic-version: 2023-06-01' \
    -H 'content-type: application/json' \
    -d '{"model":"test-mid-1","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"stream":true}' \
    "$FAKE_URL/v1/messages"
check_eq "log: control requests are not recorded" "$(fake_count)" 1
check_eq "log: method path format" "$(fake_last method) $(fake_last path) $(fake_last format)" "POST /v1/messages anthropic"
check_eq "log: headers" "$(fake_last headers.x-api-key) $(fake_last headers.anthropic-version)" \
    "sk-ant-test-0002 2023-06-01"
check_eq "log: body" "$(fake_last body)" '{"model":"test-mid-1","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"stream":true}'
check_eq "log: nested fields" "$(fake_last body.messages.0.content) $(fake_last body.stream) $(fake_last body.max_tokens)" "hi true 5"
check "log: a missing field fails" sh -c '! t_py -c "$1" log "$2" -1 body.nope' x "$_T_PY_GET" "$T/fake.log"
curl -sS --noproxy '*' -o /dev/null -H 'x-goog-api-key: gm-test-0003' \
    -d '{"contents":[]}' "$FAKE_URL/v1beta/models/test-frontier-1:streamGenerateContent?alt=sse"
check_eq "log: query" "$(fake_last query) $(fake_last query.alt) $(fake_get 0 format) $(fake_get -1 format)" \
    '{"alt":"sse"} sse anthropic gemini'
check "log: arrival times in order" t_py -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); assert 0 <= b - a < 60, (a, b)' \
    "$(fake_get 0 time)" "$(fake_get 1 time)"
check_eq "log: /_control/requests" "$(fake_requests | t_py -c 'import json,sys; r=json.load(sys.stdin); print(len(r), r[1]["headers"]["x-goog-api-key"])')" \
    "2 gm-test-0003"

# ---- bad requests never crash the fake

curl -sS --noproxy '*' -o "$T/r" -w '%{http_code}' -H 'content-type: application/json' \
    --data-binary '{"model": broken' "$FAKE_URL/v1/chat/completions" >"$T/code"
check_eq "invalid JSON body: 400" "$(cat "$T/code") $(sumw openai error)" "400 invalid_request_error"
check_eq "invalid JSON body recorded raw" "$(fake_last body)" '{"model": broken'
curl -sS --noproxy '*' -o "$T/r" -w '%{http_code}' -d '[1,2]' "$FAKE_URL/api/chat" >"$T/code"
check_eq "non-object body: 400" "$(cat "$T/code")" 400
curl -sS --noproxy '*' -o "$T/r" -w '%{http_code}' "$FAKE_URL/v1/models" >"$T/code"
check_eq "unknown endpoint: 404, recorded" "$(cat "$T/code") $(fake_last path) $(fake_last format)" "404 /v1/models null"
curl -sS --noproxy '*' -o "$T/r" -w '%{http_code}' -d 'not json' "$FAKE_URL/_control/reply" >"$T/code"
check_eq "bad reply spec: 400" "$(cat "$T/code")" 400
printf 'POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n' >"$T/partial"
t_py -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); s.sendall(open(sys.argv[2],"rb").read()); s.close()' \
    "$(cat "$T/fake.port")" "$T/partial"
check_eq "still serving after bad requests" "$(post ollama false; sumw ollama text)" "$HELLO"
check_eq "chunked request bodies" \
    "$(curl -sS --noproxy '*' -H 'transfer-encoding: chunked' -d '{"model":"m","stream":false}' "$FAKE_URL/api/chat" >/dev/null; fake_last body.model)" m

# ---- lib.sh itself

printf '{"a":{"b":[1,{"c":"d e"}]},"n":null}' >"$T/doc.json"
check_eq "json_get" "$(json_get "$T/doc.json" a.b.1.c)|$(json_get "$T/doc.json" a.b)|$(json_get "$T/doc.json" n)" \
    'd e|[1,{"c":"d e"}]|null'
check_eq "check_eq reports a mismatch" "$(check_eq x a b)" "not ok - x
#   got:  'a'
#   want: 'b'"
check_eq "check_contains" "$(check_contains y 'a*b' '*'; check_contains z abc 'a*')" "ok - y
not ok - z
#   'a*' not found in:
#   abc"
check_eq "check" "$(check c1 true; check c2 sh -c 'echo out; exit 3')" "ok - c1
not ok - c2
#   exit 3: sh -c echo out; exit 3
#   out"
cat >"$T/fakellm" <<'EOF'
#!/bin/sh
echo "args:$*"
cat
echo "to err" >&2
exit 4
EOF
chmod +x "$T/fakellm"
(
	# shellcheck disable=SC2034 # read by tests/lib.sh
	LLM_BIN=$T/fakellm
	run_llm a "b c"
	echo "$RC|$OUT|$ERR"
	echo piped >"$T/in"
	run_llm - <"$T/in"
	echo "$RC|$OUT"
	run_llm_in "given
text" x
	echo "$RC|$OUT"
) >"$T/runout"
check_eq "run_llm" "$(cat "$T/runout")" "4|args:a b c|to err
4|args:-
piped
4|args:x
given
text"
check_eq "a rejected spec is a failure" "$(fake_reply '{"text":' 2>&1 | head -n 1)" "not ok - fake reply accepted"
check "t_wait gives up" sh -c '. "$LLM_TOP/tests/lib.sh"; T_WAIT=0; ! t_wait false'
touch "$T/later"
check "t_wait sees a file" t_wait test -e "$T/later"
fake_reset
curl -sS --noproxy '*' -o /dev/null -d '{}' "$FAKE_URL/api/chat" &
cpid=$!
check "fake_wait_count" fake_wait_count 1
wait $cpid
sh -c '. "$LLM_TOP/tests/lib.sh"; t_setup; t_defer "echo one"; t_defer "echo two"
	echo "dir $T $FAKE_PID"; exit 3' >"$T/sub.out"
sub_rc=$?
# shellcheck disable=SC2046 # split into the listed words
set -- $(sed -n 's/^dir //p' "$T/sub.out")
check_eq "t_defer runs last-first; the exit code stays" \
    "$(grep -v '^dir ' "$T/sub.out" | tr '\n' ' ')$sub_rc" "two one 3"
check "t_cleanup removes \$T" test ! -e "$1"
check "t_cleanup stops the fake" sh -c '! kill -0 "$1" 2>/dev/null' x "$2"
check_contains "config points at the fake" "$(cat "$LLM_CONFIG_DIR/config.ini")" "base_url = $FAKE_URL/v1beta"
t_config_append '[model.extra]
id = x'
check_eq "t_config_append" "$(tail -n 2 "$LLM_CONFIG_DIR/config.ini")" "[model.extra]
id = x"
check_eq "environment" "$HOME $LLM_CONFIG_DIR $LLM_DATA_DIR $OPENAI_API_KEY $ANTHROPIC_API_KEY $GEMINI_API_KEY" \
    "$T/home $T/config $T/data sk-test-openai-0001 sk-ant-test-0002 gm-test-0003"
