#!/bin/sh
# cli_edges: oversized prompts, exit codes and words for SIGTERM and SIGHUP, SIGPIPE's, no summary after a failure, ASCII under LANG=C, compact exact JSON.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

db=$LLM_DATA_DIR/llm.db
rows() { sqlite3 "$db" "select count(*) from usage" 2>/dev/null || echo 0; }

# A prompt larger than every context window (test-frontier's 1,000,000 tokens
# is the largest): exit 2 before anything is sent, naming both sizes.
t_py -c 'import sys; sys.stdout.write("word " * 900000)' >"$T/huge.txt"
n=$(fake_count)
booked=$(rows)
run_llm models --json
printf '%s\n' "$OUT" >"$T/models.json"
big=$(t_py -c '
import json, sys
m = max(json.load(open(sys.argv[1])), key=lambda m: m["context"])
print(m["context"], m["name"])' "$T/models.json")
run_llm -q "summarise this" <"$T/huge.txt"
check_rc "over every window: exit 2" 2
check_contains "over every window: names the largest window" "$ERR" "(${big% *} tokens, ${big#* })"
check_contains "over every window: gives the prompt's size" "$ERR" "the prompt is about "
run_llm route "x" -f "$T/huge.txt"
check_rc "over every window: route says so too, exit 2" 2
check_eq "over every window: nothing sent" "$(fake_count)" "$n"
check_eq "over every window: nothing booked" "$(rows)" "$booked"

# A larger window in the catalog but in no tier (test-huge, 2,000,000 tokens) lets
# nothing through the tiers' models cannot hold: refused, naming the largest of
# those; pinned, it takes the prompt.
t_config_append "$(t_model test-huge openai test-huge-1 frontier 5 25 'context = 2000000')"
run_llm -q "summarise this" <"$T/huge.txt"
check_rc "over every tier's window: exit 2" 2
check_contains "over every tier's window: names the largest of them" "$ERR" \
    "(the largest: test-frontier, 1000000 tokens)"
check_eq "over every tier's window: nothing sent" "$(fake_count)" "$n"
fake_reply '{"text":"ok"}'
run_llm -q -m test-huge "summarise this" <"$T/huge.txt"
check_rc "the larger window pinned: exit 0" 0
check_eq "the larger window pinned: sent to it" "$(fake_last body.model)" test-huge-1
n=$(fake_count)
t_write_config

# llm route marks each tier whose model cannot hold the prompt (about 150k tokens: more
# than cheap's 128k, less than mid's 200k).
t_py -c 'import sys; sys.stdout.write("word " * 120000)' >"$T/150k.txt"
run_llm route -t cheap -f "$T/150k.txt" "summarise"
check_contains "route: cheap's row says it is too long" "$(printf '%s\n' "$OUT" | grep '^cost')" \
    "too long for its context window"
check_not_contains "route: mid's row does not" "$(printf '%s\n' "$OUT" | grep ' mid ')" "too long"
# Sent, the tier asked for moves up to one that holds the prompt, and a script is told so on
# stderr, as a downgrade by the budget is (the summary line is only on a terminal).
fake_reply '{"text":"ok"}'
run_llm -q -t cheap -f "$T/150k.txt" "summarise"
check_rc "moved up for the window: exit 0" 0
check_eq "moved up for the window: sent to mid" "$(fake_last body.model)" test-mid-1
check_contains "moved up for the window: said" "$ERR" \
    "llm: tier: sent to mid (test-mid), too long for a cheap model's context window"
n=$(fake_count)
run_llm route --json -t cheap -f "$T/150k.txt" "summarise"
check_eq "route --json: fits_context per tier" \
    "$(printf '%s' "$OUT" | t_py -c 'import json,sys; print([e["fits_context"] for e in json.load(sys.stdin)["estimates"]])')" \
    "[False, True, True]"

# A pinned model over its own window (test-local: 32768 tokens) is refused too.
t_py -c 'import sys; sys.stdout.write("word " * 30000)' >"$T/big.txt"
run_llm -q -m test-local -f "$T/big.txt" "summarise"
check_rc "over a pin's window: exit 2" 2
check_contains "over a pin's window: names the model and its window" "$ERR" "test-local's context window of 32768 tokens"
check_eq "over a pin's window: nothing sent" "$(fake_count)" "$n"
# ... while the router moves the same prompt to a model whose window holds it
fake_reply '{"text":"ok"}'
run_llm -q -t cheap -f "$T/big.txt" "summarise"
check_rc "router: a larger window is found, exit 0" 0
check_eq "router: sent to the cheap model with room" "$(fake_last body.model)" test-cheap-1
check_not_contains "router: a model of the tier asked: nothing said" "$ERR" "llm: tier: sent to"

# SIGTERM mid-stream: 143, the partial answer kept.
fake_reply "{\"chunks\":[\"partial \",\"never\"],\"hold_file\":\"$T/never\"}"
"$LLM_BIN" -q -m test-cheap "stream" >"$T/term.out" 2>"$T/term.err" &
pid=$!
t_wait grep -q partial "$T/term.out"
kill -TERM $pid
wait $pid
check_eq "SIGTERM: exit 143" "$?" 143
check_eq "SIGTERM: partial answer kept" "$(cat "$T/term.out")" "partial "
check_eq "SIGTERM: said as what it was" "$(cat "$T/term.err")" \
    "llm: terminated (the partial answer was kept)"
check_eq "SIGTERM: a cancelled ledger row" \
    "$(sqlite3 "$db" "select status from usage order by id desc limit 1")" cancelled

# SIGHUP mid-stream (the terminal closed): 129, and what was spent is booked,
# as for SIGTERM.
fake_reply "{\"chunks\":[\"partial \",\"never\"],\"hold_file\":\"$T/never\"}"
"$LLM_BIN" -q -m test-cheap "stream" >"$T/hup.out" 2>"$T/hup.err" &
pid=$!
t_wait grep -q partial "$T/hup.out"
kill -HUP $pid
wait $pid
check_eq "SIGHUP: exit 129" "$?" 129
check_eq "SIGHUP: partial answer kept" "$(cat "$T/hup.out")" "partial "
check_eq "SIGHUP: said as what it was" "$(cat "$T/hup.err")" \
    "llm: hung up (the partial answer was kept)"
check_eq "SIGHUP: a cancelled ledger row" \
    "$(sqlite3 "$db" "select status from usage order by id desc limit 1")" cancelled

# The reader of stdout goes away: 141, as a process killed by SIGPIPE.
fake_reply '{"chunks":["first-part ","second ","third ","fourth ","fifth "],"delay_ms":150}'
("$LLM_BIN" -q -m test-cheap "stream" 2>"$T/pipe.err"; echo $? >"$T/pipe.rc") | head -c 3 >/dev/null
check_eq "SIGPIPE: exit 141" "$(cat "$T/pipe.rc")" 141
# Nobody pressed Ctrl-C: like any command in a pipe whose reader left, nothing is said.
check_eq "SIGPIPE: nothing on stderr" "$(cat "$T/pipe.err")" ""
check_eq "SIGPIPE: the part is booked" \
    "$(sqlite3 "$db" "select status from usage order by id desc limit 1")" cancelled

# --json writes its object at the end, larger than a pipe holds: the same 141, no error.
t_py -c 'import json; print(json.dumps({"text": "word " * 25000}))' >"$T/long.json"
fake_reply "$(cat "$T/long.json")"
("$LLM_BIN" -q -m test-cheap --json "x" 2>"$T/pipe.err"; echo $? >"$T/pipe.rc") | head -c 3 >/dev/null
check_eq "SIGPIPE --json: exit 141" "$(cat "$T/pipe.rc")" 141
check_eq "SIGPIPE --json: nothing on stderr" "$(cat "$T/pipe.err")" ""

# A request that failed before any answer gets no summary line: the error says it.
fake_reply '{"status":400,"message":"bad request body"}'
run_llm -v -m test-cheap "x"
check_rc "failed request: exit 1" 1
check_contains "failed request: the error is said" "$ERR" "bad request body"
check_not_contains "failed request: no summary line" "$ERR" " tok"
fake_reply '{"text":"fine"}'
run_llm -v -m test-cheap "x"
check_contains "good request: a summary line" "$ERR" " tok"

# A locale that is not UTF-8 gets ASCII separators on stderr.
fake_reply '{"text":"fine"}'
LC_ALL=C LANG=C run_llm -v -m test-cheap "x"
check_contains "LANG=C: ASCII arrow" "$ERR" "->"
check_not_contains "LANG=C: no UTF-8 middle dot" "$ERR" "·"
check_not_contains "LANG=C: no UTF-8 arrow" "$ERR" "→"
fake_reply '{"text":"fine"}'
run_llm -v -m test-cheap "x"
check_contains "UTF-8 locale: the middle dot" "$ERR" "test-cheap ·"

# --json is one compact line everywhere, and money is a fixed decimal.
t_config_append "$(t_model test-tiny openai test-tiny-1 cheap 0.017 0.017 'context = 128000')"
fake_reply '{"text":"fine","usage":{"input":1,"output":1}}'
run_llm --json -q -m test-tiny "x"
printf '%s\n' "$OUT" >"$T/ask.json"
check_contains "--json: 2 tokens at \$0.017/M, as a fixed decimal" "$OUT" '"cost_usd":0.000000034,'
for what in "models --json" "route --json -m test-tiny x" "usage --json" "budget --json" "logs --json"; do
	# shellcheck disable=SC2086
	run_llm $what </dev/null
	check_eq "$what: one line" "$(printf '%s\n' "$OUT" | wc -l)" 1
	check_not_contains "$what: no tabs" "$OUT" "	"
	check "$what: no exponent in a number" t_py -c '
import re, sys
# a JSON number, not the same letters inside a string (a temporary path such as llm-test.7e2UKi)
bad = re.findall(r"[:\[,]\s*-?[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+\s*[,}\]]", open(sys.argv[1]).read())
print(bad)
sys.exit(1 if bad else 0)' "$T/out"
done
run_llm models --tier cheap
check_contains "models: the tiny price as a decimal" "$OUT" "0.017"

# Standard output that cannot take the answer (a full disk, a closed
# descriptor) is a local failure: exit 2 and said, never 0 nor "interrupted".
if [ -w /dev/full ]; then
	fake_reply '{"text":"a short answer"}'
	"$LLM_BIN" -q -m test-cheap "x" >/dev/full 2>"$T/full.err"
	echo $? >"$T/full.rc"
	check_eq "stdout full, short answer: exit 2" "$(cat "$T/full.rc")" 2
	check_contains "stdout full, short answer: said" "$(cat "$T/full.err")" "llm: stdout: No space left on device"
	fake_reply '{"chunks":["first ","second ","third ","fourth ","fifth "],"delay_ms":50}'
	"$LLM_BIN" -q -m test-cheap "x" >/dev/full 2>"$T/full.err"
	echo $? >"$T/full.rc"
	check_eq "stdout full mid-stream: exit 2" "$(cat "$T/full.rc")" 2
	check_contains "stdout full mid-stream: said" "$(cat "$T/full.err")" "llm: stdout: No space left on device"
	check_not_contains "stdout full mid-stream: not called an interruption" "$(cat "$T/full.err")" "interrupted"
	"$LLM_BIN" models >/dev/full 2>"$T/full.err"
	echo $? >"$T/full.rc"
	check_eq "stdout full, llm models: exit 2" "$(cat "$T/full.rc")" 2
	check_contains "stdout full, llm models: said" "$(cat "$T/full.err")" "llm: stdout: No space left on device"
fi
fake_reply '{"text":"nowhere to go"}'
"$LLM_BIN" -q -m test-cheap "x" >&- 2>"$T/closed.err"
echo $? >"$T/closed.rc"
check_eq "stdout closed: exit 2" "$(cat "$T/closed.rc")" 2
check_contains "stdout closed: said" "$(cat "$T/closed.err")" "llm: stdout: "

# A closed stdin (cron, a daemon) is no input: the prompt alone is sent.
fake_reply '{"text":"without stdin"}'
run_llm -q -m test-cheap "x" <&-
check_rc "stdin closed: exit 0" 0
check_eq "stdin closed: the answer" "$OUT" "without stdin"
check_eq "stdin closed: the prompt alone" "$(fake_last body.messages.0.content)" "x"

# A pinned model whose provider has no key: refused as llm do refuses it, exit 4
# with the key's message, before a request, a conversation or a ledger row, one-shot
# and piped alike; llm usage and llm logs read as before.
run_llm usage
usage_before=$OUT
run_llm logs
logs_before=$OUT
n=$(fake_count)
booked=$(rows)
convs=$(sqlite3 "$db" "select count(*) from conversations")
(unset OPENAI_API_KEY; run_llm -m test-cheap "hi"; echo "$RC" >"$T/nokey.rc"; printf '%s' "$ERR" >"$T/nokey.err")
check_eq "no key, pinned: exit 4" "$(cat "$T/nokey.rc")" 4
check_contains "no key, pinned: the key's message" "$(cat "$T/nokey.err")" \
    "llm: no API key for provider openai: set the environment variable OPENAI_API_KEY"
(unset OPENAI_API_KEY; run_llm_in "material" -m test-cheap; echo "$RC" >"$T/nokey.rc"; printf '%s' "$ERR" >"$T/nokey.err")
check_eq "no key, pinned, piped: exit 4" "$(cat "$T/nokey.rc")" 4
check_contains "no key, pinned, piped: the key's message" "$(cat "$T/nokey.err")" \
    "llm: no API key for provider openai: set the environment variable OPENAI_API_KEY"
(unset OPENAI_API_KEY; run_llm -m test-cheap --json "hi"; echo "$RC" >"$T/nokey.rc"; printf '%s' "$OUT" >"$T/nokey.out")
check_eq "no key, pinned, --json: exit 4" "$(cat "$T/nokey.rc")" 4
check_eq "no key, pinned, --json: no step taken" "$(json_get "$T/nokey.out" steps)" "[]"
check_eq "no key, pinned: nothing sent" "$(fake_count)" "$n"
check_eq "no key, pinned: no ledger row" "$(rows)" "$booked"
check_eq "no key, pinned: no conversation" "$(sqlite3 "$db" "select count(*) from conversations")" "$convs"
run_llm usage
check_eq "no key, pinned: llm usage as before" "$OUT" "$usage_before"
run_llm logs
check_eq "no key, pinned: llm logs as before" "$OUT" "$logs_before"
