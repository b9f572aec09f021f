/* chat: the controller both front ends use: route, key, budget, request, stream, price, record. */
#include "chat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat_priv.h"
#include "cred.h"
#include "fmt.h"
#include "http.h"
#include "image.h"
#include "ledger.h"
#include "ndjson.h"
#include "pricing.h"
#include "router.h"
#include "sse.h"
#include "store.h"
#include "util.h"

#define CHAT_REASONING_MAX (4u << 20)   /* a step's reasoning text kept to send back */

struct chat *
chat_new(const struct config *cfg, struct catalog *cat, struct ledger *l)
{
	struct chat *c = xcalloc(1, sizeof *c);

	c->cfg = cfg;
	c->cat = cat;
	c->ledger = l;
	c->http = http_new();
	c->prev_tier = TIER_AUTO;
	c->resume_tier = TIER_AUTO;
	c->label_prev = TIER_AUTO;
	/* the answer is never longer than the reply that carries it */
	buf_init(&c->text, (size_t)cfg->max_reply << 20);
	buf_init(&c->reasoning, CHAT_REASONING_MAX);
	buf_init(&c->body, CHAT_BODY_MAX);
	chat_learn_load(c);
	return c;
}

static void
calls_free(struct chat_call *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
		free(v[i].args);
		free(v[i].signature);
		free(v[i].error);
	}
	free(v);
}

static void
turn_clear(struct chat_turn *t)
{
	free(t->text);
	free(t->error);
	free(t->reasoning);
	calls_free(t->calls, t->ncalls);
	memset(t, 0, sizeof *t);
}

/* Forget one response: the transfer, its decoders, what it said. The key stays for a retry. */
static void
response_clear(struct chat *c)
{
	if (c->req != NULL) {
		http_req_free(c->req);
		c->req = NULL;
	}
	sse_free(c->sse);
	c->sse = NULL;
	ndjson_free(c->nd);
	c->nd = NULL;
	pstate_done(&c->ps);
	memset(&c->ps, 0, sizeof c->ps);
	calls_free(c->calls, c->ncalls);
	c->calls = NULL;
	c->ncalls = 0;
	buf_reset(&c->text);
	buf_reset(&c->reasoning);
	buf_reset(&c->body);
	c->line_too_long = false;
	c->too_large = false;
	c->reply_bytes = 0;
	c->bad = PEV_OK;
	c->retry_at = 0;
	c->progress_at = 0;
	c->progress_len = 0;
}

void
chat_step_clear(struct chat *c)
{
	response_clear(c);
	secret_free(c->key);
	c->key = NULL;
	c->emitted = 0;
	c->holding = false;
}

void
chat_reset(struct chat *c)
{
	size_t i;

	for (i = 0; i < c->nhist; i++)
		free(c->hist_text[i]);
	free(c->hist);
	free(c->hist_text);
	c->hist = NULL;
	c->hist_text = NULL;
	c->nhist = 0;
	c->hist_last = false;
	c->resume_tier = TIER_AUTO;
	/* the last turn was of the conversation left: never re-asked in the next one */
	if (!c->busy)
		turn_clear(&c->turn);
	free(c->prompt);
	c->prompt = NULL;
	c->conv_id = 0;
	c->prev_tier = TIER_AUTO;
	free(c->system);
	c->system = NULL;
	c->system_saved = true;
	free(c->role);
	c->role = NULL;
	c->role_saved = true;
	c->nwarm = 0;
	c->nsynth = 0;
	c->summary_upto = 0;
}

void
chat_set_budget_how(struct chat *c, const struct chat_budget_how *how)
{
	c->budget_how = how;
}

void
chat_free(struct chat *c)
{
	if (c == NULL)
		return;
	if (c->busy)
		chat_cancel(c);
	chat_step_clear(c);
	chat_reset(c);
	turn_clear(&c->turn);
	free(c->system);
	free(c->role);
	free(c->prompt);
	free(c->moved);
	buf_done(&c->text);
	buf_done(&c->reasoning);
	buf_done(&c->body);
	http_free(c->http);
	free(c);
}

