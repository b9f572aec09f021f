/* provider_openai: the Chat Completions wire format of OpenAI and the servers compatible with it. */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "util.h"
#include "visible.h"

#define OPENAI_MSG_MAX 300   /* bytes of server text kept in a one-line message */
#define OPENAI_TOKENS_MAX 9e15

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
static cJSON *
openai_parse(const char *data, size_t len)
{
	const char *end = NULL;
	cJSON *j;

	if (data == NULL || len == 0)
		return NULL;
	j = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (j == NULL || end == NULL)
		return j;
	while (end < data + len && isspace((unsigned char)*end))
		end++;
	if (end != data + len) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* Whether data[0..len) is nothing but white space. */
static bool
openai_blank(const char *data, size_t len)
{
	size_t i;

	for (i = 0; data != NULL && i < len; i++)
		if (!isspace((unsigned char)data[i]))
			return false;
	return true;
}

static const cJSON *
openai_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A token count: a non-negative number, else false and *out untouched. */
static bool
openai_int(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = openai_get(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > OPENAI_TOKENS_MAX)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

static const char *
openai_str(const cJSON *o, const char *key)
{
	const cJSON *v = openai_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Up to max bytes of server text as one printable line (malloc'd); controls made visible. */
static char *
openai_line(const char *s, size_t n, size_t max)
{
	char *tmp, *out;
	size_t i;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* cut between characters, not inside one */
	}
	tmp = xstrndup(s, n);
	for (i = 0; i < n; i++)
		if (tmp[i] == '\n' || tmp[i] == '\r' || tmp[i] == '\t')
			tmp[i] = ' ';
	out = visible_str(tmp, n);
	free(tmp);
	str_trim(out);
	return out;
}

static enum pev
openai_fail(struct pstate *st, enum pev rc, char *msg)
{
	free(st->error);
	st->error = msg;
	if (rc == PEV_ERROR)
		st->stop = STOP_ERROR;
	return rc;
}

static enum pev
openai_bad(struct pstate *st, const char *data, size_t len)
{
	char *snip, *msg;

	if (data == NULL)
		len = 0;
	snip = openai_line(data != NULL ? data : "", len, 80);
	msg = xstrfmt("malformed reply from the server: %s", snip);
	free(snip);
	return openai_fail(st, PEV_BAD, msg);
}

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
		msg = openai_str(err, "message");
		code = openai_get(err, "code");
		kind = cJSON_IsString(code) && *code->valuestring ? code->valuestring : openai_str(err, "type");
	} else if (top != NULL) {
		/* vLLM and some proxies: {"object":"error","message":...,"type":...} */
		msg = openai_str(top, "message");
		kind = openai_str(top, "type");
	}
	if (msg == NULL || *msg == '\0')
		msg = kind;
	if (msg == NULL || *msg == '\0')
		return NULL;
	buf_init(&b, 0);
	buf_adds(&b, msg);
	raw = openai_str(openai_get(err, "metadata"), "raw");
	if (raw != NULL && *raw != '\0')
		buf_addf(&b, ": %s", raw);
	if (kind != NULL && *kind != '\0' && strcmp(kind, msg) != 0)
		buf_addf(&b, " (%s)", kind);
	line = openai_line(buf_str(&b), b.len, OPENAI_MSG_MAX);
	buf_done(&b);
	return line;
}

/*
 * Usage is cumulative and arrives once (a usage chunk before [DONE], or on the
 * finish chunk for Mistral and Together); some servers repeat it, so overwrite.
 * prompt_tokens includes cached and cache-written tokens, so take them out to
 * keep the buckets disjoint; completion_tokens already includes reasoning.
 */
static void
openai_usage(struct pstate *st, const cJSON *j)
{
	const cJSON *u = openai_get(j, "usage"), *pd;
	int64_t prompt = 0, cached = 0, write = 0, out = 0, reasoning = 0;

	if (!cJSON_IsObject(u))
		u = openai_get(openai_get(j, "x_groq"), "usage"); /* Groq, before include_usage */
	if (!cJSON_IsObject(u))
		return;
	openai_int(u, "prompt_tokens", &prompt);
	openai_int(u, "completion_tokens", &out);
	pd = openai_get(u, "prompt_tokens_details");
	if (!openai_int(pd, "cached_tokens", &cached) || cached == 0)
		openai_int(u, "prompt_cache_hit_tokens", &cached); /* DeepSeek */
	openai_int(pd, "cache_write_tokens", &write); /* OpenRouter */
	openai_int(openai_get(u, "completion_tokens_details"), "reasoning_tokens", &reasoning);
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
	const char *type;

	if (cJSON_IsString(content))
		openai_text(text, content->valuestring);
	if (!cJSON_IsArray(content))
		return;
	cJSON_ArrayForEach(c, content) {
		type = openai_str(c, "type");
		if (type != NULL && strcmp(type, "text") == 0)
			openai_text(text, openai_str(c, "text"));
	}
}

/* One chunk, or (whole) one complete reply: usage, error, then the first choice's text at once. */
static enum pev
openai_object(struct pstate *st, const cJSON *j, bool whole)
{
	const cJSON *err = openai_get(j, "error"), *choices, *c, *part;
	const char *object = openai_str(j, "object");
	struct buf text;
	char *msg;

	openai_usage(st, j);
	if (cJSON_IsObject(err) || (cJSON_IsString(err) && *err->valuestring != '\0') ||
	    (object != NULL && strcmp(object, "error") == 0)) {
		msg = openai_errmsg(err, j);
		return openai_fail(st, PEV_ERROR, msg != NULL ? msg : xstrdup("error reported by the server"));
	}
	choices = openai_get(j, "choices");
	c = cJSON_IsArray(choices) ? cJSON_GetArrayItem(choices, 0) : NULL;
	if (cJSON_IsObject(c)) {
		buf_init(&text, 0);
		part = openai_get(c, whole ? "message" : "delta");
		openai_content(&text, openai_get(part, "content"));
		openai_text(&text, openai_str(part, "refusal")); /* a refusal is what the user gets to read */
		if (text.len > 0 && st->on_text != NULL)
			st->on_text(st->arg, buf_str(&text), text.len);
		buf_done(&text);
		openai_finish(st, openai_str(c, "finish_reason"));
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
	const char *b = base_url != NULL ? base_url : "";
	size_t n = strlen(b);

	(void)req;
	while (n > 0 && b[n - 1] == '/')
		n--;
	return xstrfmt("%.*s/chat/completions", (int)n, b);
}

static void
openai_add_msg(cJSON *arr, const char *role, const char *text)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "role", role);
	cJSON_AddStringToObject(m, "content", text != NULL ? text : "");
	cJSON_AddItemToArray(arr, m);
}

