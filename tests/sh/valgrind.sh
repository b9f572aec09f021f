# The CLI tests again, with every llm process under valgrind: no memory
# errors and no definite leaks, whatever the outcome of the request.
. "${LLM_TOP:-.}/tests/lib.sh"
VG=$(mktemp -d "${TMPDIR:-/tmp}/llm-vg.XXXXXX")
trap 'rm -rf "$VG"' EXIT
t_valgrind_llm "$VG" "valgrind" "${LLM_ASAN:-}"
for t in cli_wire cli_faults cli_pipe undo agent_faults; do
	T_VALGRIND=1 RUN_TIMEOUT=120 LLM_BIN="$VG/llm" sh "$LLM_TOP/tests/sh/$t.sh" 2>&1 |
	    sed -e "s/^ok - /ok - valgrind $t: /" -e "s/^not ok - /not ok - valgrind $t: /" |
	    grep -v '^# fake'
done
# The agent's workspace and tools (commands run, timed out and cancelled, undo).
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
check_valgrind "$VG" 21 "llm processes"
