/* test_router: features of one pass, decisions and their reasons, stickiness, model picking, refusals. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "router.h"
#include "router_kw.h"
#include "unit.h"
#include "util.h"

/*
 * Count heap allocations: this executable's malloc family wins over libc's,
 * and forwards to glibc's own entry points. Sanitizers bring their own
 * allocator, so there the count is not kept.
 */
#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define COUNT_ALLOCS 0
#endif
#endif
#ifndef COUNT_ALLOCS
#define COUNT_ALLOCS 1
#endif

static long allocs;

#if COUNT_ALLOCS
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t m, size_t n);
extern void *__libc_realloc(void *p, size_t n);

void *malloc(size_t n);
void *calloc(size_t m, size_t n);
void *realloc(void *p, size_t n);

void *
malloc(size_t n)
{
	allocs++;
	return __libc_malloc(n);
}

void *
calloc(size_t m, size_t n)
{
	allocs++;
	return __libc_calloc(m, n);
}

void *
realloc(void *p, size_t n)
{
	allocs++;
	return __libc_realloc(p, n);
}
#endif

static void
features(const char *text, double x[RF_COUNT])
{
	struct route_input in = { text, strlen(text), 0, TIER_AUTO, 0, 0 };

	router_features(&in, x);
}

/* A prompt, and whether a feature of it must be set (above zero, and at least some floor). */
struct feature_case {
	const char *text;
	bool set;
};

/* Feature f of each prompt is at least min and above zero where set, and zero where not. */
static void
check_feature(enum router_feat f, double min, const struct feature_case *c, size_t n)
{
	double x[RF_COUNT];
	size_t i;

	for (i = 0; i < n; i++) {
		bool ok;

		features(c[i].text, x);
		ok = c[i].set ? x[f] >= min && x[f] > 0 : x[f] == 0;
		if (!ok)
			fprintf(stderr, "%s of \"%s\": %g\n", router_feature_names[f], c[i].text, x[f]);
		CHECK(ok);
	}
}

static struct route_decision
decide(const char *text, int turn, enum tier prev, int64_t ctx)
{
	struct route_input in = { text, strlen(text), turn, prev, ctx, 0 };
	struct route_decision d;

	router_decide(&in, &d);
	return d;
}

static const char trace_prompt[] =
	"Why does this crash?\n"
	"```python\n"
	"def f(xs):\n    return xs[3]\n"
	"```\n"
	"Traceback (most recent call last):\n"
	"  File \"t.py\", line 4, in <module>\n"
	"    f([1, 2])\n"
	"IndexError: list index out of range\n";

static const char proof_prompt[] =
	"Prove that there are infinitely many primes of the form 4k+3. Give a rigorous step-by-step "
	"proof, derive each lemma you use, then generalise the argument and explain why the same "
	"reasoning fails for primes of the form 4k+1.";

static void
test_features_code_and_trace(void)
{
	static const struct feature_case traces[] = {
		/* A compiler message is a trace too. */
		{ "main.c:3:5: error: expected ';' before '}' token", true },
		/* A Java stack frame needs its indentation. */
		{ "Exception in thread \"main\"\n\tat com.x.Main.run(Main.java:10)\n", true },
		{ "At noon (local time) we meet.", false },
		/* Crash words in prose are not crash reports... */
		{ "Which is not an anxiety disorder? A. panic disorder B. market segmentation", false },
		{ "She panicked and dumped the toys on the floor.", false },
		/* ...but the messages they come from are. */
		{ "./a.out\nSegmentation fault (core dumped)", true },
		{ "the server stopped with panic: index out of range", true },
		{ "it printed thread 'main' panicked at src/main.rs:2:5", true },
	};
	double x[RF_COUNT];

	features(trace_prompt, x);
	CHECK(x[RF_CODE_FENCE] == 1);
	CHECK(x[RF_TRACE] > 0);
	CHECK(x[RF_CODE_CHARS] > 0.02);
	CHECK(x[RF_DIFF] == 0);
	CHECK(x[RF_LINES] > 2);
	features("plain words here", x);
	CHECK(x[RF_CODE_FENCE] == 0);
	/* a prose file attached comes in a tilde fence: no code block (input_fence) */
	features("summarise\n\nFile notes.txt:\n~~~\nWe met on Tuesday.\n~~~", x);
	CHECK(x[RF_CODE_FENCE] == 0);
	CHECK(x[RF_CODE_CHARS] == 0);
	CHECK(x[RF_TRACE] == 0);
	CHECK(x[RF_CODE_CHARS] == 0);
	check_feature(RF_TRACE, 0, traces, ARRAY_SIZE(traces));
}

static void
test_features_diff_choice_math(void)
{
	double x[RF_COUNT];

	features("review this\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n-a\n+b\n", x);
	CHECK(x[RF_DIFF] > 1);
	features("Which is a prime?\nA. 4\nB. 6\nC. 7\nD. 9\nAnswer:", x);
	CHECK(x[RF_CHOICE] == 1);
	CHECK(x[RF_QUESTIONS] > 0);
	features("Is 3*4 = 12? And is 7-2 equal to 5? What about x^2?", x);
	CHECK(x[RF_MATH_OPS] >= 1.0);
	/* Numbers saturate: five count as many as two. */
	CHECK(x[RF_NUMBERS] > 1.09 && x[RF_NUMBERS] < 1.1);
	CHECK(x[RF_QUESTIONS] > 1.0);
	/* Hyphenated words are not subtraction. */
	features("a well-known, state-of-the-art tool", x);
	CHECK(x[RF_MATH_OPS] == 0);
	features("\xc2\xbfQu\xc3\xa9 hora es?", x);
	CHECK(x[RF_NON_ASCII] > 0.1);
}

static void
test_features_keywords(void)
{
	double x[RF_COUNT];

	features("Hello! Thanks, what is the capital of France?", x);
	CHECK(x[RF_KW_SIMPLE] > 1.0);
	CHECK(x[RF_KW_CODE] == 0);
	features("Refactor this Python function and debug the memory error", x);
	CHECK(x[RF_KW_CODE] > 1.5);
	features("Write a poem and a short story about a dragon", x);
	CHECK(x[RF_KW_CREATIVE] > 1.0);
	features(proof_prompt, x);
	CHECK(x[RF_KW_REASON] > 1.0);
	CHECK(x[RF_KW_MATH] > 0.5);
	features("Answer in JSON, exactly three bullet points, concise", x);
	CHECK(x[RF_KW_FORMAT] > 1.0);
	/* Stems match whole words only from their start. */
	features("this is a theory", x);
	CHECK(x[RF_KW_MATH] == 0);
}

static void
test_features_conversation(void)
{
	struct route_input in = { "ok", 2, 4, TIER_MID, 9000, 0 };
	double x[RF_COUNT];

	router_features(&in, x);
	CHECK(x[RF_TURN] > 1.5);
	CHECK(x[RF_CONTEXT] > 2.0);
	CHECK(x[RF_PREV_TIER] == 1);
	in.prompt = NULL;
	in.len = 0;
	router_features(&in, x);
	CHECK(x[RF_LENGTH] == 0);
}

static void
test_decide_order(void)
{
	struct route_decision g = decide("hi there!", 0, TIER_AUTO, 0);
	struct route_decision l = decide("What is the capital of Australia?", 0, TIER_AUTO, 0);
	struct route_decision t = decide(trace_prompt, 0, TIER_AUTO, 0);
	struct route_decision p = decide(proof_prompt, 0, TIER_AUTO, 0);

	CHECK_INT(g.tier, TIER_CHEAP);
	CHECK(l.tier >= g.tier);
	CHECK(t.tier >= TIER_MID);
	CHECK(t.tier >= l.tier);
	CHECK(p.tier >= t.tier);
	CHECK(p.p_cheap_fail > g.p_cheap_fail);
	/* Head 2: a multi-step proof is likelier to defeat a mid model than a greeting or a lookup. */
	CHECK(p.p_mid_fail > g.p_mid_fail);
	CHECK(p.p_mid_fail > l.p_mid_fail);
	CHECK(strstr(t.reason, "stack trace") != NULL);
	CHECK_STR(t.top[0].name, "stack trace");
	CHECK(t.ntop >= 1 && t.ntop <= 3);
	CHECK(!g.sticky);
	CHECK(strlen(g.reason) > 0);
}

/* A quick ask is few words with nothing that makes work of them; short hard asks are none. */
static void
test_features_few_words(void)
{
	static const char *const quick[] = { "how do I undo git rebase", "tar extract to dir",
		"what does SIGPIPE mean", "¿Cómo se clona un repositorio de git?" };
	static const char *const not_quick[] = { "is double-checked locking safe in Java?",
		"write a Go CSV parser", "design a rate limiter for 1M users", "Prove P != NP",
		"x+y = 4z, express x-y in z",
		"Tell me about the history of Rome, how it was founded and how it grew into an empire" };
	double x[RF_COUNT], fewer;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(quick); i++) {
		features(quick[i], x);
		CHECK(x[RF_FEW_WORDS] > 0);
	}
	for (i = 0; i < ARRAY_SIZE(not_quick); i++) {
		features(not_quick[i], x);
		CHECK(x[RF_FEW_WORDS] == 0);
	}
	/* Fewer words, more of it. */
	features("tar extract", x);
	fewer = x[RF_FEW_WORDS];
	features("tar extract to dir", x);
	CHECK(fewer > x[RF_FEW_WORDS]);
	/* With the shipped weights, the short hard asks stay off cheap. */
	for (i = 0; i < 4; i++)
		CHECK(decide(not_quick[i], 0, TIER_AUTO, 0).tier >= TIER_MID);
}

