/* tui_agent: agent mode: a task runs in a child process while the screen stays live. */
/*
 * The child (tui_agent_child.c) reports each call, step and note as a JSON
 * line on a pipe the main loop reads; an approval or the cap's question is a
 * line the child then waits on, answered by one key on the other pipe.
 * Ctrl-C sends the child SIGINT, which stops the current request or command
 * (its process group) and keeps what is done.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "agent.h"
#include "app.h"
#include "cache.h"
#include "config.h"
#include "pricing.h"
#include "proc.h"
#include "tui_priv.h"
#include "util.h"

#define DIFF_LINES 40            /* diff lines shown under an edit */
#define QUOTE_LINES 20           /* advisor lines shown */
#define ADVISE_SHOWN 60          /* bytes of the advisor's question on its line */
#define OUT_KEEP (16 * 1024)     /* a running command's output kept: the running block's tail */
#define OUT_LINES 10             /* its lines shown while it runs */
#define OUT_DONE_LINES 6         /* and once it is over */

/* ---- the parent: the screen ---- */

static void on_event(struct tui *t, const char *line);
static void edit_end(struct tui *t);
static void show_price(struct tui *t, struct tui_msg *m);

bool
tui_agent_busy(const struct tui *t)
{
	return t->ag.pid != 0;
}

/* Worked out once: the directory the TUI runs in stays. */
const char *
tui_agent_where(struct tui *t)
{
	const char *h = getenv("HOME"), *root;
	char *home, *cause = NULL, *shown;
	struct ws *w;
	size_t n;

	if (t->where != NULL)
		return t->where;
	if (ws_open(&w, ".", NULL, &cause) != 0) {
		free(cause);
		return t->where = xstrdup("");
	}
	root = ws_root(w);
	home = h != NULL && *h != '\0' ? realpath(h, NULL) : NULL;
	n = home != NULL ? strlen(home) : 0;
	if (n > 1 && strncmp(root, home, n) == 0 && (root[n] == '\0' || root[n] == '/'))
		shown = xstrfmt("~%s", root + n);
	else
		shown = xstrdup(root);
	t->where = visible_name(shown);
	free(shown);
	free(home);
	ws_close(w);
	return t->where;
}

int
tui_agent_fd(const struct tui *t)
{
	return t->ag.pid != 0 ? t->ag.ev : -1;
}

/* Free a string the task's state holds, and forget it. */
static void
drop_str(char **p)
{
	free(*p);
	*p = NULL;
}

/* The cost as "$0.0012", "unknown" for -1. */
static void
money(int64_t pico, bool estimated, char *out, size_t n)
{
	if (pico < 0)
		str_copy(out, n, "unknown");
	else
		pricing_format(pico, estimated, out, n);
}

/* "task $0.0012 of $0.05 cap", or "task $0.0012" without one. */
static void
task_total(const struct tui *t, char *out, size_t n)
{
	char a[32], b[32];

	/* a step without a price is never counted as free: "$0.0012 + $?" */
	pricing_format(t->ag.total, t->ag.estimated, a, sizeof a);
	if (t->ag.unknown)
		str_copy(a + strlen(a), sizeof a - strlen(a), " + $?");
	if (t->ag.cap > 0) {
		pricing_format_exact(t->ag.cap, b, sizeof b);
		snprintf(out, n, "task %s of %s cap", a, b);
	} else {
		snprintf(out, n, "task %s", a);
	}
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t
jpico(const cJSON *o, const char *key)
{
	const char *s = jstr(o, key);
	int64_t v = 0;

	if (s == NULL || !str_to_i64(s, &v))
		return 0;
	return v;
}

static bool
jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Add lines of text to b, each after prefix, at most max of them. */
static void
add_lines(struct buf *b, const char *prefix, const char *text, int max)
{
	const char *p = text, *nl;
	int n = 0, rest = 0;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (n < max)
			buf_addf(b, "\n%s%.*s", prefix, (int)(nl ? nl - p : (long)strlen(p)), p);
		else
			rest++;
		n++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (rest > 0)
		buf_addf(b, "\n%s\xe2\x80\xa6 %d more line%s", prefix, rest, rest == 1 ? "" : "s");
}

/*
 * "read src/sum.c 1–80" from the read tool's "read src/sum.c (80 lines)" and
 * its arguments; "read min.json 2 from byte 12288" for a window of a line.
 */
static void
read_line(struct buf *b, const char *summary, const char *args)
{
	const char *open = strstr(summary, " (");
	cJSON *a = cJSON_Parse(args ? args : "");
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(a, "from");
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(a, "to");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "col");
	long total = 0, from = cJSON_IsNumber(f) ? (long)f->valuedouble : 1;
	long last = cJSON_IsNumber(to) ? (long)to->valuedouble : 0;
	long col = cJSON_IsNumber(c) && c->valuedouble >= 0 && c->valuedouble < 1e9 ?
	    (long)c->valuedouble : -1;

	cJSON_Delete(a);
	if (open == NULL || sscanf(open, " (%ld line", &total) != 1) {
		buf_adds(b, summary);
		return;
	}
	from = from < 1 ? 1 : from;
	last = col >= 0 ? from : last < from ? from + 249 : last;
	last = last > total ? total : last;
	buf_addf(b, "%.*s ", (int)(open - summary), summary);
	if (total == 0)
		buf_adds(b, "(empty)");
	else if (col >= 0 && from <= total)
		buf_addf(b, "%ld from byte %ld", from, col);
	else
		buf_addf(b, "%ld\xe2\x80\x93%ld", from, last);
}

/* "advise "the question…"", the question cut to ADVISE_SHOWN bytes. */
static void
advise_line(struct buf *b, const char *args)
{
	cJSON *a = cJSON_Parse(args ? args : "");
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(a, "question");
	size_t n;

	buf_adds(b, "advise");
	if (cJSON_IsString(q)) {
		n = strlen(q->valuestring);
		if (n > ADVISE_SHOWN) {
			n = ADVISE_SHOWN;
			while (n > 0 && ((unsigned char)q->valuestring[n] & 0xc0) == 0x80)
				n--;
		}
		buf_addf(b, " \"%.*s%s\"", (int)n, q->valuestring,
		    q->valuestring[n] != '\0' ? "\xe2\x80\xa6" : "");
	}
	cJSON_Delete(a);
}

