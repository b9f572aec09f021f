#!/bin/sh
# keyring: llm keys and the key lookup against a real gnome-keyring inside a private D-Bus session.
#
# The outer run re-executes this script under dbus-run-session, with HOME,
# the XDG dirs and the runtime dir isolated (t_dbus_session and
# t_keyring_setup in tests/lib.sh), so no user keyring or bus is ever touched.
# Checks first run with no session bus at all, then start
# gnome-keyring-daemon on the private bus.
#
# The daemon starts with t_keyring_start (tests/lib.sh). Helpers another
# test can copy: kr_lookup (read an item with another
# Secret Service client), kr_lock / kr_unlock, keys_in (feed a key on stdin
# without a file or argv), argv_leaks (search every process's argv).
set -u

. "${LLM_TOP:-.}/tests/lib.sh"
t_dbus_session "${1:-}" gnome-keyring-daemon secret-tool dbus-send
# shellcheck disable=SC2034 # read by tests/lib.sh
T_KEEP_DBUS=1
t_setup
t_keyring_setup

# expect NAME: ok when the condition just tested ($?) held, else show the output.
expect() {
	if [ "$?" -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1" "exit $RC
stdout: $(head -c 1500 "$T/out" 2>/dev/null)
stderr: $(head -c 1500 "$T/err" 2>/dev/null)"
	fi
}

# keys_in TEXT ARGS...: run llm ARGS with TEXT and a newline on stdin through a
# pipe (printf is a shell builtin: the text is in no argv and no file).
keys_in() {
	_in=$1
	shift
	printf '%s\n' "$_in" | "$LLM_BIN" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	# shellcheck disable=SC2034 # read by the checks below
	ERR=$(cat "$T/err")
}
out_has() { grep -qF -- "$1" "$T/out"; }
err_has() { grep -qF -- "$1" "$T/err"; }

# Every file under HOME and llm's dirs with its checksum, to see what a command wrote.
snapshot() { find "$HOME" "$LLM_CONFIG_DIR" "$LLM_DATA_DIR" -type f -exec cksum {} + | sort; }
# Whether the bytes of a key appear in any file under HOME or llm's dirs.
leaked() { grep -rqF -- "$1" "$HOME" "$LLM_CONFIG_DIR" "$LLM_DATA_DIR"; }
# Whether any process's argv holds the text.
argv_leaks() {
	for _f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$_f"; } 2>/dev/null | grep -qF -- "$1" && return 0
	done
	return 1
}

kr_unlocked() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets \
	    /org/freedesktop/secrets/collection/login org.freedesktop.DBus.Properties.Get \
	    string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null | grep -q 'boolean false'
}
kr_lock() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	    org.freedesktop.Secret.Service.Lock \
	    array:objpath:/org/freedesktop/secrets/collection/login >/dev/null 2>&1
}
# kr_unlock: the daemon takes the password on stdin; --replace hands its collections over.
kr_unlock() {
	eval "$(printf pw | gnome-keyring-daemon --replace --unlock --components=secrets 2>>"$T/daemon.log")"
	t_wait kr_unlocked
}
# kr_lookup PROVIDER: the key the keyring holds for PROVIDER, read by another client.
kr_lookup() { secret-tool lookup application llm provider "$1" 2>/dev/null; }

rand() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
KEY="sk-test-$(rand)Wxyz"
KEY2="sk-grq-$(rand)Q9r8"
LAST4=$(printf %s "$KEY" | tail -c 4)
LAST5=$(printf %s "$KEY" | tail -c 5)

# --- with no session bus: keys set fails with the fixes, writes nothing --------------------
before=$(snapshot)
printf '%s\n' "$KEY" | env -u DBUS_SESSION_BUS_ADDRESS "$LLM_BIN" keys set openai \
    >"$T/out" 2>"$T/err"
RC=$?
[ "$RC" = 4 ] && err_has "gnome-keyring-daemon" && err_has "KeePassXC" &&
    err_has "key_env" && err_has "key_command" && ! err_has "$KEY"
expect "keys set with no session bus exits 4 and names the fixes"
err_has "put the key for openai in the environment variable OPENAI_API_KEY instead"
expect "keys set with no session bus names the provider's own variable"
[ "$(snapshot)" = "$before" ] && ! leaked "$KEY"
expect "keys set with no session bus writes no file"

printf '%s\n' "$KEY" | DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/llm-bus \
    "$LLM_BIN" keys set openai >"$T/out" 2>"$T/err"
