# transport.sh: what a request may carry where: no key over plain http:// to
# another host unless the provider allows it, a word when a proxy sees it, a cap
# on what a reply may bring and a deadline on how long it may take.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# A keyed provider at a plain http:// address that is not this machine: refused
# before anything is sent (the address is not reachable: nothing may try it).
t_config_append "[provider.remote]
api = openai
base_url = http://192.0.2.10:8080/v1
key_env = REMOTE_KEY
$(t_model remote-model remote remote-1 cheap 0.1 0.2)"
export REMOTE_KEY=sk-remote-secret-0001
run_llm -q -m remote-model "hello"
check_rc "plain http to another host: exit 2" 2
check_contains "plain http to another host: says why" "$ERR" "unencrypted"
check_contains "plain http to another host: names the setting" "$ERR" "allow_insecure = yes"
check_not_contains "plain http to another host: the key is not shown" "$ERR" "sk-remote-secret"
check_eq "plain http to another host: nothing sent" "$(fake_count)" 0

# Loopback is fine: the standard test config uses http://127.0.0.1 with keys.
fake_reply '{"text":"loopback ok"}'
run_llm -q -m test-cheap "hello"
check_rc "plain http to loopback: exit 0" 0
check_eq "plain http to loopback: answer" "$OUT" "loopback ok"
check_not_contains "plain http to loopback: no proxy note" "$ERR" "proxy"

# allow_insecure = yes: sent, here through an http_proxy (the fake acts as the
# proxy), and the proxy is named as a reader of the key.
t_write_config
t_config_append "[provider.remote]
api = openai
base_url = http://remote.example:8080/v1
key_env = REMOTE_KEY
allow_insecure = yes
$(t_model remote-model remote remote-1 cheap 0.1 0.2)"
fake_reply '{"text":"through the proxy"}'
http_proxy=$FAKE_URL run_llm -q -m remote-model "hello"
check_rc "allow_insecure: exit 0" 0
check_eq "allow_insecure: answer" "$OUT" "through the proxy"
check_eq "allow_insecure: went to the named host" "$(fake_last headers.host)" "remote.example:8080"
check_contains "allow_insecure via proxy: noted" "$ERR" 'the key goes unencrypted to the proxy in $http_proxy'
check_not_contains "allow_insecure via proxy: the proxy's address is not shown" "$ERR" "$FAKE_URL"
run_llm config show
check_contains "allow_insecure: shown by config show" "$OUT" "allow_insecure = yes"
t_write_config

# A reply over max_reply: stopped there with exit 1, the partial answer kept,
# the ledger row estimated. 25 pieces of 100 kB against a 1 MiB cap.
t_config_append "[llm]
max_reply = 1"
t_py -c 'import json; print(json.dumps({"chunks": ["x" * 100000] * 25, "usage": {"input": 10, "output": 5}}))' >"$T/big.json"
fake_reset
fake_reply "@$T/big.json"
run_llm -q -m test-cheap "hello"
check_rc "over max_reply: exit 1" 1
check_contains "over max_reply: says so" "$ERR" "passed 1 MiB (max_reply); stopped (the partial answer was kept)"
len=$(wc -c <"$T/out")
if [ "$len" -gt 500000 ] && [ "$len" -le 1048576 ]; then
	ok "over max_reply: partial answer kept ($len bytes)"
else
	not_ok "over max_reply: partial answer kept" "stdout has $len bytes"
fi
check_eq "over max_reply: ledger row estimated, error" \
    "$(sqlite3 "$LLM_DATA_DIR/llm.db" "select estimated, status from usage order by id desc limit 1")" "1|error"
check_eq "over max_reply: not retried" "$(fake_count)" 1
run_llm config check
check_rc "max_reply = 1: valid" 0
t_config_append "[llm]
max_reply = 0"
run_llm config check
check_rc "max_reply = 0: refused" 2
t_write_config

# A server that keeps sending is given up at the deadline: exit 1, the
# partial answer kept, not tried again.
t_config_append "[llm]
deadline = 2"
fake_reset
fake_reply '{"text":"a reply that trickles on and on and on and on and on and on and on and on and on and on","fault":"slow","delay_ms":300}'
start=$(date +%s%N)
run_llm -q -m test-cheap "hello"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
check_rc "deadline: exit 1" 1
check_contains "deadline: says so" "$ERR" "took longer than the deadline of 2 s"
check_contains "deadline: partial answer kept" "$OUT" "a reply that"
if [ "$ms" -ge 1900 ] && [ "$ms" -lt 5000 ]; then ok "deadline: given up after about 2 s ($ms ms)"; else not_ok "deadline: given up after about 2 s" "took $ms ms"; fi
check_eq "deadline: not retried" "$(fake_count)" 1
run_llm config show
check_contains "deadline: shown by config show" "$OUT" "deadline = 2"
t_write_config