/* A call's line: "▸ edit src/sum.c +2 −1", "▸ search "memcpy" 12 matches". */
static void
call_line(struct buf *b, const char *name, const char *args, const char *summary)
{
	const char *open;
	size_t len;

	buf_adds(b, "\xe2\x96\xb8 ");
	if (strcmp(name, "advise") == 0) {
		advise_line(b, args);
		return;
	}
	if (summary == NULL || *summary == '\0') {
		buf_adds(b, name);
		return;
	}
	len = strlen(summary);
	open = strstr(summary, " (");
	if (strcmp(name, "read") == 0) {
		read_line(b, summary, args);
	} else if (open != NULL && summary[len - 1] == ')' && strchr(open + 2, '(') == NULL) {
		if (strcmp(name, "search") == 0 && str_startswith(summary, "search "))
			buf_addf(b, "search \"%.*s\"", (int)(open - summary - 7), summary + 7);
		else
			buf_add(b, summary, (size_t)(open - summary));
		buf_addf(b, " %.*s", (int)(len - (size_t)(open - summary) - 3), open + 2);
	} else {
		buf_adds(b, summary);
	}
}

/* The entry the current step's lines go in. */
static struct tui_msg *
step_entry(struct tui *t)
{
	if (t->ag.step == NULL)
		t->ag.step = tui_view_add(&t->view, TUI_STEP, "", 0);
	return t->ag.step;
}

/* Add text (made visible) as more lines of entry m. */
static void
entry_add(struct tui *t, struct tui_msg *m, const char *text)
{
	char *v = visible_str(text, strlen(text));

	tui_view_append(&t->view, m, m->text.len > 0 ? "\n" : "", m->text.len > 0 ? 1 : 0);
	tui_view_append(&t->view, m, v, strlen(v));
	free(v);
	t->dirty = true;
}

/*
 * The last n lines of text after prefix each, into b (after a newline),
 * under a line saying that more came before them: "⋯", or more when given.
 */
static void
tail_lines(struct buf *b, const char *prefix, const char *text, size_t len, int n,
    const char *more)
{
	const char *start = text + len;
	int k = 0;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	start = text + len;
	while (start > text && k < n) {
		start--;
		if (*start == '\n' && ++k == n) {
			start++;
			break;
		}
	}
	if (more != NULL)
		buf_addf(b, "\n%s%s", prefix, more);
	else if (start > text)
		buf_addf(b, "\n%s\xe2\x8b\xaf", prefix);
	while (start < text + len) {
		const char *nl = memchr(start, '\n', (size_t)(text + len - start));
		size_t l = nl ? (size_t)(nl - start) : (size_t)(text + len - start);

		buf_addf(b, "\n%s%.*s", prefix, (int)l, start);
		start += l + 1;
	}
}

/* "⋯ 312 KiB not shown": output the task left out of the running block. */
static void
cut_line(size_t cut, char *out, size_t n)
{
	if (cut >= 10 * 1024 * 1024)
		snprintf(out, n, "\xe2\x8b\xaf %zu MiB not shown", cut >> 20);
	else if (cut >= 1024 * 1024)
		snprintf(out, n, "\xe2\x8b\xaf %.1f MiB not shown", (double)cut / (1024 * 1024));
	else if (cut >= 1024)
		snprintf(out, n, "\xe2\x8b\xaf %zu KiB not shown", cut >> 10);
	else
		snprintf(out, n, "\xe2\x8b\xaf %zu bytes not shown", cut);
}

/*
 * A running command printed: the step's entry ends with the output's last
 * lines. A piece that comes with a cut follows output left out: the lines
 * before it no longer join it, and the block says how much is missing.
 */
static void
on_output(struct tui *t, const cJSON *e)
{
	struct tui_agent *g = &t->ag;
	struct tui_msg *m = step_entry(t);
	const cJSON *cut = cJSON_GetObjectItemCaseSensitive(e, "cut");
	const char *s = jstr(e, "text");
	char more[64];
	struct buf b;

	if (s == NULL)
		return;
	if (g->out_base == NULL) {
		g->out_base = xstrdup(m->text.data ? m->text.data : "");
		buf_reset(&g->out);
		visible_init(&g->vis);
		g->out_cut = 0;
	}
	if (cJSON_IsNumber(cut) && cut->valuedouble > 0) {
		g->out_cut += (size_t)cut->valuedouble;
		buf_reset(&g->out);
		visible_init(&g->vis);
	}
	visible_feed(&g->vis, s, strlen(s), &g->out);
	if (g->out.len > OUT_KEEP)
		buf_consume(&g->out, g->out.len - OUT_KEEP / 2);
	buf_init(&b, 0);
	buf_addf(&b, "%s%s\xe2\x8b\xaf running", g->out_base, *g->out_base ? "\n" : "");
	if (g->out_cut > 0)
		cut_line(g->out_cut, more, sizeof more);
	tail_lines(&b, "  \xe2\x94\x8a ", g->out.data ? g->out.data : "", g->out.len, OUT_LINES,
	    g->out_cut > 0 ? more : NULL);
	tui_view_set(&t->view, m, b.data, b.len);
	buf_done(&b);
	show_price(t, m);
	t->dirty = true;
}

/* A call's lines: its line, then its output, answer, refusal or diff (folded unless full). */
static void
render_call(struct buf *b, const cJSON *e, bool full)
{
	const char *name = jstr(e, "name"), *diff = jstr(e, "diff"), *text = jstr(e, "text");
	bool run = name != NULL && strcmp(name, "run") == 0;

	buf_adds(b, "\n");
	call_line(b, name ? name : "?", jstr(e, "args"), jstr(e, "summary"));
	if (run && text != NULL && strncmp(text, "the user", 8) != 0) {
		if (full)
			add_lines(b, "  \xe2\x94\x8a ", text, INT_MAX);
		else
			tail_lines(b, "  \xe2\x94\x8a ", text, strlen(text), OUT_DONE_LINES, NULL);
	} else if (name != NULL && strcmp(name, "advise") == 0 && text != NULL) {
		add_lines(b, "  \xe2\x94\x82 ", text, full ? INT_MAX : QUOTE_LINES);
	} else if (jbool(e, "error") && text != NULL) {
		/* the user's no, and why a rule refused it or it failed: the model is told the same */
		add_lines(b, "  ", text, 2);
	} else if (diff != NULL && (full || !jbool(e, "shown"))) {
		add_lines(b, "  ", diff, full ? INT_MAX : DIFF_LINES);
	} else if (full && diff == NULL && text != NULL) {
		add_lines(b, "  \xe2\x94\x8a ", text, INT_MAX);
	}
}