RC=$?
[ "$RC" = 4 ] && err_has "gnome-keyring-daemon" && err_has "key_command" && ! err_has "$KEY"
expect "keys set with a dead bus address exits 4 and names the fixes"

# libsecret is loaded when a key is first wanted: one that cannot serve is an error that says so
mkdir -p "$T/stublib"
printf 'int llm_stub;\n' >"$T/stublib/stub.c"
if ${CC:-cc} -shared -fPIC -o "$T/stublib/libsecret-1.so.0" "$T/stublib/stub.c" 2>"$T/err"; then
	printf '%s\n' "$KEY" | LD_LIBRARY_PATH="$T/stublib" "$LLM_BIN" keys set openai >"$T/out" 2>"$T/err"
	RC=$?
	[ "$RC" = 4 ] && err_has "libsecret lacks" && ! err_has "$KEY"
	expect "keys set with a libsecret that lacks its functions exits 4 and says so"
	LD_LIBRARY_PATH="$T/stublib" "$LLM_BIN" --version >"$T/out" 2>"$T/err"
	RC=$?
	[ "$RC" = 0 ]
	expect "commands that need no key never load libsecret"
else
	not_ok "a stub library builds" "$(cat "$T/err")"
fi
[ "$(snapshot)" = "$before" ] && ! leaked "$KEY"
expect "keys set with a dead bus address writes no file"

# A bus that knows no Secret Service and cannot start one.
cat >"$T/bare.conf" <<'CONF'
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
printf '%s\n' "$KEY" | dbus-run-session --config-file="$T/bare.conf" -- "$LLM_BIN" keys set openai \
    >"$T/out" 2>"$T/err"
RC=$?
[ "$RC" = 4 ] && err_has "no Secret Service on the session bus" && err_has "gnome-keyring-daemon" &&
    err_has "key_command" && ! err_has "$KEY"
expect "keys set on a bus with no Secret Service exits 4 and names the fixes"
[ "$(snapshot)" = "$before" ] && ! leaked "$KEY"
expect "keys set on a bus with no Secret Service writes no file"

env -u DBUS_SESSION_BUS_ADDRESS "$LLM_BIN" keys check openai >"$T/out" 2>"$T/err"
RC=$?
[ "$RC" = 4 ] && err_has "OPENAI_API_KEY" && err_has "gnome-keyring-daemon"
expect "a lookup with no session bus exits 4 naming the variable and the fixes"

OPENAI_API_KEY=sk-env-only-1234 env -u DBUS_SESSION_BUS_ADDRESS "$LLM_BIN" keys check openai \
    >"$T/out" 2>"$T/err"
RC=$?
[ "$RC" = 0 ] && out_has "env OPENAI_API_KEY" && out_has "1234" && ! out_has "sk-env-only"
expect "key_env works with no keyring at all"

# --- a real keyring ----------------------------------------------------------------------
if ! t_keyring_start; then
	not_ok "gnome-keyring-daemon starts with a default collection" "$(cat "$T/daemon.log")"
	exit 1
fi
ok "gnome-keyring-daemon starts with a default collection"

keys_in "$KEY" keys set openai
[ "$RC" = 0 ] && [ "$(kr_lookup openai)" = "$KEY" ] && ! err_has "$KEY" && ! out_has "$KEY" &&
    out_has "stored the key for openai in the keyring (…$LAST4)" && ! err_has "stored"
expect "keys set stores the key read from stdin, and says so on stdout, as budget set does"

secret-tool search --all application llm provider openai >"$T/out" 2>&1
grep -q 'label = llm: openai API key' "$T/out" && grep -q 'attribute.provider = openai' "$T/out"
expect "the item carries llm's label and attributes"

run_llm keys list
[ "$RC" = 0 ] && grep -q "^openai .*keyring .*…$LAST4" "$T/out" && ! out_has "$LAST5" &&
    ! err_has "$LAST5"
expect "keys list shows only the last four characters"

run_llm keys list --json
[ "$RC" = 0 ] && [ "$(json_get "$T/out" keyring.available)" = true ] && t_py -c '
import json, sys
d = json.load(open(sys.argv[1]))
o = [p for p in d["providers"] if p["provider"] == "openai"][0]
assert o["source"] == "keyring" and o["last4"] == sys.argv[2] and o["in_keyring"] is True
' "$T/out" "$LAST4" && ! out_has "$LAST5"
expect "keys list --json shows the source and the last four characters"

keys_in "$KEY2" keys set openai "$KEY2"
[ "$RC" = 2 ] && err_has "command line" && [ "$(kr_lookup openai)" = "$KEY" ]
expect "keys set refuses a key on the command line"

