#!/bin/sh
# completions: llm __complete and the bash, zsh and fish completions built on it.
. "${LLM_TOP:-.}/tests/lib.sh"
# t_setup clears LLM_*: whether llm is built with AddressSanitizer is kept first
ASAN=${LLM_ASAN:-}
t_setup

mkdir -p "$T/bin"
ln -s "$LLM_BIN" "$T/bin/llm"
PATH="$T/bin:$PATH"
export PATH
COMP=$LLM_TOP/completions

lines() {
	printf '%s\n' "$@"
}

# --- llm __complete -----------------------------------------------------------
run_llm __complete tiers
check_eq "__complete tiers" "$OUT" "$(lines auto cheap mid frontier)"
run_llm __complete models
for m in test-cheap test-mid test-frontier test-local; do
	check "__complete models lists $m" grep -qx "$m" "$T/out"
done
run_llm __complete providers
PROVIDERS=$OUT
for p in openai anthropic gemini deepseek openrouter groq mistral together fireworks ollama; do
	check "__complete providers lists $p" grep -qx "$p" "$T/out"
done
run_llm __complete commands
check_eq "__complete commands" "$OUT" \
    "$(lines chat route models budget usage logs cmd roles keys git ledger config "do" undo help version)"
COMMANDS=$OUT
run_llm __complete sub keys
check_eq "__complete sub keys" "$OUT" "$(lines set list rm check)"
run_llm __complete opts git
check_eq "__complete opts git" "$OUT" "$(lines -f --force --no-color --help)"
mkdir -p "$LLM_CONFIG_DIR/themes"
: >"$LLM_CONFIG_DIR/themes/zz-mine.theme"
: >"$LLM_CONFIG_DIR/themes/notes.txt"
THEMES=$(lines default high-contrast light mono zz-mine)
run_llm __complete themes
check_eq "__complete themes: the shipped ones, the user's, default once" "$OUT" "$THEMES"
run_llm __complete no-such-thing
check_rc "__complete with an unknown WHAT: exit 2" 2

# Every option llm --help prints is offered.
run_llm __complete options
printf '%s\n' "$OUT" >"$T/options"
"$LLM_BIN" --help | sed -n 's/^  \(-[A-Za-z]\), \(--[a-z-]*\).*/\1\n\2/p; s/^      \(--[a-z-]*\).*/\1/p' \
    >"$T/help-options"
check "llm --help lists options" test -s "$T/help-options"
missing=$(grep -vxF -f "$T/options" "$T/help-options")
check_eq "every option of llm --help is offered" "$missing" ""

# Every long option a command's --help names is offered for that command, but
# those it names as refused (llm route's), and --dry-run, which llm route takes
# and which changes nothing there.
# long_opts: the long options in stdin, one a line, sorted.
long_opts() {
	grep -o -- '--[a-z][a-z-]*' | sort -u
}
# all_opts: the options in stdin (one a line), short and long, sorted; -h
# and --help aside, which a shell offers as it likes.
all_opts() {
	grep -x -- '-[a-zA-Z]\|--[a-z][a-z-]*' | grep -vx -- '-h\|--help' | sort -u
}
CMDS=$(printf '%s\n' "$COMMANDS" | grep -vx 'help\|version')
missing=
for cmd in $CMDS; do
	"$LLM_BIN" __complete opts "$cmd" | long_opts >"$T/opts-$cmd"
	"$LLM_BIN" __complete opts "$cmd" | all_opts >"$T/all-$cmd"
	for opt in $("$LLM_BIN" "$cmd" --help 2>&1 </dev/null | sed '/^Refused/,/^$/d' | long_opts); do
		[ "$cmd:$opt" = route:--dry-run ] && continue
		grep -qxF -- "$opt" "$T/opts-$cmd" || missing="$missing $cmd:$opt"
	done
done
check_eq "every option of each command's --help is offered for it" "$missing" ""

# And the reverse: each option offered for a command is in its --help, in its
# long form or in the short one before it in the list (chat and route name
# a question's options by their letters). --help and --no-color, which every
# command takes, are in llm --help.
missing=
for cmd in $CMDS; do
	"$LLM_BIN" "$cmd" --help >"$T/help-$cmd" 2>&1 </dev/null
	short=
	for opt in $("$LLM_BIN" __complete opts "$cmd"); do
		case $opt in
		--help | --no-color) ;;
		--*)
			grep -q -- "$opt\\b" "$T/help-$cmd" ||
			    { [ -n "$short" ] && grep -q -- "$short\\b" "$T/help-$cmd"; } ||
			    missing="$missing $cmd:$opt"
			;;
		esac
		short=
		case $opt in --*) ;; -?) short=$opt ;; esac
	done
