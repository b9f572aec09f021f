#!/bin/sh
# cli_options: options anywhere on the line, -- ends them, one wording for errors, blank prompts refused.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# An option after the prompt is an option, not prompt text.
printf 'int *p = 0;\n*p = 1;\n' >"$T/crash.c"
fake_reply '{"text":"a null pointer"}'
run_llm -q "why does this segfault?" -f "$T/crash.c"
check_rc "-f after the prompt: exit 0" 0
sent=$(fake_last body.messages.0.content)
check_contains "-f after the prompt: the file is attached" "$sent" "*p = 1;"
check_not_contains "-f after the prompt: not sent as prompt text" "$sent" "segfault? -f"
check_contains "-f after the prompt: the prompt comes first" "$sent" "why does this segfault?"

fake_reply '{"text":"ok"}'
run_llm "x" -t mid -q
check_rc "-t after the prompt: exit 0" 0
check_eq "-t after the prompt: sent to mid" "$(fake_last body.model)" test-mid-1
check_eq "-t after the prompt: the prompt alone" "$(fake_last body.messages.0.content)" x

n=$(fake_count)
run_llm "x" -m test-mid --max-cost 0.000001
check_rc "--max-cost after the prompt: refused, exit 3" 3
run_llm "x" -m test-mid --max-cost '$0.000001'
check_rc "--max-cost with a dollar sign, as llm budget set takes it: refused by the cap" 3
check_eq "--max-cost after the prompt: nothing sent" "$(fake_count)" "$n"
# A cap of $0 caps nothing llm can send: refused as usage, saying that an amount above 0 is
# wanted, not that 0 is no amount of dollars.
run_llm "x" --max-cost 0
check_rc "--max-cost 0: exit 2" 2
check_contains "--max-cost 0: says above 0" "$ERR" \
    "option --max-cost: '0' is not an amount in dollars above 0, such as 0.05"
run_llm "do" --max-cost 0 "x"
check_rc "do --max-cost 0: exit 2" 2
check_contains "do --max-cost 0: says above 0" "$ERR" \
    "llm: do: --max-cost: '0' is not an amount in dollars above 0, such as 0.05"

fake_reply '{"text":"ok"}'
run_llm -q "first" -m test-cheap "second" -s "be brief"
check_eq "words around options: joined in order" "$(fake_last body.messages.1.content)" "first second"
check_eq "words around options: -s taken" "$(fake_last body.messages.0.content)" "be brief"

# -- ends options: what follows is prompt, even when it looks like one.
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -- -t mid --json
check_rc "after --: exit 0" 0
check_eq "after --: sent as prompt text" "$(fake_last body.messages.0.content)" "-t mid --json"
check_eq "after --: the pin before it holds" "$(fake_last body.model)" test-cheap-1
check_eq "after --: not JSON" "$OUT" ok

# One wording for a missing argument and an unknown option, whoever parses.
run_llm -q -f
check_rc "-f without a file: exit 2" 2
check_contains "-f without a file: says it needs an argument" "$ERR" "option -f needs an argument"
run_llm "x" --cid
check_contains "--cid without an id: says it needs an argument" "$ERR" "option --cid needs an argument"
# -c and --cid both name a conversation: one is refused, not silently dropped.
n=$(fake_count)
run_llm -q -c --cid 1 "go on"
check_rc "-c with --cid: exit 2" 2
check_contains "-c with --cid: says to give one" "$ERR" "options -c and --cid both name the conversation"
check_eq "-c with --cid: nothing sent" "$(fake_count)" "$n"
run_llm chat -t
check_rc "chat -t without a tier: exit 2" 2
check_contains "chat -t without a tier: same wording" "$ERR" "llm: chat: option -t needs an argument"
run_llm route "x" -m
check_contains "route -m without a model: same wording" "$ERR" "llm: route: option -m needs an argument"
run_llm -q --bogus "x"
check_contains "unknown option: named" "$ERR" "unknown option '--bogus'"
# A long option a letter off is named, its value never repeated.
for line in "--tierr cheap:--tier" "--tierr=cheap:--tier" "--modle test-cheap:--model" \
    "--dryrun:--dry-run" "--jsno:--json" "route --dryrun:--dry-run"; do
	# shellcheck disable=SC2086 # the words of the line
	run_llm ${line%%:*} "x"
	check_rc "${line%%:*}: exit 2" 2
	check_contains "${line%%:*}: names the option meant" "$ERR" \
	    "unknown option '$(echo "${line%%:*}" | sed 's/^route //; s/[= ].*//')'; did you mean '${line#*:}'?"
done
# An unknown option given a value (--key=sk-..., as other clients take a key)
# is refused by its name alone: the value is in no error, nor in --json's.
secret=sk-proj-typed-0123456789abcdefghijklmnopqrstuvwxyz
n=$(fake_count)
for line in "" usage "keys list" budget "budget set" logs "logs show 1" models "models import" \
    "config show" "git install-hook" "ledger init" route cmd "do" chat undo roles; do
	# shellcheck disable=SC2086 # the words of the line
	run_llm $line --key=$secret "x"
	check_rc "${line:-ask} --key=...: exit 2" 2
	check_contains "${line:-ask} --key=...: the option named" "$ERR" "unknown option '--key'"
	check_not_contains "${line:-ask} --key=...: the value not repeated" "$ERR$OUT" "$secret"
	# shellcheck disable=SC2086
	run_llm $line --json --key=$secret "x"
	check_not_contains "${line:-ask} --json --key=...: the value not in the JSON" "$ERR$OUT" "$secret"