/* The record of entry m, made if it has none. */
static struct tui_steprec *
steprec(struct tui *t, struct tui_msg *m)
{
	size_t i;

	for (i = t->nsteprecs; i > 0; i--)
		if (t->steprecs[i - 1].m == m)
			return &t->steprecs[i - 1];
	t->steprecs = xreallocarray(t->steprecs, t->nsteprecs + 1, sizeof *t->steprecs);
	memset(&t->steprecs[t->nsteprecs], 0, sizeof *t->steprecs);
	t->steprecs[t->nsteprecs].m = m;
	return &t->steprecs[t->nsteprecs++];
}

/* Draw a step's entry from its record: what the model said, then each call. */
static void
render_step(struct tui *t, struct tui_steprec *r)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	if (r->said != NULL)
		add_lines(&b, "\xe2\x80\x9c ", r->said, t->steps_full ? INT_MAX : QUOTE_LINES);
	for (i = 0; i < r->ncalls; i++)
		render_call(&b, r->calls[i], t->steps_full);
	if (b.len > 0)
		tui_view_set(&t->view, r->m, b.data + 1, b.len - 1);
	buf_done(&b);
	t->dirty = true;
}

/* What the model says streams in as a chat reply does, until the step's end or its calls. */
static void
on_text(struct tui *t, const cJSON *e)
{
	struct tui_agent *g = &t->ag;
	const char *s = jstr(e, "text");

	if (s == NULL || *s == '\0')
		return;
	if (g->stream == NULL) {
		g->stream = tui_view_add(&t->view, TUI_ASSISTANT, "", 0);
		visible_init(&g->svis);
	}
	buf_reset(&t->scratch);
	visible_feed(&g->svis, s, strlen(s), &t->scratch);
	if (t->scratch.len > 0)
		tui_view_append(&t->view, g->stream, t->scratch.data, t->scratch.len);
	t->dirty = true;
}

/* The step has calls, or stopped: the entry its words streamed into becomes its entry. */
static void
stream_end(struct tui *t)
{
	struct tui_agent *g = &t->ag;

	if (g->stream == NULL)
		return;
	if (g->step == NULL) {
		g->stream->role = TUI_STEP;   /* redrawn as the step's, from its record */
		g->step = g->stream;
	}
	g->stream = NULL;
}

static void
on_call(struct tui *t, const cJSON *e)
{
	struct tui_steprec *r = steprec(t, step_entry(t));
	cJSON *c = cJSON_Duplicate(e, true);

	/* the running block gives way to the command's line and its last output */
	drop_str(&t->ag.out_base);
	cJSON_AddBoolToObject(c, "shown", t->ag.shown);
	t->ag.shown = false;
	r->calls = xreallocarray(r->calls, r->ncalls + 1, sizeof *r->calls);
	r->calls[r->ncalls++] = c;
	render_step(t, r);
	show_price(t, r->m);
}

void
tui_agent_forget(struct tui *t)
{
	size_t i, k;

	for (i = 0; i < t->nsteprecs; i++) {
		for (k = 0; k < t->steprecs[i].ncalls; k++)
			cJSON_Delete(t->steprecs[i].calls[k]);
		free(t->steprecs[i].calls);
		free(t->steprecs[i].said);
	}
	free(t->steprecs);
	t->steprecs = NULL;
	t->nsteprecs = 0;
	t->ag.step = NULL;
	t->ag.stream = NULL;
	t->ag.ask_entry = NULL;
	t->ag.price_at = NULL;
	t->ag.task_note = NULL;
}

void
tui_agent_expand(struct tui *t, char *arg)
{
	size_t i;
	char key[32];

	(void)arg;
	if (t->nsteprecs == 0) {
		tui_status(t, true, "/expand: no agent step in the transcript yet");
		return;
	}
	t->steps_full = !t->steps_full;
	for (i = 0; i < t->nsteprecs; i++)
		render_step(t, &t->steprecs[i]);
	tui_key_or_cmd(t, ACT_EXPAND, key, sizeof(key));
	tui_status(t, false, t->steps_full ? "every step's full results: %s folds them" :
	    "the steps are folded: %s shows their full results", key);
}

void
tui_agent_advise(struct tui *t, char *arg)
{
	enum tier tier = t->tier;
	char *pin = t->pin;
	bool agent = t->agent;

	arg = str_trim(arg);
	if (*arg == '\0' || *arg == '/') {
		tui_status(t, true, "/advise QUESTION: what to ask the advisor");
		return;
	}
	/* the advisor of agent tasks: [agent] advisor, or the frontier tier */
	t->pin = t->cfg->agent_advisor;
	t->tier = t->pin != NULL ? TIER_AUTO : TIER_FRONTIER;
	t->agent = false;
	tui_submit(t, arg);
	t->tier = tier;
	t->pin = pin;
	t->agent = agent;
	t->route_dirty = true;
}

void
tui_agent_feed(struct tui *t, const char *line)
{
	on_event(t, line);
}

/* Put what the model said with its calls above them, each line quoted. */
static void
step_said(struct tui *t, struct tui_msg *m, const char *said)
{
	struct tui_steprec *r = steprec(t, m);

	free(r->said);
	r->said = xstrdup(said);
	render_step(t, r);
}

/* A step's cost; -1 (unknown, never free) when the event lacks it. */
static int64_t
jcost(const cJSON *e)
{
	const char *s = jstr(e, "cost");
	int64_t v;

	return s != NULL && str_to_i64(s, &v) && v >= -1 ? v : -1;
}

