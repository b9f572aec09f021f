#!/bin/sh
# bidi.sh: bidirectional controls from a model or a server ("trojan source") reach no terminal
# raw: the CLI on a terminal, error messages, the TUI and the code /save writes show <U+202E>.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# no_bidi FILE: exit 0 if FILE holds none of the bidi controls; else say which.
no_bidi() {
	t_py - "$1" <<'PY'
import sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
bidi = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}
bad = sorted({"U+%04X" % ord(c) for c in text if ord(c) in bidi})
if bad:
    sys.exit("bidi controls: %s" % " ".join(bad))
PY
}

# The classic: an override makes "} if (isAdmin) {" read as a comment.
reply='{"chunks":["access = \"user\u202e \u2066// check if admin\u2069 \u2066\"", " mark\u200e\u200f\u061c end"],"byte_writes":true}'
fake_reply "$reply"
on_pty "$T/tty" -q -m test-cheap "show me"
check_eq "tty: exit 0" "$RC" 0
check "tty: no bidi control reaches the terminal" no_bidi "$T/tty"
check_contains "tty: shown as placeholders" "$(tr -d '\r' <"$T/tty")" \
    'access = "user<U+202E> <U+2066>// check if admin<U+2069> <U+2066>" mark<U+200E><U+200F><U+061C> end'

# Into a pipe the answer is data: the bytes are passed on unchanged.
fake_reply "$reply"
run_llm -q -m test-cheap "show me"
check_contains "pipe: bytes unchanged" "$OUT" "$(printf 'user\342\200\256 ')"

# A server's error message is shown made visible too.
fake_reply '{"status":400,"message":"model \u202egnp.exe\u202c not found"}'
run_llm -q -m test-cheap "x"
check_contains "error: placeholder in the message" "$ERR" "model <U+202E>gnp.exe<U+202C> not found"
check "error: no bidi control on stderr" no_bidi "$T/err"

# The TUI shows them as placeholders, and /save writes the code as it was shown.
fake_reply '{"text":"Here:\n\n```c\nif (ok) { /* \u202e } \u2066if (admin)\u2069 { */\n```\n"}'
cat >"$T/t.s" <<S
:type /model test-cheap
:key Enter
:type show me
:key Enter
:wait-idle
:dump-screen $T/t0
:type /save 1 $T/saved.c
:key Enter
:dump-screen $T/t1
S
timeout -k 5 60 "$LLM_BIN" chat --headless "$T/t.s" --size 100x30 >"$T/t.out" 2>"$T/t.err"
check_eq "tui: exit 0" "$?" 0
check "tui: no bidi control on the screen" no_bidi "$T/t0"
check_contains "tui: placeholders on the screen" "$(cat "$T/t0" 2>/dev/null)" \
    "if (ok) { /* <U+202E> } <U+2066>if (admin)<U+2069> { */"
check_contains "tui: saved" "$(cat "$T/t1" 2>/dev/null)" "saved code block 1"
check "tui: /save writes no bidi control" no_bidi "$T/saved.c"
check_eq "tui: /save writes what was shown" "$(cat "$T/saved.c" 2>/dev/null)" \
    "if (ok) { /* <U+202E> } <U+2066>if (admin)<U+2069> { */"
