# lib.sh: shared helpers for the script tests (POSIX sh, sourced by tests/sh/*.sh).
#
# A test file looks like:
#
#	. "${LLM_TOP:-.}/tests/lib.sh"
#	t_setup
#	fake_reply '{"text":"Hi there"}'
#	run_llm -q "say hi"
#	check_eq "exit code" "$RC" 0
#	check_eq "answer" "$OUT" "Hi there"
#	check_eq "model sent" "$(fake_last body.model)" test-cheap-1
#
# The runner sets LLM_BIN (the binary) and LLM_TOP (the repository root).
# Every check prints "ok - NAME" or "not ok - NAME" (the reason on the next
# line); the runner counts those lines.

: "${LLM_TOP:=$(pwd)}"
: "${LLM_BIN:=$LLM_TOP/build/llm}"
export LLM_TOP LLM_BIN

# The interpreter itself, not a version-manager shim, started isolated and
# without site packages: the helpers need only the standard library, and this
# starts in a fraction of the time.
T_PY=$(python3 -I -S -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -n "$T_PY" ] && [ -x "$T_PY" ] || T_PY=python3
export T_PY

# A test never uses the terminal it was started from: llm asks on /dev/tty
# (llm do's approvals, whatever stdout and stderr are), and a question there
# would wait for the person running the tests. Started with a controlling
# terminal, the test runs again without one, in the same process group, so
# that Ctrl-C still stops it; tests that want a terminal make their own.
if [ -z "${LLM_TEST_NO_TTY:-}" ] && (: </dev/tty) 2>/dev/null; then
	LLM_TEST_NO_TTY=1 exec "$T_PY" -I -S -c '
import fcntl, os, sys, termios
if os.getsid(0) != os.getpid():
    fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    fcntl.ioctl(fd, termios.TIOCNOTTY)
    os.close(fd)
os.execvp(sys.argv[1], sys.argv[1:])' sh "$0"
fi

# t_py ARGS...: run python3 (standard library only) quickly and isolated from
# PYTHON* variables; use it for any Python a test needs.
t_py() {
	"$T_PY" -I -S "$@"
}

T=
RC=
OUT=
ERR=
FAKE_PID=
FAKE_URL=
T_DEFER=
T_PASS=0
T_FAIL=0

# Python used by fake_last, fake_get and json_get: walk a dotted path
# (list indices are numbers, negative from the end) through a JSON value and
# print it: strings as they are, anything else as compact JSON. A missing
# field prints nothing and exits 1.
_T_PY_GET='
import json, sys
def walk(v, path):
    for k in path.split(".") if path else []:
        if isinstance(v, list):
            v = v[int(k)]
        elif isinstance(v, dict):
            v = v[k]
        else:
            raise KeyError(k)
    return v
mode = sys.argv[1]
try:
    if mode == "doc":
        with open(sys.argv[2], "rb") as f:
            v = json.loads(f.read().decode("utf-8", "surrogateescape"))
        v = walk(v, sys.argv[3])
    else:
        with open(sys.argv[2], "rb") as f:
            lines = [l for l in f.read().decode("utf-8", "surrogateescape").split("\n") if l.strip()]
        v = walk(json.loads(lines[int(sys.argv[3])]), sys.argv[4])
except (KeyError, IndexError, ValueError, TypeError) as e:
    sys.stderr.write("no such field: %s\n" % e)
    sys.exit(1)
if not isinstance(v, str):
    v = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
sys.stdout.buffer.write(v.encode("utf-8", "surrogateescape") + b"\n")
'

# t_setup: make $T, isolate HOME/XDG/LLM dirs and the environment, start the
# fake provider (exporting FAKE_URL), write $LLM_CONFIG_DIR/config.ini pointing
# the built-in providers at it, and export test keys. Installs t_cleanup on
# EXIT. Stdin becomes /dev/null, so commands never wait on the terminal; a
# test that wants input redirects it (see run_llm_in). Set T_KEEP_DBUS=1 before
# calling to keep DBUS_SESSION_BUS_ADDRESS (keyring tests run inside their
# own session bus); otherwise it is unset so no real keyring is reached.
t_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/llm-test.XXXXXX") || {
		echo "not ok - t_setup: cannot make a temp dir"
		exit 1
	}
	export T
	if [ ! -c /dev/null ]; then
		# Something replaced the device with a file: every redirection to it lies.
		echo "not ok - /dev/null is not a character device"
	fi
	trap t_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	exec </dev/null

	export HOME="$T/home"
	export XDG_CONFIG_HOME="$HOME/.config"
	export XDG_DATA_HOME="$HOME/.local/share"
	export XDG_STATE_HOME="$HOME/.local/state"
	export XDG_CACHE_HOME="$HOME/.cache"
	export XDG_RUNTIME_DIR="$T/run"
	mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"

	# Anything named LLM_* but the runner's two could change the client.
	for _v in $(env | sed -n 's/^\(LLM_[A-Za-z0-9_]*\)=.*/\1/p'); do
		case $_v in LLM_BIN|LLM_TOP) ;; *) unset "$_v" ;; esac
	done
	export LLM_CONFIG_DIR="$T/config"
	export LLM_DATA_DIR="$T/data"
	mkdir -p "$LLM_CONFIG_DIR" "$LLM_DATA_DIR"

	unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY GOOGLE_API_KEY \
	    DEEPSEEK_API_KEY OPENROUTER_API_KEY GROQ_API_KEY MISTRAL_API_KEY \
	    TOGETHER_API_KEY TOGETHER_AI_API_KEY FIREWORKS_API_KEY XAI_API_KEY \
	    OLLAMA_API_KEY OLLAMA_HOST OPENAI_BASE_URL ANTHROPIC_BASE_URL
	# libcurl honours proxy variables; loopback must never go through one.
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
	export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
	[ "${T_KEEP_DBUS:-}" = 1 ] || unset DBUS_SESSION_BUS_ADDRESS
	unset NO_COLOR CLICOLOR CLICOLOR_FORCE EDITOR VISUAL
	export TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8

	t_fake_start
	t_write_config
	export OPENAI_API_KEY=sk-test-openai-0001
	export ANTHROPIC_API_KEY=sk-ant-test-0002
	export GEMINI_API_KEY=gm-test-0003
	[ -n "${T_TEAM_PG:-}" ] && t_team_db
}

