/* chat_retry: how a response ends: its errors classified and said, retries, fallbacks, escalation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chat.h"
#include "chat_priv.h"
#include "cred.h"
#include "http.h"
#include "log.h"
#include "ndjson.h"
#include "pricing.h"
#include "router.h"
#include "sse.h"
#include "util.h"

#define MAX_TRIES         3

/* The worst case of sending this turn to m, whose images and reasoning r now counts. */
static int64_t
worst_case(struct chat *c, struct chat_route *r, const struct model *m)
{
	int64_t w;

	chat_route_fit(c, &c->opts, r, m);
	c->max_out = chat_reply_cap(c, &c->opts, m, r->input_tokens, &c->send_cap);
	if (chat_worst_case(c, m, r->input_tokens, c->max_out, &w) != PRICING_OK)
		return -1;
	return w;
}

/*
 * Say that the budget or the task's cap kept the next model (worst case w)
 * from being tried, and how to let it: the failure that ends the turn is
 * then not the whole story.
 */
static void
fallback_refused(struct chat *c, const char *why, const struct model *next, int64_t w)
{
	char over[128];

	chat_over_cap_words(c, w, over, sizeof over);
	if (c->turn.over_task)
		chat_note(c, "fallback: %s failed (%s); %s not tried: its %s (a higher cap with %s "
		    "lets it)", c->model->name, why, next->name, over,
		    c->opts.cap_how != NULL ? c->opts.cap_how : "--max-cost");
	else if (c->over_offline)
		chat_note(c, "fallback: %s failed (%s); %s not tried: the team ledger is unreachable"
		    " (budget_action = block, or past the offline allowance)", c->model->name, why,
		    next->name);
	else {
		/* the refusal's own words: a team member is told who may raise the team's budget */
		char *words = chat_over_budget_words(next, w, &c->over_meter, c->budget_how);

		chat_note(c, "fallback: %s failed (%s); %s not tried: %s", c->model->name, why,
		    next->name, words);
		free(words);
	}
}

/*
 * The task's cap refused the fallback to next, of worst case w
 * (turn.over_task): say so, then ask the front end for a higher cap, naming
 * the fallback (not the next step) as what would pass it. True when it gave
 * one, to reserve under it again.
 */
static bool
cap_raised(struct chat *c, const char *why, const struct model *next, int64_t w)
{
	char over[128], *what;
	int64_t cap;

	if (!c->turn.over_task || c->opts.more_cap == NULL)
		return false;
	chat_over_cap_words(c, w, over, sizeof over);
	chat_note(c, "fallback: %s failed (%s); %s's %s", c->model->name, why, next->name, over);
	what = xstrfmt("the fallback to %s", next->name);
	cap = c->opts.more_cap(c->opts.more_arg, w, what);
	free(what);
	if (cap <= c->opts.task_cap)
		return false;
	c->opts.task_cap = cap;
	c->turn.over_task = false;
	return true;
}

/*
 * Reserve for next and start it, saying why the model before it failed (said
 * or why) and which models were skipped for an unreachable server (NULL:
 * none); reason (n bytes, static) becomes the step's reason. True if a step
 * started.
 */
static bool
fallback_to(struct chat *c, const struct model *next, const char *why, const char *said,
    const char *skipped, char *reason, size_t n)
{
	struct chat_route *r = &c->turn.route;
	enum chat_status rc;
	int64_t w;

	w = worst_case(c, r, next);
	while ((rc = chat_reserve(c, next, c->tier, r, w, true)) == CHAT_BUDGET &&
	    cap_raised(c, why, next, w))
		;
	if (rc != 0) {
		if (rc == CHAT_BUDGET)
			fallback_refused(c, why, next, w);
		return false;
	}
	/*
	 * What the server said goes first when no retry note has said it: a
	 * refused request (a model id the server does not know, HTTP 404) would
	 * otherwise pass to the next model on every run with no word of the fix.
	 */
	if (c->tries == 0 && c->turn.error != NULL && said == NULL)
		chat_note(c, "%s", c->turn.error);
	chat_note(c, "fallback: %s failed (%s); trying %s%s%s%s", c->model->name,
	    said != NULL ? said : why, next->name, skipped != NULL ? " (skipped, server "
	    "unreachable: " : "", skipped != NULL ? skipped : "", skipped != NULL ? ")" : "");
	snprintf(reason, n, "fallback: %s", why);
	c->model = next;
	free(c->turn.error);
	c->turn.error = NULL;
	c->turn.status = 0;
	return chat_step_begin(c, reason) == 0;
}

