# Piped material, files, streaming as it arrives, Ctrl-C, and stdout hygiene.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# stdin is the material, PROMPT the instruction
fake_reply '{"text":"reviewed"}'
printf 'material' >"$T/in"
run_llm -q -m test-cheap "instruction" <"$T/in"
check_rc "pipe: exit 0" 0
check_eq "pipe: instruction, blank line, material" "$(fake_last body.messages.0.content)" "$(printf 'instruction\n\nmaterial')"
check_eq "pipe: answer alone on stdout" "$OUT" reviewed

# stdin alone is the prompt
fake_reply '{"text":"ok"}'
printf 'just stdin' >"$T/in"
run_llm -q -m test-cheap <"$T/in"
check_eq "stdin alone: the prompt" "$(fake_last body.messages.0.content)" "just stdin"

# "-" means stdin, as in other tools: the prompt is stdin alone, never a paid-for "-"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap - <"$T/in"
check_rc "-: exit 0" 0
check_eq "-: stdin alone is the prompt" "$(fake_last body.messages.0.content)" "just stdin"
n=$(fake_count)
run_llm -q -m test-cheap - </dev/null
check_rc "- with nothing on stdin: exit 2" 2
# stdin a terminal: nothing to read, said
t_py -c '
import os, pty, subprocess, sys
m, s = pty.openpty()
r = subprocess.run([sys.argv[1], "-q", "-"], stdin=s, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
sys.stdout.write("%d %s" % (r.returncode, r.stderr.decode()))' "$LLM_BIN" >"$T/dash.tty"
check_eq "- on a terminal: exit 2" "$(cut -d" " -f1 "$T/dash.tty" | head -n 1)" 2
check_contains "- on a terminal: said" "$(cat "$T/dash.tty")" "llm: -: nothing is piped in"
check_eq "-: nothing sent when there was nothing" "$(fake_count)" "$n"

# llm do takes "-" and an empty pipe as llm PROMPT does (a task needs no repository):
# a task given with a pipe or file on stdin that brought nothing is not sent (it would be
# done without its material, and paid for); "-" with nothing is no task; /dev/null is no pipe.
mkdir -p "$T/ws"
cd "$T/ws" || exit 1
printf 'fix the warning' >"$T/task"
fake_reply '{"text":"done"}'
run_llm "do" -q -m test-cheap - <"$T/task"
check_rc "do -: exit 0" 0
check_eq "do -: stdin alone is the task" "$(fake_last body.messages.1.content)" "fix the warning"
: >"$T/empty"
n=$(fake_count)
run_llm "do" -q -m test-cheap "fix the warning" <"$T/empty"
check_rc "do, an empty pipe: exit 2" 2
check_eq "do, an empty pipe: said, with how to send the task alone" "$ERR" \
    "llm: do: nothing came on stdin: nothing was sent (to send the task alone, drop the pipe or use </dev/null)"
run_llm_in ' 
 ' "do" -q -m test-cheap "fix the warning"
check_rc "do, a pipe of white space: exit 2" 2
run_llm "do" -q -m test-cheap - <"$T/empty"
check_rc "do - and an empty pipe: exit 2" 2
check_eq "do - and an empty pipe: no task" "$ERR" "llm: do: -: nothing came on stdin: no task, nothing was sent"
check_eq "do, an empty pipe: nothing sent" "$(fake_count)" "$n"
fake_reply '{"text":"done"}'
run_llm "do" -q -m test-cheap "fix the warning" </dev/null
check_rc "do, stdin /dev/null (cron): exit 0" 0
check_eq "do, stdin /dev/null: the task sent" "$(fake_last body.messages.1.content)" "fix the warning"
printf 'caf\351\n' >"$T/latin1"
fake_reply '{"text":"done"}'
run_llm "do" -q -m test-cheap "fix" <"$T/latin1"
check_contains "do, not UTF-8 on stdin: said" "$ERR" "llm: do: stdin: not valid UTF-8"
cd "$T" || exit 1

# -f attaches a file
printf 'int main(void) { return 0; }\n' >"$T/a.c"
fake_reply '{"text":"ok"}'
run_llm -q -m test-cheap -f "$T/a.c" "explain"
check_contains "file: content sent" "$(fake_last body.messages.0.content)" "int main(void)"
check_contains "file: name sent" "$(fake_last body.messages.0.content)" "a.c"
run_llm -q -m test-cheap -f "$T/missing.c" "explain"
check_rc "missing file: exit 2" 2

# the first bytes reach stdout before the server has finished
fake_reply "{\"chunks\":[\"first-part \",\"second-part\"],\"hold_file\":\"$T/release\"}"
mkfifo "$T/pipe"
"$LLM_BIN" -q -m test-cheap "stream" >"$T/pipe" 2>"$T/stream.err" &
pid=$!
exec 3<"$T/pipe"
first=$(dd bs=11 count=1 <&3 2>/dev/null)
check_eq "stream: first piece read while the server holds the rest" "$first" "first-part "
touch "$T/release"
rest=$(cat <&3)
exec 3<&-
wait $pid
check_eq "stream: exit 0" $? 0
check_eq "stream: rest after release" "$rest" "second-part"

# Ctrl-C mid-stream: partial text flushed, exit 130
fake_reply "{\"chunks\":[\"partial \",\"never\"],\"hold_file\":\"$T/never\"}"
rm -f "$T/pipe"; mkfifo "$T/pipe"
"$LLM_BIN" -q -m test-cheap "stream" >"$T/pipe" 2>"$T/int.err" &
pid=$!
exec 3<"$T/pipe"
first=$(dd bs=8 count=1 <&3 2>/dev/null)
kill -INT $pid
rest=$(cat <&3)
exec 3<&-
wait $pid
rc=$?
check_eq "ctrl-c: exit 130" "$rc" 130
check_eq "ctrl-c: partial text kept" "$first$rest" "partial "
check_contains "ctrl-c: said on stderr" "$(cat "$T/int.err")" "interrupted"
n=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select count(*) from usage where status='cancelled'")
check_eq "ctrl-c: a cancelled ledger row" "$n" 1
# the cut answer says it was cancelled wherever it is shown again, as llm logs says it
cid=$(sqlite3 "$LLM_DATA_DIR/llm.db" "select max(id) from conversations")
run_llm logs -n 1
check_contains "ctrl-c: llm logs marks the answer cancelled" "$OUT" "· cancelled"
run_llm logs show "$cid"
check_contains "ctrl-c: llm logs show marks it too" "$OUT" "· cancelled"
run_llm logs export "$cid"
check_contains "ctrl-c: and llm logs export" "$OUT" "· cancelled)"

# Ctrl-C while waiting to try again after a 429: no try is out at the server, and the one
# it answered with an error cost nothing, so nothing is charged for the input.
fake_reply '{"status":429,"retry_after":"30"}'
"$LLM_BIN" -q -m test-cheap "rate limited" >"$T/retry.out" 2>"$T/retry.err" &
pid=$!
t_wait grep -q "retrying in" "$T/retry.err"
kill -INT $pid
wait $pid
check_eq "ctrl-c between tries: exit 130" "$?" 130
check_eq "ctrl-c between tries: a cancelled row of no cost" "$(sqlite3 "$LLM_DATA_DIR/llm.db" \
    "select status, input_tokens, output_tokens, cost_pico from usage order by id desc limit 1")" \
    "cancelled|0|0|0"

# stdout carries nothing but the answer; the summary line goes to stderr with -v
fake_reply '{"text":"only this"}'
run_llm -v -m test-cheap "x"
check_eq "stdout: the answer only" "$OUT" "only this"
check_contains "stderr: summary line with tier and model" "$ERR" "cheap · test-cheap"
check_contains "stderr: route explained" "$ERR" "route pinned"

# llm logs shows a piped prompt as it was written: its last newline is not a
# line of its own, a blank line carries no indent, and the title is one line
# with single spaces
fake_reply '{"text":"two lines"}'
printf 'line one\n\nline two\n' >"$T/piped.txt"
run_llm -q -m test-cheap "summarise" <"$T/piped.txt"
run_llm logs -n 1
check_contains "logs: the title in single spaces" "$OUT" "  summarise line one line two
"
check_contains "logs: a blank line left blank" "$OUT" "line one

       line two"
check_contains "logs: no line of the last newline" "$OUT" "       line two
  llm  two lines"
check_eq "logs: no trailing blanks" "$(printf '%s\n' "$OUT" | grep -c ' $')" 0

# --version and --help
run_llm --version
check_contains "version" "$OUT" "llm "
run_llm --help
check_contains "help lists --max-cost" "$OUT" "--max-cost"
check_rc "help: exit 0" 0
run_llm --bogus
check_rc "unknown option: exit 2" 2
