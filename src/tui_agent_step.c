/* tui_agent_step: a task's steps in the transcript: calls, output, what the model said, prices. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cache.h"
#include "pricing.h"
#include "tui_agent_priv.h"
#include "tui_priv.h"
#include "util.h"

#define QUOTE_LINES 20           /* advisor lines shown */
#define ADVISE_SHOWN 60          /* bytes of the advisor's question on its line */
#define OUT_KEEP (16 * 1024)     /* a running command's output kept: the running block's tail */
#define OUT_LINES 10             /* its lines shown while it runs */
#define OUT_DONE_LINES 6         /* and once it is over */

/* The cost as "$0.0012", "unknown" for -1. */
static void
money(int64_t pico, bool estimated, char *out, size_t n)
{
	if (pico < 0)
		str_copy(out, n, "unknown");
	else
		pricing_format(pico, estimated, out, n);
}

/* Add lines of text to b, each after prefix, at most max of them. */
void
tui_agent_add_lines(struct buf *b, const char *prefix, const char *text, int max)
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
 * its arguments; "read min.json 2 from byte 12288" for a window of a line;
 * "read sum.sh 3, past its 2 lines" for a start after the last line.
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
	else if (from > total)
		buf_addf(b, "%ld, past its %ld line%s", from, total, total == 1 ? "" : "s");
	else if (col >= 0)
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
		n = utf8_cut(q->valuestring, strlen(q->valuestring), ADVISE_SHOWN);
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
void
tui_agent_entry_add(struct tui *t, struct tui_msg *m, const char *text)
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
void
tui_agent_on_output(struct tui *t, const cJSON *e)
{
	struct tui_agent *g = &t->ag;
	struct tui_msg *m = step_entry(t);
	const cJSON *cut = cJSON_GetObjectItemCaseSensitive(e, "cut");
	const char *s = tui_agent_jstr(e, "text");
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
	tui_agent_show_price(t, m);
	t->dirty = true;
}

