# make demo's script: starts its own fake provider, the client answers through it, and it cleans up.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
cat >"$T/demo.s" <<S
:type hello demo
:key Enter
:wait-idle
:dump-screen $T/demo.dump
S
mkdir -p "$T/tmp"
if TMPDIR="$T/tmp" LLM_BIN="$LLM_BIN" timeout 60 sh "$LLM_TOP/scripts/demo.sh" \
    --headless "$T/demo.s" --size 100x40 >"$T/out" 2>&1; then
	ok "demo: exit 0"
else
	not_ok "demo: exit 0" "$(cat "$T/out")"
fi
check_contains "demo: friendly reply" "$(cat "$T/demo.dump" 2>&1)" "llm  Hello from the demo"
check_contains "demo: priced on the cheap model" "$(cat "$T/demo.dump" 2>&1)" "cheap · demo-cheap · "
check_contains "demo: \$5 budget" "$(cat "$T/demo.dump" 2>&1)" "of \$5.00"
check_eq "demo: temporary directory removed" "$(ls "$T/tmp")" ""
echo "# $T_PASS passed, $T_FAIL failed"