/* Plain arithmetic and a few words with numbers go to cheap; variables, proofs and code do not. */
static void
test_decide_arithmetic(void)
{
	static const char *const cheap[] = { "what is 2+2", "a 1", "17 * 23", "what's 15% of 80?",
		"3 + 4 * 5 = ?", "what is 2^10\n" };
	static const char *const not_cheap[] = { "solve x^2-5x+6=0", "integral of 3x^2", "f(3) if f(x)=x^2",
		"Prove that 1+1=2 from the Peano axioms", "fix: for (i = 0; i < 10; i++) sum += a[i];" };
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cheap); i++) {
		d = decide(cheap[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
		/* The rule, or the score when it already said cheap ("a quick ask"). */
		CHECK(strstr(d.reason, "arithmetic") != NULL || strstr(d.reason, "numbers") != NULL ||
		    strstr(d.reason, "quick ask") != NULL);
	}
	for (i = 0; i < ARRAY_SIZE(not_cheap); i++) {
		d = decide(not_cheap[i], 0, TIER_AUTO, 0);
		CHECK(d.tier >= TIER_MID);
		CHECK(strstr(d.reason, "arithmetic") == NULL);
	}
	/* A later turn of a conversation held at mid stays there. */
	d = decide("what is 2+2", 1, TIER_MID, 100);
	CHECK_INT(d.tier, TIER_MID);
}

/* A value looked up in, or a reshaping of, pasted data is a small model's work however long. */
static void
test_decide_data_lookup(void)
{
	static const char *const lookup[] = {
		"what port does the db use?\nversion: \"3.9\"\nservices:\n  web:\n    image: shop/web:1.4\n"
		"    ports: [\"8080:8080\"]\n    depends_on: [db]\n  db:\n    image: postgres:16\n"
		"    ports: [\"5433:5432\"]\nvolumes:\n  pg: {}\n",
		"how many rows have status failed?\n\nid,job,status,duration\n1,build,ok,31\n2,test,failed,12\n"
		"3,lint,ok,4\n4,deploy,failed,90\n",
		"is this valid YAML?\nname: build\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
		"    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n",
		"which image tag is this pod running and how many times has it restarted?\n\n"
		"Name:             api-7d9f8c6b5-xk2lp\nNamespace:        prod\nContainers:\n  api:\n"
		"    Container ID:   containerd://4c1f0e9b2a7d\n    Image:          registry.local/api:v2.14.3\n"
		"    State:          Running\n    Restart Count:  4\n    Limits:\n      memory:  512Mi\n",
		"which grpc version are we on?\n\nmodule github.com/acme/billing\n\ngo 1.22.4\n\nrequire (\n"
		"\tgithub.com/go-chi/chi/v5 v5.0.12\n\tgithub.com/jackc/pgx/v5 v5.5.5\n"
		"\tgolang.org/x/sync v0.7.0\n\tgoogle.golang.org/protobuf v1.34.1\n)\n\nrequire (\n"
		"\tgithub.com/beorn7/perks v1.0.1 // indirect\n\tgoogle.golang.org/grpc v1.63.2 // indirect\n"
		"\tgolang.org/x/sys v0.19.0 // indirect\n\tgolang.org/x/text v0.14.0 // indirect\n)\n",
		"when did the pool warning first appear?\n2026-12-04 10:39:31 INFO start\n"
		"2026-12-04 10:39:33 WARN pool exhausted, 32 waiting\n2026-12-04 10:40:02 INFO ok\n",
		"what's the value of status in this response?\n{\"id\": 7731, \"status\": \"queued\", \"retries\": 0}",
		"id,job,status\n1,build,ok\n2,test,failed\n\nturn this into a markdown table",
		"turn this into typescript interfaces\n\n{\n  \"id\": \"inv_20931\",\n  \"total\": 4250,\n"
		"  \"paid\": false,\n  \"lines\": [\n    { \"sku\": \"A-17\", \"qty\": 2 }\n  ]\n}\n",
	};
	/* A diagnosis, a judgement, advice, code rather than data, or a hard subject: scored. */
	static const char *const not_lookup[] = {
		"my pod keeps restarting:\nName:         api\nStatus:       Running\nContainers:\n  api:\n"
		"    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n"
		"      Reason:       OOMKilled\nwhat do I do",
		"what's wrong with this config?\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432\"]\n",
		"why does the db not start?\nservices:\n  db:\n    image: postgres:16\n    ports: [\"5432\"]\n",
		"what does this function return?\ndef f(xs):\n    total = 0\n    for x in xs:\n"
		"        total += x * x\n    return total\n",
		"which of these two locks can deadlock?\nlock_a: held by worker 1\nlock_b: held by worker 2\n",
		"what should I change here?\nmax_connections = 100\nshared_buffers = 128MB\nwork_mem = 4MB\n",
		"convert to rust:\ndef area(w, h):\n    if w < 0 or h < 0:\n        raise ValueError(\"negative\")\n"
		"    return w * h\n",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lookup); i++) {
		d = decide(lookup[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
		/* The rule, or the score when it already said cheap. */
		CHECK(str_startswith(d.reason, "a lookup in pasted data") || strstr(d.reason, "quick ask") != NULL);
	}
	for (i = 0; i < ARRAY_SIZE(not_lookup); i++) {
		d = decide(not_lookup[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "lookup in pasted data") == NULL);
	}
	/* A pasted stack trace still wants mid, whatever is asked of it. */
	d = decide("which line failed?\nTraceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n"
	    "    main()\nValueError: bad\n", 0, TIER_AUTO, 0);
	CHECK(d.tier >= TIER_MID);
}

/* A one-line ask for a command, flag, syntax, regex or version is a lookup however worded. */
static void
test_decide_command(void)
{
	static const char *const lookup[] = {
		"regex to match a semver like 1.24.3 or 10.0.0-beta.2 (prerelease optional, no build metadata)",
		"postgres: add a NOT NULL column with a default to an existing table. syntax? table is orders, "
		"column is currency text default 'EUR'",
		"what's the git command to undo the last commit but keep the changes staged?",
		"which python version added the match statement? need to know if we can use it, our lambdas are "
		"on 3.9",
	};
	static const char *const scored[] = {
		"write a small Go CLI that tails a file like `tail -f` and highlights lines matching a regex "
		"given as a flag",
		"is memory_order_relaxed enough for a flag that publishes data written before it?",
		"explain this regex: ^(?=.*\\d)(?=.*[a-z])(?=.*[A-Z]).{8,}$",
		"what's the command to find which of our services leaks file descriptors\nand why",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lookup); i++) {
		d = decide(lookup[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
	}
	d = decide(lookup[0], 0, TIER_AUTO, 0);
	CHECK(str_startswith(d.reason, "a command or syntax lookup"));
	for (i = 0; i < ARRAY_SIZE(scored); i++) {
		d = decide(scored[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "command or syntax") == NULL);
	}
}

/* A one-line how-to, what-does or difference question is a known answer, however chatty. */
static void
test_decide_howto(void)
{
	static const char *const howto[] = {
		"hey how do i rename a branch both locally and on origin? it's called `feat/paymnet-retry` "
		"(typo lol)",
		"sorry one more, whats the yarn equivalent of `npm ci`? this repo is on yarn 4 (berry)",
		"docker: difference between CMD and ENTRYPOINT, when do i use which? short answer pls",
		"comment je liste les ports ouverts et le process qui \xc3\xa9" "coute dessus sur un serveur "
		"ubuntu 22.04 ?",
		"thanks that worked!! quick one, what does -h do in `sort -h` vs -n? the du output sorts weird",
		"what does \"Last State: Terminated, Reason: OOMKilled, Exit Code: 137\" mean in kubectl "
		"describe output?",
		"systemd: how do I restart a service on crash, at most 3 times an hour?",
		"how do i read the logs of a crashed container in docker compose",
	};
	/* A problem, a judgement, work, a hard subject, or something pasted: scored. */
	static const char *const scored[] = {
		"I ran git reset --hard HEAD~3 on main and already force-pushed. How do I get my three "
		"commits back?",
		"How should I structure retries with exponential backoff and jitter for calls to a payment API?",
		"how do I fix the race in this worker pool?",
		"how do I make this Postgres query faster, it takes 3 s on 10M rows",
		"We have a monolith (Rails, 400k LOC, one Postgres, 30 engineers). Leadership wants "
		"microservices. Give me a decision framework and a concrete migration plan, and how to "
		"measure whether it's working.",
		"how do I do this?\nfor (i = 0; i < n; i++) { sum += a[i]; }",
		"what does the code below do?",
		"how do I get gpg signing to work with git on macOS, it doesn't pick up my key",
		"how do I fix my app that crashes on startup",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(howto); i++) {
		d = decide(howto[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
		CHECK(str_startswith(d.reason, "a how-to question") || str_startswith(d.reason, "a command") ||
		    strstr(d.reason, "quick ask") != NULL);
	}
	d = decide(howto[0], 0, TIER_AUTO, 0);
	CHECK(str_startswith(d.reason, "a how-to question"));
	for (i = 0; i < ARRAY_SIZE(scored); i++) {
		d = decide(scored[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "how-to question") == NULL);
	}
	CHECK(decide(scored[4], 0, TIER_AUTO, 0).tier >= TIER_MID);
	/* Naming a subject keeps a how-to off cheap, and off the frontier unless it is hard itself. */
	d = decide("Cargo.toml: how do I enable the `test-util` feature of tokio only for tests, while normal "
	    "builds use tokio with just `rt-multi-thread` and `macros`?", 0, TIER_AUTO, 0);
	CHECK_INT(d.tier, TIER_MID);
	CHECK(str_startswith(d.reason, "a how-to question"));
	d = decide("with clang 17 how do I print the LLVM IR after every optimization pass for a single "
	    "function `foo` at -O2?", 0, TIER_AUTO, 0);
	CHECK_INT(d.tier, TIER_MID);
	CHECK_INT(decide("I want to encrypt user files client-side with a password and sync them. Which KDF "
	    "and AEAD, how to handle nonces across devices, and how do I support password change without "
	    "re-encrypting everything?", 0, TIER_AUTO, 0).tier, TIER_FRONTIER);
}

/* A one-line ask that opens with its tool or language is a small model's; more than that is scored. */
static void
test_decide_tool_ask(void)
{
	static const char *const asks[] = {
		"awk sum the second column of a tsv, skipping the first line",
		"find files bigger than 500MB under /var, largest first",
		"sql to count orders per day for the last 2 weeks, newest day first",
		"kubectl: list pods in every namespace sorted by restart count",
		"tar extract into another directory, does -C go before or after the archive name?",
		"postgres: count signups per week for the last 12 weeks from users.created_at. need weeks "
		"with none to show up as 0 too",
		"sql query for the third highest price per category, mysql; with ties it should still give "
		"the 3rd distinct price",
		"numpy reverse the rows of a 2d array, not the columns",
	};
	/* A problem, a judgement, work, a hard subject, or a verb that only looks like a tool. */
	static const char *const scored[] = {
		"postgres: why does this query ignore my index on created_at",
		"python: implement an LRU cache with a TTL per entry",
		"git: review our branch naming strategy for a monorepo with 40 services",
		"go through the memory orderings of every atomic in our ring buffer",
		"rust: is it sound to hand out two &mut to the halves of a slice via raw pointers?",
		"bash: my deploy script fails in cron but works by hand",
		"make the lexer handle nested comments",
		"find the bug in my binary search, it loops forever when the target is missing",
		"postgres query takes 30 seconds on 50M rows even with an index",
		"kubectl apply says the field is immutable when I change the selector",
	};
	struct route_input in = { NULL, 0, 0, TIER_AUTO, 0, 0 };
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(asks); i++) {
		d = decide(asks[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
	}
	d = decide(asks[0], 0, TIER_AUTO, 0);
	CHECK(str_startswith(d.reason, "a short ask of one tool"));
	for (i = 0; i < ARRAY_SIZE(scored); i++) {
		d = decide(scored[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "one tool") == NULL);
	}
	/* Asked for more quality than the default, the score decides. */
	in.prompt = asks[0];
	in.len = strlen(asks[0]);
	in.quality = 0.98;
	router_decide(&in, &d);
	CHECK(strstr(d.reason, "one tool") == NULL);
	/* How-tos in a few more words: a quickest way, Russian, a network port. */
	d = decide("morning. whats the quickest way to see which process is listening on port 5432", 0,
	    TIER_AUTO, 0);
	CHECK_INT(d.tier, TIER_CHEAP);
	CHECK(str_startswith(d.reason, "a how-to question"));
	d = decide("\xd0\xba\xd0\xb0\xd0\xba \xd1\x83\xd0\xb4\xd0\xb0\xd0\xbb\xd0\xb8\xd1\x82\xd1\x8c "
	    "\xd0\xb2\xd0\xb5\xd1\x82\xd0\xba\xd1\x83 git \xd0\xbb\xd0\xbe\xd0\xba\xd0\xb0\xd0\xbb\xd1\x8c\xd0\xbd\xd0\xbe "
	    "\xd0\xb8 \xd0\xbd\xd0\xb0 origin?", 0, TIER_AUTO, 0);
	CHECK_INT(d.tier, TIER_CHEAP);
}

/* Converting one pasted command is a small model's work; two, code or more work are scored. */
static void
test_decide_command_convert(void)
{
	static const char *const convert[] = {
		"convert to python requests:\n\ncurl -X POST https://api.example.net/v1/items \\\n"
		"  -H \"Authorization: Bearer $TOKEN\" \\\n  -H \"Content-Type: application/json\" \\\n"
		"  -d '{\"name\": \"bolt\", \"qty\": 12}'\n",
		"curl -s https://api.example.net/v1/me -H \"Accept: application/json\" --max-time 5\n"
		"turn this into httpie",
	};
	static const char *const scored[] = {
		"convert to python requests:\ncurl -s https://a.example.net/x\ncurl -s https://b.example.net/y\n",
		"convert to python requests and add retries with backoff, then tests:\n"
		"curl -s https://a.example.net/x -H \"Accept: application/json\"\n",
		"convert to python requests:\ncurl -s https://a.example.net/x \\\n",
		"convert to rust:\ndef area(w, h):\n    return w * h\n",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(convert); i++) {
		d = decide(convert[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
		CHECK(str_startswith(d.reason, "a command to convert"));
	}
	for (i = 0; i < ARRAY_SIZE(scored); i++) {
		d = decide(scored[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "command to convert") == NULL);
	}
}

/* A summary of pasted text is a small model's, whatever the text is about; code, diffs and more work are scored. */
static void
test_decide_summary(void)
{
	static const char *const summary[] = {
		"give me a 3 bullet summary of this, is it worth a look for our team?\n\n# raftkv\n\n"
		"raftkv is a replicated key-value store built on Raft consensus, with linearizable reads,\n"
		"leader leases and lock-free snapshots. Throughput scales to 40k writes/s on 5 nodes.\n\n"
		"## Install\n\n```sh\ngo install example.net/raftkv@latest\n```\n\n## Status\n\n"
		"Used in production at two companies since 2024. No Jepsen run yet.\n",
		"summarise this log in three bullets\n2026-12-04 10:00:01 INFO start\n2026-12-04 10:00:02 WARN "
		"slow disk\n2026-12-04 10:00:09 INFO ready\n2026-12-04 10:03:00 ERROR lost peer 10.0.0.7\n"
		"2026-12-04 10:03:05 INFO peer back\n2026-12-04 10:04:00 INFO checkpoint\n",
	};
	static const char *const scored[] = {
		"spark job is stuck at 199/200 tasks, this is the summary from the UI for that stage:\n"
		"Metric    Min    Median    Max\nDuration    1.2 s    3.4 s    41 min\nGC Time    0 ms    20 ms"
		"    6.2 min\nSpill    0 B    0 B    212 GB\nShuffle Read    38 MB    43 MB    61 GB\n"
		"what's going on?",
		"summarise what this does\nint f(int *a, int n) {\n\tint s = 0;\n\tfor (int i = 0; i < n; i++)\n"
		"\t\ts += a[i] * a[i];\n\treturn s;\n}\n",
		"summarise this diff for reviewers\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n"
		" int a;\n-int b;\n+long b;\n int c;\n",
		"summarise this and explain why the leader election is wrong\n\nnode 1: term 4, voted for 2\n"
		"node 2: term 4, voted for 2\nnode 3: term 5, voted for 3\nnode 4: term 5, voted for 3\n"
		"node 5: term 5, voted for 1\n",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(summary); i++)
		CHECK_INT(decide(summary[i], 0, TIER_AUTO, 0).tier, TIER_CHEAP);
	/* The rule, not the score: the README names Raft, consensus and lock-free code. */
	d = decide(summary[0], 0, TIER_AUTO, 0);
	CHECK(str_startswith(d.reason, "a summary of pasted text"));
	for (i = 0; i < ARRAY_SIZE(scored); i++) {
		d = decide(scored[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "summary of pasted") == NULL);
	}
}

/* A commit message is a small model's, as the git hook's is, over a diff too; a review of it is scored. */
static void
test_decide_commit_message(void)
{
	static const char *const commit[] = {
		"commit message for: renamed config.yml to config.yaml and updated the loader",
		"write a one-line commit message for this\ndiff --git a/src/lock.c b/src/lock.c\n"
		"--- a/src/lock.c\n+++ b/src/lock.c\n@@ -10,3 +10,3 @@\n \tpthread_mutex_lock(&m);\n"
		"-\tcount++;\n+\tatomic_fetch_add(&count, 1);\n \tpthread_mutex_unlock(&m);\n",
		"diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,3 @@\n"
		" # foo\n+Install with pipx.\n give me a commit msg for that",
	};
	static const char *const scored[] = {
		"review this diff and write a commit message\ndiff --git a/src/lock.c b/src/lock.c\n"
		"--- a/src/lock.c\n+++ b/src/lock.c\n@@ -10,3 +10,3 @@\n \tpthread_mutex_lock(&m);\n"
		"-\tcount++;\n+\tatomic_fetch_add(&count, 1);\n \tpthread_mutex_unlock(&m);\n",
		"why does our commit message hook reject messages with a trailing period",
		"design a commit message policy for 40 services in one monorepo",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commit); i++) {
		d = decide(commit[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
		CHECK(str_startswith(d.reason, "a commit message"));
	}
	for (i = 0; i < ARRAY_SIZE(scored); i++) {
		d = decide(scored[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "commit message") == NULL);
	}
	/* The diff keeps the review off cheap. */
	CHECK(decide(scored[0], 0, TIER_AUTO, 0).tier >= TIER_MID);
}

/* A request to write to a specification goes to the frontier only with a subject hard by itself. */
static void
test_decide_build(void)
{
	static const char *const spec[] = {
		"write a go func FetchAll(ctx context.Context, urls []string) that fetches at most 8 urls "
		"concurrently with a 30s overall deadline, retries 429s honouring Retry-After with jittered "
		"backoff, and never cancels the others when one fails",
		"need a github actions workflow for our Go monorepo: go vet, golangci-lint and go test -race "
		"for only the services that changed, with module caching",
	};
	static const char *const hard[] = {
		"write a lock-free MPMC queue in C++ with correct memory ordering",
		"implement Raft leader election in Go with correct term handling",
		"implement a seqlock in Rust",
		"write a proof that my lock-free stack is linearizable",
	};
	struct route_input in = { 0 };
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spec); i++) {
		d = decide(spec[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_MID);
		CHECK(str_startswith(d.reason, "a request to write or build"));
	}
	for (i = 0; i < ARRAY_SIZE(hard); i++)
		CHECK_INT(decide(hard[i], 0, TIER_AUTO, 0).tier, TIER_FRONTIER);
	/* Asked for more quality than the default, the score decides: the frontier. */
	in.prompt = spec[0];
	in.len = strlen(spec[0]);
	in.prev_tier = TIER_AUTO;
	in.quality = 0.9;
	router_decide(&in, &d);
	CHECK_INT(d.tier, TIER_FRONTIER);
	/* Not a request to write: the score's threshold stands. */
	d = decide("our FetchAll fetches at most 8 urls concurrently and retries 429s; why does it hang "
	    "when one url times out?", 0, TIER_AUTO, 0);
	CHECK(strstr(d.reason, "request to write") == NULL);
}

/* A mechanical edit of pasted code or text is a small model's work; more than that is scored. */
static void
test_decide_edit(void)
{
	static const char code[] = "def summarize(lst, threshold=10):\n    cnt = 0\n    for x in lst:\n"
		"        if x > threshold:\n            cnt += 1\n    return {\"over\": cnt, \"n\": len(lst)}\n";
	char buf[8192];
	struct route_decision d;
	size_t i, len;

	snprintf(buf, sizeof(buf), "rename cnt to count and lst to items in this, nothing else\n\n%s", code);
	d = decide(buf, 0, TIER_AUTO, 0);
	CHECK_INT(d.tier, TIER_CHEAP);
	CHECK(str_startswith(d.reason, "a mechanical edit"));
	snprintf(buf, sizeof(buf), "%s\nadd a license header comment (MIT, 2024, Acme Inc) at the top", code);
	CHECK_INT(decide(buf, 0, TIER_AUTO, 0).tier, TIER_CHEAP);
	CHECK_INT(decide("fix the typo\nSELECT name, emial FROM users WHERE active = true;", 0, TIER_AUTO, 0).tier,
	    TIER_CHEAP);
	/* More than the edit: a diagnosis, tests, a review. */
	snprintf(buf, sizeof(buf), "rename cnt to count and explain why this is slow\n\n%s", code);
	CHECK(strstr(decide(buf, 0, TIER_AUTO, 0).reason, "mechanical edit") == NULL);
	snprintf(buf, sizeof(buf), "add comments and then write tests for it\n\n%s", code);
	CHECK(strstr(decide(buf, 0, TIER_AUTO, 0).reason, "mechanical edit") == NULL);
	/* A long file's edit is scored, and pasted code wants mid again. */
	len = (size_t)snprintf(buf, sizeof(buf), "rename cnt to count\n");
	for (i = 0; i < 20; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s", code);
	d = decide(buf, 0, TIER_AUTO, 0);
	CHECK(d.tier >= TIER_MID);
}

/* Thanks with nothing asked goes to cheap; thanks with a further ask is scored. */
static void
test_decide_thanks(void)
{
	static const char *const thanks[] = { "thanks, that fixed it!",
		"thanks, that worked! the migration ran fine on staging, 0041_add_tenant_id applied in like 3s. "
		"appreciate it", "ok got it, works now", "Perfect, cheers" };
	static const char *const more[] = { "thanks, but it still fails on CI",
		"thanks, now write the tests for the parser", "ok why does this happen?",
		"thanks, can you also handle the empty file case", "great, implement the rest of the cache" };
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(thanks); i++) {
		d = decide(thanks[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
	}
	d = decide(thanks[1], 0, TIER_AUTO, 0);
	CHECK(str_startswith(d.reason, "thanks, nothing asked"));
	for (i = 0; i < ARRAY_SIZE(more); i++) {
		d = decide(more[i], 0, TIER_AUTO, 0);
		CHECK(strstr(d.reason, "nothing asked") == NULL);
	}
}

/* A unit or number conversion is arithmetic; converting code is not. */
static void
test_decide_convert(void)
{
	static const char *const cheap[] = { "convert 1536 MiB to GiB", "convert 1710000000 unix time to a date",
		"Convert 72 F to C" };
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cheap); i++) {
		d = decide(cheap[i], 0, TIER_AUTO, 0);
		CHECK_INT(d.tier, TIER_CHEAP);
	}
	d = decide("convert this python 2 print to 3", 0, TIER_AUTO, 0);
	CHECK(strstr(d.reason, "numbers") == NULL || d.tier != TIER_CHEAP);
	CHECK(strstr(d.reason, "a few words with numbers") == NULL);
}

/* How-tos, commands, syntax and small edits are seen on the first or the last line. */
static void
test_features_small_ask(void)
{
	static const char *const small[] = { "how do i find files modified in the last 2 days",
		"regex to match a semver like 1.24.3", "postgres: add a column with a default. syntax?",
		"Wie installiere ich ein Paket nur f\xc3\xbcr meinen Benutzer?",
		"\xc2\xbf" "C\xc3\xb3mo renombro una rama en git?", "what's the docker run flag to remove it after?",
		"a = 1\nb = 2\nrename a to x and b to y", "fix the typo in this sentence: teh cat" };
	static const char *const not_small[] = { "write a Go CSV parser with quoting",
		"review this diff for races", "design a rate limiter for 1M users",
		"showdown of the how-to-guides", "tmp = 1\nwhy is this slow?\nprint(tmp)" };
	double x[RF_COUNT];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(small); i++) {
		features(small[i], x);
		CHECK(x[RF_ASK_SMALL] > 0);
	}
	for (i = 0; i < ARRAY_SIZE(not_small); i++) {
		features(not_small[i], x);
		CHECK(x[RF_ASK_SMALL] == 0);
	}
}

/* Where mid is not enough, cheap is not either: a hard design question never goes to cheap. */
static void
test_decide_heads_ordered(void)
{
	static const char *const prompts[] = {
		"I want to encrypt user files client-side with a password and sync them. Which KDF and AEAD, "
		"how to handle nonces across devices, and how do I support password change without "
		"re-encrypting everything?",
		"is memory_order_relaxed enough for a flag that publishes data written before it?",
		"hi", "write a Go CSV parser", "Prove that the halting problem is undecidable",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prompts); i++) {
		d = decide(prompts[i], 0, TIER_AUTO, 0);
		CHECK(d.p_cheap_fail >= d.p_mid_fail);
	}
	CHECK(decide(prompts[0], 0, TIER_AUTO, 0).tier >= TIER_MID);
}

/* A one-line textbook question never goes to the frontier, whatever its subject. */
static void
test_decide_definition(void)
{
	static const char *const textbook[] = {
		"what's the difference between a process and a thread, briefly",
		"what does SQL injection mean", "What is a memory barrier?", "define a data race",
		"What does CAS stand for in lock-free code?",
		"what\xe2\x80\x99s the difference between a mutex and a semaphore, briefly",
	};
	/* Asks for a proof, a design or work, or phrased otherwise, are scored as before. */
	static const char *const not_textbook[] = {
		"what is a correct proof that Peterson's algorithm is safe on x86-TSO",
		"is memory_order_relaxed enough for a flag that publishes data written before it?",
		"what is a lock-free way to design a concurrent hash map with resizing",
	};
	/*
	 * A short question of what something is, nothing pasted: a lookup on the cheap
	 * tier, its subject not counted. About the user's own case, a how-to, or with
	 * code, the subject counts.
	 */
	static const struct feature_case subject[] = {
		{ "explain what a mutex is in one paragraph", false },
		{ "what is a spinlock", false },
		{ "what's the difference between a mutex and a semaphore?", false },
		{ "what does volatile mean in Java?", false },
		{ "\xc2\xbfQu\xc3\xa9 es un deadlock?", false },
		{ "what is wrong with my spinlock", true },
		{ "what is the best way to avoid a deadlock here", true },
		{ "what is a mutex and how do I use it in Go?", true },
		{ "what does a mutex protect in this code?\nmu.Lock()\nn++\nmu.Unlock()\n", true },
		{ "what exactly does memory_order_acquire guarantee that relaxed does not", true },
		{ "what are the pros and cons of optimistic locking with a mutex", true },
		{ "what is a deadlock between 3 threads and 2 mutexes", true },
	};
	static const char *const lookups[] = {
		"explain what a mutex is in one paragraph", "what is a deadlock?",
		"explain what Raft is in two sentences", "what is CSRF?", "what is a goroutine",
		"\xc2\xbfQu\xc3\xa9 es un deadlock?",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(textbook); i++) {
		d = decide(textbook[i], 0, TIER_AUTO, 0);
		CHECK(d.tier <= TIER_MID);
		CHECK(strstr(d.reason, "lookup") != NULL || d.tier == TIER_CHEAP);
	}
	for (i = 0; i < ARRAY_SIZE(not_textbook); i++)
		CHECK_INT(decide(not_textbook[i], 0, TIER_AUTO, 0).tier, TIER_FRONTIER);
	check_feature(RF_CONCURRENCY, 0, subject, ARRAY_SIZE(subject));
	for (i = 0; i < ARRAY_SIZE(lookups); i++) {
		d = decide(lookups[i], 0, TIER_AUTO, 0);
		if (d.tier != TIER_CHEAP)
			fprintf(stderr, "\"%s\" -> %s: %s\n", lookups[i], tier_str(d.tier), d.reason);
		CHECK_INT(d.tier, TIER_CHEAP);
	}
}

/*
 * A short question of fact names its subject without working in it: the
 * subject is not counted and a small model answers. One that names a subject
 * hard by itself, or asks for a choice, is a mid model's at most; a question
 * of correctness, a diagnosis or a proof is scored as before.
 */
static void
test_decide_fact(void)
{
	static const struct feature_case subject[] = {
		{ "what port does redis use for replicas", false },
		{ "how many replicas should a kafka topic have", false },
		{ "is signed integer overflow undefined behaviour in C", false },
		{ "does volatile in java imply a memory barrier", false },
		/* the user's own case, a judgement of correctness, a reason asked, a subject hard by itself */
		{ "how many replicas should our kafka topic have", true },
		{ "is double-checked locking with volatile correct in java", true },
		{ "why is signed integer overflow undefined behaviour in C", true },
		{ "what quorum size does a 7-node paxos cluster need", true },
		{ "can an attacker forge a JWT signed with a weak secret", true },
	};
	static const char *const cheap[] = {
		"how many replicas should a kafka topic have", "what port does redis use for replicas",
		"is std::mutex recursive", "which gcc flag turns on ubsan",
		"how much memory does an idle goroutine use",
	};
	static const char *const mid[] = {
		"what quorum size does a 7-node paxos cluster need",
		"should I use raft or paxos for leader election in a new service",
		"can a seqlock reader observe a torn value on arm64",
		"is a program ill-formed if a template is never instantiated?",
	};
	static const char *const frontier[] = {
		"is memory_order_relaxed enough for a flag that publishes data written before it?",
		"prove that a Treiber stack with hazard pointers is linearizable",
		"does Raft guarantee linearizable reads without a read index",
	};
	struct route_decision d;
	double x[RF_COUNT];
	size_t i;

	/* set: the subject counts, and the prompt is no quick ask */
	for (i = 0; i < ARRAY_SIZE(subject); i++) {
		features(subject[i].text, x);
		CHECK((x[RF_CONCURRENCY] + x[RF_SECURITY] + x[RF_DISTRIBUTED] + x[RF_FORMAL] > 0) ==
		    subject[i].set);
		CHECK((x[RF_FEW_WORDS] == 0) == subject[i].set);
	}
	for (i = 0; i < ARRAY_SIZE(cheap); i++)
		CHECK_INT(decide(cheap[i], 0, TIER_AUTO, 0).tier, TIER_CHEAP);
	for (i = 0; i < ARRAY_SIZE(mid); i++) {
		d = decide(mid[i], 0, TIER_AUTO, 0);
		if (d.tier != TIER_MID)
			fprintf(stderr, "\"%s\" -> %s: %s\n", mid[i], tier_str(d.tier), d.reason);
		CHECK_INT(d.tier, TIER_MID);
		CHECK(strstr(d.reason, "a short plain question") == d.reason);
	}
	for (i = 0; i < ARRAY_SIZE(frontier); i++)
		CHECK_INT(decide(frontier[i], 0, TIER_AUTO, 0).tier, TIER_FRONTIER);
}

/* A decision never names two of its features alike ("few words" was once both). */
static void
test_decide_names_distinct(void)
{
	static const char *const prompts[] = { "hi", "thanks!", "what is 2+2", "a 1",
		"What is a monad, in one sentence?", "Prove that sqrt(2) is irrational.",
		"write a Go function that parses CSV", trace_prompt };
	struct route_decision d;
	size_t i, j, k;

	for (i = 0; i < ARRAY_SIZE(prompts); i++) {
		d = decide(prompts[i], 0, TIER_AUTO, 0);
		for (j = 0; j < d.ntop; j++)
			for (k = j + 1; k < d.ntop; k++)
				if (strcmp(d.top[j].name, d.top[k].name) == 0) {
					printf("# %s: \"%s\" twice\n", prompts[i], d.top[j].name);
					CHECK(false);
				}
	}
}

/* A reason names what counted: asking to write or fix is no code work by itself. */
static void
test_decide_reason_true(void)
{
	static const char *const prompts[] = { "Write a haiku about autumn",
		"fix the grammar in this sentence: me and him goes to school" };
	static const struct {
		const char *prompt, *label;
	} said[] = {
		{ "Summarise in one line: \"Version 2.4.1 (released 2024-05-12) fixes a crash on startup on "
		  "Windows 11 and updates the bundled OpenSSL to 3.0.13.\"", "no question" },
	};
	/* Dates are no quantities: whatever the weights name, they do not name numbers. */
	static const char dates[] = "SQL: select all orders from the orders table placed between 2023-01-01 "
		"and 2023-03-31, newest first";
	struct route_decision d;
	char pasted[4096];
	double x[RF_COUNT];
	size_t i, len = 0;

	for (i = 0; i < ARRAY_SIZE(prompts); i++) {
		d = decide(prompts[i], 0, TIER_AUTO, 0);
		if (strstr(d.reason, "code") != NULL)
			printf("# %s: %s\n", prompts[i], d.reason);
		CHECK(strstr(d.reason, "code") == NULL);
	}
	/* Fewer lines than usual is not one line. */
	d = decide("Why is this Python loop so slow?\nfor i in range(len(xs)):\n    total += xs[i]", 0,
	    TIER_AUTO, 0);
	CHECK(strstr(d.reason, "lines") != NULL);
	CHECK(strstr(d.reason, "one line") == NULL);
	for (i = 0; i < d.ntop; i++)
		CHECK(strcmp(d.top[i].name, "one line") != 0);
	d = decide("Why is this slow? for (i = 0; i < n; i++) s += a[i];", 0, TIER_AUTO, 0);
	CHECK(strstr(d.reason, "one line") != NULL);
	/* A long prompt of few words of its own says what it mostly is, not its size. */
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(pasted + len, sizeof(pasted) - len,
		    "2026-12-04 10:39:%02zu,663 INFO worker.queue: job %zu done in 120ms\n", i, i);
	snprintf(pasted + len, sizeof(pasted) - len, "\nwhen did the pool warning first appear?");
	d = decide(pasted, 0, TIER_AUTO, 0);
	if (strstr(d.reason, "mostly a pasted log") == NULL)
		printf("# a pasted log: %s\n", d.reason);
	CHECK(strstr(d.reason, "mostly a pasted log") != NULL);
	CHECK(strstr(d.reason, "tokens") == NULL);
	/* Nor is no question a single one, nor a date a quantity. */
	for (i = 0; i < ARRAY_SIZE(said); i++) {
		size_t k;

		d = decide(said[i].prompt, 0, TIER_AUTO, 0);
		for (k = 0; k < d.ntop && strcmp(d.top[k].name, said[i].label) != 0; k++)
			;
		if (k == d.ntop)
			printf("# %s: %s\n", said[i].prompt, d.reason);
		CHECK(k < d.ntop);
	}
	features(dates, x);
	CHECK(x[RF_NUMBERS] == 0);
	d = decide(dates, 0, TIER_AUTO, 0);
	for (i = 0; i < d.ntop; i++)
		CHECK(strcmp(d.top[i].name, "numbers") != 0);
}

static void
test_decide_sticky(void)
{
	struct route_decision d = decide("thanks!", 3, TIER_FRONTIER, 2000);

	CHECK_INT(d.tier, TIER_FRONTIER);
	CHECK(d.sticky);
	CHECK(strncmp(d.reason, "sticky: previous turn frontier", 30) == 0);
	/* Going up is never sticky. */
	d = decide(trace_prompt, 1, TIER_CHEAP, 100);
	CHECK(d.tier >= TIER_MID);
	CHECK(!d.sticky);
}

static void
test_decide_long_context(void)
{
	struct route_decision d = decide("and now?", 12, TIER_AUTO, 50000);

	CHECK(d.tier >= TIER_MID);
	CHECK(strstr(d.reason, "50k tokens of context") != NULL);
}

static void
test_decide_code_block_raises(void)
{
	struct route_decision d = decide("fix:\n```\nx = 1\n```", 0, TIER_AUTO, 0);

	CHECK(d.tier >= TIER_MID);
	CHECK(strstr(d.reason, "code block") != NULL);
}

/*
 * A prompt piped with echo ends in a newline the same prompt typed has not:
 * the decision and its figures are the same.
 */
static void
test_decide_trailing_newline(void)
{
	static const char *const prompts[] = {
		"write a Go CSV parser",
		"what does 'panic: assignment to entry in nil map' mean",
		"hi",
		"Is memory_order_relaxed enough to publish data across threads?",
		"why does this hang?\nfunc (p *Pool) Get() *Worker {\n\tp.mu.Lock()\n}",
	};
	struct route_decision a, b;
	char *piped;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prompts); i++) {
		piped = xstrfmt("%s\n", prompts[i]);
		a = decide(prompts[i], 0, TIER_AUTO, 0);
		b = decide(piped, 0, TIER_AUTO, 0);
		if (a.tier != b.tier || a.p_cheap_fail != b.p_cheap_fail)
			fprintf(stderr, "\"%s\": %s %g typed, %s %g piped\n", prompts[i],
			    tier_str(a.tier), a.p_cheap_fail, tier_str(b.tier), b.p_cheap_fail);
		CHECK_INT(b.tier, a.tier);
		CHECK(a.p_cheap_fail == b.p_cheap_fail && a.p_mid_fail == b.p_mid_fail);
		free(piped);
	}
	CHECK_INT(decide(prompts[0], 0, TIER_AUTO, 0).tier, TIER_MID);
}

/*
 * A crash word in a one-line question is no pasted trace: "what is a
 * segfault" is a lookup. A pasted trace still wants mid, and is named first.
 */
static void
test_decide_crash_word(void)
{
	static const char *const asks[] = {
		"what is a segfault",
		"what does 'fatal: refusing to merge unrelated histories' mean",
		"what does 'panic: assignment to entry in nil map' mean",
	};
	struct route_decision d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(asks); i++) {
		d = decide(asks[i], 0, TIER_AUTO, 0);
		if (d.tier != TIER_CHEAP)
			fprintf(stderr, "\"%s\" -> %s: %s\n", asks[i], tier_str(d.tier), d.reason);
		CHECK_INT(d.tier, TIER_CHEAP);
	}
	d = decide("what does this mean?\nfatal: not a git repository\nhint: run git init\n", 0, TIER_AUTO, 0);
	CHECK(d.tier >= TIER_MID);
	CHECK(str_startswith(d.reason, "stack trace"));
	d = decide(trace_prompt, 0, TIER_AUTO, 0);
	CHECK(d.tier >= TIER_MID);
	CHECK(str_startswith(d.reason, "stack trace"));
}

static void
test_decide_allocates_nothing(void)
{
	static char big[4096];
	struct route_input in = { big, sizeof(big), 3, TIER_MID, 40000, 0 };
	struct route_decision d;
	long before;
	size_t i;
	int k;

	for (i = 0; i < sizeof(big); i++)
		big[i] = "Why does x[3] crash? ```c\nint *p = 0;\n``` Traceback 12 + 3 = 15\n"[i % 60];
	router_decide(&in, &d);
	if (!COUNT_ALLOCS)
		printf("# skip: allocations are not counted under a sanitizer\n");
	before = allocs;
	for (k = 0; k < 100; k++)
		router_decide(&in, &d);
	CHECK_INT(allocs - before, 0);
	CHECK(d.tier >= TIER_MID);
}

static bool
only_openai(void *arg, const struct model *m)
{
	(void)arg;
	return strcmp(m->provider, "openai") == 0;
}

static bool
nothing(void *arg, const struct model *m)
{
	(void)arg;
	(void)m;
	return false;
}

static void
test_pick(void)
{
	struct catalog *cat = catalog_new(NULL, NULL);
	const struct model *m;
	enum tier got = TIER_AUTO;

	m = router_pick(cat, TIER_CHEAP, 1000, NULL, NULL, &got);
	CHECK(m != NULL && strcmp(m->name, "deepseek-v4-flash") == 0);
	CHECK_INT(got, TIER_CHEAP);
	m = router_pick(cat, TIER_CHEAP, 1000, only_openai, NULL, &got);
	CHECK(m != NULL && strcmp(m->name, "gpt-5-mini") == 0);
	/* gpt-5-mini and nano hold 272k: a bigger request moves up a tier. */
	m = router_pick(cat, TIER_CHEAP, 300000, only_openai, NULL, &got);
	CHECK(m != NULL && strcmp(m->name, "gpt-5.4") == 0);
	CHECK_INT(got, TIER_MID);
	m = router_pick(cat, TIER_FRONTIER, 2000000, NULL, NULL, &got);
	CHECK(m == NULL);
	CHECK(router_pick(cat, TIER_MID, 10, nothing, NULL, NULL) == NULL);
	catalog_free(cat);
}

static void
test_refusal(void)
{
	char big[3000];

	CHECK(router_is_refusal("", 0));
	CHECK(router_is_refusal(" \n\t ", 4));
	CHECK(router_is_refusal("I'm sorry, but I can't help with that.", 38));
	CHECK(router_is_refusal("I\xe2\x80\x99m not sure what you mean.", 28));
	CHECK(router_is_refusal("As an AI language model, I cannot browse.", 41));
	CHECK(!router_is_refusal("The answer is 42.", 17));
	CHECK(!router_is_refusal("I can help: first, open the file.", 33));
	memset(big, 'a', sizeof(big));
	memcpy(big, "I'm not sure, but ", 18);
	CHECK(!router_is_refusal(big, sizeof(big)));
}

/* A fence left open is read as Markdown reads fences, never by counting backticks. */
static void
test_fence_open(void)
{
	static const struct {
		const char *text;
		bool open;
	} cases[] = {
		{ "Run this:\n```sh\nmake\n```\nDone.", false },
		{ "Run this:\n```sh\nmake\n", true },
		{ "Run this:\n```sh\nmake", true },
		{ "```", true },
		{ "Here:\n```c\nint x;\n```", false },
		{ "Here:\r\n```c\r\nint x;\r\n```\r\n", false },
		/* inline code with three backticks opens nothing */
		{ "Type ``` to start a block, then close it.", false },
		{ "A line like ```inline``` is code in a sentence.", false },
		/* a longer fence holds a shorter one; only its own length closes it */
		{ "````md\n```c\nx\n```\n````\n", false },
		{ "````md\n```c\nx\n```\n", true },
		/* a closing fence carries no info string */
		{ "```\ncode\n```python\n", true },
		{ "~~~\ncode\n~~~\n", false },
		{ "~~~\ncode\n```\n", true },
		/* inside list items and quotes */
		{ "1. Build:\n   ```sh\n   make\n   ```\n2. Test.", false },
		{ "1. Build:\n    ```sh\n    make\n", true },
		{ "> ```\n> quoted code\n> ```\n", false },
		{ "", false },
		{ "Plain text with no code at all.", false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (router_fence_open(cases[i].text, strlen(cases[i].text)) != cases[i].open)
			fprintf(stderr, "fence case %zu: %s\n", i, cases[i].text);
		CHECK(router_fence_open(cases[i].text, strlen(cases[i].text)) == cases[i].open);
	}
	/* the length given is what counts, not a NUL */
	CHECK(!router_fence_open("```\nx\n```\n", 11));
	CHECK(router_fence_open("```\nx\n```\n", 6));
}

/* Developer work is seen without fences: code lines, what is asked, the subject; dates are no numbers. */
static void
test_features_developer(void)
{
	static const struct feature_case code[] = {
		{ "why does this hang?\nfunc (p *Pool) Get() *Worker {\n\tp.mu.Lock()\n\tdefer p.mu.Unlock()\n"
		    "\treturn <-p.workers\n}\n", true },
		{ "#!/bin/bash\nset -e\nfor f in *.tmp; do\n  rm \"$f\"\ndone\n", true },
		{ "FROM python:3.11\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n", true },
		{ "Tell me about the history of Rome. It was founded long ago.\nThen it grew.\n", false },
		/* Shell keywords are whole words: "first" and "done." open no code. */
		{ "first\nelsewhere, doneness\n", false },
		{ "if [ -f x ]; then\n  echo y\nfi\n", true },
	};
	static const struct feature_case levels[] = {
		{ "This passes tests at -O0 but the loop never ends at -O2. Why?", true },
		{ "Why does this only crash with -O2?\nint *get(void) { int x = 42; return &x; }", true },
		{ "gcc 13.2, -O0 prints 31, -O2 hangs forever. compiler bug?", true },
		{ "My Kahan sum is worse when compiled with -O3 -ffast-math", true },
		{ "gcc -O2 -Wall -o app main.c fails to link", false },
		{ "CFLAGS = -O2 -g\nwhy does make rebuild everything?", false },
		{ "a well-Organised plan with -Other options", false },
	};
	/* The language lawyer's words; a linker's or a script's "undefined" is none. */
	static const struct feature_case lawyer[] = {
		{ "why is signed overflow still undefined behaviour in C++20?", true },
		{ "Why is reading an inactive union member undefined behavior in C++?", true },
		{ "is this UB? int x; printf(\"%d\", x);", true },
		{ "is a program ill-formed if a template is never instantiated?", true },
		{ "is there a sequence point between the operands of a comma?", true },
		{ "undefined reference to `main' when I link", false },
		{ "TypeError: undefined is not a function", false },
		{ "we need a well-defined goal for the sprint", false },
		{ "we should sub out the ub bolts", false },
	};
	/* A cloud's security group is networking. */
	static const struct feature_case groups[] = {
		{ "terraform plan says Error: Cycle: module.eks.aws_security_group_rule.node_ingress, "
		  "module.eks.aws_security_group.node\nresource \"aws_security_group\" \"node\" {\n}\n", false },
		{ "which security groups allow 0.0.0.0/0 on port 22?", false },
		{ "is this JWT check secure?\nif (jwt.verify(token, secret)) { next(); }\n", true },
	};
	/* Acronyms that are words too count in capitals only. */
	static const struct feature_case cas[] = {
		{ "is a CAS loop enough for this counter?", true },
		{ "Comment convertir une String en i32 en Rust, en g\xc3\xa9rant le cas o\xc3\xb9 ce n'est "
		  "pas un nombre ?", false },
	};
	/* Java's ConcurrentModificationException is thrown in one thread. */
	static const struct feature_case modified[] = {
		{ "java why does this throw java.util.ConcurrentModificationException", false },
		{ "is a ConcurrentHashMap enough here?", true },
	};
	double x[RF_COUNT];

	check_feature(RF_CODE_LINES, log1p(ROUTER_CODE_LINES), code, ARRAY_SIZE(code));
	check_feature(RF_CONCURRENCY, log1p(1), cas, ARRAY_SIZE(cas));
	check_feature(RF_CONCURRENCY, log1p(1), modified, ARRAY_SIZE(modified));
	check_feature(RF_SECURITY, log1p(1), groups, ARRAY_SIZE(groups));
	features(code[0].text, x);
	CHECK(x[RF_CODE_FENCE] == 0);
	features(code[2].text, x);
	CHECK(x[RF_BUILD] > 0);
	features("Security review: can this JWT check be bypassed?", x);
	CHECK(x[RF_SECURITY] > 0);
	CHECK(x[RF_ASK_DEEP] > 0);
	features("Is memory_order_relaxed enough to publish data across threads?", x);
	CHECK(x[RF_CONCURRENCY] > 0);
	/* Lock-free code, cryptography and consensus have words of their own. */
	features("Is a Treiber stack safe from ABA with a 64-bit CAS if I free nodes right after pop?", x);
	CHECK(x[RF_CONCURRENCY] > 0);
	features("flamegraphs show the time in futex calls", x);
	CHECK(x[RF_CONCURRENCY] > 0);
	features("Which KDF and AEAD, and how do I handle nonces across devices?", x);
	CHECK(x[RF_SECURITY] > 0);
	/* So do Go's wait groups, race detectors and the memory checkers' reports. */
	features("it hangs: var wg sync.WaitGroup; wg.Add(1) in the loop, wg.Wait() at the end", x);
	CHECK(x[RF_CONCURRENCY] > 0);
	features("TSan says data race on counter between these two", x);
	CHECK(x[RF_CONCURRENCY] > 0);
	features("ASan: heap-use-after-free in parse_header, but only in release builds", x);
	CHECK(x[RF_FORMAL] > 0);
	features("valgrind shows an invalid read of size 8 after realloc", x);
	CHECK(x[RF_FORMAL] > 0);
	features("UBSan flags this shift; is it really undefined?", x);
	CHECK(x[RF_FORMAL] > 0);
	/* Code that behaves apart at two optimisation levels; a build line's flags are no such sign. */
	check_feature(RF_FORMAL, 0, levels, ARRAY_SIZE(levels));
	check_feature(RF_FORMAL, 0, lawyer, ARRAY_SIZE(lawyer));
	features("Would a CRDT or ZooKeeper fit a shared counter better?", x);
	CHECK(x[RF_DISTRIBUTED] > 0);
	features("Prove the Raft leader election is safe under a network partition", x);
	CHECK(x[RF_FORMAL] > 0);
	CHECK(x[RF_DISTRIBUTED] > 0);
	features("Write a function to convert this CSV to JSON", x);
	CHECK(x[RF_ASK_WORK] > 0);
	CHECK(x[RF_DATA_FORMAT] > 0);
	/* Dates, times, versions and addresses are not quantities; amounts are. */
	features("orders between 2023-01-01 and 2023-03-31 at 09:45, v1.2.3, 0x7f", x);
	CHECK(x[RF_NUMBERS] == 0);
	CHECK(x[RF_MATH_OPS] == 0);
	features("She buys 3 apples at 2.50 each", x);
	CHECK(x[RF_NUMBERS] > 0);
	features("what is 12-5 and 6/3?", x);
	CHECK(x[RF_MATH_OPS] > 0);
	features("what is 7 + 8 * 2", x);
	CHECK(x[RF_MATH_OPS] > 0);
	/* Nor are operators beside them: time zones in logs, version suffixes, zip codes. */
	features("10.0.3.7 - - [03/Dec/2026:10:42:31 +0000] \"GET / HTTP/1.1\" 200\n"
	    "2026-12-01 03:12:45 status installed libssl3:amd64 3.0.15-1\n"
	    "zip 12345-6789", x);
	CHECK(x[RF_MATH_OPS] == 0);
}

/*
 * Concurrency and build words with an everyday sense count only beside signs
 * of developer work: a technical word, two plain ones, code, `marks` or a
 * snake_case name; asks for judgement need one only in a quick ask.
 */
/*
 * A pasted log is data to read: its time stamps, addresses and counts are no
 * quantities, its lines no code and its words not the ask's ("DEBUG" asks
 * for no work). Each kind of line, then prose that only opens with a number
 * or a time.
 */
static void
test_features_log(void)
{
	static const char *const lines[] = {
		"2026-12-04 10:39:33,663 WARNING db.pool: pool at 90% capacity (12/20 used)",
		"10.0.5.243 - - [03/Dec/2026:10:00:03 +0000] \"GET /api?id=375 HTTP/1.1\" 500 9594 \"-\"",
		"[04/Dec/2026:10:59:49 +0000] upstream timed out (110: Connection timed out);",
		"Dec  3 10:00:01 web1 sshd[1234]: Failed password for root from 10.0.0.5 port 22 ssh2",
		"[2026-12-04T10:27:09Z] job 17 done in 120ms, 3 retries {queue=mail}",
		"10:27:09 worker 3 took 5 + 2 seconds",
		"2026-12-02T14:00:55.673Z DEBUG api request_id=71033 route=/v1/items status=200 dur_ms=60",
	};
	static const char ask[] = "when did the pool warning first appear?";
	static const struct feature_case prose[] = {
		{ "12 apples cost 3 dollars each. How much do 4 cost?", true },
		{ "10:30 is when the train leaves; it goes 60 km/h for 2 hours. How far?", true },
		{ "2024 was the year the price rose 15%. What is 15% of 80?", true },
	};
	double q[RF_COUNT], x[RF_COUNT];
	char text[4096];
	size_t i, k, len;

	features(ask, q);
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		for (len = 0, k = 0; k < 20; k++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", lines[i]);
		snprintf(text + len, sizeof(text) - len, "\n%s", ask);
		features(text, x);
		if (x[RF_NUMBERS] != 0 || x[RF_MATH_OPS] != 0 || x[RF_CODE_LINES] != 0 ||
		    x[RF_WORDS] != q[RF_WORDS] || x[RF_CODE_CHARS] > q[RF_CODE_CHARS])
			printf("# %s: numbers %g, math %g, code lines %g, words %g, code characters %g\n",
			    lines[i], x[RF_NUMBERS], x[RF_MATH_OPS], x[RF_CODE_LINES], x[RF_WORDS],
			    x[RF_CODE_CHARS]);
		CHECK(x[RF_NUMBERS] == 0);
		CHECK(x[RF_MATH_OPS] == 0);
		CHECK(x[RF_CODE_LINES] == 0);
		CHECK(x[RF_WORDS] == q[RF_WORDS]);
		CHECK(x[RF_CODE_CHARS] <= q[RF_CODE_CHARS]);
		CHECK(x[RF_ASK_WORK] == 0);
		CHECK(x[RF_LINES] > log(20));
	}
	/* What the log is about still counts. */
	features("2026-12-04 10:00:01 ERROR mutex wait timed out after 30s\nwhy?", x);
	CHECK(x[RF_CONCURRENCY] > 0);
	check_feature(RF_NUMBERS, 1.0, prose, ARRAY_SIZE(prose));
	features("12 apples cost 3 dollars each", x);
	CHECK(x[RF_WORDS] == log1p(4));
	/* A time and an address inside a sentence are still not quantities; the sentence's words count. */
	features("at 10:39:33 the host 10.0.5.243 stopped answering; why?", x);
	CHECK(x[RF_NUMBERS] == 0);
	CHECK(x[RF_WORDS] == log1p(6));
}

static void
test_features_plain_words(void)
{
	static const struct feature_case conc[] = {
		{ "Give me a relaxed itinerary for two days in Rome", false },
		{ "My thread keeps breaking on the sewing machine, what do I do?", false },
		{ "Who won the race yesterday?", false },
		{ "What is the best lock for a bike?", false },
		{ "Is moral hazard why insurance has a deductible?", false },
		{ "Is a relaxed load enough after the mutex is released?", true },
		{ "In Java, is double-checked locking broken without volatile?", true },
		{ "Is `relaxed` ordering enough for a counter?", true },
		{ "Is memory_order_relaxed enough to publish data across threads?", true },
		{ "Why does this race?\nstatic int n;\nvoid inc(void) { n++; }\n", true },
		/* one plain word named again is still one: no sign */
		{ "Joe and Mike ran the same race. Joe finished the race 4 minutes before Mike; "
		  "what was the pace of the race?", false },
		{ "A snubber circuit is used with an SCR: in series, in parallel, or anti parallel?", false },
		/* a plain ask for work is no sign either */
		{ "The Voting Rights Act of 1965: did it ban race-based literacy tests?", false },
		{ "Write a short poem about a horse race", false },
	};
	static const struct feature_case sec[] = {
		{ "Is social security going to run out before I retire?", false },
		{ "My dad had a heart attack last year, what foods should he avoid?", false },
		{ "Which of the following is lower for argon than for neon?", false },
		{ "What does attorney-client privilege protect?", false },
		{ "Is this handler open to SQL injection?\n$q = \"SELECT * FROM t WHERE id=\" . $_GET['id'];\n", true },
		{ "Can an attacker forge a JWT signed with a weak secret?", true },
		{ "Review the privilege checks of our Django admin for an escalation attack", true },
	};
	static const struct feature_case perf[] = {
		{ "My laptop got slow after the update, what can I do about it?", false },
		{ "A train leaves at 9 going 60 mph; a faster one leaves at 10. When does it catch up?", false },
		{ "Any tips to improve my memory before exams?", false },
		{ "Why is this Python loop so slow?\nfor i in range(len(xs)):\n    total += xs[i]\n", true },
		{ "Our Postgres query got slow after the upgrade: what should I profile first?", true },
		{ "Is a flame graph or perf stat the better first look at a CPU-bound Go service?", true },
	};
	static const struct feature_case build[] = {
		{ "How do I build a shed in my garden?", false },
		{ "Build a pipeline for our React app on GitHub with npm caching", true },
	};
	/* Asks for judgement need such a sign only when they are quick. */
	static const struct feature_case deep[] = {
		{ "Can you review my cover letter?", false },
		{ "critique my essay on Hamlet", false },
		{ "Design a rate limiter for our public API", true },
		{ "Review this:\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n", true },
		{ "Design the storage layer for a photo-sharing service with a billion images, and compare "
		  "two approaches and how each of them fails.", true },
		/* "trade" and "threat" ask for judgement only as "trade-offs" and "threat model" */
		{ "What were the effects of free trade agreements on wages in Mexico during the 1990s, "
		  "and who gained the most from them?", false },
		{ "Was the Soviet threat the main reason for founding NATO in 1949, or were there other "
		  "reasons that mattered as much?", false },
		{ "We keep sessions in Redis today. Walk me through the trade-offs of moving them into "
		  "signed cookies for our web app.", true },
		{ "Threat-model our plan: a browser extension that sends selected text to our API with "
		  "the user's token.", true },
		/* an error saying what failed asks for nothing; the user asking to verify does */
		{ "what does this mean, curl works from my laptop but not from the container\n\n"
		  "Get \"https://vault.internal:8200/v1/sys/health\": tls: failed to verify certificate: "
		  "x509: certificate signed by unknown authority\n", false },
		{ "npm ERR! code E401 unable to authenticate, could not review the lockfile; what now?", false },
		{ "verify that this lock-free queue is linearizable under concurrent pushes", true },
	};
	double x[RF_COUNT], y[RF_COUNT];
	const char *everyday[] = { conc[0].text, conc[1].text, conc[2].text, conc[3].text, conc[10].text,
		conc[11].text, conc[12].text, build[0].text, deep[0].text, deep[1].text, sec[0].text, sec[1].text,
		sec[2].text, sec[3].text, perf[0].text, perf[1].text, perf[2].text };
	size_t i;

	check_feature(RF_CONCURRENCY, 0, conc, ARRAY_SIZE(conc));
	check_feature(RF_BUILD, 0, build, ARRAY_SIZE(build));
	check_feature(RF_SECURITY, 0, sec, ARRAY_SIZE(sec));
	check_feature(RF_PERFORMANCE, 0, perf, ARRAY_SIZE(perf));
	check_feature(RF_ASK_DEEP, 0, deep, ARRAY_SIZE(deep));
	/* The other features do not change: the benchmark heads see what they were fitted on. */
	features(conc[0].text, x);
	features("Give me a leisure itinerary for two days in Rome", y);
	for (i = 0; i < RF_COUNT; i++)
		CHECK(x[i] == y[i]);
	/* None of them goes to the frontier for a word it does not mean. */
	for (i = 0; i < ARRAY_SIZE(everyday); i++) {
		struct route_decision d = decide(everyday[i], 0, TIER_AUTO, 0);

		if (d.tier == TIER_FRONTIER)
			fprintf(stderr, "\"%s\" -> frontier: %s\n", everyday[i], d.reason);
		CHECK(d.tier != TIER_FRONTIER);
	}
}

/* [llm] quality sets the thresholds: aiming higher never routes lower. */
static void
test_quality_thresholds(void)
{
	struct router_model m = router_default_model;
	struct route_input in = { "Write a Go function that parses a CSV file into maps.", 0, 0, TIER_AUTO, 0, 0 };
	struct route_decision lo, hi, def;
	double t1, t2, u1, u2;

	in.len = strlen(in.prompt);
	CHECK(m.loss1 > 0 && m.loss2 > 0);
	router_thresholds(&m, 0.95, &t1, &t2);
	router_thresholds(&m, 0.80, &u1, &u2);
	CHECK(t1 < u1 && t2 < u2);
	router_thresholds(&m, 0, &t1, &t2);
	router_thresholds(&m, ROUTER_QUALITY_DEFAULT, &u1, &u2);
	CHECK(t1 == u1 && t2 == u2);
	router_decide_with(&m, &in, &def);
	in.quality = 0.3;
	router_decide_with(&m, &in, &lo);
	in.quality = 1;
	router_decide_with(&m, &in, &hi);
	CHECK(lo.tier <= def.tier && def.tier <= hi.tier);
	CHECK_INT(hi.tier, TIER_FRONTIER);
	CHECK(lo.p_cheap_fail == hi.p_cheap_fail);
	/* Aiming higher than the default leaves the rules that send to cheap to the score. */
	in.prompt = "hey how do i rename a branch both locally and on origin? it's called `feat/x`";
	in.len = strlen(in.prompt);
	in.quality = 0;
	router_decide_with(&m, &in, &def);
	CHECK_INT(def.tier, TIER_CHEAP);
	in.quality = 0.98;
	router_decide_with(&m, &in, &hi);
	CHECK(hi.tier >= TIER_MID);
	CHECK(strstr(hi.reason, "how-to question") == NULL);
	in.quality = 0.80;
	router_decide_with(&m, &in, &lo);
	CHECK_INT(lo.tier, TIER_CHEAP);
	/* Without losses (an old weights file) the model's own thresholds apply. */
	m.loss1 = m.loss2 = 0;
	router_thresholds(&m, 0.95, &t1, &t2);
	CHECK(t1 == m.t1 && t2 == m.t2);
}

/* The keyword table is sorted and well formed; a word finds equal keywords and stems in any case. */
static void
test_keyword_table(void)
{
	CHECK(router_kw_valid());
	CHECK_INT(router_kw_groups((const unsigned char *)"JSON", 4, NULL), 1u << KW_CODE | 1u << KW_FORMAT | 1u << KW_DATA);
	CHECK_INT(router_kw_groups((const unsigned char *)"consider", 8, NULL), 1u << KW_REASON);
	CHECK_INT(router_kw_groups((const unsigned char *)"considerations", 14, NULL), 1u << KW_REASON);
	CHECK_INT(router_kw_groups((const unsigned char *)"const", 5, NULL), 1u << KW_CODE);
	CHECK_INT(router_kw_groups((const unsigned char *)"constant", 8, NULL), 0);
	CHECK_INT(router_kw_groups((const unsigned char *)"compilers", 9, NULL), 1u << KW_CODE | 1u << KW_BUILD);
	CHECK_INT(router_kw_groups((const unsigned char *)"deadlocks", 9, NULL), 1u << KW_CONC | KW_HARD_WORD);
	CHECK_INT(router_kw_groups((const unsigned char *)"lock", 4, NULL), 1u << KW_CONC);
	CHECK_INT(router_kw_groups((const unsigned char *)"locksmith", 9, NULL), 0);
	CHECK_INT(router_kw_groups((const unsigned char *)"linearizability", 15, NULL), 1u << KW_DIST | KW_HARD_WORD);
	CHECK_INT(router_kw_groups((const unsigned char *)"Raft", 4, NULL), 1u << KW_DIST | KW_HARD_WORD);
	CHECK_INT(router_kw_groups((const unsigned char *)"Prove", 5, NULL), 1u << KW_REASON | 1u << KW_FORMAL);
	CHECK_INT(router_kw_groups((const unsigned char *)"Hi", 2, NULL), 1u << KW_SIMPLE);
	CHECK_INT(router_kw_groups((const unsigned char *)"him", 3, NULL), 0);
	CHECK_INT(router_kw_groups((const unsigned char *)"segfaults", 9, NULL), 1u << KW_CODE | 1u << KW_TRACE);
	CHECK_INT(router_kw_groups((const unsigned char *)"zzz", 3, NULL), 0);
	CHECK_INT(router_kw_groups((const unsigned char *)"aa", 2, NULL), 0);
}

/* kw_same(W, N): router_kw_groups and the keyword-by-keyword reference agree on W[0..N). */
static bool
kw_same(const char *w, size_t n)
{
	unsigned p1, p2, g1 = router_kw_groups((const unsigned char *)w, n, &p1);
	unsigned g2 = router_kw_groups_slow((const unsigned char *)w, n, &p2);

	if (g1 != g2 || p1 != p2)
		fprintf(stderr, "  '%.*s': %#x/%#x against %#x/%#x\n", (int)n, w, g1, p1, g2, p2);
	return g1 == g2 && p1 == p2;
}

/*
 * The filter and search of router_kw_groups find what trying every keyword
 * finds: on every keyword, in capitals, cut short, with endings; on every
 * word of two and three letters; on random words.
 */
static void
test_keyword_search(void)
{
	static const char *const endings[] = { "", "s", "ed", "ing", "x", "zzzz", "ations" };
	char w[64];
	const char *k;
	size_t i, j, n, bad = 0, words = 0, found = 0;
	uint32_t seed = 12345;

	for (i = 0; (k = router_kw_word(i)) != NULL; i++) {
		for (j = 0; j < ARRAY_SIZE(endings); j++) {
			n = (size_t)snprintf(w, sizeof(w), "%s%s", k, endings[j]);
			bad += !kw_same(w, n);
			found += router_kw_groups((const unsigned char *)w, n, NULL) != 0;
			w[0] = (char)(w[0] & ~0x20);
			bad += !kw_same(w, n);
			bad += !kw_same(w, n - 1);
			words += 3;
		}
	}
	for (i = 0; i < 26 * 26 * 27; i++) {
		w[0] = (char)('a' + i % 26);
		w[1] = (char)('a' + i / 26 % 26);
		w[2] = (char)('a' + i / 676);
		n = i / 676 < 26 ? 3 : 2;
		bad += !kw_same(w, n);
		found += router_kw_groups((const unsigned char *)w, n, NULL) != 0;
		words++;
	}
	for (i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		n = 2 + (seed >> 16) % 12;
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			w[j] = "etaoinshrdlucmfwypvbgkqjxzETAOINSHRDLU"[(seed >> 16) % 38];
		}
		bad += !kw_same(w, n);
		words++;
	}
	CHECK_INT(bad, 0);
	CHECK(words > 200000 && found > 1000);
}

/* A keyword's everyday sense is marked per group, and a technical keyword of the same group wins. */
static void
test_keyword_plain(void)
{
	unsigned plain;

	CHECK_INT(router_kw_groups((const unsigned char *)"Thread", 6, &plain), 1u << KW_CODE | 1u << KW_CONC);
	CHECK_INT(plain, 1u << KW_CODE | 1u << KW_CONC);
	CHECK_INT(router_kw_groups((const unsigned char *)"mutex", 5, &plain), 1u << KW_CONC);
	CHECK_INT(plain, 0);
	/* "compil" is plain ("compile a list"), "compiler" is not: the word is technical in KW_CODE. */
	CHECK_INT(router_kw_groups((const unsigned char *)"compiler", 8, &plain), 1u << KW_CODE | 1u << KW_BUILD);
	CHECK_INT(plain, 1u << KW_BUILD);
	CHECK_INT(router_kw_groups((const unsigned char *)"zzz", 3, &plain), 0);
	CHECK_INT(plain, 0);
}

int
main(void)
{
	RUN(test_features_code_and_trace);
	RUN(test_features_diff_choice_math);
	RUN(test_features_keywords);
	RUN(test_features_conversation);
	RUN(test_features_developer);
	RUN(test_features_plain_words);
	RUN(test_features_log);
	RUN(test_decide_order);
	RUN(test_features_few_words);
	RUN(test_decide_arithmetic);
	RUN(test_decide_data_lookup);
	RUN(test_decide_thanks);
	RUN(test_decide_edit);
	RUN(test_decide_command);
	RUN(test_decide_howto);
	RUN(test_decide_tool_ask);
	RUN(test_decide_commit_message);
	RUN(test_decide_command_convert);
	RUN(test_decide_summary);
	RUN(test_decide_build);
	RUN(test_decide_convert);
	RUN(test_features_small_ask);
	RUN(test_decide_heads_ordered);
	RUN(test_decide_names_distinct);
	RUN(test_decide_reason_true);
	RUN(test_decide_definition);
	RUN(test_decide_fact);
	RUN(test_decide_sticky);
	RUN(test_decide_long_context);
	RUN(test_decide_code_block_raises);
	RUN(test_decide_crash_word);
	RUN(test_decide_trailing_newline);
	RUN(test_decide_allocates_nothing);
	RUN(test_pick);
	RUN(test_refusal);
	RUN(test_fence_open);
	RUN(test_keyword_table);
	RUN(test_keyword_search);
	RUN(test_keyword_plain);
	RUN(test_quality_thresholds);
	UNIT_EXIT();
}
