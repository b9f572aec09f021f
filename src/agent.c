/* agent: one coding task as a loop of routed, reserved and recorded model steps and tool calls. */
#include "agent.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_hist.h"
#include "agent_priv.h"
#include "buf.h"
#include "chat.h"
#include "ledger.h"
#include "store.h"
#include "util.h"

#define AGENT_TITLE_MAX  80

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

struct msg *
agent_msg_add(struct agent *a, const char *role, const char *text)
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

/* What stopped the task, in words: the signal the cancel flag holds ("terminated"). */
static const char *
stop_words(const struct agent *a)
{
	return signal_words(a->o->cancel != NULL ? *a->o->cancel : 0);
}

void
agent_note(void *arg, const char *line)
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
		agent_note(arg, line);
}

/* Fill s from the requests a turn made: their usage, cost and rows. */
void
agent_step_from_turn(struct agent_step *s, const struct chat_turn *t)
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
	struct chat_cb cb = { .note = agent_note, .warn = budget_warn, .arg = a };
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
			chat_cancel_why(c, signal_words(*a->o->cancel));
	}
	return chat_last(c)->status;
}

/* What task has cost so far (pico). */
static int64_t
task_spent(struct agent *a)
{
	int64_t spent = 0;

	if (a->ledger == NULL || ledger_task_spent(a->ledger, a->r->task_id, &spent, NULL, NULL) != 0)
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
		agent_note(a, "ledger: the task's raised cap is not recorded");
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
		agent_note(a, "ledger: the task's new cap is not recorded");
}

/*
 * Send a request under the task's cap; when the cap refuses it, ask for more
 * (o->more) and try again. The turn's status.
 */
int
agent_send_capped(struct agent *a, struct chat *c, struct chat_opts *co, const char *prompt)
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
		if (!cap_ask(a, what, chat_last(c)->over_worst)) {
			a->r->over_cap = true;
			return rc;
		}
	}
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
	rc = agent_send_capped(a, a->chat, &co, a->task);
	t = chat_last(a->chat);
	if (t->nsteps > 0)
		agent_step_from_turn(&s, t);
	s.finish = t->finish;
	if (rc != 0) {
		if (t->nsteps > 0) {
			/* what streamed before the stop was paid for: it is kept */
			if (t->text != NULL && *t->text != '\0')
				s.text = xstrdup(t->text);
			s.summary = xstrdup(rc == CHAT_CANCELLED ? stop_words(a) : "failed");
			step_done(a, &s);
		}
		stop(a, rc, "%s", t->error ? t->error : "the step failed");
		return -1;
	}
	if (a->worker == TIER_AUTO)
		a->worker = s.tier;  /* the worker's tier sticks within the task */
	am = agent_msg_add(a, "assistant", t->text);
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
		if (!agent_run_call(a, &calls[i], t->calls[i].error, &s, &summary))
			break;
		if (a->o->cancel != NULL && *a->o->cancel)
			break;
	}
	/* every call gets a result, even those a Ctrl-C or a loop kept from running */
	for (i++; i < t->ncalls; i++) {
		char *why = xstrfmt("not run: %s", a->looped != NULL ? "the task stopped" : stop_words(a));
		struct msg *m = agent_msg_add(a, "tool", why);

		free(why);
		m->call_id = calls[i].id;
		m->call_name = calls[i].name;
		m->call_error = true;
	}
	s.summary = buf_detach(&summary);
	step_done(a, &s);
	flush_pending(a);
	if (a->o->cancel != NULL && *a->o->cancel) {
		stop(a, CHAT_CANCELLED, "%s", stop_words(a));
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
enum tier
agent_start_tier(const struct agent_opts *o)
{
	enum tier t;

	if (o->tier == TIER_AUTO && o->resume != NULL && o->resume->tier != NULL &&
	    tier_parse(o->resume->tier, &t))
		return t;
	return o->tier;
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
		agent_note(a, "the task's history is over what llm.db keeps of one: it cannot be resumed");
	}
	if (ledger_task_save(a->ledger, a->r->task_id, ws_root(a->ws), a->worker != TIER_AUTO ?
	    tier_str(a->worker) : NULL, a->o->model, done, hist, &cause) != 0) {
		agent_note(a, "ledger: the task's history is not kept, so it cannot be resumed");
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
	size_t n;

	/* the first line, cut where a character starts: a title is text, never half of one */
	n = utf8_cut(o->task, strcspn(o->task, "\n"), AGENT_TITLE_MAX);
	snprintf(title, sizeof title, "%.*s", (int)n, o->task);
	if (a->ledger != NULL && (a->r->task_id = ledger_task_new(a->ledger, title, o->max_cost)) == 0)
		/* why, and what to do where the user can (a full disk, a read-only llm.db) */
		return stop(a, CHAT_USAGE, "ledger: %s: cannot record the task: %s%s",
		    store_path(ledger_store(a->ledger)), store_errmsg(ledger_store(a->ledger)),
		    store_advice(store_db(ledger_store(a->ledger))));
	if (ws_task_begin(a->ws, a->r->task_id, &cause) != 0) {
		stop(a, CHAT_USAGE, "undo journal: %s", cause);
		free(cause);
		return a->r->status;
	}
	a->task = agent_msg_add(a, "user", o->task)->text;
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
		agent_note(a, "ledger: the task's new cap is not recorded");
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
		agent_msg_add(a, "user", a->o->task);
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
	a.worker = agent_start_tier(o);
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
