# The one-shot CLI against each wire format: the exact request, the streamed
# text on stdout, and --json's usage equal to what the server reported.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

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

# Anthropic Messages (cache buckets apart from input_tokens)
fake_reply '{"text":"Hello from Anthropic.","usage":{"input":50,"output":9,"cached":400,"cache_write":10}}'
run_llm -m test-mid --json -s "be brief" "say hi"
printf '%s\n' "$OUT" >"$T/a.json"
check_rc "anthropic: exit 0" 0
check_eq "anthropic: path" "$(fake_last path)" /v1/messages
check_eq "anthropic: x-api-key" "$(fake_last headers.x-api-key)" sk-ant-test-0002
check_eq "anthropic: version header" "$(fake_last headers.anthropic-version)" 2023-06-01
check_eq "anthropic: system top-level" "$(fake_last body.system)" "be brief"
check_eq "anthropic: messages" "$(fake_last body.messages)" '[{"role":"user","content":"say hi"}]'
check "anthropic: max_tokens sent" fake_last body.max_tokens
check_eq "anthropic: text" "$(json_get "$T/a.json" text)" "Hello from Anthropic."
check_eq "anthropic: input tokens" "$(json_get "$T/a.json" usage.input_tokens)" 60
check_eq "anthropic: cached tokens" "$(json_get "$T/a.json" usage.cached_input_tokens)" 400
check_eq "anthropic: cache writes" "$(json_get "$T/a.json" usage.cache_write_tokens)" 10
check_eq "anthropic: output tokens (last cumulative value)" "$(json_get "$T/a.json" usage.output_tokens)" 9

# Gemini (thoughts outside candidates; cached inside prompt)
fake_reply '{"text":"Hello from Gemini.","usage":{"input":80,"output":6,"cached":30,"reasoning":4}}'
run_llm -m test-frontier --json -s "be brief" "say hi"
printf '%s\n' "$OUT" >"$T/g.json"
check_rc "gemini: exit 0" 0
check_eq "gemini: path" "$(fake_last path)" /v1beta/models/test-frontier-1:streamGenerateContent
check_eq "gemini: alt=sse" "$(fake_last query.alt)" sse
check_eq "gemini: key header" "$(fake_last headers.x-goog-api-key)" gm-test-0003
check_eq "gemini: system instruction" "$(fake_last body.systemInstruction)" '{"parts":[{"text":"be brief"}]}'
check_eq "gemini: contents" "$(fake_last body.contents)" '[{"role":"user","parts":[{"text":"say hi"}]}]'
check_eq "gemini: text" "$(json_get "$T/g.json" text)" "Hello from Gemini."
check_eq "gemini: input excludes cached" "$(json_get "$T/g.json" usage.input_tokens)" 50
check_eq "gemini: cached" "$(json_get "$T/g.json" usage.cached_input_tokens)" 30
check_eq "gemini: output counts thoughts" "$(json_get "$T/g.json" usage.output_tokens)" 10

# Ollama (NDJSON, no key)
fake_reply '{"text":"Hello from Ollama.","usage":{"input":33,"output":5}}'
run_llm -m test-local --json -s "be brief" "say hi"
printf '%s\n' "$OUT" >"$T/l.json"
check_rc "ollama: exit 0" 0
check_eq "ollama: path" "$(fake_last path)" /api/chat
check_eq "ollama: no auth header" "$(fake_last headers.authorization 2>/dev/null || echo none)" none
check_eq "ollama: messages" "$(fake_last body.messages)" '[{"role":"system","content":"be brief"},{"role":"user","content":"say hi"}]'
check_eq "ollama: text" "$(json_get "$T/l.json" text)" "Hello from Ollama."
check_eq "ollama: input" "$(json_get "$T/l.json" usage.input_tokens)" 33
check_eq "ollama: output" "$(json_get "$T/l.json" usage.output_tokens)" 5
check_eq "ollama: free" "$(json_get "$T/l.json" cost_usd)" 0.0

# no usage from the server: estimated, and marked so
fake_reply '{"text":"No usage here.","usage":null}'
run_llm -m test-cheap --json "say hi"
printf '%s\n' "$OUT" >"$T/n.json"
check_eq "no usage: estimated" "$(json_get "$T/n.json" usage.estimated)" true
check_eq "no usage: include_usage still asked" "$(fake_last body.stream_options.include_usage)" true
fake_reply '{"text":"No usage here.","usage":null}'
run_llm -v -m test-cheap "say hi"
check_contains "no usage: summary marks the estimate" "$ERR" "~\$"

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

# --max-tokens reaches the wire in each format's own field
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap --max-tokens 77 "x"
check_eq "max-tokens: openai" "$(fake_last body.max_tokens || fake_last body.max_completion_tokens)" 77
fake_reply '{"text":"ok"}'
run_llm -q -m test-mid --max-tokens 77 "x"
check_eq "max-tokens: anthropic" "$(fake_last body.max_tokens)" 77
fake_reply '{"text":"ok"}'
run_llm -q -m test-frontier --max-tokens 77 "x"
check_eq "max-tokens: gemini" "$(fake_last body.generationConfig.maxOutputTokens)" 77
fake_reply '{"text":"ok"}'
run_llm -q -m test-local --max-tokens 77 "x"
check_eq "max-tokens: ollama" "$(fake_last body.options.num_predict)" 77

# a provider/model-id pin not in the catalog: sent as is, price unknown
fake_reply '{"text":"ad hoc"}'
run_llm -m openai/some-new-model --json "x"
printf '%s\n' "$OUT" >"$T/h.json"
check_eq "adhoc pin: model id on the wire" "$(fake_last body.model)" some-new-model
check_eq "adhoc pin: cost unknown, not zero" "$(json_get "$T/h.json" cost_usd)" null
