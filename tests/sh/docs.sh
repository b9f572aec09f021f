#!/bin/sh
# docs: what llm takes, read from its source, is what its help, completions, man pages and README name.
#
# The lists come from the code that parses: the command table of main.c, the
# option table of cli_opts.c, getopt tables, each command's own comparisons
# of its arguments, the client's verb table and the LLM_* variables read.
# A command, option, subcommand, client command, key action or variable added
# there without its documentation fails here.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

SRC=$LLM_TOP/src
COMP=$LLM_TOP/completions
mkdir -p "$T/bin"
ln -s "$LLM_BIN" "$T/bin/llm"
PATH="$T/bin:$PATH"
export PATH

# --- what the source takes ------------------------------------------------------
# One line each, tab-separated:
#   cmd NAME                      a command of main.c (help and version too)
#   opt CMD OPTION ARG ALT        an option CMD takes ("-" is a question), ARG 1 if it
#                                 takes a value, ? if the parser does not say, ALT
#                                 its other spelling (-t for --tier), if a table says
#   refuse CMD OPTION ALT         an option of a question CMD refuses, by a reason
#                                 of its own (llm route sends nothing)
#   sub CMD WORD                  a word CMD takes first (llm keys set)
#   verb NAME SLASH KEYS          a client verb: a slash command (1) or not, its
#                                 default keys ("-": none, so no key action)
#   env NAME                      an LLM_* variable read
t_py - "$SRC" >"$T/truth" <<'EOF'
import glob, os, re, sys

src = sys.argv[1]
def read(name):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        return f.read()
def table(text, start):
    """The body of the initializer that follows start, up to its closing };."""
    i = text.index(start)
    return text[i:text.index("\n};", i)]

# Commands, and the function each runs.
cmds = {}
for m in re.finditer(r'\{ \.name = "([a-z_-]+)", \.fn = (\w+)', table(read("main.c"), "commands[] = {")):
    if not m.group(1).startswith("__"):
        cmds[m.group(1)] = m.group(2)
        print("cmd\t%s" % m.group(1))

out = {}
def opt(cmd, o, arg, alt="-"):
    out.setdefault((cmd, o), (arg, alt))

# The conversation's options: cli_opts.c's table, by face.
text = read("cli_opts.c")
macros = {m.group(1): m.group(2) for m in re.finditer(r"#define (\w+)\s+\((.*)\)", text)}
faces = {"CLI_FACE_ASK": "-", "CLI_FACE_ROUTE": "route", "CLI_FACE_CHAT": "chat"}
for e in re.finditer(r"\{ (\.name = .*?) \},", table(text, "opt_defs[] = {"), re.S):
    e = e.group(1)
    name = re.search(r'\.name = "([a-z-]+)"', e).group(1)
    short = re.search(r"\.id = '(.)'", e)
    arg = "1" if re.search(r"\.arg = true", e) else "0"
    f = re.search(r"\.faces = ([^,}]*)", e).group(1)
    for k, v in macros.items():
        f = re.sub(r"\b%s\b" % k, v, f)
    for face, cmd in faces.items():
        if face not in f:
            continue
        # llm route refuses what it has a reason for (dry_no): nothing is sent
        if cmd == "route" and ".dry_no" in e:
            print("refuse\t%s\t--%s\t%s" % (cmd, name, "-" + short.group(1) if short else "-"))
            continue
        opt(cmd, "--" + name, arg, "-" + short.group(1) if short else "-")
        if short:
            opt(cmd, "-" + short.group(1), arg, "--" + name)
# main reads these before any command.
for o, alt in (("-V", "--version"), ("--version", "-V"), ("-h", "--help"), ("--help", "-h")):
    opt("-", o, "0", alt)