# t_ledger_sql SQL: run SQL on the test's ledger and print the rows ('|'
# between fields): SQLite's llm.db, or with a team ledger its PostgreSQL
# database (schema llm; "pragma integrity_check" is SQLite's alone: "ok").
# Write queries both engines read alike (CAST(estimated AS int) for a flag).
t_ledger_sql() {
	if [ -z "${LLM_DATABASE:-}" ]; then
		sqlite3 -cmd '.timeout 5000' "$LLM_DATA_DIR/llm.db" "$1"
	elif [ "$1" = "pragma integrity_check" ]; then
		echo ok
	else
		# shellcheck disable=SC2086 # three words: socket directory, port, bin directory
		set -- "$1" $T_TEAM_PG
		"$4/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$LLM_DATABASE" \
		    -c "SET search_path = llm" -c "$1"
	fi
}

# t_ledger_reset: start again from an empty ledger (and no team budget).
t_ledger_reset() {
	rm -f "$LLM_DATA_DIR/llm.db" "$LLM_DATA_DIR/llm.db-wal" "$LLM_DATA_DIR/llm.db-shm"
	[ -z "${LLM_DATABASE:-}" ] ||
	    t_ledger_sql "TRUNCATE llm.usage, llm.totals; UPDATE llm.teams SET budget_pico = 0" >/dev/null
}

# db_get SQL ARGS...: one value from the SQLite ledger, the ARGS (whole
# numbers) bound to the ?s of SQL.
db_get() {
	t_py -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute(sys.argv[2], [int(a) for a in sys.argv[3:]]).fetchone()[0])' "$LLM_DATA_DIR/llm.db" "$@"
}

# t_budget USD ACTION: set the monthly budget and budget_action: in config.ini,
# or with a team ledger the team's budget in its database.
t_budget() {
	if [ -n "${LLM_DATABASE:-}" ]; then
		"$LLM_BIN" budget set "$1" >/dev/null || echo "not ok - t_budget: llm budget set $1"
		sed -i "s/^budget = 0/budget_action = $2/" "$LLM_CONFIG_DIR/config.ini"
	else
		sed -i "s/^budget = 0/budget = $1\nbudget_action = $2/" "$LLM_CONFIG_DIR/config.ini"
	fi
}

# t_team_db: with T_TEAM_PG="SOCKET_DIR PORT BIN_DIR" (a cluster started by
# tests/pg_lib.sh; tests/sh/team_suite.sh sets it), put this test's ledger in a
# database of its own there: LLM_DATABASE points at it, its schema made.
t_team_db() {
	# shellcheck disable=SC2086 # three words: socket directory, port, bin directory
	set -- $T_TEAM_PG
	_db="t$(basename "$T" | tr -dc 'a-zA-Z0-9' | tr '[:upper:]' '[:lower:]')"
	"$3/createdb" -h "$1" -p "$2" -U llm "$_db" || {
		echo "not ok - t_team_db: createdb $_db"
		exit 1
	}
	export LLM_DATABASE="postgresql:///$_db?host=$1&port=$2&user=llm"
	"$LLM_BIN" ledger init >/dev/null || {
		echo "not ok - t_team_db: llm ledger init"
		exit 1
	}
	# Rows a test seeds with SQLite's columns alone get the labels llm gives its
	# own: a row key, the team, this user, the month in the team's time zone.
	t_ledger_sql "CREATE FUNCTION llm.test_seed() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
 NEW.row_key := coalesce(NEW.row_key, 'seed-' || NEW.id);
 NEW.team := coalesce(NEW.team, (SELECT team FROM llm.teams ORDER BY team LIMIT 1));
 NEW.\"user\" := coalesce(NEW.\"user\", '$(id -un)');
 NEW.month := coalesce(NEW.month, llm.month_of((SELECT timezone FROM llm.teams
  WHERE team = NEW.team), NEW.time));
 RETURN NEW;
END \$\$;
CREATE TRIGGER test_seed BEFORE INSERT ON llm.usage FOR EACH ROW
 EXECUTE FUNCTION llm.test_seed();" >/dev/null || {
		echo "not ok - t_team_db: the seed trigger"
		exit 1
	}
}

