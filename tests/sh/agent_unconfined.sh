# agent_unconfined: on a kernel without Landlock (here: a seccomp filter makes its calls fail
# with ENOSYS, as an old kernel does), the agent's commands still run, and the step of the
# task's first command says once that they are not confined.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# no-landlock CMD...: run CMD where every Landlock call fails with ENOSYS
cat >"$T/no-landlock.py" <<'PY'
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
# load the syscall number; landlock_* (444 to 446 on every architecture) -> ENOSYS; else allow
code = [(0x20, 0, 0, 0), (0x35, 0, 2, 444), (0x35, 1, 0, 447),
        (0x06, 0, 0, 0x00050000 | 38), (0x06, 0, 0, 0x7fff0000)]
filt = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in code))
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
prog = Prog(len(code), ctypes.addressof(filt))
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:
    sys.exit("no-landlock: seccomp: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
PY
real_llm=$LLM_BIN
printf '#!/bin/sh\nexec "%s" -I -S "%s" "%s" "$@"\n' "$T_PY" "$T/no-landlock.py" "$real_llm" \
    >"$T/llm"
chmod +x "$T/llm"
abi=$(t_py "$T/no-landlock.py" "$T_PY" -I -S -c '
import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')
check_eq "the filter hides Landlock" "$abi" "-1"

t_sum_repo "$T/repo"
mkdir -p "$T/elsewhere"
fake_reply '{"calls":[{"name":"run","args":{"command":"echo x >\"$ELSEWHERE/f\""}}]}'
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}]}'
fake_reply '{"text":"Done."}'
export ELSEWHERE="$T/elsewhere"
LLM_BIN="$T/llm"
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap --allow run "try"
cd - >/dev/null || exit 1
LLM_BIN=$real_llm
check_rc "the task ends (exit 0)" 0
check_eq "the first command's step says it is not confined" \
    "$(grep -c 'run echo x .* · exit 0 · .* s · not confined (no Landlock): it could write anywhere · ' "$T/err")" 1
check_eq "once in the task" "$(grep -c 'not confined' "$T/err")" 1
check "the commands ran" test -f "$T/elsewhere/f"
check_contains "the second too" "$(fake_get 2 body.messages.-1.content)" "FAIL"
echo "# $T_PASS passed, $T_FAIL failed"
