/* agent_call: a step's tool calls: each run, a repeated one refused, advise answered. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent_priv.h"
#include "buf.h"
#include "chat.h"
#include "fmt.h"
#include "util.h"

#define AGENT_VIEW_LINE  160   /* bytes of a call or a result in the advisor's view */
#define AGENT_VIEW_MAX   6000  /* bytes of the whole view */
#define AGENT_ADVICE_TOKENS 800
#define AGENT_LOOP_REFUSE 3    /* the same call made this often with nothing changed: not run */
#define AGENT_LOOP_STOP   4    /* ... and this often: the task stops */
#define AGENT_LOOP_SAID   80   /* bytes of a repeated call's arguments in what is said */
#define AGENT_LOOP_RESULT 2000 /* bytes of its last result the model is shown again */

static const char advisor_system[] =
    "You advise a cheaper coding agent midway through a task. You see the task, a compact "
    "view of its work so far and its question. Answer the question directly: the next "
    "steps, or what is wrong, in a few short lines.";

/* The advisor's view of the work so far: each call and the start of its result, in order. */
static void
view_of_work(const struct agent *a, struct buf *b)
{
	size_t i, k;
	char line[AGENT_VIEW_LINE + 1];

	for (i = 0; i < a->nmsgs && b->len < AGENT_VIEW_MAX; i++) {
		const struct msg *m = &a->msgs[i];

		for (k = 0; k < m->ncalls; k++) {
			snprintf(line, sizeof line, "%s %s", m->calls[k].name, m->calls[k].args);
			buf_addf(b, "- %s\n", line);
		}
		if (m->role != NULL && strcmp(m->role, "tool") == 0) {
			size_t n = strcspn(m->text, "\n");

			snprintf(line, sizeof line, "%.*s", (int)n, m->text);
			buf_addf(b, "  %s%s\n", m->call_error ? "error: " : "-> ", line);
		}
	}
}

/* Answer an advise call with the advisor, its own step; the text for the model (malloc'd). */
static char *
advise(struct agent *a, const char *args, bool *error)
{
	struct chat_opts co;
	struct msg m;
	struct buf view, prompt;
	struct agent_step s;
	const struct chat_turn *t;
	cJSON *j = cJSON_Parse(args);
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "question");
	char *out;
	int rc;

	*error = true;
	if (a->o->no_advisor) {
		cJSON_Delete(j);
		return xstrdup("there is no advise tool in this task; go on without it");
	}
	if (a->advice >= a->cfg->agent_max_advice) {
		cJSON_Delete(j);
		return xstrfmt("no more advice in this task (max_advice = %ld); go on without it",
		    a->cfg->agent_max_advice);
	}
	a->advice++;
	buf_init(&view, 0);
	buf_init(&prompt, 0);
	view_of_work(a, &view);
	buf_addf(&prompt, "Task:\n%s\n\nWork so far:\n%s\nQuestion: %s\n", a->task,
	    view.len ? buf_str(&view) : "(nothing yet)\n",
	    cJSON_IsString(q) ? q->valuestring : "What next?");
	cJSON_Delete(j);
	memset(&m, 0, sizeof m);
	m.role = "user";
	m.text = buf_str(&prompt);
	memset(&co, 0, sizeof co);
	co.tier = a->cfg->agent_advisor != NULL ? TIER_AUTO : TIER_FRONTIER;
	co.tier_why = "the advisor's tier";
	co.model = a->cfg->agent_advisor;
	co.system = advisor_system;
	co.max_tokens = AGENT_ADVICE_TOKENS;
	co.tier_how = a->o->tier_how;
	co.cap_how = a->o->cap_how;
	co.stream = true;
	co.msgs = &m;
	co.nmsgs = 1;
	co.task_id = a->r->task_id;
	if (a->advisor == NULL)
		a->advisor = chat_new(a->cfg, a->cat, a->ledger);
	rc = agent_send_capped(a, a->advisor, &co, "advise");
	t = chat_last(a->advisor);
	if (t->nsteps > 0) {
		agent_step_from_turn(&s, t);
		s.advice = true;
		s.summary = xstrdup("advise");
		a->pending = xreallocarray(a->pending, a->npending + 1, sizeof *a->pending);
		a->pending[a->npending++] = s;
	}
	if (rc == 0 && t->text != NULL && *t->text != '\0') {
		*error = false;
		out = xstrdup(t->text);
	} else {
		out = xstrfmt("the advisor could not answer: %s", t->error ? t->error : "no answer");
	}
	buf_done(&view);
	buf_done(&prompt);
	return out;
}