/* A step's line: "step 2 · cheap · test-cheap · 1.1k→30 tok · $0.000122 · task …" (malloc'd). */
static char *
step_info(const struct tui *t, const cJSON *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
	bool est = jbool(e, "estimated");
	const char *model = jstr(e, "model");
	struct usage u = { .cached_input = jpico(e, "cached"), .cache_write = jpico(e, "written") };
	char in[16], out[16], c[32], tot[96], note[96], *info, *vm;

	fmt_tokens(jpico(e, "in"), in, sizeof in);
	fmt_tokens(jpico(e, "out"), out, sizeof out);
	money(jcost(e), est, c, sizeof c);
	task_total(t, tot, sizeof tot);
	/* what the prompt cache did, as a chat reply's line says it */
	cache_note(&u, jpico(e, "saved"), jpico(e, "extra"), est, note, sizeof note);
	vm = visible_str(model ? model : "?", strlen(model ? model : "?"));
	info = xstrfmt("step %d \xc2\xb7 %s%s \xc2\xb7 %s \xc2\xb7 %s%s\xe2\x86\x92%s tok \xc2\xb7 %s%s%s "
	    "\xc2\xb7 %s", cJSON_IsNumber(n) ? n->valueint : 0, jbool(e, "advice") ?
	    "advisor \xc2\xb7 " : "", jstr(e, "tier") ? jstr(e, "tier") : "?", vm, est ? "~" : "",
	    in, out, c, *note ? " \xc2\xb7 " : "", note, tot);
	free(vm);
	return info;
}

/* Count a step's cost into the task's total. */
static void
step_count(struct tui *t, const cJSON *e)
{
	int64_t cost = jcost(e);

	if (cost < 0)
		t->ag.unknown = true;
	else
		t->ag.total += cost;
	t->ag.estimated |= jbool(e, "estimated");
}

/*
 * Show the line of the step whose calls run now under entry m (its calls,
 * its running command or its approval), and only there.
 */
static void
show_price(struct tui *t, struct tui_msg *m)
{
	struct tui_agent *g = &t->ag;

	if (g->priced_info == NULL || m == NULL)
		return;
	if (g->price_at != NULL && g->price_at != m)
		tui_view_set_info(g->price_at, NULL);
	tui_view_set_info(m, g->priced_info);
	g->price_at = m;
	t->dirty = true;
}

/* Take the step's line off entry m, if it shows it. */
static void
hide_price(struct tui *t, struct tui_msg *m)
{
	if (m == NULL || t->ag.price_at != m)
		return;
	tui_view_set_info(m, NULL);
	t->ag.price_at = NULL;
	t->dirty = true;
}

/*
 * A worker step's request is answered: what it said shows now, before any
 * of its calls asks to be approved, and its line with its calls while they run.
 */
static void
on_priced(struct tui *t, const cJSON *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
	const char *said = jstr(e, "text");

	step_count(t, e);
	t->ag.priced_n = cJSON_IsNumber(n) ? n->valueint : -1;
	free(t->ag.priced_info);
	t->ag.priced_info = step_info(t, e);
	t->ag.said_shown = said != NULL;
	stream_end(t);
	if (said != NULL)
		step_said(t, step_entry(t), said);
	show_price(t, t->ag.step);
	tui_meter_refresh(t);
	t->dirty = true;
}

/* A step is done: its price on its entry; the answering step's waits for the reply. */
static void
on_step(struct tui *t, const cJSON *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
	bool advice = jbool(e, "advice");
	bool priced = !advice && t->ag.priced_info != NULL && cJSON_IsNumber(n) &&
	    n->valueint == t->ag.priced_n;
	const char *summary = jstr(e, "summary");
	char *info;

	if (!priced)
		step_count(t, e);
	info = step_info(t, e);
	if (advice) {
		/* under the step that asked, whose entry holds the advisor's answer */
		struct tui_msg *m = t->view.n > 0 ? t->view.msgs[t->view.n - 1] : NULL;
		char *both;

		if (m == NULL || m->role != TUI_STEP)
			m = tui_view_add(&t->view, TUI_STEP, "\xe2\x96\xb8 advise", 10);
		both = m->info != NULL ? xstrfmt("%s\n%s", m->info, info) : xstrdup(info);
		tui_view_set_info(m, both);
		free(both);
	} else if (t->ag.step == NULL && summary != NULL && strcmp(summary, "answer") == 0) {
		free(t->ag.answer_info);
		t->ag.answer_info = info;
		info = NULL;
	} else {
		struct tui_msg *m;

		stream_end(t);
		m = step_entry(t);
		if (!priced && jstr(e, "text") != NULL) {
			/* stopped before any call: all it said so far, then why it ended */
			struct buf b;

			buf_init(&b, 0);
			add_lines(&b, "\xe2\x80\x9c ", jstr(e, "text"), INT_MAX);
			tui_view_set(&t->view, m, b.data + 1, b.len - 1);
			buf_done(&b);
			entry_add(t, m, summary ? summary : "step");
		} else {
			if (m->text.len == 0)
				entry_add(t, m, summary ? summary : "step");
			if (jstr(e, "text") != NULL && !(priced && t->ag.said_shown))
				step_said(t, m, jstr(e, "text"));
		}
		hide_price(t, t->ag.price_at);
		tui_view_set_info(m, info);
		m->width = 0;
		t->ag.step = NULL;
	}
	if (!advice) {
		drop_str(&t->ag.priced_info);
		t->ag.said_shown = false;
	}
	free(info);
	tui_meter_refresh(t);
	t->dirty = true;
}

/* Whether the pending diff is longer than what is shown of it. */
static bool
ask_folded(const struct tui *t)
{
	const char *p = t->ag.ask_preview;
	int n = 0;

	if (p == NULL || strcmp(t->ag.ask_tool, "run") == 0)
		return false;
	for (; *p != '\0'; p++)
		n += *p == '\n';
	return n > DIFF_LINES;
}

