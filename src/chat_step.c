/* chat_step: one request of a turn: its key, its body, its stream decoded, its cost settled. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "chart.h"
#include "chat.h"
#include "chat_priv.h"
#include "cred.h"
#include "http.h"
#include "ledger.h"
#include "ndjson.h"
#include "pricing.h"
#include "spend.h"
#include "sse.h"
#include "util.h"

#define HOLD_MAX          320           /* bytes held back while a refusal is possible */
#define PROGRESS_MS       1000          /* how often the ledger hears what a reply has brought */

int
chat_emit(struct chat *c, const char *s, size_t n)
{
	/* what a front end has shown stands, unless it can take it back (cb.retract) */
	if (n > 0 && c->cb.text != NULL) {
		c->cb.text(c->cb.arg, s, n);
		c->emitted += n;
	}
	return 0;
}

/* Whether text could still turn out to be a refusal or hedge, judged by how it opens. */
static bool
could_be_refusal(const char *s, size_t n)
{
	static const char *const openers[] = {
		"i'm sorry", "i am sorry", "sorry", "i can't", "i cannot", "i can not",
		"i'm unable", "i am unable", "i won't", "i will not", "as an ai",
		"i'm not able", "i am not able", "i apologize", "unfortunately",
		"i'm not sure", "i am not sure", "i don't know", "i do not know",
	};
	char low[32];
	size_t i, k = 0;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	if (n == 0)
		return true;
	for (i = 0; i < n && k + 1 < sizeof low; i++) {
		/* a typographic apostrophe, U+2019 */
		if (i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
		    (unsigned char)s[i + 2] == 0x99) {
			low[k++] = '\'';
			i += 2;
			continue;
		}
		low[k++] = (char)tolower((unsigned char)s[i]);
	}
	low[k] = '\0';
	for (i = 0; i < ARRAY_SIZE(openers); i++) {
		size_t m = strlen(openers[i]);

		if (strncmp(low, openers[i], k < m ? k : m) == 0)
			return true;
	}
	return false;
}

static void
on_text(void *arg, const char *s, size_t n)
{
	struct chat *c = arg;

	if (buf_add(&c->text, s, n) != 0) {
		c->too_large = true;   /* on_data stops the transfer */
		return;
	}
	/* a summary being written is not the answer */
	if (c->compacting)
		return;
	/* a reply not streamed is shown whole at the end: nothing is shown before it could escalate */
	if (!c->opts.stream)
		return;
	if (c->holding) {
		if (c->text.len <= HOLD_MAX && could_be_refusal(c->text.data, c->text.len))
			return;
		c->holding = false;
		chat_emit(c, c->text.data, c->text.len);
		return;
	}
	chat_emit(c, s, n);
}

/* Reasoning text: kept for the turn, whole up to its cap (it is echoed, never shown). */
static void
on_reasoning(void *arg, const char *s, size_t n)
{
	struct chat *c = arg;

	(void)buf_add(&c->reasoning, s, n);
}

/* A tool call, whole: kept for the turn. */
static void
on_call(void *arg, const struct tool_call *tc, const char *error)
{
	struct chat *c = arg;
	struct chat_call *k;

	c->calls = xreallocarray(c->calls, c->ncalls + 1, sizeof *c->calls);
	k = &c->calls[c->ncalls++];
	k->id = tc->id ? xstrdup(tc->id) : NULL;
	k->name = xstrdup(tc->name);
	k->args = xstrdup(tc->args);
	k->signature = tc->signature ? xstrdup(tc->signature) : NULL;
	k->error = error ? xstrdup(error) : NULL;
}

static int
on_event(void *arg, const char *name, const char *data, size_t len)
{
	struct chat *c = arg;
	enum pev ev = c->prov->event(&c->ps, name, data, len);

	if (ev == PEV_DONE)
		c->ps.done = true;
	if (ev == PEV_ERROR || ev == PEV_BAD) {
		c->bad = ev;
		return 1;
	}
	return 0;
}

static int
on_line(void *arg, const char *line, size_t len)
{
	return on_event(arg, NULL, line, len);
}

/*
 * Tell the ledger what this step has received (the input, as soon as a reply
 * comes; the output so far, estimated: on the first text, then at most once a
 * second), so that if this process is killed its reservation is settled at that
 * and not at its worst case.
 */