done
check_eq "--key=...: nothing sent" "$(fake_count)" "$n"
run_llm --tierr=cheap "x"
check_not_contains "--tierr=cheap: the value is not repeated" "$ERR" "=cheap"
# Every command's own parser names the long option a letter off as a question's does,
# on the error's line, above the usage; its value is never repeated.
for line in "usage --bye model:--bye:--by" "logs --jsn:--jsn:--json" "logs show 1 --rw:--rw:--raw" \
    "budget --jsn:--jsn:--json" "budget set --usr ann 5:--usr:--user" "models --teir cheap:--teir:--tier" \
    "models import --jsn f.json:--jsn:--json" "cmd --prnt ls:--prnt:--print" "do --alow run x:--alow:--allow" \
    "keys list --jsn:--jsn:--json" "roles --pahts:--pahts:--paths" "git install-hook --forse:--forse:--force" \
    "chat --thme dark:--thme:--theme" "undo --hepl:--hepl:--help"; do
	words=${line%%:*}
	rest=${line#*:}
	# shellcheck disable=SC2086 # the words of the line
	run_llm $words
	check_rc "$words: exit 2" 2
	check_contains "$words: names the option meant on the error's line" \
	    "$(printf '%s\n' "$ERR" | head -1)" "unknown option '${rest%%:*}'; did you mean '${rest#*:}'?"
	check_contains "$words: then the usage" "$(printf '%s\n' "$ERR" | sed -n 2p)" "usage: llm "
done
run_llm usage --bye="$secret"
check_contains "usage --bye=...: the option meant named" "$ERR" "unknown option '--bye'; did you mean '--by'?"
check_not_contains "usage --bye=...: the value not repeated" "$ERR$OUT" "$secret"
run_llm logs --json --jsno="$secret"
check_not_contains "logs --json --jsno=...: the value not in the JSON" "$ERR$OUT" "$secret"
check_contains "logs --json --jsno=...: the option meant, in the JSON" "$OUT" "did you mean '--json'?"
for opt in -t --tier --max-cost --allow; do
	run_llm "do" "fix the build" "$opt"
	check_rc "do $opt without a value: exit 2" 2
	check_contains "do $opt without a value: same wording" "$ERR" \
	    "llm: do: option $opt needs an argument"
done
run_llm -t premium "x"
t1=$(printf '%s' "$ERR" | head -1 | sed 's/^llm: //')
run_llm chat -t premium
t2=$(printf '%s' "$ERR" | head -1 | sed 's/^llm: chat: //')
check_eq "a bad tier: one wording for llm and llm chat" "$t2" "$t1"

# Prompts with nothing in them are refused before anything is sent.
rows() { sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from usage"; }
n=$(fake_count)
booked=$(rows)
run_llm -q -m test-cheap "   "
check_rc "blank prompt: exit 2" 2
check_contains "blank prompt: says so" "$ERR" "empty prompt"
run_llm_in "
	
" -q -m test-cheap
check_rc "blank stdin: exit 2" 2
run_llm -q -m test-cheap ""
check_rc "empty prompt: exit 2" 2
run_llm_in "   " route "  "
check_rc "blank prompt to route: exit 2" 2
check_eq "blank prompts: nothing sent" "$(fake_count)" "$n"
check_eq "blank prompts: nothing booked" "$(rows)" "$booked"

# Help: route --help is help; --help says how to send a prompt that starts with -.
run_llm route --help
check_rc "route --help: exit 0" 0
check_contains "route --help: usage" "$OUT" "usage: llm route"
run_llm --help
check_contains "--help: a prompt that starts with - goes after --" "$OUT" "after --"
sed 's/\\-/-/g' "$LLM_TOP/man/llm.1" >"$T/man.txt"
check "llm.1: a prompt that starts with - goes after --" grep -q "starts with" "$T/man.txt"
for code in 141 143; do
	check "llm.1 documents exit status $code" grep -qx "\\.B $code" "$T/man.txt"
done
run_llm --help
check_contains "--help: exit codes 141 and 143" "$OUT" "141"
check_contains "--help: exit code 129" "$OUT" "129 hung up"

# --help anywhere in a command's arguments is that command's help: usage on
# stdout, nothing on stderr, exit 0, and nothing done.
for what in "config --help" "config check -h" "ledger --help" "budget set --help" \
    "models import --help" "git install-hook --help" "keys list --help" \
    "logs show --help" "usage --by model --help" "roles --help" "undo --help"; do
	# shellcheck disable=SC2086 # the words of a command
	run_llm $what
	check_rc "$what: exit 0" 0
	check_contains "$what: usage on stdout" "$OUT" "usage: llm ${what%% *}"
	check_eq "$what: nothing on stderr" "$ERR" ""
done
check "models import --help: nothing imported" test ! -e "$LLM_CONFIG_DIR/models.json"
# llm help COMMAND is that command's help; a name that is no command is said so.
for what in keys route logs budget; do
	run_llm "$what" --help
	want=$OUT
	run_llm help "$what"
	check_rc "help $what: exit 0" 0
	check_eq "help $what: llm $what --help" "$OUT" "$want"
done
run_llm help nosuch
check_rc "help nosuch: exit 2" 2
check_contains "help nosuch: says so" "$ERR" "llm: help: no command 'nosuch'"

# A usage error of a command with a long --help says what was wrong, the
# synopsis and where the rest is, not the whole help under the reason.
for what in "do -v fix it" "do" "cmd -q list files" "cmd" "roles bogus" "undo extra"; do
	# shellcheck disable=SC2086 # the words of a command line
	run_llm $what
	c=${what%% *}
	check_rc "$what: exit 2" 2
	check_contains "$what: the synopsis" "$ERR" "usage: llm $c"
	check_contains "$what: where the rest is" "$ERR" "Try 'llm $c --help'."
	check "$what: not the whole help ($(printf '%s\n' "$ERR" | wc -l) lines)" \
	    test "$(printf '%s\n' "$ERR" | wc -l)" -le 5
done
# usage_said CMD: whether the last run said a usage error of CMD's line ("":
# llm's own) as every command says one: the reason after "llm: ", the
# synopsis (no blank line, none of the help's text under it), then the Try
# line, on stderr, exit 2, nothing on stdout.
usage_said() {
	_c=${1:+ $1}
	_syn="usage: llm$_c"
	[ -z "$1" ] && _syn="usage: llm [OPTIONS] [PROMPT...]"
	_last=$(printf '%s\n' "$ERR" | grep -v '^llm: to send it to a model' | tail -1)
	_more=$(printf '%s\n' "$ERR" | sed -n '/^usage: /,/^Try /p' | sed '$d' | grep -vc "^usage: \|^  ")
	_out=$OUT
	# under --json a script reads the error as JSON on stdout
	[ "${OUT#\{\"error\":}" != "$OUT" ] && _out=
	[ "$RC" = 2 ] && [ -z "$_out" ] && [ "$_last" = "Try 'llm$_c --help'." ] &&
	    [ "${ERR#llm: }" != "$ERR" ] && [ "${ERR#*"$_syn"}" != "$ERR" ] && [ "$_more" = 0 ] &&
	    ! printf '%s\n' "$ERR" | grep -qx ''
}
# Every command says a malformed line alike: the reason, the synopsis, then the Try line.
wrong=
for what in "keys --bogus" "keys" "keys frob" "keys set --json" "keys list extra" \
    "logs --bogus" "logs rm" "logs rm 1 --json" "logs show 1 -n 3" "models --bogus" \
    "models import" "models add" "models --remote" "models --tier auto" "config --bogus" \
    "config path extra" "budget --bogus" "budget set" "budget set 5 --json" "budget set 5 6" \
    "usage --bogus" "usage --by" "ledger" "ledger init extra" "git" "git frob" \
    "git install-hook extra" "git uninstall-hook -f" "git commit-msg" "roles --bogus" \
    "undo extra" "do" "cmd" "help -x" "version extra" "chat hello" "cmd --init" "do --allow" \
    "do -t"; do
	# shellcheck disable=SC2086 # the words of a command line
	run_llm $what </dev/null
	usage_said "${what%% *}" || wrong="$wrong [$what: $RC $(printf '%s' "$ERR" | tr '\n' '|')]"
done
check_eq "each command's usage error: reason, synopsis, Try line, exit 2" "$wrong" ""
# So do llm's own line, llm route and llm chat, which one parser reads: what
# getopt refuses, a missing prompt and options that do not go together.
n=$(fake_count)
wrong=
while IFS='|' read -r c what; do
	# shellcheck disable=SC2086 # the words of a command line
	run_llm $what </dev/null
	usage_said "$c" || wrong="$wrong [$what: $RC $(printf '%s' "$ERR" | tr '\n' '|')]"
done <<'LIST'
|-Z hi
|hi --bogus
|hi -t
|--force hi
|--dry-run -o out hi
|--json -Z hi
route|route -Z
route|route --bogus x
route|route x -m
route|route
route|route --explain -t mid
route|route -o out x
chat|chat -Z
chat|chat --bogus
chat|chat --theme
LIST
check_eq "llm, route and chat: a usage error says the reason, synopsis and Try line" "$wrong" ""
check_eq "llm, route and chat: nothing sent on a usage error" "$(fake_count)" "$n"
run_llm -Z hi </dev/null
check_eq "-Z hi: the reason, llm's synopsis, the Try line" "$ERR" "llm: unknown option '-Z'
usage: llm [OPTIONS] [PROMPT...]
       llm COMMAND [ARGS...]
Try 'llm --help'."
# -- ends the options of help and version too, as of every command.
run_llm version --
check_eq "version --: the version" "$OUT" "$("$LLM_BIN" version)"
run_llm help --
check_eq "help --: llm's help" "$OUT" "$("$LLM_BIN" --help)"
run_llm help -- keys
check_eq "help -- keys: keys --help" "$OUT" "$("$LLM_BIN" keys --help)"
run_llm version -- -x
check_rc "version -- -x: exit 2" 2
check_contains "version -- -x: the word named" "$ERR" "'-x' after --"

# A word llm logs does not know is named before the usage.
run_llm logs -c
check_rc "logs -c: exit 2" 2
check_contains "logs -c: names the option" "$ERR" "llm: logs: unknown option '-c'"
run_llm logs shwo 3
check_contains "logs shwo: names the command" "$ERR" "llm: logs: unknown command 'shwo'"
for opt in -q --query -n --count --task; do
	run_llm logs "$opt"
	check_rc "logs $opt without a value: exit 2" 2
	check_contains "logs $opt without a value: says it needs an argument" "$ERR" \
	    "llm: logs: option $opt needs an argument"
done
# llm logs --task takes its --json wherever it is on the line.
mkdir -p "$T/proj"
git -C "$T/proj" init -q
fake_reply '{"text":"done"}'
(cd "$T/proj" && run_llm "do" -q -m test-cheap --json "look" && json_get "$T/out" task_id >"$T/task")
task=$(cat "$T/task")
for line in "--task $task --json --no-color" "--no-color --task=$task --json" "--json --no-color --task $task"; do
	# shellcheck disable=SC2086 # the words of a command line
	run_llm logs $line
	check_rc "logs $line: exit 0" 0
	check_eq "logs $line: the task as JSON" "$(json_get "$T/out" task)" "$task"
done
# Its costs are in dollars as every other --json gives them, beside the pico-dollars.
run_llm logs --task "$task" --json
check_eq "logs --task --json: the total in dollars and pico-dollars agree" \
    "$(json_get "$T/out" cost_usd | t_py -c 'import sys; print(round(float(sys.stdin.read()) * 1e12))')" \
    "$(json_get "$T/out" cost_pico)"
check_eq "logs --task --json: a step's in dollars too" \
    "$(json_get "$T/out" steps.0.cost_usd | t_py -c 'import sys; print(round(float(sys.stdin.read()) * 1e12))')" \
    "$(json_get "$T/out" steps.0.cost_pico)"
# A task is shown whole: -a or -n beside --task would be dropped unsaid, so they are refused.
for line in "--task $task --json -a" "-n 2 --task=$task"; do
	# shellcheck disable=SC2086
	run_llm logs $line
	check_rc "logs $line: exit 2" 2
	check_contains "logs $line: said" "$ERR" "llm: logs: --task shows every step of one task"
done
run_llm logs -q word --task 5
check_rc "logs -q with --task: exit 2" 2
check_contains "logs -q with --task: says they do not go together" "$ERR" \
    "llm: logs: --task and -q do not go together"
# So is one llm usage does not know, or an option of its without the value.
run_llm usage --bogus
check_rc "usage --bogus: exit 2" 2
check_contains "usage --bogus: names the option" "$ERR" "llm: usage: unknown option '--bogus'"
# A month of the right shape that is no month says what is wrong with it.
run_llm usage --month 2026-13
check_eq "usage --month 2026-13: the month named" "$ERR" \
    "llm: usage: --month: '2026-13' has no month 13; months are 01 to 12"
run_llm usage --month 1969-12
check_rc "usage --month 1969-12: exit 2" 2
check_eq "usage --month 1969-12: before the clock" "$ERR" \
    "llm: usage: --month: '1969-12' is before 1970, where the ledger's clock starts"
run_llm usage --month 2026-1
check_eq "usage --month 2026-1: the shape" "$ERR" "llm: usage: --month: expected YYYY-MM, got '2026-1'"
run_llm usage --month
check_contains "usage --month: says it needs an argument" "$ERR" \
    "llm: usage: option --month needs an argument"
run_llm usage --by
check_contains "usage --by: says it needs an argument" "$ERR" "llm: usage: option --by needs an argument"
run_llm usage of malloc
check_contains "usage of: names the word" "$ERR" "llm: usage: unexpected 'of'"
# And llm budget's and llm ledger's.
run_llm budget for a trip
check_rc "budget for: exit 2" 2
check_contains "budget for: names the word" "$ERR" "llm: budget: unexpected 'for'"
run_llm budget --bogus
check_contains "budget --bogus: names the option" "$ERR" "llm: budget: unknown option '--bogus'"
run_llm budget set
check_contains "budget set alone: says what it needs" "$ERR" "llm: budget set: needs an amount in USD"
run_llm budget set 5 now
check_contains "budget set 5 now: names the extra word" "$ERR" "llm: budget set: unexpected 'now'"
run_llm ledger entries
check_rc "ledger entries: exit 2" 2
check_contains "ledger entries: names the command" "$ERR" "llm: ledger: unknown command 'entries'"
# --no-color before a command is main's: the command runs, nothing is asked of a model.
n=$(fake_count)
run_llm --no-color budget
check_rc "--no-color budget: exit 0" 0
check_contains "--no-color budget: the budget" "$OUT" "spent"
run_llm --no-color config path
check_contains "--no-color config path: the paths" "$OUT" "config: "
check_eq "--no-color COMMAND: nothing sent" "$(fake_count)" "$n"

# Every command takes --no-color before its word, right after it and at the
# end, and does exactly what it does without it; no request carries it.
# nc_args CMD: a harmless run of CMD, in the positional parameters.
nc_args() {
	case $1 in
	chat) NC="chat --headless $T/nc.s --size 80x24" ;;
	route) NC="route why is the sky blue" ;;
	models | budget | usage | logs | roles | undo | help | version) NC=$1 ;;
	cmd) NC="cmd --print list the files" ;;
	keys) NC="keys list" ;;
	git) NC="git uninstall-hook" ;;
	ledger) NC="ledger init" ;;
	config) NC="config check" ;;
	do) NC="do -q say hello" ;;
	*) NC= ;;
	esac
}
printf ':dump-colors %s/nc.dump\n' "$T" >"$T/nc.s"
t_git_repo "$T/nc-repo"
fake_default '{"text":"ls\n# lists the files","usage":{"input":10,"output":5}}'
n=$(fake_count)
for cmd in $("$LLM_BIN" __complete commands); do
	nc_args "$cmd"
	if [ -z "$NC" ]; then
		not_ok "--no-color: a run of llm $cmd is in this test"
		continue
	fi
	# shellcheck disable=SC2086 # the words of a command line
	run_llm $NC
	want_rc=$RC want_out=$OUT want_err=$ERR
	first=${NC%% *}
	rest=${NC#"$first"}
	for line in "--no-color $NC" "$first --no-color$rest" "$NC --no-color"; do
		# shellcheck disable=SC2086
		run_llm $line
		check_rc "llm $line: the exit code without it" "$want_rc"
		check_not_contains "llm $line: not refused" "$ERR" "no-color"
		if [ "$cmd" = chat ]; then
			check_contains "llm $line: no colour" "$(cat "$T/nc.dump")" \
			    "-- styles (default, no colour)"
			continue
		fi
		check_eq "llm $line: the output without it" "$OUT" "$want_out"
		check_eq "llm $line: the errors without it" "$ERR" "$want_err"
	done
done
run_llm chat --headless "$T/nc.s" --size 80x24
check_not_contains "llm chat: colour without --no-color" "$(cat "$T/nc.dump")" "no colour"
check "--no-color: the commands that ask a model asked it" test "$(fake_count)" -gt "$n"
check_not_contains "--no-color: never sent as text" "$(fake_requests)" "no-color"
fake_reset
cd "$LLM_TOP" || exit 1

# Options anywhere on a command's line too: before the command's own word
# ("llm keys --json list") as after it, with the same result. An option's
# value is never taken for the word ("llm logs -q show" searches for show).
fake_reply '{"text":"kept"}'
run_llm -q "a conversation to show"
"$LLM_BIN" logs --json -n 1 >"$T/conv.json"
cid=$(json_get "$T/conv.json" conversations.0.id)
t_git_repo "$T/word-repo"
for pair in "keys list --json|keys --json list" \
    "logs show $cid --raw|logs --raw show $cid" \
    "logs export $cid --format json|logs --format json export $cid" \
    "logs show $cid --json|logs --json show $cid" \
    "budget set 7 --json|budget --json set 7" \
    "budget set 7 --user al|budget --user al set 7" \
    "budget set --user al 7|budget set 7 --user al" \
    "models import --json $T/none.json|models --json import $T/none.json" \
    "ledger init --json|ledger --json init" \
    "config show --all|config --all show" \
    "keys set --json openai|keys --json set openai" \
    "git install-hook -f|git -f install-hook"; do
	after=${pair%%|*} before=${pair#*|}
	# shellcheck disable=SC2086 # the words of a command line
	run_llm $after
	want_rc=$RC want_out=$OUT want_err=$ERR
	[ "${after#git install-hook}" != "$after" ] && "$LLM_BIN" git uninstall-hook >/dev/null 2>&1
	# shellcheck disable=SC2086
	run_llm $before
	check_rc "llm $before: as llm $after" "$want_rc"
	check_eq "llm $before: the output of llm $after" "$OUT" "$want_out"
	check_eq "llm $before: the errors of llm $after" "$ERR" "$want_err"
done
check_contains "logs --raw show: the conversation" "$(run_llm logs --raw show "$cid"; echo "$OUT")" \
    "a conversation to show"
check "git -f install-hook: the hook is installed" test -e "$R/.git/hooks/prepare-commit-msg"
run_llm keys --json list
check_rc "keys --json list: exit 0" 0
check_contains "keys --json list: the JSON listing" "$OUT" '"providers":['
run_llm models --tier cheap add ollama word-m1 --price 1/2
check_rc "models --tier cheap add: exit 0" 0
run_llm models add --price 1/2 ollama word-m2 -t mid
check_rc "models add with options around PROVIDER ID: exit 0" 0
check_contains "models add: both added" "$(cat "$LLM_CONFIG_DIR/config.ini")" \
    "[model.word-m1]"
check_contains "models add: both added" "$(cat "$LLM_CONFIG_DIR/config.ini")" \
    "[model.word-m2]"
run_llm logs -q show
check_rc "logs -q show: a search, exit 0" 0
check_contains "logs -q show: the message that holds the word" "$OUT" "a conversation to show"
run_llm keys --json
check_rc "keys --json alone: exit 2" 2
check_contains "keys --json alone: asks for a command" "$ERR" "llm: keys: no command given"
run_llm keys
check_rc "keys alone: exit 2" 2
check_contains "keys alone: asks for a command" "$ERR" \
    "llm: keys: no command given (set, list, rm or check)"
run_llm ledger
check_rc "ledger alone: exit 2" 2
check_contains "ledger alone: asks for a command" "$ERR" "llm: ledger: no command given (init or send)"
# Every command that needs a word of its own asks for it alike: the words, then the usage.
for cmd in keys ledger git; do
	run_llm "$cmd"
	check_rc "$cmd alone: exit 2" 2
	check_eq "$cmd alone: the words it takes, then the usage" \
	    "$(printf '%s\n' "$ERR" | sed -n '1s/(.*)/(...)/p; 2s/ .*//p')" \
	    "llm: $cmd: no command given (...)
usage:"
done
run_llm git
check_eq "git alone: its words" "$(printf '%s\n' "$ERR" | head -1)" \
    "llm: git: no command given (install-hook, uninstall-hook or commit-msg)"
run_llm git frobnicate
check_rc "git frobnicate: exit 2" 2
check_eq "git frobnicate: the word named, then the usage" "$(printf '%s\n' "$ERR" | head -2)" \
    "llm: git: unknown command 'frobnicate'
usage: llm git install-hook [-f | --force]"
# An option no command takes is named as one, by every command and each of
# its words alike (the hook's commit-msg aside: it never fails a commit).
wrong=
for cmd in $("$LLM_BIN" __complete commands); do
	for word in "" $("$LLM_BIN" __complete sub "$cmd"); do
		[ "$cmd $word" = "git commit-msg" ] && continue
		# shellcheck disable=SC2086 # no word is no argument
		run_llm "$cmd" $word --zz
		[ "$RC" = 2 ] && [ "${ERR#*"unknown option '--zz'"}" != "$ERR" ] ||
		    wrong="$wrong [$cmd${word:+ $word}: $RC $(echo "$ERR" | head -1)]"
	done
done
check_eq "every command names an unknown option as one, exit 2" "$wrong" ""
# A value given to an option that takes none is said as such, whoever parses.
n=$(fake_count)
wrong=
while IFS='|' read -r ctx opt words; do
	# shellcheck disable=SC2086 # the words are the command line
	run_llm $words </dev/null
	[ "$RC" = 2 ] && [ "${ERR#*"llm: $ctx${ctx:+: }option '$opt' takes no value"}" != "$ERR" ] &&
	    usage_said "${ctx%% *}" || wrong="$wrong [$words: $RC $(echo "$ERR" | tr '\n' '|')]"
done <<'LIST'
|--json|--json=1 x
|--json|x --js=yes
|--continue|--continue=1 x
route|--json|route --json=1 x
chat|--agent|chat --agent=1
do|--json|do --json=1 x
budget|--json|budget --json=1
usage|--router|usage --router=1
logs|--all|logs --all=1
logs show|--raw|logs show 1 --raw=1
keys list|--json|keys list --json=1
models|--json|models --json=1
models|--json|models --remote ollama --json=1
roles|--paths|roles --paths=1
cmd|--print|cmd --print=1 x
git install-hook|--force|git install-hook --force=1
|--json|--json=1 --version
|--json|--version --json=1
|--quiet|--quiet=1 -V
|--no-color|--no-color=1 budget
keys|--json|keys --json=1
config|--no-color|config --no-color=1
undo|--no-color|undo --no-color=1
help|--help|help --help=1
help|-h|help -h=1
help|-h|help budget -h=1
|-V|-V=1
|-h|-h=1
|-q|-q=1 --version
|-q|-q=1 x
|-v|-qv=1 x
|-c|x -c=yes
route|-c|route -c=1 x
chat|-c|chat -c=1
do|-q|do -q=1 x
logs|-a|logs -a=1
git install-hook|-f|git install-hook -f=1
LIST
check_eq "an option given a value it takes none of: said so, the synopsis, exit 2" "$wrong" ""
check_eq "an option given a value: nothing sent" "$(fake_count)" "$n"
# --help takes no value either: said so on llm's own line, after a prompt's word
# and after every command and each of its words alike (the hook's commit-msg aside, as above).
wrong=
for cmd in "" "x" $("$LLM_BIN" __complete commands); do
	for word in "" $("$LLM_BIN" __complete sub "$cmd"); do
		[ "$cmd $word" = "git commit-msg" ] && continue
		# shellcheck disable=SC2086 # no word is no argument
		run_llm $cmd $word --help=1 </dev/null
		c=$cmd
		[ "$c" = x ] && c=
		[ "$RC" = 2 ] && [ "${ERR#*"option '--help' takes no value"}" != "$ERR" ] &&
		    usage_said "$c" || wrong="$wrong [${cmd:-llm}${word:+ $word}: $RC $(echo "$ERR" | head -1)]"
	done
done
check_eq "--help=VALUE: takes no value, after every command, exit 2" "$wrong" ""
run_llm keys --help=yes
check_eq "keys --help=yes: the command named, its synopsis, and where help is" "$ERR" \
    "llm: keys: option '--help' takes no value
usage: llm keys set PROVIDER
       llm keys list [--json]
       llm keys rm PROVIDER
       llm keys check PROVIDER
Try 'llm keys --help'."
run_llm --version=1
check_rc "--version=1: exit 2" 2
check_contains "--version=1: takes no value" "$ERR" "llm: option '--version' takes no value"
check_eq "--help=VALUE, --version=VALUE: nothing sent" "$(fake_count)" "$n"
for words in "help keys extra" "help help extra" "version extra"; do
	# shellcheck disable=SC2086 # the words are the command line
	run_llm $words </dev/null
	check_rc "$words: exit 2" 2
	check_contains "$words: the extra word named" "$ERR" "llm: ${words%% *}: unexpected 'extra'"
done
# A long option cut short that also starts --version is neither: "--ver" was
# taken for --verbose, and sent the prompt (or opened the client) quietly.
n=$(fake_count)
for words in "--ver hi" "--v hi" "hi --ve"; do
	# shellcheck disable=SC2086 # the words are the command line
	run_llm $words </dev/null
	check_rc "$words: exit 2" 2
	check_contains "$words: said ambiguous" "$ERR" "is ambiguous: --verbose or --version"
	check "$words: the synopsis and the Try line" usage_said ""
done
check_eq "--ver: nothing sent" "$(fake_count)" "$n"
# One rule for every command's line: a long option cut short to a start no other option of
# that command shares is that option (what it prints, its errors and exit code are the full
# name's); a start several share is refused, exit 2, naming them as --ver is.
# cuts OPTIONS...: "FULL CUT" for each long option with a start no other has ("--json --j").
cuts() {
	t_py -c '
import sys
v = [x for x in sys.argv[1:] if x.startswith("--")]
for o in v:
    for n in range(3, len(o)):
        if not any(x != o and x.startswith(o[:n]) for x in v):
            print(o, o[:n])
            break' "$@"
}
# shared CMD OPTIONS...: for each start two options share that is none of them, the start
# and the message that refuses it, "--x<TAB>llm: CMD: option '--x' is ambiguous: --xa or --xb".
shared() {
	t_py -c '
import os, sys
cmd, v = sys.argv[1], [x for x in sys.argv[2:] if x.startswith("--")]
seen = set()
for a in v:
    for b in v:
        p = os.path.commonprefix([a, b])
        if a < b and len(p) > 2 and p not in v and p not in seen:
            seen.add(p)
            m = [x for x in v if x.startswith(p)]
            print("%s\tllm: %s: option %s is ambiguous: %s or %s" % (p, cmd, chr(39) + p + chr(39),
                  ", ".join(m[:-1]), m[-1]))' "$@"
}
n=$(fake_count)
wrong=
for cmd in models budget usage logs roles keys git config ledger undo; do
	# shellcheck disable=SC2046 # the options are words
	cuts $("$LLM_BIN" __complete opts "$cmd") >"$T/cuts"
	while read -r full cut; do
		run_llm "$cmd" "$full" </dev/null
		want="$RC|$OUT|$ERR"
		run_llm "$cmd" "$cut" </dev/null
		[ "$RC|$OUT|$ERR" = "$want" ] || wrong="$wrong [$cmd $cut: $RC $(echo "$ERR" | head -1)]"
	done <"$T/cuts"
done
check_eq "every command takes a long option cut short as the option itself" "$wrong" ""
run_llm usage --mon 2026-11 --js
check_rc "usage --mon 2026-11 --js: exit 0" 0
check_eq "usage --mon 2026-11 --js: the month asked for, as JSON" "$(json_get "$T/out" month)" \
    "2026-11"
run_llm usage --mon=2026-10 --b tier --js
check_eq "usage --mon=2026-10 --b tier --js: each taken" \
    "$(json_get "$T/out" month) $(json_get "$T/out" by)" "2026-10 tier"
run_llm budget --js
check_rc "budget --js: exit 0" 0
check_contains "budget --js: JSON" "$OUT" '"spent_usd"'
nl='
'
wrong=
for cmd in models budget usage logs cmd roles keys git config ledger "do" undo route chat; do
	# shellcheck disable=SC2046 # the options are words
	shared "$cmd" $("$LLM_BIN" __complete opts "$cmd") >"$T/shared"
	tab=$(printf '\t')
	while IFS=$tab read -r cut want; do
		run_llm "$cmd" "$cut" </dev/null
		[ "$RC" = 2 ] && [ "${ERR%%"$nl"*}" = "$want" ] && usage_said "$cmd" ||
		    wrong="$wrong [$cmd $cut: $RC $ERR]"
	done <"$T/shared"
done
check_eq "a long option cut short to a start several share: refused, naming them, the synopsis" \
    "$wrong" ""
check_eq "the commands have such starts to refuse" "$(shared models --name --no-color | cut -f1)" \
    "--n"
run_llm models --n </dev/null
check_eq "models --n: said, with the synopsis" "$ERR" \
    "llm: models: option '--n' is ambiguous: --name or --no-color
usage: llm models [-t | --tier TIER] [--json]
       llm models import FILE|URL|-
       llm models --remote PROVIDER [--json]
       llm models add PROVIDER ID --tier T --price IN/OUT [--name NAME]
Try 'llm models --help'."
run_llm --no hi </dev/null
check_eq "llm --no: said, with the candidates" "$ERR" \
    "llm: option '--no' is ambiguous: --no-stream or --no-color
usage: llm [OPTIONS] [PROMPT...]
       llm COMMAND [ARGS...]
Try 'llm --help'."
check_eq "cut short, or ambiguous: nothing sent" "$(fake_count)" "$n"
fake_reply '{"text":"ok"}'
run_llm --verb hi </dev/null
check_rc "--verb (only --verbose starts so): exit 0" 0
check_contains "--verb: is --verbose" "$ERR" "llm: route "
run_llm -q --version
check_rc "-q --version: exit 0" 0
check_contains "-q --version: the version" "$OUT" "llm "
# -V and -h go in a bundle of flags as any flag does; in "-tV" V is -t's value.
n=$(fake_count)
for words in "-qV" "-Vq" "-vqV"; do
	run_llm "$words" </dev/null
	check_rc "$words: exit 0" 0
	check_eq "$words: the version" "$OUT" "$("$LLM_BIN" --version)"
done
run_llm -qh </dev/null
check_rc "-qh: exit 0" 0
check_contains "-qh: the usage" "$OUT" "usage: llm [OPTIONS] [PROMPT...]"
run_llm -tV </dev/null
check_rc "-tV: V is the tier, exit 2" 2
check_contains "-tV: the tier named" "$ERR" "unknown tier 'V'"
run_llm -qV extra </dev/null
check_rc "-qV extra: exit 2" 2
check_eq "-qV extra: the extra word named" "$ERR" "llm: --version: unexpected 'extra'"
check_eq "bundled -V and -h: nothing sent" "$(fake_count)" "$n"
run_llm -t cheap --version --no-color
check_rc "-t cheap --version --no-color: llm's options with their values, exit 0" 0
check_contains "-t cheap --version --no-color: the version" "$OUT" "llm "
# A word beside --version is no prompt, nor an option llm has: refused, as llm version refuses it.
for words in "--version extra" "extra -V" "-V -- extra" "--version --bogus"; do
	# shellcheck disable=SC2086 # the words are the command line
	run_llm $words </dev/null
	check_rc "$words: exit 2" 2
	check_eq "$words: nothing on stdout" "$OUT" ""
	case $words in
	*--bogus) check_eq "$words: the option named" "$ERR" "llm: --version: unknown option '--bogus'" ;;
	*) check_eq "$words: the extra word named" "$ERR" "llm: --version: unexpected 'extra'" ;;
	esac
