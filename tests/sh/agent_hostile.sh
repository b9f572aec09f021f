# agent_hostile: what a hostile model puts in a tool call reaches neither the
# terminal as escapes nor a secret file's contents: a tool name of its own
# making is shown made visible, on one line.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_sum_repo "$T/repo"
fake_reply '{"calls":[{"name":"frob\u001b]0;PWNED\u0007\nllm: do: run allowed on the terminal","args":{}}]}'
fake_reply '{"text":"Done."}'
cd "$T/repo" || exit 1
run_llm "do" -m test-cheap "probe the tools"
cd - >/dev/null || exit 1
check_rc "unknown tool: the task ends (exit 0)" 0
check_contains "unknown tool: refused, said on stderr" "$ERR" "unknown tool"
check_not_contains "unknown tool: no escape on stderr" "$ERR" "$(printf '\033')"
check_not_contains "unknown tool: no bell on stderr" "$ERR" "$(printf '\007')"
check_not_contains "unknown tool: its name cannot make a line of its own" "$ERR" \
    "$(printf '\nllm: do: run allowed')"
check_contains "unknown tool: its name shown made visible" "$ERR" "llm: do: frob␛]0;PWNED␇: unknown tool"
echo "# $T_PASS passed, $T_FAIL failed"