static void
hist_add(struct chat *c, const char *role, const char *text)
{
	size_t i;

	c->hist = xreallocarray(c->hist, c->nhist + 1, sizeof *c->hist);
	c->hist_text = xreallocarray(c->hist_text, c->nhist + 1, sizeof *c->hist_text);
	c->hist_text[c->nhist] = xstrdup(text);
	memset(&c->hist[c->nhist], 0, sizeof *c->hist);   /* fields beyond role and text unset */
	c->hist[c->nhist].role = strcmp(role, "assistant") == 0 ? "assistant" : "user";
	c->nhist++;
	/* texts may have moved with realloc of the pointer array: relink */
	for (i = 0; i < c->nhist; i++)
		c->hist[i].text = c->hist_text[i];
}

/*
 * When a resumed conversation ends on a question and its answer, the tier the
 * answer came from: F4 re-asks it one tier up, as in the session that asked it.
 */
static void
resume_last(struct chat *c)
{
	struct store_msg *m = NULL;
	size_t n = 0;

	if (c->nhist < 2 || strcmp(c->hist[c->nhist - 1].role, "assistant") != 0 ||
	    strcmp(c->hist[c->nhist - 2].role, "user") != 0)
		return;
	if (store_msgs_recent(ledger_store(c->ledger), c->conv_id, &m, &n, NULL) == 0 && n > 0 &&
	    m[n - 1].tier != NULL && strcmp(m[n - 1].role, "assistant") == 0 &&
	    tier_parse(m[n - 1].tier, &c->resume_tier) && c->resume_tier != TIER_AUTO)
		c->hist_last = true;
	else
		c->resume_tier = TIER_AUTO;
	store_msgs_free(m, n);
}

int
chat_resume(struct chat *c, int64_t id, char **cause)
{
	char **roles = NULL, **texts = NULL;
	struct store_conv conv;
	size_t n = 0, i;

	if (c->ledger == NULL || !ledger_conv_exists(c->ledger, id)) {
		xasprintf(cause, "no conversation %lld (see llm logs)", (long long)id);
		return -1;
	}
	if (store_conv_get(ledger_store(c->ledger), id, &conv, cause) != 0)
		return -1;
	if (conv.draft) {
		store_conv_done(&conv);
		xasprintf(cause, "%lld is a commit-message draft of the git hook, not a conversation "
		    "to continue (llm logs --all lists drafts)", (long long)id);
		return -1;
	}
	if (ledger_conv_load(c->ledger, id, &roles, &texts, &n, cause) != 0) {
		store_conv_done(&conv);
		return -1;
	}
	chat_reset(c);
	for (i = 0; i < n; i++)
		hist_add(c, roles[i], texts[i]);
	ledger_msgs_free(roles, texts, n);
	c->conv_id = id;
	resume_last(c);
	/* the tier the conversation had reached, as if it had never stopped */
	if (conv.tier == NULL || !tier_parse(conv.tier, &c->prev_tier))
		c->prev_tier = TIER_AUTO;
	chat_compact_load(c);
	chat_warm_load(c);
	c->system = conv.system;    /* taken */
	conv.system = NULL;
	c->role = conv.role;        /* taken */
	conv.role = NULL;
	store_conv_done(&conv);
	return 0;
}

const char *
chat_system(const struct chat *c)
{
	return c->system;
}

const char *
chat_role(const struct chat *c)
{
	return c->role;
}

size_t
chat_history(const struct chat *c, const struct msg **msgs)
{
	*msgs = c->hist;
	return c->nhist;
}

int64_t
chat_conversation(const struct chat *c)
{
	return c->conv_id;
}

const struct chat_turn *
chat_last(const struct chat *c)
{
	return &c->turn;
}

