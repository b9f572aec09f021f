#!/bin/sh
# output: -o FILE writes the answer to a file atomically and never replaces one without --force.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

fake_reply '{"text":"first answer"}'
run_llm -q -t cheap -o "$T/answer.txt" "say something"
check_rc "-o: exit 0" 0
check_eq "-o: nothing on stdout" "$OUT" ""
check_eq "-o: the answer in the file, with its newline" "$(od -c "$T/answer.txt" | head -2)" \
    "$(printf 'first answer\n' | od -c | head -2)"
check_eq "-o: no temporary file left" "$(find "$T" -maxdepth 1 -name 'answer.txt.*')" ""

requests=$(wc -l <"$T/fake.log")
run_llm -q -t cheap -o "$T/answer.txt" "say more"
check_rc "-o onto an existing file: exit 2" 2
check_contains "-o onto an existing file: says --force" "$ERR" "--force replaces it"
check_eq "-o onto an existing file: nothing sent" "$(wc -l <"$T/fake.log")" "$requests"
check_eq "-o onto an existing file: file untouched" "$(cat "$T/answer.txt")" "first answer"

fake_reply '{"text":"second answer\n"}'
run_llm -q -t cheap --output "$T/answer.txt" --force "say more"
check_rc "--force: exit 0" 0
check_eq "--force: the file replaced" "$(cat "$T/answer.txt")" "second answer"
# --force without -o would replace nothing: refused before anything is sent, not ignored.
n=$(fake_count)
run_llm -q -t cheap --force "say more"
check_rc "--force without -o: exit 2" 2
check_contains "--force without -o: said" "$ERR" "llm: --force goes with -o FILE"
check_eq "--force without -o: nothing sent" "$(fake_count)" "$n"
fake_reply '{"text":"to stdout"}'
run_llm -q -t cheap -o - --force "say more"
check_rc "--force with -o -: exit 0" 0
check_eq "--force with -o -: the answer on stdout" "$OUT" "to stdout"

ln -s "$T/target" "$T/link"
fake_reply '{"text":"third"}'
run_llm -q -t cheap -o "$T/link" --force "x"
check "--force onto a symlink replaces the link, never writes through it" test ! -e "$T/target"

fake_default '{"status":500}'
run_llm -q -t cheap -o "$T/failed.txt" "fail"
check "a failed request writes no file" test ! -e "$T/failed.txt"

fake_reply '{"text":"half an answer","fault":"cut"}'
run_llm -q -t cheap -o "$T/cut.txt" "say it"
check "a cut answer writes no file" test ! -e "$T/cut.txt"
check_contains "a cut answer: says where its part is" "$ERR" "-o $T/cut.txt: not written, the answer is not whole; its part: llm logs show"

fake_reply '{"text":"in json"}'
run_llm -q -t cheap --json -o "$T/j.txt" "x"
check_eq "--json with -o: the JSON on stdout" "$(json_get "$T/out" text)" "in json"
check_eq "--json with -o: the text in the file" "$(cat "$T/j.txt")" "in json"

# -o onto something that is not a regular file (a FIFO here; /dev/null or
# /dev/stderr alike) writes into it and never replaces it, --force or not.
mkfifo "$T/fifo"
for force in "" --force; do
	timeout 20 cat "$T/fifo" >"$T/fifo.got" &
	reader=$!
	fake_reply '{"text":"through the pipe"}'
	# shellcheck disable=SC2086 # no word, or --force
	run_llm -q -t cheap -o "$T/fifo" $force "say it"
	check_rc "-o FIFO $force: exit 0" 0
	check "-o FIFO $force: still a FIFO" test -p "$T/fifo"
	[ -p "$T/fifo" ] || { rm -f "$T/fifo"; mkfifo "$T/fifo"; : >"$T/fifo" & }
	wait "$reader"
	check_eq "-o FIFO $force: the answer went through it" "$(cat "$T/fifo.got")" "through the pipe"
done

# -o - is standard output, as for curl and wget: no file named "-".
fake_reply '{"text":"to stdout"}'
(cd "$T" && run_llm -q -t cheap -o - "say it"; echo "$RC" >"$T/dash.rc"; printf '%s' "$OUT" >"$T/dash.out")
check_eq "-o -: exit 0" "$(cat "$T/dash.rc")" 0
check_eq "-o -: the answer on stdout" "$(cat "$T/dash.out")" "to stdout"
check "-o -: no file named -" test ! -e "$T/-"

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]

# A directory is no file to replace: said before anything is sent, without offering --force.
mkdir -p "$T/adir"
n=$(fake_count)
for force in "" --force; do
	# shellcheck disable=SC2086 # no word, or --force
	run_llm -q -t cheap -o "$T/adir" $force "x"
	check_rc "-o DIR $force: exit 2" 2
	check_contains "-o DIR $force: says it is a directory" "$ERR" "-o $T/adir: a directory"
	check_not_contains "-o DIR $force: offers no --force" "$ERR" "--force replaces"
done
check_eq "-o DIR: nothing sent" "$(fake_count)" "$n"

# The temporary file goes beside FILE: a directory that is not there is said before anything is sent.
n=$(fake_count)
run_llm -q -t cheap -o "$T/nodir/answer.txt" "x"
check_rc "-o in a missing directory: exit 2" 2
check_contains "-o in a missing directory: says why" "$ERR" "-o $T/nodir/answer.txt: No such file or directory"
run_llm -q -t cheap -o "" "x"
check_rc "-o with an empty name: exit 2" 2
check_eq "-o in a missing directory: nothing sent" "$(fake_count)" "$n"

# An answer paid for that -o could not take (a full disk) is kept, and the error says where.
if [ -c /dev/full ]; then
	fake_reply '{"text":"kept for later"}'
	run_llm -q -t cheap -o /dev/full "x"
	check_rc "-o onto a full disk: exit 2" 2
	check_contains "-o onto a full disk: says why" "$ERR" "-o /dev/full: No space left on device"
	id=$(printf '%s' "$ERR" | sed -n 's/.*(the answer is kept: llm logs show \([0-9]*\))$/\1/p')
	check "-o onto a full disk: says where the answer is" [ -n "$id" ]
	run_llm logs show "$id"
	check_contains "-o onto a full disk: the answer is there" "$OUT" "kept for later"
	fake_reply '{"text":"kept for later"}'
	run_llm -q -t cheap --json -o /dev/full "x"
	check_rc "--json -o onto a full disk: exit 2" 2
	check_eq "--json -o onto a full disk: the JSON says exit 2 too" "$(json_get "$T/out" exit_code)" 2
fi
