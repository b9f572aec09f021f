# agent_gitguard: a command the agent runs may not leave git running something it planted: a hook
# or a config entry that runs a program is put back after the command, said to the model and to
# the user, and the user's next git command runs nothing of it. What git only records stays.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_sum_repo "$T/repo"
# run CMD: a task whose one step runs CMD in the repository; the model's next request is $sent
run() {
	fake_reset
	fake_reply "{\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"$1\"}}]}"
	fake_reply '{"text":"Done."}'
	cd "$T/repo" || exit 1
	run_llm "do" -m test-cheap --allow run "set up"
	cd - >/dev/null || exit 1
	check_rc "the task ends (exit 0)" 0
	sent=$(fake_get 1 body.messages.-1.content)
}

run "printf '#!/bin/sh\\\\ntouch \$PWD/ran\\\\n' >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit && git config core.fsmonitor 'touch ran' && echo planted"
check_contains "the command ran" "$sent" "planted"
check_contains "the model is told the hook was taken out" "$sent" ".git/hooks/pre-commit was removed"
check_contains "and the config put back" "$sent" ".git/config was put back (it set core.fsmonitor)"
check_contains "and what to do instead" "$sent" "ask the user to make it"
check_contains "the user sees it on the step's line" "$ERR" "git hooks or config put back"
check "no hook is left" test ! -e "$T/repo/.git/hooks/pre-commit"
check_eq "no fsmonitor is left" "$(git -C "$T/repo" config core.fsmonitor)" ""
(cd "$T/repo" && git status -s >/dev/null && echo x >x && git add x &&
    git -c user.email=t@t -c user.name=t commit -qm x) >/dev/null 2>&1
check "the user's next git commands run nothing planted" test ! -e "$T/repo/ran"

run "git remote add origin https://example.com/r.git && git checkout -qb topic && echo kept"
check_contains "a remote and a branch are fine" "$sent" "kept"
check_not_contains "and nothing is said of them" "$sent" "put back"
check_eq "the remote stays" "$(git -C "$T/repo" remote get-url origin)" "https://example.com/r.git"
# a repository made four levels down, where git runs its hooks when the user works there
run "git init -q vendor/x/y/z && printf 'touch \$PWD/ran\\\\n' >vendor/x/y/z/.git/hooks/pre-commit && chmod +x vendor/x/y/z/.git/hooks/pre-commit && echo vendored"
check_contains "the deep hook is taken out" "$sent" "vendor/x/y/z/.git/hooks/pre-commit was removed"
check_contains "the user sees it too" "$ERR" "git hooks or config put back"
check "only git's samples are left there" test ! -e "$T/repo/vendor/x/y/z/.git/hooks/pre-commit"
check_not_contains "every directory was looked into" "$ERR" "not every directory"
echo "# $T_PASS passed, $T_FAIL failed"
