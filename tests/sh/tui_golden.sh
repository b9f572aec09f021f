# Golden screens: one conversation at 80x24 in every shipped theme and with NO_COLOR,
# text and the colour of every cell run. UPDATE_GOLDEN=1 rewrites tests/golden/.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
t_november
# warn_at: the 80% warning would push the cost line, whose colours these screens show, out of view
sed -i 's/^budget = 0/budget = 1\nwarn_at = 100\ntheme = default/' "$LLM_CONFIG_DIR/config.ini"
mkdir -p "$LLM_CONFIG_DIR/themes"
cp "$LLM_TOP"/themes/*.theme "$LLM_CONFIG_DIR/themes/"
GOLDEN="$LLM_TOP/tests/golden"

reply='{"text":"## Plan\n\nUse *valgrind* and **ASan**:\n\n1. build with `-fsanitize=address`\n2. run the test\n\n> the pointer is freed twice\n\n```c\nfree(p);\n```\nSee [docs](https://example.org).","usage":{"input":40000,"output":50000}}'

# golden NAME [ENV...]: run the conversation and compare the dump with tests/golden/NAME.txt
golden() {
	_name=$1
	shift
	rm -rf "$LLM_DATA_DIR"
	mkdir -p "$LLM_DATA_DIR"
	fake_reset
	fake_reply "$reply"
	cat >"$T/$_name.s" <<S
:type /tier mid
:key Enter
:type why does this crash?
:key Enter
:wait-idle
:type and how do I fix it?
:dump-colors $T/$_name.txt
S
	if env "$@" timeout 60 "$LLM_BIN" chat --headless "$T/$_name.s" --size 80x24 \
	    >"$T/$_name.out" 2>&1; then
		ok "$_name: ran"
	else
		not_ok "$_name: ran" "$(cat "$T/$_name.out")"
		return
	fi
	check_golden "$_name" "$T/$_name.txt" "$_name: matches tests/golden/$_name.txt"
}

golden theme-default
for th in light high-contrast mono; do
	sed -i "s/^theme = .*/theme = $th/" "$LLM_CONFIG_DIR/config.ini"
	golden "theme-$th"
done
sed -i "s/^theme = .*/theme = default/" "$LLM_CONFIG_DIR/config.ini"
golden no-color NO_COLOR=1
golden theme-default-8 LLM_TUI_TERM=xterm
golden theme-mono-terminal LLM_TUI_TERM=xterm-mono

# The themes differ where they should: same text, other colours (mono, whose code looks like
# text, keeps inline code's backticks; the column they take is a blank in the others).
for th in light high-contrast mono; do
	if [ "$(sed '/^-- styles/,$d' "$GOLDEN/theme-default.txt")" = \
	    "$(sed '/^-- styles/,$d; s/`\([^`]*\)`/\1  /' "$GOLDEN/theme-$th.txt")" ]; then
		ok "$th: same text as default"
	else
		not_ok "$th: same text as default"
	fi
	if cmp -s "$GOLDEN/theme-default.txt" "$GOLDEN/theme-$th.txt"; then
		not_ok "$th: colours differ from default"
	else
		ok "$th: colours differ from default"
	fi
done
check_contains "no-color: dumped" "$(cat "$GOLDEN/no-color.txt")" "-- styles (default, no colour)"
check_not_contains "no-color: no colour pairs" "$(cat "$GOLDEN/no-color.txt")" "fg="
check_contains "no-color: attributes remain" "$(sed -n '/^-- styles/,$p' "$GOLDEN/no-color.txt")" "bold"
# inline code reads apart from prose: by colour, or by its backticks where there is none
check_contains "colour: inline code without backticks" "$(cat "$T/theme-default.txt")" "1. build with -fsanitize=address"
for t in no-color theme-mono-terminal theme-mono; do
	check_contains "$t: inline code keeps its backticks" "$(cat "$T/$t.txt")" \
	    "1. build with \`-fsanitize=address\`"
done
check_contains "8 colours: the fallback colours" "$(sed -n '/^-- styles/,$p' "$GOLDEN/theme-default-8.txt")" "user fg=6"
check_not_contains "monochrome terminal: no colour pairs" "$(cat "$GOLDEN/theme-mono-terminal.txt")" "fg="
check_contains "monochrome terminal: said" "$(cat "$GOLDEN/theme-mono-terminal.txt")" "-- styles (default, no colour)"
check_contains "meter past 80% uses meter_high" "$(sed -n "/^-- styles/,\$p" "$GOLDEN/theme-default.txt")" "meter_high fg=208"
# $0.87 spent on Monday the 16th, nothing the weekend before: weekdays and weekends apart,
# $0.87/5 a weekday, so the $1 budget is used up on Tuesday the 17th.
check_contains "meter: the day the budget runs out at this pace" "$(cat "$T/theme-default.txt")" \
    "\$0.87 of \$1.00 (87%)  at this pace: out on Nov 17  tier: mid"
echo "# $T_PASS passed, $T_FAIL failed"