# Each command's own parser: a getopt table, or comparisons of its arguments,
# in its file and the cli_*.c files whose header it includes.
for cmd, fn in cmds.items():
    f = fn + ".c"
    if not os.path.exists(os.path.join(src, f)) or cmd in ("chat", "route"):
        continue
    files = [f] + ["cli_%s.c" % h for h in re.findall(r'#include "cli_(\w+)\.h"', read(f))
                   if h != "opts" and os.path.exists(os.path.join(src, "cli_%s.c" % h))]
    text = "\n".join(read(x) for x in files)
    for m in re.finditer(r'\{ "([a-z-]+)", (\w+), NULL, \'(.)\' \}', text):
        arg = "1" if m.group(2) == "required_argument" else "0"
        g = re.search(r'getopt_long\([^"]*"([^"]*)"', text)
        short = g and m.group(3) in g.group(1).replace(":", "")
        opt(cmd, "--" + m.group(1), arg, "-" + m.group(3) if short else "-")
        if short:
            opt(cmd, "-" + m.group(3), arg, "--" + m.group(1))
    for m in re.finditer(r'(?:strcmp|str_startswith)\(\s*(?:argv\[\w+\]|s|sub|cmd),\s*"(-[-a-zA-Z][a-z-]*)(?:=[^"]*)?"\)'
                         r'|opt_value\([^"]*"(--[a-z-]+)"', text):
        o = m.group(1) or m.group(2)
        if o != "--":
            opt(cmd, o, "?")
    for m in re.finditer(r'strcmp\(\s*(?:argv\[[012]\]|sub|cmd),\s*"([a-z][a-z-]*)"\)', text):
        # "llm keys help" is its --help
        if m.group(1) != "help":
            print("sub\t%s\t%s" % (cmd, m.group(1)))
    opt(cmd, "--help", "0")
    opt(cmd, "--no-color", "0")       # main takes it off every command's line
for (c, o), (a, alt) in sorted(out.items()):
    print("opt\t%s\t%s\t%s\t%s" % (c, o, a, alt))

# The client's verbs: tui_cmd.c's table.
for e in re.finditer(r'\[ACT_\w+\] = \{ "([a-z-]+)", (NULL|"[^"]*"),.*?\{ ([^}]*) \}', table(read("tui_cmd.c"), "tui_verbs[ACT_COUNT] = {"), re.S):
    keys = [k for k in re.findall(r'"([^"]*)"', e.group(3))]
    print("verb\t%s\t%d\t%s" % (e.group(1), e.group(2) != "NULL", ", ".join(keys) or "-"))

# The variables llm reads.
env = set()
for f in glob.glob(os.path.join(src, "*.c")):
    env.update(re.findall(r'"(LLM_[A-Z_]+)"', open(f, encoding="utf-8").read()))
for v in sorted(env):
    print("env\t%s" % v)
EOF
check "the source's lists are read" test "$(grep -c '^opt	' "$T/truth")" -ge 60
awk -F '\t' '$1 == "cmd" { print $2 }' "$T/truth" >"$T/cmds"
check "main.c has commands" test "$(wc -l <"$T/cmds")" -ge 14
grep -vx 'help\|version' "$T/cmds" >"$T/cmds-own"

# The pages' source as plain text: \- as -, fonts dropped.
plain() {
	sed 's/\\-/-/g; s/\\(ti/~/g; s/\\f[BIRP]//g; s/\\(em/--/g' "$1"
}
plain "$LLM_TOP/man/llm.1" >"$T/llm.1"
plain "$LLM_TOP/man/llm-config.5" >"$T/llm-config.5"

# entries CMD: llm.1's entries under COMMANDS whose heading starts with "llm CMD".
entries() {
	awk -v c="$1" '
		/^\.SH / { insec = ($0 ~ /^\.SH COMMANDS/) }
		insec && /^\.TP/ { tp = 1; next }
		tp { on = ($0 ~ "^(\\.B[IR]? \"?)?llm " c "( |\"|$)"); tp = 0 }
		insec && on
	' "$T/llm.1"
}

# named WORD FILE: whether FILE names the option or word WORD, not as part of a longer one.
named() {
	grep -q -- "\\(^\\|[^-a-zA-Z]\\)$1\\([^-a-z]\\|\$\\)" "$2"
}

# --- commands --------------------------------------------------------------------
llm __complete commands | sort >"$T/complete-cmds"
check_eq "llm __complete commands: the commands of main.c" "$(cat "$T/complete-cmds")" \
    "$(sort "$T/cmds")"
missing=
while read -r c; do
	grep -q "^		'$c:" "$COMP/_llm" || missing="$missing zsh:$c"
	grep -q "__llm_at 0' -a $c " "$COMP/llm.fish" || missing="$missing fish:$c"
	grep -q "llm $c\\b" "$T/llm.1" || missing="$missing llm.1:$c"
