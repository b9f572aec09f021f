# fish completion for llm(1): commands, options, tiers, models and providers.
# The words that change (models, providers) come from `llm __complete`, so
# they follow the catalog and the config.

# The words llm offers for WHAT [ARG], one a line. fish tests the condition
# of every option below on each Tab, so the words that come from the program
# alone (commands, options, subcommands) are asked once for a command line
# and kept until it changes; those the config or the catalog give (models,
# roles, themes, providers) are asked each time.
function __llm_words
    set -l llm (commandline -opc)[1]
    command -q -- $llm; or set llm llm
    switch "$argv[1]"
        case commands options opts sub tiers by
        case '*'
            command $llm __complete $argv 2>/dev/null
            return
    end
    set -l line (string join \n -- $llm (commandline -c))
    if test "$line" != "$__llm_line"
        set -g __llm_line $line
        set -g __llm_asked
        set -g __llm_said
    end
    set -l key (string join ' ' -- $argv)
    set -l i (contains -i -- $key $__llm_asked)
    if test -z "$i"
        set -l said (command $llm __complete $argv 2>/dev/null | string collect)
        set -ga __llm_asked $key
        set -ga __llm_said "$said"
        set i (count $__llm_asked)
    end
    string split -n \n -- $__llm_said[$i]
end

# The words before the cursor that are not options or their values. A
# command goes first (only --no-color may come before it): after another
# option, or --, the words are a prompt's, which "--" stands for here.
function __llm_pos
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    set -l seen 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if test $seen = 0; and string match -q -- '-*' $w; and test "$w" != --no-color
            printf '%s\n' --
            set seen 1
        end
        switch $w
            case -t --tier -m --model -s --system -r --role -f --file --cid --max-tokens --max-cost -n --count --month --by --theme -o --output --query --format --init --remote --price --name --user --task --headless --size --out --allow
                set skip 1
            case -q
                # a question's -q is --quiet; logs -q takes the text
                test "$words[1]" = logs; and set skip 1
            case '-*'
                # flags together, the last letter taking the next word: -qt cheap
                string match -rq -- '^-[qvc]+[tmsrfo]$' $w; and set skip 1
            case '*'
                set seen 1
                echo $w
        end
    end
end

# True when N such words precede the cursor and they start with the given
# words ("a|b" allows either).
function __llm_at
    set -l n $argv[1]
    set -e argv[1]
    set -l pos (__llm_pos)
    test (count $pos) -eq $n; or return 1
    set -l i 1
    for want in $argv
        contains -- $pos[$i] (string split '|' -- $want); or return 1
        set i (math $i + 1)
    end
end

# The command being completed, or nothing for a question.
function __llm_cmd
    set -l pos (__llm_pos)
    test (count $pos) -gt 0; or return 0
    contains -- $pos[1] (__llm_words commands); and echo $pos[1]
end

# True when the command being completed (or a question) takes the option
# OPT; llm says which options each command, and each of its words, takes.
function __llm_takes
    set -l cmd (__llm_cmd)
    if test -n "$cmd"
        set -l pos (__llm_pos) ''
        contains -- $argv[1] (__llm_words opts $cmd $pos[2])
    else
        contains -- $argv[1] (__llm_words options)
    end
end

complete -c llm -f

