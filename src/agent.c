/* agent: one coding task as a loop of routed, reserved and recorded model steps and tool calls. */
#include "agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent_hist.h"
#include "buf.h"
#include "chat.h"
#include "cred.h"
#include "ledger.h"
#include "util.h"

#define AGENT_VIEW_LINE  160   /* bytes of a call or a result in the advisor's view */
#define AGENT_VIEW_MAX   6000  /* bytes of the whole view */
#define AGENT_ADVICE_TOKENS 800
#define AGENT_TITLE_MAX  80
#define AGENT_LOOP_REFUSE 3    /* the same call made this often with nothing changed: not run */
#define AGENT_LOOP_STOP   4    /* ... and this often: the task stops */
#define AGENT_LOOP_SAID   80   /* bytes of a repeated call's arguments in what is said */
#define AGENT_LOOP_RESULT 2000 /* bytes of its last result the model is shown again */

#define AGENT_SYSTEM_HEAD \
    "You are the coding agent of llm, working in a repository through tools. Paths are " \
    "relative to the workspace root; give a name as the tools show it, \\xNN escapes and " \
    "all. Look before you change: list, search and read what matters, make the smallest " \
    "edit that does the task, and check it (run the tests when there are some). Several " \
    "independent calls may go in one turn. "
#define AGENT_SYSTEM_ADVISE "When stuck, or before a risky change, call advise. "
#define AGENT_SYSTEM_TAIL \
    "When done, answer with a short summary of what changed and how it was checked."

const char agent_system[] = AGENT_SYSTEM_HEAD AGENT_SYSTEM_ADVISE AGENT_SYSTEM_TAIL;
/* without the advisor: the advise tool is not declared, and not named */
static const char agent_system_alone[] = AGENT_SYSTEM_HEAD AGENT_SYSTEM_TAIL;

static const char advisor_system[] =
    "You advise a cheaper coding agent midway through a task. You see the task, a compact "
    "view of its work so far and its question. Answer the question directly: the next "
    "steps, or what is wrong, in a few short lines.";

/* A call the task made: how often since the last change, and what it returned. */
struct agent_seen {
	char *key;              /* the tool's name, a newline, its arguments in canonical JSON */
	int count;              /* made with nothing changed in between */
	int made;               /* made in the task */
	long changes;           /* agent.changes after it was last made */
	char *result;           /* what the model was told the last time it ran */
};

/* The running task. */
struct agent {
	const struct config *cfg;
	struct catalog *cat;
	struct ledger *ledger;
	struct ws *ws;
	const struct agent_opts *o;
	const char *task;       /* what was asked first: the advisor is told it */
	struct agent_result *r;
	struct chat *chat, *advisor;
	struct tool_decl *tools;
	size_t ntools;
	struct msg *msgs;       /* the history; strings and calls in owned */
	size_t nmsgs;
	void **owned;
	size_t nowned;
	enum tier worker;       /* TIER_AUTO until the first step is routed */
	int64_t cap;            /* pico; 0: none */
	int64_t cap_set;        /* o->max_cost as last taken: the caller may set another */
	int advice;             /* advise calls answered */
	struct agent_step *pending;  /* advice steps to report after the step that asked */
	size_t npending;
	struct agent_seen *seen;     /* the calls made, to tell a loop */
	size_t nseen;
	long changes;                /* edits and writes that succeeded */
	char *looped;                /* why a repeated call stops the task, or NULL */
	bool hist_over;              /* its history grew past what the ledger keeps: said */
};

static void *
own(struct agent *a, void *p)
{
	a->owned = xreallocarray(a->owned, a->nowned + 1, sizeof *a->owned);
	a->owned[a->nowned++] = p;
	return p;
}

static char *
own_str(struct agent *a, const char *s)
{
	return s != NULL ? own(a, xstrdup(s)) : NULL;
}

