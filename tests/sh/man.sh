#!/bin/sh
# man: llm(1) and llm-config(5) are clean, and say what the program and its config parser do.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

MAN1=$LLM_TOP/man/llm.1
MAN5=$LLM_TOP/man/llm-config.5

# --- the pages format without a warning ---------------------------------------
linted=0
for lint in "groff -man -ww -z" "mandoc -Tlint"; do
	command -v "${lint%% *}" >/dev/null 2>&1 || continue
	for page in "$MAN1" "$MAN5"; do
		# shellcheck disable=SC2086 # the linter and its options, split
		check_eq "$lint $(basename "$page") prints nothing" "$($lint "$page" 2>&1)" ""
	done
	linted=1
done
[ "$linted" = 1 ] || echo "# skip lint: neither groff nor mandoc is installed"

# The pages' source with \- as -, for plain searches.
sed 's/\\-/-/g; s/\\(ti/~/g' "$MAN1" >"$T/llm.1.txt"
sed 's/\\-/-/g; s/\\(ti/~/g' "$MAN5" >"$T/llm-config.5.txt"

# not_in_man1 LIST PREFIX: print the words of the file LIST (one a line) that
# llm.1 never shows after PREFIX (a grep pattern), each with a space before it.
not_in_man1() {
	_missing=
	while read -r _word; do
		grep -q -- "$2$_word\\b" "$T/llm.1.txt" || _missing="$_missing $_word"
	done <"$1"
	echo "$_missing"
}

# --- llm(1) against llm --help --------------------------------------------------
"$LLM_BIN" --help >"$T/help"
sed -n 's/^  -[A-Za-z], \(--[a-z-]*\).*/\1/p; s/^      \(--[a-z-]*\).*/\1/p' "$T/help" >"$T/long"
check "llm --help lists long options" test "$(wc -l <"$T/long")" -ge 10
check_eq "every long option of llm --help is in llm.1" "$(not_in_man1 "$T/long" "")" ""

sed -n 's/^  -\([A-Za-z]\), --.*/-\1/p' "$T/help" >"$T/short"
check_eq "every short option of llm --help is in llm.1" "$(not_in_man1 "$T/short" "^\\.BR ")" ""

sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$T/help" >"$T/commands"
check "llm --help lists commands" test "$(wc -l <"$T/commands")" -ge 8
check_eq "every command of llm --help is in llm.1" "$(not_in_man1 "$T/commands" "llm ")" ""

# And every long option in each command's own usage text.
missing=
while read -r cmd; do
	for opt in $("$LLM_BIN" "$cmd" --help 2>&1 </dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$opt\\b" "$T/llm.1.txt" || missing="$missing $cmd:$opt"
	done
done <"$T/commands"
check_eq "every option of each command's usage is in llm.1" "$missing" ""

# And in that command's own entries under COMMANDS (those whose heading starts
# with "llm CMD"), where a reader of the command looks; --help aside.
sed 's/\\f[BIRP]//g' "$T/llm.1.txt" >"$T/llm.1.plain"
missing=
while read -r cmd; do
	awk -v c="$cmd" '
		/^\.SH / { insec = ($0 ~ /^\.SH COMMANDS/) }
		insec && /^\.TP/ { tp = 1; next }
		tp { on = ($0 ~ "^(\\.B[IR]? \"?)?llm " c "( |\"|$)"); tp = 0 }
		insec && on
	' "$T/llm.1.plain" >"$T/entry-$cmd"
	[ -s "$T/entry-$cmd" ] || missing="$missing $cmd:(no entry)"
	for opt in $("$LLM_BIN" "$cmd" --help 2>&1 </dev/null |
	    grep -o -- '\(^\|[][ (,|]\)--\?[a-zA-Z][a-z-]*' | sed 's/^[^-]*//' | sort -u); do
		case $opt in -h | --help) continue ;; esac
		grep -q -- "$opt\\b" "$T/entry-$cmd" || missing="$missing $cmd:$opt"
	done