static void
progress(struct chat *c)
{
	struct usage u;
	int64_t cost, now = clock_ms();

	if (c->ledger == NULL || c->ledger_id == 0)
		return;
	if (c->progress_at != 0 && now - c->progress_at < PROGRESS_MS &&
	    (c->progress_len > 0 || c->text.len == 0))
		return;
	c->progress_at = now;
	c->progress_len = c->text.len;
	memset(&u, 0, sizeof u);
	u.input = c->input_est;
	u.output = pricing_estimate_tokens(c->text.data ? c->text.data : "", c->text.len);
	if (pricing_cost(c->model, &u, &cost) != PRICING_OK)
		cost = -1;
	ledger_progress(c->ledger, c->ledger_id, &u, cost);
}

static int
on_data(void *arg, const char *p, size_t n)
{
	struct chat *c = arg;
	int rc;

	/* a server that keeps sending is stopped at the cap, never cut silently */
	c->reply_bytes += n;
	if (c->reply_bytes > (size_t)c->cfg->max_reply << 20) {
		c->too_large = true;
		return 1;
	}
	if (!c->opts.stream) {
		if (buf_add(&c->body, p, n) != 0) {
			c->line_too_long = true;
			return 1;
		}
		progress(c);
		return 0;
	}
	rc = c->prov->ndjson ? ndjson_feed(c->nd, p, n) : sse_feed(c->sse, p, n);
	if (rc < 0)
		c->line_too_long = true;
	progress(c);
	return rc != 0 || c->too_large;
}

static void
build_request(struct chat *c, struct request *req, struct msg **msgs)
{
	size_t n = c->nhist;

	if (c->compacting) {
		*msgs = chat_compact_msgs(c, &n);
		memset(req, 0, sizeof *req);
		req->model = c->model->id;
		req->system = chat_compact_system();
		req->msgs = *msgs;
		req->nmsgs = n;
		req->max_tokens = c->max_out;
		req->stream = c->opts.stream;
		req->completion_tokens = c->pc->base_url != NULL &&
		    strstr(c->pc->base_url, "://api.openai.com") != NULL;
		return;
	}
	memset(req, 0, sizeof *req);
	if (c->opts.msgs != NULL) {
		/* an agent step: its own history, as it is (copied: cache marks go on it) */
		n = c->opts.nmsgs;
		*msgs = xreallocarray(NULL, n, sizeof **msgs);
		memcpy(*msgs, c->opts.msgs, n * sizeof **msgs);
		req->msgs = *msgs;
		req->nmsgs = n;
	} else {
		*msgs = xreallocarray(NULL, n + 1, sizeof **msgs);
		if (n > 0)
			memcpy(*msgs, c->hist, n * sizeof **msgs);
		memset(&(*msgs)[n], 0, sizeof (*msgs)[n]);
		(*msgs)[n].role = "user";
		(*msgs)[n].text = c->prompt;
		(*msgs)[n].images = c->opts.images;
		(*msgs)[n].nimages = c->opts.nimages;
		req->msgs = *msgs;
		req->nmsgs = ++n;
	}
	req->model = c->model->id;
	req->system = c->system;
	req->tools = c->opts.tools;
	req->ntools = c->opts.ntools;
	req->max_tokens = c->send_cap ? c->max_out : 0;
	req->stream = c->opts.stream;
	req->temperature_set = c->opts.temperature_set;
	req->temperature_milli = c->opts.temperature_milli;
	req->completion_tokens = c->pc->base_url != NULL && strstr(c->pc->base_url, "://api.openai.com") != NULL;
	chat_cache_request(c, req, *msgs, n);
}

