# unreachable: a server that cannot be reached (nothing listens, or its name
# never resolves) is marked for the request: other models on it are skipped,
# not retried; once one server is unreachable and none has answered, the next
# get one try each; when no server of the tier could be reached, one line
# says the network is down (exit 1). A live server still answers as before.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# dead-1 and dead-2: nothing listens on port 9 of loopback (connection
# refused), two providers on that one server; nowhere-1: a name under .invalid,
# which never resolves, on no network or any
dead_config() {
	t_write_config
	t_config_append "[provider.deada]
api = openai
base_url = http://127.0.0.1:9/v1
requires_key = no
[provider.deadb]
api = ollama
base_url = http://127.0.0.1:9
requires_key = no
[provider.nowhere]
api = anthropic
base_url = http://llm-test.invalid:8080/v1
requires_key = no
$(t_model dead-1 deada dead-1 cheap 1 1)
$(t_model dead-2 deadb dead-2 cheap 1 1)
$(t_model nowhere-1 nowhere nowhere-1 cheap 1 1)"
	sed -i "s/^models = test-cheap, test-local\$/models = $1/" "$LLM_CONFIG_DIR/config.ini"
}

rows() {
	t_ledger_sql "SELECT model || ':' || status || ':' || cost_pico || ':' || CAST(estimated AS int)
	    FROM usage ORDER BY id" | tr '\n' ' '
}

# --- two models on one dead server: the second is skipped, not retried
dead_config "dead-1, dead-2"
run_llm -q -t cheap "what is a mutex"
check_rc "one dead server: exit 1" 1
check_eq "one dead server: its first model tried three times" \
    "$(grep -c 'dead-1: .*retrying' "$T/err")" 2
check_not_contains "one dead server: the second model not tried" "$ERR" "trying dead-2"
check_not_contains "one dead server: the second model not retried" "$ERR" "dead-2: "
check_contains "one dead server: the second said skipped" "$ERR" \
    "llm: fallback: dead-1 failed (could not reach 127.0.0.1:9); not tried, server unreachable: dead-2"
check_contains "one dead server: the server's failure, as with one model" "$ERR" \
    "deada: network error: Failed to connect to 127.0.0.1 port 9"
check_eq "one dead server: four lines" "$(wc -l <"$T/err")" 4
check_eq "one dead server: one row, exact \$0" "$(rows)" "dead-1:error:0:0 "
check_eq "one dead server: nothing sent to the fake" "$(fake_count)" 0

# --- a dead server, then a live one: the live one answers
t_ledger_reset
dead_config "dead-1, dead-2, test-cheap"
fake_reply '{"text":"A lock."}'
run_llm -q -t cheap "what is a mutex"
check_rc "dead then live: exit 0" 0
check_eq "dead then live: the answer" "$OUT" "A lock."
check_contains "dead then live: the fallback skips the dead server's other model" "$ERR" \
    "llm: fallback: dead-1 failed (could not reach 127.0.0.1:9); trying test-cheap (skipped, server unreachable: dead-2)"
check_eq "dead then live: one request to the live server" "$(fake_count)" 1
check_eq "dead then live: the failed try at \$0 exact, then the answer" \
    "$(rows | sed 's/test-cheap:ok:[0-9]*:0/test-cheap:ok/')" "dead-1:error:0:0 test-cheap:ok "

# --- every server dead: one try for the second, one line says the network is down
t_ledger_reset
dead_config "dead-1, nowhere-1, dead-2"
run_llm -q -t cheap "what is a mutex"
check_rc "no network: exit 1 (llm(1): provider or network failure)" 1
check_eq "no network: only the first server retried" "$(grep -c 'retrying' "$T/err")" 2
check_not_contains "no network: the unresolvable server tried once" "$ERR" "nowhere-1: "
check_contains "no network: the second server's failure in the fallback line" "$ERR" \
    "llm: fallback: dead-1 failed (could not reach 127.0.0.1:9); trying nowhere-1"
check_eq "no network: the last line says so, naming the servers" "$(tail -n 1 "$T/err")" \
    "llm: no network: could not reach 127.0.0.1:9, llm-test.invalid:8080; check the connection, or a proxy (HTTPS_PROXY) if one is needed"