done <"$T/cmds"
while read -r c; do
	grep -q "^		$c)" "$COMP/_llm" || missing="$missing zsh-options:$c"
	grep -q "^| \`llm $c\\b" "$LLM_TOP/README.md" || missing="$missing README:$c"
done <"$T/cmds-own"
check_eq "every command is in the zsh and fish completions, llm.1 and the README" "$missing" ""

# --- options ---------------------------------------------------------------------
# A command's options as its --help (llm --help for a question) prints them.
help_of() {
	if [ "$1" = - ]; then llm --help; else llm "$1" --help 2>&1; fi
}
# complete_of CMD: the options llm __complete offers for CMD.
complete_of() {
	if [ "$1" = - ]; then llm __complete options; else llm __complete opts "$1"; fi
}
# zsh_block CMD: the lines of _llm that complete CMD's options.
zsh_block() {
	if [ "$1" = - ]; then
		sed -n '/^	ask_opts=(/,/->args/p' "$COMP/_llm"
	else
		sed -n "/^		$1)\$/,/^			;;\$/p" "$COMP/_llm"
	fi
}

awk -F '\t' '$1 == "opt" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "$T/truth" >"$T/opts"
for c in - $(cat "$T/cmds-own"); do
	help_of "$c" >"$T/help-$c" </dev/null
	complete_of "$c" >"$T/complete-$c"
	zsh_block "$c" >"$T/zsh-$c"
	if [ "$c" = - ]; then
		sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$T/llm.1" >"$T/entry-$c"
	else
		entries "$c" >"$T/entry-$c"
	fi
done
# Each --help fits a terminal of 80 columns.
wide=
for c in - $(cat "$T/cmds-own"); do
	w=$(t_py -c 'import sys; print(max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' \
	    "$T/help-$c")
	[ "$w" -le 80 ] || wide="$wide $c:$w"
done
check_eq "every --help fits 80 columns" "$wide" ""

# Each --help says what each option and word of its command does, not only
# in its synopsis.
# body CMD: the --help of CMD without its synopsis.
body() {
	awk 'NR == 1 && /^usage:/ { syn = 1; next } syn && /^       / { next } { syn = 0; print }' \
	    "$T/help-$1"
}
# in_body WORD CMD: whether the --help of CMD names WORD past its synopsis.
in_body() {
	grep -q -- "\(^\|[^-a-zA-Z]\)$1\([^-a-zA-Z]\|\$\)" "$T/body-$2"
}
undescribed=
while read -r c; do
	body "$c" >"$T/body-$c"
done <"$T/cmds-own"
while IFS='	' read -r c o _ alt; do
	case $c:$o in -:* | *:--help | *:--no-color | *:-h) continue ;; esac
	[ "$c	$o" = "$exempt" ] && continue
	in_body "$o" "$c" || { [ "$alt" != - ] && in_body "$alt" "$c"; } ||
	    undescribed="$undescribed $c:$o"
done <"$T/opts"
awk -F '\t' '$1 == "sub" { print $2 "\t" $3 }' "$T/truth" | sort -u >"$T/subs"
while IFS='	' read -r c w; do
	in_body "$w" "$c" || undescribed="$undescribed $c:$w"
done <"$T/subs"
check_eq "every option and word of a command is described in its --help" "$undescribed" ""

# named_either OPT ALT FILE: whether FILE names the option by either spelling.
named_either() {
	named "$1" "$3" || { [ "$2" != - ] && named "$2" "$3"; }
}
# llm route takes --dry-run, which it always is, without offering it.
exempt='route	--dry-run'
nohelp='' nocomplete='' nozsh='' nofish='' noman=''
while IFS='	' read -r c o _ alt; do
	[ "$o" = -h ] && continue      # -h is --help, everywhere
	[ "$c" = - ] && name=llm || name="llm $c"
	# every command takes these two: llm --help and llm.1's OPTIONS say so
	case $c:$o in
	-:*) common=false ;;
	*:--help | *:--no-color) common=true ;;
	*) common=false ;;
	esac
	# the help and the page may name an option by its other spelling
	$common || named_either "$o" "$alt" "$T/entry-$c" || noman="$noman $name:$o"
	[ "$c	$o" = "$exempt" ] && continue
	$common || named_either "$o" "$alt" "$T/help-$c" || nohelp="$nohelp $name:$o"
	grep -qxF -- "$o" "$T/complete-$c" || nocomplete="$nocomplete $name:$o"
	# zsh offers --help only where it stands alone
	[ "$o" = --help ] || named "$o" "$T/zsh-$c" || nozsh="$nozsh $name:$o"
	case $o in
	--*) grep -q -- " -l ${o#--}\\b" "$COMP/llm.fish" || nofish="$nofish $name:$o" ;;
	*) grep -q -- " -s ${o#-}\\b" "$COMP/llm.fish" || nofish="$nofish $name:$o" ;;
	esac