/* Send the current step's request; the key is fetched now and cleared when the step ends. */
int
chat_step_send(struct chat *c)
{
	struct request req;
	struct http_spec spec;
	struct msg *msgs;
	const char *hdrs[12];
	char *url, *body, *auth = NULL;
	size_t nh = 0;
	const char *const *hp;

	c->ps.on_text = on_text;
	c->ps.on_call = on_call;
	c->ps.on_reasoning = on_reasoning;
	c->ps.arg = c;
	if (c->prov->ndjson)
		c->nd = ndjson_new(CHAT_STREAM_LINE_MAX, on_line, c);
	else
		c->sse = sse_new(CHAT_STREAM_LINE_MAX, on_event, c);
	build_request(c, &req, &msgs);
	url = c->prov->url(c->pc->base_url, &req);
	body = c->prov->body(&req);
	free(msgs);
	if (c->key != NULL) {
		auth = xstrfmt("%s%s", c->prov->auth_prefix, c->key);
		hdrs[nh++] = auth;
	}
	hdrs[nh++] = "Content-Type: application/json";
	if (c->opts.stream && !c->prov->ndjson)
		hdrs[nh++] = "Accept: text/event-stream";
	for (hp = c->prov->headers; hp != NULL && *hp != NULL && nh + 1 < ARRAY_SIZE(hdrs); hp++)
		hdrs[nh++] = *hp;
	hdrs[nh] = NULL;
	memset(&spec, 0, sizeof spec);
	spec.url = url;
	spec.body = body;
	spec.headers = hdrs;
	spec.stall = c->cfg->timeout;
	spec.timeout = c->cfg->deadline;
	spec.data = on_data;
	spec.done = chat_on_done;
	spec.arg = c;
	c->req = http_start(c->http, &spec);
	secret_free(auth);
	free(url);
	free(body);
	return 0;
}

/*
 * A key over plain http:// can be read by anyone on the way: refuse it unless
 * the host is this machine or the provider allows it; through a proxy, say so.
 */
static enum chat_status
key_transport_ok(struct chat *c)
{
	const char *proxy;

	if (http_url_plain_remote(c->pc->base_url) && !c->pc->allow_insecure) {
		chat_fail(c, CHAT_USAGE, "%s: base_url %s is plain http to another host: the key "
		    "would cross the network unencrypted; use https://, or set allow_insecure = yes "
		    "in [provider.%s]", c->pc->name, c->pc->base_url, c->pc->name);
		return CHAT_USAGE;
	}
	if (http_url_plain(c->pc->base_url) && (proxy = http_url_proxy(c->pc->base_url)) != NULL)
		chat_note(c, "%s: the key goes unencrypted to the proxy in $%s (base_url is http://)",
		    c->pc->name, proxy);
	return 0;
}

/* Fetch the key of c->pc into c->key, if it has one to give: 0, or CHAT_AUTH after saying why. */
enum chat_status
chat_step_key(struct chat *c)
{
	enum cred_source src = CRED_NONE;
	char *cause = NULL, *msg;
	int rc;

	c->key_src = CRED_NONE;
	if (!c->pc->requires_key && c->pc->key_env == NULL && c->pc->key_command == NULL)
		return 0;
	rc = cred_get(c->pc, &c->key, &src, &cause);
	c->key_src = rc == 0 ? src : CRED_NONE;
	if (rc == 0 || (rc == 1 && !c->pc->requires_key))
		return 0;
	if (rc < 0 && cred_stopped()) {
		/* Ctrl-C at key_command's passphrase prompt: an interruption, not a missing key */
		chat_fail(c, CHAT_AUTH, "interrupted before the request was sent: provider %s's "
		    "key_command was stopped", c->pc->name);
		free(cause);
		return CHAT_AUTH;
	}
	/* every way to give a key, then why the keyring could not help */
	msg = cred_fail_msg(c->pc, rc == 1 ? NULL : cause);
	chat_fail(c, CHAT_AUTH, "%s", msg);
	free(msg);
	free(cause);
	return CHAT_AUTH;
}

/* Begin a step on c->model: fetch the key and send. Returns 0 or a chat_status. */
enum chat_status
chat_step_begin(struct chat *c, const char *why)
{
	char *cause = NULL;
	int rc;

	chat_step_clear(c);
	c->why = why;
	c->tries = 0;
	c->reached = false;
	c->cut_sent = false;
	c->step_start = clock_ms();
	c->pc = config_provider(c->cfg, c->model->provider);
	if (c->pc == NULL) {
		chat_fail(c, CHAT_USAGE, "model %s names an unknown provider '%s'", c->model->name,
		    c->model->provider);
		return CHAT_USAGE;
	}
	c->prov = provider_for(c->pc->api);
	c->may_escalate = c->opts.escalate && c->turn.route.mode != ROUTE_PINNED &&
	    c->tier < TIER_FRONTIER && !c->escalated && !c->compacting;
	c->holding = c->may_escalate;
	/* Without libcurl no try can succeed: say so at once, before any key is read. */
	if (http_load(&cause) != 0) {
		chat_fail(c, CHAT_PROVIDER, "%s", cause);
		free(cause);
		return CHAT_PROVIDER;
	}
	if ((rc = chat_step_key(c)) != 0)
		return rc;
	if (c->key != NULL && (rc = key_transport_ok(c)) != 0)
		return rc;
	return chat_step_send(c);
}