static struct msg *
msg_add(struct agent *a, const char *role, const char *text)
{
	struct msg *m;

	a->msgs = xreallocarray(a->msgs, a->nmsgs + 1, sizeof *a->msgs);
	m = &a->msgs[a->nmsgs++];
	memset(m, 0, sizeof *m);
	m->role = role;
	m->text = own_str(a, text != NULL ? text : "");
	return m;
}

static void
step_free(struct agent_step *s)
{
	size_t i;

	free(s->summary);
	free(s->text);
	for (i = 0; i < s->ntools; i++)
		free(s->tools[i]);
	free(s->tools);
}

void
agent_result_done(struct agent_result *r)
{
	size_t i;

	for (i = 0; i < r->nsteps; i++)
		step_free(&r->steps[i]);
	free(r->steps);
	free(r->answer);
	free(r->error);
	memset(r, 0, sizeof *r);
}

/* Stop the task with status and a reason (printf-like). */
static int
stop(struct agent *a, enum chat_status status, const char *fmt, ...)
{
	va_list ap;

	a->r->status = status;
	free(a->r->error);
	a->r->error = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		xvasprintf(&a->r->error, fmt, ap);
		va_end(ap);
	}
	return status;
}

static void
note(void *arg, const char *line)
{
	struct agent *a = arg;

	if (a->o->on_note != NULL)
		a->o->on_note(a->o->arg, line);
}

static void
budget_warn(void *arg, const char *line)
{
	struct agent *a = arg;

	if (a->o->on_warn != NULL)
		a->o->on_warn(a->o->arg, line);
	else
		note(arg, line);
}

/* Fill s from the requests a turn made: their usage, cost and rows. */
static void
step_from_turn(struct agent_step *s, const struct chat_turn *t)
{
	size_t i;

	memset(s, 0, sizeof *s);
	for (i = 0; i < t->nsteps; i++) {
		const struct chat_step *cs = &t->steps[i];

		s->usage.input += cs->usage.input;
		s->usage.cached_input += cs->usage.cached_input;
		s->usage.cache_write += cs->usage.cache_write;
		s->usage.cache_write_1h += cs->usage.cache_write_1h;
		s->usage.output += cs->usage.output;
		s->usage.reasoning += cs->usage.reasoning;
		s->cache_saved += cs->cache_saved;
		s->cache_extra += cs->cache_extra;
		s->estimated |= cs->estimated;
		if (cs->cost < 0 || s->cost < 0)
			s->cost = -1;
		else
			s->cost += cs->cost;
		if (s->nrows < ARRAY_SIZE(s->ledger_ids))
			s->ledger_ids[s->nrows++] = cs->ledger_id;
		s->model = cs->model;
		s->tier = cs->tier;
	}
}

/* Report step s and keep it in the result (s is taken). */
static void
step_done(struct agent *a, struct agent_step *s)
{
	struct agent_result *r = a->r;

	s->n = (int)r->nsteps + 1;
	r->steps = xreallocarray(r->steps, r->nsteps + 1, sizeof *r->steps);
	r->steps[r->nsteps++] = *s;
	if (s->cost < 0 || r->cost < 0)
		r->cost = -1;
	else
		r->cost += s->cost;
	r->estimated |= s->estimated;
	if (a->o->on_step != NULL)
		a->o->on_step(a->o->arg, &r->steps[r->nsteps - 1]);
}

/* Pass on a piece of a worker step's reply as it streams. */
static void
worker_text(void *arg, const char *s, size_t n)
{
	struct agent *a = arg;

	if (a->o->on_text != NULL)
		a->o->on_text(a->o->arg, s, n);
}

