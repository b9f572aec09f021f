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
		# the failed checks, not valgrind's notes of syscalls it does not know
		sed 's/^/#   /' "$VG/unit.out" | grep -v -e '^#   ok - ' -e '^#   --[0-9]*-- ' | head -40
	fi
fi
