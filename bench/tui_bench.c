/* tui_bench: redraw and scroll times and memory of the client with a 10,000-message conversation, a 200-step agent task, one long reply and one long line streaming in. */
#include <cjson/cJSON.h>
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "config.h"
#include "md.h"
#include "tui_priv.h"
#include "util.h"
#include "bench.h"

#define MESSAGES 10000
#define RUNS 301
#define REDRAW_LIMIT_US 2000
#define SCROLL_LIMIT_US 5000
#define RSS_LIMIT_KB (64 * 1024)
#define TASK_STEPS 200
#define TOKEN 8            /* bytes per streamed piece, as the fake provider sends them */
#define LONG_LIMIT_US 2000 /* per piece of a long reply: no more than a redraw after one token */
#define LINE_RUNS 3        /* runs of the long line, for a median of their medians */

/* Resident memory now, in KiB, from /proc (0 if unknown). */
static long
rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Load 10,000 messages: questions, and Markdown answers with lists and code. */
static void
fill(struct tui *t)
{
	char *s;
	int i;

	for (i = 0; i < MESSAGES; i++) {
		if (i % 2 == 0) {
			s = xstrfmt("Question %d: why does the loop in parse_header() read one byte past "
			    "the end when the buffer is exactly full?", i);
			tui_view_add(&t->view, TUI_USER, s, strlen(s));
		} else {
			s = xstrfmt("Answer %d. The **off-by-one** is in the bound:\n\n"
			    "1. `i <= n` reads `buf[n]`\n2. use `i < n`\n\n```c\nfor (i = 0; i < n; i++)\n"
			    "\tsum += buf[i];\n```\n\nThat keeps *every* read inside the buffer.", i);
			tui_view_add(&t->view, TUI_ASSISTANT, s, strlen(s));
		}
		free(s);
	}
}

/* Feed the client one event of a task, as the task's process would send it. */
static void
feed(struct tui *t, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	tui_agent_feed(t, s);
	free(s);
	cJSON_Delete(o);
}

/* A call's event: name, arguments, one-line summary, result text and diff (or NULL). */
static void
feed_call(struct tui *t, const char *name, const char *args, const char *summary,
    const char *text, const char *diff)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "e", "call");
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "args", args);
	cJSON_AddStringToObject(o, "summary", summary);
	cJSON_AddStringToObject(o, "text", text);
	if (diff != NULL)
		cJSON_AddStringToObject(o, "diff", diff);
	cJSON_AddBoolToObject(o, "error", false);
	feed(t, o);
}

/* n lines "prefix N: text" in one string (malloc'd). */
static char *
lines(const char *prefix, int n)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	for (i = 1; i <= n; i++)
		buf_addf(&b, "%s%d: for (i = 0; i < n; i++) sum += buf[i];\n", prefix, i);
	return buf_detach(&b);
}

/* A 200-step agent task in the transcript: each step reads, then edits (a 30-line diff) or runs
 * a command (40 lines of output), with what the model said and its price. */
static void
fill_task(struct tui *t)
{
	char *read = lines("", 120), *out = lines("test ", 40), *diff, *args, *sum, *said;
	cJSON *o;
	int i;

	diff = lines("+", 30);
	for (i = 1; i <= TASK_STEPS; i++) {
		args = xstrfmt("{\"path\":\"src/f%d.c\"}", i);
		sum = xstrfmt("read src/f%d.c (120 lines)", i);
		feed_call(t, "read", args, sum, read, NULL);
		free(sum);
		if (i % 2)
			sum = xstrfmt("edit src/f%d.c (+30 \xe2\x88\x92" "1)", i);
		else
			sum = xstrdup("run make test \xc2\xb7 exit 1 \xc2\xb7 0.8 s");
		feed_call(t, i % 2 ? "edit" : "run", args, sum, i % 2 ? "ok" : out, i % 2 ? diff : NULL);
		free(sum);
		free(args);
		said = xstrfmt("Step %d: the loop in f%d.c reads one byte too many.", i, i);
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "e", "step");
		cJSON_AddNumberToObject(o, "n", i);
		cJSON_AddStringToObject(o, "tier", "cheap");
		cJSON_AddStringToObject(o, "model", "test-cheap");
		cJSON_AddStringToObject(o, "summary", "read; edit");
		cJSON_AddStringToObject(o, "text", said);
		cJSON_AddStringToObject(o, "in", "12000");
		cJSON_AddStringToObject(o, "out", "400");
		cJSON_AddStringToObject(o, "cost", "1360000000");
		feed(t, o);
		free(said);
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "e", "done");
	cJSON_AddStringToObject(o, "answer", "All 200 files are fixed; make test passes.");
	cJSON_AddNumberToObject(o, "status", 0);
	cJSON_AddStringToObject(o, "cost", "272000000000");
	cJSON_AddStringToObject(o, "cap", "0");
	cJSON_AddStringToObject(o, "task", "1");
	cJSON_AddNumberToObject(o, "steps", TASK_STEPS);
	feed(t, o);
	free(read);
	free(out);
	free(diff);
}

