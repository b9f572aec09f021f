# A key key_command printed is kept for the requests that follow in the same
# process: a task's steps and a session's messages run the command once, not
# once a request (it may ask for a passphrase each time). A key the provider
# rejects is forgotten, and the next request runs the command again.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

CMD_KEY=sk-from-command-7777
printf '%s\n' "$CMD_KEY" >"$T/secret"
unset OPENAI_API_KEY
sed -i "/^\[provider.openai\]/a key_command = echo ran >>'$T/runs'; cat '$T/secret'" \
    "$LLM_CONFIG_DIR/config.ini"

# runs: how many times key_command ran since the last `: >"$T/runs"`
runs() {
	wc -l <"$T/runs" | tr -d ' '
}

# check_keys NAME N: each of the N requests recorded carried the command's key.
check_keys() {
	_i=0
	_sent=
	while [ "$_i" -lt "$2" ]; do
		_sent="$_sent$(fake_get "$_i" headers.authorization);"
		_i=$((_i + 1))
	done
	check_eq "$1" "$_sent" "$(printf "Bearer $CMD_KEY;%.0s" $(seq "$2"))"
}

# --- a task of three steps: the key is got at its start, then three requests
(t_git_repo "$T/repo") >/dev/null
: >"$T/runs"
fake_reply '{"calls":[{"name":"list","args":{"path":"."}}]}'
fake_reply '{"calls":[{"name":"read","args":{"path":"README"}}]}'
fake_reply '{"text":"Done."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap "look around"
cd - >/dev/null || exit 1
check_rc "a task of three steps: exit 0" 0
check_eq "a task of three steps: three requests" "$(fake_count)" 3
check_keys "a task: every request carries the command's key" 3
check_eq "a task: key_command ran once" "$(runs)" 1

# --- the next process runs it again: nothing is kept on disk
fake_reset
fake_reply '{"text":"fresh"}'
before=$(runs)
run_llm -q -m test-cheap "hi"
check_rc "another process: exit 0" 0
check_eq "another process: key_command ran again" "$(runs)" $((before + 1))
check_not_contains "the key is in no file of llm's" \
    "$(grep -rl -- "$CMD_KEY" "$LLM_DATA_DIR" "$LLM_CONFIG_DIR" "$HOME" 2>/dev/null)" /

# --- a session of three messages, the first answered 401: the rejected key is
# forgotten, the second message runs the command again, the third does not
: >"$T/runs"
fake_reset
fake_reply '{"status":401}'
fake_reply '{"text":"one"}'
fake_reply '{"text":"two"}'
cat >"$T/k.s" <<'S'
:type first
:key Enter
:wait-idle
:type second
:key Enter
:wait-idle
:type third
:key Enter
:wait-idle
S
timeout -k 5 60 "$LLM_BIN" chat -m test-cheap --headless "$T/k.s" --size 100x30 \
    --out "$T/k.screen" >"$T/k.out" 2>"$T/k.err"
check_eq "a session: three requests" "$(fake_count)" 3
check_keys "a session: every request carries the command's key" 3
check_contains "a session: the rejection is shown" "$(cat "$T/k.screen")" "rejected the key"
check_eq "a session: the rejected key's command ran again, then was kept" "$(runs)" 2
fake_reset
fake_reply '{"status":401}'
run_llm -q -m test-cheap "hi"
check_rc "rejected: exit 4" 4
check_contains "rejected: says the command printed it, and runs again" "$ERR" \
    "it is the one provider openai's key_command printed, which the next request runs again: check what it prints"

# --- Ctrl-C at a key_command's prompt before a task, one that ignores it: the
# command is stopped, not waited for; said, exit 130, and no task, row or request.
t_write_config
t_ledger_reset
fake_reset
cd "$T/repo" || exit 1
t_ctrl_c_key_command "trap '' INT;" "do" -m test-cheap "look around"
cd - >/dev/null || exit 1
check_rc "do: Ctrl-C at key_command: exit 130" 130
check_eq "do: Ctrl-C at key_command: says so, and only that" "$ERR" \
    "llm: do: interrupted before the task started"
check_eq "do: Ctrl-C at key_command: nothing sent" "$(fake_count)" 0
check "do: Ctrl-C at key_command: the command is gone" sh -c "! kill -0 \$(cat '$T/asked') 2>/dev/null"
check "do: Ctrl-C at key_command: no task, no row: the ledger not even opened" \
    test ! -e "$LLM_DATA_DIR/llm.db"
