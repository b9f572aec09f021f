# Helpers for the full-screen client's tests (tests/sh/tui/*.sh), sourced after tests/lib.sh.

# tui_setup: t_setup, a fixed clock in November 2026 and a $1 monthly budget.
tui_setup() {
	t_setup
	t_november
	sed -i 's/^budget = 0/budget = 1/' "$LLM_CONFIG_DIR/config.ini"
	DB="$LLM_DATA_DIR/llm.db"
}

# tui NAME [SIZE [ARGS...]]: run the script $T/NAME.s headless (SIZE 100x30 by
# default), with more llm chat ARGS if given; TUI_RC, stderr in $T/NAME.err.
# TUI_RC is read by the scripts that source this file.
# shellcheck disable=SC2034
tui() {
	_n=$1
	_s=${2:-100x30}
	shift
	[ $# -gt 0 ] && shift
	if timeout -k 5 60 "$LLM_BIN" chat --headless "$T/$_n.s" --size "$_s" \
	    ${TUI_OUT:+--out "$TUI_OUT"} "$@" >"$T/$_n.out" 2>"$T/$_n.err"; then
		TUI_RC=0
	else
		TUI_RC=$?
	fi
}

# tui_ok LABEL NAME [SIZE [ARGS...]]: the script on stdin becomes $T/NAME.s; run
# it (tui, with no input) and check that the client exits 0, as "LABEL: exit 0".
tui_ok() {
	tui_ok_in . "$@"
}

# tui_ok_in DIR LABEL NAME [SIZE [ARGS...]]: tui_ok, run in DIR.
tui_ok_in() {
	_dir=$1
	_label=$2
	shift 2
	cat >"$T/$1.s"
	tui_in "$_dir" "$@" </dev/null
	check_eq "$_label: exit 0" "$TUI_RC" 0
}

# tui_ask_in DIR LABEL NAME TEXT SIZE [ARGS...]: tui_ok_in with a script that sends TEXT, waits
# until all is done and dumps the screen to $T/NAME0.
tui_ask_in() {
	_ask_dir=$1
	_ask_label=$2
	_ask_name=$3
	_ask_text=$4
	shift 4
	tui_ok_in "$_ask_dir" "$_ask_label" "$_ask_name" "$@" <<S
:type $_ask_text
:key Enter
:wait-idle
:dump-screen $T/${_ask_name}0
S
}

# screen FILE: the dump, or a note that it is missing.
screen() {
	cat "$1" 2>/dev/null || echo "(no dump $1)"
}

# check_screen NAME DUMP TEXT: the screen dumped to $T/DUMP holds TEXT.
check_screen() {
	check_contains "$1" "$(screen "$T/$2")" "$3"
}

# check_not_screen NAME DUMP TEXT: the screen dumped to $T/DUMP lacks TEXT.
check_not_screen() {
	check_not_contains "$1" "$(screen "$T/$2")" "$3"
}

# check_above NAME DUMP UPPER LOWER: in $T/DUMP, a line holding UPPER comes before one holding LOWER.
check_above() {
	_up=$(grep -n -F -- "$3" "$T/$2" | head -1 | cut -d: -f1)
	_low=$(grep -n -F -- "$4" "$T/$2" | head -1 | cut -d: -f1)
	if [ -n "$_up" ] && [ -n "$_low" ] && [ "$_up" -lt "$_low" ]; then
		ok "$1"
	else
		not_ok "$1" "$(screen "$T/$2")"
	fi
}

# check_screen_each DUMP: check_screen NAME DUMP TEXT for each line "NAME|TEXT" on stdin
# (TEXT is all after the first |).
check_screen_each() {
	while IFS='|' read -r _each_name _each_text; do
		check_screen "$_each_name" "$1" "$_each_text"
	done
}

# styles FILE TEXT: the style runs of the first row of a colour dump holding TEXT.
styles() {
	t_py -c '
import sys
text, styles = open(sys.argv[1]).read().split("-- styles", 1)
rows = text.split("\n")
y = next((i for i, r in enumerate(rows) if sys.argv[2] in r), -1)
for line in styles.split("\n"):
    if line.startswith("%2d: " % y):
        print(line)' "$1" "$2"
}

# row FILE TEXT: the first line of the dump holding TEXT.
row() {
	grep -F -- "$2" "$1" 2>/dev/null | head -1
}

sql() {
	sqlite3 "$DB" "$1"
}

# tui_first_conversation: a conversation to go back to, made through the
# client: "first", answered "noted" (script $T/first.s).
tui_first_conversation() {
	fake_reply '{"text":"noted","usage":{"input":10,"output":1}}'
	cat >"$T/first.s" <<S
:type first
:key Enter
:wait-idle
S
	tui first
}

# tui_long_reply: queue a reply too long for one screen: 60 lines, "- item 1"
# to "- item 60".
tui_long_reply() {
	_long=$(t_py -c 'print("\\n".join("- item %d" % i for i in range(1, 61)))')
	fake_reply '{"text":"'"$_long"'","usage":{"input":10,"output":200}}'
}

# tui_in DIR NAME SIZE ARGS...: tui, run in DIR (an agent's workspace).
tui_in() {
	_here=$(pwd)
	cd "$1" || return 1
	shift
	tui "$@"
	cd "$_here" || return 1
}

# below FILE TEXT: the row under the first row holding TEXT.
below() {
	grep -A1 -F -- "$2" "$1" 2>/dev/null | sed -n 2p
}

# usd PICO: pico USD as the client prints it: three significant digits below a dollar.
usd() {
	t_py -c '
import sys
p = int(sys.argv[1])
d = 1
while d < 12 and p < 10**12 // 10**d:
    d += 1
dec = min(d + 2, 12) if 0 < p < 10**12 else 2
unit = 10 ** (12 - dec)
q = p // unit + (1 if unit > 1 and p % unit >= (unit + 1) // 2 else 0)
frac = ("%0*d" % (dec, q % 10**dec)).rstrip("0")
frac = frac + "0" * (2 - len(frac)) if len(frac) < 2 else frac
print("$%d.%s" % (q // 10**dec, frac))' "$1"
}

# fake_sum_fix: queue a step that edits sum.sh to add (see t_sum_repo), then
# the answer "Fixed.".
fake_sum_fix() {
	fake_reply "{\"calls\":[{\"name\":\"edit\",\"args\":{\"path\":\"sum.sh\",\"old\":\"\$1 - \$2\",\"new\":\"\$1 + \$2\"}}],\"usage\":{\"input\":1100,\"output\":30}}"
	fake_reply '{"text":"Fixed.","usage":{"input":1200,"output":10}}'
}
