/* provider_gemini: the generateContent wire format of Google Gemini. */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "util.h"
#include "visible.h"

#define GEMINI_MSG_MAX 300   /* bytes of server text kept in a one-line message */
#define GEMINI_TOKENS_MAX 9e15

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
static cJSON *
gemini_parse(const char *data, size_t len)
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
gemini_blank(const char *data, size_t len)
{
	size_t i;

	for (i = 0; data != NULL && i < len; i++)
		if (!isspace((unsigned char)data[i]))
			return false;
	return true;
}

static const cJSON *
gemini_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A token count: a non-negative number, else false and *out untouched. */
static bool
gemini_int(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = gemini_get(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > GEMINI_TOKENS_MAX)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

static const char *
gemini_str(const cJSON *o, const char *key)
{
	const cJSON *v = gemini_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Up to max bytes of server text as one printable line (malloc'd); controls made visible. */
static char *
gemini_line(const char *s, size_t n, size_t max)
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
gemini_fail(struct pstate *st, enum pev rc, char *msg)
{
	free(st->error);
	st->error = msg;
	if (rc == PEV_ERROR)
		st->stop = STOP_ERROR;
	return rc;
}

static enum pev
gemini_bad(struct pstate *st, const char *data, size_t len)
{
	char *snip, *msg;

	if (data == NULL)
		len = 0;
	snip = gemini_line(data != NULL ? data : "", len, 80);
	msg = xstrfmt("malformed reply from the server: %s", snip);
	free(snip);
	return gemini_fail(st, PEV_BAD, msg);
}

/* "message (STATUS)" from a google.rpc.Status error object (malloc'd), NULL if none. */
static char *
gemini_errmsg(const cJSON *err)
{
	const char *msg = gemini_str(err, "message"), *kind = gemini_str(err, "status");
	char *both, *line;

	if (cJSON_IsString(err))
		msg = err->valuestring;
	if (msg == NULL || *msg == '\0')
		msg = kind;
	if (msg == NULL || *msg == '\0')
		return NULL;
	if (kind == NULL || *kind == '\0' || strcmp(kind, msg) == 0)
		return gemini_line(msg, strlen(msg), GEMINI_MSG_MAX);
	both = xstrfmt("%s (%s)", msg, kind);
	line = gemini_line(both, strlen(both), GEMINI_MSG_MAX);
	free(both);
	return line;
}

/*
 * usageMetadata repeats, cumulative, in every chunk: overwrite. The cached
 * count is a subset of the prompt count, tool-use prompt tokens are not in it,
 * and thinking is not in candidatesTokenCount, so add it to output.
 */
static void
gemini_usage(struct pstate *st, const cJSON *u)
{
	int64_t prompt = 0, cached = 0, tool = 0, cand = 0, thoughts = 0;

	if (!cJSON_IsObject(u))
		return;
	gemini_int(u, "promptTokenCount", &prompt);
	gemini_int(u, "cachedContentTokenCount", &cached);
	gemini_int(u, "toolUsePromptTokenCount", &tool);
	gemini_int(u, "candidatesTokenCount", &cand);
	gemini_int(u, "thoughtsTokenCount", &thoughts);
	if (cached > prompt)
		cached = prompt;
	st->raw_prompt = prompt;
	st->raw_cached = cached;
	st->usage.input = prompt - cached + tool;
	st->usage.cached_input = cached;
	st->usage.cache_write = 0;
	st->usage.cache_write_1h = 0;
	st->usage.output = cand + thoughts;
	st->usage.reasoning = thoughts;
	st->usage.reported = true;
}

static void
gemini_finish(struct pstate *st, const char *reason)
{
	static const char *const blocked[] = {
		"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
	};
	size_t i;

	if (reason == NULL || *reason == '\0' || strcmp(reason, "FINISH_REASON_UNSPECIFIED") == 0)
		return;
	st->done = true; /* no terminal event: the stream ends by closing after this chunk */
	if (st->stop == STOP_ERROR)
		return;
	st->stop = STOP_END;
	if (strcmp(reason, "MAX_TOKENS") == 0)
		st->stop = STOP_LENGTH;
	for (i = 0; i < ARRAY_SIZE(blocked); i++)
		if (strcmp(reason, blocked[i]) == 0)
			st->stop = STOP_FILTER;
}

/* One GenerateContentResponse: its text goes to text when given, else straight out. */
static enum pev
gemini_object(struct pstate *st, const cJSON *j, struct buf *text)
{
	const cJSON *err = gemini_get(j, "error"), *cands, *c, *p;
	const char *s;
	char *msg;

	gemini_usage(st, gemini_get(j, "usageMetadata"));
	if (cJSON_IsObject(err) || cJSON_IsString(err)) {
		msg = gemini_errmsg(err);
		return gemini_fail(st, PEV_ERROR, msg != NULL ? msg : xstrdup("error reported by the server"));
	}
	cands = gemini_get(j, "candidates");
	c = cJSON_IsArray(cands) ? cJSON_GetArrayItem(cands, 0) : NULL;
	if (!cJSON_IsObject(c)) {
		/* a prompt blocked by safety: no candidates, only the reason */
		if (gemini_str(gemini_get(j, "promptFeedback"), "blockReason") != NULL) {
			st->stop = STOP_FILTER;
			st->done = true;
		}
		return PEV_OK;
	}
	cJSON_ArrayForEach(p, gemini_get(gemini_get(c, "content"), "parts")) {
		if (cJSON_IsTrue(gemini_get(p, "thought")))
			continue; /* thought summaries are not the answer */
		s = gemini_str(p, "text");
		if (s == NULL || *s == '\0')
			continue;
		if (text != NULL)
			buf_adds(text, s);
		else if (st->on_text != NULL)
			st->on_text(st->arg, s, strlen(s));
	}
	gemini_finish(st, gemini_str(c, "finishReason"));
	return PEV_OK;
}

/* A model id as a URL path segment: "models/" dropped, anything unusual escaped. */
static void
gemini_add_model(struct buf *b, const char *model)
{
	const unsigned char *p;

	if (str_startswith(model, "models/"))
		model += 7;
	for (p = (const unsigned char *)model; *p != '\0'; p++) {
		if (isalnum(*p) || strchr("-._~", *p) != NULL)
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

static char *
gemini_url(const char *base_url, const struct request *req)
{
	const char *b = base_url != NULL ? base_url : "";
	size_t n = strlen(b);
	struct buf url;

	while (n > 0 && b[n - 1] == '/')
		n--;
	buf_init(&url, 0);
	buf_add(&url, b, n);
	buf_adds(&url, "/models/");
	gemini_add_model(&url, req->model != NULL ? req->model : "");
	/* without alt=sse the stream is one JSON array, not SSE */
	buf_adds(&url, req->stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
	return buf_detach(&url);
}

static cJSON *
gemini_parts(const char *text)
{
	cJSON *parts = cJSON_CreateArray(), *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "text", text != NULL ? text : "");
	cJSON_AddItemToArray(parts, p);
	return parts;
}

static char *
gemini_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *contents, *c, *sys, *gen;
	const char *role;
	char *out;
	size_t i;

	contents = cJSON_AddArrayToObject(root, "contents");
	for (i = 0; i < req->nmsgs; i++) {
		role = req->msgs[i].role;
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "role", role != NULL && strcmp(role, "assistant") == 0 ? "model" : "user");
		cJSON_AddItemToObject(c, "parts", gemini_parts(req->msgs[i].text));
		cJSON_AddItemToArray(contents, c);
	}
	if (req->system != NULL) {
		sys = cJSON_AddObjectToObject(root, "systemInstruction");
		cJSON_AddItemToObject(sys, "parts", gemini_parts(req->system));
	}
	if (req->max_tokens > 0) {
		gen = cJSON_AddObjectToObject(root, "generationConfig");
		cJSON_AddNumberToObject(gen, "maxOutputTokens", (double)req->max_tokens);
	}
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (out == NULL)
		die("out of memory");
	return out;
}

static enum pev
gemini_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	enum pev rc;
	cJSON *j;

	(void)name; /* Gemini names no events */
	if (gemini_blank(data, len))
		return PEV_OK; /* an empty event carries nothing; no reason to fail the reply */
	j = gemini_parse(data, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return gemini_bad(st, data, len);
	}
	rc = gemini_object(st, j, NULL);
	cJSON_Delete(j);
	return rc;
}

/* A whole reply: one response object, or the array a stream without alt=sse gives. */
static enum pev
gemini_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = gemini_parse(body, len);
	const cJSON *o;
	struct buf text;
	enum pev rc = PEV_DONE;

	if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return gemini_bad(st, body, len);
	}
	buf_init(&text, 0);
	if (cJSON_IsObject(j)) {
		if (gemini_object(st, j, &text) == PEV_ERROR)
			rc = PEV_ERROR;
	} else {
		cJSON_ArrayForEach(o, j) {
			if (!cJSON_IsObject(o) || gemini_object(st, o, &text) == PEV_ERROR) {
				rc = cJSON_IsObject(o) ? PEV_ERROR : gemini_bad(st, body, len);
				break;
			}
		}
	}
	if (text.len > 0 && st->on_text != NULL)
		st->on_text(st->arg, buf_str(&text), text.len);
	buf_done(&text);
	cJSON_Delete(j);
	if (rc == PEV_DONE)
		st->done = true;
	return rc;
}

