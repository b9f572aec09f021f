# The full-screen client, driven headless: a code block saved with /save keeps the tabs
# the model wrote (a Makefile's recipe lines need them), though the screen shows them as spaces.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

# a Makefile; a list item's block whose lines start with a tab past the item's indentation;
# and a block indented two columns whose tab the fence's indentation takes part of
fake_reply '{"text":"```make\nall: x\n\tcc -o x x.c\n\n\t@echo done\t# tab inside kept\n```\n\n- item\n\n  ```sh\n  \tindented by a tab\n  x\n  ```\n\n  ```\n  a\n\tb\n  ```\n","usage":{"input":10,"output":40}}'
tui_ok "save tabs" s <<S
:type a Makefile please
:key Enter
:wait-idle
:dump-screen $T/s0
:type /save 1 $T/Makefile
:key Enter
:type /save 2 $T/two.sh
:key Enter
:type /save 3 $T/three
:key Enter
S
check_eq "save: the recipe lines keep their tabs" "$(od -c "$T/Makefile" 2>&1)" \
    "$(printf 'all: x\n\tcc -o x x.c\n\n\t@echo done\t# tab inside kept\n' | od -c)"
check_eq "save: in a list item, the tab past the item's indentation" "$(od -c "$T/two.sh" 2>&1)" \
    "$(printf '\tindented by a tab\nx\n' | od -c)"
check_eq "save: a tab the fence's indentation took part of: the columns left" \
    "$(od -c "$T/three" 2>&1)" "$(printf 'a\n  b\n' | od -c)"
check_screen "screen: a tab shows as spaces to the next stop" s0 "│ llm  ┌ [1] make"
check_screen "screen: the recipe line" s0 "│      │     cc -o x x.c"
check_screen "screen: a tab inside a line" s0 "│      │     @echo done  # tab inside kept"
check_not_contains "screen: no tab reaches the terminal" "$(screen "$T/s0")" "$(printf '\t')"
