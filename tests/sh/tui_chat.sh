# The full-screen client, driven headless: route line, streaming, costs against the
# ledger, tier override, model pin, re-ask up, cancel, resize, hostile text, commands.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
export LLM_NOW=$(date -u -d '2026-11-16 12:00:00' +%s)
sed -i 's/^budget = 0/budget = 1/' "$LLM_CONFIG_DIR/config.ini"
DB="$LLM_DATA_DIR/llm.db"

# tui NAME [SIZE]: run the script $T/NAME.s headless; TUI_RC, stderr in $T/NAME.err.
tui() {
	if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/$1.s" --size "${2:-100x30}" \
	    ${TUI_OUT:+--out "$TUI_OUT"} >"$T/$1.out" 2>"$T/$1.err"; then
		TUI_RC=0
	else
		TUI_RC=$?
	fi
}

# screen FILE: the dump, or a note that it is missing.
screen() {
	cat "$1" 2>/dev/null || echo "(no dump $1)"
}

# row FILE TEXT: the first line of the dump holding TEXT.
row() {
	grep -F -- "$2" "$1" 2>/dev/null | head -1
}

sql() {
	sqlite3 "$DB" "$1"
}

# -- the first screen and the route line following the input
cat >"$T/a.s" <<S
:dump-screen $T/a0
:type hi
:dump-screen $T/a1
:type  there, why does this segfault?
:dump-screen $T/a2
:key C-a C-k
:dump-screen $T/a3
S
tui a
check_eq "start: exit 0" "$TUI_RC" 0
check_contains "start: frame" "$(sed -n 1p "$T/a0")" "┌ llm ─"
check_contains "start: route waits for input" "$(screen "$T/a0")" "route auto  type a message to see where it goes"
check_contains "start: meter has the month and budget" "$(screen "$T/a0")" "Nov ░░░░░░░░░░░░░░░ \$0.00 of \$1.00 (0%)"
check_contains "start: tier shown" "$(row "$T/a0" Nov)" "tier: auto  F2"
check_contains "start: prompt" "$(screen "$T/a0")" "│ >"
check_contains "typing: route decided" "$(row "$T/a1" 'route ')" "route auto → "
check_contains "typing: estimate shown" "$(row "$T/a1" 'route ')" '~$'
check_contains "typing: input echoed" "$(screen "$T/a2")" "> hi there, why does this segfault?"
if [ "$(row "$T/a1" 'route ')" != "$(row "$T/a2" 'route ')" ]; then
	ok "typing: route line follows the input"
else
	not_ok "typing: route line follows the input" "$(row "$T/a1" 'route ')"
fi
check_contains "readline: C-a C-k empties the input" "$(row "$T/a3" 'route ')" "type a message"

# -- a streamed reply on a forced tier: cost line and meter match the ledger
fake_reply '{"text":"The pointer `p` is **freed** twice.\n\n```c\nfree(p);\n```\n","usage":{"input":50000,"output":30000}}'
cat >"$T/b.s" <<S
:type /tier mid
:key Enter
:dump-screen $T/b0
:type why does this segfault?
:dump-screen $T/b1
:key Enter
:wait-idle
:dump-screen $T/b2
:dump-colors $T/b3
:type /save 1 $T/saved.c
:key Enter
:dump-screen $T/b4
:type /save 1 $T/saved.c
:key Enter
:dump-screen $T/b5
S
tui b
check_eq "send: exit 0" "$TUI_RC" 0
check_contains "tier: status says mid" "$(screen "$T/b0")" "tier: mid"
check_contains "tier: route line" "$(row "$T/b1" 'route ')" "route tier → mid  test-mid"
check_eq "tier: mid model sent" "$(fake_last body.model)" test-mid-1
check_contains "send: user line" "$(screen "$T/b2")" "│ you  why does this segfault?"
check_contains "send: reply rendered" "$(screen "$T/b2")" "│ llm  The pointer p is freed twice."
check_contains "send: code block numbered" "$(screen "$T/b2")" "┌ [1] c"
cost=$(sql "select cost_pico from usage order by id desc limit 1")
# 50000 * 3 + 30000 * 15 micro-dollars = $0.60
check_eq "ledger: exact cost" "$cost" 600000000000
check_contains "send: cost line" "$(screen "$T/b2")" "mid · test-mid · 50k→30k tok · \$0.60"
check_contains "meter: spent of budget" "$(row "$T/b2" Nov)" "\$0.60 of \$1.00 (60%)"
check_contains "meter: bar" "$(row "$T/b2" Nov)" "Nov █████████░░░░░░"
meter_row=$(grep -n 'Nov ' "$T/b3" | head -1 | cut -d: -f1)
styles=$(sed -n "/^-- styles/,\$p" "$T/b3" | grep "^ *$((meter_row - 1)): ")
check_contains "meter: 60% in the warning colour" "$styles" "meter_warn fg=178"
check_eq "save: code block written" "$(cat "$T/saved.c" 2>/dev/null)" "free(p);"
check_contains "save: status" "$(screen "$T/b4")" "saved code block 1 c to"
check_contains "save: never overwrites" "$(screen "$T/b5")" "(not overwritten)"
check_eq "history: lines kept" "$(grep -c 'why does this segfault' "$LLM_DATA_DIR/history")" 1

