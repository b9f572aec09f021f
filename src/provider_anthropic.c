/* provider_anthropic: the Messages wire format of Anthropic. */
#include "provider.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "wire.h"
#include "wire_call.h"

/* What anthropic_usage has seen, in st->usage_seen. */
#define ANTHROPIC_IN  1u   /* input_tokens */
#define ANTHROPIC_OUT 2u   /* the final output_tokens */
#define ANTHROPIC_BAD 4u   /* a count that is not a plausible whole number */

/*
 * Usage comes in message_start and again, cumulative, in message_delta, which
 * may carry only some fields: overwrite the ones present, never add. The
 * buckets are already disjoint (input_tokens excludes both caches). Cache
 * writes split by lifetime when the breakdown is given; without one they are
 * all 5-minute writes, keeping any 1-hour part learnt earlier.
 *
 * The figures count as reported once input_tokens and a final output_tokens
 * (message_delta's, or a whole reply's: message_start's is a placeholder of 1)
 * have come, and only while no count was malformed ({}, strings, negative or
 * absurd counts): otherwise the request is estimated, never booked as $0.
 */
static void
anthropic_usage(struct pstate *st, const cJSON *u, bool final)
{
	const cJSON *cc = wire_get(u, "cache_creation");
	int64_t v, w5 = 0, w1h = 0;
	int b5, b1h, ri, rr, ro, rw;

	if (!cJSON_IsObject(u))
		return;
	ri = wire_count(u, "input_tokens", &v);
	if (ri == 1)
		st->usage.input = v;
	rr = wire_count(u, "cache_read_input_tokens", &v);
	if (rr == 1)
		st->usage.cached_input = v;
	ro = wire_count(u, "output_tokens", &v);
	if (ro == 1)
		st->usage.output = v;
	b5 = wire_count(cc, "ephemeral_5m_input_tokens", &w5);
	b1h = wire_count(cc, "ephemeral_1h_input_tokens", &w1h);
	rw = wire_count(u, "cache_creation_input_tokens", &v);
	if (b5 == 1 || b1h == 1) {
		st->usage.cache_write = w5;
		st->usage.cache_write_1h = w1h;
	} else if (rw == 1) {
		if (v < st->usage.cache_write_1h)
			st->usage.cache_write_1h = 0;
		st->usage.cache_write = v - st->usage.cache_write_1h;
	}
	if (ri < 0 || rr < 0 || ro < 0 || b5 < 0 || b1h < 0 || rw < 0)
		st->usage_seen |= ANTHROPIC_BAD;
	if (ri == 1)
		st->usage_seen |= ANTHROPIC_IN;
	if (ro == 1 && final)
		st->usage_seen |= ANTHROPIC_OUT;
	st->raw_prompt = st->usage.input + st->usage.cached_input + st->usage.cache_write +
	    st->usage.cache_write_1h;
	st->raw_cached = st->usage.cached_input;
	st->usage.reasoning = 0; /* thinking is in output_tokens, with no separate count */
	st->usage.reported = st->usage_seen == (ANTHROPIC_IN | ANTHROPIC_OUT);
	st->prompt_known = (st->usage_seen & (ANTHROPIC_IN | ANTHROPIC_BAD)) == ANTHROPIC_IN;
}

static void
anthropic_stop(struct pstate *st, const char *reason)
{
	if (reason == NULL || *reason == '\0' || st->stop == STOP_ERROR)
		return;
	if (strcmp(reason, "max_tokens") == 0 || strcmp(reason, "model_context_window_exceeded") == 0)
		st->stop = STOP_LENGTH;
	else if (strcmp(reason, "refusal") == 0)
		st->stop = STOP_FILTER;
	else
		st->stop = STOP_END; /* end_turn, stop_sequence, tool_use, pause_turn */
}

static void
anthropic_text(struct pstate *st, const char *s)
{
	if (s != NULL)
		wire_emit(st, s, strlen(s));
}

/* "message (type)" from {"type":"error","error":{"type","message"}} (malloc'd), NULL if none. */
static char *
anthropic_errmsg(const cJSON *j)
{
	const cJSON *err = wire_get(j, "error");

	return wire_msg_kind(wire_str(err, "message"), wire_str(err, "type"));
}

/*
 * What kind of failure an error object is. Anthropic answers an account
 * without credit with HTTP 400 and invalid_request_error, told apart from a
 * request to fix only by its message ("Your credit balance is too low to
 * access the Anthropic API. Please go to Plans & Billing..."): out of credit,
 * which no retry and no other model of the account mends.
 */