done
# A short option takes its value after "=" as a long one does, on every line;
# a value that only looks like OPTION=VALUE is left alone.
fake_reply '{"text":"ok"}'
run_llm -q=1 -- x
check_rc "-q=1 before --: refused, exit 2" 2
run_llm -t=mid x -q
check_rc "-t=mid: exit 0" 0
check_eq "-t=mid: sent to mid" "$(fake_last body.model)" test-mid-1
check_eq "-t=mid: the prompt alone" "$(fake_last body.messages.0.content)" x
fake_reply '{"text":"ok"}'
run_llm -q -m=test-cheap x -s=terse
check_rc "-m=NAME -s=TEXT: exit 0" 0
check_eq "-m=NAME: pinned" "$(fake_last body.model)" test-cheap-1
check_eq "-s=TEXT: the system prompt, without the =" "$(fake_last body.messages.0.content)" terse
fake_reply '{"text":"ok"}'
run_llm -q -s -t=x -m test-cheap x
check_eq "-s -t=x: the value of -s as given" "$(fake_last body.messages.0.content)" "-t=x"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -- -t=x
check_eq "-- -t=x: prompt text as given" "$(fake_last body.messages.0.content)" "-t=x"
run_llm route -t=frontier x
check_rc "route -t=frontier: exit 0" 0
check_contains "route -t=frontier: the tier taken" "$OUT" "frontier (tier)"
run_llm models -t=cheap --json
check_rc "models -t=cheap: exit 0" 0
check_not_contains "models -t=cheap: no other tier" "$OUT" '"tier":"mid"'
run_llm "do" -t=premium x
check_contains "do -t=premium: the tier named without the =" "$ERR" "unknown tier 'premium'"
check_contains "do -t=premium: the tiers to give instead" "$ERR" "tiers: auto, cheap, mid, frontier"
run_llm cmd --tier=premium x
check_contains "cmd --tier=premium: the tier named" "$ERR" "unknown tier 'premium'"
check_contains "cmd --tier=premium: the tiers to give instead" "$ERR" "tiers: auto, cheap, mid, frontier"
run_llm logs -n=1
check_rc "logs -n=1: exit 0" 0
# llm help and llm version have their own help, as every command has; the
# "Try" line of each command's error leads to that command's usage.
run_llm help --help
check_rc "help --help: exit 0" 0
check_contains "help --help: its own usage" "$OUT" "usage: llm help [COMMAND]"
run_llm help help
check_contains "help help: help's own usage" "$OUT" "usage: llm help [COMMAND]"
run_llm version --help
check_contains "version --help: its usage" "$OUT" "usage: llm version"
run_llm help version
check_eq "help version: version --help" "$OUT" "$("$LLM_BIN" version --help)"
run_llm help -x
check_contains "help -x: its usage after the error" "$ERR" "usage: llm help [COMMAND]"
wrong=
for cmd in "" $("$LLM_BIN" __complete commands); do
	# shellcheck disable=SC2086 # no word is no argument
	run_llm $cmd --help=1 </dev/null
	try=$(printf '%s\n' "$ERR" | sed -n "s/^Try '\(llm.*\)'\.\$/\1/p")
	# shellcheck disable=SC2086 # the words of the command
	out=$([ -n "$try" ] && "$LLM_BIN" ${try#llm } </dev/null 2>&1 | head -1)
	case "$out " in
	"usage: ${try% --help} "*) ;;
	*) wrong="$wrong [${cmd:-llm}: '$try' prints '$out']" ;;
	esac
