/* provider_gemini: the generateContent wire format of Google Gemini. */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "wire.h"
#include "wire_call.h"

/* "message (STATUS)" from a google.rpc.Status error object (malloc'd), NULL if none. */
static char *
gemini_errmsg(const cJSON *err)
{
	const char *msg = cJSON_IsString(err) ? err->valuestring : wire_str(err, "message");

	return wire_msg_kind(msg, wire_str(err, "status"));
}

/*
 * usageMetadata repeats, cumulative, in every chunk: overwrite. The cached
 * count is a subset of the prompt count, tool-use prompt tokens are not in it,
 * and thinking is not in candidatesTokenCount, so add it to output.
 *
 * The figures count as reported only when promptTokenCount came and every
 * count present is a plausible whole number. candidatesTokenCount is left out
 * when it is 0 (proto3 JSON drops zero fields), so without it the total must
 * show that there were none; anything else leaves the request estimated.
 */
static void
gemini_usage(struct pstate *st, const cJSON *u)
{
	int64_t prompt = 0, cached = 0, tool = 0, cand = 0, thoughts = 0, total = 0;
	int rp, rc, rt, rk, rh, rs;

	if (!cJSON_IsObject(u))
		return;
	rp = wire_count(u, "promptTokenCount", &prompt);
	rc = wire_count(u, "cachedContentTokenCount", &cached);
	rt = wire_count(u, "toolUsePromptTokenCount", &tool);
	rk = wire_count(u, "candidatesTokenCount", &cand);
	rh = wire_count(u, "thoughtsTokenCount", &thoughts);
	rs = wire_count(u, "totalTokenCount", &total);
	memset(&st->usage, 0, sizeof st->usage);
	st->prompt_known = false;
	if (rp != 1 || rc < 0 || rt < 0 || rk < 0 || rh < 0 || rs < 0 ||
	    (rk == 0 && (rs != 1 || total != prompt + tool + thoughts)))
		return;
	if (cached > prompt)
		cached = prompt;
	st->raw_prompt = prompt;
	st->raw_cached = cached;
	st->usage.input = prompt - cached + tool;
	st->usage.cached_input = cached;
	st->usage.output = cand + thoughts;
	st->usage.reasoning = thoughts;
	st->usage.reported = true;
	st->prompt_known = true;
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

/* A functionCall part, whole, with its thought signature on the same part. */
static void
gemini_call(struct pstate *st, const cJSON *part)
{
	const cJSON *f = wire_get(part, "functionCall");
	long key = (long)wire_calls_count(st);

	if (!cJSON_IsObject(f) || !wire_call_begin(st, key, wire_str(f, "id"), wire_str(f, "name")))
		return;
	wire_call_args_json(st, key, wire_get(f, "args"));
	wire_call_signature(st, key, wire_str(part, "thoughtSignature"));
}

/* One GenerateContentResponse: its text goes to text when given, else straight out. */
static enum pev
gemini_object(struct pstate *st, const cJSON *j, struct buf *text)
{
	const cJSON *err = wire_get(j, "error"), *cands, *c, *p;
	const char *s;

	gemini_usage(st, wire_get(j, "usageMetadata"));
	if (cJSON_IsObject(err) || cJSON_IsString(err)) {
		st->fault = wire_fault(j);
		return wire_error_event(st, gemini_errmsg(err));
	}
	cands = wire_get(j, "candidates");
	c = cJSON_IsArray(cands) ? cJSON_GetArrayItem(cands, 0) : NULL;
	if (!cJSON_IsObject(c)) {
		/* a prompt blocked by safety: no candidates, only the reason */
		if (wire_str(wire_get(j, "promptFeedback"), "blockReason") != NULL) {
			st->stop = STOP_FILTER;
			st->done = true;
		}
		return PEV_OK;
	}
	cJSON_ArrayForEach(p, wire_get(wire_get(c, "content"), "parts")) {
		gemini_call(st, p);
		if (cJSON_IsTrue(wire_get(p, "thought")))
			continue; /* thought summaries are not the answer */
		s = wire_str(p, "text");
		if (s == NULL || *s == '\0')
			continue;
		if (text != NULL)
			buf_adds(text, s);
		else
			wire_emit(st, s, strlen(s));
	}
	gemini_finish(st, wire_str(c, "finishReason"));
	if (st->done)
		wire_calls_flush(st, false); /* results are matched by order: no made-up ids */
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

/* Gemini takes images as inline_data parts before the text part of a user turn. */
static void
gemini_add_images(cJSON *root, const struct request *req)
{
	cJSON *contents = cJSON_GetObjectItemCaseSensitive(root, "contents"), *c, *parts, *p, *d;
	size_t i, k;

	for (i = 0; i < req->nmsgs; i++) {
		if (req->msgs[i].nimages == 0 || (c = wire_msg_at(contents, 0, i)) == NULL)
			continue;
		parts = cJSON_GetObjectItemCaseSensitive(c, "parts");
		/* last first, each at the front: they end in order, before the text */
		for (k = req->msgs[i].nimages; k-- > 0;) {
			const struct image *im = &req->msgs[i].images[k];
			char *b64 = wire_base64(im->data, im->len);

			p = cJSON_CreateObject();
			d = cJSON_AddObjectToObject(p, "inline_data");
			cJSON_AddStringToObject(d, "mime_type", im->media_type);
			cJSON_AddStringToObject(d, "data", b64);
			cJSON_InsertItemInArray(parts, 0, p);
			free(b64);
		}
	}
}

/* Gemini takes the temperature inside generationConfig, beside the output cap. */
static void
gemini_add_temperature(cJSON *root, const struct request *req)
{
	cJSON *gen = cJSON_GetObjectItemCaseSensitive(root, "generationConfig");

	if (!req->temperature_set)
		return;
	if (gen == NULL)
		gen = cJSON_AddObjectToObject(root, "generationConfig");
	wire_add_temperature(gen, req);
}

/*
 * Gemini 3 refuses a turn of the task whose first call carries no thought
 * signature: one made by another model (a fallback mid-task) goes back with
 * the documented sentinel that skips the check.
 */
#define GEMINI_NO_SIGNATURE "skip_thought_signature_validator"

/* A model turn's calls as functionCall parts, each signature on its own part. */
static void
gemini_calls_msg(cJSON *contents, const struct msg *m)
{
	cJSON *c = cJSON_CreateObject(), *parts, *p, *f;
	bool signed_turn = false;
	size_t i;

	for (i = 0; i < m->ncalls; i++)
		signed_turn |= m->calls[i].signature != NULL;

	cJSON_AddStringToObject(c, "role", "model");
	parts = cJSON_AddArrayToObject(c, "parts");
	if (m->text != NULL && *m->text != '\0') {
		p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "text", m->text);
		cJSON_AddItemToArray(parts, p);
	}
	for (i = 0; i < m->ncalls; i++) {
		p = cJSON_CreateObject();
		f = cJSON_AddObjectToObject(p, "functionCall");
		cJSON_AddStringToObject(f, "name", m->calls[i].name ? m->calls[i].name : "");
		cJSON_AddItemToObject(f, "args", wire_args_object(m->calls[i].args));
		if (m->calls[i].id != NULL)
			cJSON_AddStringToObject(f, "id", m->calls[i].id);
		if (m->calls[i].signature != NULL)
			cJSON_AddStringToObject(p, "thoughtSignature", m->calls[i].signature);
		else if (i == 0 && !signed_turn)
			cJSON_AddStringToObject(p, "thoughtSignature", GEMINI_NO_SIGNATURE);
		cJSON_AddItemToArray(parts, p);
	}
	cJSON_AddItemToArray(contents, c);
}

/* A run of tool results from *i on: one user content, one functionResponse per call, in order. */
static void
gemini_results_msg(cJSON *contents, const struct request *req, size_t *i)
{
	cJSON *c = cJSON_CreateObject(), *parts, *p, *f, *r;
	const struct msg *m;

	cJSON_AddStringToObject(c, "role", "user");
	parts = cJSON_AddArrayToObject(c, "parts");
	for (; *i < req->nmsgs; (*i)++) {
		m = &req->msgs[*i];
		p = cJSON_CreateObject();
		f = cJSON_AddObjectToObject(p, "functionResponse");
		cJSON_AddStringToObject(f, "name", m->call_name ? m->call_name : "");
		if (m->call_id != NULL)
			cJSON_AddStringToObject(f, "id", m->call_id);
		r = cJSON_AddObjectToObject(f, "response"); /* must be an object */
		cJSON_AddStringToObject(r, m->call_error ? "error" : "result", m->text ? m->text : "");
		cJSON_AddItemToArray(parts, p);
		if (*i + 1 == req->nmsgs || req->msgs[*i + 1].role == NULL ||
		    strcmp(req->msgs[*i + 1].role, "tool") != 0)
			break;
	}
	cJSON_AddItemToArray(contents, c);
}

static bool
gemini_tool_msg(cJSON *contents, const struct request *req, size_t *i)
{
	const struct msg *m = &req->msgs[*i];

	if (m->ncalls > 0) {
		gemini_calls_msg(contents, m);
		return true;
	}
	if (m->role != NULL && strcmp(m->role, "tool") == 0) {
		gemini_results_msg(contents, req, i);
		return true;
	}
	return false;
}

/* Drop what Gemini's Schema does not know (additionalProperties, $schema), at every depth. */
static void
gemini_schema_trim(cJSON *s)
{
	cJSON *c;

	if (!cJSON_IsObject(s) && !cJSON_IsArray(s))
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(s, "additionalProperties");
	cJSON_DeleteItemFromObjectCaseSensitive(s, "$schema");
	cJSON_ArrayForEach(c, s)
		gemini_schema_trim(c);
}

/* "tools": one Tool holding every functionDeclaration. */
static void
gemini_tools(cJSON *root, const struct request *req)
{
	cJSON *tools, *t, *decls, *d;
	size_t i;

	if (req->ntools == 0)
		return;
	tools = cJSON_AddArrayToObject(root, "tools");
	t = cJSON_CreateObject();
	decls = cJSON_AddArrayToObject(t, "functionDeclarations");
	for (i = 0; i < req->ntools; i++) {
		d = wire_tool_decl(&req->tools[i], "parameters");
		gemini_schema_trim(cJSON_GetObjectItemCaseSensitive(d, "parameters"));
		cJSON_AddItemToArray(decls, d);
	}
	cJSON_AddItemToArray(tools, t);
}

static char *
gemini_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *contents, *c, *sys, *gen;
	const char *role;
	size_t i;

	contents = cJSON_AddArrayToObject(root, "contents");
	for (i = 0; i < req->nmsgs; i++) {
		if (gemini_tool_msg(contents, req, &i))
			continue;
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
	gemini_add_temperature(root, req);
	gemini_add_images(root, req);
	gemini_tools(root, req);
	return wire_print(root);
}

static enum pev
gemini_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	enum pev rc;
	cJSON *j;

	(void)name; /* Gemini names no events */
	j = wire_event_object(st, data, len, &rc);
	if (j == NULL)
		return rc;
	rc = gemini_object(st, j, NULL);
	cJSON_Delete(j);
	return rc;
}

