# The full-screen client, driven headless: attachments, /run after confirmation, multi-line input and paste.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

fake_reset
fake_default '{"text":"ok","usage":{"input":10,"output":1}}'
printf 'int main(void) { return 0; }\n' >"$T/prog.c"
tui_ok "attach" h <<S
:type /tier cheap
:key Enter
:type /detach
:key Enter
:dump-screen $T/d0
:type /file $T/prog.c
:key Enter
:type /detach
:key Enter
:dump-screen $T/d1
:type /file $T/prog.c
:key Enter
:type look
:dump-screen $T/h0
:key Enter
:wait-idle
:type /run echo from-the-shell
:key Enter
:dump-screen $T/h1
:key y
:wait-idle
:dump-screen $T/h2
:type see
:key Enter
:wait-idle
:type line one
:key M-Enter
:type line two
:dump-screen $T/h3
:key Enter
:wait-idle
:paste first\nsecond
:key Enter
:wait-idle
:type /run echo never
:key Enter
:key n
:type /nosuch
:key Enter
:dump-screen $T/h4
:key C-a C-k
:type /t cheap
:key Enter
:dump-screen $T/h5
S
check_screen "detach: nothing attached, nothing dropped" d0 "nothing to detach: nothing is attached"
check_screen "detach: the attachment dropped" d1 "dropped 1 attachment"
check_not_contains "detach: gone from the route line" "$(row "$T/d1" 'route ')" "attachment"
check_contains "file: on the route line" "$(row "$T/h0" 'route ')" "+1 attachment"
check_contains "file: sent" "$(fake_get 0 body.messages.-1.content)" "int main(void) { return 0; }"
check_contains "file: question after it" "$(fake_get 0 body.messages.-1.content)" "look"
check_screen "file: shown in the transcript" h2 "[attached $T/prog.c]"
check_screen "run: asks first" h1 "run it? y runs it, any other key does not"
check_screen "run: the command in the transcript" h1 "? run echo from-the-shell"
check_screen "run: attached" h2 "ran echo from-the-shell: exit 0"
check_eq "run: the answer stays under the question" \
    "$(below "$T/h2" '? run echo from-the-shell' | sed 's/ *│$//')" "│   → yes"
check_contains "run: output sent" "$(fake_get 1 body.messages.-1.content)" "from-the-shell"
check_screen "multi-line: two input rows" h3 "│   line two"
check_eq "multi-line: newline sent" "$(fake_get 2 body.messages.-1.content)" "line one
line two"
check_eq "paste: newline kept" "$(fake_get 3 body.messages.-1.content)" "first
second"

check_eq "run: n does not run" "$(fake_count)" 4
check_eq "run: n, said under the question" \
    "$(below "$T/h4" '? run echo never' | sed 's/ *│$//')" "│   → no"
check_screen "unknown command: said" h4 "unknown /nosuch: /help lists the commands"
check_screen "ambiguous command: the candidates named" h5 "ambiguous /t: which of /tier  /theme?"

# a paste over 1 MiB is refused whole, not cut to what fitted (the script stays under its own
# 1 MiB: each byte that is not UTF-8 pastes as U+FFFD, three bytes)
fake_reply '{"text":"kept","usage":{"input":5,"output":1}}'
{
	printf ':type keep me\n:paste '
	t_py -c 'import sys; sys.stdout.buffer.write(b"x\xff" * 400000)'
	printf '\n:dump-screen %s/p0\n:key Enter\n:wait-idle\n' "$T"
} >"$T/p.s"
tui p
check_eq "big paste: exit 0" "$TUI_RC" 0
check_screen "big paste: said" p0 "paste: larger than 1 MiB, none of it kept"
check_not_screen "big paste: none of it in the input" p0 "keep mex"
check_eq "big paste: the typed line sent alone" "$(fake_last body.messages.-1.content)" "keep me"

# a y typed with the Enter, before the question is drawn, answers nothing; one after it does
tui_ok "run typed ahead" ta <<S
:type /run echo ran >>$T/typed-run
:key Enter y
:wait-idle
:dump-screen $T/ta0
:key y
:wait-idle
:dump-screen $T/ta1
S
check_screen "run typed ahead: the question waits" ta0 "run it? y runs it, any other key does not"
check_not_screen "run typed ahead: the y typed before it ran nothing" ta0 "ran echo"
check_screen "run typed ahead: a y after it runs it" ta1 "ran echo ran >>$T/typed-run: exit 0"
check_eq "run typed ahead: once" "$(cat "$T/typed-run")" ran

echo "# $T_PASS passed, $T_FAIL failed"

