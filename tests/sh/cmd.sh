#!/bin/sh
# cmd: llm cmd proposes one command and runs it only on the user's key (tmux); --print; the
# destructive marker; the shell snippets of --init load in bash, zsh and fish.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_tmux
mkdir -p "$T/work"

# start SESSION REQUEST: llm cmd REQUEST in a pane (SHELL=/bin/sh, in $T/work);
# when it ends the pane shows EXIT=code.
start() {
	tm new-session -d -s "$1" -x 120 -y 30 \
	    "cd '$T/work' && SHELL=/bin/sh '$LLM_BIN' cmd '$2'; echo EXIT=\$?; exec sleep 600"
}

# --- proposed, then Enter runs it ----------------------------------------------
fake_reply '{"text":"touch ran-by-enter\n# creates the file ran-by-enter"}'
start a "make a file"
check_pane "the proposed command appears" a "touch ran-by-enter"
check_pane "with its one-line explanation" a "# creates the file ran-by-enter"
check_pane "and the question" a "Run it? Enter/y run"
check_pane "with what the request cost, as every answer's cost is shown" a \
    "  cheap · test-cheap · \$0.0"
check "nothing runs before a key" test ! -e "$T/work/ran-by-enter"
check_contains "the request asked for one command for the shell" "$(fake_last body.messages.0.content)" \
    "one command for the sh shell on $(uname -s)"
check_eq "on the cheap tier" "$(fake_last body.model)" test-cheap-1
tm send-keys -t a Enter
check_pane "Enter: the command ran (exit 0)" a "EXIT=0"
check "Enter: the file was made by the command" test -e "$T/work/ran-by-enter"

# --- outside a UTF-8 locale the cost line and the question are ASCII ----------
fake_reply '{"text":"```sh\ntrue\n```\nThis does nothing at all, and says so at such a length that the line is cut: it goes on and on about nothing, past the hundred and sixty bytes an explanation may take."}'
tm new-session -d -s lc -x 120 -y 30 \
    "cd '$T/work' && LC_ALL=C LANG=C SHELL=/bin/sh '$LLM_BIN' cmd 'nothing'; echo EXIT=\$?; exec sleep 600"
check_pane "LANG=C: the question in ASCII" lc "Run it? Enter/y run | e edit | x explain | n cancel"
check_pane "LANG=C: the cost line in ASCII" lc "  cheap | test-cheap | \$0.0"
check_pane "LANG=C: a long explanation cut with three dots" lc "an explanation ma..."
tm send-keys -t lc n
check_pane "LANG=C: cancelled" lc "EXIT=0"

# --- piped context: sent with the request; the command reads the terminal, not the pipe ---
fake_reply '{"text":"echo WAIT\"\"ING; read -r line; echo \"GOT=[$line]\"\n# reads a line"}'
tm new-session -d -s pc -x 120 -y 30 \
    "cd '$T/work' && printf 'piped listing\\n' | SHELL=/bin/sh '$LLM_BIN' cmd 'read a line'; echo EXIT=\$?; exec sleep 600"
check_pane "piped: proposed" pc "Run it? Enter/y run"
check_eq "piped: the listing went with the request" "$(fake_last body.messages.1.content)" \
    "$(printf 'read a line\n\npiped listing\n')"
tm send-keys -t pc y
check_pane "piped: the command runs" pc "WAITING"
tm send-keys -t pc "typed here" Enter
check_pane "piped: the command read the terminal" pc "GOT=[typed here]"
check_pane "piped: exit 0" pc "EXIT=0"

# --- n cancels -------------------------------------------------------------------
fake_reply '{"text":"touch made-by-n\n# creates a file"}'
start b "make another file"
check_pane "n: proposed" b "touch made-by-n"
tm send-keys -t b n
check_pane "n: cancelled, said" b "cancelled: nothing was run"
check_pane "n: exit 0" b "EXIT=0"
check "n: nothing was run" test ! -e "$T/work/made-by-n"