done
check_eq "every option offered for a command is in its --help" "$missing" ""

# After a command's word (llm budget set), the options offered are those the
# binary takes there, and the command's others are the ones it refuses there
# (budget set takes --user, not --json). Run where no git repository is, so
# that install-hook installs nothing; the hook's commit-msg never refuses.
# A thousand runs of llm: a minute here, ten under AddressSanitizer, which
# finds nothing in the option parser that cli_options.sh does not run there.
mkdir -p "$T/nogit"
wrong=
[ -n "$ASAN" ] && echo "# skip: each option after each word: llm is built with AddressSanitizer"
[ -n "$ASAN" ] || for cmd in $CMDS; do
	for word in $("$LLM_BIN" __complete sub "$cmd"); do
		[ "$cmd $word" = "git commit-msg" ] && continue
		"$LLM_BIN" __complete opts "$cmd" "$word" >"$T/word-opts"
		for opt in $(cat "$T/opts-$cmd") $(grep -x -- '-[a-zA-Z]' "$T/all-$cmd"); do
			case $opt in --help | --no-color) continue ;; esac
			err=$(cd "$T/nogit" && "$LLM_BIN" "$cmd" "$word" "$opt" x </dev/null 2>&1 >/dev/null)
			case $err in
			*"unknown option '$opt'"* | *"unknown option $opt"*) refused=1 ;;
			*) refused=0 ;;
			esac
			if grep -qxF -- "$opt" "$T/word-opts"; then
				[ $refused = 0 ] || wrong="$wrong $cmd-$word:$opt(offered,refused)"
			else
				[ $refused = 1 ] || wrong="$wrong $cmd-$word:$opt(taken,not-offered)"
			fi
		done
	done
done
check_eq "after a command's word, the options offered are the ones it takes" "$wrong" ""
check_eq "__complete opts budget set: no --json" "$("$LLM_BIN" __complete opts budget set)" \
    "$(lines --user --no-color --help)"

# A model added to the config is offered at once.
t_config_append "$(t_model zz-added openai zz-added-1 mid 1 2)"

# --- bash ---------------------------------------------------------------------
# bash_complete WORD...: what _llm offers when the cursor ends the last WORD.
bash_complete() {
	bash --norc --noprofile -c '. "$1" || exit 1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_llm; printf "%s\n" "${COMPREPLY[@]}"' bash "$COMP/llm.bash" "$@"
}

check_eq "bash: complete -p llm" "$(bash --norc --noprofile -c ". '$COMP/llm.bash'; complete -p llm")" \
    "complete -F _llm llm"
check_eq "bash: commands" "$(bash_complete llm '')" "$COMMANDS"
check_eq "bash: tiers after -t" "$(bash_complete llm -t '')" "$(lines auto cheap mid frontier)"
check_eq "bash: tiers after --tier=" "$(bash_complete llm --tier = c)" "cheap"
check_eq "bash: tiers after models --tier" "$(bash_complete llm models --tier '')" \
    "$(lines cheap mid frontier)"
check_eq "bash: models after --model" "$(bash_complete llm --model test- | sort)" \
    "$(lines test-cheap test-frontier test-local test-mid)"
check_eq "bash: a model added to the config" "$(bash_complete llm -m zz)" "zz-added"
run_llm __complete keys
KEYS=$OUT
check_eq "__complete keys: the providers, and the team ledger's password" "$KEYS" "$PROVIDERS
ledger"
check_eq "bash: providers and ledger after keys set" "$(bash_complete llm keys set '')" "$KEYS"
check_eq "bash: providers after models add" "$(bash_complete llm models add '')" "$PROVIDERS"
check_eq "bash: providers after keys rm" "$(bash_complete llm keys rm open)" "$(lines openai openrouter)"
check_eq "bash: keys commands" "$(bash_complete llm keys '')" "$(lines set list rm check)"
check_eq "bash: git commands" "$(bash_complete llm git '')" \
    "$(lines install-hook uninstall-hook commit-msg)"
check_eq "bash: install-hook options" "$(bash_complete llm git install-hook --f)" "--force"
check_eq "bash: budget set's options, not --json" "$(bash_complete llm budget set --)" \
    "$(lines --user --no-color --help)"
check_eq "bash: budget's own, before its word" "$(bash_complete llm budget --j)" "--json"
check_eq "bash: nothing but the common options after logs rm" "$(bash_complete llm logs rm 1 --)" \
    "$(lines --no-color --help)"