done
check_eq "each Try line leads to that command's usage" "$wrong" ""
"$LLM_BIN" git uninstall-hook >/dev/null 2>&1
run_llm git install-hook extra
check_rc "git install-hook extra: exit 2" 2
check_contains "git install-hook extra: a word, not an option" "$ERR" \
    "llm: git install-hook: unexpected 'extra'"
check "git install-hook extra: no hook" test ! -e "$R/.git/hooks/prepare-commit-msg"
cd "$LLM_TOP" || exit 1

run_llm config set tier cheap
check_rc "config set: exit 2" 2
check_contains "config set: names the command" "$ERR" "llm: config: unknown command 'set'"
check_contains "config set: says where settings change" "$ERR" "llm config path says where"
run_llm config show all
check_contains "config show all: names the extra word" "$ERR" \
    "llm: config show: takes no argument, got 'all'"

# A lone word a letter away from a command is a misspelt command, not a paid one-word prompt.
n=$(fake_count)
run_llm bugdet
check_rc "bugdet: exit 2" 2
check_contains "bugdet: names the command meant" "$ERR" "did you mean 'llm budget'?"
check_contains "bugdet: says how to send it anyway" "$ERR" "llm -- bugdet"
run_llm modles
check_contains "modles: names the command meant" "$ERR" "did you mean 'llm models'?"
# A misspelt command followed by one of its own words is that command too,
# whatever the length of its name: sent as a prompt, "llm key set openai"
# would carry the key piped to it to a model, and into the ledger.
run_llm_in 'sk-piped-key-9876
' key set openai
check_rc "key set openai: exit 2" 2
check_contains "key set openai: names the command meant" "$ERR" "did you mean 'llm keys set'?"
check_contains "key set openai: says how to send it anyway" "$ERR" "put -- before it"
check_not_contains "key set openai: the key is not repeated" "$ERR" "sk-piped"
check_eq "key set openai: nothing in the ledger" \
    "$(grep -rlF sk-piped-key "$LLM_DATA_DIR" 2>/dev/null)" ""
