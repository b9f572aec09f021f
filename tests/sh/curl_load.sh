#!/bin/sh
# curl_load.sh: libcurl is loaded by the first request only: other commands never map it, and a libcurl that cannot serve fails the request with exit 1 and what to install.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# maps_curl CMD...: the libcurl lines of the dynamic loader's trace of CMD.
maps_curl() {
	LD_DEBUG=libs "$@" 2>&1 >/dev/null | grep -i 'libcurl'
}
# ledger_last: the status of the last usage row.
ledger_last() {
	sqlite3 "$LLM_DATA_DIR/llm.db" "select status from usage order by id desc limit 1" 2>&1
}

# --- without a request, libcurl is never mapped ---------------------------------------------
needed=$(LD_TRACE_LOADED_OBJECTS=1 "$LLM_BIN" 2>&1)
check_not_contains "the binary does not load libcurl at start-up" "$needed" libcurl
for cmd in "--version" "route hi" "models" "usage" "budget"; do
	# shellcheck disable=SC2086
	check_eq "llm $cmd maps no libcurl" "$(maps_curl "$LLM_BIN" $cmd)" ""
done
# The trace can see libcurl: a request maps it.
fake_reply '{"text":"Hello."}'
trace=$(maps_curl "$LLM_BIN" -q -m test-cheap "say hi")
check_contains "a request maps libcurl" "$trace" "libcurl"

# While a request is in flight, its memory map holds libcurl.
fake_reset
fake_reply "{\"text\":\"Hello there.\",\"hold_file\":\"$T/release\"}"
"$LLM_BIN" -q -m test-cheap "say hi" >"$T/bg.out" 2>"$T/bg.err" &
bg=$!
fake_wait_count 1
mapped=$(grep -c 'libcurl' "/proc/$bg/maps" 2>/dev/null)
: >"$T/release"
wait "$bg"
RC=$?
if [ "$RC" = 0 ] && [ "${mapped:-0}" -gt 0 ]; then
	ok "a request in flight has libcurl in /proc/PID/maps"
else
	not_ok "a request in flight has libcurl in /proc/PID/maps" "exit $RC, $mapped lines; $(cat "$T/bg.err")"
fi

# --- a libcurl that lacks a function ---------------------------------------------------------
# The stub has every function llm looks up but curl_multi_poll (the list is
# read from the loader's header, so a function added there is stubbed too).
syms=$(sed -n '/^#define CURL_LOAD_SYMS/,/^$/p' "$LLM_TOP/src/curl_load.h" |
    grep -o 'X(curl_[a-z_]*)' | sed 's/^X(//; s/)$//' | grep -v '^curl_multi_poll$')
nsyms=$(printf '%s\n' "$syms" | grep -c .)
if [ "$nsyms" -lt 10 ]; then
	not_ok "the loader's function list is read from src/curl_load.h" "found: $syms"
fi
mkdir -p "$T/stublib"
for s in $syms; do printf 'void %s(void) {}\n' "$s"; done >"$T/stublib/stub.c"
if ! ${CC:-cc} -shared -fPIC -o "$T/stublib/libcurl.so.4" "$T/stublib/stub.c" 2>"$T/err"; then
	not_ok "a stub libcurl builds" "$(cat "$T/err")"
	exit 1
fi
STUB=$T/stublib

LD_LIBRARY_PATH=$STUB run_llm --version
check_rc "stub libcurl: --version works" 0
check_contains "stub libcurl: --version prints the version" "$OUT" "llm "
LD_LIBRARY_PATH=$STUB run_llm route hi
check_rc "stub libcurl: route works" 0
check_contains "stub libcurl: route names a tier" "$OUT" "cheap"
LD_LIBRARY_PATH=$STUB run_llm models
check_rc "stub libcurl: models works" 0

fake_reset
fake_reply '{"text":"never"}'
LD_LIBRARY_PATH=$STUB run_llm -q -m test-cheap "say hi"
check_rc "stub libcurl: a request exits 1" 1
last=$(printf '%s\n' "$ERR" | tail -n 1)
check_contains "stub libcurl: the cause names the missing function" "$last" \
    "libcurl.so.4 lacks curl_multi_poll"
check_contains "stub libcurl: the cause says what to install" "$last" "libcurl4"
check_not_contains "stub libcurl: no key in the message" "$ERR" "$OPENAI_API_KEY"
check_eq "stub libcurl: nothing on stdout" "$OUT" ""
check_not_contains "stub libcurl: no retries, the cause is final" "$ERR" "retrying"
check_eq "stub libcurl: nothing was sent" "$(fake_count)" 0
check_eq "stub libcurl: the ledger row is an error" "$(ledger_last)" error

LD_LIBRARY_PATH=$STUB run_llm models import "$FAKE_URL/prices.json"
check_rc "stub libcurl: models import URL exits 1" 1
check_contains "stub libcurl: models import names the missing function" "$ERR" \
    "lacks curl_multi_poll"
cat >"$T/prices.json" <<'JSON'
{"groq/llama-x-70b": {"litellm_provider": "groq", "mode": "chat",
  "input_cost_per_token": 5.9e-07, "output_cost_per_token": 7.9e-07, "max_input_tokens": 131072}}
JSON
LD_LIBRARY_PATH=$STUB run_llm models import "$T/prices.json"
check_rc "stub libcurl: models import FILE works" 0
check_contains "stub libcurl: models import FILE imports" "$OUT" "imported 1 model ("

# --- the real library -----------------------------------------------------------------------
fake_reset
fake_reply '{"text":"Hello.","usage":{"input":10,"output":2}}'
run_llm -q -m test-cheap "say hi"
check_rc "real libcurl: the same request works" 0
check_eq "real libcurl: the answer" "$OUT" "Hello."
check_eq "real libcurl: the key went in the header" "$(fake_last headers.authorization)" \
    "Bearer $OPENAI_API_KEY"
check_eq "real libcurl: the ledger row is ok" "$(ledger_last)" ok