/*
 * Whether the network itself looks down: servers of two providers or more
 * could not be reached this turn, and none has answered a try.
 */
static bool
network_down(const struct chat *c)
{
	return c->nunreached >= 2 && !c->answered;
}

/*
 * The models of the tier after the one that failed and before next (to the
 * end when NULL) passed over because their server could not be reached this
 * turn: their names, ", " between, into b; how many. need is the window
 * a fallback must have.
 */
static size_t
unreached_skipped(struct chat *c, const struct model *next, int64_t need, struct buf *b)
{
	const struct model *list[64];
	size_t n = catalog_tier(c->cat, c->tier, list, ARRAY_SIZE(list)), i, from = 0, k = 0;

	for (i = 0; i < n; i++)
		if (list[i] == c->model)
			from = i + 1;
	for (i = from; i < n && list[i] != next; i++) {
		const struct model *m = list[i];

		if ((m->context > 0 && need > m->context) || !chat_model_ready(c, m) ||
		    !chat_unreached(c, config_provider(c->cfg, m->provider)))
			continue;
		buf_addf(b, "%s%s", k++ > 0 ? ", " : "", m->name);
	}
	return k;
}

/*
 * Try the next model of the same tier after a failure; true if a step
 * started. why is the step's reason; said, when not NULL, says the failure
 * in the note instead (the server said nothing to show first).
 */
static bool
fallback_said(struct chat *c, const char *why, const char *said)
{
	const struct model *next;
	struct chat_route *r = &c->turn.route;
	enum tier got;
	int64_t need;
	static char reason[96];
	struct buf skipped;
	bool ok;

	if (r->mode == ROUTE_PINNED || c->nfailed >= ARRAY_SIZE(c->failed) || c->emitted > 0)
		return false;
	c->failed[c->nfailed++] = c->model;
	/* a model whose window leaves no room for a reply is no fallback */
	need = chat_window_tokens(r->input_tokens) + chat_reply_floor(c, &c->opts);
	next = router_pick(c->cat, c->tier, need, chat_model_usable, c, &got);
	if (next != NULL && got != c->tier)
		next = NULL;
	buf_init(&skipped, 0);
	if (next == NULL) {
		/* when the network is down the failure says so, and names the servers */
		if (!network_down(c) && unreached_skipped(c, NULL, need, &skipped) > 0)
			chat_note(c, "fallback: %s failed (%s); not tried, server unreachable: %s",
			    c->model->name, said != NULL ? said : why, buf_str(&skipped));
		buf_done(&skipped);
		return false;
	}
	ok = fallback_to(c, next, why, said, unreached_skipped(c, next, need, &skipped) > 0 ?
	    buf_str(&skipped) : NULL, reason, sizeof reason);
	buf_done(&skipped);
	return ok;
}

/* fallback_said with the failure said by why. */
static bool
fallback(struct chat *c, const char *why)
{
	return fallback_said(c, why, NULL);
}

/*
 * Why an answer counts as cut off, or NULL: the output cap stopped it, or it
 * ends inside a code fence left open though the provider calls it a natural
 * end (a model that ends cleanly there has truncated its answer in effect).
 */
static const char *
answer_cut(const struct chat *c)
{
	if (c->ps.stop == STOP_LENGTH)
		return "escalated: cut off";
	if (c->ps.stop == STOP_END && c->ncalls == 0 && router_fence_open(c->text.data, c->text.len))
		return "escalated: cut off in a code block";
	return NULL;
}

