# fake_cache: the fake provider's prompt cache reports reads and writes as each real API does.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

NOW=1790000000
fake_cache "{\"on\":true,\"now\":$NOW}"

# post FMT PATH BODY: send one non-streamed request; print the usage object the fake answered.
post() {
	curl -sS --noproxy '*' -H 'content-type: application/json' --data-binary "$3" \
	    "$FAKE_URL$2" >"$T/resp"
	t_py -c '
import json, sys
o = json.load(open(sys.argv[2]))
u = o.get("usage") or o.get("usageMetadata") or o.get("error")
print(json.dumps(u, separators=(",", ":"), sort_keys=True))' "$1" "$T/resp"
}

# A system prompt of 6000 characters (1500 tokens): over Sonnet's minimum of 1024.
BIG=$(t_py -c 'print("rules " * 1000)')
SYS="[{\"type\":\"text\",\"text\":\"$BIG\",\"cache_control\":{\"type\":\"ephemeral\"}}]"
msg() { printf '{"role":"user","content":"%s"}' "$1"; }

# messages MODEL SYSTEM TEXT: post a Messages request with SYSTEM (JSON) and
# one user message; print the usage the fake answered.
messages() {
	post anthropic /v1/messages "{\"model\":\"$1\",\"max_tokens\":10,\"system\":$2,\"messages\":[$(msg "$3")]}"
}

U=$(messages claude-sonnet-4-6 "$SYS" 'question one')
check_contains "anthropic: first request writes the system prompt" "$U" '"cache_creation_input_tokens":1500,'
check_contains "anthropic: nothing read yet" "$U" '"cache_read_input_tokens":0'
check_contains "anthropic: the rest is plain input" "$U" '"input_tokens":3,'
check_contains "anthropic: writes split by lifetime" "$U" '"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":1500'

U=$(messages claude-sonnet-4-6 "$SYS" 'question two')
check_contains "anthropic: same prefix is read" "$U" '"cache_read_input_tokens":1500'
check_contains "anthropic: and not written again" "$U" '"cache_creation_input_tokens":0,'

U=$(messages claude-opus-4-6 "$SYS" q)
check_contains "anthropic: below the model's minimum (4096) nothing is cached" "$U" '"cache_creation_input_tokens":0,"cache_read_input_tokens":0'

SYS2="[{\"type\":\"text\",\"text\":\"${BIG}x\",\"cache_control\":{\"type\":\"ephemeral\"}}]"
U=$(messages claude-sonnet-4-6 "$SYS2" q)
check_contains "anthropic: a changed prefix misses" "$U" '"cache_read_input_tokens":0'
check_contains "anthropic: and is written anew" "$U" '"cache_creation_input_tokens":1501,'

U=$(messages claude-sonnet-4-6 "\"$BIG\"" q)
check_contains "anthropic: no cache_control, no cache" "$U" '"cache_creation_input_tokens":0,"cache_read_input_tokens":0'

fake_cache '{"advance":301}'
U=$(messages claude-sonnet-4-6 "$SYS" 'question two')
check_contains "anthropic: after 5 minutes the entry has expired" "$U" '"cache_read_input_tokens":0'
check_contains "anthropic: so it is written again" "$U" '"cache_creation_input_tokens":1500,'
fake_cache '{"advance":299}'
U=$(messages claude-sonnet-4-6 "$SYS" 'question two')
check_contains "anthropic: a read within 5 minutes refreshes the entry" "$U" '"cache_read_input_tokens":1500'

SYS1H="[{\"type\":\"text\",\"text\":\"${BIG}h\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]"
H="{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"system\":$SYS1H,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"$BIG\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}"
U=$(post anthropic /v1/messages "$H")
check_contains "anthropic: 1-hour and 5-minute writes reported apart" "$U" '"ephemeral_1h_input_tokens":1501,"ephemeral_5m_input_tokens":1500'
fake_cache '{"advance":1000}'
U=$(post anthropic /v1/messages "$H")
check_contains "anthropic: after 1000 s only the 1-hour part is read" "$U" '"cache_read_input_tokens":1501'
check_contains "anthropic: the 5-minute part is written again" "$U" '"cache_creation_input_tokens":1500,'