keys_in "$KEY2" keys set no-such-provider
[ "$RC" = 2 ] && err_has "openai" && err_has "anthropic" && [ -z "$(kr_lookup no-such-provider)" ]
expect "keys set refuses an unknown provider and lists the known ones"

keys_in "" keys set groq
[ "$RC" = 2 ] && err_has "no key" && [ -z "$(kr_lookup groq)" ]
expect "keys set refuses an empty key"

# A line copied whole from a shell profile or a .env file is no key, nor one
# in a chat app's curly quotes or after an editor's byte order mark: stored as
# it is, every request would fail as a rejected key.
for line in "OPENAI_API_KEY=$KEY2" "export OPENAI_API_KEY=$KEY2" "\"$KEY2\"" "'$KEY2'" \
    "$(printf '\342\200\234%s\342\200\235' "$KEY2")" "$(printf '\357\273\277%s' "$KEY2")"; do
	keys_in "$line" keys set openai
	[ "$RC" = 2 ] && err_has "give the key alone" && ! err_has "$KEY2" &&
	    [ "$(kr_lookup openai)" = "$KEY" ]
	expect "keys set refuses $(echo "$line" | sed "s/$KEY2/KEY/") and keeps the old key"
done

# --- a request takes the key from the keyring ----------------------------------------------
fake_reply '{"text":"Hello.","usage":{"input":10,"output":2}}'
run_llm -q -m test-cheap "say hi"
[ "$RC" = 0 ] && [ "$OUT" = "Hello." ] &&
    [ "$(fake_last headers.authorization)" = "Bearer $KEY" ]
expect "a request sends the keyring's key"
fake_reply '{"status":401}'
run_llm -q -m test-cheap "say hi"
[ "$RC" = 4 ] && err_has "rejected the key" && err_has "set a new one with llm keys set openai"
expect "a key from the keyring rejected: set a new one with llm keys set"

# While a request is in flight, no process's argv holds the key.
fake_reply "{\"text\":\"Hello there.\",\"hold_file\":\"$T/release\"}"
"$LLM_BIN" -q -m test-cheap "say hi" >"$T/bg.out" 2>"$T/bg.err" &
bg=$!
fake_wait_count 2
mid_leak=no
argv_leaks "$LAST5" && mid_leak=yes
: >"$T/release"
wait "$bg"
RC=$?
[ "$RC" = 0 ] && [ "$mid_leak" = no ] && [ "$(cat "$T/bg.out")" = "Hello there." ]
expect "no process's argv holds the key during a request"

# --- lookup order: env, then keyring, then key_command -------------------------------------
t_config_append "[provider.work]
api = openai
base_url = $FAKE_URL/v1
key_env = LLM_TEST_WORK_KEY
key_command = touch '$T/command-ran'; printf 'sk-from-command-7777\\n'"
keys_in "$KEY2" keys set work
[ "$RC" = 0 ] && [ "$(kr_lookup work)" = "$KEY2" ]
expect "keys set works for a provider from config.ini"

LLM_TEST_WORK_KEY=sk-from-env-5555 run_llm keys check work
[ "$RC" = 0 ] && out_has "env LLM_TEST_WORK_KEY" && out_has "5555" && [ ! -e "$T/command-ran" ]
expect "the variable wins over the keyring and key_command"

run_llm keys check work
[ "$RC" = 0 ] && out_has "from keyring" && out_has "Q9r8" && ! out_has "$KEY2" &&
    [ ! -e "$T/command-ran" ]
expect "the keyring wins over key_command"

run_llm keys rm work
[ "$RC" = 0 ] && [ -z "$(kr_lookup work)" ] && out_has "removed the key for work" &&
    ! err_has "removed"
expect "keys rm deletes the key, and says so on stdout"

run_llm keys list
[ "$RC" = 0 ] && grep -q "^work .*command" "$T/out" && [ ! -e "$T/command-ran" ]
expect "keys list names key_command without running it"

run_llm keys check work
[ "$RC" = 0 ] && out_has "from command" && out_has "7777" && ! out_has "sk-from-command" &&
    [ -e "$T/command-ran" ]
expect "key_command is the last resort"

run_llm keys rm work
[ "$RC" = 4 ] && err_has "no key for work"
expect "keys rm of a missing key exits 4"

t_write_config
t_config_append "[provider.work]
api = openai
base_url = $FAKE_URL/v1
key_env = LLM_TEST_WORK_KEY"
run_llm keys check work
[ "$RC" = 4 ] && err_has "LLM_TEST_WORK_KEY" && err_has "llm keys set work" &&
    err_has "key_command"
