# The full-screen client, driven headless: an answer cut off by the length limit after it streamed is replaced by the tier above's.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

sed -i 's/^escalate = no/escalate = yes/' "$LLM_CONFIG_DIR/config.ini"
rm -rf "$LLM_DATA_DIR"
mkdir -p "$LLM_DATA_DIR"

# cheap streams, is cut off, and mid's answer takes its place as it streams
fake_reset
rm -f "$T/go1" "$T/go2"
fake_reply '{"text":"Cheap start of an answer that runs on","stop":"length","hold_file":"'"$T"'/go1","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Mid answer, whole and complete.","hold_file":"'"$T"'/go2","usage":{"input":100,"output":20}}'
tui_ok "cut off" c <<S
:type /tier cheap
:key Enter
:type explain the thing
:key Enter
:wait-text llm  Cheap st
:dump-screen $T/c0
:touch $T/go1
:wait-text llm  Mid answ
:dump-screen $T/c1
:touch $T/go2
:wait-idle
:dump-screen $T/c2
S
check_screen "cut off: the cheap answer streams" c0 "llm  Cheap st"
check_not_screen "cut off: no escalation while it streams" c0 "escalated"
check_screen "cut off: the note says it" c1 "escalated: cut off from test-cheap; asking test-mid (mid)"
check_screen "cut off: mid's answer streams" c1 "llm  Mid answ"
check_not_screen "cut off: the cut-off text is taken back" c1 "Cheap st"
check_screen "cut off: the first request's cost while mid streams" c1 "cheap · test-cheap · 100→10 tok · \$0.000014"
check_screen "cut off: the request streaming" c1 "mid · test-mid · …"
check_above "cut off: note above the answer" c1 "escalated: cut off from test-cheap" "llm  Mid answ"
check_screen "cut off: the answer is mid's" c2 "llm  Mid answer, whole and complete."
check_not_screen "cut off: the cut-off text is gone" c2 "Cheap st"
check_eq "cut off: one answer on screen" "$(grep -c "llm  " "$T/c2")" 1
# cheap 100*0.10 + 10*0.40 = 14 micro$; mid 100*3 + 20*15 = 600 micro$: as llm -t cheap --no-stream says
check_screen "cut off: first request" c2 "cheap · test-cheap · 100→10 tok · \$0.000014"
check_screen "cut off: second request and why" c2 "mid · test-mid · 100→20 tok · \$0.0006 · escalated: cut off"
check_screen "cut off: both charged" c2 "total \$0.000614"
check_eq "cut off: two requests" "$(fake_count)" 2
check_eq "cut off: first to cheap" "$(fake_get 0 body.model)" test-cheap-1
check_eq "cut off: then mid" "$(fake_get 1 body.model)" test-mid-1
check_eq "cut off: mid is asked the same, without the cut-off text" \
    "$(fake_get 1 body.messages)" "$(fake_get 0 body.messages)"
check_eq "cut off: ledger rows" "$(sql "select tier || ' ' || status || ' ' || cost_pico from usage order by id")" \
    "cheap ok 14000000
mid ok 600000000"
check_eq "cut off: the conversation keeps mid's answer" \
    "$(sql "select text from messages where role = 'assistant' order by id desc limit 1")" \
    "Mid answer, whole and complete."

# Ctrl-C while mid streams: mid's partial answer and both costs are kept
fake_reset
rm -f "$T/go3"
fake_reply '{"text":"Cheap start of an answer that runs on","stop":"length","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Mid partial answer that keeps on going","hold_file":"'"$T"'/go3","usage":{"input":100,"output":20}}'
tui_ok "cut off, cancelled" k <<S
:type /tier cheap
:key Enter
:type explain the thing
:key Enter
:wait-text llm  Mid part
:key C-c
:wait-idle
:dump-screen $T/k0
:touch $T/go3
S
check_screen "cancelled: mid's partial answer kept" k0 "llm  Mid part"
check_not_screen "cancelled: the rest never shown" k0 "keeps on going"
check_not_screen "cancelled: the cut-off text not back" k0 "Cheap st"
check_screen "cancelled: said so" k0 "cancelled: the partial answer and its cost are kept"
check_screen "cancelled: first request" k0 "cheap · test-cheap · 100→10 tok · \$0.000014"
check_screen "cancelled: second request, estimated" k0 "mid · test-mid · ~"
check_screen "cancelled: total of both" k0 "total ~\$0.000"
check_eq "cancelled: ledger rows" "$(sql "select tier || ' ' || status from usage order by id desc limit 2")" \
    "mid cancelled
cheap ok"
c=$(sql "select cost_pico from usage order by id desc limit 1")
if [ -n "$c" ] && [ "$c" -gt 0 ]; then ok "cancelled: mid's partial cost charged"; else not_ok "cancelled: mid's partial cost charged" "$c"; fi