# Commands, while none is given.
complete -c llm -n '__llm_at 0' -a chat -d 'the full-screen client'
complete -c llm -n '__llm_at 0' -a route -d 'the routing decision and the cost on every tier'
complete -c llm -n '__llm_at 0' -a models -d 'the catalog; import FILE|URL, add PROVIDER ID, --remote PROVIDER'
complete -c llm -n '__llm_at 0' -a budget -d "this month's meter; budget set USD"
complete -c llm -n '__llm_at 0' -a usage -d 'spend report'
complete -c llm -n '__llm_at 0' -a logs -d 'recent conversations and messages; show, export, rm ID'
complete -c llm -n '__llm_at 0' -a cmd -d 'propose one shell command: run, edit, explain or cancel'
complete -c llm -n '__llm_at 0' -a roles -d 'the named system prompts -r NAME takes'
complete -c llm -n '__llm_at 0' -a keys -d 'keys in the OS keyring: set, list, rm, check'
complete -c llm -n '__llm_at 0' -a git -d 'install-hook, uninstall-hook, commit-msg'
complete -c llm -n '__llm_at 0' -a ledger -d "init: create or upgrade the ledger's schema; send: the rows kept here"
complete -c llm -n '__llm_at 0' -a config -d 'path, show, check'
complete -c llm -n '__llm_at 0' -a do -d 'do a coding task in this repository with tools'
complete -c llm -n '__llm_at 0' -a undo -d 'restore the files the last agent task changed'
complete -c llm -n '__llm_takes --resume' -l resume -d 'go on with a task that stopped (ID, then more to do)'
complete -c llm -n '__llm_takes --allow' -l allow -x -a 'edit write run edit,write edit,write,run' -d 'tools allowed without asking'
complete -c llm -n '__llm_at 0' -a help -d 'print the help'
complete -c llm -n '__llm_at 0' -a version -d 'print the version'

# The tiers --tier takes: models lists the catalog's, and auto, the router's
# choice, is not one of them.
function __llm_tiers
    set -l cmd (__llm_cmd)
    if test "$cmd" = models
        printf '%s\n' cheap mid frontier
    else
        __llm_words tiers
    end
end

# True when the word before the cursor is flags together whose last letter,
# one of LETTERS, takes the next word: -qt TIER, -vm MODEL.
function __llm_bundle
    set -l prev (commandline -opc)[-1]
    string match -rq -- "^-[qvc]+[$argv[1]]\$" $prev
end

complete -c llm -n '__llm_bundle t' -x -a '(__llm_tiers)'
complete -c llm -n '__llm_bundle m' -x -a '(__llm_words models)'
complete -c llm -n '__llm_bundle r' -x -a '(__llm_words roles)'
complete -c llm -n '__llm_bundle fo' -r -F

# Options of a question (and of chat and route).
complete -c llm -n '__llm_takes --tier' -s t -l tier -x -a '(__llm_tiers)' -d 'tier: auto, cheap, mid or frontier'
complete -c llm -n '__llm_takes --model' -s m -l model -x -a '(__llm_words models)' -d 'pin a model'
complete -c llm -n '__llm_takes --system' -s s -l system -x -d 'system prompt'
complete -c llm -n '__llm_takes --role' -s r -l role -x -a '(__llm_words roles)' -d 'a named system prompt with its defaults'
complete -c llm -n '__llm_takes --file' -s f -l file -r -F -d 'attach a file as context, or an image'
complete -c llm -n '__llm_takes --continue' -s c -l continue -d 'continue the latest conversation'
complete -c llm -n '__llm_takes --cid' -l cid -x -d 'continue conversation ID'
complete -c llm -n '__llm_takes --no-stream' -l no-stream -d 'print the answer when it is complete'
complete -c llm -n '__llm_takes --json' -l json -d 'print one JSON object'
complete -c llm -n '__llm_takes --dry-run' -l dry-run -d 'route and estimate only, send nothing'
complete -c llm -n '__llm_takes --max-tokens' -l max-tokens -x -d 'cap the reply at N tokens'
complete -c llm -n '__llm_takes --max-cost' -l max-cost -x -d 'refuse when the worst case is above USD'
complete -c llm -n '__llm_takes --output' -s o -l output -r -F -d 'write the answer to FILE'
complete -c llm -n '__llm_takes --force; and test "$(__llm_cmd)" != git' -l force -d 'let -o replace an existing file'
complete -c llm -n '__llm_takes --quiet' -s q -l quiet -d 'no summary line'
complete -c llm -n '__llm_takes --verbose' -s v -l verbose -d 'explain the route on stderr'
complete -c llm -n '__llm_takes --no-color' -l no-color -d 'no colour'
complete -c llm -n '__llm_takes --version' -s V -l version -d 'print the version'
complete -c llm -n '__llm_takes --help' -s h -l help -d 'print the help'

