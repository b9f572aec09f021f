#!/usr/bin/env python3
# cache_bench: what prompt caching and compaction do to a long conversation's bill.
"""
Replays one scripted 40-turn coding conversation (two source files attached
on the first turn, a question per turn, code-sized answers) through llm with
-c, against the fake provider keeping an honest prompt cache, on one model of
each wire format that caches, at the built-in catalog's prices:

  off        [llm] cache = no and no provider cache at all: what the same
             conversation costs without prompt caching
  on         the defaults: llm asks for caching, the provider caches
  on+compact on, with [llm] compact_at low enough that the conversation is
             compacted (older turns summarised on the cheap tier)

Turns are a minute apart on a frozen clock, inside every cache's lifetime.
Prints a Markdown table: total cost, input cost, the cost of turns 20, 30 and
40 (with compaction it stops growing past the threshold), and
the ratio of each to caching off; exits 1 if caching cuts a format's input
cost by less than 50%.

Usage: LLM_BIN=build/llm python3 bench/cache_bench.py
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLM = os.environ.get("LLM_BIN", os.path.join(TOP, "build", "llm"))
TURNS = int(os.environ.get("CACHE_TURNS", "40"))
MODELS = ["claude-sonnet-4-6", "gpt-5.4", "gemini-2.5-pro"]
START = 1790000000
MODES = ["off", "on", "on+compact"]
COMPACT_AT = os.environ.get("CACHE_COMPACT_AT", "20000")

QUESTIONS = [
    "Why does parse_line return -1 on an empty line?",
    "Rewrite the error handling in store_put to use one out: label.",
    "Add a unit test for a key of exactly 64 bytes.",
    "What happens when the table grows past its load factor?",
    "Make table_grow keep insertion order.",
    "Is there a leak in table_free when values are strings?",
    "Explain the hash function and whether it is good enough.",
    "Add a function to iterate over the entries in order.",
    "The test for deletion fails under ASan; here is the trace: heap-use-after-free in table_del.",
    "Show the whole corrected table_del.",
]


def source_file(name, n):
    lines = ["/* %s: a small hash table used by the store. */" % name, "#include <stdlib.h>", ""]
    for i in range(n):
        lines += ["static int", "helper_%d(struct table *t, const char *key, size_t len)" % i, "{",
                  "\tsize_t h = hash(key, len) %% t->cap; /* bucket %d */" % i,
                  "\twhile (t->slots[h].key != NULL && strcmp(t->slots[h].key, key) != 0)",
                  "\t\th = (h + 1) % t->cap;", "\treturn t->slots[h].key ? (int)h : -1;", "}", ""]
    return "\n".join(lines) + "\n"


def answer(turn):
    body = "\n".join("\tstep_%d_%d(t, key); /* keeps the invariant of turn %d */" % (turn, i, turn)
                     for i in range(30))
    return ("Here is what happens, and a fix.\n\n```c\nstatic int\nfix_%d(struct table *t, const char *key)\n"
            "{\n%s\n\treturn 0;\n}\n```\n\nThe loop stops at the first empty slot, so the entry "
            "after a deleted one is never found; the fix keeps a tombstone.\n" % (turn, body))


class Fake:
    def __init__(self, tmp):
        self.port_file = os.path.join(tmp, "fake.port")
        self.proc = subprocess.Popen([sys.executable, "-I", "-S", os.path.join(TOP, "tests", "fake_provider.py"),
                                      "--port-file", self.port_file, "--log", os.path.join(tmp, "fake.log")],
                                     stderr=open(os.path.join(tmp, "fake.err"), "w"))
        for _ in range(1000):
            if os.path.exists(self.port_file) and open(self.port_file).read().strip():
                break
            time.sleep(0.01)
        self.url = "http://127.0.0.1:%s" % open(self.port_file).read().strip()

    def post(self, what, obj):
        req = urllib.request.Request(self.url + "/_control/" + what, json.dumps(obj).encode(),
                                     {"content-type": "application/json"})
        with urllib.request.urlopen(req) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def prices():
    out = subprocess.run([LLM, "models", "--json"], capture_output=True, text=True, env=ENV, check=True)
    return {m["name"]: m for m in json.loads(out.stdout, parse_float=Decimal)}


def config(tmp, fake, mode):
    lines = ["[llm]", "budget = 0", "escalate = no", "cache = %s" % ("no" if mode == "off" else "yes")]
    lines.append("compact_at = %s" % (COMPACT_AT if mode == "on+compact" else "0"))
    for prov, path in (("openai", "/v1"), ("anthropic", "/v1"), ("gemini", "/v1beta"), ("deepseek", "/v1")):
        lines += ["[provider.%s]" % prov, "base_url = %s%s" % (fake.url, path)]
    # compaction summarises on the cheap tier: keep that on a priced catalog model
    lines += ["[tier.cheap]", "models = deepseek-v4-flash"]
    with open(os.path.join(tmp, "config", "config.ini"), "w") as f:
        f.write("\n".join(lines) + "\n")


def run_conversation(tmp, fake, model, mode, files):
    """[(cost, input_cost, output tokens)] per turn, from llm --json."""
    fake.post("reset", {})
    fake.post("cache", {"on": mode != "off", "clear": True, "now": START})
    shutil.rmtree(os.path.join(tmp, "data"), ignore_errors=True)
    os.makedirs(os.path.join(tmp, "data"))
    config(tmp, fake, mode)
    per = []
    for turn in range(1, TURNS + 1):
        now = START + 60 * turn
        fake.post("cache", {"now": now})
        fake.post("default", {"text": answer(turn)})
        q = QUESTIONS[(turn - 1) % len(QUESTIONS)] + " (turn %d)" % turn
        args = [LLM, "-q", "--json", "-m", model]
        if turn == 1:
            for f in files:
                args += ["-f", f]
        else:
            args.append("-c")
        env = dict(ENV, LLM_NOW=str(now))
        r = subprocess.run(args + [q], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise SystemExit("cache_bench: %s %s turn %d: exit %d: %s" % (model, mode, turn, r.returncode,
                                                                        r.stderr.strip()))
        o = json.loads(r.stdout, parse_float=Decimal)
        per.append(o)
    return per


def money(d):
    return "$%.4f" % d


def main():
    tmp = tempfile.mkdtemp(prefix="llm-cache-bench.")
    fake = Fake(tmp)
    try:
        os.makedirs(os.path.join(tmp, "config"))
        os.makedirs(os.path.join(tmp, "data"))
        global ENV
        ENV = dict(os.environ, LLM_CONFIG_DIR=os.path.join(tmp, "config"), LLM_DATA_DIR=os.path.join(tmp, "data"),
                   HOME=tmp, OPENAI_API_KEY="sk-bench", ANTHROPIC_API_KEY="sk-bench", GEMINI_API_KEY="bench",
                   DEEPSEEK_API_KEY="sk-bench", TZ="UTC", NO_PROXY="127.0.0.1")
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
            ENV.pop(k, None)
        files = []
        for name, n in (("table.c", 60), ("store.c", 40)):
            p = os.path.join(tmp, name)
            with open(p, "w") as f:
                f.write(source_file(name, n))
            files.append(p)
        config(tmp, fake, "on")
        cat = prices()
        marks = sorted({max(1, TURNS // 2), max(1, TURNS * 3 // 4), TURNS})
        print("| Model | Caching | Total cost | Input cost | Turn %s | Total vs off | Input vs off | "
              "Cache read / written |" % " · ".join(str(t) for t in marks))
        print("|---|---|---|---|---|---|---|---|")
        failed = False
        for model in MODELS:
            m = cat[model]
            out_price = Decimal(str(m["output_usd_per_m"])) / Decimal(10**6)
            base = None
            for mode in MODES:
                per = run_conversation(tmp, fake, model, mode, files)
                total = sum(Decimal(o["cost_usd"]) for o in per)
                # input cost: each request's cost less its output at the model's price; a
                # compaction's summary request is in the turn's steps, on its own model
                inp = Decimal(0)
                for o in per:
                    for s in o["steps"]:
                        sm = cat[s["model"]]
                        inp += Decimal(s["cost_usd"]) - s["usage"]["output_tokens"] * \
                            Decimal(str(sm["output_usd_per_m"])) / Decimal(10**6)
                last = " · ".join(money(Decimal(per[t - 1]["cost_usd"])) for t in marks)
                rd = sum(o["usage"]["cached_input_tokens"] for o in per)
                wr = sum(o["usage"]["cache_write_tokens"] for o in per)
                if base is None:
                    base = (total, inp)
                rt = total / base[0] if base[0] else Decimal(0)
                ri = inp / base[1] if base[1] else Decimal(0)
                if mode == "on" and ri > Decimal("0.5"):
                    failed = True
                print("| %s | %s | %s | %s | %s | %.2f× | %.2f× (%s) | %s / %s |" % (
                    model, mode, money(total), money(inp), last, rt, ri,
                    "cut %d%%" % round((1 - ri) * 100), "{:,}".format(rd), "{:,}".format(wr)))
        print()
        print("%d turns a minute apart, two files (%s bytes) attached on turn 1, answers of %d bytes;"
              " compact_at = %s tokens for on+compact." % (
                  TURNS, "{:,}".format(sum(os.path.getsize(f) for f in files)), len(answer(1)), COMPACT_AT))
        print("Target: caching cuts the input cost by at least 50%%: %s." % ("**missed**" if failed else "met"))
        return 1 if failed else 0
    finally:
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
