# ledger_faults: llm.db on a full disk or where llm may not write: exit 2,
# nothing sent, and a message that says what to do rather than SQLite's words.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

case $(uname -m) in
x86_64) nr=18 ;;   # pwrite64
aarch64) nr=68 ;;
*) nr= ;;
esac
if [ -z "$nr" ]; then
	echo "# skip: no pwrite64 number for $(uname -m): a full disk is not simulated"
	exit 0
fi

# $T/fullMIN ARGS...: llm ARGS where SQLite's writes (pwrite64) of more than MIN
# bytes fail with ENOSPC, as on a full disk: full0, every write (the one-byte
# writes that grow the shared-memory file when the database opens); full1, the
# writes of pages (the open goes through, the first write of a request fails).
for min in 0 1; do
	t_seccomp "full$min" "load the call's number; pwrite64 of more than $min bytes -> ENOSPC; else allow" \
	    "[(0x20, 0, 0, 0), (0x15, 0, 3, $nr), (0x20, 0, 0, 32), (0x25, 0, 1, $min),
        (0x06, 0, 0, 0x00050000 | 28), (0x06, 0, 0, 0x7fff0000)]"
done
if ! "$T_PY" -I -S "$T/full0.py" /bin/true 2>"$T/full.err"; then
	echo "# skip: a seccomp filter cannot be set here: $(cat "$T/full.err")"
	exit 0
fi

real_llm=$LLM_BIN
fake_default '{"text":"Hello"}'
run_llm -q "hi"
check_rc "a first request makes llm.db" 0
n=$(fake_count)

# the disk fills between two requests: the reservation cannot be written
LLM_BIN="$T/full1" run_llm -q "hi"
check_rc "full disk at the reservation: exit 2" 2
check_contains "full disk at the reservation: says what to do" "$ERR" \
    "reserve: database or disk is full; no space is left on its disk: free some (df -h shows where)"
check_contains "full disk at the reservation: says nothing was sent" "$ERR" "; nothing was sent"
check_eq "full disk at the reservation: nothing sent" "$(fake_count)" "$n"

# llm do: the task's row cannot be written; the cause is said, not dropped
t_sum_repo "$T/repo"
cd "$T/repo" || exit 1
LLM_BIN="$T/full1" run_llm "do" "fix the test"
check_rc "full disk at a task's start: exit 2" 2
check_contains "full disk at a task's start: why, and what to do" "$ERR" \
    "llm: do: ledger: $LLM_DATA_DIR/llm.db: cannot record the task: database or disk is full; no space is left on its disk: free some (df -h shows where)"
check_eq "full disk at a task's start: nothing sent" "$(fake_count)" "$n"
cd "$T" || exit 1

# full when llm.db opens
LLM_BIN="$T/full0" run_llm -q "hi"
check_rc "full disk at the open: exit 2" 2
check_contains "full disk at the open: says what to do" "$ERR" \
    "no space is left on its disk: free some (df -h shows where)"
check_eq "full disk at the open: nothing sent" "$(fake_count)" "$n"
LLM_BIN="$T/full0" run_llm usage
check_rc "full disk: llm usage exits 2" 2
check_contains "full disk: llm usage says what to do" "$ERR" \
    "llm: usage: $LLM_DATA_DIR/llm.db: disk I/O error; no space is left on its disk"

# llm.db on a read-only file system: a read-only bind mount in a mount
# namespace of the test's own (a file's mode does not stop root)
printf 'mount --bind "%s" "%s" && mount -o remount,bind,ro "%s" || exit 99\nexec "%s" -q hi\n' \
    "$LLM_DATA_DIR" "$LLM_DATA_DIR" "$LLM_DATA_DIR" "$real_llm" >"$T/ro.sh"
if [ "$(id -u)" = 0 ]; then ns=-m; else ns=-rm; fi
unshare "$ns" sh "$T/ro.sh" >"$T/out" 2>"$T/err"
RC=$?
ERR=$(cat "$T/err")
if [ "$RC" = 99 ] || grep -q '^unshare:' "$T/err"; then
	echo "# skip: no mount namespace here ($ERR): a read-only llm.db is not tested"
else
	check_rc "read-only llm.db: exit 2" 2
	check_contains "read-only llm.db: says what to do" "$ERR" \
	    "attempt to write a readonly database; llm must write to it: make the file and its directory writable, or point LLM_DATA_DIR at a directory llm can write; nothing was sent"
	check_eq "read-only llm.db: nothing sent" "$(fake_count)" "$n"
fi
