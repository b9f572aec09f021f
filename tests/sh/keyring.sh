#!/bin/sh
# keyring: llm keys and the key lookup against a real gnome-keyring inside a private D-Bus session.
#
# The outer run re-executes this script under dbus-run-session; the inner run
# gets a throw-away HOME, XDG dirs and runtime dir, so no user keyring or bus is
# ever touched. Checks first run with no session bus at all, then start
# gnome-keyring-daemon on the private bus.
set -u

if [ "${1:-}" != inner ]; then
	for tool in dbus-run-session gnome-keyring-daemon secret-tool; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			if [ "${CI:-}" = true ]; then
				echo "not ok - keyring tools: $tool is not installed (scripts/deps.sh installs it)"
				exit 1
			fi
			echo "# skip: $tool is not installed (scripts/deps.sh installs it); keyring not tested"
			exit 0
		fi
	done
	exec dbus-run-session -- sh "$0" inner
fi

LLM=${LLM_BIN:?LLM_BIN is not set}
ROOT=$(mktemp -d "${TMPDIR:-/tmp}/llm-keyring.XXXXXX")
T=$ROOT/t                       # command output, outside the searched dirs
KR_PID=""
cleanup() {
	[ -n "$KR_PID" ] && kill "$KR_PID" 2>/dev/null
	rm -rf "$ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T"

# A private HOME holding every directory llm or the keyring daemon may write to.
setup_home() {
	export HOME="$ROOT/home"
	export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
	export XDG_CACHE_HOME="$HOME/.cache" XDG_RUNTIME_DIR="$ROOT/run"
	export LLM_CONFIG_DIR="$XDG_CONFIG_HOME/llm" LLM_DATA_DIR="$XDG_DATA_HOME/llm"
	mkdir -p "$HOME" "$LLM_CONFIG_DIR" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	# No prompt window may appear: the prompter must fail at once, headless.
	unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
	for v in OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY DEEPSEEK_API_KEY \
	    OPENROUTER_API_KEY GROQ_API_KEY MISTRAL_API_KEY TOGETHER_API_KEY FIREWORKS_API_KEY \
	    LLM_TEST_WORK_KEY; do
		unset "$v"
	done
}

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	for f in "$T/out" "$T/err"; do
		[ -s "$f" ] && sed 's/^/# /' "$f"
	done
	return 0
}
# check NAME: ok when the previous test's condition ($?) held.
check() {
	if [ "$?" -eq 0 ]; then ok "$1"; else not_ok "$1"; fi
}

# run ARGS...: run llm with stdin as given; stdout, stderr and status in $T.
run() {
	"$LLM" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
rc() { cat "$T/rc"; }
out_has() { grep -qF -- "$1" "$T/out"; }
err_has() { grep -qF -- "$1" "$T/err"; }

# Every file under HOME with its checksum, to see what a command wrote.
snapshot() { find "$HOME" -type f -exec cksum {} + 2>/dev/null | sort; }
# Whether the bytes of a key appear in any file under HOME and llm's dirs.
leaked() { grep -rqF -- "$1" "$HOME" "$LLM_CONFIG_DIR" "$LLM_DATA_DIR" 2>/dev/null; }

# Start gnome-keyring-daemon on the private bus and wait until its default collection exists.
start_keyring() {
	eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets 2>>"$T/daemon.log")"
	KR_PID=${GNOME_KEYRING_PID:-}
	i=0
	while [ "$i" -lt 100 ]; do
		if keyring_ready; then
			return 0
		fi
		i=$((i + 1))
		sleep 0.05
	done
	return 1
}
keyring_ready() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	    org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null |
	    grep -q 'collection/login'
}
# What the keyring holds for a provider, read by another Secret Service client.
kr_lookup() { secret-tool lookup application llm provider "$1" 2>/dev/null; }
kr_lock() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	    org.freedesktop.Secret.Service.Lock \
	    array:objpath:/org/freedesktop/secrets/collection/login >/dev/null 2>&1
}
kr_unlock() {
	# The daemon takes the password on stdin; --replace hands its collections over.
	eval "$(printf pw | gnome-keyring-daemon --replace --unlock --components=secrets 2>>"$T/daemon.log")"
	KR_PID=${GNOME_KEYRING_PID:-$KR_PID}
	i=0
	while [ "$i" -lt 100 ] && ! keyring_unlocked; do
		i=$((i + 1))
		sleep 0.05
	done
}
keyring_unlocked() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets \
	    /org/freedesktop/secrets/collection/login org.freedesktop.DBus.Properties.Get \
	    string:org.freedesktop.Secret.Collection string:Locked 2>/dev/null | grep -q 'boolean false'
}