/* Tell the front end of a budget threshold this request was first to pass this month. */
static void
warn_passed(struct chat *c, const struct ledger_warn *w)
{
	struct forecast f;
	char month[8], line[400];
	bool has;

	if (w->passed == 0 || c->cb.warn == NULL)
		return;
	has = spend_forecast_ledger(c->ledger, w->m.month_start, w->m.month_end, clock_now(),
	    w->limit, &f, month) == 0;
	f.estimated = w->m.estimated;
	chart_warn_text(&w->m, w->passed, has ? &f : NULL, line, sizeof line);
	c->cb.warn(c->cb.arg, line);
}

void
chat_settle(struct chat *c, const char *status)
{
	struct ledger_warn w = { .at = c->cfg->warn_at, .n = c->cfg->nwarn_at,
	    .limit = c->cfg->budget };
	struct chat_step *s;
	struct usage u = c->ps.usage, prompt = c->ps.usage;
	/* a reply stopped at the cap never said what it used in all */
	bool est = !u.reported || c->too_large;
	int64_t cost = -1;
	char *cause = NULL;
	size_t i;

	if (est) {
		memset(&u, 0, sizeof u);
		/*
		 * A request that never reached the server cost exactly nothing. One
		 * stopped after it went out may be billed for its input even with no
		 * text back yet: estimated at that, not at $0, so that its month
		 * stays marked as an estimate. Stopped while waiting to try again,
		 * the tries so far failed, and cost what a failure costs.
		 */
		est = c->reached;
		if (c->text.len > 0 || strcmp(status, "ok") == 0 || c->emitted > 0 ||
		    (c->cut_sent && strcmp(status, "cancelled") == 0)) {
			u.input = c->input_est;
			/* the server's own count of the prompt, cache reads and writes apart, where it came */
			if (c->ps.prompt_known) {
				u.input = prompt.input;
				u.cached_input = prompt.cached_input;
				u.cache_write = prompt.cache_write;
				u.cache_write_1h = prompt.cache_write_1h;
			}
			u.output = pricing_estimate_tokens(c->text.data ? c->text.data : "", c->text.len);
		}
	}
	if (pricing_cost(c->model, &u, &cost) != PRICING_OK)
		cost = -1;
	if (!est && strcmp(status, "ok") == 0)
		chat_warm_note(c, c->model, &u, clock_now());
	/* counted exactly, but priced at a guess where the model lists no cache price */
	if (pricing_guessed(c->model, &u, c->pc != NULL && c->pc->api == API_ANTHROPIC))
		est = true;
	if (c->ledger != NULL && c->ledger_id != 0 &&
	    ledger_settle_warn(c->ledger, c->ledger_id, &u, cost, est, status,
	    clock_ms() - c->step_start, &w, &cause) != 0) {
		chat_note(c, "ledger: %s", cause ? cause : "cannot record the request");
		free(cause);
	} else if (c->ledger != NULL && c->ledger_id != 0) {
		warn_passed(c, &w);
	}
	if (c->turn.nsteps == CHAT_MAX_STEPS)
		return;
	s = &c->turn.steps[c->turn.nsteps++];
	s->model = c->model;
	s->tier = c->tier;
	s->why = c->why;
	s->usage = u;
	s->estimated = est;
	s->cost = cost;
	cache_effect(c->model, &u, &s->cache_saved, &s->cache_extra);
	s->ledger_id = c->ledger_id;
	s->status = strcmp(status, "ok") == 0 ? CHAT_OK : c->turn.status;
	c->turn.cost = 0;
	c->turn.estimated = false;
	for (i = 0; i < c->turn.nsteps; i++) {
		if (c->turn.steps[i].cost < 0 || c->turn.cost < 0) {
			c->turn.cost = -1;
			continue;
		}
		c->turn.cost += c->turn.steps[i].cost;
		c->turn.estimated |= c->turn.steps[i].estimated;
	}
	c->ledger_id = 0;
}
