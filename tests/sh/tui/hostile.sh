# The full-screen client, driven headless: text from the model is data: escapes shown, never emitted.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

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
TUI_OUT="$T/g.raw" tui_ok "escape" g <<S
:type hi
:key Enter
:wait-idle
:type again
:key Enter
:wait-idle
:dump-screen $T/g0
S
check_screen "escape: OSC 52 visible" g0 "␛]52;c;aGVsbG8=␇"
check_screen "escape: clear visible" g0 "␛[2J and ␛[31m bell␇"
esc=$(printf '\033')
bel=$(printf '\007')
csi=$(printf '\302\233')
check_eq "escape: no OSC 52 emitted" "$(grep -c "${esc}\]52" "$T/g.raw")" 0
check_eq "escape: no BEL emitted" "$(grep -c "$bel" "$T/g.raw")" 0
check_eq "escape: no C1 CSI emitted" "$(grep -c "$csi" "$T/g.raw")" 0
check_eq "escape: no clear beyond the screen's own" "$(grep -o "${esc}\[2J" "$T/g.raw" | wc -l)" \
    "$(grep -o "${esc}\[2J" "$T/f.raw" | wc -l)"

# a reply whose lines end "\r\n" reads as one written with "\n": its paragraphs apart, no
# control picture at each line's end; a carriage return elsewhere still shows
fake_reply '{"chunks":["First para\r","\nstill first.\r\n\r\nSecond para.\r\n\r\n```\r\ncode line\r\n```\r\nA \rB"]}'
tui_ok "crlf" c <<S
:type hi
:key Enter
:wait-idle
:dump-screen $T/c0
S
check_screen "crlf: the lines of a paragraph joined" c0 "llm  First para still first."
check_screen "crlf: the next paragraph apart" c0 "│      Second para."
check_screen "crlf: the code block" c0 "│      │ code line  "
check_eq "crlf: no CR shown at a line's end" "$(grep -c '␍ *│' "$T/c0")" 0
check_screen "crlf: a CR elsewhere shows" c0 "A ␍B"

echo "# $T_PASS passed, $T_FAIL failed"
