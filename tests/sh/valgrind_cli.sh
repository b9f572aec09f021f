# tests/sh/cli_wire.sh again, with every llm process under valgrind: no memory
# errors and no definite leaks, whatever the outcome of the request.
. "${LLM_TOP:-.}/tests/lib.sh"
t_valgrind_tests 25 cli_wire
