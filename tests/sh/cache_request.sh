# Prompt caching in requests: the exact cache fields per wire format on turns 1, 2 and 10, none
# when disabled or below the minimum, and a prefix that stays byte-stable from turn to turn.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_cache_on 1200

# marks N: where request N (0 first, -1 last) asks for caching, one word per field:
# system, messages.I (Anthropic cache_control, with its ttl), key=K (prompt_cache_key).
_MARKS='
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
b = json.loads(lines[int(sys.argv[2])])["body"]
out = []
def cc(v):
    if isinstance(v, list) and v and isinstance(v[-1], dict) and "cache_control" in v[-1]:
        c = v[-1]["cache_control"]
        return "" if c == {"type": "ephemeral"} else ":" + json.dumps(c, separators=(",", ":"))
    return None
if cc(b.get("system")) is not None:
    out.append("system" + cc(b["system"]))
for i, m in enumerate(b.get("messages") or []):
    if cc(m.get("content")) is not None:
        out.append("messages.%d%s" % (i, cc(m["content"])))
if "prompt_cache_key" in b:
    out.append("key=" + b["prompt_cache_key"])
for k in ("cachedContent", "cache_control", "keep_alive", "cache_prompt", "prompt_cache_retention"):
    if k in b:
        out.append(k)
print(" ".join(out) or "none")
'
marks() {
	t_py -c "$_MARKS" "$T/fake.log" "$1"
}

# prefix_stable: each request's prompt (system, then the messages, cache markers taken
# out and a string content written as the one text block it stands for) starts with
# the previous request's, byte for byte, from request FROM on.
_PREFIX='
import json, sys
lines = [json.loads(l)["body"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
lines = lines[int(sys.argv[2]):]
def norm(v):
    if isinstance(v, str):
        return [{"type": "text", "text": v}]
    if isinstance(v, list):
        return [{k: x for k, x in p.items() if k != "cache_control"} if isinstance(p, dict) else p for p in v]
    return v
def prompt(b):
    parts = [json.dumps(norm(b.get("system")), separators=(",", ":"), ensure_ascii=False)]
    if "contents" in b:
        parts = [json.dumps(b.get("systemInstruction"), separators=(",", ":"), ensure_ascii=False)]
        parts += [json.dumps(c, separators=(",", ":"), ensure_ascii=False) for c in b["contents"]]
    for m in b.get("messages") or []:
        m = dict(m, content=norm(m.get("content")))
        parts.append(json.dumps(m, separators=(",", ":"), ensure_ascii=False))
    return "".join(parts).encode("utf-8")
bad = [i + 1 for i in range(len(lines) - 1) if not prompt(lines[i + 1]).startswith(prompt(lines[i]))]
print("stable" if not bad else "changed at %s" % bad)
'
prefix_stable() {
	t_py -c "$_PREFIX" "$T/fake.log" "$1"
}

# converse MODEL N: a new conversation of N turns on MODEL, the first with big.c attached.
converse() {
	fake_reset
	run_llm -q -m "$1" --json -f "$T/big.c" "what does this file hold?"
	printf '%s\n' "$OUT" >"$T/c.json"
	CID=$(json_get "$T/c.json" conversation_id)
	_n=2
	while [ "$_n" -le "$2" ]; do
		run_llm -q -m "$1" -c --json "question $_n about it"
		_n=$((_n + 1))
	done
}

converse test-mid 10
check_eq "anthropic: turn 1 marks the new message" "$(marks 0)" "messages.0"
check_eq "anthropic: turn 2 marks the end of the history and the new message" "$(marks 1)" \
    "messages.1 messages.2"
check_eq "anthropic: turn 10 the same, 18 messages on" "$(marks 9)" "messages.17 messages.18"
check_eq "anthropic: turn N+1's prompt starts with turn N's" "$(prefix_stable 0)" stable
check_eq "anthropic: turn 1 writes the prefix" "$(json_get "$T/c.json" usage.cached_input_tokens)" 0
check_contains "anthropic: turn 10 reads the cache" "$OUT" '"cached_input_tokens":'
check_not_contains "anthropic: turn 10 reads more than nothing" "$OUT" '"cached_input_tokens":0,'

converse test-cheap 10
check_eq "openai: turn 1 sends the conversation's key" "$(marks 0)" "key=llm-conv-$CID"
check_eq "openai: turn 2 the same key" "$(marks 1)" "key=llm-conv-$CID"
check_eq "openai: turn 10 the same key" "$(marks 9)" "key=llm-conv-$CID"
check_eq "openai: prompt stable" "$(prefix_stable 0)" stable
check_not_contains "openai: implicit reads are reported" "$OUT" '"cached_input_tokens":0,'

converse test-frontier 10
check_eq "gemini: nothing to send on turn 1" "$(marks 0)" none
check_eq "gemini: nor on turn 2" "$(marks 1)" none
check_eq "gemini: nor on turn 10" "$(marks 9)" none
check_eq "gemini: prompt stable" "$(prefix_stable 0)" stable

converse test-local 2
check_eq "ollama: nothing sent" "$(marks 0) $(marks 1)" "none none"

# A long system prompt gets a breakpoint of its own; 1-hour lifetime when configured.
t_config_append '[llm]
cache_ttl = 1h'
fake_reset
t_py -c 'print("Follow the house style. " * 300)' >"$T/sys.txt"
run_llm -q -m test-mid -s "$(cat "$T/sys.txt")" "hello"
check_eq "anthropic: system prompt over the minimum, 1-hour ttl" "$(marks -1)" \
    'system:{"type":"ephemeral","ttl":"1h"} messages.0:{"type":"ephemeral","ttl":"1h"}'
t_write_config

# Below the minimum: nothing.
fake_reset
run_llm -q -m test-mid "short question"
run_llm -q -m test-mid -c "short follow-up"
check_eq "anthropic: below the minimum, no breakpoint" "$(marks 0) $(marks 1)" "none none"
run_llm -q -m test-cheap "short question"
check_eq "openai: below the minimum, no key" "$(marks -1)" none
t_config_append '[model.test-mid]
cache_min = 100000'
run_llm -q -m test-mid -f "$T/big.c" "long one"
check_eq "anthropic: cache_min raises the minimum" "$(marks -1)" none
t_write_config

# The tool declarations come first in the prompt: they count towards the minimum.
t_config_append '[model.test-mid]
cache_min = 400'
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"text":"Done.","usage":{"input":900,"output":40}}'
_here=$(pwd)
cd "$T/repo" || exit 1
run_llm "do" -m test-mid "say hi"
cd "$_here" || exit 1
check_eq "anthropic: tools and system over the minimum, breakpoints on them and the task" \
    "$(marks 0)" "system messages.0"
t_write_config

# Disabled: [llm] cache = no, or [model.*] cache = no.
t_config_append '[llm]
cache = no'
converse test-mid 2
check_eq "cache = no: no breakpoint on turn 1 or 2" "$(marks 0) $(marks 1)" "none none"
converse test-cheap 2
check_eq "cache = no: no key" "$(marks 0) $(marks 1)" "none none"
t_write_config
t_config_append '[model.test-mid]
cache = no'
converse test-mid 2
check_eq "model cache = no: no breakpoint" "$(marks 0) $(marks 1)" "none none"
converse test-cheap 2
check_eq "model cache = no: other models still cache" "$(marks 1)" "key=llm-conv-$CID"
t_write_config

run_llm config show
check_contains "config show: cache on" "$OUT" "
cache = yes  ;"
check_contains "config show: its lifetime" "$OUT" "
cache_ttl = 5m  ;"
