#!/bin/sh
# protect: llm keeps keys out of core files and away from ptrace from its
# first instruction on, since a key_env key is in its environment already.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'

# Core files allowed, so that a limit of 0 can only be llm's doing.
# shellcheck disable=SC3045 # dash and bash both have ulimit -c and -H
ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"
# Whether llm is dumpable shows in who owns its /proc files: root when it is
# not. So as root, llm runs as nobody (and may read its files).
as=
uid=$(id -u)
if [ "$uid" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	as="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	uid=65534
	chmod 755 "$T" "$LLM_CONFIG_DIR" "$HOME"
	chmod 644 "$LLM_CONFIG_DIR/config.ini"
	chmod 777 "$LLM_DATA_DIR"
fi

# llm waits on its stdin (the material) before it reads any key: the key is
# only in the environment, and this is the moment to look at it.
mkfifo "$T/in"
$as "$LLM_BIN" -q -t cheap "summarise" <"$T/in" >"$T/out" 2>"$T/err" &
pid=$!
exec 3>"$T/in"
# reading: pipe_read, or anon_pipe_read on newer kernels
reading() {
	case $(cat "/proc/$pid/wchan" 2>/dev/null) in *pipe_read) return 0 ;; esac
	return 1
}
i=0
while [ "$i" -lt 500 ] && ! reading; do
	i=$((i + 1))
	sleep 0.01
done
check "llm waits on its stdin" reading
# shellcheck disable=SC3045
if [ "$(ulimit -H -c)" = 0 ]; then
	ok "no core file while the key is only in the environment # skip: core files are off here"
else
	check_eq "no core file while the key is only in the environment" \
	    "$(sed -n 's/^Max core file size *\([^ ]*\) *\([^ ]*\).*/\1 \2/p' "/proc/$pid/limits")" "0 0"
fi
if [ "$uid" != 0 ]; then
	check_eq "not dumpable while the key is only in the environment (its /proc is root's)" \
	    "$(stat -c %u "/proc/$pid/status")" 0
else
	ok "not dumpable while the key is only in the environment # skip: root without setpriv"
fi
printf 'the material\n' >&3
exec 3>&-
wait "$pid"
check_eq "then the request goes out as usual" "$? $(cat "$T/out")" "0 ok"
check_contains "with the material" "$(fake_last body.messages.-1.content)" "the material"
echo "# $T_PASS passed, $T_FAIL failed"
[ "$T_FAIL" -eq 0 ]
