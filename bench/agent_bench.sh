#!/bin/sh
# agent_bench: what an llm do task sends: the first request's size (system prompt and
# tool definitions) per wire format, and the input tokens of a scripted four-step task
# (list and read, edit, run the test, answer), beside what other coding agents send.
#
#	LLM_BIN=build/llm sh bench/agent_bench.sh      (make bench runs it)
#
# The model is the tests' fake provider, which counts no real tokens: the task's
# input is given as the bytes of all its request bodies and a quarter of them.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
LLM_BIN=${LLM_BIN:-$top/build/llm}
E=$(mktemp -d "${TMPDIR:-/tmp}/llm-agent-bench.XXXXXX") || exit 1
python3 "$top/tests/fake_provider.py" --port-file "$E/port" --log "$E/fake.log" 2>"$E/fake.err" &
fake=$!
trap 'kill $fake 2>/dev/null; wait $fake 2>/dev/null; rm -rf "$E"' EXIT
i=0
while [ ! -s "$E/port" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$E/port")"
mkdir -p "$E/config" "$E/data"
export LLM_CONFIG_DIR="$E/config" LLM_DATA_DIR="$E/data" HOME="$E"
export OPENAI_API_KEY=sk-bench ANTHROPIC_API_KEY=sk-bench GEMINI_API_KEY=bench
cat >"$E/config/config.ini" <<EOC
[llm]
tier = auto
escalate = no
[provider.openai]
base_url = $URL/v1
[provider.anthropic]
base_url = $URL/v1
[provider.gemini]
base_url = $URL/v1beta
[provider.ollama]
base_url = $URL
[model.w-openai]
provider = openai
id = w1
tier = cheap
input_price = 0.1
output_price = 0.4
[model.w-anthropic]
provider = anthropic
id = w2
tier = mid
input_price = 1
output_price = 5
[model.w-gemini]
provider = gemini
id = w3
tier = frontier
input_price = 1
output_price = 5
[model.w-ollama]
provider = ollama
id = w4
tier = cheap
input_price = 0
output_price = 0
[tier.cheap]
models = w-openai, w-ollama
[tier.mid]
models = w-anthropic
[tier.frontier]
models = w-gemini
EOC
post() {
	curl -sS --noproxy '*' -H 'content-type: application/json' --data-binary "$2" "$URL/_control/$1" >/dev/null
}
echo "| Agent request (llm do) | openai | anthropic | gemini | ollama |"
echo "|---|---|---|---|---|"
bytes="| first request body, bytes (system prompt, tools, the task) |"
sysb="| system prompt and tool definitions, bytes |"
toks="| input of the scripted task, all 4 requests: ≈ tokens (bytes / 4) |"
for fmt in openai anthropic gemini ollama; do
	post reset '{}'
	post reply '{"calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}}]}'
	post reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}]}'
	post reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}]}'
	post reply '{"text":"Fixed sum.sh; sh test.sh passes."}'
	rm -rf "$E/repo"
	mkdir -p "$E/repo"
	(
		cd "$E/repo" || exit 1
		git init -q .
		printf '#!/bin/sh\necho $(( $1 - $2 ))\n' >sum.sh
		printf '#!/bin/sh\n[ "$(sh sum.sh 2 3)" = 5 ] && echo PASS || { echo FAIL; exit 1; }\n' >test.sh
		"$LLM_BIN" do -m "w-$fmt" --allow edit,run --json -q "sum.sh is wrong; make sh test.sh pass" >"$E/out.json" 2>"$E/err"
	) || { echo "agent_bench: $fmt: the task failed: $(cat "$E/err")" >&2; exit 1; }
	# one line of three words: the figures
	# shellcheck disable=SC2046
	set -- $(python3 -c '
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
b = reqs[0]["body"]
raw = json.dumps(b, separators=(",", ":"), ensure_ascii=False).encode()
sysp = b.get("system") or ""
if not sysp and "systemInstruction" in b:
    sysp = b["systemInstruction"]["parts"][0]["text"]
if not sysp and b.get("messages") and b["messages"][0]["role"] == "system":
    sysp = b["messages"][0]["content"]
tools = json.dumps(b.get("tools"), separators=(",", ":"), ensure_ascii=False).encode()
total = sum(len(json.dumps(r["body"], separators=(",", ":"), ensure_ascii=False).encode()) for r in reqs)
print(len(raw), len(sysp.encode()) + len(tools), "%d (%d bytes)" % ((total + 3) // 4, total))' "$E/fake.log" "$E/out.json")
	bytes="$bytes $1 |"
	sysb="$sysb $2 |"
	toks="$toks $3 $4 $5 |"
done
echo "$bytes"
echo "$sysb"
echo "$toks"
echo
echo "Peers, the same measure for a bare \"hi\" (the issue's figures): Claude Code 77.8 KB,"
echo "Codex 40.5 KB, Gemini CLI 33 KB, opencode 31 KB. Target for llm: under 4 KB."
