#!/bin/sh
# input.sh: stdin, -f files, `llm route` stdin and `llm models import FILE` are read as text
# within one 16 MiB cap: binary input and non-regular files are refused (exit 2, nothing sent,
# never a silent cut), and bytes that are not UTF-8 become U+FFFD with one note on stderr.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# A NUL byte on stdin used to end the prompt there, silently.
printf 'before\000after\n' >"$T/nul.txt"
run_llm -q -m test-cheap "summarise" <"$T/nul.txt"
check_rc "stdin NUL: exit 2" 2
check_contains "stdin NUL: says stdin and where" "$ERR" "stdin: binary data (a NUL byte at offset 6)"
check_contains "stdin NUL: says what to do" "$ERR" "attach a text file, or convert it first"
check_eq "stdin NUL: nothing sent" "$(fake_count)" 0

run_llm -q -m test-cheap -f "$T/nul.txt" "summarise"
check_rc "file NUL: exit 2" 2
check_contains "file NUL: names the file" "$ERR" "$T/nul.txt: binary data (a NUL byte at offset 6)"
check_eq "file NUL: nothing sent" "$(fake_count)" 0

# A binary file (a zip archive's first bytes) was attached as raw bytes. (An
# image is sent as an image: tests/sh/images.sh.)
printf 'PK\003\004\024\000\000\000\010\000' >"$T/bundle.zip"
run_llm -q -m test-cheap -f "$T/bundle.zip" "what is this"
check_rc "zip: exit 2" 2
check_contains "zip: refused as binary" "$ERR" "bundle.zip: binary data"
# Binary with no NUL at all: bytes no text holds.
t_py -c 'import sys; sys.stdout.buffer.write(bytes(0x80 + (i * 37) % 128 for i in range(4096)))' >"$T/blob.bin"
run_llm -q -m test-cheap -f "$T/blob.bin" "what is this"
check_rc "binary without NUL: exit 2" 2
check_contains "binary without NUL: refused" "$ERR" "blob.bin: does not look like text"
check_eq "binary: nothing sent" "$(fake_count)" 0

run_llm route -m test-cheap "x" <"$T/nul.txt"
check_rc "route stdin NUL: exit 2" 2
check_contains "route stdin NUL: refused" "$ERR" "stdin: binary data"

# Bytes that are not UTF-8 go out as U+FFFD, said once, naming the source.
printf 'caf\351 cr\350me \377\376 end\n' >"$T/latin1.txt"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap "fix" <"$T/latin1.txt"
check_rc "stdin latin-1: exit 0" 0
check_eq "stdin latin-1: U+FFFD sent" "$(fake_last body.messages.0.content)" "$(printf 'fix\n\ncaf\357\277\275 cr\357\277\275me \357\277\275\357\277\275 end\n')"
check_contains "stdin latin-1: said on stderr" "$ERR" "llm: stdin: not valid UTF-8: 4 broken sequences replaced with U+FFFD"
check_eq "stdin latin-1: said once" "$(grep -c 'not valid UTF-8' "$T/err")" 1
t_py - "$T/fake.log" <<'PY' && ok "stdin latin-1: request body is valid UTF-8" || not_ok "stdin latin-1: request body is valid UTF-8"
import sys
for line in open(sys.argv[1], "rb"):
    line.decode("utf-8")  # raises on a byte that is not UTF-8
PY
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -f "$T/latin1.txt" "fix"
check_rc "file latin-1: exit 0" 0
check_contains "file latin-1: U+FFFD sent" "$(fake_last body.messages.0.content)" "$(printf 'caf\357\277\275 cr')"
check_contains "file latin-1: names the file" "$ERR" "$T/latin1.txt: not valid UTF-8: 4 broken sequences"
run_llm route -m test-cheap "fix" <"$T/latin1.txt"
check_rc "route latin-1: exit 0" 0
check_contains "route latin-1: said" "$ERR" "stdin: not valid UTF-8"

