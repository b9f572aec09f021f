#!/bin/sh
# json_errors: under --json, wherever it is on the line, a usage or config error is a JSON object on stdout too.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# Each line: a command line with --json and a usage error, then (after a |)
# what stderr says of it without "llm: ", which the object's error holds.
cat >"$T/lines" <<'EOF'
--json --bogus x|unknown option '--bogus'
--bogus x --json|unknown option '--bogus'
x --json -t bogus|option --tier: unknown tier 'bogus'; tiers: auto, cheap, mid, frontier
--json x -m|option -m needs an argument
route --json --bogus x|route: unknown option '--bogus'
route --bogus x --json|route: unknown option '--bogus'
models --tier bogus --json|models: --tier needs cheap, mid or frontier
models --bogus --json|models: unknown option '--bogus'
budget --bogus --json|budget: unknown option '--bogus'
usage --month 13 --json|usage: --month: expected YYYY-MM, got '13'
usage --json --by nope|usage: --by: expected day, model, tier, task, user or team, got 'nope'
logs -n abc --json|logs: -n: expected a positive number, got 'abc'
logs --json -n|logs: option -n needs an argument
keys list --bogus --json|keys list: unknown option '--bogus'
keys --json list --bogus|keys list: unknown option '--bogus'
do --bogus x --json|do: unknown option '--bogus'
EOF
while IFS='|' read -r line want; do
	eval "set -- $line"
	run_llm "$@"
	check_rc "llm $line: exit 2" 2
	check_contains "llm $line: the message on stderr as before" "$ERR" "llm: $want"
	check_eq "llm $line: one line on stdout" "$(wc -l <"$T/out")" 1
	check_eq "llm $line: the JSON's exit_code" "$(json_get "$T/out" exit_code)" 2
	check_eq "llm $line: the JSON's error" "$(json_get "$T/out" error)" "$want"
done <"$T/lines"

# Without --json, or where --json is another option's value or prompt, or
# for a command that takes no --json: stdout stays empty.
cat >"$T/lines" <<'EOF'
--bogus x
route --bogus x
usage --month 13
-s --json --bogus x
usage --month 13 -- --json
roles --json
EOF
while IFS= read -r line; do
	eval "set -- $line"
	run_llm "$@"
	check_rc "llm $line: exit 2" 2
	check_eq "llm $line: nothing on stdout" "$OUT" ""
done <"$T/lines"

# A failure that prints its own JSON object gets no second one.
run_llm --json -m no-such-model x
check_rc "--json, an unknown model: exit 2" 2
check_eq "--json, an unknown model: one object" "$(wc -l <"$T/out")" 1
check_contains "--json, an unknown model: the answer's object" "$(json_get "$T/out" finish)" error
# what was asked: a pin, of that name; no tier is known, so none is made up
check_eq "--json, an unknown model: the route says pinned, and the name" \
    "$(json_get "$T/out" route.mode) $(json_get "$T/out" route.model)" "pinned no-such-model"
check_eq "--json, an unknown model: no tier made up" \
    "$(json_get "$T/out" route.tier) $(json_get "$T/out" tier)" "null null"
fake_reply '{"text":"hi"}'
run_llm --json -m test-mid x
check_eq "--json, a known pin: its name and tier" \
    "$(json_get "$T/out" route.mode) $(json_get "$T/out" route.model) $(json_get "$T/out" route.tier)" \
    "pinned test-mid mid"
run_llm --json -t mid x
check_eq "--json, no pin: no route.model" "$(json_get "$T/out" route.model)" ""

# A broken config is a usage or config error too: its lines are the error.
t_config_append 'tier = nowhere'
run_llm budget --json
check_rc "--json, a broken config: exit 2" 2
check_contains "--json, a broken config: said on stderr" "$ERR" "llm: fix the config"
check_eq "--json, a broken config: the JSON's exit_code" "$(json_get "$T/out" exit_code)" 2
check_contains "--json, a broken config: the JSON names the line" "$(json_get "$T/out" error)" \
    "config.ini:"
