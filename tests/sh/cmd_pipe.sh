#!/bin/sh
# cmd_pipe: text piped to llm cmd is context for the request, sent after it as llm PROMPT
# sends stdin, within the same 16 MiB cap: binary refused, non-UTF-8 replaced and said.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

listing='total 3
-rw-r--r-- 1 u u 900000 big.iso
-rw-r--r-- 1 u u     10 a.txt'

# --- a listing piped in is the context the command is chosen from ----------------------
fake_reply '{"text":"rm -- big.iso\n# deletes the biggest file"}'
run_llm_in "$listing" cmd --print "delete the biggest file"
check_rc "piped: exit 0" 0
check_eq "piped: the command on stdout" "$OUT" "rm -- big.iso"
check_eq "piped: the request, a blank line, then stdin" "$(fake_last body.messages.1.content)" \
    "$(printf 'delete the biggest file\n\n%s' "$listing")"
check_contains "piped: the model is told it is context, not the command's stdin" \
    "$(fake_last body.messages.0.content)" "the command will not receive it on its stdin"
check_eq "piped: nothing said on stderr" "$ERR" ""

# --- no stdin (/dev/null, as under cron): the request alone, nothing said --------------
fake_reply '{"text":"ls -la"}'
run_llm cmd --print "list the files" </dev/null
check_eq "/dev/null: the request alone" "$(fake_last body.messages.1.content)" "list the files"
check_not_contains "/dev/null: no word of piped context to the model" \
    "$(fake_last body.messages.0.content)" "piped in"
check_eq "/dev/null: nothing said" "$ERR" ""

# --- an empty pipe (find that found nothing): nothing sent, and how to send it alone ----
n=$(fake_count)
run_llm_in "" cmd --print "delete these"
check_rc "empty pipe: exit 2" 2
check_eq "empty pipe: said, with how to send the request alone" "$ERR" \
    "llm: cmd: nothing came on stdin: nothing was sent (to send the request alone, drop the pipe or use </dev/null)"
: | {
	"$LLM_BIN" cmd --print "delete these" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "empty pipe, a real one: exit 2" "$(cat "$T/rc")" 2
run_llm_in "
 " cmd --print "delete these"
check_rc "a pipe of white space: exit 2" 2
check_eq "empty pipe: nothing sent" "$(fake_count)" "$n"

# --- bytes that are not UTF-8 go as U+FFFD, said -----------------------------------------
fake_reply '{"text":"ls"}'
printf 'caf\351 list\n' >"$T/latin1"
run_llm cmd --print "open it" <"$T/latin1"
check_rc "latin-1: exit 0" 0
check_eq "latin-1: U+FFFD sent" "$(fake_last body.messages.1.content)" \
    "$(printf 'open it\n\ncaf\357\277\275 list\n')"
check_contains "latin-1: said" "$ERR" "llm: cmd: stdin: not valid UTF-8"

# --- binary data and input over the cap are refused, nothing sent -----------------------
n=$(fake_count)
printf 'abc\000def' >"$T/nul"
run_llm cmd --print "what is it" <"$T/nul"
check_rc "binary: exit 2" 2
check_contains "binary: said" "$ERR" "llm: cmd: stdin: binary data"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\000' 'a' >"$T/17m"
run_llm cmd --print "count the lines" <"$T/17m"
check_rc "over 16 MiB: exit 2" 2
check_contains "over 16 MiB: said" "$ERR" "stdin: over the 16 MiB input limit"
check_eq "refused input: nothing sent" "$(fake_count)" "$n"

# --- "-" is stdin: the request itself, as llm - takes its prompt ------------------------
fake_reply '{"text":"ls -S | head -1"}'
run_llm_in "name the biggest file" cmd --print -
check_rc "-: exit 0" 0
check_eq "-: stdin is the request" "$(fake_last body.messages.1.content)" "name the biggest file"
check_not_contains "-: no context said to the model" "$(fake_last body.messages.0.content)" "piped in"
n=$(fake_count)
run_llm cmd --print - </dev/null
check_rc "- with nothing on stdin: exit 2" 2
check_contains "- with nothing on stdin: said" "$ERR" "llm: cmd: what should the command do?"
t_py -c 'print("a" * 70000)' >"$T/70k"
run_llm cmd --print - <"$T/70k"
check_rc "- over the request's 64 KiB: exit 2" 2
check_eq "-: nothing sent when refused" "$(fake_count)" "$n"

# --- said in --help ---------------------------------------------------------------------
run_llm cmd --help
check_contains "--help says piped text is context" "$OUT" "Text piped in is"

# --- --init prints the snippet alone: anything for a request beside it is refused ------------
for extra in "list files" "--print" "-t mid" "-m test-mid"; do
	# shellcheck disable=SC2086 # the words of a command line
	run_llm cmd --init bash $extra
	check_rc "--init bash $extra: exit 2" 2
	check_contains "--init bash $extra: said" "$ERR" "llm: cmd: --init prints the shell snippet alone"
	check_eq "--init bash $extra: no snippet" "$OUT" ""
done
run_llm cmd --init bash
check_rc "--init bash alone: exit 0" 0
check_contains "--init bash alone: the snippet" "$OUT" "bind -x"