# t_fake_start: start the fake provider on a free loopback port and wait
# (polling its port file, at most 10 s) until it listens; sets FAKE_PID and
# exports FAKE_URL. Called by t_setup.
t_fake_start() {
	rm -f "$T/fake.port"
	: >"$T/fake.log"
	t_py "$LLM_TOP/tests/fake_provider.py" --port-file "$T/fake.port" \
	    --log "$T/fake.log" 2>"$T/fake.stderr" &
	FAKE_PID=$!
	_i=0
	while [ ! -s "$T/fake.port" ]; do
		if ! kill -0 "$FAKE_PID" 2>/dev/null; then
			echo "not ok - fake provider did not start"
			sed 's/^/# /' "$T/fake.stderr"
			exit 1
		fi
		_i=$((_i + 1))
		if [ "$_i" -gt 1000 ]; then
			echo "not ok - fake provider not listening after 10 s"
			exit 1
		fi
		sleep 0.01
	done
	FAKE_URL="http://127.0.0.1:$(cat "$T/fake.port")"
	export FAKE_URL
}

# t_write_config: write the standard test config.ini (four test models on the
# fake, one per wire format, with known prices). Called by t_setup; call it
# again to undo t_config_append.
t_write_config() {
	cat >"$LLM_CONFIG_DIR/config.ini" <<EOF
[llm]
tier = auto
budget = 0
escalate = no

[provider.openai]
base_url = $FAKE_URL/v1
[provider.anthropic]
base_url = $FAKE_URL/v1
[provider.gemini]
base_url = $FAKE_URL/v1beta
[provider.ollama]
base_url = $FAKE_URL

$(t_model test-cheap openai test-cheap-1 cheap 0.10 0.40 'cached_input_price = 0.025' 'context = 128000')

$(t_model test-mid anthropic test-mid-1 mid 3 15 'cached_input_price = 0.30' 'context = 200000')

$(t_model test-frontier gemini test-frontier-1 frontier 5 25 'cached_input_price = 0.50' 'context = 1000000')

$(t_model test-local ollama llama3.2 cheap 0 0 'context = 32768')

[tier.cheap]
models = test-cheap, test-local
[tier.mid]
models = test-mid
[tier.frontier]
models = test-frontier
EOF
}

# check_golden NAME FILE [CHECK]: FILE matches tests/golden/NAME.txt
# (UPDATE_GOLDEN=1 rewrites that first); the check is called CHECK, by default
# "golden: NAME".
check_golden() {
	_g="$LLM_TOP/tests/golden/$1.txt"
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$2" "$_g"
		echo "# wrote tests/golden/$1.txt"
	fi
	if cmp -s "$_g" "$2"; then
		ok "${3:-golden: $1}"
	else
		not_ok "${3:-golden: $1}" "$(diff -u "$_g" "$2" 2>&1 | head -40)"
	fi
}

# t_png FILE: write a PNG of 2x3 red pixels to FILE.
t_png() {
	t_py - "$1" <<'PY'
import struct, sys, zlib
def chunk(t, b):
    return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
raw = b"".join(b"\0" + b"\xff\0\0" * 2 for _ in range(3))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 3, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
}

# t_model NAME PROVIDER ID TIER INPUT OUTPUT [LINE...]: print a [model.NAME]
# section for config.ini: model ID of PROVIDER, on TIER, at INPUT and OUTPUT
# dollars a million tokens, then each "key = value" LINE given.
t_model() {
	printf '[model.%s]\nprovider = %s\nid = %s\ntier = %s\ninput_price = %s\noutput_price = %s\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6"
	shift 6
	[ $# -eq 0 ] || printf '%s\n' "$@"
}

# t_dead_model PROVIDER MODEL API: print a config.ini provider speaking API at
# an address where nothing listens (no key needed) and a cheap model MODEL on it.
t_dead_model() {
	printf '[provider.%s]\napi = %s\nbase_url = http://127.0.0.1:9/v1\nrequires_key = no\n' "$1" "$3"
	t_model "$2" "$1" dead-1 cheap 1 1
}

# t_config_append TEXT: append TEXT (one or more lines) to config.ini.
t_config_append() {
	printf '%s\n' "$1" >>"$LLM_CONFIG_DIR/config.ini"
}

# t_defer CMD: run the shell command CMD in t_cleanup (last registered runs
# first), e.g. t_defer 'tmux -S "$T/tmux.sock" kill-server'. Use it instead
# of a trap of your own, which would replace t_setup's.
t_defer() {
	T_DEFER="$1
$T_DEFER"
}

# t_cleanup: run the t_defer commands, stop the fake provider (TERM, then
# wait for it) and remove $T; installed as the EXIT trap by t_setup. Set
# T_KEEP=1 to keep $T for a look. Anything the fake printed on stderr
# (tracebacks) is shown as # lines.
t_cleanup() {
	if [ -n "$T_DEFER" ]; then
		_d=$T_DEFER
		T_DEFER=
		eval "$_d"
	fi
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
		FAKE_PID=
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -s "$T/fake.stderr" ]; then
			sed 's/^/# fake: /' "$T/fake.stderr"
		fi
		if [ "${T_KEEP:-}" = 1 ]; then
			echo "# kept $T"
		else
			rm -rf "$T"
		fi
	fi
}

# ok NAME: report a passing test.
ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok - $1"
}

