#!/usr/bin/env python3
"""Rebuild arena300_3tier.tsv from the arena-bench-v1 files of
lmarena/arena-hard-auto (see README.md in this directory).

usage: arena300.py DIR [OUT]

DIR holds question.jsonl and model_judgment/<model>.jsonl as found in
data/arena-bench-v1/ of that repository; OUT defaults to stdout.  If
DIR/model_answer/<model>.jsonl exist, answer lengths fill the
*_out_chars columns, otherwise they are 0.
"""
import json
import os
import sys

TIERS = (
    # column,          judgment file,                  answer file
    ("cheap_score", "Mistral-7B-Instruct-v0.1", "Mistral-7B-Instruct-v0.1"),
    ("mid_score", "Mixtral-8x7B-Instruct-v0.1", "Mixtral-8x7B-Instruct-v0.1"),
    ("frontier_score", "gpt-4-turbo", "gpt-4-1106-preview"),
)
Q_OPEN = "[Question]\n"
Q_CLOSE = "\n\n[The Start of Reference Answer]"


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def turn_text(t):
    return t["content"] if isinstance(t, dict) else t


def escape(s):
    return (s.replace("\\", "\\\\").replace("\t", "\\t")
            .replace("\r", "\\r").replace("\n", "\\n"))


def fmt(x):
    return "" if x is None else ("%g" % x)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    prompts = {}
    order = []
    for q in read_jsonl(os.path.join(root, "question.jsonl")):
        prompts[q["question_id"]] = turn_text(q["turns"][0])
        order.append(q["question_id"])

    scores = []        # per tier: id -> mean score or None
    judged = []        # ids in judgment order, first file first
    for _, model, _ in TIERS:
        acc = {}
        path = os.path.join(root, "model_judgment", model + ".jsonl")
        for r in read_jsonl(path):
            qid = r["question_id"]
            if qid not in acc:
                acc[qid] = []
                if qid not in judged:
                    judged.append(qid)
            s = r.get("score")
            # -1 and null are judge parse failures
            if s is not None and s >= 1:
                acc[qid].append(float(s))
            # a few judged prompts are missing from question.jsonl;
            # the judge prompt quotes them verbatim
            up = r.get("user_prompt", "")
            if qid not in prompts and up.startswith(Q_OPEN) and Q_CLOSE in up:
                prompts[qid] = up[len(Q_OPEN):up.index(Q_CLOSE)]
        scores.append({k: (sum(v) / len(v) if v else None)
                       for k, v in acc.items()})

    out_chars = []
    for _, _, model in TIERS:
        path = os.path.join(root, "model_answer", model + ".jsonl")
        lens = {}
        if os.path.exists(path):
            for r in read_jsonl(path):
                lens[r["question_id"]] = len(
                    turn_text(r["choices"][0]["turns"][0]))
        out_chars.append(lens)

    # rows: judged prompts, in question.jsonl order, then the rest
    ids = [i for i in order if i in judged]
    ids += [i for i in judged if i not in ids]
    out = open(sys.argv[2], "w", encoding="utf-8", newline="\n") \
        if len(sys.argv) > 2 else sys.stdout
    out.write("id\tcheap_score\tmid_score\tfrontier_score\tin_chars\t"
              "cheap_out_chars\tmid_out_chars\tfrontier_out_chars\tprompt\n")
    full = []
    for qid in ids:
        p = prompts[qid]
        sc = [s.get(qid) for s in scores]
        oc = [str(o.get(qid, 0)) for o in out_chars]
        out.write("\t".join([qid] + [fmt(x) for x in sc] + [str(len(p))] +
                            oc + [escape(p)]) + "\n")
        if all(x is not None for x in sc):
            full.append(sc)
    if out is not sys.stdout:
        out.close()
    means = [sum(r[t] for r in full) / len(full) for t in range(3)]
    sys.stderr.write("%d rows, %d with all three scores; means "
                     "cheap %.2f mid %.2f frontier %.2f\n"
                     % (len(ids), len(full), *means))


if __name__ == "__main__":
    main()
