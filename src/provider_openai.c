/* provider_openai: the Chat Completions wire format of OpenAI and the servers compatible with it. */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "wire.h"
#include "wire_call.h"

/*
 * The message of an error object, string or flat {"message": ...} (malloc'd),
 * with its code or type, NULL if there is none. OpenRouter passes the
 * upstream provider's own words in metadata.raw: they say more than its
 * "Provider returned error".
 */
static char *
openai_errmsg(const cJSON *err, const cJSON *top)
{
	const char *msg = NULL, *kind = NULL, *raw;
	const cJSON *code;
	struct buf b;
	char *line;

	if (cJSON_IsString(err)) {
		msg = err->valuestring;
	} else if (cJSON_IsObject(err)) {
		msg = wire_str(err, "message");
		code = wire_get(err, "code");
		kind = cJSON_IsString(code) && *code->valuestring ? code->valuestring : wire_str(err, "type");
	} else if (top != NULL) {
		/* vLLM and some proxies: {"object":"error","message":...,"type":...} */
		msg = wire_str(top, "message");
		kind = wire_str(top, "type");
	}
	if (msg == NULL || *msg == '\0')
		msg = kind;
	if (msg == NULL || *msg == '\0')
		return NULL;
	buf_init(&b, 0);
	buf_adds(&b, msg);
	raw = wire_str(wire_get(err, "metadata"), "raw");
	if (raw != NULL && *raw != '\0')
		buf_addf(&b, ": %s", raw);
	if (kind != NULL && *kind != '\0' && strcmp(kind, msg) != 0)
		buf_addf(&b, " (%s)", kind);
	line = wire_line(buf_str(&b), b.len, WIRE_MSG_MAX);
	buf_done(&b);
	return line;
}

/*
 * Usage is cumulative and arrives once (a usage chunk before [DONE], or on the
 * finish chunk for Mistral and Together); some servers repeat it, so overwrite.
 * prompt_tokens includes cached and cache-written tokens, so take them out to
 * keep the buckets disjoint. completion_tokens includes reasoning, except on
 * xAI, whose total_tokens is prompt + completion + reasoning: the total says
 * which, and reasoning is billed as output either way.
 * The figures count as reported only when both required counts are there and
 * every count present is a plausible whole number: anything else ({}, strings,
 * negative or absurd counts) leaves the request to be estimated, never $0.
 */
static void
openai_usage(struct pstate *st, const cJSON *u)
{
	const cJSON *pd;
	int64_t prompt = 0, cached = 0, hit = 0, write = 0, out = 0, reasoning = 0, total = 0;
	int rp, ro, rc, rh, rw, rr, rt;

	if (!cJSON_IsObject(u))
		return;
	rp = wire_count(u, "prompt_tokens", &prompt);
	ro = wire_count(u, "completion_tokens", &out);
	pd = wire_get(u, "prompt_tokens_details");
	rc = wire_count(pd, "cached_tokens", &cached);
	rh = wire_count(u, "prompt_cache_hit_tokens", &hit); /* DeepSeek */
	rw = wire_count(pd, "cache_write_tokens", &write); /* OpenRouter */
	rr = wire_count(wire_get(u, "completion_tokens_details"), "reasoning_tokens", &reasoning);
	rt = wire_count(u, "total_tokens", &total);
	memset(&st->usage, 0, sizeof st->usage);
	st->prompt_known = false;
	if (rp != 1 || ro != 1 || rc < 0 || rh < 0 || rw < 0 || rr < 0)
		return;
	if (rt == 1 && reasoning > 0 && total != prompt + out && total == prompt + out + reasoning)
		out += reasoning;
	if (cached == 0)
		cached = hit;
	if (cached > prompt)
		cached = prompt;
	if (write > prompt - cached)
		write = prompt - cached;
	if (reasoning > out)
		reasoning = out;
	st->usage.input = prompt - cached - write;
	st->usage.cached_input = cached;
	st->usage.cache_write = write;
	st->usage.cache_write_1h = 0;
	st->usage.output = out;
	st->usage.reasoning = reasoning;
	st->usage.reported = true;
	st->prompt_known = true;
}