# -- the tier key, a pinned model from the picker, and re-ask one tier up
fake_reset
fake_reply '{"text":"cheap says hi","usage":{"input":10,"output":5}}'
fake_reply '{"text":"mid says more","usage":{"input":10,"output":7}}'
fake_reply '{"text":"frontier speaks","usage":{"input":10,"output":9}}'
before=$(sql "select max(id) from usage")
cat >"$T/c.s" <<S
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
tui c
check_eq "keys: exit 0" "$TUI_RC" 0
check_contains "F2: cycles to cheap" "$(row "$T/c0" Nov)" "tier: cheap  F2"
check_eq "F2: cheap model sent" "$(fake_get 0 body.model)" test-cheap-1
check_eq "F4: re-asked on mid" "$(fake_get 1 body.model)" test-mid-1
check_eq "F4: same question" "$(fake_get 1 body.messages.-1.content)" hello
check_contains "F4: note" "$(screen "$T/c1")" "re-asking one tier up: mid"
check_contains "F4: first answer kept" "$(screen "$T/c1")" "llm  cheap says hi"
check_contains "F4: second answer" "$(screen "$T/c1")" "llm  mid says more"
check_contains "F4: both priced" "$(screen "$T/c1")" "cheap · test-cheap · 10→5 tok"
check_contains "F4: mid priced" "$(screen "$T/c1")" "mid · test-mid · 10→7 tok"
check_eq "F4: both charged" "$(sql "select count(*) from usage where status='ok' and id > $before and model in ('test-cheap','test-mid')")" 2
check_contains "F3: picker lists models with prices" "$(screen "$T/c2")" "test-mid                   mid      in \$3.00    out \$15.00"
check_contains "F3: filter shown" "$(screen "$T/c5")" "filter: frontier"
check_contains "F3: filter keeps frontier models" "$(screen "$T/c5")" "test-frontier              frontier"
check_not_contains "F3: filter drops the rest" "$(screen "$T/c5")" "test-mid "
check_contains "F3: nothing left" "$(screen "$T/c6")" "(nothing matches)"
check_contains "F3: pinned" "$(row "$T/c3" Nov)" "model: test-frontier  F3"
check_contains "F3: route line says pinned" "$(row "$T/c4" 'route ')" "route pinned → test-frontier"
check_contains "F3: pinned model asked" "$(fake_last path)" "test-frontier-1"
check_contains "F3: reply from it" "$(screen "$T/c4")" "frontier · test-frontier · 10→9 tok"

# -- Ctrl-C cancels a streaming reply: partial text and its cost kept
fake_reset
rm -f "$T/release"
fake_reply '{"text":"partial answer that keeps on going","hold_file":"'"$T"'/release","usage":{"input":20,"output":8}}'
cat >"$T/d.s" <<S
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
tui d
check_eq "cancel: exit 0" "$TUI_RC" 0
check_contains "cancel: streaming shown" "$(row "$T/d0" "├ streaming · ")" "s · ~2 tok · C-c cancels"
check_contains "cancel: partial text kept" "$(screen "$T/d1")" "llm  partial"
check_not_contains "cancel: rest never shown" "$(screen "$T/d1")" "keeps on going"
check_contains "cancel: said so" "$(screen "$T/d1")" "cancelled: the partial answer and its cost are kept"
check_eq "cancel: ledger row cancelled" "$(sql "select status from usage order by id desc limit 1")" cancelled
c=$(sql "select cost_pico from usage order by id desc limit 1")
if [ -n "$c" ] && [ "$c" -gt 0 ]; then ok "cancel: partial cost charged"; else not_ok "cancel: partial cost charged" "$c"; fi
check_contains "cancel: cost on screen" "$(screen "$T/d1")" "cheap · test-cheap · ~"
check_contains "C-c idle: asks again" "$(screen "$T/d2")" "C-c again to quit"
check_eq "C-c twice: quits before the next line" "$(screen "$T/d3")" "(no dump $T/d3)"