# --- a script over lines in a fence is shown whole and run whole ---------------------
fake_reply '{"text":"```sh\nfor f in one two; do\n  touch \"loop-$f\"\ndone\n```\n# makes two files"}'
start lp "make two files"
check_pane "a script: its last line is shown" lp "  done"
check_pane "a script: its loop body is shown" lp '    touch "loop-$f"'
tm send-keys -t lp y
check_pane "a script: y ran it (exit 0)" lp "EXIT=0"
check "a script: its every line ran" test -e "$T/work/loop-one" -a -e "$T/work/loop-two"

# --- a key typed before the command showed answers nothing ---------------------------
n=$(fake_count)
fake_reply "{\"chunks\":[\"touch typed-\",\"ahead\\n# creates a file\"],\"hold_file\":\"$T/go-ahead\"}"
start ta "make a file"
fake_wait_count $((n + 1))
# tmux writes keys to the pane when it gets round to it: the Enter's echo
# moving the cursor shows it is in the terminal's queue before the answer goes on
cursor() { tm display -p -t ta '#{cursor_x},#{cursor_y}'; }
moved() { [ "$(cursor)" != "$at" ]; }
at=$(cursor)
tm send-keys -t ta Enter
check "typed ahead: the Enter reached the terminal" t_wait moved
: >"$T/go-ahead"
check_pane "typed ahead: the question waits" ta "Run it? Enter/y run"
tm send-keys -t ta n
check_pane "typed ahead: the Enter typed before it ran nothing" ta "cancelled: nothing was run"
check "typed ahead: the command did not run" test ! -e "$T/work/typed-ahead"

# --- an arrow key cancels, and the rest of its sequence is not typed at the shell ----
fake_reply '{"text":"touch made-by-arrow\n# creates a file"}'
tm new-session -d -s ar -x 120 -y 30 \
    "cd '$T/work' && SHELL=/bin/sh '$LLM_BIN' cmd 'make a file'; echo EXIT=\$?; read -r rest; echo \"REST=[\$rest]\"; exec sleep 600"
check_pane "arrow: asked" ar "Run it? Enter/y run"
tm send-keys -t ar Up
check_pane "arrow: cancelled" ar "EXIT=0"
tm send-keys -t ar z Enter
check_pane "arrow: nothing of the key left for the shell" ar "REST=[z]"
check "arrow: nothing ran" test ! -e "$T/work/made-by-arrow"

# --- Ctrl-C or SIGTERM at the question: nothing run, the terminal's modes back --------
for sig in INT TERM; do
	fake_reply '{"text":"touch made-by-signal\n# creates a file"}'
	tm new-session -d -s "s$sig" -x 120 -y 30 \
	    "cd '$T/work' && SHELL=/bin/sh sh -c 'echo \$\$ >\"$T/s$sig.pid\"; exec \"$LLM_BIN\" cmd \"make a file\"'; echo EXIT=\$?; stty -a | tr '\n' ' ' >\"$T/s$sig.stty\"; echo MODES-SAVED; exec sleep 600"
	check_pane "SIG$sig at the question: asked" "s$sig" "Run it? Enter/y run"
	kill -"$sig" "$(cat "$T/s$sig.pid")"
	check_pane "SIG$sig at the question: said" "s$sig" "cancelled: nothing was run"
	check_pane "SIG$sig at the question: the signal's exit code" "s$sig" \
	    "EXIT=$([ $sig = INT ] && echo 130 || echo 143)"
	check_restored "SIG$sig at the question" "s$sig"
	check "SIG$sig at the question: nothing ran" test ! -e "$T/work/made-by-signal"
done

# --- e edits, prefilled; Enter runs the edited command -----------------------------
fake_reply '{"text":"touch edited-a\n# creates a file"}'
start c "make a third file"
check_pane "e: proposed" c "touch edited-a"
tm send-keys -t c e
check_pane "e: readline prefilled with the command" c "edit> touch edited-a"
tm send-keys -t c BSpace b Enter
check_pane "e: the edited command shown" c "  touch edited-b"
tm send-keys -t c Enter
check_pane "e: then Enter runs it" c "EXIT=0"
check "e: the edited command ran" test -e "$T/work/edited-b"
check "e: not the first proposal" test ! -e "$T/work/edited-a"

