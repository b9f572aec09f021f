# bash completion for llm(1): commands, options, tiers, models and providers.
# The words that change (models, providers) come from `llm __complete`, so
# they follow the catalog and the config.

# _llm_words WHAT [ARG]: the words llm offers for WHAT, one a line.
_llm_words()
{
	local llm=${COMP_WORDS[0]:-llm}

	case $llm in
	\~/*) llm=$HOME/${llm#\~/} ;;
	esac
	command -v -- "$llm" >/dev/null 2>&1 || llm=llm
	"$llm" __complete "$@" 2>/dev/null
}

# _llm_reply WORDS: offer the words of WORDS (one a line) that start with $cur.
_llm_reply()
{
	local IFS=$'\n'

	COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

_llm_files()
{
	local IFS=$'\n'

	compopt -o filenames 2>/dev/null
	COMPREPLY=($(compgen -f -- "$cur"))
}

_llm()
{
	local cur prev opt cmd w i skip=0 dashes=0
	local -a pos=()

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --tier=ch: bash splits at '=', so the option is one word further back.
	if [[ $cur == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi

	# The words before the cursor that are not options or their values. A
	# command goes first (only --no-color may come before it): after another
	# option, or --, the words are a prompt's, which "--" stands for here.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((skip)); then
			[[ $w == = ]] || skip=0
			continue
		fi
		if ((dashes)); then
			pos+=("$w")
			continue
		fi
		# flags together, the last letter taking the next word: -qt cheap
		[[ $w =~ ^-[qvc]+([tmsrfo])$ ]] && w=-${BASH_REMATCH[1]}
		if ((${#pos[@]} == 0)) && [[ $w == -* && $w != --no-color ]]; then
			pos+=(--)
		fi
		case $w in
		--) dashes=1 ;;   # what follows is a prompt's, or a command's words
		-t | --tier | -m | --model | -s | --system | -r | --role | -f | --file | --cid | --max-tokens | \
		--max-cost | -n | --count | --month | --by | --theme | -o | --output | --query | \
		--format | --init | --remote | --price | --name | --user | --task | --headless | --size | \
		--out | --allow) skip=1 ;;
		-q) [[ ${pos[0]} == logs ]] && skip=1 ;;   # a question's -q is --quiet
		-*) ;;
		*) pos+=("$w") ;;
		esac
	done

	# after --, no word is an option nor an option's value
	((dashes)) && prev=
	[[ $prev =~ ^-[qvc]+([tmsrfo])$ ]] && prev=-${BASH_REMATCH[1]}
	case $prev in
	-t | --tier)
		# the catalog's tiers: auto is the router's choice, not one of them
		if [[ ${pos[0]} == models ]]; then
			_llm_reply $'cheap\nmid\nfrontier'
		else
			_llm_reply "$(_llm_words tiers)"
		fi
		return
		;;
	-m | --model)
		_llm_reply "$(_llm_words models)"
		return
		;;
	--remote)
		_llm_reply "$(_llm_words providers)"
		return
		;;
	-r | --role)
		_llm_reply "$(_llm_words roles)"
		return
		;;
	-f | --file | -o | --output | --headless | --out)
		_llm_files
		return
		;;
	--theme)
		_llm_reply "$(_llm_words themes)"
		return
		;;
	--by)
		_llm_reply "$(_llm_words by)"
		return
		;;
	--format)
		_llm_reply "$(printf '%s\n' md json)"
		return
		;;
	--init)
		_llm_reply "$(printf '%s\n' bash zsh fish)"
		return
		;;
	-q | --query)
		[[ ${pos[0]} == logs ]] && return
		;;
	-s | --system | --cid | --max-tokens | --max-cost | -n | --count | --month | --user | \
	--task | --size | --allow)
		return
		;;
	esac

	cmd=${pos[0]}
	if [[ -n $cmd ]] && ! _llm_words commands | grep -qxF -- "$cmd"; then
		cmd=    # the first word of a prompt, not a command
		[[ $cur == -* ]] || return
	fi

	if [[ $cur == -* ]]; then
		((dashes)) && return
		if [[ -n $cmd ]]; then
			# a command's word takes its own options: llm budget set --user, not --json
			_llm_reply "$(_llm_words opts "$cmd" ${pos[1]:+"${pos[1]}"})"
		else
			_llm_reply "$(_llm_words options)"
		fi
		return
	fi

	if ((${#pos[@]} == 0)); then
		_llm_reply "$(_llm_words commands)"
		return
	fi

	case ${#pos[@]}:$cmd:${pos[1]} in
	1:models:* | 1:budget:* | 1:keys:* | 1:git:* | 1:config:* | 1:logs:* | 1:ledger:*)
		_llm_reply "$(_llm_words sub "$cmd")"
		;;
	1:help:*)
		_llm_reply "$(_llm_words commands)"
		;;
	2:keys:set | 2:keys:rm | 2:keys:check)
		_llm_reply "$(_llm_words keys)"
		;;
	2:models:add)
		_llm_reply "$(_llm_words providers)"
		;;
	2:models:import | 2:git:commit-msg)
		_llm_files
		;;
	esac
}

complete -F _llm llm
