# The full-screen client, driven headless: the first screen and the route line following the input.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

tui_ok "start" a <<S
:dump-screen $T/a0
:type hi
:dump-screen $T/a1
:type  there, why does this segfault?
:dump-screen $T/a2
:key C-a C-k
:dump-screen $T/a3
S
check_contains "start: frame" "$(sed -n 1p "$T/a0")" "┌ llm ─"
check_screen "start: route waits for input" a0 "route auto  type a message to see where it goes"
check_screen "start: meter has the month and budget" a0 "Nov ░░░░░░░░░░░░░░░ \$0.00 of \$1.00 (0%)"
check_contains "start: tier shown" "$(row "$T/a0" Nov)" "tier: auto  F2"
check_screen "start: prompt" a0 "│ >"
check_contains "typing: route decided" "$(row "$T/a1" 'route ')" "route auto → "
check_contains "typing: estimate shown" "$(row "$T/a1" 'route ')" '~$'
check_screen "typing: input echoed" a2 "> hi there, why does this segfault?"
if [ "$(row "$T/a1" 'route ')" != "$(row "$T/a2" 'route ')" ]; then
	ok "typing: route line follows the input"
else
	not_ok "typing: route line follows the input" "$(row "$T/a1" 'route ')"
fi
check_contains "readline: C-a C-k empties the input" "$(row "$T/a3" 'route ')" "type a message"
check_not_screen "start: with keys, no key hint" a0 "No API key yet"

# a first start with no key for any model: the screen says how to give one
sed -i 's/^models = test-cheap, test-local$/models = test-cheap/' "$LLM_CONFIG_DIR/config.ini"
(
	unset OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY
	tui_ok "no key" k <<S
:dump-screen $T/k0
S
)
check_screen "no key: says none is set" k0 "No API key yet"
check_screen "no key: names the command" k0 "llm keys set PROVIDER"
check_screen "no key: names the tiers' providers" k0 "(openai, anthropic or gemini)"
t_write_config

# a locale without UTF-8: frames, the cost line and the reply in ASCII, every
# character one cell, nothing drawn as escapes
fake_reply '{"text":"caf\u00e9 \u2192 \u201cdone\u201d \u2014 ok\u2026"}'
(
	export LC_ALL=C LANG=C
	tui_ok "LANG=C" c <<S
:type hi
:key Enter
:wait-idle
:dump-screen $T/c0
S
)
check_contains "LANG=C: ASCII frame" "$(sed -n 1p "$T/c0")" "+ llm - conversation 1 -"
check_screen "LANG=C: the cost line in ASCII" c0 "cheap - test-cheap - "
check_screen "LANG=C: the reply's characters stand in one cell each" c0 'caf? > "done" - ok.'
if LC_ALL=C grep -q '[^ -~]' "$T/c0"; then
	not_ok "LANG=C: only printable ASCII on the screen" "$(LC_ALL=C grep -n '[^ -~]' "$T/c0" | head -3)"
else
	ok "LANG=C: only printable ASCII on the screen"
fi

echo "# $T_PASS passed, $T_FAIL failed"
