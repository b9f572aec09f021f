# The /run command starts apart from the client: a session of its own, no
# terminal, none of the client's descriptors, and no key variables.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_config_append "
[provider.work]
api = openai
base_url = $FAKE_URL/v1
key_env = WORK_SECRET_TOKEN"
export WORK_SECRET_TOKEN=sk-work-secret-0004
export SOMEONE_ELSES_API_KEY=sk-unconfigured-0005
export LLM_TEST_KEEP=kept-in-the-child
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'

# a request first, so that the client holds a connection and the ledger open;
# the command's first line runs with no redirection (the shell saves descriptors
# around one)
cat >"$T/r.s" <<S
:type hello
:key Enter
:wait-idle
:type /run ls /proc/\$\$/fd; echo \$\$ >$T/pid; cat /proc/\$\$/stat >$T/stat; env >$T/env
:key Enter
:key y
:wait-idle
:dump-screen $T/r1
:type see
:key Enter
:wait-idle
S
if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/r.s" --size 100x30 >"$T/r.out" 2>"$T/r.err"; then
	rc=0
else
	rc=$?
fi
check_eq "run: exit 0" "$rc" 0
check_contains "run: the command ran" "$(cat "$T/r1" 2>/dev/null)" "ran ls /proc/"
check_eq "run: a request before and one after" "$(fake_count)" 2

pid=$(cat "$T/pid" 2>/dev/null)
# /proc/PID/stat after the name: state ppid pgrp session tty_nr
# shellcheck disable=SC2046 # the fields of /proc/PID/stat
set -- $(sed 's/.*) //' "$T/stat" 2>/dev/null)
check_eq "run: leads its own process group" "${3:-}" "$pid"
check_eq "run: leads its own session (setsid)" "${4:-}" "$pid"
check_eq "run: has no controlling terminal" "${5:-}" 0
# the listing is the command's output, attached to the next message: with no
# redirection the shell holds nothing but what it was given
fence='```'
check_contains "run: only stdin, stdout and stderr are open" "$(fake_get 1 body.messages.-1.content)" \
    "(exit 0):
$fence
0
1
2
$fence"
check_contains "run: other variables are kept" "$(cat "$T/env" 2>/dev/null)" "LLM_TEST_KEEP=kept-in-the-child"
for v in sk-test-openai-0001 sk-ant-test-0002 gm-test-0003 sk-work-secret-0004 sk-unconfigured-0005; do
	check_not_contains "run: no key in its environment ($v)" "$(cat "$T/env" 2>/dev/null)" "$v"
done
echo "# $T_PASS passed, $T_FAIL failed"