# not_ok NAME [WHY]: report a failing test, WHY (any lines) below it as # lines.
not_ok() {
	T_FAIL=$((T_FAIL + 1))
	echo "not ok - $1"
	if [ $# -gt 1 ]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

# check NAME CMD [ARGS...]: run CMD (output kept in $T/check.out); ok if it
# exits 0, else not ok with its exit code and the start of its output.
check() {
	_name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then
		ok "$_name"
	else
		_rc=$?
		not_ok "$_name" "exit $_rc: $*
$(head -c 2000 "$T/check.out")"
	fi
}

# check_eq NAME GOT WANT: ok if the two strings are equal.
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got:  '$2'
want: '$3'"
	fi
}

# check_contains NAME HAYSTACK NEEDLE: ok if NEEDLE occurs in HAYSTACK (literally).
check_contains() {
	case $2 in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "'$3' not found in:
$(printf '%s' "$2" | head -c 2000)" ;;
	esac
}

# check_not_contains NAME HAYSTACK NEEDLE: ok if NEEDLE does not occur in HAYSTACK.
check_not_contains() {
	case $2 in
	*"$3"*) not_ok "$1" "'$3' found in:
$(printf '%s' "$2" | head -c 2000)" ;;
	*) ok "$1" ;;
	esac
}

