# The full-screen client, driven headless: a provider's failures say what to do in the client's own words.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup
# one model on the cheap tier: a failure there has nowhere to fall back to
sed -i 's/^models = test-cheap, test-local$/models = test-cheap/' "$LLM_CONFIG_DIR/config.ini"

# 500 on every try: the retries shown, then the failure with the way to another tier here
fake_reset
fake_reply '{"status":500}'
fake_reply '{"status":500}'
fake_reply '{"status":500}'
tui_ok "500" e <<S
:type /tier cheap
:key Enter
:type hello
:key Enter
:wait-idle
:dump-screen $T/e0
S
check_screen "500: retries shown" e0 "test-cheap: HTTP 500; retrying in"
check_screen "500: the failure said" e0 "openai: HTTP 500 after 3 tries"
check_screen "500: another tier with the client's command" e0 "another tier with /tier"
check_not_screen "500: no command-line option" e0 "with -t"
check_eq "500: ledger rows are errors" "$(sql "select group_concat(status) from usage")" "error"

# a server that is down: after the tries, where to look and the way to another tier here
t_config_append "$(t_dead_model deadend dead openai)"
tui_ok "down" d 250x30 <<S
:type /model dead
:key Enter
:type anyone there
:key Enter
:wait-idle
:dump-screen $T/d0
S
check_screen "down: the failure said" d0 "deadend: network error: Failed to connect"
check_screen "down: where to look" d0 "after 3 tries; check that the server at http://127.0.0.1:9/v1"
check_screen "down: another tier with the client's command" d0 "or use another tier with /tier"

# 429 asking for an hour: failed at once, the wait said, and the client's way out
fake_reply '{"status":429,"retry_after":"3600"}'
tui_ok "429" r <<S
:type /tier cheap
:key Enter
:type hello again
:key Enter
:wait-idle
:dump-screen $T/r0
S
check_screen "429: the wait said" r0 "the server asks to wait"
check_screen "429: another tier with the client's command" r0 "(or use another tier with /tier)"
check_not_screen "429: no command-line option" r0 "with -t"

# a retry waiting out a 429: the rule says the reply is awaited, with no token count yet
fake_reply '{"status":429,"retry_after_ms":"1500"}'
fake_reply '{"text":"at last"}'
tui_ok "wait" w <<S
:type /tier cheap
:key Enter
:type one more
:key Enter
:wait-text waiting for the reply
:dump-screen $T/w0
:wait-text at last
:dump-screen $T/w1
S
check_screen "retry wait: waiting for the reply" w0 "waiting for the reply"
check_not_screen "retry wait: no count of tokens not yet come" w0 "~0 tok"
check_screen "retry wait: then the reply" w1 "at last"

# the one-shot command line keeps its own option in the same advice
fake_reply '{"status":429,"retry_after":"3600"}'
run_llm -t cheap "hello from the shell"
check_contains "cli 429: names -t" "$ERR" "(or use another tier with -t)"

# a reply cut short says what to do next: ask again, or one tier up with the key that does it
fake_reply '{"text":"a reply that the server will cut","fault":"cut"}'
tui_ok "cut" k 250x30 <<S
:type /tier cheap
:key Enter
:type cut me off
:key Enter
:wait-idle
:dump-screen $T/k0
S
check_screen "cut: the next step" k0 "the reply was cut short: transfer closed with outstanding read data remaining (the partial answer was kept); ask it again, or one tier up with F4"
fake_reply '{"text":"","fault":"empty"}'
fake_reply '{"text":"","fault":"empty"}'
fake_reply '{"text":"","fault":"empty"}'
tui_ok "cut at the top" f 250x30 <<S
:type /tier frontier
:key Enter
:type cut me off
:key Enter
:wait-idle
:dump-screen $T/f0
S
check_screen "cut at the top: ask again, no tier above" f0 "the reply was cut short before any answer; ask it again"
check_not_screen "cut at the top: no tier above offered" f0 "one tier up with"

echo "# $T_PASS passed, $T_FAIL failed"

# a failed first message leaves no conversation (none in the title, none to
# resume); the next message starts one of its own, titled by it, under an id
# of its own (1 stays with the failed request in the team's ledger)
rm -f "$DB" "$DB-wal" "$DB-shm"
fake_reset
fake_reply '{"status":401}'
fake_reply '{"text":"now it works"}'
tui_ok "first fails" f <<S
:type first fails
:key Enter
:wait-idle
:dump-screen $T/f0
:type second works
:key Enter
:wait-text now it works
:wait-idle
:dump-screen $T/f1
S
check_screen "failed first message: the failure said" f0 "rejected the key"
check_not_contains "failed first message: no conversation in the title" "$(sed -n 1p "$T/f0")" \
    "conversation 1"
check_eq "failed first message: the next one's conversation alone" \
    "$(sql "select group_concat(id || ':' || title) from conversations")" "2:second works"
check_contains "failed first message: the next one's conversation in the title" \
    "$(sed -n 1p "$T/f1")" "conversation 2"
check_eq "failed first message: both requests in the ledger" \
    "$(sql "select group_concat(status || ':' || coalesce(conversation_id, '-')) from (select * from usage order by id)")" \
    "error:-,ok:2"