done <"$T/opts"
check_eq "every option a command takes is in its --help" "$nohelp" ""
check_eq "every option a command takes is in its llm.1 entry" "$noman" ""
check_eq "every option a command takes is offered by llm __complete (bash)" "$nocomplete" ""
check_eq "every option a command takes is in the zsh completion of that command" "$nozsh" ""
check_eq "every option is named in the fish completion" "$nofish" ""

# The options of a conversation (cli_opts.c's table) each have a line of their
# own in the help of llm, llm route and llm chat, as in an option list.
unlisted=
while IFS='	' read -r c o _ alt; do
	case $c:$o in -:--* | route:--* | chat:--*) ;; *) continue ;; esac
	[ "$c	$o" = "$exempt" ] && continue
	grep -q -- "^  \(-[a-zA-Z], \)\?$o\( \|\$\)\|^      $o\( \|\$\)" "$T/help-$c" ||
	    unlisted="$unlisted $c:$o"
done <"$T/opts"
check_eq "every option of llm, llm route and llm chat has its line in the --help" "$unlisted" ""

# What a command refuses that a question takes: its --help and llm.1 entry say
# so, and no completion offers it.
awk -F '\t' '$1 == "refuse" { print $2 "\t" $3 "\t" $4 }' "$T/truth" >"$T/refused"
check "llm route refuses options" test "$(wc -l <"$T/refused")" -ge 5
nohelp='' noman='' offered=''
while IFS='	' read -r c o alt; do
	named_either "$o" "$alt" "$T/help-$c" || nohelp="$nohelp llm $c:$o"
	named_either "$o" "$alt" "$T/entry-$c" || noman="$noman llm $c:$o"
	for s in "$o" "$alt"; do
		[ "$s" = - ] && continue
		grep -qxF -- "$s" "$T/complete-$c" && offered="$offered llm $c:$s"
		named "$s" "$T/zsh-$c" && offered="$offered zsh:llm $c:$s"
	done
done <"$T/refused"
check_eq "every option a command refuses is named in its --help" "$nohelp" ""
check_eq "every option a command refuses is named in its llm.1 entry" "$noman" ""
check_eq "no completion offers an option the command refuses" "$offered" ""

# An option that takes a value is skipped with it by the bash and fish
# completions when they look for the command and its words. Which do: the
# tables say, or the --help shows a value after it ("--by day|model", "-n N").
{
	awk -F '\t' '$1 == "opt" && $4 == "1" { print $3 }' "$T/truth"
	while read -r c; do
		grep -oP -- \
		    '(?<![\w-])-[a-z](?=, --[a-z-]+ [A-Z])|(?<![\w-])--?[a-zA-Z][a-z-]* (?:[A-Z][A-Za-z/|-]*|[a-z]+\|[a-z|]*)(?=[] ,|.]|$)' \
		    "$T/help-$c" | sed 's/ .*//'
	done <"$T/cmds-own"
} | sort -u >"$T/valued"
check "some options take a value" test "$(wc -l <"$T/valued")" -ge 20
sed -n '/^	for ((i = 1; i < COMP_CWORD/,/^	done/p' "$COMP/llm.bash" >"$T/bash-skip"
sed -n '/^function __llm_pos/,/^end/p' "$COMP/llm.fish" >"$T/fish-skip"
missing=
while read -r o; do
	grep -q -- "^[[:space:]]*\\(.* \\)\\?$o\\( |\\|)\\)" "$T/bash-skip" || missing="$missing bash:$o"
	grep -q -- "case \\(.* \\)\\?$o\\( \\|\$\\)" "$T/fish-skip" || missing="$missing fish:$o"