# check_rc NAME WANT: ok if the last run_llm exited with WANT ($RC); else shows stderr.
check_rc() {
	if [ "$RC" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "exit code $RC, want $2; stderr:
$(head -c 2000 "$T/err")"
	fi
}

# run_llm ARGS...: run "$LLM_BIN" ARGS with stdout in $T/out, stderr in
# $T/err; sets RC (exit code), OUT and ERR (the two, trailing newlines
# stripped). Stdin is the caller's (/dev/null after t_setup unless redirected
# or piped). A run over $RUN_TIMEOUT seconds (default 60) is killed (RC 124).
run_llm() {
	if command -v timeout >/dev/null 2>&1; then
		if timeout -k 5 "${RUN_TIMEOUT:-60}" "$LLM_BIN" "$@" >"$T/out" 2>"$T/err"; then
			RC=0
		else
			RC=$?
		fi
	elif "$LLM_BIN" "$@" >"$T/out" 2>"$T/err"; then
		RC=0
	else
		RC=$?
	fi
	# shellcheck disable=SC2034 # OUT and ERR are read by the test scripts
	OUT=$(cat "$T/out")
	# shellcheck disable=SC2034
	ERR=$(cat "$T/err")
}

# t_wait CMD [ARGS...]: run CMD every 10 ms until it succeeds, at most
# $T_WAIT seconds (default 10); returns 0 once it has, 1 on timeout. Use it
# instead of sleeping, e.g. t_wait grep -q Hello "$T/out".
t_wait() {
	_tw=0
	_tw_max=$((${T_WAIT:-10} * 100))
	while ! "$@" >/dev/null 2>&1; do
		_tw=$((_tw + 1))
		[ "$_tw" -le "$_tw_max" ] || return 1
		sleep 0.01
	done
}

# t_gone PID: whether process PID is gone; t_group_gone PGID: whether no process of group
# PGID is left. A zombie waiting for an init that does not reap is dead already. (Not
# kill -0: it counts zombies, and dash's kill takes no --, so kill -0 -- -PGID always fails.)
t_gone() {
	[ -n "$1" ] && ! ps -o stat= -p "$1" | grep -qv '^Z'
}
t_group_gone() {
	[ -n "$1" ] && ! ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/' | grep -q .
}

# run_llm_in TEXT ARGS...: run_llm ARGS with TEXT (no newline added) on
# stdin. Prefer it (or run_llm ARGS <FILE) to a pipe: `printf x | run_llm`
# runs run_llm in a subshell, which loses RC, OUT and ERR.
run_llm_in() {
	printf '%s' "$1" >"$T/in"
	shift
	run_llm "$@" <"$T/in"
}

# _fake_post WHAT [DATA]: POST DATA to the fake's /_control/WHAT; a rejected
# spec is reported as a failed test.
_fake_post() {
	_data=${2-}
	[ -n "$_data" ] || _data='{}'
	if ! curl -sS --noproxy '*' -o "$T/fake.ctl" -w '%{http_code}' \
	    -H 'content-type: application/json' --data-binary "$_data" \
	    "$FAKE_URL/_control/$1" >"$T/fake.code" 2>&1 ||
	    [ "$(cat "$T/fake.code")" != 200 ]; then
		not_ok "fake $1 accepted" "HTTP $(cat "$T/fake.code"): $(cat "$T/fake.ctl" 2>/dev/null)"
		return 1
	fi
}

# fake_reply JSON: queue a reply spec (or a JSON array of them) for the next
# model request(s). See the top of tests/fake_provider.py for the fields.
fake_reply() {
	_fake_post reply "$1"
}

# fake_default JSON: set the reply used when the queue is empty.
fake_default() {
	_fake_post default "$1"
}

# fake_reset: clear the reply queue, the default reply and the request log.
fake_reset() {
	_fake_post reset '{}'
}

# fake_pending: print how many queued replies were not consumed yet.
fake_pending() {
	curl -sS --noproxy '*' "$FAKE_URL/_control/pending" |
	    t_py -c 'import json,sys; print(json.load(sys.stdin)["queued"])'
}

# fake_requests: print every recorded request as one JSON array.
fake_requests() {
	curl -sS --noproxy '*' "$FAKE_URL/_control/requests"
	echo
}

# fake_wait_count N: wait (t_wait rules) until the fake has recorded at
# least N requests; returns 1 on timeout.
fake_wait_count() {
	t_wait _fake_has "$1"
}
_fake_has() {
	[ "$(fake_count)" -ge "$1" ]
}

# fake_count: print the number of requests recorded since start or fake_reset.
fake_count() {
	grep -c . "$T/fake.log" || true
}

# fake_get INDEX FIELD_PATH: print a field of recorded request INDEX (0 is the
# first, -1 the last), e.g. fake_get 0 body.messages.0.content. Fields:
# method, path, query.NAME, headers.NAME (lower case), body..., format, time.
fake_get() {
	t_py -c "$_T_PY_GET" log "$T/fake.log" "$1" "$2"
}

# fake_last FIELD_PATH: print a field of the last recorded request, e.g.
# fake_last body.model, fake_last headers.authorization; objects and arrays
# as compact JSON; exits 1 (printing nothing) when the field is missing.
fake_last() {
	fake_get -1 "$1"
}

# json_get FILE PATH: print a field of the JSON document in FILE (same path
# rules as fake_last; an empty PATH prints the whole document compactly).
json_get() {
	t_py -c "$_T_PY_GET" doc "$1" "$2"
}

# t_dbus_session ARG TOOL...: run this test inside a private D-Bus session
# with a throw-away HOME, XDG dirs and runtime dir, so that no user keyring or
# bus is touched. Call it first, with the script's "${1:-}". In the outer run
# (ARG is not "inner") it checks for dbus-run-session and each TOOL (skipped,
# or failed under CI=true, when one is missing), runs "sh $0 inner" under
# dbus-run-session, prints that run's results and exits with its status. In
# the inner run it returns, with what follows going to the results (what the
# bus and the daemons it starts print goes to a log apart, so that a daemon's
# stray line never runs into an "ok").
t_dbus_session() {
	if [ "$1" = inner ]; then
		exec >"$KR_ROOT/results" 2>&1
		return 0
	fi
	shift
	for _tool in dbus-run-session "$@"; do
		if ! command -v "$_tool" >/dev/null 2>&1; then
			if [ "${CI:-}" = true ]; then
				echo "not ok - keyring tools: $_tool is not installed (scripts/deps.sh installs it)"
				exit 1
			fi
			echo "# skip: $_tool is not installed (scripts/deps.sh installs it); keyring not tested"
			exit 0
		fi
	done
	# The bus daemon, and any keyring daemon it starts on demand, must see the
	# throw-away HOME too: set it before the session exists.
	KR_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/llm-keyring.XXXXXX") || exit 1
	export KR_ROOT
	_kr_home
	mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
	unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
	dbus-run-session -- sh "$0" inner >"$KR_ROOT/bus.log" 2>&1
	_rc=$?
	cat "$KR_ROOT/results" 2>/dev/null || cat "$KR_ROOT/bus.log"
	rm -rf "$KR_ROOT"
	exit "$_rc"
}

# _kr_home: HOME, the XDG dirs and the runtime dir of t_dbus_session's session.
_kr_home() {
	export HOME="$KR_ROOT/home" XDG_RUNTIME_DIR="$KR_ROOT/run"
	export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
	export XDG_CACHE_HOME="$HOME/.cache" XDG_STATE_HOME="$HOME/.local/state"
}

# t_keyring_setup: in t_dbus_session's inner run, after T_KEEP_DBUS=1 t_setup:
# back to the HOME the session bus was started with (llm's own dirs stay in
# $T); no key variables, so the keyring is the only source unless a check says
# otherwise; no display, so no prompt window can appear (the prompter fails at
# once, headless). GLib and libsecret lose a few allocations of their own when
# a Secret Service prompt fails: a leak-checking build must not count those
# against llm. The runner's own suppressions are kept: the last wins.
t_keyring_setup() {
	_kr_home
	unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY LLM_TEST_WORK_KEY
	unset DISPLAY WAYLAND_DISPLAY GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
	_supp=$(printf '%s' "${LSAN_OPTIONS:-}" | tr ':' '\n' | sed -n 's/^suppressions=//p' | tail -n 1)
	{
		[ -n "$_supp" ] && cat "$_supp" 2>/dev/null
		printf 'leak:libglib-2.0.so\nleak:libgio-2.0.so\nleak:libgobject-2.0.so\nleak:libsecret-1.so\n'
	} >"$T/lsan.supp"
	export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$T/lsan.supp"
}

# t_keyring_start: in t_keyring_setup's session, start gnome-keyring-daemon
# on the private bus and wait for its default collection.
t_keyring_start() {
	eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets 2>>"$T/daemon.log")"
	t_wait _kr_ready
}
_kr_ready() {
	dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
	    org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null |
	    grep -q 'collection/login'
}