/*
 * After a good answer: re-ask one tier up when it is a refusal, empty or cut
 * off, unless the front end has shown it and cannot take it back.
 */
static bool
escalate(struct chat *c)
{
	const struct model *up;
	struct chat_route *r = &c->turn.route;
	const char *why = NULL;
	enum tier got;
	int64_t w;

	if (!c->may_escalate || (c->emitted > 0 && c->cb.retract == NULL))
		return false;
	if (c->text.len == 0)
		why = "escalated: empty answer";
	else if (c->ps.stop == STOP_FILTER || router_is_refusal(c->text.data, c->text.len))
		why = c->ps.stop == STOP_FILTER ? "escalated: blocked" : "escalated: refusal";
	else
		why = answer_cut(c);
	if (why == NULL)
		return false;
	up = router_pick(c->cat, (enum tier)(c->tier + 1), chat_window_tokens(r->input_tokens) +
	    chat_reply_floor(c, &c->opts), chat_model_usable, c, &got);
	if (up == NULL || got <= c->tier)
		return false;
	w = worst_case(c, r, up);
	if (chat_reserve(c, up, got, r, w, true) != 0) {
		chat_note(c, "not escalated: the budget does not allow %s", up->name);
		return false;
	}
	/* taken back before the note, so that the note reads above the answer that replaces it */
	if (c->emitted > 0)
		c->cb.retract(c->cb.arg, got, up);
	chat_note(c, "%s from %s; asking %s (%s)", why, c->model->name, up->name, tier_str(got));
	chat_learn_escalation(c, got);
	c->escalated = true;
	c->model = up;
	c->tier = got;
	return chat_step_begin(c, why) == 0;
}

/* Whether another try of the same request can help: rate limits and busy servers. */
static bool
fault_retryable(enum fault f)
{
	return f == FAULT_RATE || f == FAULT_OVERLOADED;
}

/* A status that a try of the same request cannot change. */
static bool
status_final(long status)
{
	return status == 400 || status == 404 || status == 413 || status == 422;
}

/*
 * One classification for an error, whatever carried it: the error's type when
 * it names one, else the HTTP status (0 for an error event inside a 200 reply).
 * 401 and 403 are about the credentials whatever the body calls them, and 402
 * about the account's credit (DeepSeek's "Insufficient Balance" body calls
 * itself invalid_request_error, OpenRouter's names only the code). But a 403
 * whose code says the model is not found (OpenAI's model_not_found, "does not
 * have access to model") is about the model: the key is good for others.
 */
static enum fault
classify_fault(long status, enum fault by_type)
{
	if (status == 403 && by_type == FAULT_NOT_FOUND)
		return FAULT_NOT_FOUND;
	if (status == 401 || status == 403)
		return FAULT_AUTH;
	if (status == 402)
		return FAULT_QUOTA;
	/*
	 * The server refused the request as it is: malformed (400, 422), for no
	 * such model (404) or too large (413). Another try of the same bytes gets
	 * the same answer, whatever busy-sounding type a proxy's body gives it.
	 */
	if (status_final(status) && (by_type == FAULT_RATE || by_type == FAULT_OVERLOADED))
		return fault_of_status(status);
	return by_type != FAULT_NONE ? by_type : fault_of_status(status);
}

/*
 * The key was rejected: where says how ("HTTP 401", "in the reply"). What to
 * do depends on where the key came from: a new key in the keyring does
 * nothing while the variable, which comes first, holds the rejected one.
 */
static void
fail_auth(struct chat *c, const char *where, const char *text)
{
	const char *name = c->pc->name, *env = c->pc->key_env;

	cred_forget(c->pc);   /* a key_command may print a new one */
	if (c->key_src == CRED_ENV)
		chat_fail(c, CHAT_AUTH, "%s rejected the key (%s: %s): it is the one in $%s, which"
		    " comes before the keyring: put a valid key there, or unset it", name, where, text,
		    env);
	else if (c->key_src == CRED_COMMAND)
		chat_fail(c, CHAT_AUTH, "%s rejected the key (%s: %s): it is the one provider %s's"
		    " key_command printed, which the next request runs again: check what it prints",
		    name, where, text, name);
	else
		chat_fail(c, CHAT_AUTH, "%s rejected the key (%s: %s); set a new one with llm keys"
		    " set %s%s%s", name, where, text, name, env ? " or check $" : "", env ? env : "");
}