expect "no key anywhere gives the message naming key_env, keys set and key_command"

t_write_config
t_config_append "[provider.work]
api = openai
base_url = $FAKE_URL/v1
key_command = printf 'sk-leaky-output'; exit 3"
run_llm keys check work
[ "$RC" = 4 ] && err_has "status 3" && ! err_has "sk-leaky" && ! out_has "sk-leaky"
expect "a failing key_command names its exit status, not its output"
t_write_config

# --- a prompt on a terminal: no echo, and echo back after ^C --------------------------------
t_py - "$LLM_BIN" "$KEY2" >"$T/out" 2>"$T/err" <<'EOF'
import os, pty, sys, termios, time
llm, key = sys.argv[1], sys.argv[2]

def session(provider, interrupt):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(llm, [llm, "keys", "set", provider])
    seen = b""
    deadline = time.time() + 20
    while b"not shown" not in seen and time.time() < deadline:
        try:
            seen += os.read(fd, 1024)
        except OSError:
            break
    # Echo goes off once the prompt is up (the handlers are in place first).
    while termios.tcgetattr(fd)[3] & termios.ECHO and time.time() < deadline:
        time.sleep(0.01)
    echo_off = not termios.tcgetattr(fd)[3] & termios.ECHO
    os.write(fd, b"\x03" if interrupt else key.encode() + b"\n")
    while True:
        try:
            b = os.read(fd, 1024)
        except OSError:
            break
        if not b:
            break
        seen += b
    # The terminal's settings outlive the process on the master side.
    echo_back = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    _, status = os.waitpid(pid, 0)
    return seen, status, echo_off, echo_back

seen, status, off, back = session("groq", False)
print("typed: status=%d echo_off=%s echo_back=%s shown=%s" % (
    os.waitstatus_to_exitcode(status), off, back, key.encode() in seen))
seen, status, off, back = session("mistral", True)
print("interrupted: signaled=%s echo_off=%s echo_back=%s" % (
    os.WIFSIGNALED(status) and os.WTERMSIG(status) == 2, off, back))
EOF
RC=$?
grep -q "typed: status=0 echo_off=True echo_back=True shown=False" "$T/out" &&
    [ "$(kr_lookup groq)" = "$KEY2" ]
expect "keys set on a terminal reads the key without echo"
grep -q "interrupted: signaled=True echo_off=True echo_back=True" "$T/out" &&
    [ -z "$(kr_lookup mistral)" ]
expect "keys set restores echo when interrupted at the prompt"

# --- a locked collection whose prompt cannot be shown ---------------------------------------
if kr_lock && ! kr_unlocked; then
	run_llm keys check openai
	[ "$RC" = 4 ] && err_has "locked" && err_has "unlock" && ! err_has "no API key"
	expect "a locked collection is reported as locked, not as a missing key"
	fake_reply '{"text":"never"}'
	n=$(fake_count)
	run_llm -q -m test-cheap "say hi"
	[ "$RC" = 4 ] && err_has "locked" && [ "$(fake_count)" = "$n" ]
	expect "a request with the collection locked exits 4 and sends nothing"
	fake_reset
	keys_in "$KEY2" keys set anthropic
	[ "$RC" = 4 ] && err_has "locked"
	expect "keys set into a locked collection exits 4 saying it is locked"
	run_llm keys rm openai
	[ "$RC" = 4 ] && err_has "locked" && ! err_has "no key"
	expect "keys rm from a locked collection says it is locked, not that there is no key"
	kr_unlock
	run_llm keys check openai
	[ "$RC" = 0 ] && out_has "from keyring" && out_has "$LAST4"
	expect "after unlocking, the key is found again"
else
	not_ok "the login collection can be locked for the test"
fi

run_llm keys rm openai
[ "$RC" = 0 ] && [ -z "$(kr_lookup openai)" ]
expect "keys rm openai"
run_llm keys rm groq
run_llm keys list --json
[ "$RC" = 0 ] && t_py -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [p for p in d["providers"] if p["source"] != "none" or p["in_keyring"]] == []
' "$T/out"
expect "after rm, no provider has a key"

run_llm -q -m test-cheap "say hi"
[ "$RC" = 4 ] && err_has "llm keys set openai" && err_has "OPENAI_API_KEY"
expect "a request with no key anywhere exits 4 with the message naming the fixes"

# The daemon keeps its collections encrypted, and llm writes keys nowhere.
! leaked "$KEY" && ! leaked "$KEY2" && ! leaked "$LAST5"
expect "no file under HOME or llm's dirs holds a key's bytes"
