#!/bin/sh
# reply_window: the reply cap sent and reserved is what the context window leaves after the prompt.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# Two models with an 8,000-token window, in no tier: pinned only.
add_models() {
	t_config_append "$(t_model test-win openai test-win-1 cheap 1 2 'context = 8000')"
	t_config_append "$(t_model test-wina anthropic test-wina-1 mid 3 15 'context = 8000')"
}
add_models

# A window is filled at the estimate (a quarter token a character) and a fifth more, and 32
# tokens for the request's framing: what a prompt estimated at $1 tokens takes of one.
win() {
	echo $(($1 + ($1 + 4) / 5 + 32))
}
# About 5,000 tokens, 6,050 of the window: about 1,950 left.
t_py -c 'import sys; sys.stdout.write("word " * 4000)' >"$T/room.txt"
# About 6,150, 7,400 of the window: less than the 1,024 a useful reply needs.
t_py -c 'import sys; sys.stdout.write("word " * 4900)' >"$T/full.txt"

# route_in ARGS...: llm route --json ARGS, leaving the input tokens in $IN
route_in() {
	run_llm route --json "$@"
	cp "$T/out" "$T/route.json"
	IN=$(json_get "$T/route.json" input_tokens)
}

# -- a cap asked for is lowered to what the window leaves, sent and reserved so
route_in -m test-win --max-tokens 4000 -f "$T/room.txt" "summarise"
room=$((8000 - $(win "$IN")))
check "window: the prompt leaves less than the cap ($room)" test "$room" -gt 1024 -a "$room" -lt 4000
check_eq "window: route's reply cap" "$(json_get "$T/route.json" reply_cap_tokens)" "$room"
check_eq "window: route says the window set it" "$(json_get "$T/route.json" reply_cap_window)" true
check_contains "window: the reason says so" "$(json_get "$T/route.json" reason)" \
    "reply capped at $room tokens by test-win's context window"
check_eq "window: the worst case counts that cap" "$(json_get "$T/route.json" worst_case_usd)" \
    "$(t_py -c 'import sys; from decimal import Decimal as D
print(D(int(sys.argv[1]) * 1 + int(sys.argv[2]) * 2) / 1000000)' "$IN" "$room")"
run_llm route -m test-win --max-tokens 4000 -f "$T/room.txt" "summarise"
check_contains "window: route's text says so" "$OUT" \
    "cap of $room tokens, what the context window leaves"

t_budget 100 block
fake_reply '{"text":"ok"}'
run_llm -q -m test-win --max-tokens 4000 -f "$T/room.txt" "summarise"
check_rc "window: sent, exit 0" 0
check_eq "window: max_tokens sent is what the window leaves" "$(fake_last body.max_tokens)" "$room"
check_eq "window: the reservation follows" \
    "$(t_ledger_sql 'select worst_case_pico from usage order by id desc limit 1')" \
    "$((IN * 1000000 + room * 2000000))"
t_write_config
add_models

# a short prompt keeps the cap asked for
fake_reply '{"text":"ok"}'
run_llm -q -m test-win --max-tokens 4000 "summarise"
check_eq "short prompt: the cap asked for is sent" "$(fake_last body.max_tokens)" 4000
run_llm route --json -m test-win --max-tokens 4000 "summarise"
check_eq "short prompt: not the window's" "$(json_get "$T/out" reply_cap_window)" false

# -- no cap asked for: the window's is sent all the same, where the provider's
# default (Anthropic's 4,096 here, OpenAI's whole window) would pass it
for m in test-win test-wina; do
	route_in -m $m -f "$T/room.txt" "summarise"
	fake_reply '{"text":"ok"}'
	run_llm -q -m $m -f "$T/room.txt" "summarise"
	check_rc "no cap, $m: exit 0" 0
	check_eq "no cap, $m: max_tokens is what the window leaves" "$(fake_last body.max_tokens)" \
	    "$((8000 - $(win "$IN")))"
done

# -- an answer cut off there was cut by the window, not by a cap a larger --max-tokens lifts
fake_reply '{"text":"cut here","stop":"length"}'
run_llm -m test-win -f "$T/room.txt" "summarise"
check_eq "cut by the window: said so" "$ERR" \
    "llm: the answer was cut off at the end of test-win's context window (send less, or a new conversation)"
fake_reply '{"text":"cut here","stop":"length"}'
run_llm -m test-win --max-tokens 100 "summarise"
check_eq "cut by the cap: the cap named" "$ERR" \
    "llm: the answer was cut off at the length limit (raise --max-tokens)"

