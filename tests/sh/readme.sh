#!/bin/sh
# readme: every shell example in README.md's ```sh blocks runs as written against the fake provider.
#
# The examples are read from README.md itself, so an example that is added,
# changed or stops working fails here. Each `llm ...` line runs in a work
# directory holding the files the examples name (crash.c, a git repository
# with a change), with `llm` on PATH; a `$ ` block's other lines are the
# output it promises. Lines that are not llm (make targets) are the build
# this suite runs in, and are only listed.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

W=$T/work
mkdir -p "$W" "$T/bin"
ln -s "$LLM_BIN" "$T/bin/llm"
t_config_append "[llm]
budget = 50"
sed -i '0,/^budget = 0$/{/^budget = 0$/d}' "$LLM_CONFIG_DIR/config.ini"

# The files the examples name.
cat >"$W/crash.c" <<'EOF'
#include <stdlib.h>
int main(void) { char *p = malloc(4); free(p); free(p); return 0; }
EOF
(
	cd "$W" && git init -q . && git config user.email t@example.com &&
	    git config user.name t && cp crash.c tracked.c && git add tracked.c &&
	    git commit -q -m init && echo '/* reviewed */' >>tracked.c
) || not_ok "work directory: a git repository with a change"

# Commands as "N<TAB>cmd<TAB>TEXT" and promised output as "N<TAB>out<TAB>TEXT",
# N numbering the block. In a block with "$ " lines only those are commands.
t_py -c '
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for n, m in enumerate(re.finditer(r"^```(?:sh|shell|console|bash)\n(.*?)^```", text, re.S | re.M)):
    lines = [l for l in m.group(1).split("\n") if l.strip()]
    prompt = any(l.startswith("$ ") for l in lines)
    for l in lines:
        if prompt and not l.startswith("$ "):
            print("%d\tout\t%s" % (n, l))
            continue
        cmd = l[2:] if prompt else l
        cmd = re.sub(r"\s+#.*$", "", cmd).strip()
        if cmd and not cmd.startswith("#"):
            print("%d\tcmd\t%s" % (n, cmd))
' "$LLM_TOP/README.md" >"$T/examples"
check "README.md has shell examples" test "$(grep -c '	cmd	' "$T/examples")" -ge 4

# The answer every example gets: the one README shows for -f crash.c.
answer=$(sed -n 's/^[0-9]*	out	\(The pointer .*\)$/\1/p' "$T/examples" | head -1)
[ -n "$answer" ] || answer="The pointer p is freed twice."
fake_default "$(t_py -c 'import json, sys; print(json.dumps({"text": sys.argv[1], "usage": {"input": 2100, "output": 610}}))' "$answer")"

# The summary line's shape, as llm prints it and as README shows it.
SUMMARY_RE='^(cheap|mid|frontier) · [^ ]+ · [0-9.]+[kM]?→[0-9.]+[kM]? tok · ~?\$[0-9.]+ · [A-Z][a-z][a-z] \$[0-9.]+ of \$[0-9.]+ \([0-9]+%\)$'

cat >"$T/tui.s" <<'EOF'
:type hello from the README
:key Enter
:wait-idle
:dump-screen DUMP
:quit
EOF
sed -i "s|DUMP|$T/tui.dump|" "$T/tui.s"

