#!/bin/sh
# team_dns.sh: the team database's host name is looked up under the same
# deadline as the connection. A name server that never answers holds no
# command for long: the ledger counts as unreachable, as a server that does
# not answer does (block refuses, exit 3). A name that resolves still connects
# under that name, so ~/.pgpass entries for it (and TLS's check) still apply.
# A name given by a connection service file (service=, PGSERVICE) is looked up
# the same way.
# waits: each lookup is given up at the connection's deadline (most of its time).
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
. "$LLM_TOP/tests/pg_lib.sh"
pg_start
export LLM_DATABASE="$PG_URL"
run_llm ledger init
check_rc "ledger init" 0
fake_default '{"text":"ok"}'
rows() { psql_q "select count(*) from llm.usage $1"; }
sed -i 's/^budget = 0$/budget = 0\nbudget_action = block/' "$LLM_CONFIG_DIR/config.ini"

# Over TCP the server wants a password; the only one is in a .pgpass entry
# for the name localhost, which matches only if libpq is told that name.
psql_q "ALTER ROLE llm PASSWORD 'pw-llm'" >/dev/null
sed -i '1i host all all 127.0.0.1/32 scram-sha-256' "$PG_DIR/data/pg_hba.conf" &&
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" reload >/dev/null 2>&1
printf 'localhost:%s:llm:llm:pw-llm\n' "$PG_PORT" >"$T/pgpass"
chmod 600 "$T/pgpass"
export PGPASSFILE="$T/pgpass"
LLM_DATABASE="postgresql://localhost:$PG_PORT/llm?user=llm" run_llm -q -m test-cheap "by name"
check_rc "a host name that resolves connects" 0
check_eq "  its row is on the server" "$(rows "where status = 'ok' and not offline")" 1

# A service's settings outrank the environment's (PGHOST names a host that
# does not exist) and yield to the connection string's, as in libpq.
cat >"$T/pg_service.conf" <<EOF
# the team's ledger
[team]
host=localhost
port=$PG_PORT
dbname=llm
user=nobody
EOF
PGHOST=ledger.llm-test.invalid PGSERVICEFILE="$T/pg_service.conf" \
    LLM_DATABASE="service=team user=llm" run_llm -q -m test-cheap "by service"
check_rc "a service's host name connects" 0
check_eq "  its row is on the server" "$(rows "where status = 'ok' and not offline")" 2
PGSERVICEFILE="$T/pg_service.conf" LLM_DATABASE="service=nosuch" \
    run_llm -q -m test-cheap "no such service"
check_rc "a service that does not exist: block refuses" 3
check_contains "  in libpq's words" "$ERR" 'definition of service "nosuch" not found'

# A name server that swallows every query: in a network and mount namespace
# of its own, resolv.conf names a loopback socket that reads and never answers.
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:5\n' >"$T/resolv.conf"
cat >"$T/swallow.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
s.settimeout(0.2)
parent = os.getppid()
open(sys.argv[1], "w").write("up")
while os.getppid() == parent:
    try:
        s.recvfrom(4096)
    except socket.timeout:
        pass
PY
cat >"$T/deaf-dns" <<EOF
#!/bin/sh
ip link set lo up && mount --bind "$T/resolv.conf" /etc/resolv.conf || exit 97
rm -f "$T/dns.up"
"$T_PY" -I -S "$T/swallow.py" "$T/dns.up" &
i=0
while [ ! -s "$T/dns.up" ] && [ \$i -lt 500 ]; do sleep 0.01; i=\$((i + 1)); done
exec "$LLM_BIN" "\$@"
EOF
chmod +x "$T/deaf-dns"
cat >"$T/in-ns" <<EOF
#!/bin/sh
exec unshare -rmn "$T/deaf-dns" "\$@"
EOF
chmod +x "$T/in-ns"
if ! unshare -rmn sh -c "ip link set lo up && mount --bind '$T/resolv.conf' /etc/resolv.conf" \
    >/dev/null 2>&1; then
	echo "ok - # SKIP a deaf name server needs unshare -rmn and ip (user namespaces)"
	[ "$T_FAIL" -eq 0 ]
	exit