setup_home
KEY="sk-test-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')Wxyz"
KEY2="sk-grq-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')Q9r8"
LAST4=$(printf %s "$KEY" | tail -c 4)
LAST5=$(printf %s "$KEY" | tail -c 5)

# --- with no session bus: keys set fails with the fixes, writes nothing --------------------
before=$(snapshot)
printf '%s\n' "$KEY" | env -u DBUS_SESSION_BUS_ADDRESS "$LLM" keys set openai >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
[ "$(rc)" = 4 ] && err_has "gnome-keyring-daemon" && err_has "KeePassXC" &&
    err_has "key_env" && err_has "key_command" && ! err_has "$KEY"
check "keys set with no session bus exits 4 and names the fixes"
[ "$(snapshot)" = "$before" ] && ! leaked "$KEY"
check "keys set with no session bus writes no file"

printf '%s\n' "$KEY" | DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/llm-bus \
    "$LLM" keys set openai >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
[ "$(rc)" = 4 ] && err_has "gnome-keyring-daemon" && err_has "key_command" && ! err_has "$KEY"
check "keys set with a dead bus address exits 4 and names the fixes"
[ "$(snapshot)" = "$before" ] && ! leaked "$KEY"
check "keys set with a dead bus address writes no file"

env -u DBUS_SESSION_BUS_ADDRESS "$LLM" keys check openai >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
[ "$(rc)" = 4 ] && err_has "OPENAI_API_KEY" && err_has "gnome-keyring-daemon"
check "a lookup with no session bus exits 4 naming the variable and the fixes"

OPENAI_API_KEY=sk-env-only-1234 env -u DBUS_SESSION_BUS_ADDRESS "$LLM" keys check openai \
    >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
[ "$(rc)" = 0 ] && out_has "env OPENAI_API_KEY" && out_has "1234" && ! out_has "sk-env-only"
check "key_env works with no keyring at all"

# --- a real keyring ----------------------------------------------------------------------
if ! start_keyring; then
	echo "not ok - gnome-keyring-daemon started with a default collection"
	exit 1
fi
ok "gnome-keyring-daemon started with a default collection"

printf '%s\n' "$KEY" | run keys set openai
[ "$(rc)" = 0 ] && [ "$(kr_lookup openai)" = "$KEY" ] && ! err_has "$KEY"
check "keys set stores the key read from stdin"

secret-tool search --all application llm provider openai >"$T/out" 2>&1
grep -q 'label = llm: openai API key' "$T/out" && grep -q 'attribute.provider = openai' "$T/out"
check "the item carries llm's label and attributes"

run keys list
[ "$(rc)" = 0 ] && grep -q "^openai .*keyring .*…$LAST4" "$T/out" && ! out_has "$LAST5" &&
    ! err_has "$LAST5"
check "keys list shows only the last four characters"