/* The transcript's lines at its width. */
static size_t
task_lines(struct tui *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->view.n; i++)
		n += tui_view_wrap(&t->view, t->view.msgs[i], tui_trans_width(t));
	return n;
}

/*
 * A long reply of mixed prose and code, about bytes long (malloc'd): paragraphs,
 * lists, a table, fenced code blocks of a few lines and, every so often, a long one.
 */
static char *
long_text(size_t bytes)
{
	struct buf b;
	int i, j;

	buf_init(&b, 0);
	for (i = 0; b.len < bytes; i++) {
		switch (i % 6) {
		case 0:
			buf_addf(&b, "## Part %d\n\nThe loop in `parse_%d()` reads **one byte** past the end "
			    "when the buffer is exactly full, because the bound is `i <= n` where it "
			    "should be `i < n`; see [the docs](https://example.com/%d).\n\n", i, i, i);
			break;
		case 1:
			buf_addf(&b, "1. read `buf[i]`\n2. add it to *sum*\n3. stop at `n`\n\n");
			break;
		case 2:
			buf_addf(&b, "```c\nfor (i = 0; i < n; i++)\n\tsum += buf[i];\n```\n\n");
			break;
		case 3:
			buf_addf(&b, "| file | reads | fixed |\n|---|---|---|\n| f%d.c | %d | yes |\n"
			    "| g%d.c | %d | no |\n\n", i, i * 3, i, i * 7);
			break;
		case 4:
			buf_addf(&b, "- the header\n- the body, which can be long and wraps over more than "
			    "one line of the screen at eighty columns or so\n\n> Quoted: keep every read "
			    "inside the buffer.\n\n");
			break;
		default:
			buf_addf(&b, "```python\n");
			for (j = 0; j < (i % 60 == 5 ? 200 : 12); j++)
				buf_addf(&b, "def step_%d(buf, n):\n    return sum(buf[:n])  # %d\n\n", j, i);
			buf_addf(&b, "```\n\nThat keeps *every* read inside the buffer.\n\n");
			break;
		}
	}
	return buf_detach(&b);
}

/*
 * Stream a reply of about bytes into an empty transcript, TOKEN bytes at a time,
 * drawing after each piece as the client does (the line under the transcript
 * counting its tokens); print the total and the median.
 */
static int
long_reply(struct tui *t, size_t bytes)
{
	char *text = long_text(bytes);
	size_t len = strlen(text), off, n, k = 0, pieces = (len + TOKEN - 1) / TOKEN;
	int64_t *lap = xreallocarray(NULL, pieces, sizeof(*lap)), t0, total = 0, med;
	struct tui_msg *m;

	tui_agent_forget(t);
	tui_view_clear(&t->view);
	m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
	t->streaming = m;
	t->stream_start = clock_ms();
	for (off = 0; off < len; off += n) {
		n = len - off < TOKEN ? len - off : TOKEN;
		t0 = now_us();
		tui_view_append(&t->view, m, text + off, n);
		tui_draw(t);
		lap[k] = now_us() - t0;
		total += lap[k++];
	}
	t->streaming = NULL;
	med = median(lap, k);
	printf("tui: a %zu KB reply streamed in %zu pieces: %.2f s in all, median %.3f ms a piece "
	    "(limit %.0f ms)\n", len / 1024, k, total / 1e6, med / 1000.0, LONG_LIMIT_US / 1000.0);
	free(lap);
	free(text);
	return med > LONG_LIMIT_US;
}

