#!/bin/sh
# route_lookup: a short lookup that names a hard subject goes to cheap or mid, never the
# frontier; a proof, a pasted deadlock or a security review never goes to cheap.
. "${LLM_TOP:-.}/tests/lib.sh"
t_setup

# The labelled prompts of tests/fixtures/route/ (the format of bench/data/dev/:
# "@@@ ID TIER WHY", the prompt below it) as $T/prompts/ID, and "ID TIER" lines.
mkdir "$T/prompts"
t_py - "$T/prompts" "$LLM_TOP/tests/fixtures/route/lookups.txt" \
    "$LLM_TOP/tests/fixtures/route/hard.txt" >"$T/labels" <<'PY'
import os, sys
out = sys.argv[1]
for path in sys.argv[2:]:
    rid = None
    body = {}
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("@@@ "):
            rid, tier = line.split(" ")[1:3]
            print(rid, tier)
            body[rid] = []
        else:
            body[rid].append(line)
    for rid, lines in body.items():
        with open(os.path.join(out, rid), "w", encoding="utf-8") as f:
            f.write("\n".join(lines).rstrip("\n"))
PY
check "the labelled prompts are read" test -s "$T/labels"

lookups=0
lookups_cheap=0
cheap_labels=0
hard=0
hard_frontier=0
while read -r id label; do
	run_llm route --json "$(cat "$T/prompts/$id")" </dev/null
	tier=$(json_get "$T/out" tier)
	first=$(head -n 1 "$T/prompts/$id")
	case $id in
	l*)
		lookups=$((lookups + 1))
		if [ "$label" = cheap ]; then
			cheap_labels=$((cheap_labels + 1))
			[ "$tier" = cheap ] && lookups_cheap=$((lookups_cheap + 1))
		fi
		if [ "$tier" = cheap ] || [ "$tier" = mid ]; then
			ok "$id ($label): cheap or mid, not the frontier: $first"
		else
			not_ok "$id ($label): cheap or mid, not the frontier: $first" \
			    "routed $tier: $(json_get "$T/out" reason)"
		fi
		;;
	h*)
		hard=$((hard + 1))
		[ "$tier" = frontier ] && hard_frontier=$((hard_frontier + 1))
		if [ "$tier" = mid ] || [ "$tier" = frontier ]; then
			ok "$id ($label): mid or frontier, not cheap: $first"
		else
			not_ok "$id ($label): mid or frontier, not cheap: $first" \
			    "routed $tier: $(json_get "$T/out" reason)"
		fi
		;;
	esac
done <"$T/labels"

check "40 lookups or more ($lookups) and 15 hard prompts or more ($hard)" \
    test "$lookups" -ge 40 -a "$hard" -ge 15
# Most lookups a careful engineer sends to cheap go there, and most hard work stays on the frontier.
check "three in four cheap lookups go to cheap ($lookups_cheap of $cheap_labels)" \
    test $((lookups_cheap * 4)) -ge $((cheap_labels * 3))
check "three in four hard prompts go to the frontier ($hard_frontier of $hard)" \
    test $((hard_frontier * 4)) -ge $((hard * 3))
