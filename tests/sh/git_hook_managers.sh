#!/bin/sh
# git_hook_managers: install-hook and uninstall-hook beside husky and pre-commit,
# which own the hooks directory or the hook: their hooks are never lost.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

export GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_SEQUENCE_EDITOR
export GIT_EDITOR=true
# The line husky runs calls llm by name.
PATH=$(cd "$(dirname "$LLM_BIN")" && pwd -P):$PATH
export PATH

# husky_init: what husky 9's `husky` (run by npm install) makes of .husky/_,
# from scratch each time: a runner and, for each hook, a stub that sources it.
husky_init() {
	rm -rf .husky/_
	mkdir -p .husky/_
	printf '*' >.husky/_/.gitignore
	cat >.husky/_/h <<'H'
#!/usr/bin/env sh
[ "$HUSKY" = "2" ] && set -x
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n

[ ! -f "$s" ] && exit 0

[ "${HUSKY-}" = "0" ] && exit 0

export PATH="node_modules/.bin:$PATH"
sh -e "$s" "$@"
c=$?

[ $c != 0 ] && echo "husky - $n script failed (code $c)"
[ $c = 127 ] && echo "husky - command not found in PATH=$PATH"
exit $c
H
	for h in pre-commit prepare-commit-msg commit-msg; do
		printf '#!/usr/bin/env sh\n. "$(dirname "$0")/h"' >".husky/_/$h"
		chmod 755 ".husky/_/$h"
	done
	git config core.hooksPath .husky/_
}

