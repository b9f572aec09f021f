# Escalation (a refusal, an empty or cut-off answer re-asked one tier up, once)
# and fallback (a failing model hands over to the next of its tier), each shown
# in --json with both steps and both costs.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
sed -i 's/^escalate = no/escalate = yes/' "$LLM_CONFIG_DIR/config.ini"

# a refusal on cheap is re-asked on mid
fake_reply '{"text":"I'"'"'m sorry, but I can'"'"'t help with that.","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Here is how it works.","usage":{"input":100,"output":20}}'
run_llm -t cheap --json "explain the thing"
printf '%s\n' "$OUT" >"$T/e.json"
check_rc "refusal: exit 0" 0
check_eq "refusal: two requests" "$(fake_count)" 2
check_eq "refusal: first to cheap" "$(fake_get 0 body.model)" test-cheap-1
check_eq "refusal: then mid" "$(fake_get 1 body.model)" test-mid-1
check_eq "refusal: answer is mid's" "$(json_get "$T/e.json" text)" "Here is how it works."
check_eq "refusal: final tier" "$(json_get "$T/e.json" tier)" mid
check_eq "refusal: step 1 why" "$(json_get "$T/e.json" steps.0.why)" routed
check_eq "refusal: step 2 why" "$(json_get "$T/e.json" steps.1.why)" "escalated: refusal"
# cheap 100*0.10 + 10*0.40 = 14 micro$; mid 100*3 + 20*15 = 600 micro$
check_contains "refusal: step 1 cost" "$OUT" '"cost_usd":0.000014}'
check_contains "refusal: step 2 cost" "$OUT" '"cost_usd":0.0006}'
check_contains "refusal: both charged" "$OUT" '"cost_usd":0.000614,'
n=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from usage where status='ok'")
check_eq "refusal: two ledger rows" "$n" 2

# streamed to a pipe: the refusal was held back, only the escalated answer is on stdout
fake_reset
fake_reply '{"text":"I cannot help with that request.","usage":{"input":10,"output":5}}'
fake_reply '{"text":"The real answer.","usage":{"input":10,"output":5}}'
run_llm -t cheap "explain the thing"
check_eq "streamed refusal: stdout has only the answer" "$OUT" "The real answer."
check_contains "streamed refusal: escalation said on stderr" "$ERR" "escalated: refusal"

# an answer cut off by the length limit, not streamed to stdout: re-asked one tier up
fake_reset
fake_reply '{"text":"The answer starts and then","stop":"length"}'
fake_reply '{"text":"The whole answer."}'
run_llm -t cheap --json "explain"
printf '%s\n' "$OUT" >"$T/l.json"
check_eq "cut off: escalated" "$(json_get "$T/l.json" steps.1.why)" "escalated: cut off"
check_eq "cut off: answer" "$(json_get "$T/l.json" text)" "The whole answer."

# only once: a refusal on mid is not re-asked again
fake_reset
fake_reply '{"text":"I cannot do that."}'
fake_reply '{"text":"I cannot do that, either."}'
fake_reply '{"text":"never asked"}'
run_llm -t cheap --json "x"
check_eq "once: two requests only" "$(fake_count)" 2

# a pinned model is never escalated
fake_reset
fake_reply '{"text":"I cannot do that."}'
run_llm -m test-cheap --json "x"
check_eq "pinned: not escalated" "$(fake_count)" 1

# escalate = no: the refusal stands
sed -i 's/^escalate = yes/escalate = no/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"text":"I cannot do that."}'
run_llm -t cheap --json "x"
check_eq "escalate off: one request" "$(fake_count)" 1

