#!/bin/sh
# keyring_nologin: a Secret Service with no login collection (a daemon started
# without --unlock, in a HOME that never had a keyring), as on a headless host.
# Runs in a private D-Bus session as keyring.sh does.
set -u

. "${LLM_TOP:-.}/tests/lib.sh"
t_dbus_session "${1:-}" gnome-keyring-daemon dbus-send
# shellcheck disable=SC2034 # read by tests/lib.sh
T_KEEP_DBUS=1
t_setup
t_keyring_setup

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