/* A protobuf Duration such as "34.4s" in milliseconds, or -1. */
static long
gemini_duration_ms(const char *s)
{
	long sec = 0, ms = 0, scale = 100;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (sec > 1000000000L)
			return -1;
		sec = sec * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
			ms += (*s - '0') * scale; /* digits past milliseconds add 0 */
	}
	if (strcmp(s, "s") != 0)
		return -1;
	return sec * 1000 + ms;
}

/* The retryDelay of a google.rpc.RetryInfo among the error's details, or -1. */
static long
gemini_retry(const cJSON *err)
{
	const cJSON *d;
	const char *type;

	cJSON_ArrayForEach(d, gemini_get(err, "details")) {
		type = gemini_str(d, "@type");
		if (type != NULL && str_endswith(type, "google.rpc.RetryInfo"))
			return gemini_duration_ms(gemini_str(d, "retryDelay"));
	}
	return -1;
}

static char *
gemini_fallback(int status, const char *body, size_t len)
{
	char *snip, *msg;

	if (body == NULL)
		len = 0;
	snip = gemini_line(body != NULL ? body : "", len, 200);
	msg = *snip != '\0' ? xstrfmt("HTTP %d: %s", status, snip) : xstrfmt("HTTP %d", status);
	free(snip);
	return msg;
}

static char *
gemini_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = gemini_parse(body, len);
	const cJSON *o = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, 0) : j, *err;
	char *msg = NULL;
	long retry = -1;

	err = gemini_get(o, "error");
	if (err != NULL) {
		msg = gemini_errmsg(err);
		retry = gemini_retry(err);
	}
	if (retry_ms != NULL)
		*retry_ms = retry;
	cJSON_Delete(j);
	if (msg != NULL && *msg != '\0')
		return msg;
	free(msg);
	return gemini_fallback(status, body, len);
}

static const char *const gemini_headers[] = { NULL };

/* The Gemini generateContent format. */
const struct provider provider_gemini = {
	.name = "gemini",
	.api = API_GEMINI,
	.ndjson = false,
	.auth_prefix = "x-goog-api-key: ",
	.headers = gemini_headers,
	.url = gemini_url,
	.body = gemini_body,
	.event = gemini_event,
	.whole = gemini_whole,
	.error = gemini_error,
};
