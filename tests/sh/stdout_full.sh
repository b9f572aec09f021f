#!/bin/sh
# stdout_full: every command that prints says why stdout did not take it (exit 2), and a reader that left is 141.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

if [ ! -w /dev/full ]; then
	echo "not ok - /dev/full is not there to write to"
	exit 1
fi

# A conversation for logs show and export to print.
fake_reply '{"text":"kept for the logs"}'
run_llm -q -m test-cheap "remember this"
check_rc "a conversation to print: exit 0" 0

# Each line is one command line; what it prints goes to a full disk. The
# reason is said whatever the size of the output and wherever stdio met the
# failure: in the middle of the printing (a report larger than its buffer)
# or at the last flush.
cat >"$T/lines" <<'EOF'
route hello
route --json hello
route --explain hello
--dry-run hello
--dry-run --json hello
models
models --json
usage
usage --json
usage --by tier
budget
budget --json
logs
logs --json
logs show 1
logs export 1
logs export 1 --format json
keys list
keys list --json
config path
config show
--version
--help
version
help
budget --help
roles
cmd --print list files
-q -m test-cheap hello
-q -m test-cheap --json hello
EOF
while IFS= read -r line; do
	fake_reply '{"text":"an answer"}'
	eval "set -- $line"
	"$LLM_BIN" "$@" </dev/null >/dev/full 2>"$T/err"
	echo $? >"$T/rc"
	check_eq "llm $line >/dev/full: exit 2" "$(cat "$T/rc")" 2
	check_contains "llm $line >/dev/full: says why" "$(cat "$T/err")" \
	    "llm: stdout: No space left on device"
	check_not_contains "llm $line >/dev/full: not a bare write error" "$(cat "$T/err")" "write error"
	check_eq "llm $line >/dev/full: said once" "$(grep -c 'llm: stdout:' "$T/err")" 1
done <"$T/lines"

# A reader that left, with SIGPIPE ignored (as a parent may leave it): the
# exit code a process SIGPIPE kills would give, 141, and nothing said, as for
# an answer cut by | head.
cat >"$T/lines" <<'EOF'
models
models --json
route hello
--version
-q -m test-cheap hello
EOF
while IFS= read -r line; do
	fake_reply '{"text":"an answer"}'
	eval "set -- $line"
	t_py -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[1], "wb") as err:
    p = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=w, stderr=err,
                       restore_signals=False)
print(p.returncode)' "$T/err" "$LLM_BIN" "$@" >"$T/rc"
	check_eq "llm $line, reader gone: exit 141" "$(cat "$T/rc")" 141
	check_not_contains "llm $line, reader gone: nothing said of stdout" "$(cat "$T/err")" \
	    "llm: stdout"
done <"$T/lines"
