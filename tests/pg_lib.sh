# pg_lib.sh: a throw-away PostgreSQL cluster for the team ledger's tests (POSIX sh).
#
# Source it after tests/lib.sh and t_setup:
#
#	. "${LLM_TOP:-.}/tests/pg_lib.sh"
#	pg_start                 # or skips the whole file when no server can be had
#	export LLM_DATABASE="$PG_URL"
#
# pg_start makes a cluster with initdb in a temporary directory owned by an
# unprivileged user (the current one, or "nobody" when run as root: the server
# refuses to run as root), listening on a random loopback port with its socket
# in that directory, and stops and removes it at exit. PG_URL connects as the
# cluster's superuser "llm" through the socket; pg_url ROLE makes the same for
# another role. psql_q SQL runs one statement as the superuser and prints the
# rows unaligned.

PG_BIN=
PG_DIR=
PG_PORT=
PG_URL=
PG_RUNAS=

# pg_find: set PG_BIN to the newest server's bin directory; 1 when there is none.
pg_find() {
	PG_BIN=
	for _d in /usr/lib/postgresql/*/bin; do
		[ -x "$_d/initdb" ] && [ -x "$_d/pg_ctl" ] && PG_BIN=$_d
	done
	[ -z "$PG_BIN" ] && command -v initdb >/dev/null 2>&1 &&
	    PG_BIN=$(dirname "$(command -v initdb)")
	[ -n "$PG_BIN" ]
}

# pg_as CMD...: run a server program as the cluster's owner.
pg_as() {
	if [ -n "$PG_RUNAS" ]; then
		runuser -u "$PG_RUNAS" -- "$@"
	else
		"$@"
	fi
}

# pg_start: make and start the cluster; exits the test with a skip message when
# the server binaries are missing and cannot be installed.
pg_start() {
	if ! pg_find; then
		# As root on Debian, install them as `make deps` would.
		[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1
		if ! pg_find; then
			echo "ok - # SKIP PostgreSQL server binaries (Debian: postgresql) are not installed and cannot be"
			exit 0
		fi
	fi
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/llm-pg.XXXXXX") || {
		echo "not ok - pg_start: cannot make a temp dir"
		exit 1
	}
	if [ "$(id -u)" -eq 0 ]; then
		PG_RUNAS=nobody
		chown nobody "$PG_DIR"
	fi
	chmod 755 "$PG_DIR"
	t_defer pg_stop
	PG_PORT=$(t_py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U llm --auth=trust -E UTF8 \
	    --no-locale >"$PG_DIR/initdb.log" 2>&1; then
		echo "not ok - initdb failed"
		sed 's/^/# /' "$PG_DIR/initdb.log"
		exit 1
	fi
	pg_up || exit 1
	PG_URL="postgresql:///llm?host=$PG_DIR&port=$PG_PORT&user=llm"
	pg_as "$PG_BIN/createdb" -h "$PG_DIR" -p "$PG_PORT" -U llm llm >/dev/null 2>&1
	export PG_URL PG_DIR PG_PORT
}

# pg_up: start the server (again); 1 with the log when it does not come up.
pg_up() {
	if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
	    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
	    start >/dev/null 2>&1; then
		echo "not ok - PostgreSQL did not start"
		sed 's/^/# /' "$PG_DIR/server.log"
		return 1
	fi
}

# pg_down: stop the server now (immediate: as a crash or a network cut looks).
pg_down() {
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
}

# pg_stop: stop the server and remove the cluster (deferred by pg_start).
pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	[ -f "$PG_DIR/data/postmaster.pid" ] && pg_down
	rm -rf "$PG_DIR"
	PG_DIR=
}

# pg_url ROLE: a connection string for ROLE on the test cluster.
pg_url() {
	echo "postgresql:///llm?host=$PG_DIR&port=$PG_PORT&user=$1"
}

# psql_q SQL [ROLE]: run SQL as ROLE (the superuser by default); rows unaligned, '|' between fields.
psql_q() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" \
	    -U "${2:-llm}" -d llm -c "$1"
}