done <"$T/commands"
check_eq "every option of each command's usage is in its entry in llm.1" "$missing" ""

for sub in "keys set" "keys list" "keys rm" "git install-hook" "git uninstall-hook" \
    "git commit-msg" "config path" "config show" "config check" "models import" "budget set"; do
	check "llm.1 documents llm $sub" grep -q "llm $sub" "$T/llm.1.txt"
done

sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$T/llm.1.txt" >"$T/exit"
for code in 0 1 2 3 4 130; do
	check "llm.1 documents exit status $code" grep -qx "\\.B $code" "$T/exit"
done

# Every exit status a --help names is in the section.
missing=
for cmd in "" $(cat "$T/commands"); do
	# shellcheck disable=SC2086 # no command: llm --help itself
	for code in $("$LLM_BIN" $cmd --help 2>&1 </dev/null |
	    awk '/^Exit (codes|status)/ { on = 1 } /^$|^Files:/ { on = 0 } on' |
	    grep -o '\b[0-9]\{1,3\}\b' | sort -u); do
		grep -qx "\\.B $code" "$T/exit" || missing="$missing ${cmd:-llm}:$code"
	done
done
check_eq "every exit status of a --help is in llm.1's EXIT STATUS" "$missing" ""

sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$T/llm.1.txt" >"$T/env"
for var in LLM_CONFIG_DIR LLM_DATA_DIR XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR \
    OPENAI_API_KEY ANTHROPIC_API_KEY GEMINI_API_KEY DEEPSEEK_API_KEY OPENROUTER_API_KEY \
    GROQ_API_KEY MISTRAL_API_KEY TOGETHER_API_KEY FIREWORKS_API_KEY; do
	check "llm.1 documents $var" grep -qx "\\.B $var" "$T/env"
done
# The key variables named are the ones the built-in providers use.
"$LLM_BIN" config show >"$T/show" 2>&1
# shellcheck disable=SC2013 # variable names, one word each
for var in $(sed -n 's/^key_env *= *\([A-Z_]*\).*/\1/p' "$T/show"); do
	check "llm.1 documents $var, a built-in provider's key_env" grep -qx "\\.B $var" "$T/env"
done

# llm config show explains the keys of the sections its entry names, and only those.
awk '/^\[/ { sec = $0 } /^[a-z_]+ = .*  ; / { print sec }' "$T/show" | sort -u >"$T/explained"
check "llm config show explains some keys" test -s "$T/explained"
sed -n '/^\.B llm config show$/,/^\.TP/p' "$T/llm.1.txt" | sed -n 's/^\.BR\? \(\[[a-z]*\]\).*/\1/p' |
    sort -u >"$T/named"
check_eq "llm.1 names the sections llm config show explains" "$(cat "$T/named")" "$(cat "$T/explained")"