check_not_contains "no network: no other tier suggested" "$ERR" "another tier"
check_not_contains "no network: dead-2 never tried" "$ERR" "trying dead-2"
check_eq "no network: four lines" "$(wc -l <"$T/err")" 4
check_eq "no network: a row for each try's model, exact \$0" "$(rows)" \
    "dead-1:error:0:0 nowhere-1:error:0:0 "

# --json carries the same error
run_llm -q -t cheap --json "what is a mutex"
check_rc "no network, --json: exit 1" 1
check_contains "no network, --json: the error" "$OUT" "no network: could not reach 127.0.0.1:9"

# llm cmd goes through the same fallback: the same line, in its words
run_llm cmd --print -t cheap "list files"
check_rc "no network, llm cmd: exit 1" 1
check_eq "no network, llm cmd: one try for the second server" "$(grep -c 'retrying' "$T/err")" 2
check_contains "no network, llm cmd: said once, at the end" "$(tail -n 1 "$T/err")" \
    "llm: cmd: no network: could not reach 127.0.0.1:9, llm-test.invalid:8080;"

# the proxy these http:// servers go through is named; one for https:// alone is not theirs
http_proxy=http://127.0.0.1:9 run_llm -q -t cheap "what is a mutex"
check_contains "no network, a proxy set: it is named" "$(tail -n 1 "$T/err")" \
    "check the connection and the proxy in \$http_proxy"
https_proxy=http://127.0.0.1:9 run_llm -q -t cheap "what is a mutex"
check_not_contains "no network, https_proxy set: not named for http:// servers" \
    "$(tail -n 1 "$T/err")" "https_proxy"

# --- a server that takes no connection within the stall limit (its listen
# queue full, so its SYNs go unanswered): a connect timeout, no stall of a
# reply; unreachable like a refused connection, each try settled at $0 exact
t_ledger_reset
printf '%s\n' 'import socket, time' \
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)' \
    'fill = [socket.socket() for _ in range(4)]' \
    'for c in fill:' \
    '    c.setblocking(False)' \
    '    try: c.connect(s.getsockname())' \
    '    except BlockingIOError: pass' \
    'time.sleep(0.2)' \
    'print(s.getsockname()[1], flush=True)' \
    'time.sleep(120)' >"$T/hole.py"
python3 "$T/hole.py" >"$T/hole.port" &
HOLE=$!
t_defer "kill $HOLE 2>/dev/null"
i=0
while [ ! -s "$T/hole.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
dead_config "dead-1, hole-1"
t_config_append "[provider.hole]
api = openai
base_url = http://127.0.0.1:$(cat "$T/hole.port")/v1
requires_key = no
$(t_model hole-1 hole hole-1 cheap 1 1)"
sed -i 's/^\[llm\]$/[llm]\ntimeout = 1/' "$LLM_CONFIG_DIR/config.ini"
run_llm -q -t cheap "what is a mutex"
check_rc "no connection in time: exit 1" 1
check_not_contains "no connection in time: no stalled reply" "$ERR" "no data for"
check_eq "no connection in time: both servers unreachable, no network" \
    "$(tail -n 1 "$T/err" | cut -d';' -f1)" \
    "llm: no network: could not reach 127.0.0.1:9, 127.0.0.1:$(cat "$T/hole.port")"
check_eq "no connection in time: the second server tried once" \
    "$(grep -c 'hole-1: .*retrying' "$T/err")" 0
check_eq "no connection in time: each try at \$0 exact" "$(rows)" \
    "dead-1:error:0:0 hole-1:error:0:0 "

# --- a server that answers, even with an error, is no dead server: retried and fallen back as ever
t_ledger_reset
dead_config "test-cheap, dead-1"
fake_reset
fake_default '{"status":503,"message":"busy"}'
run_llm -q -t cheap "what is a mutex"
check_rc "answered, then dead: exit 1" 1
check_eq "answered, then dead: the live server tried three times" "$(fake_count)" 3
check_eq "answered, then dead: the dead server gets its tries too" \
    "$(grep -c 'dead-1: .*retrying' "$T/err")" 2
check_not_contains "answered, then dead: not called no network" "$ERR" "no network"

echo "# $T_PASS passed, $T_FAIL failed"