# --- e on a script over lines opens the editor ($VISUAL, else $EDITOR) on the whole script ----
cat >"$T/ed.sh" <<E
#!/bin/sh
cp "\$1" "$T/seen.sh"
sed -i 's/loop-/edited-/' "\$1"
E
chmod +x "$T/ed.sh"
fake_reply '{"text":"```sh\nfor f in one two; do\n  touch \"loop-$f\"\ndone\n```\n# makes two files"}'
tm new-session -d -s ed -x 120 -y 30 \
    "cd '$T/work' && SHELL=/bin/sh VISUAL='$T/ed.sh' EDITOR=false '$LLM_BIN' cmd 'make two files'; echo EXIT=\$?; exec sleep 600"
check_pane "e, a script: proposed" ed '    touch "loop-$f"'
tm send-keys -t ed e
check_pane "e, a script: the edited script shown, its lines under its first" ed '    touch "edited-$f"'
check_eq "e, a script: the editor had the whole script" "$(cat "$T/seen.sh" 2>/dev/null)" \
    "$(printf 'for f in one two; do\n  touch "loop-$f"\ndone')"
check_not_contains "e, a script: no readline prompt" "$(tm capture-pane -p -t ed)" "edit>"
tm send-keys -t ed y
check_pane "e, a script: y ran it (exit 0)" ed "EXIT=0"
check "e, a script: the edited script ran" test -e "$T/work/edited-one" -a -e "$T/work/edited-two"
# an editor that fails leaves the script as it was, and says so
fake_reply '{"text":"```sh\nfor f in a b; do\n  touch \"kept-$f\"\ndone\n```"}'
tm new-session -d -s ef -x 120 -y 30 \
    "cd '$T/work' && SHELL=/bin/sh VISUAL= EDITOR=false '$LLM_BIN' cmd 'make two files'; echo EXIT=\$?; exec sleep 600"
check_pane "e, an editor that fails: proposed" ef '    touch "kept-$f"'
tm send-keys -t ef e
check_pane "e, an editor that fails: said" ef "llm: cmd: the editor (false) failed; the command is unchanged"
tm send-keys -t ef y
check_pane "e, an editor that fails: y runs the script as it was" ef "EXIT=0"
check "e, an editor that fails: the first proposal ran" test -e "$T/work/kept-a" -a -e "$T/work/kept-b"

# --- x explains more, the destructive marker ----------------------------------------
mkdir -p "$T/work/build"
fake_reply '{"text":"rm -rf build\n# removes the build directory"}'
fake_reply '{"text":"It deletes build and everything in it."}'
start d "clean the build"
check_pane "rm -rf build: the destructive marker" d "!! deletes or overwrites: rm"
tm send-keys -t d x
check_pane "x: a longer explanation" d "It deletes build and everything in it."
check_contains "x: the explanation's cost below it" \
    "$(tm capture-pane -p -J -t d | grep -A1 'It deletes build' | sed -n 2p)" \
    "  cheap · test-cheap · \$0.0"
tm send-keys -t d n
check_pane "x then n: exit 0" d "EXIT=0"
check "x then n: build is still there" test -d "$T/work/build"
check_eq "the marker comes before the question" \
    "$(tm capture-pane -p -J -t d | grep -n -e '!! deletes' -e 'Run it?' | head -2 | cut -d: -f2 | cut -c1-6 | tr '\n' ' ')" \
    "  !! d Run it "

