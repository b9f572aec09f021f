# agent_confine: a command the agent runs (and all it starts: a shell, make) writes only in the
# workspace, its own TMPDIR, /dev/null and the like, /dev/shm and the build caches: not in $HOME,
# another directory, a terminal of the user's, nor llm's own config and data directories, even
# under a path [agent] writable adds. It makes no device node. Pseudo-terminals of its own it
# opens, in a /dev/pts where the user's are not.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

t_need_landlock

t_sum_repo "$T/repo"
mkdir -p "$T/elsewhere" "$T/shared/sub" "$HOME/.cache"
printf 'export PATH\n' >"$HOME/.bashrc"
cp "$HOME/.bashrc" "$T/bashrc.before"
cp "$LLM_CONFIG_DIR/config.ini" "$T/config.before"
# try NAME CMD: whether the shell command CMD could write
cat >"$T/repo/try.sh" <<'SH'
try() {
	if err=$(eval "$2" 2>&1); then
		echo "$1: written"
	else
		echo "$1: refused: $err"
	fi
}
try workspace 'echo x >ws-file'
try tmpdir 'echo x >"$TMPDIR/t" && [ "$TMPDIR" != "$CALLER_TMPDIR" ] && echo "TMPDIR=$TMPDIR" >ws-tmpdir'
try cache 'mkdir -p "$HOME/.cache/tool" && echo x >"$HOME/.cache/tool/f"'
try dev-null 'echo x >/dev/null'
try dev-shm 'echo x >"/dev/shm/llm-confine-$$" && rm "/dev/shm/llm-confine-$$"'
try terminal 'echo planted >"$USER_TTY"'
try new-pty 'script -qc true /dev/null </dev/null'
try openpty 'python3 -c "import os; m, s = os.openpty(); os.write(s, b\"up\\n\"); assert os.read(m, 9) == b\"up\\r\\n\""'
try pts-listed '[ -z "$(ls /dev/pts | grep -v ptmx)" ]'
try device 'mknod node c 1 3'
try home 'echo x >>"$HOME/.bashrc"'
try home-new 'echo x >"$HOME/new-file"'
try home-rm 'rm "$HOME/.bashrc"'
try elsewhere 'echo x >"$ELSEWHERE/f"'
try config 'echo x >>"$LLM_CONFIG_DIR/config.ini"'
try config-new 'echo x >"$LLM_CONFIG_DIR/new"'
try data 'echo x >"$LLM_DATA_DIR/new"'
try undo 'mkdir -p "$LLM_DATA_DIR/undo/x"'
try nested 'sh -c "echo x >\"\$HOME/nested\""'
try make 'make -s -f confine.mk'
try shared 'echo x >"$SHARED/sub/f"'
try shared-top 'echo x >"$SHARED/../top-file"'
try signal 'kill -0 "$OUTSIDE_PID"'
SH
printf 'all:\n\techo x >"$$HOME/from-make"\n' >"$T/repo/confine.mk"
export ELSEWHERE="$T/elsewhere" SHARED="$T/shared" CALLER_TMPDIR="${TMPDIR:-/tmp}"
# a terminal of the user's, as the one llm runs in: a command must not write on it
t_py -c 'import os, sys, time
m, s = os.openpty()
print(os.ttyname(s), flush=True)
time.sleep(120)' >"$T/tty" &
TTY_PID=$!
t_defer "kill $TTY_PID 2>/dev/null"
i=0
while [ ! -s "$T/tty" ] && [ "$i" -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
USER_TTY=$(cat "$T/tty")
export USER_TTY
# a process of the user's, outside the task: from Landlock ABI 6 a command cannot signal it
sleep 60 &
OUTSIDE_PID=$!
export OUTSIDE_PID
t_defer 'kill "$OUTSIDE_PID" 2>/dev/null'
if [ "$abi" -ge 6 ]; then
	signal_check=1
else
	echo "# skip: Landlock ABI $abi scopes no signals"
	signal_check=
fi

# whether this kernel lets a process have a devpts of its own, as llm gives each command: tried
# with util-linux's unshare, outside llm
if [ "$(id -u)" = 0 ]; then
	own='unshare -m sh -c "mount --make-rprivate / && mount -t devpts -o newinstance devpts /dev/pts"'
else
	own='unshare -U -m -r sh -c "mount -t devpts -o newinstance devpts /dev/pts"'
fi
if eval "$own" 2>/dev/null; then
	own_pts=1
else
	echo "# skip: no devpts of a command's own here (user namespaces or mounts refused); ptys not tried"
	own_pts=
fi

# task: run try.sh with the config as it is, then with [agent] writable = $T (which holds
# llm's config and data directories)
task() {
	fake_reset
	fake_reply '{"calls":[{"name":"run","args":{"command":"sh try.sh"}}]}'
	fake_reply '{"text":"Tried."}'
	cd "$T/repo" || exit 1
	run_llm "do" -m test-cheap --allow run "try writing"
	cd - >/dev/null || exit 1
	check_rc "$1: the task ends (exit 0)" 0
	sent=$(fake_get 1 body.messages.-1.content)
}

task "default"
for w in workspace tmpdir cache dev-null dev-shm; do
	check_contains "default: a command writes in the $w" "$sent" "$w: written"
done
if [ -n "$own_pts" ]; then
	check_contains "default: a command opens a pty of its own (script)" "$sent" "new-pty: written"
	check_contains "default: a command opens a pty of its own (openpty)" "$sent" "openpty: written"
	check_contains "default: no terminal of the user's is in its /dev/pts" "$sent" "pts-listed: written"
fi
for w in home home-new home-rm elsewhere config config-new data undo nested make shared \
    shared-top terminal device; do
	check_contains "default: a command cannot write in $w" "$sent" "$w: refused"
done
[ -n "$signal_check" ] &&
    check_contains "default: a command cannot signal a process outside the task" "$sent" "signal: refused"
check_contains "default: the refusal is the command's own error" "$sent" "Permission denied"
check "default: ~/.bashrc is as it was" cmp "$HOME/.bashrc" "$T/bashrc.before"
check "default: llm's config is as it was" cmp "$LLM_CONFIG_DIR/config.ini" "$T/config.before"
for f in "$HOME/new-file" "$HOME/nested" "$HOME/from-make" "$T/elsewhere/f" "$LLM_DATA_DIR/new" \
    "$LLM_CONFIG_DIR/new" "$LLM_DATA_DIR/undo/x"; do
	check "default: nothing made at ${f#"$T"/}" test ! -e "$f"
done
check "default: the workspace file is there" test -f "$T/repo/ws-file"
check "default: no device node was made" test ! -e "$T/repo/node"
tmp=$(sed -n 's/^TMPDIR=//p' "$T/repo/ws-tmpdir")
check "default: the command's TMPDIR was private (${tmp##*/})" sh -c 'case "$1" in */llm-tmp.*) ;; *) exit 1;; esac' sh "$tmp"
check "default: and is removed after the task" test ! -e "$tmp"
check_not_contains "default: the step says nothing of confinement" "$ERR" "not confined"

# in a git worktree, git writes in the repository's .git, outside the worktree: allowed; a .git
# file a command could write, leading elsewhere, opens nothing
git -C "$T/repo" worktree add -q "$T/wt" 2>/dev/null
mkdir -p "$T/fake/sub"
printf 'gitdir: %s\n' "$T/elsewhere" >"$T/fake/.git"
printf '%s\n' "$T/fake/.git" >"$T/elsewhere/gitdir"
printf '..\n' >"$T/elsewhere/commondir"
git_task() {
	fake_reset
	fake_reply "{\"calls\":[{\"name\":\"run\",\"args\":{\"command\":\"$2\"}}]}"
	fake_reply '{"text":"Done."}'
	cd "$1" || exit 1
	run_llm "do" -m test-cheap --allow run "commit"
	cd - >/dev/null || exit 1
	sent=$(fake_get 1 body.messages.-1.content)
}
git_task "$T/wt" "git -c user.email=t@t -c user.name=t commit -q --allow-empty -m confined && echo committed"
check_contains "worktree: git commit writes in the repository's .git" "$sent" "committed"
check_eq "worktree: the commit is there" "$(git -C "$T/repo" log -1 --format=%s confine-wt 2>/dev/null || git -C "$T/wt" log -1 --format=%s)" "confined"
# a submodule's git directory is in its superproject's .git/modules: allowed as well
t_sum_repo "$T/lib"
t_sum_repo "$T/super"
git -C "$T/super" -c protocol.file.allow=always submodule add -q "$T/lib" lib >/dev/null 2>&1
git_task "$T/super/lib" "echo y >y && git add y && git -c user.email=t@t -c user.name=t commit -qm in-submodule && echo committed"
check_contains "submodule: git commit writes in the superproject's .git/modules" "$sent" "committed"
check_eq "submodule: the commit is there" "$(git -C "$T/super/lib" log -1 --format=%s)" "in-submodule"
git_task "$T/super/lib" "echo x >$T/super/.git/config-new && echo written"
check_not_contains "submodule: the rest of the superproject's .git is not writable" "$sent" "written"
git_task "$T/fake/sub" "echo x >$T/elsewhere/f2 && echo written"
check_not_contains "a .git file leading elsewhere opens nothing" "$sent" "written"
check "nothing made there" test ! -e "$T/elsewhere/f2"

# a fresh account has no ~/.cache or ~/.npm yet: they are made for the first command, where their
# tool is installed, so that its first build can keep its cache
rm -rf "$HOME/.cache" "$HOME/.npm" "$HOME/go"
mkdir -p "$T/bin"
printf '#!/bin/sh\n' >"$T/bin/npm"
chmod +x "$T/bin/npm"
old_path=$PATH
PATH="$T/bin:$PATH"
git_task "$T/repo" "mkdir -p \$HOME/.cache/go-build && echo x >\$HOME/.npm/f && echo cached"
PATH=$old_path
check_contains "fresh home: a command writes in the ~/.cache and ~/.npm made for it" "$sent" "cached"
if ! command -v go >/dev/null 2>&1; then
	check "fresh home: no ~/go where go is not installed" test ! -e "$HOME/go"
fi

t_config_append "[agent]
writable = $T, ~/.bashrc, /dev/pts"
rm -f "$T/repo/ws-file"
task "writable"
for w in workspace shared home elsewhere new-pty; do
	check_contains "writable: a command writes in $w" "$sent" "$w: written"
done
for w in config config-new data undo shared-top; do
	check_contains "writable: a command still cannot write in $w" "$sent" "$w: refused"
done
check "writable: llm's config is as it was" sh -c 'grep -v "^writable\|^\[agent\]" "$1" | cmp - "$2"' sh \
    "$LLM_CONFIG_DIR/config.ini" "$T/config.before"
check "writable: nothing made in the data directory" test ! -e "$LLM_DATA_DIR/new"

t_config_append "writable = relative/path"
run_llm "do" -m test-cheap "x"
check_contains "writable: a relative path is a config error" "$ERR" "writable: 'relative/path' is not an absolute path"
echo "# $T_PASS passed, $T_FAIL failed"