# -- too little room for a reply: a pin is refused, nothing sent
n=$(fake_count)
run_llm -q -m test-win -f "$T/full.txt" "summarise"
check_rc "no room, pinned: exit 2" 2
check_contains "no room, pinned: says why" "$ERR" "leaves room for only"
check_contains "no room, pinned: names the window" "$ERR" "test-win's context window of 8000 tokens"
check_eq "no room, pinned: nothing sent" "$(fake_count)" "$n"

# -- routed: the tier's model takes the prompt with the reply the window leaves ...
t_config_append '[tier.frontier]
models = test-win'
route_in -t frontier -f "$T/room.txt" "summarise"
check_eq "routed: the tier's model" "$(json_get "$T/route.json" model)" test-win
check_eq "routed: its window's cap" "$(json_get "$T/route.json" reply_cap_tokens)" \
    "$((8000 - $(win "$IN")))"
fake_reply '{"text":"ok"}'
run_llm -q -t frontier -f "$T/room.txt" "summarise"
check_eq "routed: max_tokens sent" "$(fake_last body.max_tokens)" "$((8000 - $(win "$IN")))"
# ... and refuses one that leaves no room for a useful reply
n=$(fake_count)
run_llm -q -t frontier -f "$T/full.txt" "summarise"
check_rc "routed, no room: exit 2" 2
check_contains "routed, no room: says why" "$ERR" "leaves room for 1024 tokens of reply"
check_eq "routed, no room: nothing sent" "$(fake_count)" "$n"

# -- a tier whose window leaves no room moves the prompt up, and says why
t_write_config
add_models
t_config_append '[tier.cheap]
models = test-win'
route_in -t cheap -f "$T/full.txt" "summarise"
check_eq "moved up: to mid" "$(json_get "$T/route.json" tier)" mid
check_contains "moved up: the reason names the window" "$(json_get "$T/route.json" reason)" \
    "too long for a cheap model's context window"
# -- near the edge: where the estimate would leave a reply room, the margin may not. The
# estimate of a prompt is the same on any model: read it where the window is wide.
t_write_config
add_models
t_config_append "$(t_model test-wide openai test-wide-1 cheap 1 2 'context = 100000')"
# about 6,500 tokens: the estimate and the least reply fit (before the margin, this was sent
# with the 1,478 tokens of reply the estimate left: a prompt and cap of the whole window, which
# a tokenizer making fewer than 4 characters a token passes); with the margin, refused
t_py -c 'import sys; sys.stdout.write("word " * 5200)' >"$T/edge.txt"
route_in -m test-wide -f "$T/edge.txt" "summarise"
check "edge: the estimate leaves room for a reply ($IN)" test $((IN + 1024)) -le 8000
check "edge: the margin does not ($(win "$IN"))" test $(($(win "$IN") + 1024)) -gt 8000
n=$(fake_count)
run_llm -q -m test-win -f "$T/edge.txt" "summarise"
check_rc "edge: refused, exit 2" 2
check_eq "edge: says why, with both figures" "$ERR" \
    "llm: the prompt is about $IN tokens ($(win "$IN") with the margin kept for the estimate), leaves room for only $((8000 - $(win "$IN"))) tokens of reply (at least 1024 wanted) in test-win's context window of 8000 tokens; send less, or pin a model with a larger window"
check_eq "edge: nothing sent" "$(fake_count)" "$n"

# about 5,500 tokens and 1,500 asked: the estimate leaves 2,478 (before the margin, 1,500 was
# sent); with the margin, the cap is what the window leaves after it
t_py -c 'import sys; sys.stdout.write("word " * 4400)' >"$T/edge2.txt"
route_in -m test-wide --max-tokens 1500 -f "$T/edge2.txt" "summarise"
left=$((8000 - $(win "$IN")))
check "edge, 1500 asked: the estimate leaves more ($IN)" test $((8000 - IN)) -ge 1500
check "edge, 1500 asked: the margin leaves less ($left)" test "$left" -lt 1500 -a "$left" -ge 1024
route_in -m test-win --max-tokens 1500 -f "$T/edge2.txt" "summarise"
check_eq "edge, 1500 asked: route's cap" "$(json_get "$T/route.json" reply_cap_tokens)" "$left"
check_eq "edge, 1500 asked: the window set it" "$(json_get "$T/route.json" reply_cap_window)" true
fake_reply '{"text":"ok"}'
run_llm -q -m test-win --max-tokens 1500 -f "$T/edge2.txt" "summarise"
check_rc "edge, 1500 asked: exit 0" 0
check_eq "edge, 1500 asked: that cap sent" "$(fake_last body.max_tokens)" "$left"

echo "# $T_PASS passed, $T_FAIL failed"