# -- resize reflows without loss
fake_reset
fake_reply '{"text":"A fairly long answer that will need to wrap onto more lines when the screen becomes narrow, and back again.","usage":{"input":10,"output":20}}'
cat >"$T/e.s" <<S
:type a question
:key Enter
:wait-idle
:dump-screen $T/e0
:resize 50 15
:dump-screen $T/e1
:resize 100 30
:dump-screen $T/e2
S
tui e
check_eq "resize: exit 0" "$TUI_RC" 0
check_eq "resize: 50x15 has 15 rows" "$(wc -l <"$T/e1" | tr -d ' ')" 15
check_eq "resize: 50x15 rows are 50 wide" "$(wc -L <"$T/e1" | tr -d ' ')" 50
check_contains "resize: narrow wraps" "$(screen "$T/e1")" "│      become"
if cmp -s "$T/e0" "$T/e2"; then ok "resize: back to 100x30 is the same screen"; else
	not_ok "resize: back to 100x30 is the same screen" "$(diff "$T/e0" "$T/e2")"; fi

# -- text from the model is data: escapes shown, never emitted
fake_reset
fake_reply '{"text":"benign reply here"}'
cat >"$T/f.s" <<S
:type hi
:key Enter
:wait-idle
:dump-screen $T/f0
S
TUI_OUT="$T/f.raw" tui f
fake_reply '{"fault":"escape"}'
fake_reply '{"text":"Evil \u001b]52;c;aGVsbG8=\u0007 then \u001b[2J and \u009b31m bell\u0007"}'
cat >"$T/g.s" <<S
:type hi
:key Enter
:wait-idle
:type again
:key Enter
:wait-idle
:dump-screen $T/g0
S
TUI_OUT="$T/g.raw" tui g
check_eq "escape: exit 0" "$TUI_RC" 0
check_contains "escape: OSC 52 visible" "$(screen "$T/g0")" "␛]52;c;aGVsbG8=␇"
check_contains "escape: clear visible" "$(screen "$T/g0")" "␛[2J and ␛[31m bell␇"
esc=$(printf '\033')
bel=$(printf '\007')
csi=$(printf '\302\233')
check_eq "escape: no OSC 52 emitted" "$(grep -c "${esc}\]52" "$T/g.raw")" 0
check_eq "escape: no BEL emitted" "$(grep -c "$bel" "$T/g.raw")" 0
check_eq "escape: no C1 CSI emitted" "$(grep -c "$csi" "$T/g.raw")" 0
check_eq "escape: no clear beyond the screen's own" "$(grep -o "${esc}\[2J" "$T/g.raw" | wc -l)" \
    "$(grep -o "${esc}\[2J" "$T/f.raw" | wc -l)"

# -- attachments, /run after confirmation, multi-line input and paste
fake_reset
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'
printf 'int main(void) { return 0; }\n' >"$T/prog.c"
cat >"$T/h.s" <<S
:type /tier cheap
:key Enter
:type /file $T/prog.c
:key Enter
:type look
:dump-screen $T/h0
:key Enter
:wait-idle
:type /run echo from-the-shell
:key Enter
:dump-screen $T/h1
:key y
:wait-idle
:dump-screen $T/h2
:type see
:key Enter
:wait-idle
:type line one
:key M-Enter
:type line two
:dump-screen $T/h3
:key Enter
:wait-idle
:paste first\nsecond
:key Enter
:wait-idle
:type /run echo never
:key Enter
:key n
:type /nosuch
:key Enter
:dump-screen $T/h4
S
tui h
check_eq "attach: exit 0" "$TUI_RC" 0
check_contains "file: on the route line" "$(row "$T/h0" 'route ')" "+1 attachment"
check_contains "file: sent" "$(fake_get 0 body.messages.-1.content)" "int main(void) { return 0; }"
check_contains "file: question after it" "$(fake_get 0 body.messages.-1.content)" "look"
check_contains "file: shown in the transcript" "$(screen "$T/h2")" "[attached $T/prog.c]"
check_contains "run: asks first" "$(screen "$T/h1")" "run \`echo from-the-shell\` and attach its output? y runs it"
check_contains "run: attached" "$(screen "$T/h2")" "ran echo from-the-shell: exit 0"
check_contains "run: output sent" "$(fake_get 1 body.messages.-1.content)" "from-the-shell"
check_contains "multi-line: two input rows" "$(screen "$T/h3")" "│   line two"
check_eq "multi-line: newline sent" "$(fake_get 2 body.messages.-1.content)" "line one
line two"
check_eq "paste: newline kept" "$(fake_get 3 body.messages.-1.content)" "first
second"

check_eq "run: n does not run" "$(fake_count)" 4
check_contains "unknown command: said" "$(screen "$T/h4")" "unknown /nosuch: /help lists the commands"


# -- help lists every binding; [keys] rebinds
printf '\n[keys]\ntier = F7\nquit = C-x\n' >>"$LLM_CONFIG_DIR/config.ini"
cat >"$T/i.s" <<S
:key F1
:dump-screen $T/i0
:key End
:dump-screen $T/i4
:key Esc F7 F7
:dump-screen $T/i1
:key F2
:dump-screen $T/i2
:key C-x
:dump-screen $T/i3
S
tui i
check_eq "help: exit 0" "$TUI_RC" 0
for a in "F7             tier" "F3             model" "F4             retry" "C-c            cancel" \
    "PageUp         page-up" "M-Enter C-j    newline" "/save N PATH" "/resume [ID]" "/budget"; do
	check_contains "help: lists $a" "$(cat "$T/i0" "$T/i4")" "$a"
done
check_contains "keys: F7 cycles the tier" "$(row "$T/i1" Nov)" "tier: mid  F7"
check_contains "keys: F2 no longer does" "$(row "$T/i2" Nov)" "tier: mid  F7"
check_eq "keys: C-x quits" "$(screen "$T/i3")" "(no dump $T/i3)"
t_write_config
sed -i 's/^budget = 0/budget = 1/' "$LLM_CONFIG_DIR/config.ini"

# -- resume: -c continues the latest conversation; the picker lists them
conv=$(sql "select max(id) from conversations")
cat >"$T/j.s" <<S
:dump-screen $T/j0
:key F6
:dump-screen $T/j1
:key Esc
:type /budget
:key Enter
:dump-screen $T/j2
S
TUI_RC=
if timeout 60 "$LLM_BIN" chat -c --headless "$T/j.s" --size 100x30 >"$T/j.out" 2>&1; then TUI_RC=0; else TUI_RC=$?; fi
check_eq "resume: exit 0" "$TUI_RC" 0
check_contains "resume: title" "$(sed -n 1p "$T/j0")" "conversation $conv"
check_contains "resume: messages back" "$(screen "$T/j0")" "you  first"
check_contains "resume: costs back" "$(screen "$T/j0")" "cheap · test-cheap · 10→1 tok"
check_contains "resume: picker" "$(screen "$T/j1")" "resume a conversation"
check_contains "resume: picker lists it" "$(screen "$T/j1")" "#$conv"
check_contains "budget: note" "$(screen "$T/j2")" "budget 2026-11:"


# -- scrolling, the copy key, ~/.inputrc, and choosing from the resume picker
fake_reset
long=$(python3 -c 'print("\\n".join("- item %d" % i for i in range(1, 61)))')
fake_reply '{"text":"'"$long"'","usage":{"input":10,"output":200}}'
printf '"\\C-t": "typed by inputrc"\n' >"$HOME/.inputrc"
cat >"$T/k.s" <<S
:type /tier cheap
:key Enter
:type list them
:key Enter
:wait-idle
:dump-screen $T/k0
:key PageUp
:dump-screen $T/k1
:key S-Up
:dump-screen $T/k2
:key M-<
:dump-screen $T/k3
:key M->
:dump-screen $T/k4
:key F5
:dump-screen $T/k5
:key C-t
:dump-screen $T/k6
S
LLM_CLIPBOARD="cat >'$T/clip'" tui k
check_eq "scroll: exit 0" "$TUI_RC" 0
check_contains "scroll: follows the end" "$(screen "$T/k0")" "• item 60"
check_contains "page up: earlier lines" "$(screen "$T/k1")" "• item 39"
check_not_contains "page up: end out of view" "$(screen "$T/k1")" "• item 60"
check_contains "page up: says what is below" "$(screen "$T/k1")" "more lines below · M->"
n1=$(grep -o '[0-9]* more lines below' "$T/k1" | cut -d' ' -f1)
n2=$(grep -o '[0-9]* more lines below' "$T/k2" | cut -d' ' -f1)
check_eq "line up: one more line" "$n2" "$((n1 + 1))"
check_contains "top: first message" "$(sed -n 2p "$T/k3")" "you  list them"
check_contains "end: back at the end" "$(screen "$T/k4")" "• item 60"
check_not_contains "end: no indicator" "$(screen "$T/k4")" "more lines below"
check_contains "copy: said" "$(screen "$T/k5")" "copied the last reply"
check_eq "copy: the reply's text" "$(head -1 "$T/clip" 2>/dev/null)" "- item 1"
check_contains "inputrc: macro typed" "$(screen "$T/k6")" "> typed by inputrc"
rm -f "$HOME/.inputrc"

conv=$(sql "select max(id) from conversations")
cat >"$T/l.s" <<S
:key F6 Enter
:dump-screen $T/l0
S
tui l
check_eq "pick resume: exit 0" "$TUI_RC" 0
check_contains "pick resume: latest loaded" "$(sed -n 1p "$T/l0")" "conversation $conv"
check_contains "pick resume: its messages" "$(screen "$T/l0")" "• item 60"

# -- escalation shows both requests; the route line warns before the budget acts
t_write_config
sed -i 's/^budget = 0/budget = 0.08\nbudget_action = downgrade/; s/^escalate = no/escalate = yes/' \
    "$LLM_CONFIG_DIR/config.ini"
rm -rf "$LLM_DATA_DIR"
mkdir -p "$LLM_DATA_DIR"
fake_reset
fake_reply '{"text":"I am sorry, but I cannot help with that.","usage":{"input":100,"output":10}}'
fake_reply '{"text":"Here is how it works.","usage":{"input":100,"output":20}}'
fake_reply '{"text":"mid it is","usage":{"input":10,"output":3}}'
cat >"$T/m.s" <<S
:type /tier cheap
:key Enter
:type explain the thing
:key Enter
:wait-idle
:dump-screen $T/m0
:type /tier frontier
:key Enter
:type explain it again
:dump-screen $T/m1
:key Enter
:wait-idle
:dump-screen $T/m2
S
tui m
check_eq "escalate: exit 0" "$TUI_RC" 0
check_contains "escalate: first request" "$(screen "$T/m0")" "cheap · test-cheap · 100→10 tok · \$0.000014"
check_contains "escalate: second request and why" "$(screen "$T/m0")" "mid · test-mid · 100→20 tok · \$0.0006 · escalated: refusal"
check_contains "escalate: total" "$(screen "$T/m0")" "total \$0.000614"
check_contains "escalate: the answer kept" "$(screen "$T/m0")" "llm  Here is how it works."
check_not_contains "escalate: the refusal not shown as the answer" "$(screen "$T/m0")" "llm  I am sorry"
note=$(grep -n "escalated: refusal from test-cheap" "$T/m0" | cut -d: -f1)
answer=$(grep -n "llm  Here is how it works" "$T/m0" | cut -d: -f1)
if [ -n "$note" ] && [ -n "$answer" ] && [ "$note" -lt "$answer" ]; then
	ok "escalate: note above the answer"
else
	not_ok "escalate: note above the answer" "$(screen "$T/m0")"
fi
check_contains "budget: route line says the budget moves it" "$(row "$T/m1" 'route ')" "budget moved it"
check_contains "budget: route line shows the lower tier" "$(row "$T/m1" 'route ')" "→ mid  test-mid"
check_contains "budget: estimate still shown" "$(row "$T/m1" 'route ')" '~$'
check_contains "budget: downgrade said" "$(screen "$T/m2")" "budget: downgraded from frontier to mid"
check_eq "budget: mid asked" "$(fake_last body.model)" test-mid-1

# -- Tab completes slash commands and lists the candidates
cat >"$T/n.s" <<S
:type /bu
:key Tab
:dump-screen $T/n0
:key C-a C-k
:type /r
:key Tab Tab
:dump-screen $T/n1
S
tui n
check_contains "complete: unique command" "$(screen "$T/n0")" "│ > /budget "
check_contains "complete: candidates listed" "$(sed -n '$p' "$T/n1")" "/resume  /retry  /run"
check_contains "typing a command: its use on the route line" "$(row "$T/n0" "│ /budget")" \
    "/budget   this month's spend against the budget"
check_contains "typing a command: what it could be" "$(row "$T/n1" "│ /re")" "/retry  /resume"

# -- script mistakes stop the run with file:line; a missing theme is said, not fatal
printf ':type x\n:bogus\n' >"$T/o.s"
tui o
check_eq "script: unknown command exits 2" "$TUI_RC" 2
check_contains "script: file:line" "$(cat "$T/o.err")" "o.s:2: unknown command ':bogus'"
printf ':key F99\n' >"$T/p.s"
tui p
check_contains "script: unknown key" "$(cat "$T/p.err")" "p.s:1: unknown key 'F99'"
printf ':dump-screen %s\n' "$T/q0" >"$T/q.s"
if timeout 60 "$LLM_BIN" chat --theme nosuch --headless "$T/q.s" >"$T/q.out" 2>&1; then
	ok "theme: missing theme is not fatal"
else
	not_ok "theme: missing theme is not fatal" "$(cat "$T/q.out")"
fi
check_contains "theme: said on the status line" "$(sed -n '$p' "$T/q0")" "theme: 'nosuch' not loaded"
check_contains "theme: the reason in the transcript" "$(cat "$T/q0")" "theme 'nosuch' not found (looked in"

# -- /new starts a fresh conversation; /system sets the system prompt sent
fake_reset
fake_default '{"text":"fine","usage":{"input":5,"output":1}}'
cat >"$T/r.s" <<S
:type first message
:key Enter
:wait-idle
:dump-screen $T/r0
:type /new
:key Enter
:dump-screen $T/r1
:type /system be brief
:key Enter
:type second message
:key Enter
:wait-idle
:dump-screen $T/r2
S
tui r
check_eq "new: exit 0" "$TUI_RC" 0
c0=$(sed -n 1p "$T/r0" | grep -o 'conversation [0-9]*')
c2=$(sed -n 1p "$T/r2" | grep -o 'conversation [0-9]*')
check_contains "new: transcript cleared" "$(sed -n 1,3p "$T/r1")" "┌ llm ─"
check_not_contains "new: old message gone" "$(screen "$T/r1")" "first message"
check_contains "new: status" "$(screen "$T/r1")" "new conversation"
if [ -n "$c0" ] && [ -n "$c2" ] && [ "$c0" != "$c2" ]; then ok "new: another conversation id"; else
	not_ok "new: another conversation id" "$c0 / $c2"; fi
check_eq "new: history not sent" "$(fake_last body.messages | python3 -c 'import json,sys; print(len([m for m in json.load(sys.stdin) if m["role"] != "system"]))')" 1
check_contains "system: sent" "$(fake_last body)" "be brief"

# -- reading back while a reply streams: the lines in view stay put
fake_reset
long=$(python3 -c 'print("\\n".join("- item %d" % i for i in range(1, 61)))')
fake_reply '{"text":"'"$long"'","usage":{"input":10,"output":200}}'
rm -f "$T/rel"
fake_reply '{"chunks":["first line\n\n","second line\n\n","third line\n\n"],"hold_file":"'"$T"'/rel"}'
cat >"$T/s.s" <<S
:type /tier cheap
:key Enter
:type list
:key Enter
:wait-idle
:type more
:key Enter
:wait-text first line
:key PageUp
:dump-screen $T/s0
:touch $T/rel
:wait-idle
:dump-screen $T/s1
:key M->
:dump-screen $T/s2
S
tui s 60x20
check_eq "anchor: exit 0" "$TUI_RC" 0
check_eq "anchor: same lines in view" "$(sed -n 2,14p "$T/s1")" "$(sed -n 2,14p "$T/s0")"
b0=$(grep -o '[0-9]* more lines below' "$T/s0" | cut -d' ' -f1)
b1=$(grep -o '[0-9]* more lines below' "$T/s1" | cut -d' ' -f1)
if [ -n "$b0" ] && [ -n "$b1" ] && [ "$b1" -gt "$b0" ]; then ok "anchor: new lines counted below"; else
	not_ok "anchor: new lines counted below" "$b0 -> $b1"; fi
check_contains "anchor: end shows the whole reply" "$(screen "$T/s2")" "third line"

# -- readline's history search shows its prompt; a long paste keeps the cursor row in view
rows=$(python3 -c 'print("\\n".join("row %d" % i for i in range(100)))')
cat >"$T/u.s" <<S
:key C-r
:type second m
:dump-screen $T/u0
:key C-g C-a C-k
:paste $rows
:dump-screen $T/u1
S
tui u 80x24
check_eq "search: exit 0" "$TUI_RC" 0
check_contains "search: prompt and match" "$(screen "$T/u0")" "(reverse-i-search)\`second m': second message"
check_contains "long paste: last row shown" "$(sed -n 23p "$T/u1")" "│   row 99"
check_contains "long paste: rows above it" "$(sed -n 18p "$T/u1")" "│   row 94"

# -- llm chat's own errors: exit 2 with a reason, never a half-started screen
run_llm chat --bogus
check_rc "chat --bogus: exit 2" 2
check_contains "chat --bogus: said" "$ERR" "llm: chat: unknown option '--bogus'"
run_llm chat hello
check_rc "chat PROMPT: exit 2" 2
check_contains "chat PROMPT: said" "$ERR" "takes no prompt"
run_llm chat -t nope
check_rc "chat -t nope: exit 2" 2
run_llm chat
check_rc "chat without a terminal: exit 2" 2
check_contains "chat without a terminal: said" "$ERR" "needs a terminal on stdin and stdout"

# -- /theme switches colours at once; /copy N copies a code block; LLM_TUI_SCRIPT drives it too
fake_reset
fake_reply '{"text":"two blocks:\n\n```sh\necho one\n```\n\n```py\nprint(2)\n```\n","usage":{"input":5,"output":9}}'
cat >"$T/v.s" <<S
:type hi
:key Enter
:wait-idle
:dump-colors $T/v0
:type /theme light
:key Enter
:dump-colors $T/v1
:type /theme nosuch
:key Enter
:dump-screen $T/v2
:type /copy 2
:key Enter
:dump-screen $T/v3
S
if LLM_TUI_SCRIPT="$T/v.s" LLM_CLIPBOARD="cat >'$T/clip2'" timeout 60 "$LLM_BIN" chat >"$T/v.out" 2>&1; then
	ok "LLM_TUI_SCRIPT: ran"
else
	not_ok "LLM_TUI_SCRIPT: ran" "$(cat "$T/v.out")"
fi
check_contains "theme: default colours first" "$(cat "$T/v0")" "user fg=75"
check_contains "theme: light after /theme light" "$(cat "$T/v1")" "user fg=25"
check_contains "theme: a bad name is said" "$(sed -n '$p' "$T/v2")" "theme: 'nosuch' not loaded"
check_contains "theme: a bad name, why" "$(cat "$T/v2")" "theme 'nosuch' not found"
check_contains "copy N: said" "$(sed -n '$p' "$T/v3")" "copied code block 2"
check_eq "copy N: the block's text" "$(cat "$T/clip2" 2>/dev/null)" "print(2)"

# -- vi keys from ~/.inputrc
printf 'set editing-mode vi\n' >"$HOME/.inputrc"
fake_reset
fake_default '{"text":"ok","usage":{"input":5,"output":1}}'
cat >"$T/w.s" <<S
:type /tier cheap
:key Enter
:type hello world
:key Esc
:type bi
:type big 
:key Enter
:wait-idle
S
tui w
rm -f "$HOME/.inputrc"
check_eq "vi mode: exit 0" "$TUI_RC" 0
check_eq "vi mode: edited in command mode" "$(fake_last body.messages.-1.content)" "hello big world"

# -- --cid continues a given conversation; C-d on an empty line quits
first=$(sql "select min(id) from conversations")
cat >"$T/x.s" <<S
:dump-screen $T/x0
:key C-d
:dump-screen $T/x1
S
if timeout 60 "$LLM_BIN" chat --cid "$first" --headless "$T/x.s" >"$T/x.out" 2>&1; then
	ok "--cid: exit 0"
else
	not_ok "--cid: exit 0" "$(cat "$T/x.out")"
fi
check_contains "--cid: that conversation" "$(sed -n 1p "$T/x0")" "conversation $first"
check_eq "C-d: quits on an empty line" "$(screen "$T/x1")" "(no dump $T/x1)"
printf ':dump-screen %s\n' "$T/y0" >"$T/y.s"
timeout 60 "$LLM_BIN" chat --cid 99999 --headless "$T/y.s" >"$T/y.out" 2>&1
check_contains "--cid: unknown id said" "$(sed -n '$p' "$T/y0")" "conversation 99999:"

# -- an attached file holding a code fence is fenced with a longer one
printf 'Intro\n```sh\nmake\n```\n' >"$T/readme.md"
fake_reset
fake_default '{"text":"ok","usage":{"input":5,"output":1}}'
cat >"$T/z.s" <<S
:type /tier cheap
:key Enter
:type /file $T/readme.md
:key Enter
:type summarise
:key Enter
:wait-idle
S
tui z
check_eq "fence: exit 0" "$TUI_RC" 0
check_eq "fence: longer than the file's" "$(fake_last body.messages.-1.content)" "File: $T/readme.md
\`\`\`\`
Intro
\`\`\`sh
make
\`\`\`
\`\`\`\`

summarise"

# -- SIGINT from outside cancels like C-c (handler, self-pipe, loop)
fake_reset
rm -f "$T/rel2"
fake_reply '{"text":"slow answer that will not finish","hold_file":"'"$T"'/rel2","usage":{"input":5,"output":6}}'
cat >"$T/sg.s" <<S
:type /tier cheap
:key Enter
:type go
:key Enter
:wait-text llm  slow
:signal INT
:wait-idle
:dump-screen $T/sg0
:touch $T/rel2
S
tui sg
check_eq "SIGINT: exit 0" "$TUI_RC" 0
check_contains "SIGINT: cancelled" "$(screen "$T/sg0")" "cancelled: the partial answer and its cost are kept"
check_eq "SIGINT: ledger row cancelled" "$(sql "select status from usage order by id desc limit 1")" cancelled


# -- /run runs in the background: the screen stays live, a message waits, the cancel key stops it
fake_reset
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'
cat >"$T/r.s" <<S
:type /run echo started; sleep 30; echo late
:key Enter
:key y
:wait-text running (C-c stops it)
:dump-screen $T/r1
:type too soon
:key Enter
:dump-screen $T/r2
:key C-c
:wait-idle
:dump-screen $T/r3
:key C-u
:type /run printf 'a%.0s' \$(seq 300000); echo; exit 3
:key Enter
:key y
:wait-idle
:dump-screen $T/r4
:key C-u
:type after
:key Enter
:wait-idle
S
t0=$(date +%s)
tui r
t1=$(date +%s)
check_eq "run bg: exit 0" "$TUI_RC" 0
check_contains "run bg: says it runs and how to stop it" "$(screen "$T/r1")" "running (C-c stops it): echo started"
check_contains "run bg: a message waits for it" "$(screen "$T/r2")" "a /run command is still running: wait for its output"
check_eq "run bg: nothing sent while it ran" "$(fake_count)" 1
check_contains "run bg: stopped" "$(screen "$T/r3")" "stopped, nothing attached: echo started"
check "run bg: stopping took no 30 s" test $((t1 - t0)) -lt 20
check_contains "run bg: a long output is cut" "$(screen "$T/r4")" "exit 3"
check_contains "run bg: cut at the cap, said in the attachment" "$(fake_get 0 body.messages.-1.content)" "(exit 3), cut at 256 KiB"
check_not_contains "run bg: the stopped command attached nothing" "$(fake_get 0 body.messages.-1.content)" "late"

echo "# $T_PASS passed, $T_FAIL failed"