fi
_t0=$(date +%s)
LLM_BIN="$T/in-ns" RUN_TIMEOUT=60 LLM_DATABASE="postgresql://ledger.llm-test.invalid/llm?user=llm" \
    run_llm -q -m test-cheap "the name server never answers"
SECS=$(($(date +%s) - _t0))
check_rc "a name server that never answers: block refuses" 3
check_contains "  saying the team ledger is unreachable" "$ERR" "team ledger unreachable"
check_contains "  and why" "$ERR" 'could not translate host name "ledger.llm-test.invalid"'
check "  once the connection's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  and the request reached no provider" "$(fake_count)" 2

# The same name from a service: in the file PGSERVICEFILE names, then in the
# system-wide pg_service.conf (PGSYSCONFDIR), the service named by PGSERVICE.
printf '[team]\nhost=ledger.llm-test.invalid\ndbname=llm\n' >"$T/deaf_service.conf"
mkdir -p "$T/etc" && cp "$T/deaf_service.conf" "$T/etc/pg_service.conf"
_t0=$(date +%s)
PGSERVICEFILE="$T/deaf_service.conf" LLM_BIN="$T/in-ns" RUN_TIMEOUT=60 \
    LLM_DATABASE="service=team user=llm" run_llm -q -m test-cheap "a service's name"
SECS=$(($(date +%s) - _t0))
check_rc "a service's host name, no answer: block refuses" 3
check_contains "  and why" "$ERR" 'could not translate host name "ledger.llm-test.invalid"'
check "  once the connection's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
_t0=$(date +%s)
PGSERVICE=team PGSYSCONFDIR="$T/etc" LLM_BIN="$T/in-ns" RUN_TIMEOUT=60 \
    LLM_DATABASE="user=llm" run_llm -q -m test-cheap "PGSERVICE's name"
SECS=$(($(date +%s) - _t0))
check_rc "PGSERVICE's host name, no answer: block refuses" 3
check_contains "  and why" "$ERR" 'could not translate host name "ledger.llm-test.invalid"'
check "  once the connection's deadline is up (${SECS} s)" [ "$SECS" -lt 20 ]
check_eq "  and no request reached a provider" "$(fake_count)" 2

# A host of a list whose name cannot be looked up is passed over for the others, as libpq
# does (a standby's name gone from DNS): where no name server listens, a lookup fails at
# once. The socket directory is reachable from the namespace; the fake provider is not.
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:5\n' >"$T/resolv-refused.conf"
cat >"$T/in-ns-refused" <<EOF
#!/bin/sh
exec unshare -rmn sh -c 'ip link set lo up && mount --bind "$T/resolv-refused.conf" \\
    /etc/resolv.conf && exec "$LLM_BIN" "\$@"' sh "\$@"
EOF
chmod +x "$T/in-ns-refused"
for list in "ledger.llm-test.invalid,$PG_DIR" "$PG_DIR,ledger.llm-test.invalid"; do
	LLM_BIN="$T/in-ns-refused" RUN_TIMEOUT=60 \
	    LLM_DATABASE="host=$list port=$PG_PORT dbname=llm user=llm" run_llm budget
	check_eq "a host list with a name that is not found ($list): the other host answers" \
	    "$RC $ERR" "0 "
done
LLM_BIN="$T/in-ns-refused" RUN_TIMEOUT=60 LLM_DATABASE="host=ledger.llm-test.invalid,nosuch.llm-test.invalid port=$PG_PORT dbname=llm user=llm" \
    run_llm budget
check_rc "a host list none of whose names is found: unreachable" 1
check_contains "  saying why, in libpq's words" "$ERR" \
    'could not translate host name "ledger.llm-test.invalid" to address'
[ "$T_FAIL" -eq 0 ]
