# The full-screen client, driven headless: --cid continues a given conversation; C-d on an empty line quits.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

tui_first_conversation

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
check_contains "--cid: unknown id said as --cid, with what happens" "$(sed -n '$p' "$T/y0")" \
    "└ --cid: no conversation 99999: starting a new one (F6 lists them)"

echo "# $T_PASS passed, $T_FAIL failed"