enum tier
chat_last_tier(const struct chat *c)
{
	if (c->turn.nsteps > 0)
		return c->turn.steps[c->turn.nsteps - 1].tier;
	return c->resume_tier;
}

bool
chat_busy(const struct chat *c)
{
	return c->busy;
}

/*
 * Put the key's last four characters in place of each copy of it in *s: a
 * server that echoes the key in its error ("invalid key sk-...") must not
 * put it on a terminal, in a CI log or in --json.
 */
static void
redact_key(char **s, const char *key)
{
	size_t klen = key != NULL ? strlen(key) : 0;
	const char *p, *q;
	struct buf b;

	if (klen < 8 || strstr(*s, key) == NULL)
		return;
	buf_init(&b, 0);
	for (p = *s; (q = strstr(p, key)) != NULL; p = q + klen) {
		buf_add(&b, p, (size_t)(q - p));
		buf_addf(&b, "%s%s", fmt_glyphs()->ellipsis, key + klen - 4);
	}
	buf_adds(&b, p);
	secure_clear(*s, strlen(*s));
	free(*s);
	*s = buf_detach(&b);
}

void
chat_note(struct chat *c, const char *fmt, ...)
{
	va_list ap;
	char *line;

	if (c->cb.note == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&line, fmt, ap);
	va_end(ap);
	redact_key(&line, c->key);
	c->cb.note(c->cb.arg, line);
	free(line);
}

void
chat_fail(struct chat *c, enum chat_status status, const char *fmt, ...)
{
	va_list ap;

	free(c->turn.error);
	va_start(ap, fmt);
	xvasprintf(&c->turn.error, fmt, ap);
	va_end(ap);
	redact_key(&c->turn.error, c->key);
	c->turn.status = status;
	c->turn.finish = CHAT_FINISH_ERROR;   /* chat_finish() says more if the turn gets that far */
}

/* Save the answer into the conversation and the turn. */
static void
keep_answer(struct chat *c)
{
	free(c->turn.text);
	c->turn.text = xstrndup(c->text.data ? c->text.data : "", c->text.len);
	c->turn.len = c->text.len;
	/* an agent keeps its own history, calls and all */
	calls_free(c->turn.calls, c->turn.ncalls);
	c->turn.calls = c->calls;
	c->turn.ncalls = c->ncalls;
	c->calls = NULL;
	c->ncalls = 0;
	free(c->turn.reasoning);
	c->turn.reasoning = c->reasoning.len > 0 ? xstrdup(buf_str(&c->reasoning)) : NULL;
	if (c->text.len == 0 || c->opts.msgs != NULL)
		return;
	if (c->opts.nimages > 0) {
		/* the images went with this turn only: the conversation keeps a word that they did */
		char *with = image_note(c->prompt, c->opts.images, c->opts.nimages);

		/* a re-ask of such a turn has the word already */
		if (str_endswith(c->prompt, with + strlen(c->prompt))) {
			free(with);
		} else {
			free(c->prompt);
			c->prompt = with;
		}
	}
	hist_add(c, "user", c->prompt);
	hist_add(c, "assistant", c->turn.text);
	c->hist_last = true;
	if (c->ledger != NULL && c->conv_id != 0) {
		/* the system prompt these messages were answered under goes with them */
		if (!c->system_saved &&
		    store_conv_set_system(ledger_store(c->ledger), c->conv_id, c->system) == 0)
			c->system_saved = true;
		if (!c->role_saved &&
		    store_conv_set_role(ledger_store(c->ledger), c->conv_id, c->role) == 0)
			c->role_saved = true;
		ledger_turn_add(c->ledger, c->conv_id, c->prompt, c->turn.text,
		    c->turn.nsteps ? c->turn.steps[c->turn.nsteps - 1].ledger_id : 0);
	}
	c->turn.conversation_id = c->conv_id;
}

