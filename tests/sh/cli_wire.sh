# The one-shot CLI against each wire format: the exact request, the streamed
# text on stdout, and --json's usage equal to what the server reported.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# ask_json NAME MODEL PATH REPLY: ask MODEL, with a system prompt, for --json
# (kept in $T/NAME.json), the fake answering REPLY; it must exit 0 having
# posted to PATH.
ask_json() {
	fake_reply "$4"
	run_llm -m "$2" --json -s "be brief" "say hi"
	printf '%s\n' "$OUT" >"$T/$1.json"
	check_rc "$1: exit 0" 0
	check_eq "$1: path" "$(fake_last path)" "$3"
}

# check_reply NAME TEXT INPUT CACHED OUTPUT: the text and the tokens in
# $T/NAME.json.
check_reply() {
	check_eq "$1: text" "$(json_get "$T/$1.json" text)" "$2"
	check_eq "$1: input tokens" "$(json_get "$T/$1.json" usage.input_tokens)" "$3"
	check_eq "$1: cached tokens" "$(json_get "$T/$1.json" usage.cached_input_tokens)" "$4"
	check_eq "$1: output tokens" "$(json_get "$T/$1.json" usage.output_tokens)" "$5"
}

# OpenAI Chat Completions (cached tokens are inside prompt_tokens on the wire)
fake_reply '{"text":"Hello from OpenAI.","usage":{"input":120,"output":7,"cached":20,"reasoning":3}}'
run_llm -q -m test-cheap -s "be brief" "say hi"
check_rc "openai: exit 0" 0
check_eq "openai: stdout is the streamed text" "$OUT" "Hello from OpenAI."
check_eq "openai: POST" "$(fake_last method)" POST
check_eq "openai: path" "$(fake_last path)" /v1/chat/completions
check_eq "openai: auth header" "$(fake_last headers.authorization)" "Bearer sk-test-openai-0001"
check_eq "openai: model id" "$(fake_last body.model)" test-cheap-1
check_eq "openai: system first" "$(fake_last body.messages.0)" '{"role":"system","content":"be brief"}'
check_eq "openai: user message" "$(fake_last body.messages.1)" '{"role":"user","content":"say hi"}'
check_eq "openai: stream" "$(fake_last body.stream)" true
check_eq "openai: include_usage" "$(fake_last body.stream_options)" '{"include_usage":true}'
fake_reply '{"text":"Hello from OpenAI.","usage":{"input":120,"output":7,"cached":20,"reasoning":3}}'
run_llm -m test-cheap --json "say hi"
printf '%s\n' "$OUT" >"$T/o.json"
check_rc "openai --json: exit 0" 0
check_eq "openai --json: text" "$(json_get "$T/o.json" text)" "Hello from OpenAI."
check_eq "openai --json: input tokens exclude cached" "$(json_get "$T/o.json" usage.input_tokens)" 100
check_eq "openai --json: cached tokens apart" "$(json_get "$T/o.json" usage.cached_input_tokens)" 20
check_eq "openai --json: output tokens" "$(json_get "$T/o.json" usage.output_tokens)" 7
check_eq "openai --json: reasoning within output" "$(json_get "$T/o.json" usage.reasoning_tokens)" 3
check_eq "openai --json: not estimated" "$(json_get "$T/o.json" usage.estimated)" false
# 100 * 0.10 + 20 * 0.025 + 7 * 0.40 dollars per million = 13.3 micro-dollars
check_contains "openai --json: exact cost" "$(cat "$T/o.json")" '"cost_usd":0.0000133,'
check_eq "openai --json: provider" "$(json_get "$T/o.json" provider)" openai
check_eq "openai --json: route mode" "$(json_get "$T/o.json" route.mode)" pinned

# Anthropic Messages (cache buckets apart from input_tokens; output_tokens is
# cumulative, the last value counts)
ask_json anthropic test-mid /v1/messages \
    '{"text":"Hello from Anthropic.","usage":{"input":50,"output":9,"cached":400,"cache_write":10}}'