done <"$T/valued"
check_eq "bash and fish skip the value of each option that takes one" "$missing" ""
# So does main, where it looks past a command's options for the command's own
# word ("llm logs -n 3 show 7") and where it reads OPTION=VALUE on every
# command's line ("-t=cheap" is "-t cheap", "-q=1" is refused): cli_complete.c's
# CMD_valued lists say which.
: >"$T/valued-missing"
while read -r c; do
	sed -n "/^static const char \*const ${c}_valued\[\] = {/,/};/p" "$SRC/cli_complete.c" \
	    >"$T/valued-$c"
	{
		awk -F '\t' -v c="$c" '$1 == "opt" && $2 == c && $4 == "1" { print $3 }' "$T/truth"
		grep -oP -- \
		    '(?<![\w-])-[a-z](?=, --[a-z-]+ [A-Z])|(?<![\w-])--?[a-zA-Z][a-z-]* (?:[A-Z][A-Za-z/|-]*|[a-z]+\|[a-z|]*)(?=[] ,|.]|$)' \
		    "$T/help-$c" | sed 's/ .*//'
	} | sort -u | while read -r o; do
		# of the options the command takes ("llm roles" names -r NAME, which it does not)
		awk -F '\t' -v c="$c" -v o="$o" '$1 == "opt" && $2 == c && $3 == o { f = 1 } END { exit !f }' \
		    "$T/truth" || continue
		grep -q -- "\"$o\"" "$T/valued-$c" || printf ' %s:%s' "$c" "$o"
	done >>"$T/valued-missing"
	# and a flag is not among them: its "=VALUE" would be taken, not refused
	awk -F '\t' -v c="$c" '$1 == "opt" && $2 == c && $4 == "0" { print $3 }' "$T/truth" |
	    while read -r o; do
		grep -q -- "\"$o\"" "$T/valued-$c" && printf ' %s:%s(flag)' "$c" "$o"
	done >>"$T/valued-missing"
done <"$T/cmds-own"
check_eq "main skips the value of each option that takes one, on every command" \
    "$(cat "$T/valued-missing")" ""

# The headless screen's size when --size is not given.
size=$(sed -n 's/^	p->width = \([0-9]*\);$/\1/p; s/^	p->height = \([0-9]*\);$/x\1/p' "$SRC/cli_opts.c" | tr -d '\n')
check_contains "llm.1 gives the default of --size, as cli_opts.c sets it" "$(cat "$T/entry-chat")" \
    "by default
.BR ${size:-?} )"

# --- subcommands -------------------------------------------------------------------
# Every word a command takes first is in llm.1 as "llm CMD WORD"; those its
# --help names (the others are other names for them) are offered, by llm
# __complete for bash and fish and by the zsh completion's own lists.
awk -F '\t' '$1 == "sub" { print $2 "\t" $3 }' "$T/truth" | sort -u >"$T/subs"
check "commands take words" test "$(wc -l <"$T/subs")" -ge 15
noman='' nocomplete='' nozsh='' noreadme='' inhelp=0
while IFS='	' read -r c w; do
	grep -q "llm $c $w\\b" "$T/llm.1" || noman="$noman $c:$w"
	grep -q "\\bllm $c\\b.*\\b$w\\b" "$T/help-$c" || continue
	inhelp=$((inhelp + 1))
	llm __complete sub "$c" | grep -qxF -- "$w" || nocomplete="$nocomplete $c:$w"
	grep -q "[ (|{]${w}[ )|]\\|_llm_sub $c" "$T/zsh-$c" || nozsh="$nozsh $c:$w"
	grep "^| \`llm $c\\b" "$LLM_TOP/README.md" | grep -q "\\b$w\\b" || noreadme="$noreadme $c:$w"
done <"$T/subs"
check_eq "every word a command takes is in llm.1" "$noman" ""
check "the commands' --help name their words" test "$inhelp" -ge 15
check_eq "every word a command's --help names is offered by llm __complete" "$nocomplete" ""
check_eq "every word a command's --help names is offered by the zsh completion" "$nozsh" ""
check_eq "every word a command's --help names is in the README's table" "$noreadme" ""
# and nothing is offered that the command does not take
wrong=
while read -r c; do
	for w in $(llm __complete sub "$c"); do
		grep -qx "$c	$w" "$T/subs" || wrong="$wrong $c:$w"
	done
done <"$T/cmds-own"
check_eq "llm __complete offers only words a command takes" "$wrong" ""