const char *
chat_status_str(enum chat_status s)
{
	static const char *const names[] = {
		[CHAT_OK] = "ok",
		[CHAT_PROVIDER] = "provider",
		[CHAT_USAGE] = "usage",
		[CHAT_BUDGET] = "budget",
		[CHAT_AUTH] = "auth",
		[CHAT_CANCELLED] = "cancelled",
	};

	if ((unsigned)s >= sizeof names / sizeof names[0] || names[s] == NULL)
		return "unknown";
	return names[s];
}

const char *
chat_finish_str(enum chat_finish f)
{
	static const char *const names[] = {
		[CHAT_FINISH_STOP] = "stop",
		[CHAT_FINISH_LENGTH] = "length",
		[CHAT_FINISH_FILTER] = "filter",
		[CHAT_FINISH_ERROR] = "error",
		[CHAT_FINISH_CANCELLED] = "cancelled",
	};

	return names[f];
}

bool
chat_turn_window_cut(const struct chat_turn *t)
{
	return t->finish == CHAT_FINISH_LENGTH && t->route.reply_window && t->nsteps > 0 &&
	    t->steps[t->nsteps - 1].model == t->route.model;
}

/* How the answer ended, from the last step's stop reason and the turn's status. */
static enum chat_finish
finish_reason(const struct chat *c)
{
	if (c->turn.cancelled || c->turn.status == CHAT_CANCELLED)
		return CHAT_FINISH_CANCELLED;
	if (c->turn.status != CHAT_OK)
		return CHAT_FINISH_ERROR;
	if (c->ps.stop == STOP_LENGTH)
		return CHAT_FINISH_LENGTH;
	if (c->ps.stop == STOP_FILTER)
		return CHAT_FINISH_FILTER;
	return CHAT_FINISH_STOP;
}

/*
 * A conversation this turn started and left without a message (its first
 * request failed, or was refused, before any answer) is not kept: it would be
 * an empty entry to continue or open. Its requests stay in the ledger, their
 * link to it cleared, and the next turn starts a conversation of its own. An
 * agent's turns keep their own history, never a message: theirs stays.
 */
static void
conv_forget_empty(struct chat *c)
{
	bool fresh = c->conv_fresh;

	c->conv_fresh = false;
	if (!fresh || c->ledger == NULL || c->opts.msgs != NULL)
		return;
	if (ledger_conv_drop_empty(c->ledger, c->conv_id) == 1) {
		c->conv_id = 0;
		c->turn.conversation_id = 0;
	}
}

static void compact_finish(struct chat *c);

/*
 * Within a conversation the tier never drops below the highest a turn was
 * answered on; the conversation keeps it, so that one going on in a later
 * process (-c, --cid) starts where this one is.
 */
static void
tier_keep(struct chat *c)
{
	if (c->tier <= c->prev_tier)
		return;
	c->prev_tier = c->tier;
	if (c->ledger != NULL && c->conv_id != 0)
		store_conv_set_tier(ledger_store(c->ledger), c->conv_id, tier_str(c->tier));
}

void
chat_finish(struct chat *c)
{
	if (c->compacting) {
		compact_finish(c);
		return;
	}
	c->turn.finish = finish_reason(c);
	if ((c->holding || !c->opts.stream) && c->text.len > c->emitted)
		chat_emit(c, c->text.data + c->emitted, c->text.len - c->emitted);
	c->holding = false;
	keep_answer(c);
	conv_forget_empty(c);
	if (c->turn.status == CHAT_OK || c->turn.status == CHAT_CANCELLED)
		tier_keep(c);
	c->turn.conversation_id = c->conv_id;
	c->turn.latency_ms = clock_ms() - c->turn.latency_ms;
	chat_step_clear(c);
	c->busy = false;
	if (c->cb.done != NULL)
		c->cb.done(c->cb.arg, &c->turn);
}