/* Send one request through c and wait for it; the turn's status. */
static int
send_wait(struct agent *a, struct chat *c, const struct chat_opts *co, const char *prompt)
{
	struct chat_cb cb = { .note = note, .warn = budget_warn, .arg = a };
	int rc;

	/*
	 * The worker's words stream to a front end that shows them; the advisor's
	 * never do. Text passed on counts as shown, which no retry or fallback
	 * may replace: without a front end to show it, none is passed on.
	 */
	if (c == a->chat && a->o->on_text != NULL)
		cb.text = worker_text;
	rc = chat_send(c, co, prompt, &cb);
	if (rc != 0)
		return rc;
	while (chat_busy(c)) {
		chat_poll(c, NULL, 0, 100);
		if (a->o->cancel != NULL && *a->o->cancel && chat_busy(c))
			chat_cancel(c);
	}
	return chat_last(c)->status;
}

/* What task has cost so far (pico). */
static int64_t
task_spent(struct agent *a)
{
	int64_t spent = 0;

	if (a->ledger == NULL || ledger_task_spent(a->ledger, a->r->task_id, &spent, NULL) != 0)
		return a->r->cost > 0 ? a->r->cost : 0;
	return spent;
}

/*
 * The task's cap refuses what ("the next step", "the fallback to MODEL") of
 * worst case worst: ask for more (o->more) and raise the cap by it, recorded
 * with the task. True if raised.
 */
static bool
cap_ask(struct agent *a, const char *what, int64_t worst)
{
	int64_t more, need, spent = task_spent(a);

	/* Other requests of the task may hold the rest: then the least is not known. */
	need = worst >= 0 && spent + worst > a->cap ? spent + worst - a->cap : -1;
	more = a->o->more != NULL ? a->o->more(a->o->arg, what, spent, a->cap, need) : 0;
	if (more <= 0)
		return false;
	a->cap = more > INT64_MAX - a->cap ? INT64_MAX : a->cap + more;
	a->r->cap = a->cap;
	if (a->ledger != NULL && a->r->task_id > 0 &&
	    ledger_task_set_cap(a->ledger, a->r->task_id, a->cap, NULL) != 0)
		note(a, "ledger: the task's raised cap is not recorded");
	return true;
}

/* A fallback inside a step would pass the cap (chat_opts.more_cap): the new cap, or 0. */
static int64_t
fallback_cap(void *arg, int64_t worst, const char *what)
{
	struct agent *a = arg;

	return cap_ask(a, what, worst) ? a->cap : 0;
}

/* Take the cap the caller set since the last step (o->max_cost), recorded with the task. */
static void
cap_take(struct agent *a)
{
	if (a->o->max_cost == a->cap_set)
		return;
	a->cap = a->cap_set = a->o->max_cost;
	a->r->cap = a->cap;
	if (a->ledger != NULL && a->r->task_id > 0 &&
	    ledger_task_set_cap(a->ledger, a->r->task_id, a->cap, NULL) != 0)
		note(a, "ledger: the task's new cap is not recorded");
}

/*
 * Send a request under the task's cap; when the cap refuses it, ask for more
 * (o->more) and try again. The turn's status.
 */