check_eq "anthropic: x-api-key" "$(fake_last headers.x-api-key)" sk-ant-test-0002
check_eq "anthropic: version header" "$(fake_last headers.anthropic-version)" 2023-06-01
check_eq "anthropic: system top-level" "$(fake_last body.system)" "be brief"
check_eq "anthropic: messages" "$(fake_last body.messages)" '[{"role":"user","content":"say hi"}]'
check "anthropic: max_tokens sent" fake_last body.max_tokens
check_reply anthropic "Hello from Anthropic." 60 400 9
check_eq "anthropic: cache writes" "$(json_get "$T/anthropic.json" usage.cache_write_tokens)" 10

# Gemini (thoughts outside candidates, counted in output; cached inside prompt,
# taken out of input)
ask_json gemini test-frontier /v1beta/models/test-frontier-1:streamGenerateContent \
    '{"text":"Hello from Gemini.","usage":{"input":80,"output":6,"cached":30,"reasoning":4}}'
check_eq "gemini: alt=sse" "$(fake_last query.alt)" sse
check_eq "gemini: key header" "$(fake_last headers.x-goog-api-key)" gm-test-0003
check_eq "gemini: system instruction" "$(fake_last body.systemInstruction)" '{"parts":[{"text":"be brief"}]}'
check_eq "gemini: contents" "$(fake_last body.contents)" '[{"role":"user","parts":[{"text":"say hi"}]}]'
check_reply gemini "Hello from Gemini." 50 30 10

# Ollama (NDJSON, no key)
ask_json ollama test-local /api/chat '{"text":"Hello from Ollama.","usage":{"input":33,"output":5}}'
check_eq "ollama: no auth header" "$(fake_last headers.authorization 2>/dev/null || echo none)" none
check_eq "ollama: messages" "$(fake_last body.messages)" '[{"role":"system","content":"be brief"},{"role":"user","content":"say hi"}]'
check_reply ollama "Hello from Ollama." 33 0 5
# a whole amount is written as llm route, budget and logs write it: 0, not 0.0
check_eq "ollama: free" "$(json_get "$T/ollama.json" cost_usd)" 0

# no usage from the server: estimated, and marked so
fake_reply '{"text":"No usage here.","usage":null}'
run_llm -m test-cheap --json "say hi"
printf '%s\n' "$OUT" >"$T/n.json"
check_eq "no usage: estimated" "$(json_get "$T/n.json" usage.estimated)" true
check_eq "no usage: include_usage still asked" "$(fake_last body.stream_options.include_usage)" true
fake_reply '{"text":"No usage here.","usage":null}'
run_llm -v -m test-cheap "say hi"
check_contains "no usage: summary marks the estimate" "$ERR" "~\$"
check_contains "no usage: summary marks the token counts" "$ERR" "test-cheap · ~"
# llm logs marks the same figures, as the client and llm logs show do
run_llm logs -n 1
check_contains "no usage: llm logs marks the token counts" "$OUT" "cheap · test-cheap · ~"
check_contains "no usage: llm logs marks the cost" "$OUT" "tok · ~\$"
run_llm logs -n 1 --json
check_eq "no usage: llm logs --json says estimated" \
    "$(json_get "$T/out" conversations.0.messages.1.usage.estimated)" true
fake_reply '{"text":"With usage.","usage":{"input":20,"output":3}}'
run_llm -v -m test-cheap "say hi"
check_contains "usage reported: summary unmarked" "$ERR" "test-cheap · 20→3 tok · \$"
run_llm logs -n 1
check_contains "usage reported: llm logs unmarked" "$OUT" "cheap · test-cheap · 20→3 tok · \$"
run_llm logs -n 1 --json
check_eq "usage reported: llm logs --json says not estimated" \
    "$(json_get "$T/out" conversations.0.messages.1.usage.estimated)" false