run_llm budgte set 50
check_contains "budgte set 50: names the command meant" "$ERR" "did you mean 'llm budget set'?"
# A command's own word a letter off is named, as a misspelt command is; the
# rest of the line is not repeated in it (after llm keys it may hold a key).
run_llm config shwo
check_rc "config shwo: exit 2" 2
check_contains "config shwo: names the word meant" "$ERR" "did you mean 'llm config show'?"
check_eq "config shwo: the word meant said under the error, above the usage" \
    "$(printf '%s\n' "$ERR" | head -3 | sed -n '2p;3s/ .*//p')" "llm: did you mean 'llm config show'?
usage:"
run_llm keys lst
check_eq "keys lst: the word meant said under the error, above the usage" \
    "$(printf '%s\n' "$ERR" | head -3 | sed -n '2p;3s/ .*//p')" "llm: did you mean 'llm keys list'?
usage:"
check_eq "keys lst: said once" "$(printf '%s\n' "$ERR" | grep -c 'did you mean')" 1
run_llm git instal-hook
check_contains "git instal-hook: names the word meant" "$ERR" "did you mean 'llm git install-hook'?"
run_llm logs shwo 3
check_contains "logs shwo 3: names the word meant" "$ERR" "did you mean 'llm logs show'?"
run_llm budget sett 5
check_contains "budget sett 5: names the word meant" "$ERR" "did you mean 'llm budget set'?"
run_llm keys sett sk-typed-key-0123456789abcdef
check_contains "keys sett: names the word meant" "$ERR" "did you mean 'llm keys set'?"
check_not_contains "keys sett: the key is not repeated" "$ERR" "sk-typed"
run_llm usage of malloc
check_not_contains "usage of malloc: no word of usage's is near, none named" "$ERR" "did you mean"
# A question that starts with a command's name is that command's: when the
# command refuses the words, it is said how to send them to a model.
run_llm usage of malloc in C
check_rc "usage of malloc: exit 2" 2
check_contains "usage of malloc: how to send it as a prompt" "$ERR" \
    "llm: to send it to a model as a prompt: llm -- usage of malloc in C"