# on_pty OUT ARGS...: run llm ARGS with stdout on a new pseudo-terminal (stdin
# /dev/null, stderr in $T/err); everything the terminal received goes to OUT,
# byte for byte. Sets RC. (tests/pty_run.py puts all three on a terminal of a
# given size, for the TUI.)
on_pty() {
	_out=$1
	shift
	if t_py - "$_out" "$T/err" "$LLM_BIN" "$@" <<'PY'; then RC=0; else RC=$?; fi
import os, pty, subprocess, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.environ["LLM_TOP"], "tests"))
from pty_run import read_all
out, err, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
master, slave = pty.openpty()
with open(err, "wb") as e:
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=e)
data = read_all(master, lambda: p.poll() is not None)
os.close(slave)
rc = p.wait(timeout=60)
with open(out, "wb") as f:
    f.write(data)
sys.exit(rc)
PY
}

# on_pty_answer OUT PROMPT KEYS [PROMPT KEYS]... -- ARGS...: run llm ARGS in
# the current directory on a new pseudo-terminal (stdin, stdout and stderr all
# on it) and type each KEYS (\r for Enter) once its PROMPT shows after the one
# answered before; what the terminal showed goes to OUT, CRLF made LF. Sets RC.
# With PTY_STDIN=FILE, stdin is FILE instead (the terminal stays the controlling one).
on_pty_answer() {
	_out=$1
	shift
	if t_py - "$_out" "$LLM_BIN" "$@" <<'PY'; then RC=0; else RC=$?; fi
import os, pty, sys, time
out_path, llm = sys.argv[1], sys.argv[2]
sep = sys.argv.index("--")
words = sys.argv[3:sep]
answers = [(words[i].encode(), words[i + 1].replace("\\r", "\r").encode())
           for i in range(0, len(words), 2)]
pid, fd = pty.fork()
if pid == 0:
    if os.environ.get("PTY_STDIN"):
        os.dup2(os.open(os.environ["PTY_STDIN"], os.O_RDONLY), 0)
    os.execvp(llm, [llm] + sys.argv[sep + 1:])
out, seen, end = b"", 0, time.time() + 60
while time.time() < end:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    while answers and out.find(answers[0][0], seen) >= 0:
        seen = out.find(answers[0][0], seen) + len(answers[0][0])
        os.write(fd, answers.pop(0)[1])
# a program that never ends fails the test, it does not hang the suite
stop = time.time() + 30
while True:
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.time() > stop:
        os.kill(pid, 9)
        _, st = os.waitpid(pid, 0)
        break
    time.sleep(0.02)
with open(out_path, "w") as f:
    f.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
sys.exit(os.waitstatus_to_exitcode(st))
PY
}

# t_need_landlock: set abi to the kernel's Landlock ABI; end the test,
# skipped, on a kernel without Landlock (commands cannot be confined there).
t_need_landlock() {
	abi=$(t_py -c 'import ctypes; print(ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1))')
	if [ "${abi:--1}" -le 0 ]; then
		echo "# skip: the kernel has no Landlock: commands cannot be confined here"
		echo "# $T_PASS passed, $T_FAIL failed"
		exit 0
	fi
}

# t_seccomp NAME WHAT CODE: write $T/NAME.py, which runs the command it is
# given under a seccomp filter (CODE: Python (code, jt, jf, k) tuples of classic
# BPF; WHAT says what it does), and $T/NAME, which runs $LLM_BIN so.
t_seccomp() {
	cat >"$T/$1.py" <<PY
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
# $2
code = $3
filt = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in code))
class Prog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
prog = Prog(len(code), ctypes.addressof(filt))
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(prog), 0, 0) != 0:
    sys.exit("$1: seccomp: " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
PY
	printf '#!/bin/sh\nexec "%s" -I -S "%s" "%s" "$@"\n' "$T_PY" "$T/$1.py" "$LLM_BIN" >"$T/$1"
	chmod +x "$T/$1"
}

# t_without_calls NAME LO HI: t_seccomp NAME with system calls LO to HI failing
# with ENOSYS, as on a kernel without them.
t_without_calls() {
	t_seccomp "$1" "load the call's number; $2 to $3 -> ENOSYS; else allow" \
	    "[(0x20, 0, 0, 0), (0x35, 0, 2, $2), (0x35, 1, 0, $(($3 + 1))),
        (0x06, 0, 0, 0x00050000 | 38), (0x06, 0, 0, 0x7fff0000)]"
}

# t_ctrl_c_key_command SETUP ARG...: run $LLM_BIN ARG... with openai's key from a
# key_command that runs SETUP, then sleeps (its pid in $T/asked), and press
# Ctrl-C (SIGINT to the whole group, as a terminal does) once the sleep runs;
# then RC and ERR (stdout and stderr in $T/out, $T/err), as run_llm sets them.
t_ctrl_c_key_command() {
	_setup=$1
	shift
	t_config_append "[provider.openai]
key_command = echo \$\$ >'$T/asked'; $_setup exec sleep 30"
	rm -f "$T/asked"
	(unset OPENAI_API_KEY; t_py - "$T/asked" "$LLM_BIN" "$@" >"$T/out" 2>"$T/err" <<'PY'
import os, signal, subprocess, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)   # as a terminal's foreground job has it
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, start_new_session=True)
# once the command is the sleep (its shell exec'd it): a shell between two commands
# waits for the first and goes on if it exited, so a signal then would miss the second
end = time.time() + 20
def asking():
    try:
        with open(sys.argv[1]) as f, open("/proc/%d/comm" % int(f.read())) as c:
            return c.read().strip() == "sleep"
    except (OSError, ValueError):
        return False
