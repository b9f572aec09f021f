# agent_gitguard_write: a write or an edit where git finds hooks in the work tree (the directory
# core.hooksPath names, husky 9's .husky) is asked whatever allows it, since git runs the file
# outside the sandbox on the user's next commit; with no terminal to ask, it is refused, saying
# what to do. The project's other files go through an allow rule without a question.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# headless DIR ALLOW CALL: a task whose one step is CALL, allowed by ALLOW, with no terminal
# to ask; the model's next request is $sent
headless() {
	t_one_step "$@"
}

write_hook='{"name":"write","args":{"path":".githooks/pre-commit","content":"touch PLANTED\n"}}'

# core.hooksPath .githooks, not made yet: a hook written there under --allow write is refused
t_sum_repo "$T/r"
git -C "$T/r" config core.hooksPath .githooks
headless "$T/r" write "$write_hook"
check "no terminal: the hook is not written" test ! -e "$T/r/.githooks/pre-commit"
check_contains "no terminal: the model told why" "$sent" \
    "git runs this file outside the sandbox, on commit"
check_contains "no terminal: and what to do" "$sent" "tell the user what the file should hold"
check_contains "no terminal: the user told too" "$ERR" \
    "llm: do: write: git runs this file outside the sandbox, on commit (a git hook): it is always asked, whatever allows write, and there is no terminal to ask: refused"
# an existing hook, changed with edit under --allow edit: refused the same way
mkdir -p "$T/r/.githooks"
printf 'exit 0\n' >"$T/r/.githooks/pre-commit"
chmod +x "$T/r/.githooks/pre-commit"
headless "$T/r" edit \
    '{"name":"edit","args":{"path":".githooks/pre-commit","old":"exit 0","new":"touch PLANTED"}}'
check_eq "edit, no terminal: the hook as it was" "$(cat "$T/r/.githooks/pre-commit")" "exit 0"
check_contains "edit, no terminal: the model told why" "$sent" \
    "always asked, whatever allows edit"
git -C "$T/r" -c user.email=t@t -c user.name=t commit -q --allow-empty -m next >/dev/null 2>&1
check "the next commit ran nothing planted" test ! -e "$T/r/PLANTED"
# a file of the project's goes through --allow write without a question
headless "$T/r" write '{"name":"write","args":{"path":"notes.txt","content":"v1\n"}}'
check_eq "a project file: written under --allow write" "$(cat "$T/r/notes.txt")" "v1"
check_not_contains "a project file: nothing refused" "$sent" "outside the sandbox"
# nor does a directory named like one where core.hooksPath does not point
headless "$T/r" write '{"name":"write","args":{"path":"docs/.githooks/pre-commit","content":"x\n"}}'
check_eq "a .githooks git does not run: written" "$(cat "$T/r/docs/.githooks/pre-commit")" "x"

# husky 9: core.hooksPath is .husky/_, whose runner runs the team's .husky/pre-commit
t_sum_repo "$T/h9"
mkdir -p "$T/h9/.husky/_"
printf '#!/usr/bin/env sh\n# husky runner\n' >"$T/h9/.husky/_/h"
git -C "$T/h9" config core.hooksPath .husky/_
headless "$T/h9" write '{"name":"write","args":{"path":".husky/pre-commit","content":"touch PLANTED\n"}}'
check "husky 9: the script the runner runs is not written" test ! -e "$T/h9/.husky/pre-commit"
check_contains "husky 9: the model told why" "$sent" "git runs this file outside the sandbox"

# a link into the hooks directory is where it leads
ln -s .githooks "$T/r/hooklink"
headless "$T/r" write '{"name":"write","args":{"path":"hooklink/post-commit","content":"touch PLANTED\n"}}'
check "through a link: not written" test ! -e "$T/r/.githooks/post-commit"

# a write after a command looks where the command's check found a .git, not into every directory
# again: a repository whose core.hooksPath names a directory outside its own work tree, and one
# made by the command, whose hooks directory is above the path written
t_sum_repo "$T/k"
git init -q "$T/k/app"
git -C "$T/k/app" config core.hooksPath ../shared
t_one_step "$T/k" run,write '{"name":"run","args":{"command":"git init -q lib && echo made"}},
{"name":"write","args":{"path":"shared/pre-commit","content":"touch PLANTED\n"}},
{"name":"write","args":{"path":"notes.txt","content":"v1\n"}}'
check "after a command: a hook another repository names is not written" test ! -e "$T/k/shared/pre-commit"
check_eq "after a command: a project file is" "$(cat "$T/k/notes.txt")" "v1"
git -C "$T/k/lib" config core.hooksPath .hooks
t_one_step "$T/k" write '{"name":"write","args":{"path":"todo.txt","content":"v2\n"}},
{"name":"write","args":{"path":"lib/.hooks/pre-commit","content":"touch PLANTED\n"}}'
check_eq "after a write: a project file is written" "$(cat "$T/k/todo.txt")" "v2"
check "after a write: a hook of a repository above the path is not" test ! -e "$T/k/lib/.hooks/pre-commit"

# on a terminal: asked even under --allow write, saying why; y writes it, n does not
fake_reset
fake_reply "{\"calls\":[$write_hook]}"
fake_reply '{"calls":[{"name":"write","args":{"path":".githooks/commit-msg","content":"x\n"}}]}'
fake_reply '{"text":"Done."}'
rm -f "$T/r/.githooks/pre-commit"
cd "$T/r" || exit 1
on_pty_answer "$T/pty.out" "allow?" "y" "allow?" "n" -- "do" -m test-cheap --allow write "add a hook"
cd - >/dev/null || exit 1
check_rc "terminal: the task ends (exit 0)" 0
check_contains "terminal: asked, saying why" "$(cat "$T/pty.out")" \
    "llm: not allowed without asking: git runs this file outside the sandbox, on commit"
check_eq "terminal: y writes the hook" "$(cat "$T/r/.githooks/pre-commit")" "touch PLANTED"
check "terminal: n does not" test ! -e "$T/r/.githooks/commit-msg"
check_contains "terminal: the model told of the no" "$(fake_get 2 body.messages.-1.content)" \
    "the user declined this write"

echo "# $T_PASS passed, $T_FAIL failed"