# One cap, 16 MiB, for the prompt with its stdin and files together (a model whose window
# holds that much, so the cap is what is tested).
t_config_append "$(t_model test-vast openai test-vast-1 cheap 1 1 'context = 10000000')"
fake_count_before=$(fake_count)
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\000' 'a' >"$T/10m.txt"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\000' 'a' >"$T/17m.txt"
run_llm --dry-run -m test-vast -f "$T/10m.txt" "x"
check_rc "cap: a 10 MiB file is within it" 0
run_llm --dry-run -m test-vast "x" <"$T/10m.txt"
check_rc "cap: 10 MiB on stdin is within it" 0
run_llm -q -m test-cheap "x" <"$T/17m.txt"
check_rc "cap: 17 MiB on stdin: exit 2" 2
check_contains "cap: stdin over it, said" "$ERR" "stdin: over the 16 MiB input limit"
run_llm -q -m test-cheap -f "$T/17m.txt" "x"
check_rc "cap: a 17 MiB file: exit 2" 2
check_contains "cap: file over it, said" "$ERR" "17m.txt: over the 16 MiB input limit"
# shellcheck disable=SC2094 # the same file as -f and on stdin, on purpose
run_llm -q -m test-cheap -f "$T/10m.txt" "x" <"$T/10m.txt"
check_rc "cap: stdin and a file over it together: exit 2" 2
check_contains "cap: together, said" "$ERR" "10m.txt: over the 16 MiB input limit with the prompt and the input before it"
run_llm route -m test-cheap "x" <"$T/17m.txt"
check_rc "cap: route stdin over it: exit 2" 2
check_contains "cap: route stdin, said" "$ERR" "stdin: over the 16 MiB input limit"
check_eq "cap: nothing sent" "$(fake_count)" "$fake_count_before"
run_llm --help
check_contains "cap: in --help" "$OUT" "16 MiB"
check_contains "cap: in the man page" "$(cat "$LLM_TOP/man/llm.1")" "16 MiB"

# A FIFO (or any file that is not a regular file) is refused at once, never waited on.
mkfifo "$T/fifo"
RUN_TIMEOUT=10 run_llm -q -m test-cheap -f "$T/fifo" "x"
check_rc "fifo -f: exit 2 at once" 2
check_contains "fifo -f: said" "$ERR" "fifo: a FIFO, not a regular file"
RUN_TIMEOUT=10 run_llm models import "$T/fifo"
check_rc "fifo import: exit 2 at once" 2
check_contains "fifo import: said" "$ERR" "fifo: a FIFO, not a regular file"
run_llm -q -m test-cheap -f "$T" "x"
check_rc "directory -f: exit 2" 2
check_contains "directory -f: said" "$ERR" "a directory, not a regular file"
check_contains "directory -f: what to do" "$ERR" "attach its files one by one (-f $T/NAME), or let llm do read it"
RUN_TIMEOUT=10 run_llm -q -m test-cheap -f /dev/zero "x"
check_rc "device -f: exit 2 at once" 2
check_contains "device -f: said" "$ERR" "/dev/zero: a character device, not a regular file"
# -f /dev/stdin on a pipe is a pipe: refused, not read twice or waited on (stdin is the material).
printf 'piped' | timeout -k 5 10 "$LLM_BIN" -q -m test-cheap -f /dev/stdin "x" >"$T/out" 2>"$T/err"
check_eq "-f /dev/stdin on a pipe: exit 2" "$?" 2
check_contains "-f /dev/stdin on a pipe: said" "$(cat "$T/err")" "/dev/stdin: a FIFO, not a regular file"
check_eq "not regular: nothing sent" "$(fake_count)" "$fake_count_before"