while not asking() and time.time() < end:
    time.sleep(0.01)
os.killpg(p.pid, signal.SIGINT)                # Ctrl-C: the whole foreground group
sys.exit(p.wait(timeout=15))
PY
	echo $? >"$T/kc.rc")
	RC=$(cat "$T/kc.rc")
	# shellcheck disable=SC2034 # ERR is read by the test scripts
	ERR=$(cat "$T/err")
}

# t_one_step DIR ALLOW CALL: a task in DIR whose one step is the tool call CALL
# (JSON), under --allow ALLOW, with no terminal to ask (setsid); then RC, ERR,
# and the model's next request, what the step told it, in $sent.
t_one_step() {
	fake_reset
	fake_reply "{\"calls\":[$3]}"
	fake_reply '{"text":"Done."}'
	cd "$1" || exit 1
	if setsid -w "$LLM_BIN" "do" -m test-cheap --allow "$2" "set up" >"$T/out" 2>"$T/err"; then
		RC=0
	else
		RC=$?
	fi
	# shellcheck disable=SC2034 # ERR and sent are read by the test scripts
	ERR=$(cat "$T/err")
	cd - >/dev/null || exit 1
	check_rc "the task ends (exit 0)" 0
	# shellcheck disable=SC2034
	sent=$(fake_get 1 body.messages.-1.content)
}

# t_valgrind_llm DIR WHAT ASAN: make DIR/llm, which runs $LLM_BIN under
# valgrind, writing DIR/log.PID only for a memory error or a definite leak.
# If ASAN is not empty (llm built with AddressSanitizer) or valgrind is not
# installed, say that WHAT is skipped and exit 0 instead.
t_valgrind_llm() {
	if [ -n "$3" ]; then
		echo "# skip: $2: llm is built with AddressSanitizer (make check-asan), which valgrind cannot run"
		exit 0
	fi
	if ! command -v valgrind >/dev/null 2>&1; then
		echo "# skip: $2: valgrind is not installed"
		exit 0
	fi
	mkdir -p "$1"
	cat >"$1/llm" <<WRAP
#!/bin/sh
exec valgrind --quiet --leak-check=full --show-leak-kinds=definite \\
    --errors-for-leak-kinds=definite --log-file="$1/log.%p" "$LLM_BIN" "\$@"
WRAP
	chmod +x "$1/llm"
}

# t_valgrind_tests MIN TEST...: the script tests tests/sh/TEST.sh again, with
# every llm process under valgrind (its checks named "valgrind TEST: ..."),
# then check_valgrind over at least MIN processes. The tests are split over
# several files so that they run side by side.
t_valgrind_tests() {
	_vg_min=$1
	shift
	VG=$(mktemp -d "${TMPDIR:-/tmp}/llm-vg.XXXXXX")
	trap 'rm -rf "$VG"' EXIT
	t_valgrind_llm "$VG" "valgrind" "${LLM_ASAN:-}"
	for _vg_t in "$@"; do
		T_VALGRIND=1 RUN_TIMEOUT=120 LLM_BIN="$VG/llm" sh "$LLM_TOP/tests/sh/$_vg_t.sh" 2>&1 |
		    sed -e "s/^ok - /ok - valgrind $_vg_t: /" -e "s/^not ok - /not ok - valgrind $_vg_t: /" |
		    grep -v '^# fake'
	done
	check_valgrind "$VG" "$_vg_min" "llm processes"
}

# check_valgrind DIR MIN WHAT: DIR holds at least MIN logs of t_valgrind_llm's
# wrapper (one a process: WHAT counts them) and none reports a memory error or
# a definite leak; else not ok with the start of each log that does.
check_valgrind() {
	_runs=$(find "$1" -name 'log.*' 2>/dev/null | wc -l)
	# with --quiet valgrind writes nothing unless it found an error or a definite leak
	_bad=$(grep -l -E 'definitely lost|Invalid|uninitialised|Mismatched|overlap|ERROR SUMMARY: [1-9]' \
	    "$1"/log.* 2>/dev/null)
	if [ "$_runs" -ge "$2" ] && [ -z "$_bad" ]; then
		ok "valgrind: $_runs $3, no errors, no definite leaks"
	else
		not_ok "valgrind: $_runs $3 checked" "$(for _f in $_bad; do head -40 "$_f"; done)"
	fi
}

# t_frontier_model: print a [tier.frontier] of one frontier model on the fake,
# with round prices, for config.ini: the usage tests work their figures out by
# hand with it.
t_frontier_model() {
	printf '[tier.frontier]\nmodels = test-frontier\n\n'
	t_model test-frontier openai test-frontier-1 frontier 15 75 \
	    'cached_input_price = 1.5' 'cache_write_price = 18.75'
}