/* Duplicate finish chunks happen (OpenRouter): map, never accumulate. */
static void
openai_finish(struct pstate *st, const char *reason)
{
	enum stop stop;

	if (reason == NULL || *reason == '\0')
		return; /* old Ollama /v1 sends "" on every chunk */
	if (strcmp(reason, "length") == 0)
		stop = STOP_LENGTH;
	else if (strcmp(reason, "content_filter") == 0)
		stop = STOP_FILTER;
	else if (strcmp(reason, "error") == 0)
		stop = STOP_ERROR;
	else
		stop = STOP_END; /* stop, tool_calls, function_call, eos, ... */
	if (st->stop != STOP_ERROR)
		st->stop = stop;
}

/* Add answer text to the reply being collected. */
static void
openai_text(struct buf *text, const char *s)
{
	if (s != NULL)
		buf_adds(text, s);
}

/*
 * content is a string, or (Mistral's reasoning models) an array of typed
 * chunks of which only "text" ones are the answer; "thinking" ones are not.
 */
static void
openai_content(struct buf *text, const cJSON *content)
{
	const cJSON *c;

	if (cJSON_IsString(content))
		openai_text(text, content->valuestring);
	if (!cJSON_IsArray(content))
		return;
	cJSON_ArrayForEach(c, content) {
		if (wire_is(c, "type", "text"))
			openai_text(text, wire_str(c, "text"));
	}
}

/*
 * Tool-call fragments, keyed by their index; id and name come in the first
 * only. Without an index (Gemini's compatible endpoint, old Ollama /v1) a
 * fragment with a name starts a new call and one without goes on the last.
 */
static void
openai_calls(struct pstate *st, const cJSON *calls)
{
	const cJSON *t, *f, *idx;
	const char *name;
	long key;

	cJSON_ArrayForEach(t, calls) {
		if (!cJSON_IsObject(t))
			continue;
		f = wire_get(t, "function");
		name = wire_str(f, "name");
		idx = wire_get(t, "index");
		if (cJSON_IsNumber(idx) && idx->valuedouble >= 0 && idx->valuedouble < 1e6)
			key = (long)idx->valuedouble;
		else if ((name != NULL && *name != '\0') || wire_calls_count(st) == 0)
			key = -1 - (long)wire_calls_count(st);
		else
			key = -(long)wire_calls_count(st);
		if (!wire_call_begin(st, key, wire_str(t, "id"), name))
			continue;
		wire_call_args_json(st, key, wire_get(f, "arguments"));
	}
}

/* DeepSeek's reasoning text, kept to be sent back; never the answer. */
static void
openai_reasoning_in(struct pstate *st, const char *s)
{
	if (s != NULL && *s != '\0' && st->on_reasoning != NULL)
		st->on_reasoning(st->arg, s, strlen(s));
}

/* One chunk, or (whole) one complete reply: usage, error, then the first choice's text at once. */
static enum pev
openai_object(struct pstate *st, const cJSON *j, bool whole)
{
	const cJSON *err, *c, *part, *usage, *object;
	const char *refusal;
	struct buf text;

	/* Groq's x_groq.usage comes from before include_usage existed */
	usage = wire_get(j, "usage");
	openai_usage(st, cJSON_IsObject(usage) ? usage : wire_get(wire_get(j, "x_groq"), "usage"));
	err = wire_get(j, "error");
	object = wire_get(j, "object");
	if (cJSON_IsObject(err) || (cJSON_IsString(err) && *err->valuestring != '\0') ||
	    (cJSON_IsString(object) && strcmp(object->valuestring, "error") == 0)) {
		st->fault = wire_fault(j);
		return wire_error_event(st, openai_errmsg(err, j));
	}
	c = wire_get(j, "choices");
	c = cJSON_IsArray(c) ? c->child : NULL;
	if (cJSON_IsObject(c)) {
		part = wire_get(c, whole ? "message" : "delta");
		refusal = wire_str(part, "refusal"); /* a refusal is what the user gets to read */
		buf_init(&text, 0);
		openai_content(&text, wire_get(part, "content"));
		openai_text(&text, refusal);
		wire_emit(st, buf_str(&text), text.len);
		buf_done(&text);
		openai_reasoning_in(st, wire_str(part, "reasoning_content"));
		openai_calls(st, wire_get(part, "tool_calls"));
		openai_finish(st, wire_str(c, "finish_reason"));
		if (whole || st->stop != STOP_NONE)
			wire_calls_flush(st, true);
	}
	return whole ? PEV_DONE : PEV_OK;
}

