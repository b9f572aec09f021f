#!/bin/sh
# keyring_silent: a session bus that accepts and never answers (a stuck daemon,
# or an unlock prompt on a screen nobody sees): every keyring call gives up
# after a bounded wait and says what to do, and the git hook says so too.
set -u

# waits: each keyring call is given up after its bounded wait (most of its time).
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
t_setup
unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY

# A listener that accepts every connection and never writes a byte. Once the
# file $T/bus.ask exists, it makes $T/bus.idle when every connection it took
# has been closed by its client.
cat >"$T/silent.py" <<'PY'
import os, select, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(16)
open(sys.argv[2], "w").close()
held, took = [], 0
while True:
    ready, _, _ = select.select([s] + held, [], [], 0.05)
    for c in ready:
        if c is s:
            held.append(s.accept()[0])
            took += 1
        elif not c.recv(4096):
            held.remove(c)
            c.close()
    if took and not held and os.path.exists(sys.argv[3]):
        open(sys.argv[4], "w").close()
PY
python3 "$T/silent.py" "$T/bus.sock" "$T/bus.ready" "$T/bus.ask" "$T/bus.idle" &
SILENT_PID=$!
t_defer "kill $SILENT_PID"
t_wait test -e "$T/bus.ready"
export DBUS_SESSION_BUS_ADDRESS="unix:path=$T/bus.sock"

# timed CMD...: run llm under a 60 s guard; $SECS is how long it took.
timed() {
	_t0=$(date +%s)
	timeout 60 "$LLM_BIN" "$@" >"$T/out" 2>"$T/err"
	# shellcheck disable=SC2034 # read by tests/lib.sh
	RC=$?
	SECS=$(($(date +%s) - _t0))
	# shellcheck disable=SC2034 # kept for a look when a check fails
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}
MSG="the Secret Service did not answer within"

timed keys list
check "keys list: gives up within 20 s (took ${SECS}s)" test "$SECS" -lt 20
check_rc "keys list: exits 0 and says so" 0
check_contains "keys list: says the keyring did not answer" "$ERR" "$MSG"
check_contains "keys list: says to unlock it" "$ERR" "unlock it"
check_contains "keys list: or key_env / key_command" "$ERR" "key_env or key_command"

# A model whose provider needs a key (the test config also has a local one that does not).
timed -q -m test-cheap hi
check "a request: gives up within 20 s (took ${SECS}s)" test "$SECS" -lt 20
check_rc "a request: exits 4 (no credentials)" 4
check_contains "a request: says the keyring did not answer" "$ERR" "$MSG"
check_contains "a request: or key_env / key_command" "$ERR" "key_env or key_command"
check_not_contains "a request: does not say only that no key is stored" "$ERR" "llm keys set"
check_eq "a request: nothing sent" "$(fake_count)" 0

# Routed by tier, with no key from anywhere but the keyring: the same reason.
timed -q -t mid hi
check_contains "a routed request: says the keyring did not answer" "$ERR" "$MSG"

# A client that goes on after the keyring gave up keeps no connection to the
# silent bus: the bus sees each one closed while the client still runs (the
# script waits for that, and fails after 20 s without it).
rm -f "$T/bus.ask" "$T/bus.idle"
tui_ok "client: every connection to the bus closed while it runs" kr <<S
:type /model test-cheap
:key Enter
:type hi
:key Enter
:wait-idle
:dump-screen $T/kr0
:touch $T/bus.ask
:wait-file $T/bus.idle
S
check_contains "client: says the keyring did not answer" "$(tr -d '\n│ ' <"$T/kr0")" \
    "$(printf '%s' "$MSG" | tr -d ' ')"

# The hook: the message file is left alone and the reason is the keyring.
t_config_append "[git]
model = test-cheap"
t_git_repo "$T/repo"
printf 'x\n' >x.txt
git add x.txt
printf '\n# Please enter the commit message.\n' >"$T/msg.orig"
cp "$T/msg.orig" "$T/msg"
timed git commit-msg "$T/msg"
check "hook: gives up within 20 s (took ${SECS}s)" test "$SECS" -lt 20
check_rc "hook: exits 0 (never blocks the commit)" 0
check "hook: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_contains "hook: says the keyring did not answer" "$ERR" "$MSG"
check_not_contains "hook: does not blame the provider" "$ERR" "provider failed"