static int
send_capped(struct agent *a, struct chat *c, struct chat_opts *co, const char *prompt)
{
	const char *what = c == a->chat ? "the next step" : "the advisor's step";
	int rc;

	cap_take(a);

	/* a request that failed may have been paid: its step's fallback asks in the turn */
	co->more_cap = a->o->more != NULL ? fallback_cap : NULL;
	co->more_arg = a;
	for (;;) {
		co->task_cap = a->cap;
		rc = send_wait(a, c, co, prompt);
		if (rc != CHAT_BUDGET || !chat_last(c)->over_task)
			return rc;
		if (!cap_ask(a, what, chat_last(c)->over_worst))
			return rc;
	}
}

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
	rc = send_capped(a, a->advisor, &co, "advise");
	t = chat_last(a->advisor);
	if (t->nsteps > 0) {
		step_from_turn(&s, t);
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
	size_t n = strlen(args);

	if (n > AGENT_LOOP_SAID)
		for (n = AGENT_LOOP_SAID; n > 0 && ((unsigned char)args[n] & 0xc0) == 0x80; n--)
			;
	return xstrfmt("%.*s %.*s%s", (int)(args - 1 - e->key), e->key, (int)n, args,
	    args[n] != '\0' ? "\xe2\x80\xa6" : "");
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
	note(a, line);
	free(line);
	free(said);
	n = e->result != NULL ? strlen(e->result) : 0;
	if (n > AGENT_LOOP_RESULT)
		for (n = AGENT_LOOP_RESULT; n > 0 && ((unsigned char)e->result[n] & 0xc0) == 0x80; n--)
			;
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
static bool
run_call(struct agent *a, const struct tool_call *tc, const char *bad, struct agent_step *s,
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
	m = msg_add(a, "tool", text);
	m->call_id = tc->id;
	m->call_name = tc->name;
	m->call_error = error;
	free(text);
	free(cause);
	tool_result_free(&res);
	return a->looped == NULL;
}

/* The answer's calls as the history keeps them. */
static struct tool_call *
own_calls(struct agent *a, const struct chat_turn *t)
{
	struct tool_call *v = own(a, xcalloc(t->ncalls, sizeof *v));
	size_t i;

	for (i = 0; i < t->ncalls; i++) {
		v[i].id = own_str(a, t->calls[i].id);
		v[i].name = own_str(a, t->calls[i].name);
		v[i].args = own_str(a, t->calls[i].args);
		v[i].signature = own_str(a, t->calls[i].signature);
	}
	return v;
}

/* Report the advice steps asked for by the step just reported. */
static void
flush_pending(struct agent *a)
{
	size_t i;

	for (i = 0; i < a->npending; i++)
		step_done(a, &a->pending[i]);
	free(a->pending);
	a->pending = NULL;
	a->npending = 0;
}

/* What every worker step of task o on tier is sent with, but its history and tools. */
static void
step_opts(const struct agent_opts *o, enum tier tier, struct chat_opts *co)
{
	memset(co, 0, sizeof *co);
	co->tier = tier;
	co->model = o->model;
	co->system = o->no_advisor ? agent_system_alone : agent_system;
	co->max_tokens = o->max_tokens;
	co->tier_how = o->tier_how;
	co->cap_how = o->cap_how;
	co->stream = true;
}

/* Declare the tools to the model: out (room for every tool) gets them; their count. */
static size_t
tool_decls(const struct agent_opts *o, struct tool_decl *out)
{
	size_t i, n, k = 0;
	const struct tool_def *d = tool_defs(&n);

	for (i = 0; i < n; i++) {
		if (o->no_advisor && strcmp(d[i].name, "advise") == 0)
			continue;
		out[k].name = d[i].name;
		out[k].description = d[i].description;
		out[k].schema = d[i].schema;
		k++;
	}
	return k;
}

/* One worker step: 1 when the task is done, 0 to go on, or -1 when it stopped (r->status). */
static int
worker_step(struct agent *a)
{
	struct chat_opts co;
	const struct chat_turn *t;
	struct agent_step s;
	struct tool_call *calls;
	struct msg *am;
	struct buf summary;
	size_t i;
	int rc;

	memset(&s, 0, sizeof s);
	/* an override set during the task (o->tier) wins from the next step on */
	step_opts(a->o, a->o->tier != TIER_AUTO ? a->o->tier : a->worker, &co);
	if (a->o->tier == TIER_AUTO)
		co.tier_why = "the task's tier, kept from its first step";
	co.msgs = a->msgs;
	co.nmsgs = a->nmsgs;
	co.tools = a->tools;
	co.ntools = a->ntools;
	co.task_id = a->r->task_id;
	rc = send_capped(a, a->chat, &co, a->task);
	t = chat_last(a->chat);
	if (t->nsteps > 0)
		step_from_turn(&s, t);
	s.finish = t->finish;
	if (rc != 0) {
		if (t->nsteps > 0) {
			/* what streamed before the stop was paid for: it is kept */
			if (t->text != NULL && *t->text != '\0')
				s.text = xstrdup(t->text);
			s.summary = xstrdup(rc == CHAT_CANCELLED ? "interrupted" : "failed");
			step_done(a, &s);
		}
		stop(a, rc, "%s", t->error ? t->error : "the step failed");
		return -1;
	}
	if (a->worker == TIER_AUTO)
		a->worker = s.tier;  /* the worker's tier sticks within the task */
	am = msg_add(a, "assistant", t->text);
	am->reasoning = own_str(a, t->reasoning);
	buf_init(&summary, 0);
	if (t->ncalls == 0) {
		s.summary = xstrdup("answer");
		step_done(a, &s);
		a->r->answer = xstrdup(t->text != NULL ? t->text : "");
		buf_done(&summary);
		return 1;
	}
	if (t->text != NULL && *t->text != '\0')
		s.text = xstrdup(t->text);
	if (a->o->on_priced != NULL) {
		/* its price is known before its calls run, some of which wait for the user */
		s.n = (int)a->r->nsteps + 1;
		a->o->on_priced(a->o->arg, &s);
	}
	calls = own_calls(a, t);
	am->calls = calls;
	am->ncalls = t->ncalls;
	for (i = 0; i < t->ncalls; i++) {
		if (!run_call(a, &calls[i], t->calls[i].error, &s, &summary))
			break;
		if (a->o->cancel != NULL && *a->o->cancel)
			break;
	}
	/* every call gets a result, even those a Ctrl-C or a loop kept from running */
	for (i++; i < t->ncalls; i++) {
		struct msg *m = msg_add(a, "tool", a->looped != NULL ? "not run: the task stopped" :
		    "not run: interrupted");

		m->call_id = calls[i].id;
		m->call_name = calls[i].name;
		m->call_error = true;
	}
	s.summary = buf_detach(&summary);
	step_done(a, &s);
	flush_pending(a);
	if (a->o->cancel != NULL && *a->o->cancel) {
		stop(a, CHAT_CANCELLED, "interrupted");
		return -1;
	}
	if (a->looped != NULL) {
		stop(a, CHAT_BUDGET, "%s", a->looped);
		return -1;
	}
	return 0;
}

/* Declare the workspace's tools to the model. */
static void
load_tools(struct agent *a)
{
	size_t n;

	tool_defs(&n);
	a->tools = xcalloc(n, sizeof *a->tools);
	a->ntools = tool_decls(a->o, a->tools);
}

/* Route task o's first step as agent_run would send it, without sending or reserving. */
enum chat_status
agent_preview(struct chat *c, const struct agent_opts *o, struct chat_route *r, char **cause)
{
	struct msg task = { .role = "user", .text = o->task };
	struct chat_opts co;
	struct tool_decl *tools;
	enum chat_status rc;
	size_t n;

	tool_defs(&n);
	tools = xcalloc(n, sizeof *tools);
	step_opts(o, o->tier, &co);
	co.msgs = &task;
	co.nmsgs = 1;
	co.tools = tools;
	co.ntools = tool_decls(o, tools);
	rc = chat_preview(c, &co, o->task, r, cause);
	free(tools);
	return rc;
}

/* The worker's tier at the start: o's, else the one a resumed task stuck to, else TIER_AUTO. */
static enum tier
start_tier(const struct agent_opts *o)
{
	enum tier t;

	if (o->tier == TIER_AUTO && o->resume != NULL && o->resume->tier != NULL &&
	    tier_parse(o->resume->tier, &t))
		return t;
	return o->tier;
}

/* Which models agent_keys passes over: those of no provider, or with no key to look up. */
struct keys_pick {
	const struct config *cfg;
	const struct model *skip;   /* the worker's, when its fallback is picked */
};

static bool
keys_usable(void *arg, const struct model *m)
{
	const struct keys_pick *k = arg;
	const struct provider_conf *pc = config_provider(k->cfg, m->provider);

	return m != k->skip && pc != NULL && (!pc->requires_key || cred_probe(pc) != CRED_NONE);
}

/*
 * The key of m's provider, as its request would get it: 0, or -1 with
 * *cause. The provider of got, whose key was got already, is not asked again
 * (a key_command may ask its user).
 */
static int
model_key(const struct config *cfg, const struct model *m, const struct model *got,
    char **cause)
{
	const struct provider_conf *pc = config_provider(cfg, m->provider);

	if (got != NULL && strcmp(got->provider, m->provider) == 0)
		return 0;
	return pc != NULL ? cred_check(pc, cause) : 0;
}

/*
 * The worker's first model, pinned or routed like the first step (*tier the
 * tier it was picked from); NULL, with *rc and *cause when that is for want
 * of a key or an unknown pin.
 */
static const struct model *
keys_worker(const struct config *cfg, struct catalog *cat, const struct agent_opts *o,
    enum tier *tier, enum chat_status *rc, char **cause)
{
	struct chat_opts co = { .tier = start_tier(o) };
	struct chat_route r;
	struct chat *c;

	if (o->model != NULL) {
		*rc = CHAT_USAGE;
		return chat_pin(cfg, cat, o->model, cause);
	}
	c = chat_new(cfg, cat, NULL);
	*rc = chat_preview(c, &co, o->task != NULL ? o->task : "", &r, cause);
	chat_free(c);
	if (*rc == CHAT_AUTH)
		return NULL;
	/* another failure is the first step's to say, as it says it */
	free(*cause);
	*cause = NULL;
	*tier = r.tier;
	return *rc == CHAT_OK ? r.model : NULL;
}

/* Warn that the tier's next model, the fallback of a failed request, has no key it can get. */
static void
keys_fallback(const struct config *cfg, struct catalog *cat, const struct model *first,
    enum tier tier, struct buf *warn)
{
	struct keys_pick k = { .cfg = cfg, .skip = first };
	const struct model *next;
	enum tier got;
	char *why = NULL;

	next = router_pick(cat, tier, 0, keys_usable, &k, &got);
	if (next == NULL || got != tier || model_key(cfg, next, first, &why) == 0)
		return;
	buf_addf(warn, "the fallback %s cannot be used: %s; a request to %s that fails stops "
	    "its step\n", next->name, why, first->name);
	free(why);
}

/*
 * The advisor's key: one named in [agent] must be there; the default, the
 * frontier tier's first model with a key, may not be, and the task then goes
 * on without the advise tool (o->no_advisor), said in warn.
 */
static enum chat_status
keys_advisor(const struct config *cfg, struct catalog *cat, struct agent_opts *o,
    const struct model *worker, struct buf *warn, char **cause)
{
	struct keys_pick k = { .cfg = cfg };
	const struct model *m;
	enum chat_status rc = CHAT_OK;
	enum tier got;
	char *why = NULL;

	if (cfg->agent_advisor != NULL) {
		if ((m = chat_pin(cfg, cat, cfg->agent_advisor, &why)) == NULL) {
			xasprintf(cause, "[agent] advisor: %s", why);
			rc = CHAT_USAGE;
		} else if (model_key(cfg, m, worker, &why) != 0) {
			xasprintf(cause, "the advisor %s ([agent] advisor): %s", m->name, why);
			rc = CHAT_AUTH;
		}
		free(why);
		return rc;
	}
	m = router_pick(cat, TIER_FRONTIER, 0, keys_usable, &k, &got);
	if (m == NULL)
		buf_adds(warn, "no model of the frontier tier has a key, so this task has no advisor "
		    "(the advise tool): set a key for one, or name a model as advisor under [agent]\n");
	else if (model_key(cfg, m, worker, &why) != 0)
		buf_addf(warn, "the advisor %s cannot be used, so this task has no advisor (the advise "
		    "tool): %s\n", m->name, why);
	else
		return CHAT_OK;
	free(why);
	o->no_advisor = true;
	return CHAT_OK;
}

int
agent_keys(const struct config *cfg, struct catalog *cat, struct agent_opts *o, char **warn,
    char **cause)
{
	const struct model *m;
	enum chat_status rc;
	enum tier tier = TIER_AUTO;
	struct buf w;

	*warn = NULL;
	o->no_advisor = false;
	if ((m = keys_worker(cfg, cat, o, &tier, &rc, cause)) == NULL)
		return *cause != NULL ? rc : CHAT_OK;
	if (model_key(cfg, m, NULL, cause) != 0)
		return CHAT_AUTH;
	buf_init(&w, 0);
	if (o->model == NULL)
		keys_fallback(cfg, cat, m, tier, &w);
	rc = keys_advisor(cfg, cat, o, m, &w, cause);
	if (rc == CHAT_OK && w.len > 0)
		*warn = buf_detach(&w);
	buf_done(&w);
	return rc;
}

/* Keep the task's state with it: its history so far, and whether it is done. */
static void
task_save(struct agent *a, bool done)
{
	char *hist, *cause = NULL;

	if (a->ledger == NULL || a->r->task_id == 0)
		return;
	hist = agent_hist_dump(a->msgs, a->nmsgs, AGENT_HIST_MAX);
	if (hist == NULL && !a->hist_over) {
		a->hist_over = true;
		note(a, "the task's history is over what llm.db keeps of one: it cannot be resumed");
	}
	if (ledger_task_save(a->ledger, a->r->task_id, ws_root(a->ws), a->worker != TIER_AUTO ?
	    tier_str(a->worker) : NULL, a->o->model, done, hist, &cause) != 0) {
		note(a, "ledger: the task's history is not kept, so it cannot be resumed");
		free(cause);
	}
	free(hist);
}

/* Make task o's row and journal, and its first message. 0, or the status it stopped with. */
static int
task_new(struct agent *a)
{
	const struct agent_opts *o = a->o;
	char title[AGENT_TITLE_MAX + 1], *cause = NULL;
	long n;

	/* the first line, cut where a character starts: a title is text, never half of one */
	n = (long)strcspn(o->task, "\n");
	if (n > AGENT_TITLE_MAX)
		for (n = AGENT_TITLE_MAX; n > 0 && ((unsigned char)o->task[n] & 0xc0) == 0x80; n--)
			;
	snprintf(title, sizeof title, "%.*s", (int)n, o->task);
	if (a->ledger != NULL && (a->r->task_id = ledger_task_new(a->ledger, title, o->max_cost)) == 0)
		return stop(a, CHAT_USAGE, "ledger: cannot record the task");
	if (ws_task_begin(a->ws, a->r->task_id, &cause) != 0) {
		stop(a, CHAT_USAGE, "undo journal: %s", cause);
		free(cause);
		return a->r->status;
	}
	a->task = msg_add(a, "user", o->task)->text;
	/*
	 * kept from the start, not after the first step: meanwhile llm do --resume
	 * finds it as its workspace's latest (held: refused), and killed in that
	 * step it goes on from its task
	 */
	task_save(a, false);
	return 0;
}

/*
 * Go on with task o->resume: its history, its journal (which goes on), its
 * cap unless o gives one, and o->task as the user's next words. 0, or the
 * status it stopped with.
 */
static int
task_resume(struct agent *a)
{
	const struct ledger_task *t = a->o->resume;
	struct agent_hist h;
	struct msg *last;
	char *cause = NULL;
	int64_t holder;
	int held;

	/* one process at a time: two would interleave their steps and spend the cap twice */
	held = a->ledger != NULL ? ledger_task_hold(a->ledger, t->id, &holder, &cause) : LEDGER_HELD;
	if (held != LEDGER_HELD) {
		if (held == LEDGER_HELD_ELSEWHERE)
			stop(a, CHAT_USAGE, "task %lld is being run by process %lld", (long long)t->id,
			    (long long)holder);
		else
			stop(a, CHAT_USAGE, "task %lld: %s", (long long)t->id, cause != NULL ? cause :
			    "no such task");
		free(cause);
		return a->r->status;
	}
	a->r->task_id = t->id;
	if (agent_hist_load(t->history != NULL ? t->history : "", &h, &cause) != 0) {
		stop(a, CHAT_USAGE, "task %lld: %s", (long long)t->id, cause);
		free(cause);
		return a->r->status;
	}
	a->msgs = h.msgs;
	a->nmsgs = h.nmsgs;
	a->owned = h.owned;
	a->nowned = h.nowned;
	a->task = a->msgs[0].text;
	/* cap_set stays o's: a cap the caller sets later replaces this one */
	if (a->o->max_cost == 0)
		a->cap = a->r->cap = t->cap;
	else if (a->ledger != NULL && a->o->max_cost != t->cap &&
	    ledger_task_set_cap(a->ledger, t->id, a->o->max_cost, NULL) != 0)
		note(a, "ledger: the task's new cap is not recorded");
	if (ws_task_resume(a->ws, t->id, &cause) != 0) {
		stop(a, CHAT_USAGE, "undo journal: %s", cause);
		free(cause);
		return a->r->status;
	}
	if (a->o->task == NULL || *a->o->task == '\0')
		return 0;
	/* the user's words after the user's: one turn, as the APIs want turns to alternate */
	last = &a->msgs[a->nmsgs - 1];
	if (strcmp(last->role, "user") == 0)
		last->text = own(a, xstrfmt("%s\n\n%s", last->text, a->o->task));
	else
		msg_add(a, "user", a->o->task);
	return 0;
}

int
agent_run(const struct config *cfg, struct catalog *cat, struct ledger *l, struct ws *w,
    const struct agent_opts *o, struct agent_result *r)
{
	struct agent a;
	size_t i;
	long n;
	int rc = 0;

	memset(r, 0, sizeof *r);
	memset(&a, 0, sizeof a);
	a.cfg = cfg;
	a.cat = cat;
	a.ledger = l;
	a.ws = w;
	a.o = o;
	a.r = r;
	a.worker = start_tier(o);
	a.cap = a.cap_set = o->max_cost;
	r->cap = a.cap;
	if ((o->resume != NULL ? task_resume(&a) : task_new(&a)) != 0)
		goto out;
	if (r->task_id > 0 && o->on_task != NULL)
		o->on_task(o->arg, r->task_id);
	load_tools(&a);
	a.chat = chat_new(cfg, cat, l);
	for (n = 0; rc == 0; n++) {
		if (n >= cfg->agent_max_steps) {
			stop(&a, CHAT_BUDGET, "the task reached max_steps (%ld) without an answer: "
			    "narrow the task, or raise max_steps under [agent] in config.ini",
			    cfg->agent_max_steps);
			break;
		}
		rc = worker_step(&a);
		task_save(&a, rc == 1);
	}
	if (rc == 1)
		r->status = CHAT_OK;
	flush_pending(&a);
	/* stopped before its first request (the budget, the cap): no task to list or undo */
	if (r->nsteps == 0 && r->task_id > 0 && o->resume == NULL) {
		ledger_task_drop(l, r->task_id);
		ws_task_drop(w);
		r->task_id = 0;
	}
out:
	/* another process may go on with it now */
	if (l != NULL && r->task_id > 0)
		ledger_task_release(l, r->task_id);
	chat_free(a.chat);
	chat_free(a.advisor);
	for (i = 0; i < a.nowned; i++)
		free(a.owned[i]);
	free(a.owned);
	for (i = 0; i < a.nseen; i++) {
		free(a.seen[i].key);
		free(a.seen[i].result);
	}
	free(a.seen);
	free(a.looped);
	free(a.msgs);
	free(a.tools);
	return r->status;
}