/* Whether an event's data is the "[DONE]" sentinel, compared before any JSON parse. */
static bool
openai_is_done(const char *data, size_t len)
{
	while (len > 0 && isspace((unsigned char)*data)) {
		data++;
		len--;
	}
	return len >= 6 && memcmp(data, "[DONE]", 6) == 0;
}

static char *
openai_url(const char *base_url, const struct request *req)
{
	(void)req;
	return wire_url(base_url, "/chat/completions");
}

/* Images go in a user turn's content array as data: URLs, after its text. */
static void
openai_add_images(cJSON *root, const struct request *req)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages"), *m, *parts, *p, *u;
	size_t i, k;

	for (i = 0; i < req->nmsgs; i++) {
		if (req->msgs[i].nimages == 0 ||
		    (m = wire_msg_at(msgs, req->system != NULL, i)) == NULL)
			continue;
		parts = cJSON_CreateArray();
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "type", "text");
		cJSON_AddStringToObject(p, "text", req->msgs[i].text ? req->msgs[i].text : "");
		cJSON_AddItemToArray(parts, p);
		for (k = 0; k < req->msgs[i].nimages; k++) {
			const struct image *im = &req->msgs[i].images[k];
			char *b64 = wire_base64(im->data, im->len);
			char *url = xstrfmt("data:%s;base64,%s", im->media_type, b64);

			p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "type", "image_url");
			u = cJSON_AddObjectToObject(p, "image_url");
			cJSON_AddStringToObject(u, "url", url);
			cJSON_AddItemToArray(parts, p);
			free(url);
			free(b64);
		}
		cJSON_ReplaceItemInObjectCaseSensitive(m, "content", parts);
	}
}

/*
 * OpenAI caches long prefixes by itself; the key keeps one conversation's
 * requests on the same cache (sent only where the API accepts it).
 */
static void
openai_cache(cJSON *root, const struct request *req)
{
	if (req->cache && req->cache_key != NULL)
		cJSON_AddStringToObject(root, "prompt_cache_key", req->cache_key);
}

/*
 * DeepSeek V4 thinks by default and refuses a history whose assistant turns
 * lack their reasoning_content ("" when there was none); no other server is
 * sent the field.
 */
static bool
openai_sends_reasoning(const char *model)
{
	return model != NULL && strstr(model, "deepseek-v4") != NULL;
}

static void
openai_reasoning_out(cJSON *root, const struct request *req)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages"), *m;
	size_t i;

	if (!openai_sends_reasoning(req->model))
		return;
	for (i = 0; i < req->nmsgs; i++) {
		if (req->msgs[i].role == NULL || strcmp(req->msgs[i].role, "assistant") != 0 ||
		    (m = wire_msg_at(msgs, req->system != NULL, i)) == NULL)
			continue;
		cJSON_AddStringToObject(m, "reasoning_content",
		    req->msgs[i].reasoning != NULL ? req->msgs[i].reasoning : "");
	}
}

/* Whether model is one of Mistral's, whose API takes only 9-character [a-zA-Z0-9] call ids. */
static bool
openai_mistral(const char *model)
{
	static const char *const names[] = { "mistral", "magistral", "codestral", "devstral",
		"ministral", "pixtral" };
	size_t i;

	for (i = 0; model != NULL && i < ARRAY_SIZE(names); i++)
		if (strstr(model, names[i]) != NULL)
			return true;
	return false;
}

