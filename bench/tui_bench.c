/* tui_bench: redraw and scroll times and memory of the client with a 10,000-message conversation. */
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
#include "tui_priv.h"
#include "util.h"
#include "bench.h"

#define MESSAGES 10000
#define RUNS 301
#define REDRAW_LIMIT_US 2000
#define SCROLL_LIMIT_US 5000
#define RSS_LIMIT_KB (64 * 1024)

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
	rss = rss_kb();
	r_med = median(redraw, RUNS);
	s_med = median(scroll, RUNS);
	printf("tui: redraw after one token: median %.3f ms (limit %.0f ms)\n", r_med / 1000.0,
	    REDRAW_LIMIT_US / 1000.0);
	printf("tui: scroll one page: median %.3f ms (limit %.0f ms)\n", s_med / 1000.0,
	    SCROLL_LIMIT_US / 1000.0);
	printf("tui: resident memory %.1f MB (limit %d MB)\n", rss / 1024.0, RSS_LIMIT_KB / 1024);
	fails += r_med > REDRAW_LIMIT_US;
	fails += s_med > SCROLL_LIMIT_US;
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