static enum fault
anthropic_fault(const cJSON *j)
{
	enum fault f = wire_fault(j);
	const char *msg = wire_str(wire_get(j, "error"), "message");

	if (f == FAULT_REQUEST && msg != NULL && strstr(msg, "credit balance is too low") != NULL)
		return FAULT_QUOTA;
	return f;
}

/* anthropic_fault of a whole error body; FAULT_NONE when it is not JSON. */
static enum fault
anthropic_fault_body(const char *body, size_t len)
{
	cJSON *j = wire_parse(body, len);
	enum fault f = anthropic_fault(j);

	cJSON_Delete(j);
	return f;
}

/* The block's index as a call key; -1 when it has none. */
static long
anthropic_index(const cJSON *j)
{
	const cJSON *i = wire_get(j, "index");

	return cJSON_IsNumber(i) && i->valuedouble >= 0 && i->valuedouble < 1e6 ? (long)i->valuedouble : -1;
}

/* A tool_use block opens (its input is a placeholder), or a fragment of its input comes. */
static void
anthropic_call(struct pstate *st, const cJSON *j, const cJSON *block, const cJSON *delta)
{
	long key = anthropic_index(j);
	const char *s;

	if (block != NULL && wire_is(block, "type", "tool_use")) {
		wire_call_begin(st, key, wire_str(block, "id"), wire_str(block, "name"));
		return;
	}
	s = wire_str(delta, "partial_json");
	/* a server tool's block (server_tool_use) was never begun: its input is not ours */
	if (wire_is(delta, "type", "input_json_delta") && s != NULL)
		wire_call_args(st, key, s, strlen(s));
}

/* One streamed event, told apart by its SSE name or else its "type". */
static enum pev
anthropic_object(struct pstate *st, const char *type, const cJSON *j)
{
	const cJSON *d;

	if (strcmp(type, "error") == 0) {
		st->fault = anthropic_fault(j);
		return wire_error_event(st, anthropic_errmsg(j));
	}
	if (strcmp(type, "message_start") == 0) {
		anthropic_usage(st, wire_get(wire_get(j, "message"), "usage"), false);
	} else if (strcmp(type, "message_delta") == 0) {
		anthropic_stop(st, wire_str(wire_get(j, "delta"), "stop_reason"));
		anthropic_usage(st, wire_get(j, "usage"), true);
		if (st->stop != STOP_NONE)
			wire_calls_flush(st, true);
	} else if (strcmp(type, "content_block_start") == 0) {
		d = wire_get(j, "content_block");
		if (wire_is(d, "type", "text"))
			anthropic_text(st, wire_str(d, "text"));
		anthropic_call(st, j, d, NULL);
	} else if (strcmp(type, "content_block_delta") == 0) {
		/* thinking_delta, signature_delta and input_json_delta are not answer text */
		d = wire_get(j, "delta");
		if (wire_is(d, "type", "text_delta"))
			anthropic_text(st, wire_str(d, "text"));
		anthropic_call(st, j, NULL, d);
	} else if (strcmp(type, "message_stop") == 0) {
		wire_calls_flush(st, true);
		st->done = true;
		return PEV_DONE;
	}
	return PEV_OK; /* ping, content_block_stop, and events added later */
}

static char *
anthropic_url(const char *base_url, const struct request *req)
{
	(void)req;
	return wire_url(base_url, "/messages");
}

/* Images go first in a user turn's content blocks, as base64 sources; the text after. */
static void
anthropic_add_images(cJSON *root, const struct request *req, const int *at)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages"), *m, *parts, *p, *src;
	size_t i, k;

	for (i = 0; i < req->nmsgs; i++) {
		if (req->msgs[i].nimages == 0 || (m = cJSON_GetArrayItem(msgs, at[i])) == NULL)
			continue;
		parts = cJSON_CreateArray();
		for (k = 0; k < req->msgs[i].nimages; k++) {
			const struct image *im = &req->msgs[i].images[k];
			char *b64 = wire_base64(im->data, im->len);

			p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "type", "image");
			src = cJSON_AddObjectToObject(p, "source");
			cJSON_AddStringToObject(src, "type", "base64");
			cJSON_AddStringToObject(src, "media_type", im->media_type);
			cJSON_AddStringToObject(src, "data", b64);
			cJSON_AddItemToArray(parts, p);
			free(b64);
		}
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "type", "text");
		cJSON_AddStringToObject(p, "text", req->msgs[i].text ? req->msgs[i].text : "");
		cJSON_AddItemToArray(parts, p);
		cJSON_ReplaceItemInObjectCaseSensitive(m, "content", parts);
	}
}

