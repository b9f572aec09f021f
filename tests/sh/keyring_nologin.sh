#!/bin/sh
# keyring_nologin: a Secret Service with no login collection (a daemon started
# without --unlock, in a HOME that never had a keyring), as on a headless host.
# Runs in a private D-Bus session as keyring.sh does.
set -u

if [ "${1:-}" != inner ]; then
	for tool in dbus-run-session gnome-keyring-daemon dbus-send; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			if [ "${CI:-}" = true ]; then
				echo "not ok - keyring tools: $tool is not installed (scripts/deps.sh installs it)"
				exit 1
			fi
			echo "# skip: $tool is not installed (scripts/deps.sh installs it); keyring not tested"
			exit 0
		fi
	done
	KR_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/llm-keyring.XXXXXX") || exit 1
	export KR_ROOT HOME="$KR_ROOT/home" XDG_RUNTIME_DIR="$KR_ROOT/run"
	export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
	export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
	mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
	unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
	dbus-run-session -- sh "$0" inner >"$KR_ROOT/bus.log" 2>&1
	rc=$?
	cat "$KR_ROOT/results" 2>/dev/null || cat "$KR_ROOT/bus.log"
	rm -rf "$KR_ROOT"
	exit "$rc"
fi
exec >"$KR_ROOT/results" 2>&1

. "${LLM_TOP:-.}/tests/lib.sh"
T_KEEP_DBUS=1
t_setup
export HOME="$KR_ROOT/home" XDG_RUNTIME_DIR="$KR_ROOT/run"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY
unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
supp=$(printf '%s' "${LSAN_OPTIONS:-}" | tr ':' '\n' | sed -n 's/^suppressions=//p' | tail -n 1)
{
	[ -n "$supp" ] && cat "$supp" 2>/dev/null
	printf 'leak:libglib-2.0.so\nleak:libgio-2.0.so\nleak:libgobject-2.0.so\nleak:libsecret-1.so\n'
} >"$T/lsan.supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp"

# The daemon as a session would start it before any login: no --unlock.
eval "$(gnome-keyring-daemon --start --components=secrets 2>>"$T/daemon.log")"
kr_up() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
	    grep -q 'boolean true'
}
t_wait kr_up
check "the Secret Service is up" kr_up

printf 'sk-test-nologin-Wxyz\n' | "$LLM_BIN" keys set openai >"$T/out" 2>"$T/err"
RC=$?
check_eq "no login collection: keys set exits 4" "$RC" 4
ERR=$(cat "$T/err")
check_contains "no login collection: says there is no collection" "$ERR" \
    "the Secret Service has no collection to keep keys in"
check_contains "no login collection: how to create one headless" "$ERR" \
    "gnome-keyring-daemon --replace --unlock --components=secrets"
check_contains "no login collection: or key_env / key_command" "$ERR" "key_env or key_command"
check_not_contains "no login collection: the key is not in the message" "$ERR" "sk-test-nologin"

# The advice works: restarted with --unlock, the daemon makes the collection.
eval "$(printf pw | gnome-keyring-daemon --replace --unlock --components=secrets 2>>"$T/daemon.log")"
kr_login() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	    org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null |
	    grep -q 'collection/login'
}
t_wait kr_login
printf 'sk-test-nologin-Wxyz\n' | "$LLM_BIN" keys set openai >"$T/out" 2>"$T/err"
check_eq "after the advice: keys set works" "$?" 0
"$LLM_BIN" keys check openai >"$T/out" 2>"$T/err"
check_contains "after the advice: the key is found" "$(cat "$T/out")" "Wxyz"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