/* A reply that is one fenced file of about bytes, after a line of prose (malloc'd). */
static char *
fence_text(size_t bytes)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	buf_adds(&b, "Here is the whole file:\n\n```c\n");
	for (i = 0; b.len < bytes; i++)
		buf_addf(&b, "%s\tsum += buf[%d]; /* step %d: keep every read inside the buffer, "
		    "even when it is exactly full */\n", i % 9 == 0 ? "\n" : "", i, i);
	buf_adds(&b, "```\n\nThat is all of it.\n");
	return buf_detach(&b);
}

/*
 * Stream one long fence TOKEN bytes at a time, drawing after each piece; then,
 * as before its lines were kept, the same text drawn whole at every 16th piece
 * (a whole draw costs the same whether one piece or 16 came since). Print both
 * medians; the limit is on the first.
 */
static int
long_fence(struct tui *t, size_t bytes)
{
	char *text = fence_text(bytes);
	size_t len = strlen(text), off, n, k, pieces = (len + TOKEN - 1) / TOKEN + 1;
	int64_t *lap = xreallocarray(NULL, pieces, sizeof(*lap)), t0, total, med[2];
	struct tui_msg *m;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		tui_agent_forget(t);
		tui_view_clear(&t->view);
		m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
		m->cut.never = pass == 1;
		total = 0;
		k = 0;
		for (off = 0; off < len; off += n) {
			n = len - off < TOKEN ? len - off : TOKEN;
			t0 = now_us();
			tui_view_append(&t->view, m, text + off, n);
			if (pass == 1 && (off / TOKEN) % 16 != 0)
				continue;
			tui_draw(t);
			lap[k] = now_us() - t0;
			total += lap[k++];
		}
		med[pass] = median(lap, k);
		if (pass == 0)
			printf("tui: a %zu KB fence streamed in %zu pieces: %.2f s in all\n", len / 1024, k,
			    total / 1e6);
	}
	printf("tui: a %zu KB fence: median %.3f ms a piece, drawn whole %.3f ms (limit %.0f ms)\n",
	    len / 1024, med[0] / 1000.0, med[1] / 1000.0, LONG_LIMIT_US / 1000.0);
	free(lap);
	free(text);
	return med[0] > LONG_LIMIT_US;
}

/* A reply that is one line of minified JSON of about bytes in a fence (malloc'd). */
static char *
json_line_text(size_t bytes)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	buf_adds(&b, "Here is the response:\n\n```json\n[");
	for (i = 0; b.len < bytes; i++)
		buf_addf(&b, "%s{\"id\":%d,\"name\":\"item-%d\",\"tags\":[\"a\",\"b\"],\"ok\":%s}",
		    i ? "," : "", i, i, i % 3 ? "true" : "false");
	buf_adds(&b, "]\n```\n");
	return buf_detach(&b);
}

/*
 * Stream a reply of one long line in a fence TOKEN bytes at a time, drawing as
 * the client does: with its rows kept (now), or drawn whole as before they were
 * (at every 64th piece: a whole draw costs the same whether one piece or 64
 * came since). The medians a piece of time and of bytes of the reply laid out
 * or measured (md_laid_out), in *us and *bytes.
 */
static void
json_line_pass(struct tui *t, const char *text, bool whole, int64_t *us, int64_t *bytes)
{
	size_t len = strlen(text), off, n, k = 0, pieces = (len + TOKEN - 1) / TOKEN + 1;
	int64_t *lap = xreallocarray(NULL, pieces, sizeof(*lap)), t0;
	int64_t *laid = xreallocarray(NULL, pieces, sizeof(*laid));
	unsigned long long b0;
	struct tui_msg *m;

	tui_agent_forget(t);
	tui_view_clear(&t->view);
	m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
	m->cut.never = whole;
	for (off = 0; off < len; off += n) {
		n = len - off < TOKEN ? len - off : TOKEN;
		t0 = now_us();
		tui_view_append(&t->view, m, text + off, n);
		if (whole && (off / TOKEN) % 64 != 0)
			continue;
		/* the reply's layout apart, which the draw then finds done: not the rows drawn */
		b0 = md_laid_out();
		tui_view_wrap(&t->view, m, tui_trans_width(t));
		laid[k] = (int64_t)(md_laid_out() - b0);
		tui_draw(t);
		lap[k++] = now_us() - t0;
	}
	*us = median(lap, k);
	*bytes = median(laid, k);
	free(lap);
	free(laid);
}

