# agent_gitguard_global: a relative core.hooksPath in the user's or the system's git config
# (git config --global core.hooksPath .githooks) makes git run each work tree's .githooks on
# commit, outside the sandbox: a command that plants a hook there has it taken out, a write there
# is asked whatever allows it, and the repository's own core.hooksPath overrides them, as in git
# (include.path followed).
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# run DIR CMD: a task whose one step runs CMD in DIR; the model's next request is $sent
run() {
	t_one_step "$1" run "{\"name\":\"run\",\"args\":{\"command\":\"$2\"}}"
}

# headless DIR CALL: a task whose one step is CALL under --allow write, with no terminal to ask
headless() {
	t_one_step "$1" write "$2"
}

# commit DIR: the user's next commit there, hooks and all
commit() {
	git -C "$1" -c user.email=t@t -c user.name=t commit -q --allow-empty -m next >/dev/null 2>&1
}

plant="mkdir -p .githooks && printf 'touch PLANTED\\\\n' >.githooks/pre-commit && chmod +x .githooks/pre-commit && echo planted"
write_hook='{"name":"write","args":{"path":".githooks/pre-commit","content":"touch PLANTED\n"}}'

# ~/.gitconfig: git runs .githooks/pre-commit of the work tree
export GIT_CONFIG_NOSYSTEM=1
t_sum_repo "$T/r"
printf '[user]\n\tname = t\n[core]\n\thooksPath = .githooks\n' >"$HOME/.gitconfig"
mkdir -p "$T/r/.githooks"
printf '#!/bin/sh\ntouch RAN\n' >"$T/r/.githooks/pre-commit"
chmod +x "$T/r/.githooks/pre-commit"
commit "$T/r"
check "home .gitconfig: git runs the work tree's .githooks" test -e "$T/r/RAN"
rm -rf "$T/r/RAN" "$T/r/.githooks"
run "$T/r" "$plant"
check_contains "home .gitconfig: the command ran" "$sent" "planted"
check_contains "home .gitconfig: the model is told the hook was taken out" "$sent" \
    ".githooks/pre-commit was removed"
check_contains "home .gitconfig: the step says so" "$ERR" "git hooks or config put back"
check "home .gitconfig: the hook is gone" test ! -e "$T/r/.githooks/pre-commit"
commit "$T/r"
check "home .gitconfig: the next commit ran nothing planted" test ! -e "$T/r/PLANTED"
headless "$T/r" "$write_hook"
check "home .gitconfig: a hook written under --allow write is refused" \
    test ! -e "$T/r/.githooks/pre-commit"
check_contains "home .gitconfig: the model told why" "$sent" \
    "git runs this file outside the sandbox, on commit"
# a file elsewhere in the project goes through
headless "$T/r" '{"name":"write","args":{"path":"docs/.githooks/pre-commit","content":"x\n"}}'
check_eq "home .gitconfig: a .githooks git does not run: written" \
    "$(cat "$T/r/docs/.githooks/pre-commit")" "x"

# the repository's own core.hooksPath overrides the user's: its directory is held instead
git -C "$T/r" config core.hooksPath tools/hooks
mkdir -p "$T/r/tools/hooks"
run "$T/r" "$plant; echo x >tools/hooks/pre-commit"
check_contains "overridden: a .githooks git no longer runs is the project's" "$sent" \
    "tools/hooks/pre-commit was removed"
check_not_contains "overridden: .githooks stays" "$sent" ".githooks/pre-commit was removed"
check "overridden: .githooks/pre-commit stays" test -e "$T/r/.githooks/pre-commit"
rm -rf "$T/r/.githooks"
git -C "$T/r" config --unset core.hooksPath

# $XDG_CONFIG_HOME/git/config, read before ~/.gitconfig, which overrides it
rm -f "$HOME/.gitconfig"
mkdir -p "$XDG_CONFIG_HOME/git"
printf '[core]\n\thooksPath = .githooks\n' >"$XDG_CONFIG_HOME/git/config"
run "$T/r" "$plant"
check_contains "XDG: the hook was taken out" "$sent" ".githooks/pre-commit was removed"
check "XDG: the hook is gone" test ! -e "$T/r/.githooks/pre-commit"
printf '[core]\n\thooksPath = other\n' >"$HOME/.gitconfig"
run "$T/r" "$plant"
check_not_contains "the home .gitconfig after XDG: .githooks is the project's" "$sent" "was removed"
rm -rf "$T/r/.githooks" "$HOME/.gitconfig" "$XDG_CONFIG_HOME/git"

# include.path in the user's config: read where it stands, relative to the including file
mkdir -p "$HOME/conf"
printf '[include]\n\tpath = conf/main.inc\n' >"$HOME/.gitconfig"
printf '[include]\n\tpath = ~/conf/hooks.inc\n' >"$HOME/conf/main.inc"
printf '[core]\n\thooksPath = .githooks\n' >"$HOME/conf/hooks.inc"
mkdir -p "$T/r/.githooks"
printf '#!/bin/sh\ntouch RAN\n' >"$T/r/.githooks/pre-commit"
chmod +x "$T/r/.githooks/pre-commit"
commit "$T/r"
check "include: git runs the work tree's .githooks" test -e "$T/r/RAN"
rm -rf "$T/r/RAN" "$T/r/.githooks"
run "$T/r" "$plant"
check_contains "include: the hook was taken out" "$sent" ".githooks/pre-commit was removed"
check "include: the hook is gone" test ! -e "$T/r/.githooks/pre-commit"
commit "$T/r"
check "include: the next commit ran nothing planted" test ! -e "$T/r/PLANTED"
rm -rf "$HOME/.gitconfig" "$HOME/conf" "$T/r/.githooks" "$T/r/PLANTED"

# GIT_CONFIG_GLOBAL: that file alone is the user's
printf '[core]\n\thooksPath = .githooks\n' >"$T/global"
printf '[core]\n\thooksPath = other\n' >"$HOME/.gitconfig"
export GIT_CONFIG_GLOBAL="$T/global"
run "$T/r" "$plant"
check_contains "GIT_CONFIG_GLOBAL: the hook was taken out" "$sent" ".githooks/pre-commit was removed"
check "GIT_CONFIG_GLOBAL: the hook is gone" test ! -e "$T/r/.githooks/pre-commit"
commit "$T/r"
check "GIT_CONFIG_GLOBAL: the next commit ran nothing planted" test ! -e "$T/r/PLANTED"
export GIT_CONFIG_GLOBAL=/dev/null
rm -f "$HOME/.gitconfig"

# the system's config, unless GIT_CONFIG_NOSYSTEM
printf '[core]\n\thooksPath = .githooks\n' >"$T/system"
export GIT_CONFIG_SYSTEM="$T/system"
run "$T/r" "$plant"
check_not_contains "GIT_CONFIG_NOSYSTEM: the system's is not read" "$sent" "was removed"
rm -rf "$T/r/.githooks"
unset GIT_CONFIG_NOSYSTEM
run "$T/r" "$plant"
check_contains "system: the hook was taken out" "$sent" ".githooks/pre-commit was removed"
commit "$T/r"
check "system: the next commit ran nothing planted" test ! -e "$T/r/PLANTED"
headless "$T/r" "$write_hook"
check "system: a hook written under --allow write is refused" test ! -e "$T/r/.githooks/pre-commit"
echo "# $T_PASS passed, $T_FAIL failed"