/*
 * What a failure says of the text received before it: that it was kept, but
 * for a git hook's draft, which is thrown away (the message stays the user's).
 */
const char *
chat_partial_kept(const struct chat *c)
{
	return c->text.len && !c->opts.draft ? " (the partial answer was kept)" : "";
}

/*
 * The provider's account is out of credit or over its spending limit
 * ("HTTP 402", "in the reply"): no try of this provider's models can pass
 * until the user tops it up, so none is retried, and a fallback goes to
 * another provider's model of the same tier. Exits as a rejected key does:
 * the fix is at the provider, not in llm's budget.
 */
static void
fail_quota(struct chat *c, const char *where, const char *text)
{
	chat_fail(c, CHAT_AUTH, "%s: the account is out of credit (%s: %s); top up at %s, or raise "
	    "its spending limit there, then try again%s", c->pc->name, where, text, c->pc->name,
	    chat_partial_kept(c));
	chat_settle(c, "error");
	if (c->nbroke < ARRAY_SIZE(c->broke))
		c->broke[c->nbroke++] = c->pc->name;
	if (fallback(c, "out of credit"))
		return;
	chat_finish(c);
}

/* A server's Retry-After above this is not waited for: the request fails, saying it. */
#define RETRY_HINT_MAX_MS 60000L

/* Write a wait the server asked for as "2 min 30 s" or "3 h 5 min" into b. */
static void
wait_text(char *b, size_t n, long ms)
{
	long s = (ms + 999) / 1000;

	if (s < 120)
		snprintf(b, n, "%ld s", s);
	else if (s < 3600)
		snprintf(b, n, "%ld min %ld s", s / 60, s % 60);
	else
		snprintf(b, n, "%ld h %ld min", s / 3600, s / 60 % 60);
}

/*
 * Whether a wait of ms before another try is more than llm makes: over
 * RETRY_HINT_MAX_MS, or past the caller's deadline (the git hook's time
 * limit), where the try would only be cut off and the reason lost.
 */
static bool
wait_too_long(const struct chat *c, long ms)
{
	return ms > RETRY_HINT_MAX_MS || (c->opts.deadline > 0 && clock_ms() + ms >= c->opts.deadline);
}

/*
 * Schedule another try of the same model; false when tries are used up, or
 * once text has come: a try would drop it uncharged, where a failure keeps it
 * and a fallback charges it first.
 */
static bool
retry_later(struct chat *c, long hint_ms, const char *why)
{
	long delay;

	if (c->tries + 1 >= MAX_TRIES || c->emitted > 0 || c->text.len > 0)
		return false;
	delay = hint_ms >= 0 ? hint_ms : 500L << c->tries;
	if (hint_ms < 0)
		delay += rand() % (delay / 4 + 1);
	if (wait_too_long(c, delay))
		return false;
	c->tries++;
	chat_note(c, "%s: %s; retrying in %.1f s (try %d of %d)", c->model->name, why,
	    (double)delay / 1000.0, c->tries + 1, MAX_TRIES);
	log_msg("retry", "%s: %s; again in %ld ms (try %d of %d)", c->model->name, why, delay,
	    c->tries + 1, MAX_TRIES);
	c->retry_at = clock_ms() + delay;
	return true;
}

static void
step_failed(struct chat *c, enum chat_status status, const char *why)
{
	chat_settle(c, "error");
	if ((status == CHAT_PROVIDER) && fallback(c, why))
		return;
	chat_finish(c);
}

