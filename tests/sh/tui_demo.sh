# make demo's script: starts its own fake provider, the client answers through it, and it cleans up.
# By default the agent demo: a task on a scratch project that reads, asks the advisor once, edits
# after a y, runs the test and finishes, every step priced; DEMO=chat is a plain conversation.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
cat >"$T/demo.s" <<S
:type make the test pass
:key Enter
:wait-text edit? y yes
:dump-screen $T/demo0.dump
:key y
:wait-idle
:dump-screen $T/demo.dump
:key PageUp
:dump-screen $T/demo1.dump
S
mkdir -p "$T/tmp"
if TMPDIR="$T/tmp" LLM_BIN="$LLM_BIN" timeout 60 sh "$LLM_TOP/scripts/demo.sh" \
    --headless "$T/demo.s" --size 100x40 >"$T/out" 2>&1; then
	ok "agent demo: exit 0"
else
	not_ok "agent demo: exit 0" "$(cat "$T/out")"
fi
d0=$(cat "$T/demo0.dump" 2>&1)
d=$(cat "$T/demo.dump" "$T/demo1.dump" 2>&1)
check_contains "agent demo: in agent mode" "$d0" "agent: working"
check_contains "agent demo: it reads" "$d" "▸ read sum.sh 1–3"
check_contains "agent demo: it asks the advisor" "$d" "▸ advise \"sum.sh prints \$1 - \$2 but its comment and test say A + B. Is…\""
check_contains "agent demo: the advisor's answer" "$d" "│ Yes: sum.sh subtracts where its comment and its test add."
check_contains "agent demo: the advisor's step priced" "$d" "advisor · frontier · demo-frontier · 700→30 tok · \$"
check_contains "agent demo: the edit waits for y" "$d0" "+echo \$(( \$1 + \$2 ))"
check_contains "agent demo: the edit" "$d" "▸ edit sum.sh +1 −1"
check_contains "agent demo: the test runs and passes" "$d" "┊ PASS"
check_contains "agent demo: the answer" "$d" "Fixed: sum.sh subtracted instead of adding."
check_contains "agent demo: the first step priced" "$d" "step 1 · mid · demo-mid · 1.5k→60 tok · \$"
check_eq "agent demo: every step priced, each with the task's total" \
    "$(printf '%s\n' "$d" | grep -o 'step [1-6] · [^│]* tok · \$[0-9.]* · task \$[0-9.]*' | cut -c1-6 | sort -u | tr '\n' ' ')" \
    "step 1 step 2 step 3 step 4 step 5 step 6 "
check_contains "agent demo: \$5 budget" "$d" "of \$5.00"
check_eq "agent demo: temporary directory removed" "$(ls "$T/tmp")" ""

cat >"$T/chat.s" <<S
:type hello demo
:key Enter
:wait-idle
:dump-screen $T/chat.dump
S
if DEMO=chat TMPDIR="$T/tmp" LLM_BIN="$LLM_BIN" timeout 60 sh "$LLM_TOP/scripts/demo.sh" \
    --headless "$T/chat.s" --size 100x40 >"$T/out" 2>&1; then
	ok "demo: exit 0"
else
	not_ok "demo: exit 0" "$(cat "$T/out")"
fi
check_contains "demo: friendly reply" "$(cat "$T/chat.dump" 2>&1)" "llm  Hello from the demo"
check_contains "demo: priced on the cheap model" "$(cat "$T/chat.dump" 2>&1)" "cheap · demo-cheap · "
check_contains "demo: \$5 budget" "$(cat "$T/chat.dump" 2>&1)" "of \$5.00"
check_eq "demo: temporary directory removed" "$(ls "$T/tmp")" ""

# The README shows DEMO=chat's screen after one message, with a stack trace being typed: it is
# that screen, as the client draws it today (96x28, in November).
cat >"$T/readme.s" <<S
:type why does calling free twice crash?
:key Enter
:wait-idle
:type Program received signal SIGSEGV at main.c:12 in free()
:wait-idle
:dump-screen $T/readme.dump
S
LLM_NOW=$(date -u -d '2026-11-16 12:00:00' +%s) DEMO=chat TMPDIR="$T/tmp" LLM_BIN="$LLM_BIN" \
    timeout 60 sh "$LLM_TOP/scripts/demo.sh" --headless "$T/readme.s" --size 96x28 >"$T/out" 2>&1
awk 'f && /^```/ { if (inb) exit; inb = 1; next } inb { print } /which looks like this/ { f = 1 }' \
    "$LLM_TOP/README.md" >"$T/readme.txt"
if cmp -s "$T/readme.txt" "$T/readme.dump"; then
	ok "demo: the README's capture is the real screen"
else
	not_ok "demo: the README's capture is the real screen" "$(diff "$T/readme.txt" "$T/readme.dump" 2>&1)"
fi
echo "# $T_PASS passed, $T_FAIL failed"