/* Add a string to a step's list of tools. */
static void
step_tool(struct agent_step *s, const char *name)
{
	s->tools = xreallocarray(s->tools, s->ntools + 1, sizeof *s->tools);
	s->tools[s->ntools++] = xstrdup(name);
}

static int
key_cmp(const void *x, const void *y)
{
	const cJSON *const *p = x, *const *q = y;

	return strcmp((*p)->string, (*q)->string);
}

/* Sort j's object keys at every depth: two spellings of the same arguments are one call. */
static void
json_sort(cJSON *j)
{
	cJSON *c, **v;
	size_t i, n = 0;

	for (c = j->child; c != NULL; c = c->next) {
		json_sort(c);
		n++;
	}
	if (!cJSON_IsObject(j) || n < 2)
		return;
	v = xcalloc(n, sizeof *v);
	for (i = 0, c = j->child; c != NULL; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof *v, key_cmp);
	for (i = 0; i < n; i++) {
		/* cJSON keeps the last child as the first's prev */
		v[i]->prev = v[i > 0 ? i - 1 : n - 1];
		v[i]->next = i + 1 < n ? v[i + 1] : NULL;
	}
	j->child = v[0];
	free(v);
}

/* What tells call tc from others: its name, a newline, its arguments in canonical JSON. */
static char *
call_key(const struct tool_call *tc)
{
	const char *args = tc->args != NULL ? tc->args : "";
	cJSON *j = cJSON_Parse(args);
	char *p = NULL, *key;

	if (j != NULL) {
		json_sort(j);
		p = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
	}
	/* arguments that do not parse are kept as sent */
	key = xstrfmt("%s\n%s", tc->name, p != NULL ? p : args);
	free(p);
	return key;
}

/*
 * Count call tc as made now: its entry, whose count is how often it was made
 * with nothing changed in between (no edit or write that succeeded).
 */
static struct agent_seen *
seen_count(struct agent *a, const struct tool_call *tc)
{
	char *key = call_key(tc);
	struct agent_seen *e;
	size_t i;

	for (i = 0; i < a->nseen && strcmp(a->seen[i].key, key) != 0; i++)
		;
	if (i == a->nseen) {
		a->seen = xreallocarray(a->seen, a->nseen + 1, sizeof *a->seen);
		memset(&a->seen[a->nseen], 0, sizeof *a->seen);
		a->seen[a->nseen++].key = key;
	} else {
		free(key);
	}
	e = &a->seen[i];
	e->count = e->changes == a->changes ? e->count + 1 : 1;
	e->changes = a->changes;
	e->made++;
	return e;
}

/* The call of e as the user is told of it: its name and the start of its arguments. */
static char *
seen_said(const struct agent_seen *e)
{
	const char *args = strchr(e->key, '\n') + 1;
	size_t n = utf8_cut(args, strlen(args), AGENT_LOOP_SAID);

	return xstrfmt("%.*s %.*s%s", (int)(args - 1 - e->key), e->key, (int)n, args,
	    args[n] != '\0' ? fmt_glyphs()->ellipsis : "");
}

/*
 * A call made AGENT_LOOP_REFUSE times or more with nothing changed in between
 * is a loop: not run again but answered with what it returned; one more stops
 * the task (a->looped). The text for the model, or NULL to run it.
 */