# --- --print ----------------------------------------------------------------------
fake_reply '{"text":"```sh\nfind . -size +1G -mtime -7\n```\n# files over 1 GB changed this week"}'
run_llm cmd --print "find files over 1 GB changed this week"
check_rc "--print: exit 0" 0
check_eq "--print: only the command" "$OUT" "find . -size +1G -mtime -7"
fake_reply '{"text":"Sure! Here is the command:\n\n```bash\nfind . -name \"*.o\" -delete\n```\nThis deletes the object files."}'
run_llm cmd --print "delete the object files"
check_eq "--print: the fenced command, not the talk before it" "$OUT" 'find . -name "*.o" -delete'
fake_reply '{"text":"```bash\nfor f in *.log; do\n  gzip \"$f\"\ndone\n```"}'
run_llm cmd --print "compress the logs"
check_eq "--print: a script over lines, whole" "$OUT" "$(printf 'for f in *.log; do\n  gzip "$f"\ndone')"
# Talk instead of a command (a refusal) is never offered as one: it is shown as what it said.
fake_reply '{"text":"I can'"'"'t help with that."}'
run_llm cmd --print "delete everything"
check_rc "--print, a refusal: exit 1" 1
check_eq "--print, a refusal: nothing printed" "$OUT" ""
check_eq "--print, a refusal: said, with the reply" "$ERR" \
    "$(printf 'llm: cmd: the reply held no command; it said:\nI can'"'"'t help with that.')"
fake_reply '{"text":"# no command can unsend a mail"}'
run_llm cmd --print "unsend my last mail"
check_eq "--print, a reason why not: the reason" "$ERR" \
    "$(printf 'llm: cmd: the reply held no command; it said:\nno command can unsend a mail')"
check_contains "the request says how to answer when there is no command" \
    "$(fake_last body.messages.0.content)" "If no command can do it, answer with one line: a '#' and why."
run_llm cmd "x"
check_rc "no terminal and no --print: exit 2" 2
# A reply cut off at the length limit may have cut its command short: a shorter
# path after rm -rf is another command, never offered.
fake_reply '{"text":"rm -rf /tmp/bu","stop":"length"}'
run_llm cmd --print "remove the build cache"
check_rc "--print, a reply cut in its command: exit 1" 1
check_eq "--print, a reply cut in its command: nothing printed" "$OUT" ""
check_contains "--print, a reply cut in its command: said" "$ERR" \
    "llm: cmd: the reply was cut off at the length limit before its command ended"
fake_reply '{"text":"ls -la\n# lists every fi","stop":"length"}'
run_llm cmd --print "list the files"
check_eq "--print, a reply cut after its command: the command" "$OUT" "ls -la"
# A command that could not be written is a local failure (2), said, as for llm PROMPT.
for where in full closed; do
	fake_reply '{"text":"ls -la"}'
	if [ $where = full ]; then
		"$LLM_BIN" cmd --print "list files" >/dev/full 2>"$T/err"
	else
		"$LLM_BIN" cmd --print "list files" >&- 2>"$T/err"
	fi
	check_eq "--print, stdout $where: exit 2" "$?" 2
	check_contains "--print, stdout $where: said" "$(cat "$T/err")" "llm: stdout: "
done
# An option whose value is missing says so, in the wording of llm's other commands.
for opt in -t --tier -m --model --init; do
	run_llm cmd --print "list files" "$opt"
	check_rc "$opt without a value: exit 2" 2
	check_contains "$opt without a value: says it needs an argument" "$ERR" \
	    "llm: cmd: option $opt needs an argument"
done
# A blank request (a line of spaces sent by the snippet) is refused before it is paid for.
n=$(fake_count)
run_llm cmd --print "   " "	"
check_rc "a blank request: exit 2" 2
check_contains "a blank request: asks what the command should do" "$ERR" \
    "llm: cmd: what should the command do?"
check_eq "a blank request: nothing sent" "$(fake_count)" "$n"
# A request longer than its cap is refused whole, never sent with words dropped.
n=$(fake_count)
long=$(t_py -c 'print("a" * 70000)')
run_llm cmd --print "list files" "$long"
check_rc "a request over 64 KiB: exit 2" 2
check_contains "a request over 64 KiB: says so" "$ERR" "llm: cmd: the request is over 64 KiB"
run_llm cmd --print "$long"
check_contains "a request over 64 KiB alone: not taken for none" "$ERR" "over 64 KiB"
check_eq "a request over 64 KiB: nothing sent" "$(fake_count)" "$n"
# A command asked for is nobody's conversation: -c goes on with the last chat instead.
fake_reply '{"text":"Paris."}'
run_llm --json "capital of France?"
chat_id=$(printf '%s' "$OUT" | t_py -c 'import json,sys; print(json.load(sys.stdin)["conversation_id"])')
fake_reply '{"text":"du -sh *"}'
run_llm cmd --print "sizes of the directories here"
fake_reply '{"text":"About two million."}'
run_llm -c --json "and its population?"
check_eq "-c after llm cmd: the last chat goes on" \
    "$(printf '%s' "$OUT" | t_py -c 'import json,sys; print(json.load(sys.stdin)["conversation_id"])')" "$chat_id"