/* Admit and send the turn routed in c->turn.route: CHAT_OK, or why not. */
static enum chat_status
turn_begin(struct chat *c)
{
	enum chat_status rc;

	c->input_est = c->turn.route.input_tokens;
	if ((rc = chat_admit(c, &c->turn.route)) != 0)
		return rc;
	chat_learn_turn(c);
	c->busy = true;
	if ((rc = chat_step_begin(c, "routed")) != 0) {
		chat_settle(c, "error");
		chat_step_clear(c);
		c->busy = false;
		return rc;
	}
	return 0;
}

#define COMPACT_REPLY_CAP 2048      /* tokens a summary may take */

/*
 * Summarise the older turns once, on the cheap tier, before the turn: a
 * request of its own, reserved, charged and recorded like any other, whose
 * answer replaces those turns in what is sent from now on (the database keeps
 * them). 0 when under way; -1 when it cannot be done (the turn goes as it is).
 */
static int
compact_begin(struct chat *c)
{
	static struct chat_route cr;
	const struct model *m;
	enum tier got;
	int64_t w, n = 0;
	size_t i;

	c->compact_cut = c->nhist - CHAT_COMPACT_KEEP;
	/* the summary is of text: any model will do (the turn is routed again after it) */
	c->need_vision = false;
	if (c->compact_cut < 2)
		return -1;
	for (i = 0; i < c->compact_cut; i++)
		n += pricing_estimate_tokens(c->hist_text[i], strlen(c->hist_text[i])) + 4;
	/* a window that holds what is summarised and the summary */
	m = router_pick(c->cat, TIER_CHEAP, chat_window_tokens(n + 64) + COMPACT_REPLY_CAP,
	    chat_model_usable, c, &got);
	if (m == NULL)
		return -1;
	memset(&cr, 0, sizeof cr);
	cr.mode = ROUTE_AUTO;
	cr.tier = got;
	cr.model = m;
	cr.input_tokens = n + 64;
	snprintf(cr.reason, sizeof cr.reason, "compaction: %zu earlier messages summarised",
	    c->compact_cut);
	c->max_out = COMPACT_REPLY_CAP;
	c->send_cap = true;
	if (chat_worst_case(c, m, cr.input_tokens, COMPACT_REPLY_CAP, &w) != PRICING_OK)
		w = -1;
	if (chat_reserve(c, m, got, &cr, w, true) != 0)
		return -1;
	c->compacting = true;
	c->model = m;
	c->tier = got;
	c->input_est = cr.input_tokens;
	c->busy = true;
	chat_note(c, "compacting: summarising %zu earlier messages on %s (%s)", c->compact_cut, m->name,
	    tier_str(got));
	if (chat_step_begin(c, "compaction") != 0) {
		chat_settle(c, "error");
		chat_step_clear(c);
		c->compacting = false;
		c->busy = false;
		return -1;
	}
	return 0;
}

/*
 * The summary has come (or not): put it in place, then send the turn itself
 * with the shorter history. A failed summary leaves the history whole.
 */
static void
compact_finish(struct chat *c)
{
	char *cause = NULL;
	enum chat_status rc;

	c->compacting = false;
	if (c->turn.status == CHAT_OK && c->text.len > 0) {
		char *summary = xstrndup(c->text.data, c->text.len);

		chat_compact_apply(c, summary, c->compact_cut);
		free(summary);
	} else {
		chat_note(c, "compaction failed (%s); the history is sent whole",
		    c->turn.error ? c->turn.error : "no summary");
	}
	free(c->turn.error);
	c->turn.error = NULL;
	c->turn.status = 0;
	chat_step_clear(c);
	c->busy = false;
	buf_reset(&c->text);
	if (c->compact_only) {
		c->turn.status = CHAT_OK;
		chat_finish(c);
		return;
	}
	rc = chat_decide(c, &c->opts, c->prompt, &c->turn.route, &cause);
	if (rc != 0) {
		chat_fail(c, rc, "%s", cause ? cause : "no route");
		free(cause);
		chat_finish(c);
		return;
	}
	if (turn_begin(c) != 0)
		chat_finish(c);
}

