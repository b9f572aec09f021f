#!/bin/sh
# route_attach: an attached prose file routes as its text pasted would, not as code; an attached
# source file still routes as code; the model sees where each file begins and ends, and its name.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup
fake_default '{"text":"fine","usage":{"input":10,"output":10}}'
# relative names: the path's own words are no part of what is tested
cd "$T" || exit 1

# tier_of ARGS...: "tier|reason" of llm route --json ARGS.
tier_of() {
	run_llm route --json "$@"
	t_py -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["tier"] + "|" + j["reason"])' \
	    "$T/out"
}

printf 'The old lighthouse stood at the end of the pier.\nEvery evening the keeper climbed its stairs and lit the lamp.\n' \
    >notes.txt
cp notes.txt notes.md
cp notes.txt NOTES
printf 'def bump(x):\n    return x + 1\n' >bump.py
printf 'int main(void) { return 0; }\n' >main.c

pasted=$(tier_of "thanks

File notes.txt:
$(cat notes.txt)")
check_eq "pasted prose: cheap" "${pasted%%|*}" cheap
for f in notes.txt notes.md NOTES; do
	got=$(tier_of -f "$f" "thanks")
	check_eq "$f: the tier of its text pasted" "${got%%|*}" "${pasted%%|*}"
	check_not_contains "$f: no code block in the reason" "${got#*|}" "code block"
done

for f in bump.py main.c; do
	got=$(tier_of -f "$f" "thanks")
	check_eq "$f: code wants mid" "${got%%|*}" mid
	check_contains "$f: the reason says code block" "${got#*|}" "code block"
done

# what is sent: prose framed in tildes, code in backticks, each after its name
run_llm -q -f notes.txt "thanks"
check_rc "sent prose: exit 0" 0
check_eq "sent prose: on the tier route gave" "$(fake_last body.model)" test-cheap-1
run_llm -q -f notes.txt -f main.c "thanks"
check_rc "sent: exit 0" 0
check_eq "sent: with code, on mid" "$(fake_last body.model)" test-mid-1
check_eq "sent: both files, framed" "$(fake_last body.messages.0.content)" "thanks

File notes.txt:
~~~
$(cat notes.txt)
~~~

File main.c:
\`\`\`
int main(void) { return 0; }
\`\`\`"

# a file without an ending is prose by its name (README, NOTES), and code otherwise (Makefile)
printf 'all:\n\tcc -o x x.c\n' >Makefile
run_llm -q -f NOTES -f Makefile "thanks"
check_rc "sent NOTES and Makefile: exit 0" 0
check_eq "sent: NOTES in tildes, the Makefile in backticks" "$(fake_last body.messages.0.content)" "thanks

File NOTES:
~~~
$(cat notes.txt)
~~~

File Makefile:
\`\`\`
$(cat Makefile)
\`\`\`"

# a Markdown file's own tilde fences cannot close the frame early; its backtick fence is code
printf '# Notes\n\n~~~~\nkept\n~~~~\n\n```sh\nmake\n```\n' >fenced.md
run_llm -q -f fenced.md "thanks"
check_eq "fenced.md: a longer tilde fence" "$(fake_last body.messages.0.content)" \
    "$(printf 'thanks\n\nFile fenced.md:\n~~~~~\n# Notes\n\n~~~~\nkept\n~~~~\n\n```sh\nmake\n```\n~~~~~')"
check_contains "fenced.md: its own code block counts" "$(tier_of -f fenced.md "thanks")" "code block"

echo "# $T_PASS passed, $T_FAIL failed"