check_contains "-c after llm cmd: the chat's question is sent again" \
    "$(fake_last body.messages)" "capital of France?"
check_not_contains "-c after llm cmd: not the shell command's request" \
    "$(fake_last body.messages)" "sizes of the directories"
run_llm logs
check_not_contains "llm logs leaves the command's request out" "$OUT" "sizes of the directories"
run_llm logs --all
check_contains "llm logs --all lists it" "$OUT" "sizes of the directories"
# Ctrl-C while the command is being asked for: 130, and the request's row is
# settled as cancelled with its partial cost, not left reserved.
fake_reset
n=$(fake_count)
fake_reply "{\"chunks\":[\"ls \",\"-la\"],\"hold_file\":\"$T/never\"}"
"$LLM_BIN" cmd --print "list the files" >"$T/int.out" 2>"$T/int.err" &
pid=$!
fake_wait_count $((n + 1))
kill -INT $pid
wait $pid
check_eq "ctrl-c while asking: exit 130" "$?" 130
check_contains "ctrl-c while asking: said" "$(cat "$T/int.err")" "interrupted"
check_eq "ctrl-c while asking: the row is cancelled, not reserved" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select status from usage order by id desc limit 1")" cancelled
# So does a hang-up (the terminal closed), with 129.
n=$(fake_count)
fake_reply "{\"chunks\":[\"ls \",\"-la\"],\"hold_file\":\"$T/never\"}"
"$LLM_BIN" cmd --print "list the files" >"$T/hup.out" 2>"$T/hup.err" &
pid=$!
fake_wait_count $((n + 1))
kill -HUP $pid
wait $pid
check_eq "hang-up while asking: exit 129" "$?" 129
check_contains "hang-up while asking: said so, not called an interruption" "$(cat "$T/hup.err")" \
    "llm: cmd: hung up"
check_eq "hang-up while asking: the row is cancelled, not reserved" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select status from usage order by id desc limit 1")" cancelled
fake_default '{"status":401}'
run_llm cmd --print "x"
check_rc "--print: a rejected key: exit 4" 4
fake_reset
# The budget's words reach the user as llm PROMPT's do: a threshold's warning is
# given once a month, and a request of llm cmd that passes one must say it.
t_ledger_reset
t_budget 0.00002 warn
fake_reply '{"text":"ls -la\n# lists the files"}'
run_llm cmd --print "list the files"
check_rc "--print past the budget under warn: exit 0" 0
check_contains "--print past the budget: the warning of warn is said" "$ERR" \
    "going on, as budget_action = warn"
check_contains "--print past the budget: the threshold passed is said" "$ERR" \
    "llm: budget: $(date +%Y-%m) passed "
t_write_config

# --- the shell snippets -------------------------------------------------------------
mkdir -p "$T/bin"
ln -s "$LLM_BIN" "$T/bin/llm"
run_llm cmd --init bash
check_eq "init bash: binds C-x C-l" \
    "$(PATH="$T/bin:$PATH" bash --norc --noprofile -i -c 'eval "$(llm cmd --init bash)" && bind -X' 2>/dev/null | grep -c '__llm_cmd')" 1
if command -v zsh >/dev/null 2>&1; then
	check_eq "init zsh: binds ^X^L" \
	    "$(PATH="$T/bin:$PATH" zsh -f -i -c 'eval "$(llm cmd --init zsh)" && bindkey "^X^L"' 2>/dev/null)" \
	    '"^X^L" __llm_cmd'
else
	not_ok "init zsh: zsh installed"
fi
if command -v fish >/dev/null 2>&1; then
	check_contains "init fish: binds \\cx\\cl" \
	    "$(PATH="$T/bin:$PATH" fish --no-config -c 'llm cmd --init fish | source; and bind \cx\cl' 2>&1)" \
	    "__llm_cmd"