run_llm git rebase or "merge?"
check_contains "git rebase or merge?: quoted for the shell" "$ERR" "llm -- git rebase or 'merge?'"
run_llm undo "a commit's changes"
check_contains "undo a commit's: a quote quoted" "$ERR" "llm -- undo 'a commit'\\''s changes'"
run_llm chat about rust
check_contains "chat about rust: how to send it as a prompt" "$ERR" "llm -- chat about rust"
# help and version are commands too, and "help me ..." opens many a question
run_llm help me write a regex for dates
check_rc "help me write a regex: exit 2" 2
check_contains "help me write a regex: how to send it as a prompt" "$ERR" \
    "llm: to send it to a model as a prompt: llm -- help me write a regex for dates"
run_llm help usage of malloc
check_contains "help usage of malloc: how to send it as a prompt" "$ERR" \
    "llm -- help usage of malloc"
run_llm version 2 of the plan
check_rc "version 2 of the plan: exit 2" 2
check_contains "version 2 of the plan: how to send it as a prompt" "$ERR" \
    "llm -- version 2 of the plan"
run_llm version --bogus
check_not_contains "version --bogus: an option, no such hint" "$ERR" "as a prompt"
run_llm logs show 99999
check_not_contains "logs show 99999: a command's own word, no such hint" "$ERR" "as a prompt"
run_llm keys remove nosuch
check_not_contains "keys remove nosuch: another name of a command's word, no such hint" "$ERR" \
    "as a prompt"