/* id as Mistral takes it: kept when it already fits, else 9 characters derived from it. */
static void
openai_mistral_id(cJSON *o, const char *key)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	const char *id = wire_str(o, key);
	uint64_t h = 14695981039346656037u;
	char out[10];
	size_t i, n;

	if (id == NULL)
		return;
	n = strlen(id);
	for (i = 0; i < n && isalnum((unsigned char)id[i]); i++)
		;
	if (n == 9 && i == n)
		return;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211u;
	for (i = 0; i < 9; i++, h /= 62)
		out[i] = digits[h % 62];
	out[9] = '\0';
	cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(out));
}

/*
 * Calls another model made (a fallback mid-task) carry ids Mistral refuses:
 * each goes as 9 characters derived from it, the same in the call and in its
 * result, so they still pair.
 */
static void
openai_mistral_ids(cJSON *root, const struct request *req)
{
	cJSON *m, *c;

	if (!openai_mistral(req->model))
		return;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(root, "messages")) {
		openai_mistral_id(m, "tool_call_id");
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(m, "tool_calls"))
			openai_mistral_id(c, "id");
	}
}

static char *
openai_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *opts;

	wire_chat_messages(root, req);
	cJSON_AddBoolToObject(root, "stream", req->stream);
	if (req->stream) {
		/* without it the usage chunk never comes; OpenRouter ignores it, harmlessly */
		opts = cJSON_AddObjectToObject(root, "stream_options");
		cJSON_AddBoolToObject(opts, "include_usage", 1);
	}
	/*
	 * OpenAI's own API refuses max_tokens for its reasoning models and takes
	 * max_completion_tokens from all; compatible servers know only max_tokens.
	 */
	if (req->max_tokens > 0)
		cJSON_AddNumberToObject(root, req->completion_tokens ? "max_completion_tokens" : "max_tokens",
		    (double)req->max_tokens);
	wire_add_temperature(root, req);
	openai_add_images(root, req);
	openai_cache(root, req);
	wire_tools_chat(root, req);
	wire_chat_calls(root, req, true);
	openai_reasoning_out(root, req);
	openai_mistral_ids(root, req);
	return wire_print(root);
}

static enum pev
openai_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	cJSON *j;
	enum pev rc;

	(void)name; /* Chat Completions names no events */
	if (openai_is_done(data, len)) {
		wire_calls_flush(st, true);
		st->done = true;
		return PEV_DONE;
	}
	j = wire_event_object(st, data, len, &rc);
	if (j == NULL)
		return rc;
	rc = openai_object(st, j, false);
	cJSON_Delete(j);
	return rc;
}

static enum pev
openai_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = wire_parse(body, len); /* leading blank lines (DeepSeek keep-alives) are white space */
	enum pev rc;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return wire_bad(st, body, len);
	}
	rc = openai_object(st, j, true);
	cJSON_Delete(j);
	if (rc == PEV_DONE)
		st->done = true;
	return rc;
}

static char *
openai_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = wire_parse(body, len);
	char *msg = NULL;

	if (retry_ms != NULL)
		*retry_ms = -1; /* OpenAI-compatible servers say it in headers, if anywhere */
	if (cJSON_IsObject(j))
		msg = openai_errmsg(wire_get(j, "error"), j);
	cJSON_Delete(j);
	return wire_error_or(msg, status, body, len);
}

static const char *const openai_headers[] = { NULL };

/* The Chat Completions format. */
const struct provider provider_openai = {
	.name = "openai",
	.api = API_OPENAI,
	.ndjson = false,
	.auth_prefix = "Authorization: Bearer ",
	.headers = openai_headers,
	.url = openai_url,
	.body = openai_body,
	.event = openai_event,
	.whole = openai_whole,
	.error = openai_error,
	.fault = wire_fault_body,
	.sends_reasoning = openai_sends_reasoning,
};
