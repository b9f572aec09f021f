# Golden screens of an agent task's approval (the pending edit's diff and the keys) in every
# theme, with NO_COLOR, at 80x24 and 50x15; and an allowed edit's diff under its step.
. "${LLM_TOP:-.}/tests/lib.sh"
. "$LLM_TOP/tests/tui_lib.sh"
tui_setup

mkdir -p "$T/repo"
(
	cd "$T/repo" || exit 1
	git init -q .
	printf '#!/bin/sh\n# add two numbers\necho $(( $1 - $2 ))\n' >sum.sh
	git add . && git -c user.email=t@t -c user.name=t commit -qm init
)

# golden NAME SIZE ARGS...: a task up to its edit's approval, dumped with colours.
golden() {
	_name=$1
	_size=$2
	shift 2
	(cd "$T/repo" && git checkout -q -- .)
	fake_reset
	fake_reply '{"text":"Reading first.","calls":[{"name":"read","args":{"path":"sum.sh"}}],"usage":{"input":900,"output":40}}'
	fake_sum_fix
	tui_ok_in "$T/repo" "$_name" "$_name" "$_size" -m test-cheap --agent "$@" <<S
:type fix sum.sh
:key Enter
:wait-text y yes
:dump-colors $T/$_name.txt
:key n
:wait-idle
S
	check_golden "tui-agent-$_name" "$T/$_name.txt"
}

for theme in default light high-contrast mono; do
	golden "approve-$theme" 80x24 --theme "$theme"
done
golden approve-small 50x15
NO_COLOR=1 golden approve-no-color 80x24
check_contains "no colour: the diff is read by its marks" "$(screen "$T/approve-no-color.txt")" "+echo \$(( \$1 + \$2 ))"
check_contains "no colour: said so" "$(screen "$T/approve-no-color.txt")" "-- styles (default, no colour)"
check_contains "small: the keys still fit the first" "$(screen "$T/approve-small.txt")" "edit? y yes"

# an edit allowed in [agent]: its diff under its step line
t_config_append '[agent]'
t_config_append 'allow = edit'
(cd "$T/repo" && git checkout -q -- .)
fake_reset
fake_sum_fix
cat >"$T/d.s" <<S
:type fix sum.sh
:key Enter
:wait-idle
:dump-colors $T/diff.txt
S
tui_in "$T/repo" d 80x24 -m test-cheap --agent
check_golden tui-agent-diff "$T/diff.txt"
check_eq "diff: the edit was made" "$(sed -n 3p "$T/repo/sum.sh")" 'echo $(( $1 + $2 ))'