# example CMD: run one llm example in the work directory, as written.
example() {
	_c=$1
	case $_c in
	llm)
		# the full-screen client needs a terminal: script(1) gives it one
		if (cd "$W" && PATH="$T/bin:$PATH" LLM_TUI_SCRIPT="$T/tui.s" \
		    timeout -k 5 60 script -qec "$_c" /dev/null </dev/null >"$T/ex.out" 2>"$T/ex.err"); then
			ok "example '$_c': exit 0"
		else
			not_ok "example '$_c': exit 0" "$(cat "$T/ex.err" "$T/ex.out")"
		fi
		check_contains "example '$_c': the client answers" "$(cat "$T/tui.dump" 2>&1)" \
		    "The pointer"
		return
		;;
	"llm keys set "*)
		# no Secret Service in this test (keyring.sh has one): the key is read
		# from stdin, and the failure names the ways that need no keyring
		(cd "$W" && printf 'sk-readme-0001\n' | PATH="$T/bin:$PATH" \
		    timeout -k 5 60 sh -c "$_c" >"$T/ex.out" 2>"$T/ex.err")
		_rc=$?
		[ "$_rc" = 0 ] || check_contains "example '$_c': names key_env when no keyring" \
		    "$(cat "$T/ex.err")" "key_env"
		check_not_contains "example '$_c': the key is never printed" \
		    "$(cat "$T/ex.out" "$T/ex.err")" "sk-readme-0001"
		return
		;;
	esac
	n=$(fake_count)
	(cd "$W" && PATH="$T/bin:$PATH" timeout -k 5 60 sh -c "$_c" </dev/null \
	    >"$T/ex.out" 2>"$T/ex.err")
	RC=$?
	check_eq "example '$_c': exit 0" "$RC" 0
	check_eq "example '$_c': one request" "$(fake_count)" "$((n + 1))"
	check_eq "example '$_c': the answer on stdout" "$(cat "$T/ex.out")" "$answer"
	# the whole request: the tier the router picks decides the wire format
	sent=$(fake_last body)
	# what the example names must reach the model
	case $_c in
	*"-f crash.c"*)
		check_contains "example '$_c': crash.c is attached" "$sent" "free(p); free(p);"
		check_not_contains "example '$_c': -f is not prompt text" "$sent" "-f crash.c"
		;;
	"git diff | "*)
		check_contains "example '$_c': the diff is the material" "$sent" "+/* reviewed */"
		;;
	esac
	# the summary line, on stderr with -v (on a terminal without it)
	(cd "$W" && PATH="$T/bin:$PATH" timeout -k 5 60 sh -c "$_c -v" </dev/null \
	    >/dev/null 2>"$T/ex.err")
	check "example '$_c': the summary line has README's shape" \
	    grep -Eq "$SUMMARY_RE" "$T/ex.err"
}

ran=0
while IFS='	' read -r blk kind text; do
	case $kind in
	cmd)
		case $text in
		make|"make "*)
			echo "# the build: $text"
			;;
		llm|"llm "*|*"| llm"|*"| llm "*)
			example "$text"
			ran=$((ran + 1))
			;;
		*)
			not_ok "README example '$text': this test does not know how to run it"
			;;
		esac
		;;
	out)
		case $text in
		*" tok · "*)
			printf '%s\n' "$text" >"$T/readme.summary"
			check "README block $blk: its summary line has llm's shape" \
			    grep -Eq "$SUMMARY_RE" "$T/readme.summary"
			;;
		"The pointer"*) ;;
		*)
			not_ok "README block $blk: output this test does not check: '$text'"
			;;
		esac
		;;
	esac
done <"$T/examples"
check "README: llm examples were run" test "$ran" -ge 4

# --- the command table against the program -------------------------------------
# Each row's first cell, its `\|` as `|`, after the command it is about.
t_py -c '
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^\| (`llm [a-z].*?`(?: / `.*?`)*) \|", line.replace("\\|", "\x01"))
    if m:
        cell = m.group(1).replace("\x01", "|")
        print(cell.split()[1].strip("`") + "\t" + cell)
' "$LLM_TOP/README.md" >"$T/table"
check "README has a command table" test "$(wc -l <"$T/table")" -ge 10
missing=
for cmd in $("$LLM_BIN" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'); do
	grep -q "^$cmd	" "$T/table" || { missing="$missing $cmd"; continue; }
	cells=$(grep "^$cmd	" "$T/table" | cut -f2)
	# every subcommand, and only options the command takes
	for sub in $("$LLM_BIN" __complete sub "$cmd"); do
		printf '%s\n' "$cells" | grep -q "[ |\`]$sub\\b" || missing="$missing $cmd:$sub"
	done
	for opt in $(printf '%s\n' "$cells" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		"$LLM_BIN" __complete opts "$cmd" | grep -qxF -- "$opt" || missing="$missing $cmd:$opt?"
	done
done
check_eq "README's command table names every command, subcommand and only real options" \
    "$missing" ""
by=$(grep -o -- '--by [a-z|]*' "$T/table" | sed 's/^--by //' | tr '|' '\n')
check_eq "README's --by values are the ones llm takes" "$by" "$("$LLM_BIN" __complete by)"