static char *
openai_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *msgs, *opts;
	char *out;
	size_t i;

	cJSON_AddStringToObject(root, "model", req->model != NULL ? req->model : "");
	msgs = cJSON_AddArrayToObject(root, "messages");
	if (req->system != NULL)
		openai_add_msg(msgs, "system", req->system);
	for (i = 0; i < req->nmsgs; i++)
		openai_add_msg(msgs, req->msgs[i].role != NULL ? req->msgs[i].role : "user", req->msgs[i].text);
	cJSON_AddBoolToObject(root, "stream", req->stream);
	if (req->stream) {
		/* without it the usage chunk never comes; OpenRouter ignores it, harmlessly */
		opts = cJSON_AddObjectToObject(root, "stream_options");
		cJSON_AddBoolToObject(opts, "include_usage", 1);
	}
	if (req->max_tokens > 0)
		cJSON_AddNumberToObject(root, "max_tokens", (double)req->max_tokens);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (out == NULL)
		die("out of memory");
	return out;
}

static enum pev
openai_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	cJSON *j;
	enum pev rc;

	(void)name; /* Chat Completions names no events */
	if (openai_blank(data, len))
		return PEV_OK; /* an empty event carries nothing; no reason to fail the reply */
	if (openai_is_done(data, len)) {
		st->done = true;
		return PEV_DONE;
	}
	j = openai_parse(data, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return openai_bad(st, data, len);
	}
	rc = openai_object(st, j, false);
	cJSON_Delete(j);
	return rc;
}

static enum pev
openai_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = openai_parse(body, len); /* leading blank lines (DeepSeek keep-alives) are white space */
	enum pev rc;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return openai_bad(st, body, len);
	}
	rc = openai_object(st, j, true);
	cJSON_Delete(j);
	if (rc == PEV_DONE)
		st->done = true;
	return rc;
}

static char *
openai_fallback(int status, const char *body, size_t len)
{
	char *snip, *msg;

	if (body == NULL)
		len = 0;
	snip = openai_line(body != NULL ? body : "", len, 200);
	msg = *snip != '\0' ? xstrfmt("HTTP %d: %s", status, snip) : xstrfmt("HTTP %d", status);
	free(snip);
	return msg;
}

static char *
openai_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = openai_parse(body, len);
	char *msg = NULL;

	if (retry_ms != NULL)
		*retry_ms = -1; /* OpenAI-compatible servers say it in headers, if anywhere */
	if (cJSON_IsObject(j))
		msg = openai_errmsg(openai_get(j, "error"), j);
	cJSON_Delete(j);
	if (msg != NULL && *msg != '\0')
		return msg;
	free(msg);
	return openai_fallback(status, body, len);
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
};