# fallback: the first cheap model fails three times, the next cheap model answers
fake_reset
fake_reply '[{"status":503,"retry_after_ms":"5"},{"status":503,"retry_after_ms":"5"},{"status":503,"retry_after_ms":"5"}]'
fake_reply '{"text":"from the local model","usage":{"input":10,"output":4}}'
run_llm -t cheap --json "x"
printf '%s\n' "$OUT" >"$T/f.json"
check_rc "fallback: exit 0" 0
check_eq "fallback: 3 tries then the next model" "$(fake_count)" 4
check_eq "fallback: next model of the tier" "$(fake_get 3 body.model)" llama3.2
check_eq "fallback: answer" "$(json_get "$T/f.json" text)" "from the local model"
check_eq "fallback: step 2 why" "$(json_get "$T/f.json" steps.1.why)" "fallback: HTTP 503"
check_eq "fallback: step 1 model" "$(json_get "$T/f.json" steps.0.model)" test-cheap
check_eq "fallback: step 2 model" "$(json_get "$T/f.json" steps.1.model)" test-local
check_eq "fallback: stays in its tier" "$(json_get "$T/f.json" tier)" cheap
n=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from usage where status='error'")
check_eq "fallback: the failed request is in the ledger" "$n" 1

# fallback after a refusal that is not retried (a model id the server does not
# know): the server's words and the fix are said before the next model answers
fake_reset
fake_reply '{"status":404,"message":"The model test-cheap-1 does not exist"}'
fake_reply '{"text":"from the local model"}'
run_llm -t cheap -q "x"
check_rc "fallback after 404: exit 0" 0
check_eq "fallback after 404: the next model answers" "$OUT" "from the local model"
check_contains "fallback after 404: the server's words" "$ERR" \
    "model test-cheap-1 not found (HTTP 404: The model test-cheap-1 does not exist"
check_contains "fallback after 404: the fix" "$ERR" "check the id in [model.test-cheap]"
check_contains "fallback after 404: then the fallback" "$ERR" \
    "fallback: test-cheap failed (HTTP 404); trying test-local"

# fallback never goes to a dearer tier: mid has one model, so its failure is final
fake_reset
fake_reply '[{"status":500,"retry_after_ms":"5"},{"status":500,"retry_after_ms":"5"},{"status":500,"retry_after_ms":"5"}]'
run_llm -t mid -q "x"
check_rc "no dearer fallback: exit 1" 1
check_eq "no dearer fallback: 3 requests" "$(fake_count)" 3

# --no-stream shows nothing before the reply is complete: a cut-off answer is
# escalated exactly as under --json, and only the final answer is printed.
sed -i 's/^escalate = no/escalate = yes/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"text":"The answer starts and then","stop":"length"}'
fake_reply '{"text":"The whole answer."}'
run_llm -t cheap --no-stream "explain"
check_rc "no-stream cut off: exit 0" 0
check_eq "no-stream cut off: escalated" "$(fake_count)" 2
check_eq "no-stream cut off: only the final answer" "$OUT" "The whole answer."
check_contains "no-stream cut off: escalation said" "$ERR" "escalated: cut off"

# the same rule for a refusal not streamed
fake_reset
fake_reply '{"text":"The first part of a long answer that reads fine","stop":"length"}'
fake_reply '{"text":"Complete."}'
run_llm -t cheap --no-stream -q "explain"
check_eq "no-stream cut off (plain opening): escalated" "$(fake_count)" 2
check_eq "no-stream cut off (plain opening): answer" "$OUT" "Complete."

# the summary line charges both requests, as the full-screen client's total does
fake_reset
fake_reply '{"text":"The answer starts and then","stop":"length","usage":{"input":100,"output":10}}'
fake_reply '{"text":"The whole answer.","usage":{"input":100,"output":20}}'
run_llm -t cheap --no-stream -v "explain"
check_contains "no-stream cut off: both charged on the summary" "$ERR" "mid · test-mid · 200→30 tok · \$0.000614 (2 requests)"

# streamed to stdout, a cut-off answer is already out and cannot be taken back:
# it stands, marked on the summary line, and nothing more is asked
fake_reset
fake_reply '{"text":"The answer starts and then","stop":"length"}'
fake_reply '{"text":"never asked"}'
run_llm -t cheap -v "explain"
check_rc "streamed cut off: exit 0" 0
check_eq "streamed cut off: not escalated" "$(fake_count)" 1
check_eq "streamed cut off: stdout keeps what streamed" "$OUT" "The answer starts and then"
check_not_contains "streamed cut off: no escalation said" "$ERR" "escalated"
check_contains "streamed cut off: marked" "$ERR" "cut off at the length limit"
# nor a refusal that did not open like one, so was streamed before it read as one
fake_reset
fake_reply '{"text":"Well, I cannot help with that one."}'
fake_reply '{"text":"never asked"}'
run_llm -t cheap "explain"
check_eq "streamed refusal shown: not escalated" "$(fake_count)" 1
check_eq "streamed refusal shown: stdout keeps it" "$OUT" "Well, I cannot help with that one."