/* {"type":"ephemeral"}, with the 1-hour lifetime when asked for. */
static cJSON *
anthropic_cache_control(const struct request *req)
{
	cJSON *cc = cJSON_CreateObject();

	cJSON_AddStringToObject(cc, "type", "ephemeral");
	if (req->cache_ttl >= 3600)
		cJSON_AddStringToObject(cc, "ttl", "1h");
	return cc;
}

/*
 * Put a breakpoint on the last block of owner[key]: a plain string becomes
 * the one text block it stands for, which the API caches as the same prompt.
 */
static void
anthropic_mark(cJSON *owner, const char *key, const struct request *req)
{
	cJSON *content = cJSON_GetObjectItemCaseSensitive(owner, key), *blocks, *last;

	if (cJSON_IsString(content)) {
		blocks = cJSON_CreateArray();
		last = cJSON_CreateObject();
		cJSON_AddStringToObject(last, "type", "text");
		cJSON_AddStringToObject(last, "text", content->valuestring);
		cJSON_AddItemToArray(blocks, last);
		cJSON_ReplaceItemInObjectCaseSensitive(owner, key, blocks);
		content = blocks;
	}
	last = cJSON_IsArray(content) ? cJSON_GetArrayItem(content, cJSON_GetArraySize(content) - 1) : NULL;
	if (cJSON_IsObject(last) && cJSON_GetObjectItemCaseSensitive(last, "cache_control") == NULL)
		cJSON_AddItemToObject(last, "cache_control", anthropic_cache_control(req));
}

/* Prompt-cache breakpoints where the request asks for them: the system prompt, marked messages. */
static void
anthropic_cache(cJSON *root, const struct request *req, const int *at)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
	size_t i;

	if (!req->cache)
		return;
	if (req->cache_system && req->system != NULL)
		anthropic_mark(root, "system", req);
	for (i = 0; i < req->nmsgs; i++)
		if (req->msgs[i].cache_mark)
			anthropic_mark(cJSON_GetArrayItem(msgs, at[i]), "content", req);
}

/* An assistant turn with its calls, as text and tool_use blocks. */
static void
anthropic_calls_msg(cJSON *msgs, const struct msg *m)
{
	cJSON *item = cJSON_CreateObject(), *content, *b;
	size_t i;

	cJSON_AddStringToObject(item, "role", "assistant");
	content = cJSON_AddArrayToObject(item, "content");
	if (m->text != NULL && *m->text != '\0') {
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "type", "text");
		cJSON_AddStringToObject(b, "text", m->text);
		cJSON_AddItemToArray(content, b);
	}
	for (i = 0; i < m->ncalls; i++) {
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "type", "tool_use");
		cJSON_AddStringToObject(b, "id", m->calls[i].id ? m->calls[i].id : "");
		cJSON_AddStringToObject(b, "name", m->calls[i].name ? m->calls[i].name : "");
		cJSON_AddItemToObject(b, "input", wire_args_object(m->calls[i].args));
		cJSON_AddItemToArray(content, b);
	}
	cJSON_AddItemToArray(msgs, item);
}

/*
 * A run of tool results from *i on: one user message whose content is one
 * tool_result per call, as the API wants them (never split over messages).
 * *i is left on the last one.
 */
static void
anthropic_results_msg(cJSON *msgs, const struct request *req, size_t *i)
{
	cJSON *item = cJSON_CreateObject(), *content, *b;
	const struct msg *m;

	cJSON_AddStringToObject(item, "role", "user");
	content = cJSON_AddArrayToObject(item, "content");
	for (; *i < req->nmsgs; (*i)++) {
		m = &req->msgs[*i];
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "type", "tool_result");
		cJSON_AddStringToObject(b, "tool_use_id", m->call_id ? m->call_id : "");
		cJSON_AddStringToObject(b, "content", m->text ? m->text : "");
		if (m->call_error)
			cJSON_AddBoolToObject(b, "is_error", 1);
		cJSON_AddItemToArray(content, b);
		if (*i + 1 == req->nmsgs || req->msgs[*i + 1].role == NULL ||
		    strcmp(req->msgs[*i + 1].role, "tool") != 0)
			break;
	}
	cJSON_AddItemToArray(msgs, item);
}

/* Messages of a tool loop in Anthropic's shape; false for a plain one. */
static bool
anthropic_tool_msg(cJSON *msgs, const struct request *req, size_t *i)
{
	const struct msg *m = &req->msgs[*i];

	if (m->ncalls > 0) {
		anthropic_calls_msg(msgs, m);
		return true;
	}
	if (m->role != NULL && strcmp(m->role, "tool") == 0) {
		anthropic_results_msg(msgs, req, i);
		return true;
	}
	return false;
}