static char *
loop_check(struct agent *a, struct agent_seen *e)
{
	char *said, *line, *out;
	size_t n;

	if (e->count < AGENT_LOOP_REFUSE)
		return NULL;
	said = seen_said(e);
	if (e->count >= AGENT_LOOP_STOP) {
		xasprintf(&a->looped, "the model repeated the same call to %.*s %d times with "
		    "nothing changed in between (%s): narrow the task, or give it to another tier",
		    (int)strcspn(e->key, "\n"), e->key, e->count, said);
		free(said);
		return xstrfmt("not run: the same call %d times with nothing changed in between; "
		    "the task stops here", e->count);
	}
	line = xstrfmt("the model made the same call %d times with nothing changed in between "
	    "(%s): not run again, the model is told to do something different", e->count, said);
	agent_note(a, line);
	free(line);
	free(said);
	n = e->result != NULL ? utf8_cut(e->result, strlen(e->result), AGENT_LOOP_RESULT) : 0;
	out = xstrfmt("not run: you made this same call %d times already, with no edit or write "
	    "since, so it would do and return the same. What it returned the last time:\n%.*s%s\n"
	    "Do something different (another call, a change, or your answer): the same call once "
	    "more stops the task.", e->count - 1, (int)n, e->result != NULL ? e->result : "",
	    e->result != NULL && e->result[n] != '\0' ? "\n[cut]" : "");
	return out;
}

/*
 * Run one call of the answer; its result joins the history, its summary the
 * step's. False when it stops the task (a->looped).
 */
bool
agent_run_call(struct agent *a, const struct tool_call *tc, const char *bad, struct agent_step *s,
    struct buf *summary)
{
	struct tool_result res;
	struct agent_seen *e = seen_count(a, tc);
	struct msg *m;
	char *cause = NULL, *text;
	bool error = false, ran = false;

	memset(&res, 0, sizeof res);
	step_tool(s, tc->name);
	if (summary->len > 0)
		buf_adds(summary, "; ");
	if ((text = loop_check(a, e)) != NULL) {
		error = true;
		res.summary = xstrfmt("%s: repeated, not run", tc->name);
		buf_adds(summary, res.summary);
	} else if (bad != NULL) {
		text = xstrdup(bad);
		error = true;
		buf_addf(summary, "%s: not run", tc->name);
	} else if (strcmp(tc->name, "advise") == 0) {
		text = advise(a, tc->args, &error);
		buf_adds(summary, "advise");
	} else if (tool_exec(a->ws, tc->name, tc->args, a->o->ask, a->o->ask_arg, &res, &cause) != 0) {
		text = xstrfmt("the tool could not run: %s", cause ? cause : "unknown error");
		error = true;
		buf_addf(summary, "%s: failed", tc->name);
	} else {
		text = res.text != NULL ? res.text : xstrdup("");
		res.text = NULL;
		error = res.error;
		ran = true;
		buf_adds(summary, res.summary != NULL ? res.summary : tc->name);
	}
	if (e->count < AGENT_LOOP_REFUSE) {
		free(e->result);
		e->result = xstrdup(text);
	}
	/*
	 * A change makes the same call again a new one: a test run after an edit,
	 * or after a command the task had not run before, which may have changed
	 * files (sed -i, git checkout). A command run again is no change, or two
	 * commands taking turns would never be seen to repeat.
	 */
	if (ran && ((!error && (strcmp(tc->name, "edit") == 0 || strcmp(tc->name, "write") == 0)) ||
	    (strcmp(tc->name, "run") == 0 && e->made == 1)))
		e->changes = ++a->changes;
	if (a->o->on_call != NULL)
		a->o->on_call(a->o->arg, tc->name, tc->args, &res, text, error);
	m = agent_msg_add(a, "tool", text);
	m->call_id = tc->id;
	m->call_name = tc->name;
	m->call_error = error;
	free(text);
	free(cause);
	tool_result_free(&res);
	return a->looped == NULL;
}
