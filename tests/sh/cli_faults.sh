# Failures of the one-shot CLI: each exit code documented in llm(1), a cause on
# stderr that says what to do, partial text kept, and retries that honour
# Retry-After and stop after three tries.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# stream_fault NAME REPLY WHAT WANT: test-cheap answers with the fault REPLY;
# llm exits 1 and says WANT on stderr (checked as "NAME: WHAT").
stream_fault() {
	fake_reply "$2"
	run_llm -q -m test-cheap "hi"
	check_rc "$1: exit 1" 1
	check_contains "$1: $3" "$ERR" "$4"
}

# a missing key: exit 4, naming the variable and the keyring command
unset OPENAI_API_KEY
run_llm -q -m test-cheap "hi"
check_rc "missing key: exit 4" 4
check_contains "missing key: names the variable" "$ERR" OPENAI_API_KEY
check_contains "missing key: names llm keys set" "$ERR" "llm keys set openai"
check_eq "missing key: nothing sent" "$(fake_count)" 0
export OPENAI_API_KEY=sk-test-openai-0001

# a routed tier with no key at all: how to give one for its first model, and
# which of its other providers would do as well
t_config_append "$(t_model test-mid2 gemini test-mid-2 mid 2 10)
[tier.mid]
models = test-mid, test-mid2"
(unset ANTHROPIC_API_KEY GEMINI_API_KEY; run_llm -q -t mid "hi"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "keyless tier: exit 4" "$(cat "$T/rc")" 4
check_contains "keyless tier: names the first model's variable" "$ERR" ANTHROPIC_API_KEY
check_contains "keyless tier: names the tier's other providers" "$ERR" "a key for gemini does as well"
check_eq "keyless tier: nothing sent" "$(fake_count)" 0
t_write_config

# 401 and 403: exit 4
fake_reply '{"status":401}'
run_llm -q -m test-cheap "hi"
check_rc "401: exit 4" 4
check_contains "401: says the key was rejected" "$ERR" "rejected the key"
check_contains "401: the key of the variable, which a key in the keyring would not replace" "$ERR" \
    "it is the one in \$OPENAI_API_KEY, which comes before the keyring: put a valid key there, or unset it"
check_eq "401: not retried" "$(fake_count)" 1
fake_reset
fake_reply '{"status":403}'
run_llm -q -m test-mid "hi"
check_rc "403: exit 4" 4
check_contains "403: names the fix: the variable, which comes before the keyring" "$ERR" "it is the one in \$ANTHROPIC_API_KEY, which comes before the keyring: put a valid key there"

# A 403 whose code says the model is not the key's to use: the key is fine.
fake_reset
fake_reply '{"status":403,"code":"model_not_found","message":"Project `proj_x` does not have access to model `test-cheap-1`"}'
run_llm -q -m test-cheap "hi"
check_rc "403 model_not_found: exit 1, not a rejected key" 1
check_contains "403 model_not_found: says the model is not available to this key" "$ERR" \
    "openai: model test-cheap-1 is not available to this key (HTTP 403: Project"
check_contains "403 model_not_found: says what to do" "$ERR" "use another model or tier"
check_not_contains "403 model_not_found: does not blame the key" "$ERR" "rejected the key"
check_not_contains "403 model_not_found: does not say to set a new key" "$ERR" "llm keys set"
check_eq "403 model_not_found: not retried" "$(fake_count)" 1

# key_command printing an Authorization header's value: refused as llm keys set
# refuses it, before anything is sent, without showing the text.
fake_reset
t_config_append "[provider.openai]
key_command = echo \"Bearer sk-test-bearer-4321\""
(unset OPENAI_API_KEY; run_llm -q -m test-cheap "hi"; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
ERR=$(cat "$T/err")
check_eq "key_command Bearer: exit 4" "$(cat "$T/rc")" 4
check_contains "key_command Bearer: says why" "$ERR" \
    "key_command printed something other than a key: the text starts with the word of an Authorization header (Bearer)"
check_contains "key_command Bearer: says what to do" "$ERR" "make it print the key alone"
check_not_contains "key_command Bearer: the text is not shown" "$ERR" "sk-test-bearer"
check_eq "key_command Bearer: nothing sent" "$(fake_count)" 0
(unset OPENAI_API_KEY; run_llm keys check openai; echo "$RC" >"$T/rc"; printf '%s' "$ERR" >"$T/err")
check_eq "key_command Bearer: keys check exits 4" "$(cat "$T/rc")" 4
check_contains "key_command Bearer: keys check says why" "$(cat "$T/err")" "Authorization header"
check_not_contains "key_command Bearer: keys check does not show it" "$(cat "$T/err")" "sk-test-bearer"
t_write_config

# Ctrl-C while key_command runs (pass asking for its passphrase): the terminal
# sends SIGINT to llm and the command, which it stops; that is an interruption
# (exit 130), not a missing key (exit 4) to be fixed in the config. A command
# that ignores SIGINT is stopped by llm, not waited for (up to its 120 s).
# ctrl_c_at_key_command NAME SETUP: the test with key_command SETUP before its sleep.
ctrl_c_at_key_command() {
	fake_reset
	t_ctrl_c_key_command "$2" -q -m test-cheap hi
	check_rc "$1: exit 130" 130
	check_contains "$1: says so" "$ERR" "llm: interrupted before the request was sent"
	check_not_contains "$1: no talk of a missing key" "$ERR" "no API key"
	check_eq "$1: nothing sent" "$(fake_count)" 0
	check "$1: the command is gone" sh -c "! kill -0 \$(cat '$T/asked') 2>/dev/null"
	t_write_config
}
ctrl_c_at_key_command "Ctrl-C at key_command" ""
ctrl_c_at_key_command "Ctrl-C at a key_command ignoring it" "trap '' INT;"
# What the command started goes with it: here a child in the background (which ignores
# SIGINT, as a shell's background jobs do) that ignores SIGTERM too, as an agent's client may.
printf 'trap "" TERM\necho $$ >"%s/kid"\nexec sleep 600\n' "$T" >"$T/kid.sh"
rm -f "$T/kid"
t_defer "kill -9 \$(cat '$T/kid') 2>/dev/null"
ctrl_c_at_key_command "Ctrl-C at a key_command with a child" \
    "trap '' INT; sh '$T/kid.sh' & while [ ! -s '$T/kid' ]; do sleep 0.01; done;"
# shellcheck disable=SC2034 # read by t_wait: gone in seconds, long before the child's sleep
T_WAIT=5
check "Ctrl-C at a key_command with a child: the child is gone too" t_wait t_gone "$(cat "$T/kid")"
unset T_WAIT

# A server that echoes the key in its error: the key is shown by its last four
# characters alone, on stderr, under --json and in the hook's line.
fake_reset
fake_default "{\"status\":401,\"message\":\"Invalid API key: $OPENAI_API_KEY.\"}"
run_llm -q -m test-cheap "hi"
check_rc "key echoed by the server: exit 4" 4
check_not_contains "key echoed by the server: not on stderr" "$ERR" "$OPENAI_API_KEY"
check_contains "key echoed by the server: its last four instead" "$ERR" \
    "Invalid API key: $(printf '\342\200\246')0001."
run_llm --json -m test-cheap "hi"
check_not_contains "key echoed by the server: not in --json" "$OUT$ERR" "$OPENAI_API_KEY"
t_git_repo "$T/echo-repo"
printf 'x\n' >x.txt
git add x.txt
printf '\n# comment\n' >"$T/echo-msg"
run_llm git commit-msg "$T/echo-msg"
check_rc "key echoed by the server: the hook exits 0" 0
check_not_contains "key echoed by the server: not in the hook's line" "$ERR" "$OPENAI_API_KEY"
cd "$T" || exit 1
fake_reset

# 429 with Retry-After: waited, then success
fake_reset
fake_reply '{"status":429,"retry_after":"1"}'
fake_reply '{"text":"after the wait"}'
start=$(date +%s%N)
run_llm -q -m test-cheap "hi"
end=$(date +%s%N)
check_rc "429 then ok: exit 0" 0
check_eq "429 then ok: answer" "$OUT" "after the wait"
check_eq "429 then ok: two requests" "$(fake_count)" 2
waited=$(( (end - start) / 1000000 ))
if [ "$waited" -ge 1000 ]; then ok "429: Retry-After of 1 s honoured (${waited} ms)"; else not_ok "429: Retry-After of 1 s honoured" "took ${waited} ms"; fi
check_contains "429: retry noted on stderr" "$ERR" "retrying"

# 429 asking for a wait longer than llm waits: given up at once, saying how
# long the server asked for, not a bare "after 1 tries"
fake_reset
fake_reply '{"status":429,"retry_after":"150","message":"Rate limit reached"}'
run_llm -q -m test-cheap "hi"
check_rc "429 with a long Retry-After: exit 1" 1
check_eq "429 with a long Retry-After: one request" "$(fake_count)" 1
check_contains "429 with a long Retry-After: says the wait asked" "$ERR" \
    "the server asks to wait 2 min 30 s before another try"
check_not_contains "429 with a long Retry-After: no bare try count" "$ERR" "after 1 tries"

# 500 three times: three tries, then exit 1 (test-cheap is pinned: no fallback)
fake_reset
fake_reply '[{"status":500,"retry_after_ms":"10"},{"status":500,"retry_after_ms":"10"},{"status":500,"retry_after_ms":"10"},{"text":"never"}]'
run_llm -q -m test-cheap "hi"
check_rc "500 x3: exit 1" 1
check_eq "500 x3: at most 3 tries" "$(fake_count)" 3
check_contains "500 x3: says so" "$ERR" "after 3 tries"
fake_reset

# 503 with gemini's body delay
fake_reply '{"status":503,"retry_after":"0"}'
fake_reply '{"text":"recovered"}'
run_llm -q -m test-frontier "hi"
check_rc "503 then ok: exit 0" 0
check_eq "503 then ok: answer" "$OUT" "recovered"

# 429 insufficient_quota is billing, not rate: no retry, and exit 4 as a 402
# (tests/sh/credit.sh)
fake_reset
fake_reply '{"status":429,"code":"insufficient_quota","message":"You exceeded your current quota"}'
run_llm -q -m test-cheap "hi"
check_rc "insufficient_quota: exit 4" 4
check_eq "insufficient_quota: not retried" "$(fake_count)" 1

# an error event after HTTP 200: partial text kept on stdout, exit 1
fake_reset
stream_fault "error event" '{"text":"partial answer that goes on","fault":"error_event"}' \
    "cause on stderr" "error during the reply"
check_contains "error event: partial text kept" "$OUT" "partial"
for m in test-mid test-frontier test-local; do
	fake_reply '{"text":"partial answer that goes on","fault":"error_event"}'
	run_llm -q -m $m "hi"
	check_rc "error event $m: exit 1" 1
	check_contains "error event $m: partial text kept" "$OUT" "partial"
done

# A stream broken after HTTP 200 (no crash): exit 1, the cause on stderr.
stream_fault cut '{"text":"a stream that will be cut","fault":"cut"}' "says it was cut" "cut short"
check_contains "cut: partial kept" "$OUT" "a stream"
check_contains "cut: the next step" "$ERR" "(the partial answer was kept); ask it again, or one tier up with -t"
stream_fault garbage '{"text":"some text first","fault":"garbage"}' "invalid reply named" "invalid reply"
stream_fault "huge line" '{"fault":"huge_line","size":6000000}' "says it is over the cap" "MiB"

# an empty 200: exit 1
fake_reply '{"fault":"empty"}'
fake_reply '{"fault":"empty"}'
fake_reply '{"fault":"empty"}'
run_llm -q -m test-cheap "hi"
check_rc "empty 200: exit 1" 1
check_contains "empty 200: the next step" "$ERR" "cut short before any answer; ask it again, or one tier up with -t"

# unknown model and tier: exit 2, listing the valid ones
run_llm -q -m no-such-model "hi"
check_rc "unknown model: exit 2" 2
check_contains "unknown model: lists models" "$ERR" "test-cheap"
# a name cut short or a letter off is met with the names it may mean, not the whole catalog
run_llm -q -m test-mi "hi"
check_rc "near model: exit 2" 2
check_eq "near model: the names it may mean" "$ERR" \
    "llm: unknown model 'test-mi'; did you mean test-mid? (llm models lists them all)"
run_llm -q -m test-frontjer "hi"
check_contains "a letter off: the name meant" "$ERR" "did you mean test-frontier?"
# A provider/model-id pin with a misspelt provider names the provider, and lists them.
n=$(fake_count)
run_llm -q -m opneai/gpt-new "hi"
check_rc "unknown provider in a pin: exit 2" 2
check_contains "unknown provider in a pin: named" "$ERR" \
    "llm: unknown provider 'opneai' in 'opneai/gpt-new'; providers: openai, anthropic,"
check_eq "unknown provider in a pin: nothing sent" "$(fake_count)" "$n"
run_llm route -m opneai/gpt-new "hi"
check_contains "unknown provider in a pin: llm route says it too" "$ERR" "unknown provider 'opneai'"
run_llm -q -t huge "hi"
check_rc "unknown tier: exit 2" 2
check_contains "unknown tier: lists tiers" "$ERR" "cheap, mid, frontier"

# connection refused: retried, then exit 1
t_config_append "$(t_dead_model deadend dead openai)"
run_llm -q -m dead "hi"
check_rc "connection refused: exit 1" 1
check_contains "connection refused: network named" "$ERR" "network error"
check_contains "connection refused: what to do" "$ERR" \
    "network error: Failed to connect to 127.0.0.1 port 9"
check_contains "connection refused: where to look" "$ERR" \
    ", after 3 tries; check that the server at http://127.0.0.1:9/v1 is up, or use another tier with -t"
# a token in the server's address is not said (a password there is refused:
# config_files.sh)
t_config_append "[provider.deaduser]
api = openai
base_url = http://127.0.0.1:9/v1?token=tok-secret-0007
requires_key = no
$(t_model deaduser deaduser dead-2 cheap 1 1)"
run_llm -q -m deaduser "hi"
check_contains "connection refused, token in the address: the server named" "$ERR" \
    "check that the server at http://127.0.0.1:9/v1 is up"
check_not_contains "connection refused: no password" "$ERR" "secret"

# An empty answer the model ended well: not a success a script could take for
# one. Exit 1 (the provider gave no answer), said on stderr with what to do,
# and under --json as the error; a cut-off or filtered one keeps exit 0.
t_write_config
sed 's/^\[llm\]$/[llm]\nescalate = no/' "$LLM_CONFIG_DIR/config.ini" >"$T/cfg" &&
    mv "$T/cfg" "$LLM_CONFIG_DIR/config.ini"
fake_reset
fake_reply '{"text":""}'
run_llm -t cheap "hi"
check_rc "empty answer: exit 1" 1
check_eq "empty answer: nothing on stdout" "$OUT" ""
check_eq "empty answer: said, with the tier up" "$ERR" \
    "llm: test-cheap gave an empty answer; ask again one tier up with -t mid"
check_eq "empty answer: asked once" "$(fake_count)" 1
fake_reply '{"text":""}'
run_llm -q -m test-frontier "hi"
check_rc "empty answer, frontier: exit 1" 1
check_eq "empty answer, frontier: no tier up to name" "$ERR" \
    "llm: test-frontier gave an empty answer; ask again, or another model with -m"
fake_reply '{"text":""}'
run_llm --json -t cheap "hi"
check_rc "empty answer, --json: exit 1" 1
printf '%s' "$OUT" >"$T/empty.json"
check_eq "empty answer, --json: the error" "$(json_get "$T/empty.json" error)" \
    "test-cheap gave an empty answer; ask again one tier up with -t mid"
check_eq "empty answer, --json: its exit code" "$(json_get "$T/empty.json" exit_code)" 1
fake_reply '{"text":"","stop":"length"}'
run_llm -q -t cheap "hi"
check_rc "empty answer cut off: exit 0 as documented" 0
check_contains "empty answer cut off: said" "$ERR" "cut off at the length limit"