else
	not_ok "init fish: fish installed"
fi
run_llm cmd --init tcsh
check_rc "init: an unknown shell: exit 2" 2

# The bash snippet at work: the typed line becomes the command, in the history.
fake_reply '{"text":"ls -1 /\n# lists the root directory"}'
printf 'PS1="$ "\nunset HISTFILE\nexport PATH="%s/bin:$PATH"\neval "$(llm cmd --init bash)"\n' "$T" >"$T/bashrc"
tm new-session -d -s e -x 120 -y 30 "bash --noprofile --rcfile '$T/bashrc' -i"
wait_pane e '$ '
tm send-keys -t e 'list the root directory' C-x C-l
check_pane "bash: C-x C-l puts the command on the line" e '$ ls -1 /'
tm send-keys -t e C-u 'echo "H:$(history 2 | head -1 | sed "s/^ *[0-9]* *//")"' Enter
check_pane "bash: the command is in the history" e 'H:ls -1 /'

# --- /cmd in the full-screen client ------------------------------------------------
. "$LLM_TOP/tests/tui_lib.sh"
fake_reply '{"text":"touch tui-made\n# creates a file"}'
fake_reply '{"text":"rm -rf build\n# removes build"}'
fake_reply '{"text":"```sh\nfor f in one two; do\n  touch \"tui-$f\"\ndone\n```"}'
fake_reply '{"text":"I can'"'"'t help with that."}'
cat >"$T/t.s" <<S
:type /cmd make a file
:key Enter
:wait-idle
:dump-screen $T/t0
:key y
:wait-idle
:dump-screen $T/t1
:type /cmd clean the build
:key Enter
:wait-idle
:dump-screen $T/t2
:key n
:dump-screen $T/t3
:type /cmd make two files
:key Enter
:wait-idle
:dump-screen $T/t4
:key y
:wait-idle
:type /cmd delete everything
:key Enter
:wait-idle
:dump-screen $T/t5
S
here=$(pwd)
cd "$T/work" || exit 1
tui t
cd "$here" || exit 1
check_eq "/cmd: exit 0" "$TUI_RC" 0
check_eq "/cmd: asked on the cheap tier" "$(fake_get -2 body.model)" test-cheap-1
check_screen "/cmd: the question" t0 "run it? y runs it, any other key does not"
check_screen "/cmd: the command in the transcript" t0 "? run touch tui-made"
check_screen "/cmd: y ran it" t1 "touch tui-made"
check "/cmd: y ran it (the file)" t_wait test -e "$T/work/tui-made"
check_screen "/cmd: the destructive marker" t2 "!! deletes or overwrites (rm)"
check_screen "/cmd: another key does not run it" t3 "not run"
check "/cmd: build is still there" test -d "$T/work/build"
check_eq "/cmd: the script is whole in the question, its lines under its first as they are" \
    "$(grep -A2 '? run for f in one two; do' "$T/t4" | sed 's/^│ //; s/ *│$//')" \
    "$(printf '? run for f in one two; do\n        touch "tui-$f"\n      done')"
check "/cmd: y ran the script whole" t_wait test -e "$T/work/tui-one" -a -e "$T/work/tui-two"
check_screen "/cmd: a refusal is no command" t5 "/cmd: the reply held no command"
check_not_screen "/cmd: a refusal is not offered to run" t5 "? run I can't"

# Ctrl-C while key_command runs (a passphrase prompt) stops the command with
# llm, even one that ignores it: an interruption (exit 130), not a missing key
# (exit 4), and no wait for the command to end by itself.
t_write_config
t_ctrl_c_key_command "trap '' INT;" cmd --print -m test-cheap "list files"
check_rc "cmd: Ctrl-C at key_command: exit 130" 130
check_contains "cmd: Ctrl-C at key_command: says so" "$ERR" \
    "llm: cmd: interrupted before the request was sent"
check_not_contains "cmd: Ctrl-C at key_command: no talk of a missing key" "$ERR" "no API key"
t_write_config

echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
