# A provider account out of credit (HTTP 402, or a quota error by name): never
# retried, never handed to a dearer tier, said with what to do and exit 4; a
# model of the same tier on another provider still takes the request.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# DeepSeek's 402: a body whose code says invalid_request_error; the status decides
fake_reply '{"status":402,"message":"Insufficient Balance"}'
fake_default '{"text":"should not be asked"}'
run_llm -q -m test-cheap "hi"
check_rc "402: exit 4" 4
check_eq "402: one request, no retry" "$(fake_count)" 1
check_contains "402: says the account is out of credit" "$ERR" \
    "openai: the account is out of credit (HTTP 402: Insufficient Balance"
check_contains "402: says to top up at the provider" "$ERR" "top up at openai"
check_not_contains "402: no retry noted" "$ERR" "retrying"
check_eq "402: the failed request is in the ledger" \
    "$(t_ledger_sql "SELECT status FROM usage ORDER BY id DESC LIMIT 1")" error

# OpenRouter's 402: error.code is the number alone
fake_reset
fake_reply '{"status":402,"variant":"openrouter","message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits"}'
fake_default '{"text":"should not be asked"}'
run_llm -q -m test-cheap "hi"
check_rc "402 OpenRouter body: exit 4" 4
check_eq "402 OpenRouter body: one request" "$(fake_count)" 1
check_contains "402 OpenRouter body: provider's text kept" "$ERR" "Insufficient credits"

# a 402 whose body calls itself a server error (api_error, a proxy's) is
# still out of credit, not a busy server
fake_reset
fake_reply '{"status":402,"message":"Your credit balance is too low"}'
fake_default '{"text":"should not be asked"}'
run_llm -q -m test-mid "hi"
check_rc "402 as api_error: exit 4" 4
check_eq "402 as api_error: one request, no retry" "$(fake_count)" 1
check_contains "402 as api_error: top up at anthropic" "$ERR" "top up at anthropic"

# Anthropic's: HTTP 400 invalid_request_error, told apart by its message alone
fake_reset
fake_reply '{"status":400,"message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}'
fake_default '{"text":"should not be asked"}'
run_llm -q -m test-mid "hi"
check_rc "Anthropic 400 credit: exit 4" 4
check_eq "Anthropic 400 credit: one request, no retry" "$(fake_count)" 1
check_contains "Anthropic 400 credit: says the account is out of credit" "$ERR" \
    "anthropic: the account is out of credit (HTTP 400: Your credit balance is too low"
check_contains "Anthropic 400 credit: top up at anthropic" "$ERR" "top up at anthropic"
# any other 400 is still a request to fix
fake_reset
fake_reply '{"status":400,"message":"messages: roles must alternate"}'
run_llm -q -m test-mid "hi"
check_not_contains "Anthropic 400 otherwise: not out of credit" "$ERR" "out of credit"
check "Anthropic 400 otherwise: not exit 4" test "$RC" -ne 4

# a quota error event in a 200 reply is the same fault
fake_reset
fake_reply '{"chunks":[],"fault":"error_event","error_type":"insufficient_quota"}'
fake_default '{"text":"should not be asked"}'
run_llm -q -m test-cheap "hi"
check_rc "quota error event: exit 4" 4
check_eq "quota error event: one request" "$(fake_count)" 1
check_contains "quota error event: says so" "$ERR" "out of credit (in the reply"

# OpenAI's 429 insufficient_quota is the same: billing, not rate
fake_reset
fake_reply '{"status":429,"code":"insufficient_quota","message":"You exceeded your current quota"}'
fake_default '{"text":"should not be asked"}'
run_llm -q -m test-cheap "hi"
check_rc "insufficient_quota: exit 4" 4
check_eq "insufficient_quota: one request" "$(fake_count)" 1
check_contains "insufficient_quota: top up" "$ERR" "top up at openai"

# routed, and the tier has no other provider: no dearer tier is tried
fake_reset
fake_reply '{"status":402,"message":"Insufficient Balance"}'
fake_default '{"text":"from a dearer tier"}'
t_config_append "[tier.cheap]
models = test-cheap"
run_llm -q -t cheap "hi"
check_rc "402, no other provider: exit 4" 4
check_eq "402, no other provider: one request" "$(fake_count)" 1
check_eq "402, no other provider: nothing from another tier" "$OUT" ""
check_eq "402, no other provider: the model asked" "$(fake_last body.model)" test-cheap-1

# a second model of the tier on the same provider is passed over (the same
# account), and one on another provider answers; both requests in the ledger
t_write_config
fake_reset
t_config_append "$(t_model test-cheap-same openai test-cheap-same cheap 0.10 0.40)
$(t_model test-cheap-other anthropic test-cheap-other cheap 0.20 0.80)
[tier.cheap]
models = test-cheap, test-cheap-same, test-cheap-other"
t_ledger_reset
fake_reply '{"status":402,"message":"Insufficient Balance"}'
fake_default '{"text":"from another provider"}'
run_llm -t cheap "hi"
check_rc "402, fallback: exit 0" 0
check_eq "402, fallback: the answer" "$OUT" "from another provider"
check_eq "402, fallback: two requests" "$(fake_count)" 2
check_eq "402, fallback: the other provider's model" "$(fake_last body.model)" test-cheap-other
check_contains "402, fallback: said" "$ERR" "fallback: test-cheap failed (out of credit); trying test-cheap-other"
check_eq "402, fallback: two ledger rows" \
    "$(t_ledger_sql "SELECT group_concat(status, ',') FROM (SELECT status FROM usage ORDER BY id)")" error,ok

# Anthropic's 400 out of credit: the same tier's model on another provider answers
t_write_config
fake_reset
t_config_append "$(t_model test-cheap-other anthropic test-cheap-other cheap 0.20 0.80)
[tier.cheap]
models = test-cheap-other, test-cheap"
t_ledger_reset
fake_reply '{"status":400,"message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}'
fake_default '{"text":"from another provider"}'
run_llm -t cheap "hi"
check_rc "Anthropic 400 credit, fallback: exit 0" 0
check_eq "Anthropic 400 credit, fallback: the answer" "$OUT" "from another provider"
check_eq "Anthropic 400 credit, fallback: two requests" "$(fake_count)" 2
check_eq "Anthropic 400 credit, fallback: the other provider's model" "$(fake_last body.model)" test-cheap-1
check_contains "Anthropic 400 credit, fallback: said" "$ERR" \
    "fallback: test-cheap-other failed (out of credit); trying test-cheap"