check_eq "bash: nothing of git install-hook's after uninstall-hook" \
    "$(bash_complete llm git uninstall-hook -)" "$(lines --no-color --help)"
check_eq "bash: route's own options" "$(bash_complete llm route --m)" "--model
--max-tokens
--max-cost"
check_eq "bash: options" "$(bash_complete llm --ti)" "--tier"
check_eq "bash: roles after -r" "$(bash_complete llm -r re)" "review"
check_eq "bash: themes after --theme" "$(bash_complete llm chat --theme '')" "$THEMES"
check_eq "bash: usage --by" "$(bash_complete llm usage --by '')" "$(lines day model tier task user team)"
check_eq "bash: a prompt's words are not commands" "$(bash_complete llm explain '')" ""
# A command goes first: after an option (--no-color aside) or --, words are a prompt's.
check_eq "bash: no commands after an option" "$(bash_complete llm -q '')" ""
check_eq "bash: commands after help" "$(bash_complete llm help '')" "$COMMANDS"
check_eq "bash: no commands after an option's value" "$(bash_complete llm -t cheap bu)" ""
check_eq "bash: no commands after --" "$(bash_complete llm -- '')" ""
check_eq "bash: commands after --no-color" "$(bash_complete llm --no-color '')" "$COMMANDS"
# After --, every word is a prompt's: no options, nor an option's values.
check_eq "bash: no options after --" "$(bash_complete llm -q -- -)" ""
check_eq "bash: no tiers after -- -t" "$(bash_complete llm -- -t '')" ""
check_eq "bash: no route options after --" "$(bash_complete llm route -- --m)" ""
# Flags together with the option that takes the next word last: -qt TIER.
check_eq "bash: tiers after -qt" "$(bash_complete llm -qt '')" "$(lines auto cheap mid frontier)"
check_eq "bash: models after -vqm" "$(bash_complete llm -vqm zz)" "zz-added"
check_eq "bash: -qt's value is no prompt word" "$(bash_complete llm -qt cheap --ti)" "--tier"
check_eq "bash: a question's options after an option" "$(bash_complete llm -q --ti)" "--tier"
: >"$T/file-one.txt"
: >"$T/file-two.txt"
check_eq "bash: files after -f" "$(bash_complete llm -t cheap -f "$T/file-" | sort)" \
    "$(lines "$T/file-one.txt" "$T/file-two.txt")"
check_eq "bash: files after models import --" "$(bash_complete llm models import -- "$T/file-" | sort)" \
    "$(lines "$T/file-one.txt" "$T/file-two.txt")"

# --- zsh ----------------------------------------------------------------------
if command -v zsh >/dev/null 2>&1 && zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	# Drive an interactive zsh on a pseudo-terminal; compadd prints each match.
	cat >"$T/capture.zsh" <<'EOF'
