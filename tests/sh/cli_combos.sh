#!/bin/sh
# cli_combos: options that a command would otherwise ignore in combination are refused (exit 2,
# said, with the JSON error under --json), never dropped while the rest runs as if unasked.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# --- llm usage --router counts per tier: a --by would be lost ---------------------------
for by in "--by day" "--by=model" "--by tier"; do
	# shellcheck disable=SC2086 # the option and its value are two words, or one
	run_llm usage --router $by
	check_rc "usage --router $by: exit 2" 2
	check_contains "usage --router $by: said" "$ERR" "llm: usage: --router counts per tier and takes no --by"
	check_eq "usage --router $by: nothing on stdout" "$OUT" ""
done
run_llm usage --by task --json --router
check_rc "usage --by task --json --router: exit 2" 2
check_eq "usage --by --router --json: the JSON error" "$(json_get "$T/out" exit_code)" 2
run_llm usage --router
check_rc "usage --router alone: exit 0" 0
run_llm usage --by day
check_rc "usage --by day alone: exit 0" 0
run_llm usage --help
check_contains "usage --help: --router on a line of its own" "$OUT" "llm usage --router [--month YYYY-MM] [--json]"

# --- llm logs --task shows a task whole: -n and --all would be lost ----------------------
for extra in "-n 3" "--count=2" "--all" "-a"; do
	# shellcheck disable=SC2086
	run_llm logs --task 1 $extra
	check_rc "logs --task 1 $extra: exit 2" 2
	check_contains "logs --task 1 $extra: said" "$ERR" "llm: logs: --task shows every step of one task"
done
run_llm logs --task 1
check_not_contains "logs --task alone: not refused for its options" "$ERR" "does not go with it"

# --- llm route --explain / --forget without a prompt route nothing ------------------------
for opt in "-t mid" "-m test-mid" "-s terse" "-r review" "--max-tokens 5" "--max-cost 1" "-c" "--cid 1"; do
	# shellcheck disable=SC2086
	run_llm route --explain $opt
	check_rc "route --explain $opt: exit 2" 2
	check_contains "route --explain $opt: said" "$ERR" "shapes a request, and --explain alone routes none"
done
run_llm route --forget -m test-mid
check_rc "route --forget -m: exit 2" 2
check_contains "route --forget -m: said, before anything is forgotten" "$ERR" \
    "llm: route: --model shapes a request, and --forget alone routes none"
run_llm route --explain
check_rc "route --explain alone: exit 0" 0
check_contains "route --explain alone: what was learnt" "$OUT" "learnt "
run_llm route --explain -t mid "refactor the parser"
check_rc "route --explain -t with a prompt: exit 0" 0
check_contains "route --explain -t with a prompt: the decision, on the tier asked" "$OUT" "mid (tier)"

# Piped text is the prompt, as for llm route alone: --explain routes it, then explains.
run_llm_in "write a compiler" route --explain
check_rc "route --explain, prompt piped: exit 0" 0
check_contains "route --explain, prompt piped: the decision" "$OUT" "reason    "
check_contains "route --explain, prompt piped: then what was learnt" "$OUT" "learnt "
run_llm_in "write a compiler" route --forget -t mid
check_rc "route --forget -t, prompt piped: exit 0" 0
check_contains "route --forget -t, prompt piped: the decision on the tier asked" "$OUT" "mid (tier)"

# --- llm models --tier auto: no tier of the catalog --------------------------------------
run_llm models --tier auto
check_rc "models --tier auto: exit 2" 2
check_contains "models --tier auto: said" "$ERR" "--tier needs cheap, mid or frontier"
run_llm models --tier=auto
check_rc "models --tier=auto: exit 2" 2
run_llm models --tier cheap
check_rc "models --tier cheap: exit 0" 0