# t_seed_december: the month the usage charts draw, December 2026 to the
# 10th, into the test's ledger (which llm has created; t_ledger_sql): 20c of
# cheap every day, $1.50 of mid on every day but the weekend of the 5th, and a
# $6 frontier burst on Tuesday the 8th; $20 in 20 requests.
t_seed_december() {
	_dec=$(date -u -d '2026-12-01 00:00:00' +%s)
	t_ledger_sql "
WITH RECURSIVE n(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM n WHERE d < 9)
INSERT INTO usage (time, provider, model, tier, route_mode, input_tokens, output_tokens,
  cost_pico, estimated, status)
SELECT $_dec + d * 86400 + 32400, 'deepseek', 'deepseek-v4-flash', 'cheap', 'auto', 250000,
  30000, 200000000000, false, 'ok' FROM n
UNION ALL SELECT $_dec + d * 86400 + 39600, 'anthropic', 'claude-sonnet-4-6', 'mid', 'auto',
  300000, 25000, 1500000000000, false, 'ok' FROM n WHERE d NOT IN (4, 5)
UNION ALL SELECT $_dec + 7 * 86400 + 57600, 'anthropic', 'claude-opus-4-6', 'frontier',
  'pinned', 500000, 60000, 6000000000000, false, 'ok';"
}

# t_git_repo DIR: a fresh repository at DIR (branch main, a test identity, no
# signing) with one commit of a README; cd into it and set R to DIR.
t_git_repo() {
	R=$1
	git init -q "$R" && cd "$R" || exit 1
	git symbolic-ref HEAD refs/heads/main
	git config user.name "Test User"
	git config user.email test@example.com
	git config commit.gpgsign false
	printf 'hello\n' >README
	git add README
	git commit -q -m "initial" --no-verify
}

# t_november: a fixed clock (LLM_NOW) at noon UTC on 16 November 2026.
t_november() {
	LLM_NOW=$(date -u -d '2026-11-16 12:00:00' +%s)
	export LLM_NOW
}

# t_tmux: for a test on a real terminal: fail at once without tmux, else a tmux
# server of the test's own (socket $SOCK, driven with tm), killed at cleanup,
# and no ~/.inputrc for readline to read.
t_tmux() {
	if ! command -v tmux >/dev/null 2>&1; then
		not_ok "tmux: installed (DESIGN.md: tests use tmux)"
		exit 1
	fi
	SOCK="$T/tmux.sock"
	export INPUTRC=/dev/null
	t_defer 'tm kill-server 2>/dev/null'
}

# tm ARGS...: tmux ARGS on the test's own server.
tm() {
	tmux -S "$SOCK" -f /dev/null "$@"
}

# wait_pane SESSION TEXT: poll the pane (at most 15 s) until TEXT shows
# (wrapped lines joined); returns 1 if it never does.
wait_pane() {
	_i=0
	while ! tm capture-pane -p -J -t "$1" 2>/dev/null | grep -qF -- "$2"; do
		_i=$((_i + 1))
		[ "$_i" -le 750 ] || return 1
		sleep 0.02
	done
}

# check_pane NAME SESSION TEXT: wait for TEXT, ok or not ok with the pane.
check_pane() {
	if wait_pane "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1" "'$3' not on the screen:
$(tm capture-pane -p -J -t "$2" 2>&1)"
	fi
}

# check_restored NAME SESSION: after llm in SESSION ended, and the pane's shell
# saved the terminal's modes in $T/SESSION.stty and printed MODES-SAVED: the
# terminal is back in cooked mode with echo, out of the alternate screen.
check_restored() {
	if wait_pane "$2" MODES-SAVED; then
		_m=$(cat "$T/$2.stty")
		case " $_m " in
		*" -icanon "* | *" -echo "*) not_ok "$1: cooked mode and echo" "$_m" ;;
		*" icanon "*" echo "*) ok "$1: cooked mode and echo" ;;
		*) not_ok "$1: cooked mode and echo" "$_m" ;;
		esac
		check_eq "$1: alternate screen left" "$(tm display -p -t "$2" '#{alternate_on}')" 0
	else
		not_ok "$1: llm ended" "$(tm capture-pane -p -t "$2")"
	fi
}

# t_sum_repo DIR [--no-test]: a fresh git repository at DIR (whatever was there
# removed), one commit of a failing test: sum.sh subtracts where test.sh wants a
# sum; with --no-test, sum.sh alone.
t_sum_repo() {
	rm -rf "${1:?}"
	mkdir -p "$1"
	(
		cd "$1" || exit 1
		git init -q .
		printf '#!/bin/sh\necho $(( $1 - $2 ))\n' >sum.sh
		[ "${2:-}" = --no-test ] ||
		    printf '#!/bin/sh\n[ "$(sh sum.sh 2 3)" = 5 ] && echo PASS || { echo FAIL; exit 1; }\n' >test.sh
		git add . && git -c user.email=t@t -c user.name=t commit -qm init
	)
}

# t_cache_on N: a fixed clock (LLM_NOW), the fake's prompt cache on at it, and
# $T/big.c, a C table of the numbers below N, long enough to be worth caching.
t_cache_on() {
	LLM_NOW=1790000000
	export LLM_NOW
	fake_cache "{\"on\":true,\"now\":$LLM_NOW}"
	t_py -c 'import sys; print("static int table[] = {" + ", ".join(str(i) for i in range(int(sys.argv[1]))) + "};")' \
	    "$1" >"$T/big.c"
}

# fake_cache JSON: set the fake's prompt cache, e.g. fake_cache '{"on":true,"now":1700000000}'
# (see the top of tests/fake_provider.py); the reply (settings and entries) is in $T/fake.ctl.
fake_cache() {
	_fake_post cache "$1"
}
