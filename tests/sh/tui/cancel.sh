# The full-screen client, driven headless: Ctrl-C cancels a streaming reply: partial text and its cost kept.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
rm -f "$T/release"
fake_reply '{"text":"partial answer that keeps on going","hold_file":"'"$T"'/release","usage":{"input":20,"output":8}}'
tui_ok "cancel" d <<S
:type /tier cheap
:key Enter
:type tell me a story
:key Enter
:wait-text llm  partial
:dump-screen $T/d0
:key C-c
:wait-idle
:dump-screen $T/d1
:touch $T/release
:key C-c
:dump-screen $T/d2
:key C-c
:dump-screen $T/d3
S
check_contains "cancel: streaming shown" "$(row "$T/d0" "├ streaming · ")" "s · ~3 tok · C-c cancels"
check_screen "cancel: partial text kept" d1 "llm  partial"
check_not_screen "cancel: rest never shown" d1 "keeps on going"
check_screen "cancel: said so" d1 "cancelled: the partial answer and its cost are kept"
check_eq "cancel: ledger row cancelled" "$(sql "select status from usage order by id desc limit 1")" cancelled
c=$(sql "select cost_pico from usage order by id desc limit 1")
if [ -n "$c" ] && [ "$c" -gt 0 ]; then ok "cancel: partial cost charged"; else not_ok "cancel: partial cost charged" "$c"; fi
check_screen "cancel: cost on screen" d1 "cheap · test-cheap · ~"
check_screen "C-c idle: asks again" d2 "C-c again to quit"
check_eq "C-c twice: quits before the next line" "$(screen "$T/d3")" "(no dump $T/d3)"

# resumed later, the cut answer still says it was cancelled, as llm logs does
tui_ok "cancel-resume" r 100x30 -c <<S
:dump-screen $T/r0
S
check_screen "cancel: a resumed cancelled answer says so" r0 "cheap · test-cheap · ~"
check_contains "cancel: ... on its line" "$(row "$T/r0" "cheap · test-cheap · ~")" " · cancelled"

# a message sent while a reply streams is refused on the status line; the refusal goes with the reply
rm -f "$T/release2"
fake_reply '{"text":"slow answer that goes on","hold_file":"'"$T"'/release2","usage":{"input":20,"output":8}}'
tui_ok "busy" b <<S
:type first question
:key Enter
:wait-text llm  slow
:type second question
:key Enter
:dump-screen $T/b0
:key C-c
:wait-idle
:dump-screen $T/b1
S
touch "$T/release2"
check_screen "busy: refused while streaming" b0 "a reply is still streaming: wait, or C-c to cancel it"
check_screen "busy: the draft kept" b0 "> second question"
check_screen "busy: cancelled" b1 "cancelled: the partial answer and its cost are kept"
check_not_screen "busy: no stale refusal after the reply ended" b1 "still streaming"

# cancelled before the first byte: no partial answer to speak of
fake_reply '{"fault":"stall","seconds":5,"chunks":[]}'
tui_ok "early" e <<S
:type quick one
:key Enter
:key C-c
:wait-idle
:dump-screen $T/e0
S
check_screen "early: said so" e0 "cancelled before any answer came; F4 asks it again one tier up"
check_not_screen "early: no partial answer claimed" e0 "the partial answer"

# C-c when idle clears a draft, but into the kill ring: a C-c meant for a reply that had
# just ended does not lose what was typed meanwhile
fake_reply '{"text":"ok","usage":{"input":20,"output":1}}'
tui_ok "draft" k <<S
:type a long draft typed while a reply streamed
:key C-c
:dump-screen $T/k0
:key C-y
:dump-screen $T/k1
:key Enter
:wait-idle
S
check_screen "C-c with a draft: cleared" k0 "> "
check_not_screen "C-c with a draft: not shown" k0 "a long draft"
check_screen "C-c with a draft: how to get it back" k0 "C-c again to quit (C-y brings the line back)"
check_screen "C-y: the draft back" k1 "> a long draft typed while a reply streamed"
check_eq "C-y: the draft sent" "$(fake_last body.messages.-1.content)" "a long draft typed while a reply streamed"

# C-d on an empty line while a reply streams asks first; a second one quits, stopping the reply
# as C-c does: the partial answer and its cost kept in the ledger and the conversation
rm -f "$T/release3"
fake_reply '{"text":"partial answer that goes on and on","hold_file":"'"$T"'/release3","usage":{"input":20,"output":8}}'
tui_ok "C-d streaming" q <<S
:type eof question
:key Enter
:wait-text llm  partial
:key C-d
:dump-screen $T/q0
:key C-d
:dump-screen $T/q1
S
touch "$T/release3"
check_screen "C-d streaming: asks first" q0 "C-d again stops the reply and quits (its partial answer and cost are kept); C-c stops it only"
check_screen "C-d streaming: the reply goes on meanwhile" q0 "├ streaming · "
check_eq "C-d twice: quits" "$(screen "$T/q1")" "(no dump $T/q1)"
check_eq "C-d twice: ledger row cancelled" "$(sql "select status from usage order by id desc limit 1")" cancelled
c=$(sql "select cost_pico from usage order by id desc limit 1")
if [ -n "$c" ] && [ "$c" -gt 0 ]; then ok "C-d twice: partial cost charged"; else not_ok "C-d twice: partial cost charged" "$c"; fi
run_llm logs
check_contains "C-d twice: llm logs has the question" "$OUT" "eof question"
check_contains "C-d twice: llm logs has the partial answer" "$OUT" "llm  partial"
check_contains "C-d twice: llm logs says cancelled" "$OUT" "cancelled"
check_not_contains "C-d twice: never the rest" "$OUT" "goes on and on"

# idle, C-d on an empty line is end of input: it quits at once, as in a shell
tui_ok "C-d idle" i <<S
:key C-d
:dump-screen $T/i0
S
check_eq "C-d idle: quits at once" "$(screen "$T/i0")" "(no dump $T/i0)"

# /new while a reply streams stops it as C-c does, and says so: the partial answer and its cost
# stay in the conversation left, which /resume brings back
rm -f "$T/release4"
fake_reply '{"text":"partial reply left behind for good","hold_file":"'"$T"'/release4","usage":{"input":20,"output":8}}'
tui_ok "/new streaming" n <<S
:type new question
:key Enter
:wait-text llm  partial
:type /new
:key Enter
:wait-idle
:dump-screen $T/n0
S
touch "$T/release4"
conv=$(sql "select conversation_id from usage order by id desc limit 1")
check_screen "/new streaming: says the reply was stopped" n0 "new conversation; the reply was stopped: its partial answer and cost are kept (/resume $conv)"
check_eq "/new streaming: ledger row cancelled" "$(sql "select status from usage order by id desc limit 1")" cancelled
c=$(sql "select cost_pico from usage order by id desc limit 1")
if [ -n "$c" ] && [ "$c" -gt 0 ]; then ok "/new streaming: partial cost charged"; else not_ok "/new streaming: partial cost charged" "$c"; fi
run_llm logs show "$conv"
check_contains "/new streaming: the partial answer kept" "$OUT" "partial"
check_not_contains "/new streaming: never the rest" "$OUT" "left behind for good"

echo "# $T_PASS passed, $T_FAIL failed"
