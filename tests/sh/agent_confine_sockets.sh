# agent_confine_sockets: a command the agent runs (and all it starts) cannot open a local (UNIX)
# socket, so it cannot reach one listening outside the workspace by its path (the docker socket,
# the session bus, an ssh or gpg agent); socket pairs and pipes still work. The refusal is the
# command's own "Permission denied", and the model and the step's line are told which option
# allows sockets: with [agent] unix_sockets = yes a test server's socket in the workspace works.
# Where seccomp is not to be had, the first step says local sockets are open.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_sum_repo "$T/repo"
mkdir -p "$T/outside"
# a service of the user's outside the workspace: it notes each connection and greets it
cat >"$T/server.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1] + ".tmp")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.listen(8)
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as log:
        log.write("connected\n")
    c.sendall(b"hello from outside\n")
    c.close()
PY
"$T_PY" -I -S "$T/server.py" "$T/outside/service.sock" "$T/outside/log" &
SERVER_PID=$!
t_defer "kill $SERVER_PID 2>/dev/null"
t_wait test -S "$T/outside/service.sock"
check "the service outside listens" test -S "$T/outside/service.sock"
export OUTSIDE_SOCK="$T/outside/service.sock" SOCK_PY="$T_PY"

# try.sh: what each socket does, one line each, whatever the others did
cat >"$T/repo/try.py" <<'PY'
import os, socket, sys, threading
what = sys.argv[1]
try:
    if what == "outside":
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(os.environ["OUTSIDE_SOCK"])
        print("outside:", c.recv(100).decode().strip())
    elif what == "pair":
        a, b = socket.socketpair()
        a.sendall(b"through the pair")
        print("pair:", b.recv(100).decode())
    elif what == "pipe":
        r, w = os.pipe()
        os.write(w, b"through the pipe")
        print("pipe:", os.read(r, 100).decode())
    elif what == "workspace":
        # a test suite's server: a socket made in the workspace, and a client of it
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind("test.sock")
        s.listen(1)
        threading.Thread(target=lambda: s.accept()[0].sendall(b"round trip")).start()
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect("test.sock")
        print("workspace:", c.recv(100).decode())
        os.unlink("test.sock")
except OSError as e:
    print(what + ": refused:", e)
    sys.exit(1)
PY
cat >"$T/repo/try.sh" <<'SH'
st=0
for w in pair pipe outside workspace; do
	"$SOCK_PY" -I -S try.py "$w" || st=1
done
exit $st
SH

# task NAME: run try.sh in a task
task() {
	fake_reset
	fake_reply '{"calls":[{"name":"run","args":{"command":"sh try.sh"}}]}'
	fake_reply '{"text":"Tried."}'
	cd "$T/repo" || exit 1
	run_llm "do" -m test-cheap --allow run "try the sockets"
	cd - >/dev/null || exit 1
	check_rc "$1: the task ends (exit 0)" 0
	sent=$(fake_get 1 body.messages.-1.content)
}

task "default"
check_contains "default: a socket pair works" "$sent" "pair: through the pair"
check_contains "default: a pipe works" "$sent" "pipe: through the pipe"
check_contains "default: the service outside cannot be reached" "$sent" \
    "outside: refused: [Errno 13] Permission denied"
check "default: the service saw no connection" test ! -e "$T/outside/log"
check_contains "default: nor can a test server in the workspace make its socket" "$sent" \
    "workspace: refused: [Errno 13] Permission denied"
check_contains "default: the model is told local sockets are closed" "$sent" \
    "may not open local (UNIX) sockets"
check_contains "default: and which option opens them" "$sent" "unix_sockets = yes"
check_contains "default: the step's line says so" "$ERR" "open no local sockets; see [agent]"
check_contains "default: and names the option" "$ERR" "unix_sockets"
check_not_contains "default: the first step says nothing of an open socket" "$ERR" "sockets open"

# a command that succeeds is not told of refusals, even with the words in its output
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"echo Permission denied"}}]}'
fake_reply '{"text":"Done."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow run "echo"
cd - >/dev/null || exit 1
check_not_contains "a command that succeeds gets no note" "$(fake_get 1 body.messages.-1.content)" \
    "unix_sockets"

t_config_append "[agent]
unix_sockets = yes"
task "allowed"
check_contains "allowed: a test server in the workspace works" "$sent" "workspace: round trip"
check_contains "allowed: and so does the service outside, as the option says" "$sent" \
    "outside: hello from outside"
check_contains "allowed: a socket pair works" "$sent" "pair: through the pair"
check_not_contains "allowed: no note" "$sent" "unix_sockets"
run_llm config show
check_contains "allowed: config show has the option" "$OUT" "unix_sockets = yes"
t_config_append "unix_sockets = maybe"
run_llm config check
check_rc "a value not yes or no is a config error" 2
check_contains "and says so" "$ERR" "unix_sockets: expected yes or no, got 'maybe'"

# no seccomp: its call fails with ENOSYS, as on a kernel without it (a filter of the test's own)
sed -i '/^\[agent\]$/,$d' "$LLM_CONFIG_DIR/config.ini"
case $(uname -m) in
x86_64) nr=317 ;;
aarch64) nr=277 ;;
*) nr= ;;
esac
if [ -n "$nr" ]; then
	t_without_calls no-seccomp "$nr" "$nr"
	real_llm=$LLM_BIN
	LLM_BIN="$T/no-seccomp"
	task "no seccomp"
	LLM_BIN=$real_llm
	check_contains "no seccomp: the first step says local sockets are open" "$ERR" \
	    "local sockets open (no seccomp)"
	check_contains "no seccomp: the commands still run" "$sent" "pair: through the pair"
else
	echo "# skip: no seccomp number known for $(uname -m)"
fi
echo "# $T_PASS passed, $T_FAIL failed"
