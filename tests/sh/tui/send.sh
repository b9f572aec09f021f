# The full-screen client, driven headless: a streamed reply on a forced tier: cost line and meter match the ledger.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reply '{"text":"The pointer `p` is **freed** twice.\n\n```c\nfree(p);\n```\n","usage":{"input":50000,"output":30000}}'
tui_ok "send" b <<S
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
:type /save $T/reply.md
:key Enter
:dump-screen $T/b6
:type /save $T/reply.md
:key Enter
:dump-screen $T/b7
:type /budget
:key Enter
:dump-screen $T/b8
:type /save 2 $T/two.c
:key Enter
:dump-screen $T/b9
:type /copy 7
:key Enter
:dump-screen $T/b10
S
check_golden tui-chat-reply "$T/b2"
check_screen "tier: status says mid" b0 "tier: mid"
check_contains "tier: route line" "$(row "$T/b1" 'route ')" "route tier → mid  test-mid"
check_eq "tier: mid model sent" "$(fake_last body.model)" test-mid-1
check_screen "send: user line" b2 "│ you  why does this segfault?"
check_screen "send: reply rendered" b2 "│ llm  The pointer p is freed twice."
check_screen "send: code block numbered" b2 "┌ [1] c"
cost=$(sql "select cost_pico from usage order by id desc limit 1")
# 50000 * 3 + 30000 * 15 micro-dollars = $0.60
check_eq "ledger: exact cost" "$cost" 600000000000
check_screen "send: cost line" b2 "mid · test-mid · 50k→30k tok · \$0.60"
check_contains "meter: spent of budget" "$(row "$T/b2" "│ Nov ")" "\$0.60 of \$1.00 (60%)"
check_contains "meter: bar" "$(row "$T/b2" "│ Nov ")" "Nov █████████░░░░░░"
meter_row=$(grep -n '│ Nov ' "$T/b3" | head -1 | cut -d: -f1)
styles=$(sed -n "/^-- styles/,\$p" "$T/b3" | grep "^ *$((meter_row - 1)): ")
check_contains "meter: 60% in the warning colour" "$styles" "meter_warn fg=178"
check_eq "save: code block written" "$(cat "$T/saved.c" 2>/dev/null)" "free(p);"
check_screen "save: status" b4 "saved code block 1 c to"
check_screen "save: never overwrites" b5 "(not overwritten)"
check_eq "save: no block number: the whole reply" "$(cat "$T/reply.md" 2>/dev/null)" \
    "$(sqlite3 "$DB" "select text from messages where role = 'assistant' order by id desc limit 1")"
check_screen "save reply: status" b6 "saved the last reply to"
check_screen "save reply: never overwrites" b7 "(not overwritten)"
check_screen "save: a block not there, and the ones that are" b9 \
    "/save: there is no code block 2: the only one is 1"
check_screen "copy: a block not there, and the ones that are" b10 \
    "/copy: there is no code block 7: the only one is 1"
check_eq "history: lines kept" "$(grep -c 'why does this segfault' "$LLM_DATA_DIR/history")" 1

# a message of several lines comes back from the history whole, in the next session too
fake_reply '{"text":"ok"}'
tui_ok "history-lines" h1 <<S
:type first line
:key C-j
:type second line
:key Enter
:wait-idle
:key Up
:dump-screen $T/h1
S
tui_ok "history-lines: later" h2 <<S
:key Up
:dump-screen $T/h2
S
check_screen "history: a message of two lines, recalled" h1 "> first line"
check_screen "history: ... whole" h1 "  second line"
check_screen "history: in the next session, its first line" h2 "> first line"
check_screen "history: ... and its second" h2 "  second line"
# a line that starts with # and a number is a line of the message, not the file's own marker
fake_reply '{"text":"ok"}'
tui_ok "history-hash" h3 <<S
:type #42 fails again
:key C-j
:type #7 too
:key Enter
:wait-idle
S
tui_ok "history-hash: later" h4 <<S
:key Up
:dump-screen $T/h4
S
check_screen "history: #42 kept" h4 "> #42 fails again"
check_screen "history: #7 kept" h4 "  #7 too"

# past 80% of the budget: the warning, said once a month, stays whole in the transcript
fake_reply '{"text":"more","usage":{"input":10000,"output":18000}}'
tui_ok "warn" w 60x20 <<S
:type /tier mid
:key Enter
:type and again
:key Enter
:wait-idle
:type x
:dump-screen $T/w0
S
check_screen "warn: passed 80% said" w0 "budget: 2026-11 passed 80% of its budget: \$0.90 of"
check_screen "warn: its end shown too, after a key" w0 "at this pace"

# Esc alone in the input is not Meta for the next key: a slash command after it is a command
n=$(fake_count)
tui_ok "esc" e <<S
:key Esc
:type /tier frontier
:key Enter
:dump-screen $T/e0
:type /copy 3
:key Enter
:dump-screen $T/e1
S
check_contains "esc: the command ran" "$(row "$T/e0" "│ Nov ")" "tier: frontier"
check_screen "copy: no block yet" e1 "/copy: there is no code block 3: no reply has one yet"
check_eq "esc: nothing sent" "$(fake_count)" "$n"

# blanks alone are no message: nothing sent or shown, the route line waits, no history line
n=$(fake_count)
hist=$(grep -c . "$LLM_DATA_DIR/history")
tui_ok "blank" k <<S
:paste   \t
:dump-screen $T/k0
:key Enter
:paste \n  \n\t
:key Enter
:wait-idle
:dump-screen $T/k1
S
check_eq "blank: nothing sent" "$(fake_count)" "$n"
check_contains "blank: the route line waits for a message" "$(row "$T/k0" 'route ')" \
    "type a message to see where it goes"
check_not_screen "blank: no message shown" k1 "you "
check_screen "blank: the welcome stays" k1 "Type a message and press Enter"
check_eq "blank: no history line" "$(grep -c . "$LLM_DATA_DIR/history")" "$hist"

check_screen "/budget: one request is one" b8 "; 1 request, 0 of unknown cost"
# nothing is reserved once the reply is in: no "~$0.00 reserved" claims a reservation
check_screen "/budget: spend and limit alone" b8 "budget 2026-11: \$0.60 spent, of \$1.00 (60%)"
check_not_screen "/budget: no reservation named" b8 "reserved"
# 60% spent is not over the budget: the action is what happens at the limit, as llm budget says
check_contains "/budget: the action at the limit (downgrade by default)" \
    "$(sed 's/^│ *//; s/ *│$//' "$T/b8" | tr '\n' ' ')" "; at the limit: downgrade"
check_not_screen "/budget: not said to be over it" b8 "over budget"

# a live reservation of a fraction of a cent is named, not rounded to $0.00
now=$(sql "SELECT max(time) FROM usage")
sql "INSERT INTO usage (time, model, tier, worst_case_pico, status, pid, expires)
  VALUES ($now, 'test-mid', 'mid', 31000, 'reserved', 1, $now + 3600)"
tui_ok "budget reserved" r <<S
:type /budget
:key Enter
:dump-screen $T/r0
S
check_screen "/budget: a sub-cent reservation named" r0 "\$0.90 spent, ~\$0.000000031 reserved, of \$1.00"

echo "# $T_PASS passed, $T_FAIL failed"