# Messages: the previous turn's breakpoint is found up to 20 blocks back.
T1="{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"$BIG\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}"
U=$(post anthropic /v1/messages "$T1")
T2="{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"messages\":[$(msg "$BIG"),{\"role\":\"assistant\",\"content\":\"answer\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"next\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}"
U=$(post anthropic /v1/messages "$T2")
check_contains "anthropic: turn 2 reads turn 1's prefix" "$U" '"cache_read_input_tokens":1500'
check_contains "anthropic: and writes only what is new" "$U" '"cache_creation_input_tokens":3,'

FIVE=$(t_py -c 'import json; print(json.dumps([{"role":"user","content":[{"type":"text","text":"x%d" % i,"cache_control":{"type":"ephemeral"}}]} for i in range(5)]))')
U=$(post anthropic /v1/messages "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":10,\"messages\":$FIVE}")
check_contains "anthropic: a fifth breakpoint is refused" "$U" 'A maximum of 4 blocks with cache_control'

# OpenAI: automatic from 1024 tokens, in 128-token steps, no write charge.
O1="{\"model\":\"gpt-5.4\",\"messages\":[{\"role\":\"system\",\"content\":\"$BIG\"},$(msg 'first')]}"
U=$(post openai /v1/chat/completions "$O1")
check_contains "openai: first request reads nothing" "$U" '"cached_tokens":0'
O2="{\"model\":\"gpt-5.4\",\"messages\":[{\"role\":\"system\",\"content\":\"$BIG\"},$(msg 'second')]}"
U=$(post openai /v1/chat/completions "$O2")
check_contains "openai: common prefix read in 128-token steps" "$U" '"cached_tokens":1408'
check_not_contains "openai: no write count" "$U" 'cache_write_tokens'
U=$(post openai /v1/chat/completions "{\"model\":\"gpt-5.4\",\"messages\":[$(msg 'short one')]}")
U=$(post openai /v1/chat/completions "{\"model\":\"gpt-5.4\",\"messages\":[$(msg 'short two')]}")
check_contains "openai: under 1024 tokens nothing is cached" "$U" '"cached_tokens":0'

fake_reply '{"variant":"deepseek"}'
U=$(post openai /v1/chat/completions "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"system\",\"content\":\"$BIG\"},$(msg 'a')]}")
fake_reply '{"variant":"deepseek"}'
U=$(post openai /v1/chat/completions "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"system\",\"content\":\"$BIG\"},$(msg 'b')]}")
check_contains "deepseek: hits in 64-token steps" "$U" '"prompt_cache_hit_tokens":1472'

# Gemini: implicit, from the model's minimum (2048 on 2.5 Flash).
G="{\"systemInstruction\":{\"parts\":[{\"text\":\"$BIG$BIG\"}]},\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"one\"}]}]}"
U=$(post gemini /v1beta/models/gemini-2.5-flash:generateContent "$G")
check_not_contains "gemini: first request reads nothing" "$U" 'cachedContentTokenCount'
G2="{\"systemInstruction\":{\"parts\":[{\"text\":\"$BIG$BIG\"}]},\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"two\"}]}]}"
U=$(post gemini /v1beta/models/gemini-2.5-flash:generateContent "$G2")
check_contains "gemini: the common prefix is read" "$U" '"cachedContentTokenCount":3000'
U=$(post gemini /v1beta/models/gemini-3.1-pro-preview:generateContent "$G")
U=$(post gemini /v1beta/models/gemini-3.1-pro-preview:generateContent "$G2")
check_not_contains "gemini: under 3.1 Pro's minimum (4096) nothing" "$U" 'cachedContentTokenCount'

# Off (the default): explicit figures only.
fake_cache '{"on":false}'
U=$(messages claude-sonnet-4-6 "$SYS" 'question two')
check_contains "off: nothing cached" "$U" '"cache_creation_input_tokens":0,"cache_read_input_tokens":0'
