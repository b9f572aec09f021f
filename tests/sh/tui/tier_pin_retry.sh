# The full-screen client, driven headless: the tier key, a pinned model from the picker, and re-ask one tier up.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_reply '{"text":"cheap says hi","usage":{"input":10,"output":5}}'
fake_reply '{"text":"mid says more","usage":{"input":10,"output":7}}'
fake_reply '{"text":"frontier speaks","usage":{"input":10,"output":9}}'
before=0   # a fresh ledger
tui_ok "keys" c <<S
:key F2
:dump-screen $T/c0
:type hello
:key Enter
:wait-idle
:key F4
:wait-idle
:dump-screen $T/c1
:key F3
:dump-screen $T/c2
:type frontier
:dump-screen $T/c5
:type x
:dump-screen $T/c6
:key Backspace
:key End Enter
:dump-screen $T/c3
:type and now?
:key Enter
:wait-idle
:dump-screen $T/c4
S
check_golden tui-model-picker "$T/c2"
check_contains "F2: cycles to cheap" "$(row "$T/c0" Nov)" "tier: cheap  F2"
check_eq "F2: cheap model sent" "$(fake_get 0 body.model)" test-cheap-1
check_eq "F4: re-asked on mid" "$(fake_get 1 body.model)" test-mid-1
check_eq "F4: same question" "$(fake_get 1 body.messages.-1.content)" hello
check_screen "F4: note" c1 "re-asking one tier up: mid"
check_screen "F4: first answer kept" c1 "llm  cheap says hi"
check_screen "F4: second answer" c1 "llm  mid says more"
check_screen "F4: both priced" c1 "cheap · test-cheap · 10→5 tok"
check_screen "F4: mid priced" c1 "mid · test-mid · 10→7 tok"
check_eq "F4: both charged" "$(sql "select count(*) from usage where status='ok' and id > $before and model in ('test-cheap','test-mid')")" 2
check_screen "F3: picker lists models with prices" c2 "test-mid              mid      in \$3.00    out \$15.00"
check_screen "F3: filter shown" c5 "filter: frontier"
check_screen "F3: filter keeps frontier models" c5 "test-frontier         frontier"
check_not_screen "F3: filter drops the rest" c5 "test-mid "
check_screen "F3: nothing left" c6 "(nothing matches)"
check_contains "F3: pinned" "$(row "$T/c3" Nov)" "model: test-frontier  F3"
check_contains "F3: route line says pinned" "$(row "$T/c4" 'route ')" "route pinned → test-frontier"
check_contains "F3: pinned model asked" "$(fake_last path)" "test-frontier-1"
check_screen "F3: reply from it" c4 "frontier · test-frontier · 10→9 tok"

# resumed later, the conversation is what the model saw: the answer re-asked up is gone from
# the screen and from what is sent, the question once
fake_reply '{"text":"resumed fine","usage":{"input":10,"output":2}}'
tui_ok "F4: resumed" r 100x30 -c -m test-cheap <<S
:dump-screen $T/r0
:type and after?
:key Enter
:wait-idle
S
check_not_screen "F4: resumed: the answer re-asked up is not shown" r0 "cheap says hi"
check_eq "F4: resumed: the question shown once" "$(grep -c 'you  hello' "$T/r0")" 1
check_screen "F4: resumed: the answer from one tier up" r0 "llm  mid says more"
check_eq "F4: resumed: what is sent" \
    "$(fake_last body.messages | t_py -c 'import json,sys; print(" | ".join(m["content"] for m in json.load(sys.stdin)))')" \
    "hello | mid says more | and now? | frontier speaks | and after?"

# a name not known is an error that leaves the pin alone
fake_reply '{"text":"still mid","usage":{"input":10,"output":3}}'
tui_ok "typo" p <<S
:type /model test-mid
:key Enter
:type /model test-mdi
:key Enter
:dump-screen $T/p0
:type /model qqq
:key Enter
:dump-screen $T/p1
:type again
:key Enter
:wait-idle
S
check_screen "typo: said, with the name meant" p0 \
    "/model: unknown model 'test-mdi'; did you mean test-mid? The pin stays."
check_screen "no name near: said" p1 "/model: unknown model 'qqq' (/model lists them); the pin stays"
check_contains "typo: still pinned" "$(row "$T/p0" Nov)" "model: test-mid  F3"
check_eq "typo: pinned model asked" "$(fake_last body.model)" test-mid-1

# _fake_left N: N queued replies are left.
_fake_left() {
	[ "$(fake_pending)" -eq "$1" ]
}

# re-ask after a cancel before any text: the cancelled question goes up, the earlier exchange stays
fake_reset
fake_reply '{"text":"answer A","usage":{"input":10,"output":2}}'
fake_reply '{"fault":"stall","seconds":5,"chunks":[]}'
fake_reply '{"text":"answer B","usage":{"input":10,"output":2}}'
# Ctrl-C once the stalled reply is taken, so that the re-ask gets answer B
(t_wait _fake_left 1 && : >"$T/x.sent") &
tui_ok "cancelled" x <<S
:type question A
:key Enter
:wait-idle
:type question B
:key Enter
:wait-file $T/x.sent
:key C-c
:wait-idle
:key F4
:wait-idle
:dump-screen $T/x0
S
check_eq "cancelled: re-asked on mid" "$(fake_get 2 body.model)" test-mid-1
check_eq "cancelled: its question" "$(fake_get 2 body.messages.-1.content)" "question B"
check_eq "cancelled: the answered exchange kept" "$(fake_get 2 body.messages.1.content)" "answer A"
check_screen "cancelled: answer" x0 "llm  answer B"

# the same as the first turn: asked again, never the stale "interrupted"
fake_reset
fake_reply '{"fault":"stall","seconds":5,"chunks":[]}'
fake_reply '{"text":"answer B","usage":{"input":10,"output":2}}'
(t_wait _fake_left 1 && : >"$T/y.sent") &
tui_ok "cancelled first" y <<S
:type question B
:key Enter
:wait-file $T/y.sent
:key C-c
:wait-idle
:key F4
:wait-idle
:dump-screen $T/y0
S
check_eq "cancelled first: re-asked on mid" "$(fake_get 1 body.model)" test-mid-1
check_eq "cancelled first: its question" "$(fake_get 1 body.messages.-1.content)" "question B"
check_screen "cancelled first: answer" y0 "llm  answer B"

# the last question belongs to its conversation: after /new F4 re-asks nothing, after a
# resume it re-asks the resumed conversation's last question, never this session's
fake_reset
fake_reply '{"text":"alpha answer","usage":{"input":10,"output":2}}'
fake_reply '{"text":"after, on mid","usage":{"input":10,"output":2}}'
tui_ok "F4 after /new" n <<S
:type alpha question
:key Enter
:wait-idle
:type /new
:key Enter
:key F4
:wait-idle
:dump-screen $T/n0
:type /resume 1
:key Enter
:key F4
:wait-idle
:dump-screen $T/n1
S
check_screen "F4 after /new: said" n0 "nothing to re-ask yet"
check_not_screen "F4 after /new: no re-ask" n0 "re-asking one tier up"
check_eq "F4 after /resume: one request after the first" "$(fake_count)" 2
check_eq "F4 after /resume: the resumed conversation's last question" \
    "$(fake_last body.messages.-1.content)" "and after?"
check_eq "F4 after /resume: one tier above its answer's" "$(fake_last body.model)" test-mid-1
check_screen "F4 after /resume: said" n1 "re-asking one tier up: mid"

echo "# $T_PASS passed, $T_FAIL failed"