/* How the user picks another tier, in the front end's words. */
static const char *
tier_how(const struct chat *c)
{
	return c->opts.tier_how != NULL ? c->opts.tier_how : "-t";
}

/*
 * What to do after a reply cut short: ask again, or below the frontier tier
 * one tier up, in the front end's words.
 */
static const char *
reask_how(const struct chat *c, char *b, size_t n)
{
	if (c->opts.draft)
		return "";   /* the git hook's draft: its caller says what happens next */
	if (c->tier >= TIER_FRONTIER)
		return "; ask it again";
	snprintf(b, n, "; ask it again, or one tier up with %s",
	    c->opts.up_how != NULL ? c->opts.up_how : tier_how(c));
	return b;
}

/* The server asked for a longer wait than llm makes: fail now, saying how long. */
static void
fail_wait(struct chat *c, const char *why, const char *text, long hint_ms)
{
	char wait[32];

	wait_text(wait, sizeof wait, hint_ms);
	chat_fail(c, CHAT_PROVIDER, "%s: %s: %s; the server asks to wait %s before another try "
	    "(or use another tier with %s)", c->pc->name, why, text, wait, tier_how(c));
}

static void
handle_http_error(struct chat *c, struct http_req *r)
{
	long status = http_req_status(r), hint = http_req_retry_after(r), body_hint = -1;
	size_t len;
	const char *body = http_req_error_body(r, &len);
	char *msg = c->prov->error((int)status, body, len, &body_hint);
	enum fault f = classify_fault(status, c->prov->fault ? c->prov->fault(body, len) : FAULT_NONE);
	char why[48];

	const char *text = msg;

	/* an unparsable body comes back as "HTTP 502: ..."; the status is said once */
	if (str_startswith(text, "HTTP ") && strstr(text, ": ") != NULL)
		text = strstr(text, ": ") + 2;
	if (hint < 0)
		hint = body_hint;
	snprintf(why, sizeof why, "HTTP %ld", status);
	if (f == FAULT_AUTH) {
		fail_auth(c, why, text);
		free(msg);
		step_failed(c, CHAT_AUTH, why);
		return;
	}
	if (f == FAULT_QUOTA) {
		fail_quota(c, why, text);
		free(msg);
		return;
	}
	if ((fault_retryable(f) || (http_req_should_retry(r) == 1 && !status_final(status))) &&
	    http_req_should_retry(r) != 0 && retry_later(c, hint, why)) {
		free(msg);
		buf_reset(&c->text);
		return;
	}
	if (status == 404)
		chat_fail(c, CHAT_PROVIDER, "%s: model %s not found (HTTP 404: %s); check the id in "
		    "[model.%s] or llm models", c->pc->name, c->model->id, text, c->model->name);
	else if (f == FAULT_NOT_FOUND)
		chat_fail(c, CHAT_PROVIDER, "%s: model %s is not available to this key (%s: %s); the "
		    "key itself was accepted: ask for access to the model at %s, or use another model "
		    "or tier (llm models)", c->pc->name, c->model->id, why, text, c->pc->name);
	else if (fault_retryable(f) && hint >= 0 && wait_too_long(c, hint) && c->emitted == 0)
		fail_wait(c, why, text, hint);
	else if (fault_retryable(f))
		chat_fail(c, CHAT_PROVIDER, "%s: %s after %d %s: %s; try again later or another "
		    "tier with %s", c->pc->name, why, c->tries + 1, c->tries ? "tries" : "try", text,
		    tier_how(c));
	else if (status == 413)
		chat_fail(c, CHAT_PROVIDER, "%s: %s: %s; the request is too large for %s: attach "
		    "less, or start a new conversation", c->pc->name, why, text, c->model->name);
	else if (status_final(status))
		chat_fail(c, CHAT_PROVIDER, "%s: %s: %s; the server refused the request as it is "
		    "(not retried): check [model.%s] and the options given, or use another tier "
		    "with %s", c->pc->name, why, text, c->model->name, tier_how(c));
	else
		chat_fail(c, CHAT_PROVIDER, "%s: %s: %s", c->pc->name, why, text);
	free(msg);
	step_failed(c, CHAT_PROVIDER, why);
}