/* A call's lines: its line, then its output, answer, refusal or diff (folded unless full). */
static void
render_call(struct buf *b, const cJSON *e, bool full)
{
	const char *name = tui_agent_jstr(e, "name"), *diff = tui_agent_jstr(e, "diff"), *text = tui_agent_jstr(e, "text");
	bool run = name != NULL && strcmp(name, "run") == 0;

	buf_adds(b, "\n");
	call_line(b, name ? name : "?", tui_agent_jstr(e, "args"), tui_agent_jstr(e, "summary"));
	if (run && text != NULL && strncmp(text, "the user", 8) != 0) {
		if (full)
			tui_agent_add_lines(b, "  \xe2\x94\x8a ", text, INT_MAX);
		else
			tail_lines(b, "  \xe2\x94\x8a ", text, strlen(text), OUT_DONE_LINES, NULL);
	} else if (name != NULL && strcmp(name, "advise") == 0 && text != NULL) {
		tui_agent_add_lines(b, "  \xe2\x94\x82 ", text, full ? INT_MAX : QUOTE_LINES);
	} else if (tui_agent_jbool(e, "error") && text != NULL) {
		/* the user's no, and why a rule refused it or it failed: the model is told the same */
		tui_agent_add_lines(b, "  ", text, 2);
	} else if (diff != NULL && (full || !tui_agent_jbool(e, "shown"))) {
		tui_agent_add_lines(b, "  ", diff, full ? INT_MAX : TUI_AGENT_DIFF_LINES);
	} else if (full && diff == NULL && text != NULL) {
		tui_agent_add_lines(b, "  \xe2\x94\x8a ", text, INT_MAX);
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
		tui_agent_add_lines(&b, "\xe2\x80\x9c ", r->said, t->steps_full ? INT_MAX : QUOTE_LINES);
	for (i = 0; i < r->ncalls; i++)
		render_call(&b, r->calls[i], t->steps_full);
	if (b.len > 0)
		tui_view_set(&t->view, r->m, b.data + 1, b.len - 1);
	buf_done(&b);
	t->dirty = true;
}

/* What the model says streams in as a chat reply does, until the step's end or its calls. */
void
tui_agent_on_text(struct tui *t, const cJSON *e)
{
	struct tui_agent *g = &t->ag;
	const char *s = tui_agent_jstr(e, "text");

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

void
tui_agent_on_call(struct tui *t, const cJSON *e)
{
	struct tui_steprec *r = steprec(t, step_entry(t));
	cJSON *c = cJSON_Duplicate(e, true);

	/* the running block gives way to the command's line and its last output */
	tui_agent_drop_str(&t->ag.out_base);
	cJSON_AddBoolToObject(c, "shown", t->ag.shown);
	t->ag.shown = false;
	r->calls = xreallocarray(r->calls, r->ncalls + 1, sizeof *r->calls);
	r->calls[r->ncalls++] = c;
	render_step(t, r);
	tui_agent_show_price(t, r->m);
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
	const char *s = tui_agent_jstr(e, "cost");
	int64_t v;

	return s != NULL && str_to_i64(s, &v) && v >= -1 ? v : -1;
}

/* A step's line: "step 2 · cheap · test-cheap · 1.1k→30 tok · $0.000122 · task …" (malloc'd). */
static char *
step_info(const struct tui *t, const cJSON *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
	bool est = tui_agent_jbool(e, "estimated");
	const char *model = tui_agent_jstr(e, "model");
	struct usage u = { .cached_input = tui_agent_jpico(e, "cached"), .cache_write = tui_agent_jpico(e, "written") };
	char in[16], out[16], c[32], tot[96], note[96], *info, *vm;

	fmt_tokens(tui_agent_jpico(e, "in"), in, sizeof in);
	fmt_tokens(tui_agent_jpico(e, "out"), out, sizeof out);
	money(jcost(e), est, c, sizeof c);
	tui_agent_task_total(t, tot, sizeof tot);
	/* what the prompt cache did, as a chat reply's line says it */
	cache_note(&u, tui_agent_jpico(e, "saved"), tui_agent_jpico(e, "extra"), est, note, sizeof note);
	vm = visible_str(model ? model : "?", strlen(model ? model : "?"));
	info = xstrfmt("step %d \xc2\xb7 %s%s \xc2\xb7 %s \xc2\xb7 %s%s\xe2\x86\x92%s tok \xc2\xb7 %s%s%s "
	    "\xc2\xb7 %s", cJSON_IsNumber(n) ? n->valueint : 0, tui_agent_jbool(e, "advice") ?
	    "advisor \xc2\xb7 " : "", tui_agent_jstr(e, "tier") ? tui_agent_jstr(e, "tier") : "?", vm, est ? "~" : "",
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
	t->ag.estimated |= tui_agent_jbool(e, "estimated");
}

/*
 * Show the line of the step whose calls run now under entry m (its calls,
 * its running command or its approval), and only there.
 */
void
tui_agent_show_price(struct tui *t, struct tui_msg *m)
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
void
tui_agent_hide_price(struct tui *t, struct tui_msg *m)
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
void
tui_agent_on_priced(struct tui *t, const cJSON *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
	const char *said = tui_agent_jstr(e, "text");

	step_count(t, e);
	t->ag.priced_n = cJSON_IsNumber(n) ? n->valueint : -1;
	free(t->ag.priced_info);
	t->ag.priced_info = step_info(t, e);
	t->ag.said_shown = said != NULL;
	stream_end(t);
	if (said != NULL)
		step_said(t, step_entry(t), said);
	tui_agent_show_price(t, t->ag.step);
	tui_meter_refresh(t);
	t->dirty = true;
}

/* A step is done: its price on its entry; the answering step's waits for the reply. */
void
tui_agent_on_step(struct tui *t, const cJSON *e)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "n");
	bool advice = tui_agent_jbool(e, "advice");
	bool priced = !advice && t->ag.priced_info != NULL && cJSON_IsNumber(n) &&
	    n->valueint == t->ag.priced_n;
	const char *summary = tui_agent_jstr(e, "summary");
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
		if (!priced && tui_agent_jstr(e, "text") != NULL) {
			/* stopped before any call: all it said so far, then why it ended */
			struct buf b;

			buf_init(&b, 0);
			tui_agent_add_lines(&b, "\xe2\x80\x9c ", tui_agent_jstr(e, "text"), INT_MAX);
			tui_view_set(&t->view, m, b.data + 1, b.len - 1);
			buf_done(&b);
			tui_agent_entry_add(t, m, summary ? summary : "step");
		} else {
			if (m->text.len == 0)
				tui_agent_entry_add(t, m, summary ? summary : "step");
			if (tui_agent_jstr(e, "text") != NULL && !(priced && t->ag.said_shown))
				step_said(t, m, tui_agent_jstr(e, "text"));
		}
		tui_agent_hide_price(t, t->ag.price_at);
		tui_view_set_info(m, info);
		m->width = 0;
		t->ag.step = NULL;
	}
	if (!advice) {
		tui_agent_drop_str(&t->ag.priced_info);
		t->ag.said_shown = false;
	}
	free(info);
	tui_meter_refresh(t);
	t->dirty = true;
}
