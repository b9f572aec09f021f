# agent_gitguard_hooks: the hooks directory core.hooksPath names in the work tree is held whole:
# a script its hooks source from a directory in it (husky 5 to 8's .husky/_/husky.sh), the team's
# scripts husky 9's runner in .husky/_ runs from the directory above, and a linked worktree's own
# directory. A command that changes them has them put back, and the user's next commit runs none
# of it.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# run DIR CMD: a task whose one step runs CMD in DIR; the model's next request is $sent
run() {
	t_one_step "$1" run "{\"name\":\"run\",\"args\":{\"command\":\"$2\"}}"
}

# commit DIR: the user's next commit there, hooks and all
commit() {
	git -C "$1" -c user.email=t@t -c user.name=t commit -q --allow-empty -m next >/dev/null 2>&1
}

# husky 5 to 8: core.hooksPath is .husky, whose hooks source .husky/_/husky.sh
t_sum_repo "$T/h8"
mkdir -p "$T/h8/.husky/_"
printf '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\nexit 0\n' >"$T/h8/.husky/pre-commit"
chmod +x "$T/h8/.husky/pre-commit"
printf '#!/usr/bin/env sh\n# husky\nexport husky_skip_init=1\n' >"$T/h8/.husky/_/husky.sh"
git -C "$T/h8" config core.hooksPath .husky
before=$(cat "$T/h8/.husky/_/husky.sh")
run "$T/h8" "echo touch PLANTED >>.husky/_/husky.sh; echo touch PLANTED >.husky/_/extra.sh; echo planted"
check_contains "husky 8: the command ran" "$sent" "planted"
check_contains "husky 8: the model is told the sourced script was put back" "$sent" \
    ".husky/_/husky.sh was put back"
check_contains "husky 8: and the new one taken out" "$sent" ".husky/_/extra.sh was removed"
check_contains "husky 8: the step says so" "$ERR" "git hooks or config put back"
check_eq "husky 8: husky.sh as it was" "$(cat "$T/h8/.husky/_/husky.sh")" "$before"
check "husky 8: the new script is gone" test ! -e "$T/h8/.husky/_/extra.sh"
commit "$T/h8"
check "husky 8: the next commit ran its hook, nothing planted" test ! -e "$T/h8/PLANTED"

# husky 9: core.hooksPath is .husky/_, whose runner h runs the team's .husky/pre-commit
t_sum_repo "$T/h9"
mkdir -p "$T/h9/.husky/_"
printf '#!/usr/bin/env sh\n# husky runner\ns=$(dirname "$(dirname "$0")")/$(basename "$0")\n[ -f "$s" ] || exit 0\nsh -e "$s" "$@"\n' \
    >"$T/h9/.husky/_/h"
printf '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n' >"$T/h9/.husky/_/pre-commit"
chmod +x "$T/h9/.husky/_/pre-commit"
printf 'exit 0\n' >"$T/h9/.husky/pre-commit"
git -C "$T/h9" config core.hooksPath .husky/_
run "$T/h9" "printf 'touch PLANTED\\\\n' >.husky/pre-commit; echo touch PLANTED >.husky/commit-msg; echo planted"
check_contains "husky 9: the command ran" "$sent" "planted"
check_contains "husky 9: the script above .husky/_ was put back" "$sent" \
    ".husky/pre-commit was put back"
check_contains "husky 9: a new one there taken out" "$sent" ".husky/commit-msg was removed"
check_eq "husky 9: .husky/pre-commit as it was" "$(cat "$T/h9/.husky/pre-commit")" "exit 0"
check "husky 9: the new script is gone" test ! -e "$T/h9/.husky/commit-msg"
commit "$T/h9"
check "husky 9: the next commit ran its hook, nothing planted" test ! -e "$T/h9/PLANTED"
# husky 9's directory gone (git clean -X removes it): git finds no hook, so a new one is taken out
rm -rf "$T/h9/.husky/_"
run "$T/h9" "mkdir .husky/_ && printf 'touch PLANTED\\n' >.husky/_/pre-commit && chmod +x .husky/_/pre-commit && echo planted"
check_contains "husky 9, no .husky/_: the command ran" "$sent" "planted"
check_contains "husky 9, no .husky/_: the hook made there is taken out" "$sent" \
    ".husky/_/pre-commit was removed"
check "husky 9, no .husky/_: it is gone" test ! -e "$T/h9/.husky/_/pre-commit"
commit "$T/h9"
check "husky 9, no .husky/_: the next commit ran nothing planted" test ! -e "$T/h9/PLANTED"
# a directory named _ without husky's runner is only the hooks directory: the one above is not held
t_sum_repo "$T/plain"
mkdir -p "$T/plain/tools/_"
printf 'v1\n' >"$T/plain/tools/notes"
git -C "$T/plain" config core.hooksPath tools/_
run "$T/plain" "echo v2 >tools/notes; echo edited"
check_not_contains "a plain _: the directory above is the project's" "$sent" "put back"
check_eq "a plain _: the edit stays" "$(cat "$T/plain/tools/notes")" "v2"

# a linked worktree: git takes a relative core.hooksPath from the worktree's own top
t_sum_repo "$T/main"
mkdir -p "$T/main/.githooks"
printf '#!/bin/sh\nexit 0\n' >"$T/main/.githooks/pre-commit"
chmod +x "$T/main/.githooks/pre-commit"
git -C "$T/main" add .githooks
git -C "$T/main" -c user.email=t@t -c user.name=t commit -qm hooks
git -C "$T/main" config core.hooksPath .githooks
git -C "$T/main" worktree add -q "$T/wt" -b wt
printf '#!/bin/sh\ntouch RAN\n' >"$T/wt/.githooks/pre-commit"
commit "$T/wt"
check "worktree: git runs the worktree's own .githooks" test -e "$T/wt/RAN"
check "worktree: not the main work tree's" test ! -e "$T/main/RAN"
git -C "$T/wt" checkout -q -- .githooks/pre-commit
rm -f "$T/wt/RAN"
run "$T/wt" "echo touch PLANTED >>.githooks/pre-commit; echo touch PLANTED >.githooks/post-commit; chmod +x .githooks/*; echo planted"
check_contains "worktree: the command ran" "$sent" "planted"
check_contains "worktree: the hook was put back" "$sent" ".githooks/pre-commit was put back"
check_contains "worktree: a new hook taken out" "$sent" ".githooks/post-commit was removed"
check_eq "worktree: the hook as it was" "$(cat "$T/wt/.githooks/pre-commit")" "$(printf '#!/bin/sh\nexit 0')"
commit "$T/wt"
check "worktree: the next commit there ran nothing planted" test ! -e "$T/wt/PLANTED"
echo "# $T_PASS passed, $T_FAIL failed"