/* The pending call: "? run CMD", or "? edit" and its diff (its first lines unless d). */
static void
render_ask(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	struct buf x;

	buf_init(&x, 0);
	if (strcmp(g->ask_tool, "run") == 0)
		g->ask_entry->hang = tui_view_hung(&x, "? run ", g->ask_preview);
	else
		buf_addf(&x, "? %s", g->ask_tool);
	if (g->ask_why != NULL)
		buf_addf(&x, "\n  not allowed without asking: %s", g->ask_why);
	if (strcmp(g->ask_tool, "run") != 0)
		add_lines(&x, "  ", g->ask_preview, g->ask_full ? INT_MAX : DIFF_LINES);
	tui_view_set(&t->view, g->ask_entry, x.data, x.len);
	buf_done(&x);
	t->dirty = true;
}

/* What the cap's y adds: the cap the task started with, or what it has now. */
static int64_t
more_default(const struct tui *t)
{
	int64_t first = t->ag.cap0 > 0 ? t->ag.cap0 : t->ag.cap;

	return t->ag.need > first ? t->ag.need : first;
}

/* Whether y offers what the next step needs, being more than the first cap. */
static bool
more_needed(const struct tui *t)
{
	return t->ag.need > (t->ag.cap0 > 0 ? t->ag.cap0 : t->ag.cap);
}

/*
 * The cap's question on the status line: y adds the default amount, or type another. On
 * a narrow screen it shortens, to the bare keys, rather than its keys being cut.
 */
