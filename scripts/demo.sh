#!/bin/sh
# demo: run the full-screen client against the local fake provider, with a $5 budget and no real keys.
# By default it opens in agent mode on a scratch copy of a tiny project whose test fails, with a
# scripted model that reads, asks the advisor, edits (after your y) and runs the test; DEMO=chat
# opens a plain conversation instead.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
llm=${LLM_BIN:-$top/llm}
[ -x "$llm" ] || { echo "demo: $llm is not built (run make)" >&2; exit 2; }
command -v python3 >/dev/null 2>&1 || { echo "demo: needs python3 for the fake provider" >&2; exit 2; }
command -v curl >/dev/null 2>&1 || { echo "demo: needs curl to set the fake's reply" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/llm-demo.XXXXXX") || exit 2
fake=
cleanup() {
	[ -n "$fake" ] && kill "$fake" 2>/dev/null && wait "$fake" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 "$top/tests/fake_provider.py" --port-file "$dir/port" --log "$dir/requests.log" \
    2>"$dir/fake.err" &
fake=$!
i=0
while [ ! -s "$dir/port" ]; do
	if ! kill -0 "$fake" 2>/dev/null || [ "$i" -gt 500 ]; then
		echo "demo: the fake provider did not start:" >&2
		cat "$dir/fake.err" >&2
		exit 1
	fi
	i=$((i + 1))
	sleep 0.02
done
url="http://127.0.0.1:$(cat "$dir/port")"

reply=$(python3 -c 'import json; print(json.dumps({"text": """## Hello from the demo

This answer comes from a **local fake provider**, so nothing real is charged,
but every figure you see is computed the way it would be for a real model:

- the line above this reply: *tier · model · tokens · cost*
- the route line below: where your next message would go, and why
- the meter: this month against a **$5** budget

Try **F2** to force a tier, **F3** to pin a model, **F4** to re-ask one tier up,
`/file PATH` to attach a file, and **F1** for every key and command.

```sh
llm -t cheap "summarise this" < notes.txt
```

`/save 1 example.sh` writes that block to a file."""}))')
curl -sS --noproxy '*' -o /dev/null -H 'content-type: application/json' \
    --data-binary "$reply" "$url/_control/default" || exit 1

# queue REPLY: the fake's next reply.
queue() {
	curl -sS --noproxy '*' -o /dev/null -H 'content-type: application/json' \
	    --data-binary "$1" "$url/_control/reply" || exit 1
}

# The agent demo: a tiny project whose test fails, and the model's part of the task.
if [ "${DEMO:-agent}" != chat ]; then
	mkdir -p "$dir/project"
	printf '#!/bin/sh\n# sum A B: print A + B\necho $(( $1 - $2 ))\n' >"$dir/project/sum.sh"
	printf '#!/bin/sh\n[ "$(sh sum.sh 2 3)" = 5 ] && echo PASS || { echo "FAIL: sum.sh 2 3 is not 5"; exit 1; }\n' \
	    >"$dir/project/test.sh"
	if command -v git >/dev/null 2>&1; then
		(cd "$dir/project" && git init -q . && git add . &&
		    git -c user.email=demo@example.com -c user.name=demo commit -qm "a failing test") ||
		    exit 1
	fi
	queue '{"text":"Let me look at the project first.","calls":[{"name":"list","args":{"path":"."}},{"name":"read","args":{"path":"sum.sh"}},{"name":"read","args":{"path":"test.sh"}}],"usage":{"input":1450,"output":60}}'
	queue '{"text":"The test wants 5 from sum.sh 2 3. Before I change anything, a second opinion.","calls":[{"name":"advise","args":{"question":"sum.sh prints $1 - $2 but its comment and test say A + B. Is the fix to add?"}}],"usage":{"input":1900,"output":45}}'
	queue '{"text":"Yes: sum.sh subtracts where its comment and its test add.\nChange - to + in sum.sh, then run sh test.sh.","usage":{"input":700,"output":30}}'
	queue '{"text":"Fixing the sign.","calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}],"usage":{"input":2100,"output":40}}'
	queue '{"text":"Now the test.","calls":[{"name":"run","args":{"command":"sh test.sh"}}],"usage":{"input":2300,"output":20}}'
	queue '{"text":"Fixed: sum.sh subtracted instead of adding. `sh test.sh` now prints PASS.\n\n/undo puts sum.sh back; F7 turns agent mode off.","usage":{"input":2400,"output":35}}'
fi

mkdir -p "$dir/config" "$dir/data"
cat >"$dir/config/config.ini" <<EOF2
[llm]
tier = auto
budget = 5
budget_action = downgrade
escalate = no

[provider.openai]
base_url = $url/v1
[provider.anthropic]
base_url = $url/v1
[provider.gemini]
base_url = $url/v1beta

[model.demo-cheap]
provider = openai
id = demo-cheap-1
tier = cheap
input_price = 0.10
output_price = 0.40
context = 128000

[model.demo-mid]
provider = anthropic
id = demo-mid-1
tier = mid
input_price = 3
output_price = 15
context = 200000

[model.demo-frontier]
provider = gemini
id = demo-frontier-1
tier = frontier
input_price = 5
output_price = 25
context = 1000000

[tier.cheap]
models = demo-cheap
[tier.mid]
models = demo-mid
[tier.frontier]
models = demo-frontier

[agent]
allow_run = sh test.sh
EOF2

export LLM_CONFIG_DIR="$dir/config" LLM_DATA_DIR="$dir/data"
export OPENAI_API_KEY=sk-demo-openai ANTHROPIC_API_KEY=sk-ant-demo GEMINI_API_KEY=gm-demo
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
if [ "${DEMO:-agent}" = chat ]; then
	"$llm" chat "$@"
else
	echo "demo: agent mode on a scratch project whose test fails; type a task, e.g. make the test pass"
	cd "$dir/project" || exit 2
	"$llm" chat --agent "$@"
fi