# an answer the provider says ended, but inside a code fence it never closed,
# is cut off in effect: not streamed, it is re-asked one tier up
fake_reset
fake_reply '{"text":"Run this:\n```sh\nmake &&","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Run make.","usage":{"input":100,"output":20}}'
run_llm -t cheap --json "how do I build"
printf '%s\n' "$OUT" >"$T/fence.json"
check_eq "open fence: escalated" "$(fake_count)" 2
check_eq "open fence: why" "$(json_get "$T/fence.json" steps.1.why)" "escalated: cut off in a code block"
check_eq "open fence: answer" "$(json_get "$T/fence.json" text)" "Run make."
check_contains "open fence: both charged" "$OUT" '"cost_usd":0.000614,'
fake_reset
fake_reply '{"text":"Run this:\n```sh\nmake\n```\nDone."}'
fake_reply '{"text":"never asked"}'
run_llm -t cheap --no-stream "how do I build"
check_eq "closed fence: not escalated" "$(fake_count)" 1
fake_reset
fake_reply '{"text":"Use ``` to open a block, then close it."}'
fake_reply '{"text":"never asked"}'
run_llm -t cheap --no-stream "how do I build"
check_eq "inline backticks: not escalated" "$(fake_count)" 1
# streamed, the open fence is out already and stands
fake_reset
fake_reply '{"text":"Run this:\n```sh\nmake &&"}'
fake_reply '{"text":"never asked"}'
run_llm -t cheap "how do I build"
check_eq "streamed open fence: not escalated" "$(fake_count)" 1

# finish in --json, and a mark on the summary line, for an answer left cut off
sed -i 's/^escalate = yes/escalate = no/' "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"text":"cut here","stop":"length"}'
run_llm -t cheap --json "explain"
printf '%s\n' "$OUT" >"$T/fin.json"
check_eq "finish: length" "$(json_get "$T/fin.json" finish)" length
fake_reply '{"text":"all of it"}'
run_llm -t cheap --json "explain"
printf '%s\n' "$OUT" >"$T/fin.json"
check_eq "finish: stop" "$(json_get "$T/fin.json" finish)" stop
fake_reply '{"text":"blocked","stop":"filter"}'
run_llm -t cheap --json "explain"
printf '%s\n' "$OUT" >"$T/fin.json"
check_eq "finish: filter" "$(json_get "$T/fin.json" finish)" filter
fake_reply '{"text":"some text first","fault":"error_event","error_type":"context_length_exceeded"}'
run_llm -m test-cheap --json "explain"
printf '%s\n' "$OUT" >"$T/fin.json"
check_eq "finish: error" "$(json_get "$T/fin.json" finish)" error
fake_reply '{"text":"cut here","stop":"length"}'
run_llm -t cheap -v "explain"
check_contains "summary: a cut-off answer is marked" "$ERR" "cut off at the length limit"
fake_reply '{"text":"all of it"}'
run_llm -t cheap -v "explain"
check_not_contains "summary: a whole answer is not marked" "$ERR" "cut off"
# With no summary line (stderr not a terminal, or -q), a script is told all the same.
fake_reply '{"text":"cut here","stop":"length"}'
run_llm -t cheap "explain"
check_rc "cut off, no terminal: exit 0" 0
check_eq "cut off, no terminal: the part on stdout" "$OUT" "cut here"
check_eq "cut off, no terminal: said on stderr" "$ERR" \
    "llm: the answer was cut off at the length limit (raise --max-tokens)"
fake_reply '{"text":"","stop":"filter"}'
run_llm -q -t cheap "explain"
check_eq "filtered, -q: said on stderr" "$ERR" "llm: the answer was stopped by the provider's filter"
fake_reply '{"text":"all of it"}'
run_llm -t cheap "explain"
check_eq "a whole answer: nothing on stderr" "$ERR" ""
