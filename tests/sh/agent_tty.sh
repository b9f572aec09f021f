# agent_tty: llm do asks on its controlling terminal (tmux) with stdout and stderr
# redirected to files; without a controlling terminal it refuses.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_tmux

Q='“'   # what the model says is quoted so on the terminal

# result N: the text of the last tool result request N sent back (openai).
result() {
	fake_get "$1" "body.messages.-1.content"
}

# --- on a terminal, stdout and stderr in files: asked there, y edits, n refuses
t_sum_repo "$T/repo"
fake_reply '{"text":"sum.sh subtracts.","calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}]}'
fake_reply '{"calls":[{"name":"run","args":{"command":"touch ran"}}]}'
fake_reply '{"text":"Fixed, not run."}'
tm new-session -d -s a -x 100 -y 30 -c "$T/repo" \
    "sh -c '\"$LLM_BIN\" do -m test-cheap \"fix sum.sh\" >\"$T/do.out\" 2>\"$T/do.err\"; echo EXIT=\$?'; exec sleep 600"
check_pane "redirected: the edit asked on the terminal" a "llm: edit sum.sh (+1 −1)"
check_pane "redirected: the question" a "allow? [y]es [n]o"
check_contains "redirected: what the model said, on the terminal above its question" \
    "$(tm capture-pane -p -J -t a)" "${Q} sum.sh subtracts.
llm: edit sum.sh"
check_contains "redirected: the diff shown before the question, not only on d" \
    "$(tm capture-pane -p -J -t a)" 'llm: edit sum.sh (+1 −1)
@@ -1,2 +1,2 @@
 #!/bin/sh
-echo $(( $1 - $2 ))
+echo $(( $1 + $2 ))
allow? [y]es [n]o [a]lways for edit in this task'
tm send-keys -t a y
check_pane "redirected: the command asked next" a "llm: run: touch ran"
tm send-keys -t a n
check_pane "redirected: the task ends (exit 0)" a "EXIT=0"
check_contains "redirected: the answers shown on the terminal" "$(tm capture-pane -p -J -t a)" "yes"
check_eq "redirected: the edit made" "$(cd "$T/repo" && sh test.sh)" PASS
check "redirected: the declined command never ran" [ ! -e "$T/repo/ran" ]
check_not_contains "redirected: the edit not refused for want of a terminal" "$(result 1)" "no terminal"
check_contains "redirected: the model told of the declined command" "$(result 2)" "the user declined this run"
check_eq "redirected: the answer on stdout" "$(cat "$T/do.out")" "Fixed, not run."
check_contains "redirected: the yes recorded in the log" "$(cat "$T/do.err")" "llm: do: edit allowed on the terminal"
check_contains "redirected: the no recorded in the log" "$(cat "$T/do.err")" "llm: do: run declined on the terminal"
check_contains "redirected: the step lines in the log" "$(cat "$T/do.err")" "edit sum.sh (+1 −1)"
check_contains "redirected: what the model said, in the log before its step's line" \
    "$(cat "$T/do.err")" "${Q} sum.sh subtracts.
llm: do: edit allowed on the terminal
1 · cheap · test-cheap · edit sum.sh (+1 −1)"
check_eq "redirected: what the model said, once on the terminal" \
    "$(tm capture-pane -p -J -t a | grep -c 'sum.sh subtracts')" 1
check_not_contains "redirected: no question in the log" "$(cat "$T/do.err")" "allow?"
check_not_contains "redirected: the user's own no is not explained back" "$(cat "$T/do.err")" "llm: do: run:"

# --- stderr on the terminal: what the model says with its calls shows before the question
# and the step's line, made visible and cut to 20 lines; its answer alone on stdout
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"text":"The test fails: \u001b[2Jsum.sh subtracts.\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\nl11\nl12\nl13\nl14\nl15\nl16\nl17\nl18\nl19\nl20\nl21\nl22\n","calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}]}'
fake_reply '{"text":"Fixed."}'
cd "$T/repo" || exit 1
on_pty_answer "$T/pty.out" "allow?" y -- "do" -m test-cheap "fix sum.sh"
cd - >/dev/null || exit 1
check_rc "said: the task ends (exit 0)" 0
check_contains "said: before the question, made visible, cut to 20 lines" "$(cat "$T/pty.out")" \
    "${Q} The test fails: ␛[2Jsum.sh subtracts.
${Q} l2"
check_contains "said: its last lines left out, and said so" "$(cat "$T/pty.out")" "${Q} l20
${Q} … 2 more lines (--json has them whole)
llm: edit sum.sh (+1 −1)"
check_not_contains "said: no line past the cut" "$(cat "$T/pty.out")" "l21"
check_eq "said: shown once" "$(grep -c 'sum.sh subtracts' "$T/pty.out")" 1
check_contains "said: the step's line after the answer" "$(cat "$T/pty.out")" "allow? [y]es [n]o [a]lways for edit in this task yes
1 · cheap · test-cheap · edit sum.sh (+1 −1)"
check_not_contains "said: the answering step's words not repeated" "$(cat "$T/pty.out")" "${Q} Fixed."