# Subcommands' own words.
complete -c llm -n '__llm_at 1 models' -a '(__llm_words sub models)' -d 'import a price list'
complete -c llm -n '__llm_at 2 models import' -F
complete -c llm -n '__llm_takes --remote' -l remote -x -a '(__llm_words providers)' -d 'what the provider serves'
complete -c llm -n '__llm_at 2 models add' -a '(__llm_words providers)' -d provider
complete -c llm -n '__llm_takes --price' -l price -x -d 'IN/OUT dollars per million tokens'
complete -c llm -n '__llm_takes --name' -l name -x -d 'the catalog name'
complete -c llm -n '__llm_at 1 budget' -a '(__llm_words sub budget)' -d 'set the monthly budget'
complete -c llm -n '__llm_at 1 keys' -a '(__llm_words sub keys)'
complete -c llm -n '__llm_at 2 keys "set|rm|check"' -a '(__llm_words keys)' -d provider
complete -c llm -n '__llm_at 1 git' -a '(__llm_words sub git)'
complete -c llm -n '__llm_takes --force; and test "$(__llm_cmd)" = git' -s f -l force -d "replace a hook that is not llm's"
complete -c llm -n '__llm_at 2 git commit-msg' -F
complete -c llm -n '__llm_at 1 config' -a '(__llm_words sub config)'
complete -c llm -n '__llm_at 1 help' -a '(__llm_words commands)' -d 'its help'
complete -c llm -n '__llm_at 1 ledger' -a '(__llm_words sub ledger)'
complete -c llm -n '__llm_takes --month' -l month -x -d 'the month, YYYY-MM'
complete -c llm -n '__llm_takes --by' -l by -x -a '(__llm_words by)' -d 'group by'
complete -c llm -n '__llm_takes --router' -l router -d 'how often the router was overruled'
complete -c llm -n '__llm_takes --explain' -l explain -d 'show what the router learnt from you'
complete -c llm -n '__llm_takes --forget' -l forget -d 'forget what the router learnt'
complete -c llm -n '__llm_takes --count' -s n -l count -x -d 'how many'
complete -c llm -n '__llm_takes --all' -s a -l all -d 'the git hook'"'"'s drafts and llm cmd'"'"'s requests too'
complete -c llm -n '__llm_at 1 logs' -a '(__llm_words sub logs)'
complete -c llm -n '__llm_takes --query' -s q -l query -x -d 'messages holding every word'
complete -c llm -n '__llm_takes --raw' -l raw -d 'the stored text'
complete -c llm -n '__llm_takes --format' -l format -x -a 'md json' -d 'md or json'
complete -c llm -n '__llm_takes --print' -l print -d 'print the command only'
complete -c llm -n '__llm_takes --init' -l init -x -a 'bash zsh fish' -d 'a snippet for the shell'
complete -c llm -n '__llm_takes --paths' -l paths -d 'the file each role comes from'
complete -c llm -n '__llm_takes --task' -l task -x -d 'the steps of an agent task'
complete -c llm -n '__llm_takes --theme' -l theme -x -a '(__llm_words themes)' -d 'colour theme'
complete -c llm -n '__llm_takes --agent' -l agent -d 'start in agent mode'
complete -c llm -n '__llm_takes --headless' -l headless -r -F -d 'run without a terminal, keys read from SCRIPT'
complete -c llm -n '__llm_takes --size' -l size -x -d 'the headless screen, WxH'
complete -c llm -n '__llm_takes --out' -l out -r -F -d 'where the headless screen is written'
complete -c llm -n '__llm_takes --user' -l user -x -d "budget set: this user's own budget"