enum chat_status
chat_compact(struct chat *c, const struct chat_opts *o, const struct chat_cb *cb)
{
	if (c->busy || c->nhist < c->nsynth + CHAT_COMPACT_KEEP + 2)
		return CHAT_USAGE;
	turn_clear(&c->turn);
	c->turn.latency_ms = clock_ms();
	c->opts = *o;
	c->opts.system = c->system;
	free(c->prompt);
	c->prompt = xstrdup("");
	c->hist_last = false;
	c->resume_tier = TIER_AUTO;
	c->cb = cb ? *cb : (struct chat_cb){ 0 };
	c->escalated = false;
	c->nfailed = 0;
	c->nbroke = 0;
	c->nunreached = 0;
	c->answered = false;
	c->compact_only = true;
	if (compact_begin(c) != 0) {
		if (c->turn.error == NULL)
			chat_fail(c, CHAT_USAGE, "cannot compact: no model of the cheap tier can be used");
		return c->turn.status ? c->turn.status : CHAT_USAGE;
	}
	return 0;
}

/*
 * A pinned model whose provider has no key can send nothing: say so as the
 * step would, before a conversation, a reservation or a ledger row is made
 * for a request that never goes out. 0 when a key may be there (the step
 * reads it again), or CHAT_AUTH.
 */
static enum chat_status
pinned_keyless(struct chat *c)
{
	const struct model *m = c->turn.route.model;
	enum chat_status rc;

	if (c->turn.route.mode != ROUTE_PINNED || m == NULL)
		return 0;
	c->pc = config_provider(c->cfg, m->provider);
	if (c->pc == NULL || !c->pc->requires_key || cred_probe(c->pc) != CRED_NONE)
		return 0;
	rc = chat_step_key(c);
	secret_free(c->key);
	c->key = NULL;
	return rc;
}

/* A turn refused before anything was sent: its latency is the time the refusal took. */
static void
refused(struct chat *c)
{
	conv_forget_empty(c);
	c->turn.latency_ms = clock_ms() - c->turn.latency_ms;
}

enum chat_status
chat_send(struct chat *c, const struct chat_opts *o, const char *prompt, const struct chat_cb *cb)
{
	char *cause = NULL;
	enum chat_status rc;

	if (c->busy)
		return CHAT_USAGE;
	turn_clear(&c->turn);
	c->turn.latency_ms = clock_ms();
	c->opts = *o;
	/* no -s: the conversation's own system prompt; a new one replaces it from now on */
	if (o->system != NULL && (c->system == NULL || strcmp(c->system, o->system) != 0)) {
		free(c->system);
		c->system = *o->system != '\0' ? xstrdup(o->system) : NULL;
		c->system_saved = false;
	}
	c->opts.system = c->system;
	if (o->role != NULL && (c->role == NULL || strcmp(c->role, o->role) != 0)) {
		free(c->role);
		c->role = *o->role != '\0' ? xstrdup(o->role) : NULL;
		c->role_saved = false;
	}
	c->opts.role = c->role;
	free(c->prompt);
	c->prompt = xstrdup(prompt);
	c->hist_last = false;
	c->resume_tier = TIER_AUTO;
	c->cb = cb ? *cb : (struct chat_cb){ 0 };
	c->escalated = false;
	c->nfailed = 0;
	c->nbroke = 0;
	c->nunreached = 0;
	c->answered = false;
	if (!c->retrying)
		c->label_prev = c->prev_tier;
	c->compact_only = false;
	rc = chat_decide(c, &c->opts, prompt, &c->turn.route, &cause);
	/*
	 * a re-ask is labelled with what the router said of the turn it re-asks;
	 * a turn the router had no say in teaches nothing when re-asked: /cmd's
	 * (the cheap tier by design, a request that is no prompt of the user's)
	 * and a pinned model's (the answer judged was one model's, chosen by
	 * name, and its pin was the turn's label already)
	 */
	if (!c->retrying) {
		c->label_router = c->turn.route.decision.tier;
		c->label_reask = !o->cmd_turn && c->turn.route.mode != ROUTE_PINNED;
		c->label_id = 0;
	}
	if (rc != 0) {
		chat_fail(c, rc, "%s", cause ? cause : "no route");
		free(cause);
		refused(c);
		return rc;
	}
	if (c->turn.route.vision_adjusted)
		chat_note(c, "route: %s", c->turn.route.reason);
	if ((rc = pinned_keyless(c)) != 0) {
		refused(c);
		return rc;
	}
	if (chat_compact_due(c, c->turn.route.model) && compact_begin(c) == 0)
		return 0;
	if ((rc = turn_begin(c)) != 0)
		refused(c);
	return rc;
}

