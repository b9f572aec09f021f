# The full-screen client at its edges, headless: a terminal type that cannot hold a
# screen, a window below the smallest layout, files that are not regular, "~/" paths,
# /system shown, commands given an argument they do not take, the key column of the
# model picker, and themes found beside a moved program.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
t_setup
t_november

# -- a terminal type that cannot move the cursor is refused before anything starts
cat >"$T/a.s" <<S
:type hello
:key Enter
:wait-idle
:dump-screen $T/a0
S
LLM_TUI_TERM=dumb tui a
check_eq "dumb: exit 2" "$TUI_RC" 2
check_contains "dumb: says why and what to use" "$(cat "$T/a.err")" \
    "llm: chat: TERM=dumb cannot address the cursor: the full-screen client needs a capable terminal; use llm PROMPT"
check_eq "dumb: nothing sent" "$(fake_count)" 0
check_eq "dumb: no screen drawn" "$(screen "$T/a0")" "(no dump $T/a0)"
LLM_TUI_TERM=no-such-terminal tui a
check_eq "unknown terminal type: exit 2" "$TUI_RC" 2
check_contains "unknown terminal type: named" "$(cat "$T/a.err")" "unknown terminal type TERM=no-such-terminal"

# -- below 20x10 only a message is drawn, until the window grows; typing is kept
tui_ok "small" b <<S
:resize 40 8
:type kept while small
:dump-screen $T/b0
:resize 15 3
:dump-screen $T/b1
:resize 10 4
:dump-screen $T/b4
:resize 20 10
:dump-screen $T/b2
:resize 60 20
:dump-screen $T/b3
S
check_screen "small: the message" b0 "too small: 40x8"
check_screen "small: the size needed" b0 "llm needs 20x10"
check_not_screen "small: no frame drawn" b0 "│"
check_not_screen "small: typing not drawn over it" b0 "kept while small"
check_eq "small: 8 rows dumped" "$(wc -l <"$T/b0" | tr -d ' ')" 8
check_screen "tiny: the message cut to fit" b1 "too small: 15x3"
check_screen "tinier: the size now, whole" b4 "10x4"
check_screen "tinier: the size needed, whole" b4 "need 20x10"
check_contains "20x10: the layout again" "$(sed -n 1p "$T/b2")" "┌ llm"
check_contains "20x10: bottom border on the last row" "$(sed -n 10p "$T/b2")" "└"
check_contains "grown: frame back" "$(sed -n 1p "$T/b3")" "┌ llm"
check_screen "grown: the input typed while small" b3 "> kept while small"
check_contains "grown: bottom border on row 20" "$(sed -n 20p "$T/b3")" "└ F1 help"

# -- /file and -f refuse what is not a regular file, at once
mkfifo "$T/fifo"
mkdir "$T/dir"
cat >"$T/c.s" <<S
:dump-screen $T/c0
:type /file $T/fifo
:key Enter
:dump-screen $T/c1
:type /file $T/dir
:key Enter
:dump-screen $T/c2
:type /file /dev/zero
:key Enter
:dump-screen $T/c3
:type /file $T/dir/../ok.txt
:key Enter
:dump-screen $T/c4
:type /file $T/missing.txt
:key Enter
:dump-screen $T/c5
S
printf 'fine\n' >"$T/ok.txt"
tui c 100x30 -f "$T/fifo"
check_eq "fifo: exit 0 (nothing waits on the pipe)" "$TUI_RC" 0
check_screen "-f fifo: refused on the status line" c0 "--file: $T/fifo: a pipe (FIFO); attach a regular file"
check_screen "/file fifo: refused on the status line" c1 "/file: $T/fifo: a pipe (FIFO); attach a regular file"
check_screen "/file dir: refused" c2 "/file: $T/dir: a directory; attach a regular file"
check_screen "/file device: refused" c3 "/file: /dev/zero: a device; attach a regular file"
check_screen "/file regular: attached" c4 "attached $T/dir/../ok.txt"
# headed by the command, as every other command's error is
check_screen "/file missing: said, headed /file" c5 "/file: $T/missing.txt: No such file or directory"

# -- "~/" in /save and /file is the home directory
fake_reply '{"text":"```py\nprint(1)\n```\n","usage":{"input":10,"output":5}}'
printf 'from home\n' >"$HOME/in.txt"
tui_ok "home" d <<S
:type /file ~/in.txt
:key Enter
:type go
:key Enter
:wait-idle
:type /save 1 ~/x.py
:key Enter
:dump-screen $T/d0
S
# The file's text in any request recorded: the last one may not be the turn's under load.
check_contains "/file ~/: read from HOME" "$(cat "$T/fake.log")" "from home"
check_eq "/save ~/: written in HOME" "$(cat "$HOME/x.py" 2>/dev/null)" "print(1)"
check_screen "/save ~/: status names the real path" d0 "to $HOME/x.py"
if [ -e "$T/~" ] || [ -e "./~" ]; then not_ok "/save ~/: no directory named ~"; else ok "/save ~/: no directory named ~"; fi