static void
more_question(struct tui *t, int64_t spent)
{
	char a[32], b[32], c[32], *f[4];

	t->ag.spent = spent;
	pricing_format(spent, false, a, sizeof a);
	pricing_format_exact(t->ag.cap, b, sizeof b);
	pricing_format(more_default(t), false, c, sizeof c);
	f[0] = xstrfmt("%s could pass the task's cap %s (spent %s): y allows %s more%s, n stops",
	    t->ag.more_what, b, a, c, more_needed(t) ? " (what it needs)" : "");
	f[1] = xstrfmt("over the cap %s: y +%s \xc2\xb7 n stop", b, c);
	f[2] = xstrfmt("cap? y +%s \xc2\xb7 n", c);
	f[3] = xstrdup("cap? y n");
	tui_status_forms(t, true, (const char *const *)f, ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		free(f[i]);
}

/* The cap's question in the transcript, with every way to answer it. */
static void
more_entry(struct tui *t)
{
	char a[32], b[32], c[32], *q;

	pricing_format(t->ag.spent, false, a, sizeof a);
	pricing_format_exact(t->ag.cap, b, sizeof b);
	pricing_format(more_default(t), false, c, sizeof c);
	q = xstrfmt("? more for this task: %s could pass its cap %s (spent %s)%s\n"
	    "  y continue +%s \xc2\xb7 + or a digit: another amount \xc2\xb7 n stop",
	    t->ag.more_what, b, a, more_needed(t) ? ": it needs that much" : "", c);
	t->ag.ask_entry = tui_view_add(&t->view, TUI_STEP, q, strlen(q));
	free(q);
	t->view.scroll = 0;
}

/*
 * The approval's keys on the status line, after a note that e edits commands only when
 * refused; on a narrow screen the labels shorten, to the bare keys, rather than a key
 * being cut.
 */
static void
approve_status(struct tui *t, bool refused)
{
	const char *tool = t->ag.ask_tool, *note = refused ? "e edits a command only; " : "";
	bool e = strcmp(tool, "run") == 0, d = ask_folded(t);
	char *f[4];

	f[0] = xstrfmt("%s? %sy yes \xc2\xb7 n no \xc2\xb7 a always (this task)%s%s", tool, note,
	    e ? " \xc2\xb7 e edit" : "", d ? " \xc2\xb7 d whole diff" : "");
	f[1] = xstrfmt("%s? %sy yes \xc2\xb7 n no \xc2\xb7 a always%s%s", tool, note,
	    e ? " \xc2\xb7 e edit" : "", d ? " \xc2\xb7 d diff" : "");
	f[2] = xstrfmt("%s? %sy n a%s%s", tool, refused ? "e: commands only; " : "",
	    e ? " e" : "", d ? " d" : "");
	f[3] = xstrfmt("%s? y n a%s%s", tool, e ? " e" : "", d ? " d" : "");
	tui_status_forms(t, false, (const char *const *)f, ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		free(f[i]);
}

/* The task asks: an approval for a call, or more room under its cap. */
static void
on_ask(struct tui *t, const cJSON *e, bool more)
{
	const char *tool = jstr(e, "tool"), *preview = jstr(e, "preview"), *what = jstr(e, "what");
	const char *why = jstr(e, "why");

	t->ag.step = NULL;
	t->ag.asking_more = more;
	free(t->ag.ask_tool);
	t->ag.ask_tool = xstrdup(tool ? tool : "?");
	t->mode = MODE_APPROVE;
	tui_ask_begin(t);
	tui_meter_refresh(t);   /* the task waits: what it spent so far is settled */
	if (more) {
		t->ag.cap = jpico(e, "cap");
		t->ag.need = jpico(e, "need");
		free(t->ag.more_what);
		what = what != NULL ? what : "the next step";
		t->ag.more_what = visible_str(what, strlen(what));
		more_question(t, jpico(e, "spent"));
		more_entry(t);
		return;
	}
	t->ag.shown = true;
	free(t->ag.ask_preview);
	t->ag.ask_preview = xstrdup(preview ? preview : "");
	free(t->ag.ask_why);
	t->ag.ask_why = why != NULL ? visible_str(why, strlen(why)) : NULL;
	t->ag.ask_full = false;
	t->ag.ask_entry = tui_view_add(&t->view, TUI_STEP, "", 0);
	render_ask(t);
	show_price(t, t->ag.ask_entry);
	t->view.scroll = 0;
	approve_status(t, false);
}

/* Close the pipes and reap the child. */
static void
agent_reap(struct tui *t)
{
	struct tui_agent *g = &t->ag;

	if (g->ev >= 0)
		close(g->ev);
	if (g->ans >= 0)
		close(g->ans);
	g->ev = g->ans = -1;
	g->proc.in = g->proc.out = -1;
	if (g->pid > 0)
		proc_wait(&g->proc);
	g->pid = 0;
	buf_done(&g->in);
	drop_str(&g->answer_info);
	drop_str(&g->ask_tool);
	drop_str(&g->ask_preview);
	drop_str(&g->ask_why);
	drop_str(&g->more_what);
	g->ask_entry = NULL;
	drop_str(&g->sent_pin);
	g->step = NULL;
	g->stream = NULL;
	g->price_at = NULL;
	g->task_note = NULL;
	drop_str(&g->priced_info);
	buf_done(&g->out);
	drop_str(&g->out_base);
	edit_end(t);
	if (t->mode == MODE_APPROVE)
		t->mode = MODE_INPUT;
}

static void
on_done(struct tui *t, const cJSON *e)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(e, "status");
	const cJSON *ns = cJSON_GetObjectItemCaseSensitive(e, "steps");
	const char *answer = jstr(e, "answer"), *err = jstr(e, "error");
	int status = cJSON_IsNumber(st) ? st->valueint : CHAT_USAGE;
	char tot[96], how[64] = "", *info, *s;
	struct tui_msg *m;

	t->ag.cap = jpico(e, "cap");
	t->ag.task_id = jpico(e, "task");
	task_total(t, tot, sizeof tot);
	/* stopped before its first request, the task was not kept: its id names nothing */
	if (t->ag.task_id == 0 && t->ag.task_note != NULL) {
		s = "stopped before its first step: no task was kept";
		tui_view_set(&t->view, t->ag.task_note, s, strlen(s));
	}
	/* the id llm logs --task and llm usage --by task know it by */
	if (t->ag.task_id > 0) {
		s = xstrfmt("task %lld:%s", (long long)t->ag.task_id, tot + strlen("task"));
		str_copy(tot, sizeof tot, s);
		free(s);
	}
	if (answer != NULL) {
		/* the reply streamed in: what the task ended with is the whole of it */
		m = t->ag.stream;
		if (m != NULL)
			tui_view_set(&t->view, m, answer, strlen(answer));
		else
			m = tui_view_add(&t->view, TUI_ASSISTANT, answer, strlen(answer));
		t->ag.stream = NULL;
		info = t->ag.answer_info != NULL ? xstrfmt("%s", t->ag.answer_info) : xstrdup(tot);
		tui_view_set_info(m, info);
		free(info);
	}
	if (status != CHAT_OK) {
		/* stopped midway, a task kept goes on from there, here or with llm do --resume */
		if (t->ag.task_id > 0)
			snprintf(how, sizeof how, "; /agent resume %lld goes on with it",
			    (long long)t->ag.task_id);
		s = xstrfmt("%s; stopped after %d step%s (%s)%s", status == CHAT_CANCELLED ?
		    "interrupted: what was done is kept" : err ? err : "stopped",
		    cJSON_IsNumber(ns) ? ns->valueint : 0, cJSON_IsNumber(ns) && ns->valueint == 1 ?
		    "" : "s", tot, how);
		tui_view_add(&t->view, status == CHAT_CANCELLED ? TUI_NOTE : TUI_ERROR, s, strlen(s));
		free(s);
	}
	tui_status(t, false, "%s%s", tot, jbool(e, "changed") ? " (/undo restores its files)" : "");
	agent_reap(t);
	tui_meter_refresh(t);
	t->route_dirty = true;
	t->dirty = true;
}

/* The task has its row: say its id, which llm logs --task and llm usage know it by. */
static void
on_task(struct tui *t, const cJSON *e)
{
	char k[16], *note;

	t->ag.task_id = jpico(e, "task");
	note = xstrfmt("task %lld · llm logs --task %lld shows its steps",
	    (long long)t->ag.task_id, (long long)t->ag.task_id);
	t->ag.task_note = tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	tui_status(t, false, "agent task %lld running (%s stops the current step)",
	    (long long)t->ag.task_id, k);
}

static void
on_event(struct tui *t, const char *line)
{
	cJSON *e = cJSON_Parse(line);
	const char *kind = jstr(e, "e"), *note;

	if (kind == NULL) {
		cJSON_Delete(e);
		return;
	}
	if (strcmp(kind, "call") == 0) {
		on_call(t, e);
	} else if (strcmp(kind, "text") == 0) {
		on_text(t, e);
	} else if (strcmp(kind, "out") == 0) {
		on_output(t, e);
	} else if (strcmp(kind, "task") == 0) {
		on_task(t, e);
	} else if (strcmp(kind, "step") == 0) {
		on_step(t, e);
	} else if (strcmp(kind, "priced") == 0) {
		on_priced(t, e);
	} else if (strcmp(kind, "note") == 0 && (note = jstr(e, "line")) != NULL) {
		tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	} else if (strcmp(kind, "ask") == 0 || strcmp(kind, "more") == 0) {
		on_ask(t, e, kind[0] == 'm');
	} else if (strcmp(kind, "done") == 0) {
		on_done(t, e);
	}
	cJSON_Delete(e);
	t->dirty = true;
}

/* F2 or F3 changed the tier or the pin: the task takes it from its next step on. */
static void
send_route(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	const char *pin = t->pin != NULL ? t->pin : "";
	char *line = NULL, *note;

	if (g->pid == 0 || g->ans < 0 || strchr(pin, '\n') != NULL)
		return;
	if (t->tier != g->sent_tier) {
		line = xstrfmt("tier %s\n", t->tier == TIER_AUTO ? "auto" : tier_str(t->tier));
		g->sent_tier = t->tier;
	} else if (strcmp(pin, g->sent_pin ? g->sent_pin : "") != 0) {
		line = *pin ? xstrfmt("model %s\n", pin) : xstrdup("model\n");
		free(g->sent_pin);
		g->sent_pin = xstrdup(pin);
	}
	if (line == NULL)
		return;
	if (write(g->ans, line, strlen(line)) != (ssize_t)strlen(line)) {
		/* the task is gone; its end is read from the other pipe */
	}
	line[strlen(line) - 1] = '\0';
	/* a tier under a pin changes nothing until the pin goes: say so, not that it applies */
	if (*pin && str_startswith(line, "tier "))
		note = xstrfmt("from the next step on: %s, but the pinned model %s still wins",
		    line, pin);
	else
		note = xstrfmt("from the next step on: %s", line);
	tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	free(line);
	t->dirty = true;
}

/* Read what the task sent, and act on each whole line. */
void
tui_agent_poll(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	char chunk[8192], *nl, *gone;
	ssize_t n;

	send_route(t);
	send_route(t);
	while (g->pid != 0 && g->ev >= 0) {
		n = read(g->ev, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* the child is gone without its end: say so, and how to go on with it */
			gone = g->task_id > 0 ? xstrfmt("the task ended without an answer; /agent "
			    "resume %lld goes on with it", (long long)g->task_id) :
			    xstrdup("the task ended without an answer");
			tui_view_add(&t->view, TUI_ERROR, gone, strlen(gone));
			free(gone);
			agent_reap(t);
			tui_meter_refresh(t);
			return;
		}
		if (buf_add(&g->in, chunk, (size_t)n) != 0) {
			tui_agent_kill(t);
			tui_view_add(&t->view, TUI_ERROR, "the task sent too much: stopped", 31);
			return;
		}
		while (g->pid != 0 && g->in.len > 0 && (nl = memchr(g->in.data, '\n', g->in.len))) {
			char *line = xstrndup(g->in.data, (size_t)(nl - g->in.data));

			buf_consume(&g->in, (size_t)(nl - g->in.data) + 1);
			on_event(t, line);
			free(line);
		}
	}
}

/*
 * The tier key while a call waits for its approval: the task takes the tier
 * from its next step on, and the question stays. Not under the cap's
 * question, whose amounts are the next step's on the tier it had.
 */
bool
tui_agent_tier(struct tui *t)
{
	if (t->mode != MODE_APPROVE || t->ag.asking_more)
		return false;
	tui_tier_cycle(t);
	send_route(t);
	approve_status(t, false);
	return true;
}

/* Leave the input's edit of the command or the amount: the draft typed before is back. */
static void
edit_end(struct tui *t)
{
	struct tui_agent *g = &t->ag;

	if (t->mode != MODE_APPROVE_EDIT)
		return;
	tui_input_set(g->draft != NULL ? g->draft : "");
	drop_str(&g->draft);
	t->mode = MODE_APPROVE;
	t->route_dirty = true;
	tui_ask_begin(t);   /* the question is drawn again before a key answers it */
}

/* Edit in the input, prefilled with text: the pending command, or the cap's amount. */
static void
edit_start(struct tui *t, bool amount, const char *text)
{
	struct tui_agent *g = &t->ag;
	int point;

	free(g->draft);
	g->draft = xstrdup(tui_input(&point));
	g->edit_amount = amount;
	tui_input_set(text);
	t->mode = MODE_APPROVE_EDIT;
	t->route_dirty = true;
	if (amount)
		tui_status(t, false, "how much more to allow, in dollars: Enter allows it, Esc "
		    "goes back to the question");
	else
		tui_status(t, false, "edit the command: Enter runs it as it is then, Esc goes back "
		    "to the question");
}

/* Send the task an answer line. */
static void
answer(struct tui *t, const char *a)
{
	struct tui_agent *g = &t->ag;
	char *line = xstrfmt("%s\n", a);
	size_t len = strlen(line), off = 0;
	ssize_t n;

	while (g->ans >= 0 && off < len) {
		n = write(g->ans, line + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* the task is gone; its end is read from the other pipe */
		off += (size_t)n;
	}
	free(line);
	edit_end(t);
	hide_price(t, g->ask_entry);
	t->mode = MODE_INPUT;
	t->status[0] = '\0';
	t->dirty = true;
}

/* Allow more amount (pico) under the cap: the task goes on. */
static void
allow_more(struct tui *t, int64_t amount)
{
	struct tui_agent *g = &t->ag;
	char num[32], a[32], b[32], *said;

	snprintf(num, sizeof num, "%lld", (long long)amount);
	answer(t, num);
	g->cap += amount;
	pricing_format(amount, false, a, sizeof a);
	pricing_format_exact(g->cap, b, sizeof b);
	if (g->ask_entry != NULL) {
		said = xstrfmt("  \xe2\x86\x92 +%s", a);
		entry_add(t, g->ask_entry, said);
		free(said);
	}
	said = xstrfmt("the cap is raised: the task goes on (+%s, the cap is now %s)", a, b);
	tui_view_add(&t->view, TUI_NOTE, said, strlen(said));
	free(said);
}

/* The edited command: run it in place of the model's. */
static void
edited_command(struct tui *t, const char *cmd)
{
	struct tui_agent *g = &t->ag;
	cJSON *j;
	char *enc, *line, *v;

	if (*cmd == '\0' || strlen(cmd) > TUI_AGENT_EDIT_MAX) {
		tui_status(t, true, *cmd == '\0' ? "the command is empty: Esc goes back to the "
		    "question (n declines it)" : "the command is longer than %d bytes", TUI_AGENT_EDIT_MAX);
		return;
	}
	j = cJSON_CreateString(cmd);
	enc = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	line = xstrfmt("e %s", enc != NULL ? enc : "\"\"");
	free(enc);
	v = visible_str(cmd, strlen(cmd));
	answer(t, line);
	free(line);
	if (g->ask_entry != NULL) {
		char *said = xstrfmt("  \xe2\x86\x92 edited: %s", v);

		entry_add(t, g->ask_entry, said);
		free(said);
	}
	free(v);
}

/* The amount typed at the cap's question: "0.10", "$0.10" or "+$0.10". */
static void
typed_amount(struct tui *t, const char *text)
{
	char *s = xstrdup(text), *p = str_trim(s);
	int64_t amount = 0;

	if (*p == '+')
		p = str_trim(p + 1);
	if (*p == '$')
		p++;
	if (!str_to_fixed(p, 12, &amount) || amount <= 0 || amount > INT64_MAX - t->ag.cap)
		tui_status(t, true, "'%s' is not an amount in dollars (e.g. 0.10): Esc goes back to "
		    "the question", str_trim(s));
	else
		allow_more(t, amount);
	free(s);
}

/* A key while the input edits the command or the amount: Enter, Esc, Ctrl-C; others edit. */
bool
tui_agent_edit_key(struct tui *t, int key)
{
	struct tui_agent *g = &t->ag;
	int point;
	char *text;

	if (key == 27) {
		edit_end(t);
		if (g->asking_more)
			more_question(t, g->spent);
		else
			approve_status(t, false);
		return true;
	}
	if (key == 3) {
		tui_agent_cancel(t);   /* the command is declined, the task stops */
		return true;
	}
	if ((key != '\r' && key != '\n' && key != (TK_FN | KEY_ENTER)) || *tui_input_prompt() != '\0')
		return false;
	text = xstrdup(tui_input(&point));
	if (g->edit_amount)
		typed_amount(t, text);
	else
		edited_command(t, text);
	free(text);
	return true;
}

/* y/n/a/e for an approval, y/n or an amount for the cap's. */
static void
approve_key(struct tui *t, int key)
{
	struct tui_agent *g = &t->ag;
	const char *said = NULL;
	char digit[2] = { 0, 0 };

	if ((key == 'd' || key == 'D') && !g->asking_more && g->ask_entry != NULL) {
		g->ask_full = !g->ask_full;
		render_ask(t);
		return;
	}
	if (key == 3) {
		answer(t, g->asking_more ? "0" : "n");
		tui_agent_cancel(t);
		return;
	}
	if (g->asking_more) {
		if (key == '+' || (key >= '0' && key <= '9') || key == '.' || key == '$') {
			digit[0] = key == '+' ? '\0' : (char)key;
			edit_start(t, true, digit);
		} else if (key == 'y' || key == 'Y') {
			allow_more(t, more_default(t));
		} else if (key == 'n' || key == 'N' || key == 27) {
			answer(t, "0");
			if (g->ask_entry != NULL)
				entry_add(t, g->ask_entry, "  \xe2\x86\x92 stop");
			tui_view_add(&t->view, TUI_NOTE, "stopped at the cap", 18);
		}
		return;
	}
	if (key == 'e' || key == 'E') {
		if (strcmp(g->ask_tool, "run") == 0)
			edit_start(t, false, g->ask_preview ? g->ask_preview : "");
		else
			approve_status(t, true);
		return;
	}
	if (key == 'y' || key == 'Y')
		said = "yes";
	else if (key == 'n' || key == 'N')
		said = "no: the model is told";
	else if (key == 'a' || key == 'A')
		said = "always for this tool in this task";
	if (said == NULL)
		return;
	answer(t, key == 'y' || key == 'Y' ? "y" : key == 'n' || key == 'N' ? "n" : "a");
	if (g->ask_entry != NULL)
		entry_add(t, g->ask_entry, said[0] == 'n' ? "  \xe2\x86\x92 no" :
		    said[0] == 'y' ? "  \xe2\x86\x92 yes" : "  \xe2\x86\x92 always");
}

void
tui_agent_key(struct tui *t, int key)
{
	if (t->mode == MODE_APPROVE) {
		approve_key(t, key);
		return;
	}
	t->mode = MODE_INPUT;
	if (key == 'y' || key == 'Y')
		tui_agent_on(t);
	else
		tui_status(t, false, "agent mode stays off");
}

/*
 * /agent cap during a task: the running task takes it too, from its next step
 * on (the first cap again for the question's y), and the transcript says so.
 */
void
tui_agent_send_cap(struct tui *t)
{
	struct tui_agent *g = &t->ag;
	char *line, *note, c[32];

	if (g->pid == 0 || g->ans < 0)
		return;
	line = xstrfmt("cap %" PRId64 "\n", t->agent_cap);
	if (write(g->ans, line, strlen(line)) != (ssize_t)strlen(line)) {
		/* the task is gone; its end is read from the other pipe */
	}
	free(line);
	g->cap = g->cap0 = t->agent_cap;
	pricing_format_exact(t->agent_cap, c, sizeof c);
	note = t->agent_cap > 0 ? xstrfmt("from the next step on: this task is capped at %s", c) :
	    xstrdup("from the next step on: this task has no cap");
	tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	t->dirty = true;
}

void
tui_agent_submit(struct tui *t, const char *prompt, const struct ledger_task *resume)
{
	struct proc_spec s = { .in = PROC_IO_PIPE, .out = PROC_IO_PIPE };
	struct tui_agent *g = &t->ag;
	pid_t parent = getpid();
	struct proc p;
	char *cause = NULL, k[16];

	/* a fork alone: the child is this program, in a session of its own, its
	 * stdout the events pipe and its stdin the answers pipe */
	fflush(NULL);
	if (proc_start(&p, &s, &cause) != 0) {
		tui_status(t, true, "agent: %s", cause);
		free(cause);
		return;
	}
	if (p.pid == 0)
		tui_agent_child(t, prompt, resume, parent);
	fcntl(p.out, F_SETFL, fcntl(p.out, F_GETFL) | O_NONBLOCK);
	memset(g, 0, sizeof *g);
	g->proc = p;
	g->pid = p.pid;
	g->ev = p.out;
	g->ans = p.in;
	g->cap = g->cap0 = t->agent_cap;
	g->sent_tier = t->tier;
	g->sent_pin = xstrdup(t->pin != NULL ? t->pin : "");
	buf_init(&g->in, TUI_AGENT_EVENT_MAX);
	buf_init(&g->out, 0);
	t->view.scroll = 0;
	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	tui_status(t, false, "agent task running (%s stops the current step)", k);
}

/* Interrupt the running task's current step; false when no task runs. */
static bool
agent_interrupt(struct tui *t)
{
	if (t->ag.pid == 0)
		return false;
	proc_signal(&t->ag.proc, SIGINT);
	return true;
}

void
tui_agent_cancel(struct tui *t)
{
	if (!agent_interrupt(t))
		return;
	edit_end(t);
	if (t->mode == MODE_APPROVE)
		answer(t, t->ag.asking_more ? "0" : "n");
	tui_status(t, false, "stopping the task's current step; what is done is kept");
}

void
tui_agent_kill(struct tui *t)
{
	if (!agent_interrupt(t))
		return;
	if (t->ag.ans >= 0)
		close(t->ag.ans);
	t->ag.ans = -1;
	agent_reap(t);
}
