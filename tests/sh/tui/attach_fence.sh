# The full-screen client, driven headless: an attached file holding a code fence is fenced with a longer one.
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
check_eq "fence: longer than the file's" "$(fake_last body.messages.-1.content)" "File: $T/readme.md
\`\`\`\`
Intro
\`\`\`sh
make
\`\`\`
\`\`\`\`

summarise"

echo "# $T_PASS passed, $T_FAIL failed"