/* A whole reply: one response object, or the array a stream without alt=sse gives. */
static enum pev
gemini_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = wire_parse(body, len);
	const cJSON *o;
	struct buf text;
	enum pev rc = PEV_DONE;

	if (!cJSON_IsObject(j) && !cJSON_IsArray(j)) {
		cJSON_Delete(j);
		return wire_bad(st, body, len);
	}
	buf_init(&text, 0);
	if (cJSON_IsObject(j)) {
		if (gemini_object(st, j, &text) == PEV_ERROR)
			rc = PEV_ERROR;
	} else {
		cJSON_ArrayForEach(o, j) {
			if (!cJSON_IsObject(o) || gemini_object(st, o, &text) == PEV_ERROR) {
				rc = cJSON_IsObject(o) ? PEV_ERROR : wire_bad(st, body, len);
				break;
			}
		}
	}
	wire_emit(st, buf_str(&text), text.len);
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

	cJSON_ArrayForEach(d, wire_get(err, "details")) {
		type = wire_str(d, "@type");
		if (type != NULL && str_endswith(type, "google.rpc.RetryInfo"))
			return gemini_duration_ms(wire_str(d, "retryDelay"));
	}
	return -1;
}

static char *
gemini_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = wire_parse(body, len);
	const cJSON *o = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, 0) : j, *err;
	char *msg = NULL;
	long retry = -1;

	err = wire_get(o, "error");
	if (err != NULL) {
		msg = gemini_errmsg(err);
		retry = gemini_retry(err);
	}
	if (retry_ms != NULL)
		*retry_ms = retry;
	cJSON_Delete(j);
	return wire_error_or(msg, status, body, len);
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
	.fault = wire_fault_body,
};