int
chat_poll(struct chat *c, const int *extra_fds, size_t nfds, int timeout_ms)
{
	int64_t now;
	int ready;

	if (c->retry_at > 0) {
		int64_t wait = c->retry_at - clock_ms();

		if (wait < 0)
			wait = 0;
		if (timeout_ms < 0 || wait < timeout_ms)
			timeout_ms = (int)wait;
	}
	ready = http_poll(c->http, extra_fds, nfds, timeout_ms);
	now = clock_ms();
	if (c->busy && c->retry_at > 0 && now >= c->retry_at) {
		/* the same step again: nothing was shown, the key and the tries carry over */
		response_clear(c);
		c->holding = c->may_escalate;
		chat_step_send(c);
	}
	return ready;
}

void
chat_cancel(struct chat *c)
{
	chat_cancel_why(c, "interrupted");
}

void
chat_cancel_why(struct chat *c, const char *why)
{
	if (!c->busy)
		return;
	/*
	 * A try in flight may have reached the server, unless it was still
	 * connecting; one waiting to retry has said.
	 */
	if (c->req != NULL)
		http_cancel(c->http, c->req);
	c->cut_sent = c->req != NULL && c->retry_at == 0 && !http_req_unsent(c->req);
	if (c->cut_sent)
		c->reached = true;
	c->retry_at = 0;
	c->turn.cancelled = true;
	chat_fail(c, CHAT_CANCELLED, "%s%s", why, chat_partial_kept(c));
	chat_settle(c, "cancelled");
	chat_finish(c);
}

enum chat_status
chat_retry_up(struct chat *c, const struct chat_opts *o, const struct chat_cb *cb)
{
	struct chat_opts up = *o;
	char *prompt;
	enum tier last = chat_last_tier(c);
	enum chat_status rc;
	bool resumed = c->turn.nsteps == 0 && c->resume_tier != TIER_AUTO;

	if (c->busy || last == TIER_AUTO || c->compact_only || (!resumed && c->prompt == NULL))
		return CHAT_USAGE;
	if (c->hist_last && c->nhist < 2)
		return CHAT_USAGE;
	if (last >= TIER_FRONTIER)
		return CHAT_USAGE;
	/* what the router said of a resumed turn is not known: the re-ask teaches it nothing */
	if (resumed)
		c->label_reask = false;
	if (c->hist_last) {
		/*
		 * take the last exchange back out of the history, then ask again
		 * higher; out of the saved conversation too, so that one resumed
		 * later shows and sends what this one does
		 */
		prompt = c->hist_text[c->nhist - 2];
		if (c->ledger != NULL && c->conv_id != 0)
			store_turn_drop(ledger_store(c->ledger), c->conv_id, prompt,
			    c->hist_text[c->nhist - 1]);
		free(c->hist_text[c->nhist - 1]);
		c->nhist -= 2;
	} else {
		/* nothing came back (cancelled, failed): the history never had it; ask it again */
		prompt = xstrdup(c->prompt);
	}
	up.tier = (enum tier)(last + 1);
	up.model = NULL;
	up.escalate = false;
	c->retrying = true;
	rc = chat_send(c, &up, prompt, cb);
	c->retrying = false;
	free(prompt);
	return rc;
}
