# agent_unconfined: on a kernel without Landlock (here: a seccomp filter makes its calls fail
# with ENOSYS, as an old kernel does), the agent's commands still run, and the step of the
# task's first command says once that they are not confined.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# $T/no-landlock: llm where every Landlock call (444 to 446 on every
# architecture) fails with ENOSYS
t_without_calls no-landlock 444 446
real_llm=$LLM_BIN
abi=$(t_py "$T/no-landlock.py" "$T_PY" -I -S -c '
import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')
check_eq "the filter hides Landlock" "$abi" "-1"

t_sum_repo "$T/repo"
mkdir -p "$T/elsewhere"
fake_reply '{"calls":[{"name":"run","args":{"command":"echo x >\"$ELSEWHERE/f\""}}]}'
fake_reply '{"calls":[{"name":"run","args":{"command":"sh test.sh"}}]}'
fake_reply '{"text":"Done."}'
export ELSEWHERE="$T/elsewhere"
LLM_BIN="$T/no-landlock"
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