/* "tools": name, description, input_schema. */
static void
anthropic_tools(cJSON *root, const struct request *req)
{
	cJSON *tools;
	size_t i;

	if (req->ntools == 0)
		return;
	tools = cJSON_AddArrayToObject(root, "tools");
	for (i = 0; i < req->ntools; i++)
		cJSON_AddItemToArray(tools, wire_tool_decl(&req->tools[i], "input_schema"));
}

static char *
anthropic_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *msgs;
	size_t i, k, from;
	int *at = xreallocarray(NULL, req->nmsgs + 1, sizeof *at);

	cJSON_AddStringToObject(root, "model", req->model != NULL ? req->model : "");
	/* required here, unlike elsewhere */
	cJSON_AddNumberToObject(root, "max_tokens", req->max_tokens > 0 ? (double)req->max_tokens : 4096);
	if (req->system != NULL)
		cJSON_AddStringToObject(root, "system", req->system); /* no system role in messages */
	msgs = cJSON_AddArrayToObject(root, "messages");
	/* at[i]: the message that carries msgs[i] (a run of tool results is one) */
	for (i = 0; i < req->nmsgs; i++) {
		from = i;
		if (!anthropic_tool_msg(msgs, req, &i))
			wire_add_msg(msgs, req->msgs[i].role, req->msgs[i].text);
		for (k = from; k <= i && k < req->nmsgs; k++)
			at[k] = cJSON_GetArraySize(msgs) - 1;
	}
	anthropic_add_images(root, req, at);
	anthropic_cache(root, req, at);
	free(at);
	cJSON_AddBoolToObject(root, "stream", req->stream);
	wire_add_temperature(root, req);
	anthropic_tools(root, req);
	return wire_print(root);
}

static enum pev
anthropic_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	const char *type;
	enum pev rc;
	cJSON *j;

	j = wire_event_object(st, data, len, &rc);
	if (j == NULL)
		return rc;
	type = name != NULL ? name : wire_str(j, "type");
	rc = anthropic_object(st, type != NULL ? type : "", j);
	cJSON_Delete(j);
	return rc;
}

/* A whole reply: text blocks joined and handed over once. */
static enum pev
anthropic_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = wire_parse(body, len);
	const cJSON *c;
	struct buf text;
	enum pev rc = PEV_DONE;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return wire_bad(st, body, len);
	}
	if (wire_is(j, "type", "error") || cJSON_IsObject(wire_get(j, "error"))) {
		st->fault = anthropic_fault(j);
		rc = wire_error_event(st, anthropic_errmsg(j));
		cJSON_Delete(j);
		return rc;
	}
	buf_init(&text, 0);
	cJSON_ArrayForEach(c, wire_get(j, "content")) {
		if (wire_is(c, "type", "text") && wire_str(c, "text") != NULL)
			buf_adds(&text, wire_str(c, "text"));
		if (wire_is(c, "type", "tool_use") &&
		    wire_call_begin(st, (long)wire_calls_count(st), wire_str(c, "id"), wire_str(c, "name")))
			wire_call_args_json(st, (long)wire_calls_count(st) - 1, wire_get(c, "input"));
	}
	anthropic_text(st, buf_str(&text));
	buf_done(&text);
	anthropic_usage(st, wire_get(j, "usage"), true);
	anthropic_stop(st, wire_str(j, "stop_reason"));
	wire_calls_flush(st, true);
	st->done = true;
	cJSON_Delete(j);
	return rc;
}

static char *
anthropic_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = wire_parse(body, len);
	char *msg = NULL;

	if (retry_ms != NULL)
		*retry_ms = -1; /* Anthropic says it in a retry-after header */
	if (cJSON_IsObject(j))
		msg = anthropic_errmsg(j);
	cJSON_Delete(j);
	return wire_error_or(msg, status, body, len);
}

static const char *const anthropic_headers[] = { "anthropic-version: 2023-06-01", NULL };

/* The Anthropic Messages format. */
const struct provider provider_anthropic = {
	.name = "anthropic",
	.api = API_ANTHROPIC,
	.ndjson = false,
	.auth_prefix = "x-api-key: ",
	.headers = anthropic_headers,
	.url = anthropic_url,
	.body = anthropic_body,
	.event = anthropic_event,
	.whole = anthropic_whole,
	.error = anthropic_error,
	.fault = anthropic_fault_body,
};