# llm --help's list of commands names the words each takes first (llm models
# import, add), and the zsh completion describes each command as that list does.
llm --help | sed -n '/^Commands:/,/^$/p' >"$T/summaries"
nosummary='' nozshdesc=''
while read -r c; do
	line=$(grep "^  $c  " "$T/summaries")
	for w in $(llm __complete sub "$c"); do
		printf '%s\n' "$line" | grep -q "[ ;:,]$w\\b" || nosummary="$nosummary $c:$w"
	done
	desc=$(printf '%s\n' "$line" | sed "s/^  $c  *//; s/'/'\\\\''/g")
	grep -qF "'$c:$desc'" "$COMP/_llm" || nozshdesc="$nozshdesc $c"
done <"$T/cmds-own"
check_eq "llm --help's line for each command names the words it takes" "$nosummary" ""
check_eq "the zsh completion describes each command as llm --help does" "$nozshdesc" ""

# --- the full-screen client ----------------------------------------------------------
# F1 lists the verb table itself; llm.1, llm-config.5 [keys] and the README are written.
awk -F '\t' '$1 == "verb"' "$T/truth" >"$T/verbs"
check "tui_cmd.c has verbs" test "$(wc -l <"$T/verbs")" -ge 25
sed -n '/^\.SS Commands/,/^\.S[SH] /p' "$T/llm.1" >"$T/man-commands"
sed -n '/^\.SS Keys/,/^\.S[SH] /p' "$T/llm.1" >"$T/man-keys"
sed -n '/^\.SS "\[keys\]"/,/^\.S[SH] /p' "$T/llm-config.5" >"$T/man-bind"
sed -n '/^## The full-screen client/,/^## /p' "$LLM_TOP/README.md" >"$T/readme-tui"
noman='' nokeys='' nobind='' noreadme=''
while IFS='	' read -r _ v slash keys; do
	if [ "$slash" = 1 ]; then
		grep -q "/$v\\b" "$T/man-commands" || noman="$noman /$v"
		grep -q "\`/$v\\b" "$T/readme-tui" || noreadme="$noreadme /$v"
	fi
	[ "$keys" = - ] && continue
	grep -qxF ".B \"$v = $keys\"" "$T/man-bind" || nobind="$nobind $v=$keys"
	for k in $(echo "$keys" | tr -d ,); do
		grep '^\.BR\? ' "$T/man-keys" | tr -s ' ",' '\n' | grep -qxF -- "$k" ||
		    nokeys="$nokeys $v:$k"
	done
done <"$T/verbs"
check_eq "every slash command is in llm.1's Commands" "$noman" ""
check_eq "every default key is in llm.1's Keys" "$nokeys" ""
check_eq "every key action and its default keys are in llm-config.5's [keys]" "$nobind" ""
check_eq "every slash command is in the README" "$noreadme" ""

# --- environment ------------------------------------------------------------------------
sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$T/llm.1" >"$T/env"
missing=
while read -r v; do
	grep -qx "\\.B $v" "$T/env" || missing="$missing $v"
done <<EOF
$(awk -F '\t' '$1 == "env" { print $2 }' "$T/truth")
EOF
check_eq "every LLM_* variable llm reads is in llm.1's ENVIRONMENT" "$missing" ""

# --- README ---------------------------------------------------------------------------------
# The options of a question, and the configuration it shows.
sed -n '/^## Using it from the shell/,/^## /p' "$LLM_TOP/README.md" >"$T/readme-shell"
missing=
while IFS='	' read -r c o _ alt; do
	[ "$c" = - ] || continue
	case $o in -h | --help | -V | --version) continue ;; esac
	grep -q -- "\`$o\\b\\|[ /]$o\\b" "$T/readme-shell" ||
	    { [ "$alt" != - ] && grep -q -- "\`$alt\\b\\|[ /]$alt\\b" "$T/readme-shell"; } ||
	    missing="$missing $o"
done <"$T/opts"
check_eq "every option of a question is in the README" "$missing" ""
awk '/^## Configuration/ { s = 1 } /^## / && !/Configuration/ { s = 0 }
	s && /^```ini$/ { on = 1; next } on && /^```$/ { on = 0 } on' "$LLM_TOP/README.md" >"$T/readme.ini"
check "the README shows a config" test -s "$T/readme.ini"
cp "$T/readme.ini" "$LLM_CONFIG_DIR/config.ini"
run_llm config check
check_rc "llm config check takes the README's config" 0

[ "$T_FAIL" -eq 0 ]
