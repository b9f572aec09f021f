# The full-screen client, driven headless: llm chat's own errors: exit 2 with a reason, never a half-started screen.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

run_llm chat --bogus
check_rc "chat --bogus: exit 2" 2
check_contains "chat --bogus: said" "$ERR" "llm: chat: unknown option '--bogus'"
run_llm chat hello
check_rc "chat PROMPT: exit 2" 2
check_contains "chat PROMPT: said" "$ERR" "takes no prompt"
run_llm chat -t nope
check_rc "chat -t nope: exit 2" 2
run_llm chat
check_rc "chat without a terminal: exit 2" 2
check_contains "chat without a terminal: said" "$ERR" "needs a terminal on stdin and stdout"

echo "# $T_PASS passed, $T_FAIL failed"