# --- llm-config(5) against the config parser ------------------------------------
# Each key is a ".B "key = value"" line right after .TP, under .SS "[section]".
awk '
	/^\.SS / { sec = $0; sub(/^\.SS "?\[/, "", sec); sub(/\]"?$/, "", sec); next }
	/^\.SH / { sec = ""; next }
	/^\.TP/ { tp = 1; next }
	tp && sec != "" && /^\.B "[^"]* = [^"]*"$/ {
		kv = $0; sub(/^\.B "/, "", kv); sub(/"$/, "", kv)
		print sec "\t" kv
	}
	{ tp = 0 }
' "$T/llm-config.5.txt" >"$T/page-keys"
check "llm-config.5 lists keys" test "$(wc -l <"$T/page-keys")" -ge 30

# A config with every key of the page, set to the value the page shows.
awk -F '\t' '
	{
		sec = $1
		sub(/^tier\.NAME$/, "tier.cheap", sec)
		sub(/^provider\.NAME$/, "provider.work", sec)
		sub(/^model\.NAME$/, "model.local-qwen", sec)
		if (sec != last) { printf "\n[%s]\n", sec; last = sec }
		print $2
	}
' "$T/page-keys" >"$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "llm config check accepts every key of llm-config.5 (with the values it shows)" 0

# And config check does refuse what it does not know.
printf '[llm]\nno_such_key = 1\n' >>"$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "llm config check refuses a key the page does not have" 2
check_contains "llm config check names the keys [llm] does have" "$ERR" \
    "unknown key 'no_such_key' (known: tier, budget, budget_action,"

# Every key the parser accepts is in the page: the key tables of src/config.c,
# one entry each: KEY("name", type, field, "default" or NULL, "help").
awk '
	# the arguments of a KEY(...) line: quoted strings whole (they may hold ", "), else bare words
	function args(s, a,    n) {
		n = 0
		while (s != "") {
			sub(/^[ \t]+/, "", s)
			if (substr(s, 1, 1) == "\"") {
				match(s, /^"[^"]*"/)
				a[++n] = substr(s, 2, RLENGTH - 2)
			} else {
				match(s, /^[^,)]*/)
				if (RLENGTH <= 0)
					break
				a[++n] = substr(s, 1, RLENGTH)
			}
			s = substr(s, RLENGTH + 1)
			if (s !~ /^[ \t]*,/)
				break
			sub(/^[ \t]*,/, "", s)
		}
		return n
	}
	/^static const struct key [a-z_]+\[\] = \{/ {
		t = $5; sub(/\[\].*/, "", t); sub(/_keys$/, "", t)
		if (t == "provider" || t == "model") t = t ".NAME"
		next
	}
	t != "" && /^\};/ { t = ""; next }
	t != "" && /_KEY\("/ {
		e = $0; sub(/^[^(]*\(/, "", e)
		delete a
		n = args(e, a)
		h = (n >= 5 || e ~ /,$/) ? "help" : "none"
		print t "\t" a[1] "\t" a[4] "\t" h
	}
' "$LLM_TOP/src/config.c" >"$T/table"
cut -f1,2 "$T/table" >"$T/parser-keys"
printf 'tier.NAME\tmodels\n' >>"$T/parser-keys"
check "src/config.c has key tables" test "$(wc -l <"$T/parser-keys")" -ge 20
cut -f1,2 "$T/page-keys" | sed 's/ = .*//' | sort -u >"$T/page-names"
missing=$(sort -u "$T/parser-keys" | comm -23 - "$T/page-names" | tr '\t' .)
check_eq "every key the parser accepts is in llm-config.5" "$missing" ""
check_eq "every key of the tables has help text" "$(awk -F '\t' '$4 != "help"' "$T/table")" ""

# Each default of the tables is the value the page shows for the key.
wrong=$(awk -F '\t' '
	NR == FNR { if ($3 != "NULL") def[$1 "\t" $2] = $3; next }
	{ split($2, kv, " = "); if (($1 "\t" kv[1]) in def && def[$1 "\t" kv[1]] != kv[2])
		print $1 "." kv[1] ": page " kv[2] ", table " def[$1 "\t" kv[1]] }
' "$T/table" "$T/page-keys")
check_eq "every default of the key tables is the one llm-config.5 shows" "$wrong" ""

# Defaults are the ones llm uses with no config file: llm config show walks the tables.
rm -f "$LLM_CONFIG_DIR/config.ini"
"$LLM_BIN" config show >"$T/show" 2>&1
for sec in llm git; do
	awk -F '\t' -v s="$sec" '$1 == s && $3 != "NULL" { print $2 " = " $3 }' "$T/table" >"$T/defaults"
	check "the $sec table has defaults" test -s "$T/defaults"
	while read -r kv; do
		key=${kv%% =*}
		got=$(sed -n "/^\[$sec\]/,/^\[/p" "$T/show" | grep "^$key *=" | sed 's/  */ /g; s/ *;.*//')
		check_eq "[$sec] $kv: the default llm config show gives" "$got" "$kv"
	done <"$T/defaults"
done
check_contains "llm config show says what a key is" "$(grep '^timeout = 300' "$T/show")" \
    "; seconds without a byte"

[ "$T_FAIL" -eq 0 ]