/* An error event inside a 200 reply: classified as the same error sent as HTTP would be. */
static void
handle_error_event(struct chat *c)
{
	enum fault f = classify_fault(0, c->ps.fault);
	const char *text = c->ps.error ? c->ps.error : "unknown error";
	char why[48];

	snprintf(why, sizeof why, "%s in the reply", fault_str(f));
	if (f == FAULT_AUTH) {
		fail_auth(c, "in the reply", text);
		step_failed(c, CHAT_AUTH, why);
		return;
	}
	if (f == FAULT_QUOTA) {
		fail_quota(c, "in the reply", text);
		return;
	}
	/* no text yet: the same step again, as after a 429 or a 503 */
	if (fault_retryable(f) && retry_later(c, -1, why))
		return;
	chat_fail(c, CHAT_PROVIDER, "%s: error during the reply: %s%s", c->pc->name, text,
	    chat_partial_kept(c));
	step_failed(c, CHAT_PROVIDER, "error event");
}

/* A 2xx response has ended: see whether it was whole. */
static void
handle_reply(struct chat *c, enum http_result res)
{
	char how[96];

	if (res == HTTP_OK && c->opts.stream) {
		int rc = c->prov->ndjson ? ndjson_finish(c->nd) : sse_finish(c->sse);

		if (rc < 0)
			c->line_too_long = true;
	} else if (res == HTTP_OK) {
		const char *p = buf_str(&c->body);
		enum pev ev;

		while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			p++;
		ev = c->prov->whole(&c->ps, p, strlen(p));
		if (ev == PEV_ERROR || ev == PEV_BAD)
			c->bad = ev;
		else
			c->ps.done = true;
	}
	if (c->too_large) {
		chat_fail(c, CHAT_PROVIDER, "%s: the reply passed %ld MiB (max_reply); stopped%s",
		    c->pc->name, c->cfg->max_reply,
		    chat_partial_kept(c));
		step_failed(c, CHAT_PROVIDER, "reply too large");
		return;
	}
	if (c->line_too_long) {
		chat_fail(c, CHAT_PROVIDER, "%s: a line of the reply is over %u MiB; giving up",
		    c->pc->name, (c->opts.stream ? CHAT_STREAM_LINE_MAX : CHAT_BODY_MAX) >> 20);
		step_failed(c, CHAT_PROVIDER, "reply too large");
		return;
	}
	if (c->bad == PEV_ERROR) {
		handle_error_event(c);
		return;
	}
	if (c->bad == PEV_BAD) {
		chat_fail(c, CHAT_PROVIDER, "%s: invalid reply: %s", c->pc->name,
		    c->ps.error ? c->ps.error : "not the expected JSON");
		step_failed(c, CHAT_PROVIDER, "invalid reply");
		return;
	}
	if (!c->ps.done && c->ps.stop == STOP_NONE) {
		if (c->text.len == 0 && !c->ps.usage.reported && retry_later(c, -1, "empty reply"))
			return;
		chat_fail(c, CHAT_PROVIDER, "%s: the reply was cut short%s%s", c->pc->name,
		    c->text.len ? chat_partial_kept(c) : " before any answer",
		    reask_how(c, how, sizeof how));
		step_failed(c, CHAT_PROVIDER, "cut short");
		return;
	}
	chat_settle(c, "ok");
	if (escalate(c))
		return;
	c->turn.status = CHAT_OK;
	chat_finish(c);
}

/* The failure of a try nothing came back from: the server is down or unreachable. */
static void
fail_unanswered(struct chat *c, const char *why, struct http_req *r)
{
	char url[256];

	log_url(c->pc->base_url, url, sizeof url);   /* a password in it stays out */
	chat_fail(c, CHAT_PROVIDER, "%s: %s: %s, after %d %s; check that the server at %s is "
	    "up, or use another tier with %s", c->pc->name, why, http_req_error(r),
	    c->tries + 1, c->tries ? "tries" : "try", url, tier_how(c));
}

