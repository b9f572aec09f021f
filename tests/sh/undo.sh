#!/bin/sh
# undo: llm undo restores the files the last agent task changed, keeps what changed since, and never leaves the workspace.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

REPO=$T/repo
mkdir -p "$REPO/src/deep"
(cd "$REPO" && git init -q .) || not_ok "a git repository"
ROOT=$(cd "$REPO" && pwd -P)
printf 'outside\n' >"$T/canary"

# journal ID ENTRIES...: write the undo journal of task ID for $ROOT as the
# agent keeps it; each entry is KIND:MODE:WRITTEN:PATH (KIND c created, m
# modified; WRITTEN the content the task wrote), and backup N holds
# $T/old.N for the Nth entry.
journal() {
	t_py - "$LLM_DATA_DIR/undo" "$ROOT" "$T" "$@" <<'PY'
import os, sys
undo, root, t, tid = sys.argv[1:5]
def fnv(b):
    h = 14695981039346656037
    for c in b:
        h ^= c
        h = (h * 1099511628211) % (1 << 64)
    return h
top = os.path.join(undo, "%016x" % fnv(root.encode()))
d = os.path.join(top, tid)
os.makedirs(d, exist_ok=True)
lines = ["llm undo journal 1", "root\t" + root]
for n, e in enumerate(sys.argv[5:], 1):
    kind, mode, written, path = e.split(":", 3)
    lines.append("%s\t%s\t%016x\t%d\t%s" % (kind, mode, fnv(written.encode()), n, path))
    if kind == "m":
        with open(os.path.join(t, "old.%d" % n), "rb") as f, open(os.path.join(d, str(n)), "wb") as g:
            g.write(f.read())
with open(os.path.join(d, "journal"), "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(top, "last"), "w") as f:
    f.write(tid)
PY
}

# --- restore a task: an edit back, a created file removed, modes kept ----------
printf 'int sum(int a, int b) { return a - b; }\n' >"$T/old.1"
printf 'int sum(int a, int b) { return a + b; }\n' >"$REPO/src/sum.c"
chmod 0600 "$REPO/src/sum.c"
printf 'new\n' >"$REPO/src/deep/new.c"
journal 7 "m:755:int sum(int a, int b) { return a + b; }
:src/sum.c" "c:0:new
:src/deep/new.c"
cd "$REPO/src/deep" || exit 1
run_llm undo
check_rc "llm undo: exit 0 when every file is restored" 0
check_eq "llm undo says what it did, file by file" "$OUT" "restored src/sum.c
removed src/deep/new.c"
check_eq "llm undo names the task it undid on stderr" "$ERR" "llm: undo: task 7 (llm logs --task 7 shows it)"
check_eq "the edited file has its previous content" "$(cat "$REPO/src/sum.c")" \
    "int sum(int a, int b) { return a - b; }"
check_eq "and its previous mode" "$(stat -c %a "$REPO/src/sum.c")" 755
check "the file the task created is gone" test ! -e "$REPO/src/deep/new.c"

run_llm undo
check_rc "llm undo with nothing left to undo: exit 2" 2
check_eq "and it says so" "$ERR" "llm: undo: nothing to undo in $ROOT"

# --- a file changed since the task is kept, the others restored ---------------
printf 'a0\n' >"$T/old.1"
printf 'b0\n' >"$T/old.2"
printf 'a1\n' >"$REPO/a.txt"
printf 'b-changed-by-the-user\n' >"$REPO/b.txt"
journal 8 "m:644:a1
:a.txt" "m:644:b1
:b.txt"
cd "$REPO" || exit 1
run_llm undo
check_rc "llm undo: exit 1 when a file changed since the task" 1
check_eq "it names the file it kept, and where its previous content is" "$OUT" "restored a.txt
kept b.txt: changed since the task; its content before the task is in $LLM_DATA_DIR/undo/$(ls "$LLM_DATA_DIR/undo")/8/2"
check_eq "which is that content" "$(cat "$LLM_DATA_DIR/undo/$(ls "$LLM_DATA_DIR/undo")/8/2")" "b0"
check_eq "the kept file is as the user left it" "$(cat "$REPO/b.txt")" "b-changed-by-the-user"
check_eq "the other file is restored" "$(cat "$REPO/a.txt")" "a0"
printf 'b1\n' >"$REPO/b.txt"
run_llm undo
check_rc "once the file holds what the task wrote again, it is restored" 0
check_eq "its previous content" "$(cat "$REPO/b.txt")" "b0"

# --- what the user already put back as before the task is done, not kept -------
printf 'c0\n' >"$T/old.1"
printf 'c0\n' >"$REPO/c.txt"
rm -f "$REPO/d.txt"
journal 10 "m:644:c1
:c.txt" "c:0:d1
:d.txt"
run_llm undo
check_rc "files already as before the task: exit 0" 0
check_eq "each said so" "$OUT" "c.txt: already as before the task
d.txt: already gone"
check_eq "the file put back stays as it is" "$(cat "$REPO/c.txt")" "c0"
run_llm undo
check_rc "and the journal is done with: nothing left to undo" 2

# --- directories the task made go once empty, deepest first; one the user put a
# file in stays, said on stderr; one that was there before the task stays ----------
mkdir -p "$REPO/made/deep" "$REPO/kept"
printf 'n\n' >"$REPO/made/deep/n.c"
printf 'k\n' >"$REPO/kept/k.c"
printf 'mine\n' >"$REPO/kept/mine.txt"
printf 's\n' >"$REPO/src/s.c"
journal 11 "d:0::made" "d:0::made/deep" "c:0:n
:made/deep/n.c" "d:0::kept" "c:0:k
:kept/k.c" "c:0:s
:src/s.c"
run_llm undo
check_rc "directories made: exit 0 when every file is undone" 0
check_eq "the directories made are removed after their files, deepest first" "$OUT" \
    "removed made/deep/n.c
removed kept/k.c
removed src/s.c
removed made/deep/
removed made/"
check_eq "the one kept is said on stderr" "$ERR" "llm: undo: task 11 (llm logs --task 11 shows it)
llm: undo: kept kept/, which the task made: not empty"
check "the directories made are gone" test ! -e "$REPO/made"
check_eq "the user's file stays where it was" "$(cat "$REPO/kept/mine.txt")" mine
check "a directory that was there before the task stays, empty or not" test -d "$REPO/src/deep"
run_llm undo
check_rc "and the journal is done with" 2

# --- a journal that points outside the workspace restores nothing there ----------
printf 'evil\n' >"$T/old.1"
before=$(stat -c '%Y %s' "$T/canary")
journal 9 "m:644:outside
:../canary" "c:0:outside
:$T/canary"
run_llm undo
check_rc "a journal naming files outside: exit 1" 1
check_contains "the path out is refused" "$OUT" "kept ../canary: ../canary is outside the workspace"
check_eq "the file outside is untouched" "$(cat "$T/canary") $(stat -c '%Y %s' "$T/canary")" \
    "outside $before"

# --- a new task prunes the workspace's journals: the 20 most recent stay, none
# older than 30 days, but never the one llm undo would undo, nor the task's own ---
TOP=$LLM_DATA_DIR/undo/$(ls "$LLM_DATA_DIR/undo")
rm -rf "$TOP"/[0-9]*
now=$(date +%s)
for id in $(seq 100 124); do
	journal "$id" "c:0:x
:x$id.txt"
	touch -d "@$((now - (200 - id) * 60))" "$TOP/$id"
done
touch -d "@$((now - 40 * 86400))" "$TOP/100"
printf 105 >"$TOP/last"
touch -d "@$((now - 60 * 86400))" "$TOP/105"
mkdir "$TOP/notes"
# the ids of the tasks whose journals are kept, in order
journals() {
	for _d in "$TOP"/[0-9]*; do
		[ -d "$_d" ] && echo "${_d##*/}"
	done | sort -n | tr '\n' ' '
}
fake_reply '{"text":"Nothing to change.","usage":{"input":900,"output":5}}'
run_llm "do" -m test-cheap -q --json "look around"
check_rc "a task with old journals about: exit 0" 0
task=$(json_get "$T/out" task_id)
check_eq "the task's own, the 19 newest, and the one to undo stay; the rest go" "$(journals)" \
    "$(echo "$task" 105 $(seq 106 124) | tr ' ' '\n' | sort -n | tr '\n' ' ')"
check "what is not a task's journal is left alone" test -d "$TOP/notes"
check_eq "llm undo still undoes the last task that changed files" "$(cat "$TOP/last")" 105
touch -d "@$((now - 31 * 86400))" "$TOP/124"
fake_reply '{"text":"Nothing to change.","usage":{"input":900,"output":5}}'
run_llm "do" -m test-cheap -q --json "look again"
task2=$(json_get "$T/out" task_id)
check_eq "a journal older than 30 days goes even among the newest" "$(journals)" \
    "$(echo "$task" "$task2" 105 $(seq 106 123) | tr ' ' '\n' | sort -n | tr '\n' ' ')"
run_llm undo
check_eq "and llm undo undoes the old task it kept" "$ERR" "llm: undo: task 105 (llm logs --task 105 shows it)"

# --- usage -----------------------------------------------------------------------
run_llm undo --help
check_rc "llm undo --help: exit 0" 0
check_contains "llm undo --help says what it does" "$OUT" "usage: llm undo"
check_contains "llm undo --help gives its exit codes" "$OUT" "exit 1 then. Nothing to undo, or a task
another llm still runs (it is named): exit 2."
run_llm undo now
check_rc "llm undo with an argument: exit 2" 2

[ "$T_FAIL" -eq 0 ]
