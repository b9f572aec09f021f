# The agent's tests again, with every llm process under valgrind: no memory
# errors and no definite leaks, whatever the outcome of the request; then
# the workspace and tools (commands run, timed out and cancelled, undo).
. "${LLM_TOP:-.}/tests/lib.sh"
t_valgrind_tests 50 undo agent_faults
unit=$LLM_TOP/${BUILD:-build}/tests/test_tools
if [ -x "$unit" ]; then
	if valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 \
	    "$unit" >"$VG/unit.out" 2>&1; then
		echo "ok - valgrind test_tools: no errors, no definite leaks"
	else
		echo "not ok - valgrind test_tools"
		sed 's/^/#   /' "$VG/unit.out" | grep -v '^#   ok - ' | head -40
	fi
fi