run_llm usage --bogus
check_not_contains "usage --bogus: an option, no such hint" "$ERR" "as a prompt"
# A command's name after an option is no one-word prompt either: the command
# goes first. After -- it is a prompt.
run_llm --json budget
check_rc "--json budget: exit 2" 2
check_contains "--json budget: says the command goes first" "$ERR" \
    "llm: 'budget' is a command: it goes first, its options after it (llm budget ...)"
run_llm -t mid usage
check_contains "-t mid usage: says how to send it" "$ERR" "put -- before it"
check_eq "misspelt commands: nothing sent" "$(fake_count)" "$n"
fake_reply '{"text":"ok"}'
run_llm -q -t mid -- usage
check_rc "-t mid -- usage: a prompt, exit 0" 0
check_eq "-t mid -- usage: sent as the prompt" "$(fake_last body.messages.0.content)" usage
fake_reply '{"text":"ok"}'
run_llm -q -- bugdet
check_rc "-- bugdet: exit 0" 0
check_eq "-- bugdet: sent as the prompt" "$(fake_last body.messages.0.content)" bugdet
fake_reply '{"text":"ok"}'
run_llm -q what
check_rc "what: a one-word prompt, exit 0" 0
check_eq "what: sent as the prompt" "$(fake_last body.messages.0.content)" what
fake_reply '{"text":"ok"}'
run_llm -q bugdet summary
check_eq "bugdet summary: words, a prompt" "$(fake_last body.messages.0.content)" "bugdet summary"