zmodload zsh/zpty || exit 3
local compdir=$1 input=$2 line
zpty z zsh -f -i
zpty -w z "PROMPT= ; RPROMPT= ; fpath=(${(q)compdir} \$fpath); autoload -Uz compinit; compinit -u -D -d ${(q)T}/zcompdump"
zpty -w z 'zmodload zsh/zutil; bindkey "^I" complete-word; zstyle ":completion:*" list-grouped false; zstyle ":completion:*" insert-tab false'
zpty -w z 'comppostfuncs=( exit ); compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do echo -E - "MA""TCH:$h"; done; }'
zpty -w z "$input"$'\t'
while zpty -r z line; do
	[[ $line == *MATCH:* ]] && print -r -- ${${${line#*MATCH:}%%$'\n'}%$'\r'}
done
EOF
	zsh_complete() {
		timeout 20 zsh -f "$T/capture.zsh" "$COMP" "$1" | sort
	}
	check "zsh: _llm parses" zsh -n "$COMP/_llm"
	# Each command's options, short and long, are the ones llm offers for it
	# (git's after install-hook).
	wrong=
	for cmd in $CMDS; do
		line="llm $cmd -"
		[ "$cmd" = git ] && line="llm git install-hook -"
		got=$(zsh_complete "$line" | all_opts)
		want=$(cat "$T/all-$cmd")
		[ "$got" = "$want" ] || wrong="$wrong $cmd:[$(printf "%s" "$got" | tr "\n" " ")]!=[$(printf "%s" "$want" | tr "\n" " ")]"
	done
	check_eq "zsh: each command's options are the ones llm offers" "$wrong" ""
	check_eq "zsh: commands" "$(zsh_complete 'llm ')" "$(printf '%s\n' "$COMMANDS" | sort)"
	check_eq "zsh: tiers after -t" "$(zsh_complete 'llm -t ')" "$(lines auto cheap frontier mid)"
	check_eq "zsh: tiers after --tier=" "$(zsh_complete 'llm --tier=')" "$(lines auto cheap frontier mid)"
	check_eq "zsh: tiers after models --tier" "$(zsh_complete 'llm models --tier ')" \
	    "$(lines cheap frontier mid)"
	check_eq "zsh: models after -m" "$(zsh_complete 'llm -m test-')" \
	    "$(lines test-cheap test-frontier test-local test-mid)"
	check_eq "zsh: a model added to the config" "$(zsh_complete 'llm --model zz')" "zz-added"
	check_eq "zsh: providers and ledger after keys set" "$(zsh_complete 'llm keys set ')" \
	    "$(printf '%s\n' "$KEYS" | sort)"
	check_eq "zsh: providers after models add" "$(zsh_complete 'llm models add ')" \
	    "$(printf '%s\n' "$PROVIDERS" | sort)"
	check_eq "zsh: themes after --theme" "$(zsh_complete 'llm chat --theme=')" "$THEMES"
	check_eq "zsh: git commands" "$(zsh_complete 'llm git ')" \
	    "$(lines commit-msg install-hook uninstall-hook)"
	check_eq "zsh: install-hook --force" "$(zsh_complete 'llm git install-hook --f')" "--force"
	check_eq "zsh: budget set's options, not --json" "$(zsh_complete 'llm budget set --' | all_opts)" \
	    "$(lines --no-color --user)"
	check_eq "zsh: budget's own, before its word" "$(zsh_complete 'llm budget --j')" "--json"
	check_eq "zsh: logs export's options" "$(zsh_complete 'llm logs export 1 --' | all_opts)" \
	    "$(lines --format --no-color)"
	check_eq "zsh: models add's options" "$(zsh_complete 'llm models add openai x -' | all_opts)" \
	    "$(printf '%s\n' --name --no-color --price --tier -t | sort)"
	check_eq "zsh: no commands after an option" "$(zsh_complete 'llm -q ')" ""
	check_eq "zsh: commands after help" "$(zsh_complete 'llm help ')" \
	    "$(printf '%s\n' "$COMMANDS" | sort)"
	check_eq "zsh: no commands after an option's value" "$(zsh_complete 'llm -t cheap bu')" ""
	# flags together with the option that takes the next word last: -qt TIER
	check_eq "zsh: tiers after -qt" "$(zsh_complete 'llm -qt ')" "$(lines auto cheap frontier mid)"
	check_eq "zsh: models after -vm" "$(zsh_complete 'llm -vm test-')" \
	    "$(lines test-cheap test-frontier test-local test-mid)"
	check_eq "zsh: no commands after -qt's value" "$(zsh_complete 'llm -qt cheap bu')" ""
	check_eq "zsh: tiers after do -qt" "$(zsh_complete 'llm do -qt ')" "$(lines auto cheap frontier mid)"
	check_eq "zsh: commands after --no-color" "$(zsh_complete 'llm --no-color ')" \
	    "$(printf '%s\n' "$COMMANDS" | sort)"
else
	echo "# skip zsh: not installed (or without zsh/zpty)"
fi

# --- fish ---------------------------------------------------------------------
if command -v fish >/dev/null 2>&1; then
	fish_complete() {
		fish --no-config -c "source '$COMP/llm.fish'; complete -C '$1'" 2>&1 | cut -f1 | sort
	}
	check "fish: llm.fish parses" fish --no-config -n "$COMP/llm.fish"
	check_eq "fish: commands" "$(fish_complete 'llm ')" "$(printf '%s\n' "$COMMANDS" | sort)"
	check_eq "fish: tiers after -t" "$(fish_complete 'llm -t ')" "$(lines auto cheap frontier mid)"
	check_eq "fish: models after --model" "$(fish_complete 'llm --model test-')" \
	    "$(lines test-cheap test-frontier test-local test-mid)"
	check_eq "fish: a model added to the config" "$(fish_complete 'llm -m zz')" "zz-added"
	check_eq "fish: providers and ledger after keys rm" "$(fish_complete 'llm keys rm ')" \
	    "$(printf '%s\n' "$KEYS" | sort)"
	check_eq "fish: themes after --theme" "$(fish_complete 'llm chat --theme ')" "$THEMES"
	check_eq "fish: git commands" "$(fish_complete 'llm git ')" \
	    "$(lines commit-msg install-hook uninstall-hook)"
	check_eq "fish: nothing after keys list" "$(fish_complete 'llm keys list ')" ""
	check_eq "fish: no commands after an option" "$(fish_complete 'llm -q ')" ""
	check_eq "fish: commands after help" "$(fish_complete 'llm help ')" \
	    "$(printf '%s\n' "$COMMANDS" | sort)"
	check_eq "fish: no commands after an option's value" "$(fish_complete 'llm -t cheap bu')" ""
	check_eq "fish: no commands after --" "$(fish_complete 'llm -- ')" ""
	check_eq "fish: commands after --no-color" "$(fish_complete 'llm --no-color ')" \
	    "$(printf '%s\n' "$COMMANDS" | sort)"
	# Each command's options, and a question's, short and long, are the ones
	# llm offers for it.
	wrong=
	for cmd in $CMDS ""; do
		line="llm $cmd -"
		[ -z "$cmd" ] && line="llm explain this -"
		got=$(fish_complete "$line" | all_opts)
		if [ -n "$cmd" ]; then
			want=$(cat "$T/all-$cmd")
		else
			want=$("$LLM_BIN" __complete options | all_opts)
		fi
		[ "$got" = "$want" ] || wrong="$wrong ${cmd:-question}:[$(printf "%s" "$got" | tr "\n" " ")]!=[$(printf "%s" "$want" | tr "\n" " ")]"
	done
	check_eq "fish: each command's options are the ones llm offers" "$wrong" ""
	check_eq "fish: tiers after do -t" "$(fish_complete 'llm do -t ')" "$(lines auto cheap frontier mid)"
	check_eq "fish: budget set's options, not --json" "$(fish_complete 'llm budget set -' | all_opts)" \
	    "$(lines --no-color --user)"
	check_eq "fish: no -f after git uninstall-hook" "$(fish_complete 'llm git uninstall-hook -' | all_opts)" \
	    "--no-color"
	# llm models --tier auto is refused: the catalog's tiers only
	check_eq "fish: tiers after models --tier" "$(fish_complete 'llm models --tier ')" \
	    "$(lines cheap frontier mid)"
	check_eq "fish: tiers after models -t" "$(fish_complete 'llm models -t ')" "$(lines cheap frontier mid)"
	# flags together with the option that takes the next word last: -qt TIER
	check_eq "fish: tiers after -qt" "$(fish_complete 'llm -qt ')" "$(lines auto cheap frontier mid)"
	check_eq "fish: models after -vm" "$(fish_complete 'llm -vm test-')" \
	    "$(lines test-cheap test-frontier test-local test-mid)"
	check_eq "fish: no commands after -qt's value" "$(fish_complete 'llm -qt cheap bu')" ""
	check_eq "fish: -qt's value is no prompt word" "$(fish_complete 'llm -qt cheap --ti')" "--tier"
	check_eq "fish: tiers after do -qt" "$(fish_complete 'llm do -qt ')" "$(lines auto cheap frontier mid)"
	# fish tests the condition of every option on each Tab: llm is asked once
	# for each kind of word the line needs, not once for each option.
	mkdir -p "$T/count"
	printf '#!/bin/sh\necho "$*" >>"%s/count/calls"\nexec "%s" "$@"\n' "$T" "$LLM_BIN" >"$T/count/llm"
	chmod +x "$T/count/llm"
	PATH="$T/count:$PATH" fish --no-config -c "source '$COMP/llm.fish'; complete -C 'llm do --'" >/dev/null 2>&1
	check "fish: one Tab on 'llm do --' starts llm at most 3 times ($(wc -l <"$T/count/calls"))" \
	    test "$(wc -l <"$T/count/calls")" -le 3
	# What is kept for one line is not offered on the next; the models, which
	# the config gives, are asked again on each Tab.
	got=$(fish --no-config -c "source '$COMP/llm.fish'; complete -C 'llm do --' >/dev/null
		complete -C 'llm budget set -'" 2>&1 | cut -f1 | sort | all_opts)
	check_eq "fish: a second line in the same shell gets its own options" "$got" "$(lines --no-color --user)"
	t_model zz2-later openai zz2-later-1 mid 1 2 >"$T/later.ini"
	got=$(fish --no-config -c "source '$COMP/llm.fish'; complete -C 'llm -m zz2' >/dev/null
		cat '$T/later.ini' >>'$LLM_CONFIG_DIR/config.ini'; complete -C 'llm -m zz2'" 2>&1 | cut -f1)
	check_eq "fish: a model added between two Tabs on one line is offered" "$got" "zz2-later"
else
	echo "# skip fish: not installed"
fi

[ "$T_FAIL" -eq 0 ]