# -- /system alone shows the prompt; --clear drops it
fake_reset
fake_reply '{"text":"one","usage":{"input":10,"output":5}}'
fake_reply '{"text":"two","usage":{"input":10,"output":5}}'
tui_ok "system" e <<S
:type /system
:key Enter
:dump-screen $T/e0
:type /system Answer in French.
:key Enter
:type /system
:key Enter
:dump-screen $T/e1
:type bonjour
:key Enter
:wait-idle
:type /system --clear
:key Enter
:dump-screen $T/e2
:type encore
:key Enter
:wait-idle
S
check_screen "system: none yet" e0 "no system prompt (/system TEXT sets one)"
check_screen "system: shown" e1 "system prompt: Answer in French."
check_contains "system: still sent after it was shown" "$(fake_get 0 body.messages.0.content)" "Answer in French."
check_screen "system: --clear says so" e2 "system prompt cleared"
check_eq "system: cleared, none sent" "$(fake_get 1 body.messages.0.role)" user

# -- a resumed conversation keeps its system prompt; /system shows it, --clear drops it
fake_reset
fake_reply '{"text":"first","usage":{"input":10,"output":5}}'
fake_reply '{"text":"again","usage":{"input":10,"output":5}}'
fake_reply '{"text":"plain","usage":{"input":10,"output":5}}'
run_llm -q -s "Be terse." "hello there"
check_rc "resumed system: first turn exit 0" 0
tui_ok "resumed system" r 100x30 -c <<S
:type /system
:key Enter
:dump-screen $T/r0
:type more please
:key Enter
:wait-idle
:type /system --clear
:key Enter
:type and now
:key Enter
:wait-idle
S
check_screen "resumed system: shown" r0 "system prompt: Be terse."
check_contains "resumed system: sent again" "$(fake_get 1 body.messages.0.content)" "Be terse."
check_eq "resumed system: cleared, none sent" "$(fake_get 2 body.messages.0.role)" user

# -- a command that takes no argument refuses one instead of ignoring it
fake_reset
fake_reply '{"text":"cheap answer","usage":{"input":10,"output":5}}'
tui_ok "retry arg" f <<S
:type hello
:key Enter
:wait-idle
:type /retry in one line please
:key Enter
:wait-idle
:dump-screen $T/f0
:type /new now
:key Enter
:dump-screen $T/f1
S
check_screen "retry arg: refused" f0 "/retry takes no argument: nothing done ('in one line please' was not used)"
check_eq "retry arg: nothing re-asked" "$(fake_count)" 1
check_screen "new arg: refused" f1 "/new takes no argument"
check_screen "new arg: the conversation kept" f1 "cheap answer"

# -- the model picker says which models have a key, without reading it
unset GEMINI_API_KEY
tui_ok "picker" g <<S
:key F3
:type test-
:dump-screen $T/g0
S
check_contains "picker: env key" "$(grep -F 'test-cheap ' "$T/g0")" "key: env"
check_contains "picker: no key" "$(grep -F 'test-frontier ' "$T/g0")" "no key"
check_not_contains "picker: no key is not a key" "$(grep -F 'test-frontier ' "$T/g0")" "key: "
check_contains "picker: local model needs none" "$(grep -F 'test-local ' "$T/g0")" "no key needed"
check_not_screen "picker: the key itself never shown" g0 "sk-test-openai"
export GEMINI_API_KEY=gm-test-0003

# -- themes beside a program moved after installing, or run from its build tree
mkdir -p "$T/pkg/bin" "$T/pkg/share/llm/themes" "$T/tree/build" "$T/tree/themes" "$T/cwd"
cp "$LLM_BIN" "$T/pkg/bin/llm"
cp "$LLM_BIN" "$T/tree/build/llm"
printf 'cost = fg:201/magenta\n' >"$T/pkg/share/llm/themes/beside.theme"
printf 'cost = fg:202/red\n' >"$T/tree/themes/intree.theme"
paths=$(cd "$T/cwd" && "$T/pkg/bin/llm" config path)
check_contains "config path: themes beside the program" "$paths" "$T/pkg/share/llm/themes"
check_contains "config path: the user's themes first" "$(printf '%s\n' "$paths" | grep '^themes:')" \
    "themes: $LLM_CONFIG_DIR/themes"
check_contains "config path: a missing place says so" "$paths" "$LLM_CONFIG_DIR/themes (not present)"
cat >"$T/h.s" <<S
:type /theme beside
:key Enter
:dump-colors $T/h0
:type /theme intree
:key Enter
:dump-screen $T/h1
:type /theme nosuch
:key Enter
:dump-screen $T/h2
S
(cd "$T/cwd" && LLM_BIN="$T/pkg/bin/llm" tui h)
check_screen "theme beside: loaded from another directory" h0 "-- styles (beside)"
check_screen "theme beside: not found in a place it is not" h1 "theme 'intree' not found"
check_screen "theme not found: the places are listed" h2 "$T/pkg/share/llm/themes"
cat >"$T/i.s" <<S
:type /theme intree
:key Enter
:dump-colors $T/i0
S
(cd "$T/cwd" && LLM_BIN="$T/tree/build/llm" tui i)
check_screen "theme in the build tree: loaded" i0 "-- styles (intree)"