# A --max-tokens out of range says the range, not only that it is wrong.
for face in "" "do"; do
	# shellcheck disable=SC2086 # no word, or do
	run_llm $face --max-tokens 99999999999 "x"
	check_rc "${face:-llm} --max-tokens too large: exit 2" 2
	check_contains "${face:-llm} --max-tokens too large: says the range" "$ERR" "from 1 to "
done

# -- ends a command's options too, as scripts write it before a value of their own.
fake_reply '{"text":"kept"}'
run_llm -q -m test-cheap "to show"
cid=$(t_ledger_sql "select max(id) from conversations")
run_llm logs show -- "$cid"
check_rc "logs show -- ID: exit 0" 0
check_contains "logs show -- ID: the conversation" "$OUT" "kept"
run_llm logs -- show "$cid"
check_rc "logs -- show ID: exit 0" 0
check_contains "logs -- show ID: the conversation" "$OUT" "kept"
run_llm models --json --
check_rc "models --json --: exit 0" 0
check "models --json --: the catalog as JSON" json_get "$T/out" 0.name
run_llm logs -q --
check_contains "logs -q --: -- is -q's value" "$ERR" "no message holds '--'"
run_llm models -- -t
check_rc "models -- -t: exit 2" 2
check_contains "models -- -t: says the word is no option" "$ERR" "llm: models: '-t' after --"
check_contains "models -- -t: a file of that name is ./-t" "$ERR" "write ./-t"
# Where no word is a file, no file is spoken of.
for words in "logs show -- -3" "keys rm -- -x" "budget set -- -x"; do
	# shellcheck disable=SC2086 # the words are the command line
	run_llm $words
	check_rc "$words: exit 2" 2
	check_contains "$words: the word named" "$ERR" "' after --: llm ${words%% *} has no word"
	check_not_contains "$words: no file spoken of" "$ERR" "a file of that name"
done

# An amount after -- may start with '-': budget set says it cannot be
# negative, and what to give, as it says of -5 with no --.
for words in "budget set -- -5" "budget set -5" "budget set -- -0.5" "budget set -\$5" \
    "budget set \$-5"; do
	# shellcheck disable=SC2086 # the words are the command line
	run_llm $words
	check_rc "$words: exit 2" 2
	check_eq "$words: no budget is negative, and what to type" "$ERR" \
	    "llm: budget set: a budget cannot be negative (got '${words##* }'): give dollars such as 50, or 0 for no budget"
done

# keys set, rm and check without a provider, or with a word too many, say which before the usage.
for sub in set rm check; do
	run_llm keys "$sub"
	check_rc "keys $sub without a provider: exit 2" 2
	check_contains "keys $sub without a provider: asks which" "$ERR" "llm: keys $sub: which provider?"
done
for sub in rm check; do
	run_llm keys "$sub" openai more
	check_contains "keys $sub with a word too many: names it" "$ERR" "llm: keys $sub: unexpected 'more'"
done
# A key typed where a word of llm keys goes is not repeated on stderr (a
# terminal's scrollback, a CI log), nor offered to be sent as a prompt.
K=sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123
for words in "set $K" "set OPENAI_API_KEY=$K" "set openai --key=$K" "rm openai $K" "check openai $K" "$K"; do
	# shellcheck disable=SC2086 # the words are split on purpose
	run_llm keys $words
	check_rc "keys $(echo "$words" | sed "s/$K/KEY/"): exit 2" 2
	check_not_contains "keys $(echo "$words" | sed "s/$K/KEY/"): the key is not repeated" "$ERR" "$K"
done
run_llm keys set OPENAI_API_KEY=sk-1
check_contains "keys set NAME=VALUE: says why the word is not shown" "$ERR" \
    "llm: keys set: unknown provider (not shown: it may be a key)"
run_llm keys set opnai
check_contains "keys set with a typo: names the word" "$ERR" "llm: keys set: unknown provider 'opnai'"
# every name llm keys takes is listed: the providers, and the team ledger's
missing=
for sub in set rm check; do
	run_llm keys "$sub" opnai </dev/null
	for name in $("$LLM_BIN" __complete keys); do
		printf '%s\n' "$ERR" | grep -q "[ (]${name}[,;)]" || missing="$missing $sub:$name"
	done
done
check_eq "keys set, rm, check with a typo: every name llm keys takes is listed" "$missing" ""

# A short option's value may be attached (-tmid) or not, and a long one's given with = or not,
# alike in every command that takes it.
for spelt in -tmid "-t mid" --tier=mid "--tier mid"; do
	fake_reply '{"text":"ls -la"}'
	# shellcheck disable=SC2086
	run_llm cmd --print $spelt "list the files"
	check_rc "cmd $spelt: exit 0" 0
	check_eq "cmd $spelt: asked on mid" "$(fake_last body.model)" test-mid-1
	# shellcheck disable=SC2086
	run_llm models $spelt --json
	check_rc "models $spelt: exit 0" 0
	check_eq "models $spelt: only mid" \
	    "$(printf '%s' "$OUT" | t_py -c 'import json,sys; print(" ".join(sorted({m["tier"] for m in json.load(sys.stdin)})))')" mid
done
fake_reply '{"text":"ls -la"}'
run_llm cmd --print -mtest-frontier "list the files"
check_contains "cmd -mNAME: the model pinned" "$(fake_last path)" test-frontier-1
fake_reply '{"text":"ls -la"}'
run_llm cmd --print --model=test-frontier "list the files"
check_contains "cmd --model=NAME: the model pinned" "$(fake_last path)" test-frontier-1
run_llm cmd --print "list the files" -t
check_rc "cmd -t at the end: exit 2" 2
check_contains "cmd -t at the end: said" "$ERR" "llm: cmd: option -t needs an argument"
run_llm cmd --print -tpremium "list the files"
check_contains "cmd -tpremium: the tier named" "$ERR" "llm: cmd: unknown tier 'premium'"
run_llm models -tauto
check_rc "models -tauto: refused" 2
# Without a team ledger, llm ledger send says how to name one.
run_llm ledger send
check_rc "ledger send, no team ledger: exit 2" 2
check_contains "ledger send, no team ledger: says how to set one" "$ERR" \
    "set [ledger] database in config.ini (man llm-config) or LLM_DATABASE"