/*
 * A 200 KB line of JSON in a fence, streamed: the medians a piece, now and as
 * before (drawn whole), each the median of LINE_RUNS runs, and their ratio.
 */
static int
json_line(struct tui *t, size_t bytes)
{
	char *text = json_line_text(bytes);
	int64_t us[2][LINE_RUNS], laid[2][LINE_RUNS], mu[2], mb[2];
	int pass, run;

	for (run = 0; run < LINE_RUNS; run++)
		for (pass = 0; pass < 2; pass++)
			json_line_pass(t, text, pass == 1, &us[pass][run], &laid[pass][run]);
	for (pass = 0; pass < 2; pass++) {
		mu[pass] = median(us[pass], LINE_RUNS);
		mb[pass] = median(laid[pass], LINE_RUNS);
	}
	printf("tui: a %zu KB line of JSON in a fence, %d-byte pieces, median of %d runs: "
	    "%.3f ms and %lld bytes laid out a piece; drawn whole as before %.3f ms and %lld bytes "
	    "(%.0fx the time, %.0fx the bytes; limit %.0f ms)\n", strlen(text) / 1024, TOKEN,
	    LINE_RUNS, mu[0] / 1000.0, (long long)mb[0], mu[1] / 1000.0, (long long)mb[1],
	    (double)mu[1] / (double)(mu[0] > 0 ? mu[0] : 1),
	    (double)mb[1] / (double)(mb[0] > 0 ? mb[0] : 1), LONG_LIMIT_US / 1000.0);
	free(text);
	return mu[0] > LONG_LIMIT_US;
}

/* Redraw after a token and page through, into redraw and scroll; their medians. */
static void
measure(struct tui *t, int64_t *redraw, int64_t *scroll, int64_t *r_med, int64_t *s_med)
{
	struct tui_msg *m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
	int64_t t0;
	int i;

	for (i = 0; m->text.len < 4096; i++) {
		char *s = xstrfmt("Step %d: the **bound** must be `i < n`.\n\n- read `buf[i]`\n"
		    "- add it\n\n```c\nsum += buf[i];\n```\n\n", i);

		tui_view_append(&t->view, m, s, strlen(s));
		free(s);
	}
	for (i = 0; i < RUNS; i++) {
		t0 = now_us();
		tui_view_append(&t->view, m, i % 12 == 11 ? "word\n\n" : "word ", i % 12 == 11 ? 6 : 5);
		tui_draw(t);
		redraw[i] = now_us() - t0;
	}
	/* back through the task a page at a time, then down again */
	for (i = 0; i < RUNS; i++) {
		t0 = now_us();
		tui_act(t, (i / 100) % 2 == 0 ? ACT_PAGE_UP : ACT_PAGE_DOWN);
		tui_draw(t);
		scroll[i] = now_us() - t0;
	}
	*r_med = median(redraw, RUNS);
	*s_med = median(scroll, RUNS);
}

