# fish completion for llm(1): commands, options, tiers, models and providers.
# The words that change (models, providers) come from `llm __complete`, so
# they follow the catalog and the config.

# The words llm offers for WHAT [ARG], one a line.
function __llm_words
    set -l llm (commandline -opc)[1]
    command -q -- $llm; or set llm llm
    command $llm __complete $argv 2>/dev/null
end

# The words before the cursor that are not options or their values.
function __llm_pos
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case -t --tier -m --model -s --system -r --role -f --file --cid --max-tokens --max-cost -n --count --month --by --theme -o --output --query --format --init --remote --price --name --user --task --headless --size --out --allow
                set skip 1
            case -q
                # a question's -q is --quiet; logs -q takes the text
                test "$words[1]" = logs; and set skip 1
            case '-*'
            case '*'
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

complete -c llm -f

# Commands, while none is given.
complete -c llm -n '__llm_at 0' -a chat -d 'the full-screen client'
complete -c llm -n '__llm_at 0' -a route -d 'the routing decision and the cost on every tier'
complete -c llm -n '__llm_at 0' -a models -d 'the catalog; models import FILE|URL'
complete -c llm -n '__llm_at 0' -a budget -d "this month's meter; budget set USD"
complete -c llm -n '__llm_at 0' -a usage -d 'spend report'
complete -c llm -n '__llm_at 0' -a logs -d 'recent conversations and messages'
complete -c llm -n '__llm_at 0' -a cmd -d 'propose one shell command: run, edit, explain or cancel'
complete -c llm -n '__llm_at 0' -a roles -d 'the named system prompts -r NAME takes'
complete -c llm -n '__llm_at 0' -a keys -d 'keys in the OS keyring: set, list, rm, check'
complete -c llm -n '__llm_at 0' -a git -d 'install-hook, uninstall-hook, commit-msg'
complete -c llm -n '__llm_at 0' -a ledger -d "init: create or upgrade the ledger's schema"
complete -c llm -n '__llm_at 0' -a config -d 'path, show, check'
complete -c llm -n '__llm_at 0' -a do -d 'do a coding task in this repository with tools'
complete -c llm -n '__llm_at 0' -a undo -d 'restore the files the last agent task changed'
complete -c llm -n '__llm_at 1 do' -s t -l tier -x -a '(__llm_words tiers)' -d 'the worker'"'"'s tier'
complete -c llm -n '__llm_at 1 do' -s m -l model -x -a '(__llm_words models)' -d 'pin the worker'"'"'s model'
complete -c llm -n '__llm_at 1 do' -l allow -x -a 'edit write run edit,write edit,write,run' -d 'tools allowed without asking'
complete -c llm -n '__llm_at 1 do' -l max-cost -x -d 'cap the whole task (USD)'
complete -c llm -n '__llm_at 1 do' -l max-tokens -x -d 'cap each step'"'"'s reply'
complete -c llm -n '__llm_at 1 do' -l json -d 'one JSON object with the steps'
complete -c llm -n '__llm_at 1 do' -s q -l quiet -d 'no step lines'
complete -c llm -n '__llm_at 0' -a help -d 'print the help'
complete -c llm -n '__llm_at 0' -a version -d 'print the version'

# Options of a question (and of chat and route).
complete -c llm -s t -l tier -x -a '(__llm_words tiers)' -d 'tier: auto, cheap, mid or frontier'
complete -c llm -s m -l model -x -a '(__llm_words models)' -d 'pin a model'
complete -c llm -s s -l system -x -d 'system prompt'
complete -c llm -s r -l role -x -a '(__llm_words roles)' -d 'a named system prompt with its defaults'
complete -c llm -s f -l file -r -F -d 'attach a file as context, or an image'
complete -c llm -s c -l continue -d 'continue the latest conversation'
complete -c llm -l cid -x -d 'continue conversation ID'
complete -c llm -l no-stream -d 'print the answer when it is complete'
complete -c llm -l json -d 'print one JSON object'
complete -c llm -l dry-run -d 'route and estimate only, send nothing'
complete -c llm -l max-tokens -x -d 'cap the reply at N tokens'
complete -c llm -l max-cost -x -d 'refuse when the worst case is above USD'
complete -c llm -s o -l output -r -F -d 'write the answer to FILE'
complete -c llm -l force -d 'let -o replace an existing file'
complete -c llm -s q -l quiet -d 'no summary line'
complete -c llm -s v -l verbose -d 'explain the route on stderr'
complete -c llm -l no-color -d 'no colour'
complete -c llm -s V -l version -d 'print the version'
complete -c llm -s h -l help -d 'print the help'

# Subcommands' own words.
complete -c llm -n '__llm_at 1 models' -a '(__llm_words sub models)' -d 'import a price list'
complete -c llm -n '__llm_at 2 models import' -F
complete -c llm -n '__llm_at 1 models' -l remote -x -a '(__llm_words providers)' -d 'what the provider serves'
complete -c llm -n '__llm_at 2 models add' -a '(__llm_words providers)' -d provider
complete -c llm -n '__llm_at 3 models add' -l price -x -d 'IN/OUT dollars per million tokens'
complete -c llm -n '__llm_at 3 models add' -l name -x -d 'the catalog name'
complete -c llm -n '__llm_at 1 budget' -a '(__llm_words sub budget)' -d 'set the monthly budget'
complete -c llm -n '__llm_at 1 keys' -a '(__llm_words sub keys)'
complete -c llm -n '__llm_at 2 keys "set|rm|check"' -a '(__llm_words providers)' -d provider
complete -c llm -n '__llm_at 1 git' -a '(__llm_words sub git)'
complete -c llm -n '__llm_at 2 git install-hook' -l force -d "replace a hook that is not llm's"
complete -c llm -n '__llm_at 2 git commit-msg' -F
complete -c llm -n '__llm_at 1 config' -a '(__llm_words sub config)'
complete -c llm -n '__llm_at 1 ledger' -a '(__llm_words sub ledger)'
complete -c llm -n '__llm_at 1 usage' -l month -x -d 'the month, YYYY-MM'
complete -c llm -n '__llm_at 1 usage' -l by -x -a '(__llm_words by)' -d 'group by'
complete -c llm -n '__llm_at 1 usage' -l router -d 'how often the router was overruled'
complete -c llm -n '__llm_at 1 route' -l explain -d 'show what the router learnt from you'
complete -c llm -n '__llm_at 1 route' -l forget -d 'forget what the router learnt'
complete -c llm -n '__llm_at 1 logs' -s n -l count -x -d 'how many'
complete -c llm -n '__llm_at 1 logs' -s a -l all -d 'the git hook'"'"'s drafts and llm cmd'"'"'s requests too'
complete -c llm -n '__llm_at 1 logs' -a '(__llm_words sub logs)'
complete -c llm -n '__llm_at 1 logs' -s q -l query -x -d 'messages holding every word'
complete -c llm -n '__llm_at 2 logs show' -l raw -d 'the stored text'
complete -c llm -n '__llm_at 2 logs export' -l format -x -a 'md json' -d 'md or json'
complete -c llm -n '__llm_at 1 cmd' -l print -d 'print the command only'
complete -c llm -n '__llm_at 1 cmd' -l init -x -a 'bash zsh fish' -d 'a snippet for the shell'
complete -c llm -n '__llm_at 1 roles' -l paths -d 'the file each role comes from'
complete -c llm -n '__llm_at 1 logs' -l task -x -d 'the steps of an agent task'
complete -c llm -n '__llm_at 1 chat' -l theme -x -d 'colour theme'
complete -c llm -n '__llm_at 1 chat' -l agent -d 'start in agent mode'