# --- e edits a command before it runs (one line with readline, prefilled; a script in
# $VISUAL), as the client's e does; a key that answers nothing asks again, not no
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"run","args":{"command":"touch ran"}}]}'
fake_reply '{"calls":[{"name":"run","args":{"command":"touch ran2\ntouch ran3"}}]}'
fake_reply '{"text":"Ran."}'
cd "$T/repo" || exit 1
VISUAL='sed -i s/ran/script/' on_pty_answer "$T/pty.out" "allow?" x "allow?" e "edit> " \
    "$(printf '\025')touch edited\\r" "allow?" e -- "do" -m test-cheap "touch a file"
cd - >/dev/null || exit 1
check_rc "e: the task ends (exit 0)" 0
check_contains "e: a key that answers nothing is said, with those that do" "$(cat "$T/pty.out")" \
    "llm: 'x' answers nothing here: y yes, n no, a always, d the whole command, e edit the command
allow? [y]es [n]o [a]lways for run in this task [d] whole command [e]dit"
check "e: the edited command ran" [ -e "$T/repo/edited" ]
check "e: not the model's" [ ! -e "$T/repo/ran" ]
check_contains "e: the model told what ran" "$(result 1)" \
    "the user edited the command before it ran; it ran as: touch edited"
check "e: a script edited in \$VISUAL ran as edited" [ -e "$T/repo/script2" ] && [ -e "$T/repo/script3" ]
check "e: not as the model wrote it" [ ! -e "$T/repo/ran2" ]
check_contains "e: its step says it was edited" "$(cat "$T/pty.out")" "1 · cheap · test-cheap · run touch edited · edited · exit 0"

# --- no controlling terminal (a new session): refused, saying how to allow it
t_sum_repo "$T/repo"
fake_reset
fake_reply '{"calls":[{"name":"edit","args":{"path":"sum.sh","old":"$1 - $2","new":"$1 + $2"}}]}'
fake_reply '{"text":"Refused."}'
cd "$T/repo" || exit 1
if setsid -w "$LLM_BIN" "do" -m test-cheap "fix sum.sh" >"$T/out" 2>"$T/err"; then RC=0; else RC=$?; fi
cd - >/dev/null || exit 1
check_rc "no terminal: the task ends (exit 0)" 0
check_contains "no terminal: refused, saying how to allow it" "$(result 1)" \
    "there is no terminal to ask: refused (the user can allow it with --allow edit"
check_eq "no terminal: sum.sh unchanged" "$(cd "$T/repo" && git status --porcelain)" ""
check_not_contains "no terminal: no answer recorded" "$(cat "$T/err")" "on the terminal"
check_contains "no terminal: the user told why, and how to allow it" "$(cat "$T/err")" \
    "llm: do: edit: edit needs the user's approval and there is no terminal to ask: refused (the user can allow it with --allow edit)
1 · cheap · test-cheap · edit sum.sh (+1 −1) · refused · "

# --- refusals by the rules, and a file that cannot be written: each said on stderr with its
# reason; the user's own no, and -q, say nothing more
t_sum_repo "$T/repo"
printf 'KEY=1\n' >"$T/repo/.env"
mkdir "$T/repo/ro"
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":".env"}},{"name":"write","args":{"path":"ro","content":"x"}},{"name":"read","args":{"path":"../outside"}}]}'
fake_reply '{"text":"Could not."}'
cd "$T/repo" || exit 1
if setsid -w "$LLM_BIN" "do" -m test-cheap --allow write "look" >"$T/out" 2>"$T/err"; then RC=0; else RC=$?; fi
check_rc "why: the task ends (exit 0)" 0
check_contains "why: a secret file" "$(cat "$T/err")" \
    "llm: do: read: .env may hold secrets: refused (the user can allow it by name with [agent] allow_secret)"
check_contains "why: not a regular file" "$(cat "$T/err")" "llm: do: write: ro is not a regular file"
check_contains "why: outside the workspace" "$(cat "$T/err")" "llm: do: read: ../outside is outside the workspace"
fake_reset
fake_reply '{"calls":[{"name":"read","args":{"path":".env"}}]}'
fake_reply '{"text":"Could not."}'
# shellcheck disable=SC2034 # read by tests/lib.sh
if setsid -w "$LLM_BIN" "do" -q -m test-cheap "look" >"$T/out" 2>"$T/err"; then RC=0; else RC=$?; fi
check_eq "why: -q says nothing" "$(cat "$T/err")" ""
cd - >/dev/null || exit 1