# --no-stream asks for a whole reply
fake_reply '{"text":"Whole answer."}'
run_llm -q -m test-cheap --no-stream "say hi"
check_eq "no-stream: stream false sent" "$(fake_last body.stream)" false
check_eq "no-stream: answer" "$OUT" "Whole answer."
fake_reply '{"text":"Whole answer from Anthropic."}'
run_llm -q -m test-mid --no-stream "say hi"
check_eq "no-stream anthropic: answer" "$OUT" "Whole answer from Anthropic."
fake_reply '{"text":"Whole answer from Gemini."}'
run_llm -q -m test-frontier --no-stream "say hi"
check_eq "no-stream gemini: path" "$(fake_last path)" /v1beta/models/test-frontier-1:generateContent
check_eq "no-stream gemini: answer" "$OUT" "Whole answer from Gemini."
fake_reply '{"text":"Whole answer from Ollama."}'
run_llm -q -m test-local --no-stream "say hi"
check_eq "no-stream ollama: answer" "$OUT" "Whole answer from Ollama."

# --max-tokens reaches the wire in each format's own field: name, model, then
# the field (OpenAI's has a second name, which the model's entry chooses)
for row in "openai test-cheap max_tokens max_completion_tokens" \
    "anthropic test-mid max_tokens" \
    "gemini test-frontier generationConfig.maxOutputTokens" \
    "ollama test-local options.num_predict"; do
	# shellcheck disable=SC2086 # the row is split into its fields
	set -- $row
	fake_reply '{"text":"ok"}'
	run_llm -q -m "$2" --max-tokens 77 "x"
	check_eq "max-tokens: $1" "$(fake_last "body.$3" || fake_last "body.${4:-$3}")" 77
done

# A cap above what the model can write is sent as the model's most (a provider refuses more
# with HTTP 400), from --max-tokens or from the config; the worst case counts that cap.
t_config_append "$(t_model test-short openai test-short-1 cheap 1 2 'max_output = 1000')"
fake_reply '{"text":"ok"}'
run_llm -q -m test-short --max-tokens 5000 "x"
check_rc "max-tokens above max_output: exit 0" 0
check_eq "max-tokens above max_output: the model's most sent" "$(fake_last body.max_tokens)" 1000
fake_reply '{"text":"ok"}'
run_llm -q -m test-short --max-tokens 500 "x"
check_eq "max-tokens below max_output: sent as given" "$(fake_last body.max_tokens)" 500
run_llm route -m test-short --max-tokens 5000 --json "x"
check_eq "max-tokens above max_output: route's reply cap" "$(json_get "$T/out" reply_cap_tokens)" 1000
sed -i 's/^budget = 0$/budget = 0\nmax_tokens = 9000/' "$LLM_CONFIG_DIR/config.ini"
fake_reply '{"text":"ok"}'
run_llm -q -m test-short "x"
check_eq "config max_tokens above max_output: the model's most sent" "$(fake_last body.max_tokens)" 1000
sed -i '/^max_tokens = 9000$/d' "$LLM_CONFIG_DIR/config.ini"

# a provider/model-id pin not in the catalog: sent as is, price unknown
fake_reply '{"text":"ad hoc"}'
run_llm -m openai/some-new-model --json "x"
printf '%s\n' "$OUT" >"$T/h.json"
check_eq "adhoc pin: model id on the wire" "$(fake_last body.model)" some-new-model
check_eq "adhoc pin: cost unknown, not zero" "$(json_get "$T/h.json" cost_usd)" null

# A NUL in a reply (\u0000 in the stream) is shown as U+FFFD, and the text after it is kept,
# on every wire format.
for m in test-cheap test-mid test-frontier test-local; do
	fake_reply '{"text":"H\u0000nul and the rest"}'
	run_llm -q -m "$m" "x"
	check_eq "$m: the text after a NUL is kept" "$OUT" "H$(printf '\357\277\275')nul and the rest"
done