int
main(void)
{
	static int64_t redraw[RUNS], scroll[RUNS];
	char dir[] = "/tmp/llm-tui-bench-XXXXXX";
	struct tui_opts o = { .tier = TIER_AUTO, .width = 100, .height = 30 };
	struct app cli;
	struct tui *t;
	struct tui_msg *m;
	char *cause = NULL, *sub, *s;
	int64_t t0, r_med, s_med;
	long rss;
	int i, fails = 0;

	setlocale(LC_ALL, "C.UTF-8");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp: cannot make a temporary directory");
	setenv("LLM_CONFIG_DIR", dir, 1);
	sub = xstrfmt("%s/data", dir);
	setenv("LLM_DATA_DIR", sub, 1);
	memset(&cli, 0, sizeof(cli));
	if (config_load(&cli.cfg, &cause) != 0 || (cli.cat = catalog_new(&cli.cfg, &cause)) == NULL)
		die("config: %s", cause);
	t = tui_new(&cli, &o);
	if (tui_screen_start(t, true, 100, 30, NULL, &cause) != 0)
		die("screen: %s", cause);
	t0 = now_us();
	fill(t);
	tui_draw(t);
	printf("tui: %d messages loaded and drawn in %.1f ms\n", MESSAGES, (now_us() - t0) / 1000.0);

	/* A long reply streaming in (4 KiB of Markdown so far): one token, then its frame. */
	m = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
	for (i = 0; m->text.len < 4096; i++) {
		s = xstrfmt("Step %d: the **bound** must be `i < n`.\n\n- read `buf[i]`\n- add it\n\n"
		    "```c\nsum += buf[i];\n```\n\n", i);
		tui_view_append(&t->view, m, s, strlen(s));
		free(s);
	}
	for (i = 0; i < RUNS; i++) {
		t0 = now_us();
		tui_view_append(&t->view, m, i % 12 == 11 ? "word\n\n" : "word ", i % 12 == 11 ? 6 : 5);
		tui_draw(t);
		redraw[i] = now_us() - t0;
	}
	/* Paging back through the history, wrapping what comes into view. */
	for (i = 0; i < RUNS; i++) {
		t0 = now_us();
		tui_act(t, ACT_PAGE_UP);
		tui_draw(t);
		scroll[i] = now_us() - t0;
	}
	r_med = median(redraw, RUNS);
	s_med = median(scroll, RUNS);
	printf("tui: redraw after one token: median %.3f ms (limit %.0f ms)\n", r_med / 1000.0,
	    REDRAW_LIMIT_US / 1000.0);
	printf("tui: scroll one page: median %.3f ms (limit %.0f ms)\n", s_med / 1000.0,
	    SCROLL_LIMIT_US / 1000.0);
	fails += r_med > REDRAW_LIMIT_US;
	fails += s_med > SCROLL_LIMIT_US;

	/* the same with a 200-step agent task in the transcript instead */
	tui_agent_forget(t);
	tui_view_clear(&t->view);
	t0 = now_us();
	fill_task(t);
	tui_draw(t);
	printf("tui: a %d-step agent task (%zu entries, %zu lines at 96 columns) shown and drawn in "
	    "%.1f ms\n", TASK_STEPS, t->view.n, task_lines(t), (now_us() - t0) / 1000.0);
	measure(t, redraw, scroll, &r_med, &s_med);
	printf("tui: %d-step task: redraw after one token: median %.3f ms (limit %.0f ms)\n",
	    TASK_STEPS, r_med / 1000.0, REDRAW_LIMIT_US / 1000.0);
	printf("tui: %d-step task: scroll one page: median %.3f ms (limit %.0f ms)\n", TASK_STEPS,
	    s_med / 1000.0, SCROLL_LIMIT_US / 1000.0);
	fails += r_med > REDRAW_LIMIT_US;
	fails += s_med > SCROLL_LIMIT_US;
	rss = rss_kb();
	fails += long_reply(t, 100 * 1024);
	fails += long_reply(t, 400 * 1024);
	fails += long_fence(t, 100 * 1024);
	fails += json_line(t, 200 * 1024);
	printf("tui: resident memory %.1f MB (limit %d MB)\n", rss / 1024.0, RSS_LIMIT_KB / 1024);
	fails += rss > RSS_LIMIT_KB;
	tui_screen_stop(t);
	tui_free(t);
	catalog_free(cli.cat);
	config_done(&cli.cfg);
	free(sub);
	sub = xstrfmt("rm -rf '%s'", dir);
	if (system(sub) != 0)
		fprintf(stderr, "tui: could not remove %s\n", dir);
	free(sub);
	if (fails)
		printf("tui: %d figure(s) over the limit\n", fails);
	return fails ? 1 : 0;
}