/*
 * Fail the turn as the network's, not one server's: every server tried was
 * unreachable. Another tier is no advice: it would fail the same way.
 */
static void
fail_no_network(struct chat *c)
{
	struct buf b;
	char server[256];
	const char *proxy = NULL;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < c->nunreached; i++) {
		if (proxy == NULL)
			proxy = http_url_proxy(c->unreached[i]->base_url);
		if (!http_url_server(c->unreached[i]->base_url, server, sizeof server))
			str_copy(server, sizeof server, c->unreached[i]->name);
		buf_addf(&b, "%s%s", i > 0 ? ", " : "", server);
	}
	if (proxy != NULL)
		chat_fail(c, CHAT_PROVIDER, "no network: could not reach %s; check the connection "
		    "and the proxy in $%s", buf_str(&b), proxy);
	else
		chat_fail(c, CHAT_PROVIDER, "no network: could not reach %s; check the connection, "
		    "or a proxy (HTTPS_PROXY) if one is needed", buf_str(&b));
	buf_done(&b);
}

/*
 * A try found the server unreachable (no name, no connection). It is tried
 * again as after any network failure, unless another server could not be
 * reached this turn and none has answered: then one try tells whether the
 * network is down. Once given up, no model on that server is tried again
 * this turn; when no server could be reached, the failure says so.
 */
static void
server_unreached(struct chat *c, struct http_req *r)
{
	char server[256], said[300];

	if ((c->nunreached == 0 || c->answered) && retry_later(c, -1, http_req_error(r)))
		return;
	if (!chat_unreached(c, c->pc) && c->nunreached < ARRAY_SIZE(c->unreached))
		c->unreached[c->nunreached++] = c->pc;
	fail_unanswered(c, "network error", r);
	if (!http_url_server(c->pc->base_url, server, sizeof server))
		str_copy(server, sizeof server, c->pc->name);
	snprintf(said, sizeof said, "could not reach %s", server);
	chat_settle(c, "error");
	if (fallback_said(c, "network error", said))
		return;
	if (network_down(c))
		fail_no_network(c);
	chat_finish(c);
}

void
chat_on_done(void *arg, struct http_req *r)
{
	struct chat *c = arg;
	enum http_result res = http_req_result(r);
	long status = http_req_status(r);
	char why[64], how[96];

	if (!http_req_unsent(r))
		c->reached = true;
	if (!http_req_unreachable(r))
		c->answered = true;
	if (res == HTTP_ABORTED || (res == HTTP_OK && status >= 200 && status < 300)) {
		handle_reply(c, res);
		return;
	}
	if (res == HTTP_OK || res == HTTP_TOO_LARGE) {
		handle_http_error(c, r);
		return;
	}
	if (res == HTTP_DEADLINE) {
		/* the whole request's limit: another try would take as long */
		chat_fail(c, CHAT_PROVIDER, "%s: gave up: the reply took longer than the deadline of "
		    "%ld s ([llm] deadline)%s", c->pc->name, c->cfg->deadline,
		    chat_partial_kept(c));
		step_failed(c, CHAT_PROVIDER, "deadline");
		return;
	}
	if (http_req_unreachable(r)) {
		server_unreached(c, r);
		return;
	}
	/* the network failed: before any text it is worth another try */
	snprintf(why, sizeof why, "%s", res == HTTP_TIMEOUT ? "timed out" :
	    http_req_got_data(r) ? "the reply was cut short" : "network error");
	if (!http_req_got_data(r) && retry_later(c, -1, http_req_error(r)))
		return;
	if (!http_req_got_data(r))
		fail_unanswered(c, why, r);
	else
		chat_fail(c, CHAT_PROVIDER, "%s: %s: %s%s%s", c->pc->name, why, http_req_error(r),
		    chat_partial_kept(c), reask_how(c, how, sizeof how));
	step_failed(c, CHAT_PROVIDER, why);
}