run keys list --json
[ "$(rc)" = 0 ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
o = [p for p in d["providers"] if p["provider"] == "openai"][0]
assert d["keyring"]["available"] is True
assert o["source"] == "keyring" and o["last4"] == sys.argv[2] and o["in_keyring"] is True
' "$T/out" "$LAST4" && ! out_has "$LAST5"
check "keys list --json shows the source and the last four characters"

printf '%s\n' "$KEY2" | run keys set openai "$KEY2"
[ "$(rc)" = 2 ] && err_has "command line" && [ "$(kr_lookup openai)" = "$KEY" ]
check "keys set refuses a key on the command line"

printf '%s\n' "$KEY2" | run keys set no-such-provider
[ "$(rc)" = 2 ] && err_has "openai" && err_has "anthropic" && [ -z "$(kr_lookup no-such-provider)" ]
check "keys set refuses an unknown provider and lists the known ones"

printf '\n' | run keys set groq
[ "$(rc)" = 2 ] && err_has "no key" && [ -z "$(kr_lookup groq)" ]
check "keys set refuses an empty key"

# --- lookup order: env, then keyring, then key_command -------------------------------------
cat >"$LLM_CONFIG_DIR/config.ini" <<EOF
[provider.work]
api = openai
base_url = http://127.0.0.1:9/v1
key_env = LLM_TEST_WORK_KEY
key_command = touch '$T/command-ran'; printf 'sk-from-command-7777\n'
EOF
printf '%s\n' "$KEY2" | run keys set work
[ "$(rc)" = 0 ] && [ "$(kr_lookup work)" = "$KEY2" ]
check "keys set works for a provider from config.ini"

LLM_TEST_WORK_KEY=sk-from-env-5555 run keys check work
[ "$(rc)" = 0 ] && out_has "env LLM_TEST_WORK_KEY" && out_has "5555" && [ ! -e "$T/command-ran" ]
check "the variable wins over the keyring and key_command"

run keys check work
[ "$(rc)" = 0 ] && out_has "from keyring" && out_has "Q9r8" && ! out_has "$KEY2" &&
    [ ! -e "$T/command-ran" ]
check "the keyring wins over key_command"

run keys rm work
[ "$(rc)" = 0 ] && [ -z "$(kr_lookup work)" ]
check "keys rm deletes the key"

run keys list
[ "$(rc)" = 0 ] && grep -q "^work .*command" "$T/out" && [ ! -e "$T/command-ran" ]
check "keys list names key_command without running it"

run keys check work
[ "$(rc)" = 0 ] && out_has "from command" && out_has "7777" && ! out_has "sk-from-command" &&
    [ -e "$T/command-ran" ]
check "key_command is the last resort"

run keys rm work
[ "$(rc)" = 4 ] && err_has "no key for work"
check "keys rm of a missing key exits 4"

cat >"$LLM_CONFIG_DIR/config.ini" <<EOF
[provider.work]
api = openai
base_url = http://127.0.0.1:9/v1
key_env = LLM_TEST_WORK_KEY
EOF
run keys check work
[ "$(rc)" = 4 ] && err_has "LLM_TEST_WORK_KEY" && err_has "llm keys set work" &&
    err_has "key_command"
check "no key anywhere gives the message naming key_env, keys set and key_command"

cat >"$LLM_CONFIG_DIR/config.ini" <<EOF
[provider.work]
api = openai
base_url = http://127.0.0.1:9/v1
key_command = printf 'sk-leaky-output'; exit 3
EOF
run keys check work
[ "$(rc)" = 4 ] && err_has "status 3" && ! err_has "sk-leaky" && ! out_has "sk-leaky"
check "a failing key_command names its exit status, not its output"
rm -f "$LLM_CONFIG_DIR/config.ini"

# --- a prompt on a terminal: no echo, and echo back after ^C --------------------------------
if command -v python3 >/dev/null 2>&1; then
	python3 - "$LLM" "$KEY2" >"$T/out" 2>&1 <<'EOF'
import os, pty, sys, termios, time
llm, key = sys.argv[1], sys.argv[2]

def session(keys, interrupt):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(llm, [llm, "keys", "set", keys])
    seen = b""
    deadline = time.time() + 20
    while b"not shown" not in seen and time.time() < deadline:
        seen += os.read(fd, 1024)
    # Echo is off once the prompt is up (the handlers are in place too).
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
	grep -q "typed: status=0 echo_off=True echo_back=True shown=False" "$T/out" &&
	    [ "$(kr_lookup groq)" = "$KEY2" ]
	check "keys set on a terminal reads the key without echo"
	grep -q "interrupted: signaled=True echo_off=True echo_back=True" "$T/out" &&
	    [ -z "$(kr_lookup mistral)" ]
	check "keys set restores echo when interrupted at the prompt"
else
	echo "# skip: python3 is not installed; the terminal prompt is not tested"
fi

# --- a locked collection whose prompt cannot be shown ---------------------------------------
if kr_lock && ! keyring_unlocked; then
	run keys check openai
	[ "$(rc)" = 4 ] && err_has "locked" && err_has "unlock" && ! err_has "no API key"
	check "a locked collection is reported as locked, not as a missing key"
	printf '%s\n' "$KEY2" | run keys set anthropic
	[ "$(rc)" = 4 ] && err_has "locked"
	check "keys set into a locked collection exits 4 saying it is locked"
	kr_unlock
	run keys check openai
	[ "$(rc)" = 0 ] && out_has "from keyring" && out_has "$LAST4"
	check "after unlocking, the key is found again"
else
	echo "not ok - the login collection could be locked for the test"
fi

run keys rm openai
[ "$(rc)" = 0 ] && [ -z "$(kr_lookup openai)" ]
check "keys rm openai"
run keys rm groq
run keys list --json
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [p for p in d["providers"] if p["source"] != "none" or p["in_keyring"]] == []
' "$T/out"
check "after rm, no provider has a key"

# The keyring daemon keeps its collections encrypted: no key in clear anywhere.
! leaked "$KEY" && ! leaked "$KEY2" && ! leaked "$LAST5"
check "no file under HOME or llm's dirs holds a key's bytes"
