#!/bin/sh
# keyring_agent: a command the agent runs, though allowed without asking, cannot reach the
# session's agents: the keyring on the session bus (named in DBUS_SESSION_BUS_ADDRESS, or
# found at $XDG_RUNTIME_DIR/bus), the ssh agent and the gpg agent; a real gnome-keyring holds
# the key llm itself uses, and a real ssh-agent a key (the helpers are keyring.sh's).
set -u

. "${LLM_TOP:-.}/tests/lib.sh"
t_dbus_session "${1:-}" gnome-keyring-daemon secret-tool dbus-send ssh-agent ssh-add ssh-keygen \
    gpgconf
# shellcheck disable=SC2034 # read by tests/lib.sh
T_KEEP_DBUS=1
t_setup
t_keyring_setup

rand() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

if ! t_keyring_start; then
	not_ok "gnome-keyring-daemon starts with a default collection" "$(cat "$T/daemon.log")"
	exit 1
fi
KEY="sk-test-$(rand)Wxyz"
printf '%s\n' "$KEY" | "$LLM_BIN" keys set openai >"$T/out" 2>"$T/err"
check_eq "the key is in the keyring" \
    "$(secret-tool lookup application llm provider openai 2>/dev/null)" "$KEY"

# A real ssh agent holding a key, the way a desktop session has one.
eval "$(ssh-agent -s -a "$T/ssh.sock")" >/dev/null
t_defer 'ssh-agent -k >/dev/null 2>&1'
ssh-keygen -q -t ed25519 -N '' -C llm-test-ssh-key -f "$T/id_test" </dev/null
ssh-add -q "$T/id_test" 2>/dev/null
check_contains "the ssh agent holds a key" "$(ssh-add -L)" "llm-test-ssh-key"
export GPG_AGENT_INFO="$T/S.gpg-agent:0:1" LLM_TEST_KEEP=kept-in-the-child
user_gpg=$(gpgconf --list-dirs agent-socket)
BUS=${DBUS_SESSION_BUS_ADDRESS%%,*}

t_sum_repo "$T/repo"
t_config_append '
[agent]
allow_run = secret-tool lookup, env, ssh-add -L, gpgconf --list-dirs'

# task NAME: the model asks for the key, the environment, the ssh agent's keys and the gpg
# agent's socket, all allowed; none of the agents answers, the key is nowhere.
task() {
	fake_reset
	fake_reply '{"calls":[
	    {"name":"run","args":{"command":"secret-tool lookup application llm provider openai"}},
	    {"name":"run","args":{"command":"env"}},
	    {"name":"run","args":{"command":"ssh-add -L"}},
	    {"name":"run","args":{"command":"gpgconf --list-dirs agent-socket"}}]}'
	fake_reply '{"text":"Done."}'
	cd "$T/repo" || exit 1
	run_llm "do" -m test-cheap --json "look around"
	cd - >/dev/null || exit 1
	check_rc "$1: the task ends (exit 0)" 0
	check_eq "$1: the request took the key from the keyring" \
	    "$(fake_get 0 headers.authorization)" "Bearer $KEY"
	sent=$(fake_get 1 body)
	check_contains "$1: the commands ran" "$sent" "[exit status 0]"
	check_contains "$1: a harmless variable reaches the command" "$sent" \
	    "LLM_TEST_KEEP=kept-in-the-child"
	check_contains "$1: PATH reaches the command" "$sent" "PATH=$PATH"
	check_not_contains "$1: the keyring gives the command no key" "$sent" "$KEY"
	check_not_contains "$1: nor the last bytes of it" "$sent" "${KEY#sk-test-}"
	check_not_contains "$1: nor is it printed" "$(cat "$T/out" "$T/err")" "${KEY#sk-test-}"
	check "$1: nor in the ledger or llm's files" \
	    sh -c "! grep -rqaF -- '${KEY#sk-test-}' \"\$LLM_DATA_DIR\" \"\$LLM_CONFIG_DIR\""
	check_not_contains "$1: the ssh agent gives the command no key" "$sent" "llm-test-ssh-key"
	check_not_contains "$1: the gpg agent's socket is not the user's" "$sent" "$user_gpg"
	check_not_contains "$1: the command's environment has not the session bus" "$sent" "$BUS"
	for v in SSH_AUTH_SOCK SSH_AGENT_PID GPG_AGENT_INFO XDG_RUNTIME_DIR; do
		check_not_contains "$1: the command's environment has no $v" "$sent" "$v="
	done
}

task "bus named"

# With no address, GLib, libdbus and sd-bus look for the bus at $XDG_RUNTIME_DIR/bus; llm
# finds its key there, its command must not.
ln -s "${BUS#unix:path=}" "$XDG_RUNTIME_DIR/bus"
unset DBUS_SESSION_BUS_ADDRESS
check_eq "the bus is found at \$XDG_RUNTIME_DIR/bus" \
    "$(secret-tool lookup application llm provider openai 2>/dev/null)" "$KEY"
task "bus in the runtime dir"
echo "# $T_PASS passed, $T_FAIL failed"