# A command's output named as a file (-f <(git diff) in bash, /dev/fd/N) is a
# pipe that ends: read like a file, within the cap, binary refused. Here fd 3
# is that pipe and stdin is not piped, as with a process substitution.
fake_reply '{"text":"ok"}'
printf 'late diff\n' | { sleep 0.3; cat; } | {
	timeout -k 5 10 "$LLM_BIN" -q -m test-cheap -f /dev/fd/3 "review" 3<&0 </dev/null \
	    >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "-f a command's pipe: exit 0" "$(cat "$T/rc")" 0
check_eq "-f a command's pipe: read whole once it ended" "$(fake_last body.messages.0.content)" \
    "$(printf 'review\n\nFile /dev/fd/3:\n```\nlate diff\n```')"
check_eq "-f a command's pipe: no note" "$(cat "$T/err")" ""
fake_count_before=$(fake_count)
printf 'a\000b' | {
	timeout -k 5 10 "$LLM_BIN" -q -m test-cheap -f /dev/fd/3 "x" 3<&0 </dev/null \
	    >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "-f a command's pipe, binary: exit 2" "$(cat "$T/rc")" 2
check_contains "-f a command's pipe, binary: said" "$(cat "$T/err")" \
    "/dev/fd/3: binary data (a NUL byte at offset 1)"
check_eq "-f a command's pipe, binary: nothing sent" "$(fake_count)" "$fake_count_before"

# A file that is fine is attached whole, fenced, as before.
printf 'int main(void) { return 0; }\n' >"$T/ok.c"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -f "$T/ok.c" "explain"
check_rc "text file: exit 0" 0
check_eq "text file: sent whole and fenced" "$(fake_last body.messages.0.content)" "$(printf 'explain\n\nFile %s:\n```\nint main(void) { return 0; }\n```' "$T/ok.c")"
check_eq "text file: no note" "$ERR" ""

# A file with fences of its own is fenced with more of the mark than any run
# in it, so that its own fences cannot close the attachment early: backticks
# around code, tildes around prose (Markdown).
printf 'DOC = """\n````sh\nmake\n````\n"""\n' >"$T/doc.py"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -f "$T/doc.py" "explain"
check_rc "code with a fence: exit 0" 0
check_eq "code with a fence: a longer fence around it" "$(fake_last body.messages.0.content)" \
    "$(printf 'explain\n\nFile %s:\n`````\nDOC = """\n````sh\nmake\n````\n"""\n`````' "$T/doc.py")"
printf '# Notes\n\n```sh\nmake\n```\n\n~~~~\nkept\n~~~~\n\nand ````four````\n' >"$T/notes.md"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -f "$T/notes.md" "summarise"
check_rc "markdown file: exit 0" 0
check_eq "markdown file: a longer fence around it" "$(fake_last body.messages.0.content)" \
    "$(printf 'summarise\n\nFile %s:\n~~~~~\n# Notes\n\n```sh\nmake\n```\n\n~~~~\nkept\n~~~~\n\nand ````four````\n~~~~~' "$T/notes.md")"

# The prompt's own words (and a file's name) are UTF-8 on the wire too.
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap "$(printf 'na\357ve prompt')"
check_rc "prompt latin-1: exit 0" 0
check_eq "prompt latin-1: U+FFFD sent" "$(fake_last body.messages.0.content)" "$(printf 'na\357\277\275ve prompt')"
check_contains "prompt latin-1: said" "$ERR" "llm: prompt: not valid UTF-8: 1 broken sequence replaced with U+FFFD"

# "-f -" (stdin, in other tools) is the piped input, read once.
printf 'some notes\n' >"$T/notes.txt"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -f - "summarise" <"$T/notes.txt"
check_rc "-f -: exit 0" 0
check_eq "-f -: the piped input, once" "$(fake_last body.messages.0.content)" "summarise

some notes"

# Nothing on a piped stdin (`git diff | llm "review"` with nothing to diff): nothing is
# sent (an answer about material that is not there would be paid for), exit 2, and the
# line says how to send the prompt alone; /dev/null (cron, a script) is no pipe: it goes.
: >"$T/empty.txt"
n=$(fake_count)
run_llm -q -m test-cheap "review this" <"$T/empty.txt"
check_rc "empty stdin: exit 2" 2
check_eq "empty stdin: said on stderr, with how to send the prompt alone" "$ERR" \
    "llm: nothing came on stdin: nothing was sent (to send the prompt alone, drop the pipe or use </dev/null)"
: | {
	"$LLM_BIN" -q -m test-cheap "review this" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
check_eq "empty pipe: exit 2" "$(cat "$T/rc")" 2
check_contains "empty pipe: said" "$(cat "$T/err")" "nothing came on stdin: nothing was sent"
run_llm_in "
" -q -m test-cheap "review this"
check_rc "stdin of white space: exit 2" 2
run_llm_in "" -q -m test-cheap -f "$T/notes.txt" "review this"
check_rc "empty stdin with -f: exit 2 all the same" 2
run_llm_in "" --json -m test-cheap "review this"
check_eq "empty stdin, --json: the error as JSON" "$(json_get "$T/out" exit_code)" 2
run_llm_in "" route -m test-cheap "review this"
check_rc "empty stdin, llm route: exit 2, as the request would be" 2
check_contains "empty stdin, llm route: said" "$ERR" "llm: route: nothing came on stdin"
check_eq "empty stdin: nothing sent" "$(fake_count)" "$n"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap "review this" </dev/null
check_rc "/dev/null: exit 0" 0
check_eq "/dev/null: the prompt sent alone" "$(fake_last body.messages.0.content)" "review this"
check_eq "/dev/null: nothing said" "$ERR" ""
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap "review this" <"$T/notes.txt"
check_not_contains "stdin with text: nothing said of it" "$ERR" "nothing came on stdin"