# a refusal that did not open like one streams, then reads as one: taken back too
fake_reset
rm -f "$T/go4"
fake_reply '{"text":"Well, I cannot help with that one.","hold_file":"'"$T"'/go4","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Here is how it works.","usage":{"input":100,"output":20}}'
tui_ok "refusal shown" r <<S
:type /tier cheap
:key Enter
:type explain the thing
:key Enter
:wait-text llm  Well, I
:touch $T/go4
:wait-idle
:dump-screen $T/r0
S
check_eq "refusal shown: two requests" "$(fake_count)" 2
check_screen "refusal shown: note" r0 "escalated: refusal from test-cheap; asking test-mid (mid)"
check_screen "refusal shown: the answer is mid's" r0 "llm  Here is how it works."
check_not_screen "refusal shown: taken back" r0 "Well, I cannot"

# the provider says the answer ended, but it ends inside an open code fence
fake_reset
fake_reply '{"text":"Run this:\n```sh\nmake &&","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Run make.","usage":{"input":100,"output":20}}'
tui_ok "open fence" f <<S
:type /tier cheap
:key Enter
:type how do I build
:key Enter
:wait-idle
:dump-screen $T/f0
S
check_eq "open fence: two requests" "$(fake_count)" 2
check_eq "open fence: then mid" "$(fake_get 1 body.model)" test-mid-1
check_screen "open fence: said why" f0 "escalated: cut off in a code block from test-cheap"
check_screen "open fence: the answer is mid's" f0 "llm  Run make."
check_not_screen "open fence: taken back" f0 "make &&"

# no tier above to ask: the answer stands, and a note under it says it is not whole, as the
# one-shot client says on stderr; a whole one has no such note
fake_reset
fake_reply '{"text":"Frontier start of an answer that runs on","stop":"length","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Frontier start of an","stop":"filter","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Whole answer.","usage":{"input":100,"output":10}}'
tui_ok "cut off at frontier" x <<S
:type /tier frontier
:key Enter
:type explain the thing
:key Enter
:wait-idle
:dump-screen $T/x0
:type and the other thing
:key Enter
:wait-idle
:dump-screen $T/x1
:type /new
:key Enter
:type a third
:key Enter
:wait-idle
:dump-screen $T/x2
S
check_eq "cut off at frontier: one request each" "$(fake_count)" 3
check_screen "cut off at frontier: the answer stands" x0 "llm  Frontier start of an answer that runs on"
check_above "cut off at frontier: said under it" x0 "llm  Frontier start" \
    "the answer was cut off at the length limit (max_tokens in config.ini raises it)"
check_screen "filtered: said" x1 "the answer was stopped by the provider's filter"
check_screen "whole: the answer" x2 "llm  Whole answer."
check_not_screen "whole: no note" x2 "the answer was"

# without escalation, an empty answer is said to be one, with the key that asks the tier above
# where there is one
sed -i 's/^escalate = yes/escalate = no/' "$LLM_CONFIG_DIR/config.ini"
for tier in cheap frontier; do
	fake_reset
	fake_reply '{"chunks":[],"usage":{"input":100,"output":0}}'
	tui_ok "empty at $tier" "e-$tier" <<S
:type /tier $tier
:key Enter
:type explain the thing
:key Enter
:wait-idle
:dump-screen $T/e-$tier.txt
S
	check_eq "empty at $tier: one request" "$(fake_count)" 1
done
mv "$T/e-cheap.txt" "$T/e0"
mv "$T/e-frontier.txt" "$T/e1"
check_screen "empty: said, with what to do" e0 "the model sent no text; F4 asks it again one tier up"
check_screen "empty at frontier: said" e1 "the model sent no text"
check_not_screen "empty at frontier: no tier above" e1 "F4 asks"

# cut off where the model's context window ends: no larger cap would help, and the note says
# what makes room instead
t_config_append "$(t_model test-win openai test-win-1 cheap 1 2 'context = 8000')"
t_py -c 'import sys; sys.stdout.write("word " * 4000)' >"$T/5k.txt"
fake_reset
fake_reply '{"text":"Start of a long summary","stop":"length","usage":{"input":5000,"output":10}}'
tui_ok "cut off by the window" w <<S
:type /model test-win
:key Enter
:type /file $T/5k.txt
:key Enter
:type summarise
:key Enter
:wait-idle
:dump-screen $T/w0
S
check_eq "cut off by the window: one request" "$(fake_count)" 1
check_screen "cut off by the window: said so" w0 \
    "the answer was cut off at the end of the model's context window (/compact or /new makes"
check_not_screen "cut off by the window: no cap to raise" w0 "max_tokens in config.ini raises it"

echo "# $T_PASS passed, $T_FAIL failed"
