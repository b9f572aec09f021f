# The full-screen client, driven headless: an attached file is fenced with a mark longer than its
# own runs of it, tildes for prose and backticks for code, and routes as what it holds.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

printf 'Intro\n```sh\nmake\n```\n' >"$T/readme.md"
fake_reset
fake_default '{"text":"ok","usage":{"input":5,"output":1}}'
tui_ok "fence" z <<S
:type /tier cheap
:key Enter
:type /file $T/readme.md
:key Enter
:type summarise
:key Enter
:wait-idle
S
check_eq "fence: prose in tildes" "$(fake_last body.messages.-1.content)" "File: $T/readme.md
~~~
Intro
\`\`\`sh
make
\`\`\`
~~~

summarise"

# code in backticks, one more than the file's longest run; prose in tildes, the same
printf 'DOC = """\n````sh\nmake\n````\n"""\n' >"$T/doc.py"
printf 'Intro\n~~~~\nkept\n~~~~\n' >"$T/notes.txt"
tui_ok "fences" y <<S
:type /tier cheap
:key Enter
:type /file $T/doc.py
:key Enter
:type /file $T/notes.txt
:key Enter
:type explain
:key Enter
:wait-idle
S
check_eq "fences: longer than the file's" "$(fake_last body.messages.-1.content)" "File: $T/doc.py
\`\`\`\`\`
DOC = \"\"\"
\`\`\`\`sh
make
\`\`\`\`
\"\"\"
\`\`\`\`\`

File: $T/notes.txt
~~~~~
Intro
~~~~
kept
~~~~
~~~~~

explain"

# the route line judges a prose file by its text, a code file as code
printf 'The old lighthouse stood at the end of the pier.\nEvery evening the keeper climbed its stairs and lit the lamp.\n' \
    >"$T/lamp.txt"
printf 'int main(void) { return 0; }\n' >"$T/main.c"
tui_ok_in "$T" "route line" r <<S
:type /file lamp.txt
:key Enter
:type thanks
:dump-screen $T/r0
:type /detach
:key Enter
:type /file main.c
:key Enter
:type thanks
:dump-screen $T/r1
S
check_contains "route line: prose routed" "$(row "$T/r0" "route auto")" "+1 attachment"
check_not_contains "route line: prose is no code block" "$(row "$T/r0" "route auto")" "code block"
check_contains "route line: code is mid" "$(row "$T/r1" "route auto")" "route auto → mid"
check_contains "route line: code block" "$(row "$T/r1" "route auto")" "code block"

echo "# $T_PASS passed, $T_FAIL failed"