git_msg() {
	git log -1 --format=%B | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# --- husky 9: llm's line goes into .husky/prepare-commit-msg ------------------
t_git_repo "$T/husky"
husky_init
STUB=$R/.husky/_/prepare-commit-msg
SCRIPT=$R/.husky/prepare-commit-msg
cp "$STUB" "$T/stub.orig"
# the user's own hook: a ticket number in front of the subject
printf '#!/usr/bin/env sh\nsed -i "1s/^/[T-1] /" "$1"\n' >"$SCRIPT"
cp "$SCRIPT" "$T/script.orig"
run_llm git install-hook
check_rc "husky: install exits 0" 0
check "husky: its stub is left as it is" cmp -s "$STUB" "$T/stub.orig"
check "husky: no backup of its stub" test ! -e "$STUB.llm-backup"
check_eq "husky: llm's line first, the user's lines kept" "$(cat "$SCRIPT")" \
    "#!/usr/bin/env sh
command -v llm >/dev/null 2>&1 && llm git commit-msg \"\$@\" </dev/null || true # llm-git-hook: 'llm git uninstall-hook' removes this line
sed -i \"1s/^/[T-1] /\" \"\$1\""
check_contains "husky: says which file" "$OUT" "added llm's line to $SCRIPT"
cp "$SCRIPT" "$T/script.added"
run_llm git install-hook
check_rc "husky: installing again exits 0" 0
check "husky: installing again changes nothing" cmp -s "$SCRIPT" "$T/script.added"
check_contains "husky: installing again says so" "$OUT" "$SCRIPT already runs llm"
printf 'x\n' >x.txt
git add x.txt
fake_reply '{"text":"docs: add x"}'
git commit -q 2>"$T/commit.err"
check_eq "husky: husky ran the draft, then the user's hook" "$(git_msg)" "[T-1] docs: add x"
# npm install rebuilds .husky/_: llm's hook is still there
husky_init
printf 'y\n' >y.txt
git add y.txt
fake_reply '{"text":"docs: add y"}'
git commit -q 2>"$T/commit.err"
check_eq "husky: drafts after husky rebuilt its directory" "$(git_msg)" "[T-1] docs: add y"
run_llm git uninstall-hook
check_rc "husky: uninstall exits 0" 0
check "husky: uninstall left the user's script as it was" cmp -s "$SCRIPT" "$T/script.orig"
check "husky: uninstall left the stub" cmp -s "$STUB" "$T/stub.orig"
run_llm git uninstall-hook
check_rc "husky: uninstall again exits 0" 0
check "husky: uninstall again changes nothing" cmp -s "$SCRIPT" "$T/script.orig"
# with no script of the user's, llm's makes one, and uninstall takes it away
rm "$SCRIPT"
run_llm git install-hook
check_rc "husky, no script: install exits 0" 0
check_contains "husky, no script: created" "$OUT" "created $SCRIPT"
check "husky, no script: the script runs llm" grep -q "^command -v llm " "$SCRIPT"
run_llm git uninstall-hook
check_rc "husky, no script: uninstall exits 0" 0
check "husky, no script: uninstall removed it" test ! -e "$SCRIPT"
# An earlier --force replaced husky's stub: install puts the stub back.
mv .husky/_/h "$T/h"
run_llm git install-hook --force
mv "$T/h" .husky/_/h
check "husky, after --force: the stub was aside" cmp -s "$STUB.llm-backup" "$T/stub.orig"
cp "$T/script.orig" "$SCRIPT"
run_llm git install-hook
check_rc "husky, after --force: install exits 0" 0
check "husky, after --force: husky's stub is back" cmp -s "$STUB" "$T/stub.orig"
check "husky, after --force: no backup left" test ! -e "$STUB.llm-backup"
check "husky, after --force: the line is in" grep -q "^command -v llm " "$SCRIPT"
run_llm git uninstall-hook
check "husky, after --force: uninstall as before" cmp -s "$SCRIPT" "$T/script.orig"
fake_reset

# --- husky 5 to 8: core.hooksPath is .husky, its scripts source _/husky.sh ------
# husky8_init: what `husky install` (husky 8) makes: .husky/_/husky.sh, which
# runs the hook again under sh -e unless HUSKY=0.
husky8_init() {
	mkdir -p .husky/_
	printf '*' >.husky/_/.gitignore
	cat >.husky/_/husky.sh <<'H'
#!/usr/bin/env sh
if [ -z "$husky_skip_init" ]; then
  readonly hook_name="$(basename -- "$0")"
  if [ "$HUSKY" = "0" ]; then
    exit 0
  fi
  readonly husky_skip_init=1
  export husky_skip_init
  sh -e "$0" "$@"
  exitCode="$?"
  if [ $exitCode != 0 ]; then
    echo "husky - $hook_name hook exited with code $exitCode (error)"
  fi
  exit $exitCode
fi
H
	git config core.hooksPath .husky
}

t_git_repo "$T/husky8"
husky8_init
SCRIPT=$R/.husky/prepare-commit-msg
# the team's hook, as `npx husky add` writes one
printf '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\nsed -i "1s/^/[T-1] /" "$1"\n' >"$SCRIPT"
chmod 755 "$SCRIPT"
cp "$SCRIPT" "$T/script8.orig"
run_llm git install-hook
check_rc "husky 8: install exits 0" 0
check_eq "husky 8: llm's line below husky.sh's, the team's lines kept" "$(cat "$SCRIPT")" \
    "#!/usr/bin/env sh
. \"\$(dirname -- \"\$0\")/_/husky.sh\"
command -v llm >/dev/null 2>&1 && llm git commit-msg \"\$@\" </dev/null || true # llm-git-hook: 'llm git uninstall-hook' removes this line

sed -i \"1s/^/[T-1] /\" \"\$1\""
check_contains "husky 8: says which file" "$OUT" "added llm's line to $SCRIPT"
check "husky 8: still executable" test -x "$SCRIPT"
check "husky 8: no backup of the team's script" test ! -e "$SCRIPT.llm-backup"
cp "$SCRIPT" "$T/script8.added"
run_llm git install-hook
check_rc "husky 8: installing again exits 0" 0
check "husky 8: installing again changes nothing" cmp -s "$SCRIPT" "$T/script8.added"
check_contains "husky 8: installing again says so" "$OUT" "$SCRIPT already runs llm"
printf 'x\n' >x.txt
git add x.txt
fake_reset
fake_reply '{"text":"docs: add x"}'
git commit -q 2>"$T/commit.err"
check_eq "husky 8: drafted, then the team's hook ran" "$(git_msg)" "[T-1] docs: add x"
check_eq "husky 8: one request for one commit" "$(fake_count)" 1
printf 'y\n' >y.txt
git add y.txt
fake_reset
HUSKY=0 git commit -q -m "chore: y" 2>"$T/commit.err"
check_eq "husky 8: HUSKY=0 runs nothing" "$(fake_count)" 0
run_llm git uninstall-hook
check_rc "husky 8: uninstall exits 0" 0
check "husky 8: uninstall left the team's script as it was" cmp -s "$SCRIPT" "$T/script8.orig"
check_contains "husky 8: uninstall says so" "$OUT" "took llm's line out of $SCRIPT"
# with no script, llm makes one as husky would, and uninstall takes it away
rm "$SCRIPT"
run_llm git install-hook
check_rc "husky 8, no script: install exits 0" 0
check_contains "husky 8, no script: created" "$OUT" "created $SCRIPT"
check_eq "husky 8, no script: husky's opening, then llm's line" "$(sed -n 2p "$SCRIPT")" \
    '. "$(dirname -- "$0")/_/husky.sh"'
check "husky 8, no script: executable" test -x "$SCRIPT"
run_llm git uninstall-hook
check "husky 8, no script: uninstall removed it" test ! -e "$SCRIPT"
# a hook an earlier llm wrote there in full (its absolute path in the team's
# file) gives way to the line; the team's script it replaced comes back
cp "$T/script8.orig" "$SCRIPT"
mv .husky/_/husky.sh "$T/husky.sh"
run_llm git install-hook --force
mv "$T/husky.sh" .husky/_/husky.sh
check "husky 8, after --force: llm's full hook was there" grep -q "^# llm-git-hook: written by" "$SCRIPT"
run_llm git install-hook
check_rc "husky 8, after --force: install exits 0" 0
check "husky 8, after --force: no backup left" test ! -e "$SCRIPT.llm-backup"
check "husky 8, after --force: no full hook left" sh -c "! grep -q '^# llm-git-hook: written by' '$SCRIPT'"
check "husky 8, after --force: the team's script with the line" cmp -s "$SCRIPT" "$T/script8.added"
run_llm git uninstall-hook
check "husky 8, after --force: uninstall as before" cmp -s "$SCRIPT" "$T/script8.orig"
fake_reset

# --- pre-commit owns prepare-commit-msg -----------------------------------------
# pre_commit_install: as `pre-commit install -t prepare-commit-msg` does: a hook
# it did not write is kept as .legacy (its legacy mode), which its hook runs too.
pre_commit_install() {
	_h=$R/.git/hooks/prepare-commit-msg
	if [ -e "$_h" ] && ! grep -q "File generated by pre-commit" "$_h"; then
		mv "$_h" "$_h.legacy"
	fi
	cat >"$_h" <<'P'
#!/usr/bin/env bash
# File generated by pre-commit: https://pre-commit.com
# ID: 138fd403232d2ddd5efb44317e38bf03
if [ -x "$0.legacy" ]; then "$0.legacy" "$@" || exit; fi
exit 0
P
	chmod 755 "$_h"
}

t_git_repo "$T/precommit"
HOOK=$R/.git/hooks/prepare-commit-msg
pre_commit_install
cp "$HOOK" "$T/pc.orig"
run_llm git install-hook
check_rc "pre-commit: install exits 0" 0
check "pre-commit: its hook is left as it is" cmp -s "$HOOK" "$T/pc.orig"
check "pre-commit: nothing moved aside" test ! -e "$HOOK.llm-backup"
check_contains "pre-commit: says it is pre-commit's" "$OUT" "$HOOK is pre-commit's"
check_contains "pre-commit: gives the configuration" "$OUT" "  - repo: local
    hooks:
      - id: llm-commit-msg
        name: draft the commit message with llm
        entry: llm git commit-msg
        language: system
        stages: [prepare-commit-msg]"
run_llm git install-hook --force
check_rc "pre-commit: --force exits 0" 0
check "pre-commit: --force does not fight it" cmp -s "$HOOK" "$T/pc.orig"
check "pre-commit: --force moves nothing aside" test ! -e "$HOOK.llm-backup"
run_llm git uninstall-hook
check_rc "pre-commit: uninstall with no llm hook exits 2" 2
check "pre-commit: uninstall leaves its hook" cmp -s "$HOOK" "$T/pc.orig"

# legacy mode: pre-commit moved llm's hook aside, and runs it
t_git_repo "$T/legacy"
HOOK=$R/.git/hooks/prepare-commit-msg
run_llm git install-hook
pre_commit_install
cp "$HOOK" "$T/pc.orig"
cp "$HOOK.legacy" "$T/legacy.orig"
run_llm git install-hook
check_rc "legacy: install exits 0" 0
check "legacy: pre-commit's hook left" cmp -s "$HOOK" "$T/pc.orig"
check "legacy: llm's hook left" cmp -s "$HOOK.legacy" "$T/legacy.orig"
check_contains "legacy: says where llm's hook is" "$OUT" "$HOOK.legacy"
printf 'z\n' >z.txt
git add z.txt
fake_reply '{"text":"docs: add z"}'
git commit -q 2>"$T/commit.err"
check_eq "legacy: pre-commit ran llm's hook" "$(git_msg)" "docs: add z"
run_llm git uninstall-hook
check_rc "legacy: uninstall exits 0" 0
check "legacy: uninstall removed llm's hook" test ! -e "$HOOK.legacy"
check "legacy: uninstall left pre-commit's" cmp -s "$HOOK" "$T/pc.orig"
fake_reset

# The hook pre-commit runs gets the message file alone; the source is in its environment.
printf 'w\n' >w.txt
git add w.txt
printf '\n# Please enter the commit message for your changes.\n' >"$T/msg"
cp "$T/msg" "$T/msg.orig"
fake_reply '{"text":"docs: add w"}'
PRE_COMMIT_COMMIT_MSG_SOURCE=message run_llm git commit-msg "$T/msg"
check_rc "pre-commit, -m: exit 0" 0
check "pre-commit, -m: message file untouched" cmp -s "$T/msg" "$T/msg.orig"
check_eq "pre-commit, -m: no request" "$(fake_count)" 0
run_llm git commit-msg "$T/msg"
check_eq "pre-commit, no source: drafted" "$(head -n 1 "$T/msg")" "docs: add w"
fake_reset

[ "$T_FAIL" -eq 0 ]
