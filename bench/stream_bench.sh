#!/bin/sh
# stream_bench: a streamed reply through llm against the same bytes fetched
# with curl -N. The fake provider writes the stream once (OpenAI's format, its
# usual ~8-byte pieces of text); a small server then replays those bytes at
# once to every request, so the figures are the client's own cost, not the
# fake's. The two commands run in turn, so that both meet the same load.
#
# Sizes: WIRE_BYTES (default 1 MiB) makes the HTTP body that long, about 4,000
# events; TEXT_BYTES instead makes the reply's text that long (1 MiB of text
# is 131,072 events, 32 MB on the wire). Prints one line:
#   llm_wall_us llm_cpu_us curl_wall_us curl_cpu_us runs cpu_ratio_permille
#   wall_diff_us events wire_bytes
# (medians of RUNS, default 15; the ratio and difference are medians over
# pairs of runs). Needs LLM_BIN, LLM_TOP and STARTUP (bench/startup).
set -u
: "${LLM_TOP:=$(pwd)}"
: "${LLM_BIN:=$LLM_TOP/build/llm}"
: "${STARTUP:=$LLM_TOP/build/bench/startup}"
RUNS=${RUNS:-15}
WIRE_BYTES=${WIRE_BYTES:-}
TEXT_BYTES=${TEXT_BYTES:-}
[ -n "$WIRE_BYTES$TEXT_BYTES" ] || WIRE_BYTES=1048576
B=$(mktemp -d "${TMPDIR:-/tmp}/llm-bench.XXXXXX") || exit 1
FAKE=
SERVE=
cleanup() {
	[ -n "$FAKE" ] && kill "$FAKE" 2>/dev/null
	[ -n "$SERVE" ] && kill "$SERVE" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$B"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
PY=$(python3 -I -S -c 'import sys; print(sys.executable)')

# wait_port FILE PID: until FILE holds a port (at most 10 s)
wait_port() {
	_i=0
	while [ ! -s "$1" ]; do
		kill -0 "$2" 2>/dev/null || return 1
		_i=$((_i + 1))
		[ "$_i" -le 1000 ] || return 1
		sleep 0.01
	done
}

"$PY" -I -S "$LLM_TOP/tests/fake_provider.py" --port-file "$B/fake.port" --log /dev/null 2>"$B/fake.err" &
FAKE=$!
wait_port "$B/fake.port" "$FAKE" || { echo "stream_bench: the fake provider did not start" >&2; exit 1; }
FAKE_URL="http://127.0.0.1:$(cat "$B/fake.port")"
body='{"model":"bench-1","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}'
# record TEXT: have the fake stream a reply of $1 bytes of text into stream.sse
record() {
	"$PY" -I -S - "$1" >"$B/spec.json" <<'PY'
import json, sys
size = int(sys.argv[1])
text = ("lorem ipsum dolor sit amet, " * (size // 28 + 1))[:size]
print(json.dumps({"text": text, "usage": {"input": 10, "output": max(1, size // 4)}}))
PY
	curl -sS --noproxy '*' -o /dev/null -H 'content-type: application/json' --data-binary @"$B/spec.json" \
	    "$FAKE_URL/_control/default" || return 1
	curl -sS --noproxy '*' -N -o "$B/stream.sse" -H 'content-type: application/json' --data "$body" \
	    "$FAKE_URL/v1/chat/completions"
}
if [ -n "$TEXT_BYTES" ]; then
	record "$TEXT_BYTES" || exit 1
else
	# the wire grows in step with the text: measure it once, then scale
	record 32768 || exit 1
	TEXT_BYTES=$((32768 * WIRE_BYTES / $(wc -c <"$B/stream.sse")))
	record "$TEXT_BYTES" || exit 1
fi
events=$(grep -c '^data: ' "$B/stream.sse")
wire=$(wc -c <"$B/stream.sse")
kill "$FAKE"
FAKE=

# replay the recorded bytes to any request: read the request, send the file whole, close
"$PY" -I -S - "$B/stream.sse" "$B/serve.port" <<'PY' 2>"$B/serve.err" &
import socket, sys
data = open(sys.argv[1], "rb").read()
head = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n"
        "Connection: close\r\n\r\n" % len(data)).encode()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
while True:
    c, _ = s.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        req += c.recv(65536)
    h, _, rest = req.partition(b"\r\n\r\n")
    n = 0
    for line in h.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            n = int(line.split(b":")[1])
    while len(rest) < n:
        rest += c.recv(65536)
    c.sendall(head + data)
    c.close()
PY
SERVE=$!
wait_port "$B/serve.port" "$SERVE" || { echo "stream_bench: the replay server did not start" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$B/serve.port")"

mkdir -p "$B/config" "$B/data"
cat >"$B/config/config.ini" <<INI
[llm]
budget = 0
escalate = no
[provider.bench]
api = openai
base_url = $URL/v1
requires_key = no
[model.bench]
provider = bench
id = bench-1
tier = cheap
input_price = 0.1
output_price = 0.4
INI
export LLM_CONFIG_DIR="$B/config" LLM_DATA_DIR="$B/data" HOME="$B" NO_PROXY='*'
# the answer must come through whole before anything is timed
"$LLM_BIN" -q -m bench hi >"$B/answer" || { echo "stream_bench: llm failed" >&2; exit 1; }
size=$(wc -c <"$B/answer")
if [ "$size" -lt "$TEXT_BYTES" ]; then
	echo "stream_bench: llm wrote $size bytes, not the $TEXT_BYTES-byte reply" >&2
	exit 1
fi
set -- $("$STARTUP" "$RUNS" "$LLM_BIN" -q -m bench hi -- curl -sS -N --noproxy '*' -o /dev/null \
    -H 'content-type: application/json' --data "$body" "$URL/v1/chat/completions") || exit 1
[ $# -eq 7 ] || exit 1
echo "$* $events $wire"
