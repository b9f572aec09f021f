# Text from the model is data: on a terminal the CLI shows escape sequences and
# control characters visibly and writes none of them raw; into a pipe the bytes
# pass through unchanged. The terminal is a real pseudo-terminal.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# terminal_safe FILE: exit 0 if FILE is valid UTF-8 holding no control
# character (C0, DEL or C1) but CR and LF; else say which and where.
terminal_safe() {
	t_py - "$1" <<'PY'
import sys
text = open(sys.argv[1], "rb").read().decode("utf-8")  # raises on bytes that are not UTF-8
bad = [(i, hex(ord(c))) for i, c in enumerate(text)
       if (ord(c) < 0x20 and c not in "\r\n") or 0x7f <= ord(c) <= 0x9f]
if bad:
    sys.exit("control characters at %s" % bad[:5])
PY
}

# raw_count FILE BYTE: how many times the octal BYTE occurs in FILE.
raw_count() {
	tr -cd "\\$2" <"$1" | wc -c | tr -d ' '
}

# The fake's escape text: ESC[2J clears the screen, ESC]52;c;...BEL sets the
# clipboard, and a bare BEL rings the bell.
printf 'Clear\033[2Jthe screen, set the clipboard\033]52;c;Zm9v\007 and ring\007 the bell.\n' >"$T/raw"
printf 'Clear\342\220\233[2Jthe screen, set the clipboard\342\220\233]52;c;Zm9v\342\220\207 and ring\342\220\207 the bell.' >"$T/visible"

for m in test-cheap test-mid test-frontier test-local; do
	for mode in stream no-stream; do
		args="-q -m $m"
		[ "$mode" = no-stream ] && args="$args --no-stream"
		name="$m $mode"
		fake_reply '{"fault":"escape"}'
		# shellcheck disable=SC2086
		on_pty "$T/tty" $args "show me"
		check_eq "tty $name: exit 0" "$RC" 0
		check_eq "tty $name: no raw ESC" "$(raw_count "$T/tty" 033)" 0
		check_eq "tty $name: no raw BEL" "$(raw_count "$T/tty" 007)" 0
		check "tty $name: UTF-8 with no control characters" terminal_safe "$T/tty"
		# the terminal turns \n into \r\n
		check_eq "tty $name: escapes shown as symbols" "$(tr -d '\r' <"$T/tty")" "$(cat "$T/visible")"

		fake_reply '{"fault":"escape"}'
		# shellcheck disable=SC2086
		run_llm $args "show me"
		check_rc "pipe $name: exit 0" 0
		check "pipe $name: bytes unchanged" cmp "$T/out" "$T/raw"
	done
done

# the same holds for a C1 control and for bytes that are not UTF-8
# (\u009b is U+009B, CSI; the fake sends the lone surrogate \udc9b as the raw byte 0x9b)
fake_reply '{"chunks":["a \u009b", "31m red and a lone \udc9b", "2J"]}'
on_pty "$T/tty" -q -m test-cheap "c1"
check_eq "tty C1: exit 0" "$RC" 0
check "tty C1: UTF-8 with no control characters" terminal_safe "$T/tty"
check_contains "tty C1: shown as ESC [" "$(cat "$T/tty")" "a ␛[31m red"
check_contains "tty C1: a lone 0x9b shown as U+FFFD" "$(cat "$T/tty")" "lone �2J"

# --json writes the model's text as data too: a C1 control (U+009B is CSI,
# U+009D OSC, U+009C ST) and DEL as \u escapes, which JSON allows and a reader
# turns back into the same text, never as raw bytes a terminal acts on. So do
# llm logs --json and llm logs export --format json, which hold the same text.
c1='a \u009b2J b \u009d52;c;Zm9v\u009c c \u007f d'
fake_reply "{\"text\":\"$c1\"}"
on_pty "$T/tty" -q -m test-cheap --json "c1 json"
check_eq "tty --json: exit 0" "$RC" 0
check "tty --json: UTF-8 with no control characters" terminal_safe "$T/tty"
check_contains "tty --json: C1 and DEL escaped" "$(cat "$T/tty")" "\"text\":\"$c1\""
fake_reply "{\"text\":\"$c1\"}"
run_llm -q -m test-cheap --json "c1 json"
check_eq "pipe --json: the text read back is the reply" "$(json_get "$T/out" text | od -c)" \
    "$(printf 'a \302\2332J b \302\23552;c;Zm9v\302\234 c \177 d\n' | od -c)"
cid=$(json_get "$T/out" conversation_id)
on_pty "$T/tty" logs --json -n 1
check "tty logs --json: UTF-8 with no control characters" terminal_safe "$T/tty"
check_contains "tty logs --json: C1 and DEL escaped" "$(cat "$T/tty")" "\"text\":\"$c1\""
on_pty "$T/tty" logs export "$cid" --format json
check "tty logs export json: UTF-8 with no control characters" terminal_safe "$T/tty"
# a bidirectional control (U+202E shows what follows right to left, U+2066 isolates)
# is no escape but reorders what the terminal shows: escaped too, read back the same
bidi='x \u202escript.sh\u202c y \u2066z\u2069 \u200f.'
fake_reply "{\"text\":\"$bidi\"}"
on_pty "$T/tty" -q -m test-cheap --json "bidi json"
check_contains "tty --json: bidirectional controls escaped" "$(cat "$T/tty")" "\"text\":\"$bidi\""
fake_reply "{\"text\":\"$bidi\"}"
run_llm -q -m test-cheap --json "bidi json"
check_eq "pipe --json: bidirectional controls read back as sent" \
    "$(json_get "$T/out" text | od -c)" \
    "$(printf 'x \342\200\256script.sh\342\200\254 y \342\201\246z\342\201\251 \342\200\217.\n' | od -c)"

# -o into a device writes into it: a terminal named so (-o /dev/stdout on one, -o
# /dev/tty) gets the answer as stdout on a terminal does, escapes shown, none obeyed.
fake_reply '{"fault":"escape"}'
on_pty "$T/tty" -q -m test-cheap -o /dev/stdout "show me"
check_eq "tty -o /dev/stdout: exit 0" "$RC" 0
check_eq "tty -o /dev/stdout: no raw ESC" "$(raw_count "$T/tty" 033)" 0
check "tty -o /dev/stdout: UTF-8 with no control characters" terminal_safe "$T/tty"
check_eq "tty -o /dev/stdout: escapes shown as symbols" "$(tr -d '\r' <"$T/tty")" "$(cat "$T/visible")"
fake_reply '{"fault":"escape"}'
"$LLM_BIN" -q -m test-cheap -o /dev/stdout "show me" 2>"$T/err" | cat >"$T/piped"
check "pipe -o /dev/stdout: bytes unchanged" cmp "$T/piped" "$T/raw"

# llm keys list shows a key's last four characters: of a key that holds control characters
# (refused by every request) none is shown, since they could be an escape sequence.
OPENAI_API_KEY=$(printf 'sk-test-abcdefgh\033[2J') on_pty "$T/tty" keys list
check_eq "keys list, key with ESC: exit 0" "$RC" 0
check_eq "keys list, key with ESC: no raw ESC" "$(raw_count "$T/tty" 033)" 0
check_contains "keys list, key with ESC: says it is refused" "$(grep '^openai ' "$T/tty")" \
    "(holds control characters: refused)"
check_contains "keys list, a good key: its last four" "$(grep '^anthropic ' "$T/tty")" "…0002"
