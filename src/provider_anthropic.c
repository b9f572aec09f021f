/* provider_anthropic: the Messages wire format of Anthropic. */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "util.h"
#include "visible.h"

#define ANTHROPIC_MSG_MAX 300   /* bytes of server text kept in a one-line message */
#define ANTHROPIC_TOKENS_MAX 9e15

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
static cJSON *
anthropic_parse(const char *data, size_t len)
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
anthropic_blank(const char *data, size_t len)
{
	size_t i;

	for (i = 0; data != NULL && i < len; i++)
		if (!isspace((unsigned char)data[i]))
			return false;
	return true;
}

static const cJSON *
anthropic_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A token count: a non-negative number, else false and *out untouched. */
static bool
anthropic_int(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = anthropic_get(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > ANTHROPIC_TOKENS_MAX)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

static const char *
anthropic_str(const cJSON *o, const char *key)
{
	const cJSON *v = anthropic_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Up to max bytes of server text as one printable line (malloc'd); controls made visible. */
static char *
anthropic_line(const char *s, size_t n, size_t max)
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
anthropic_fail(struct pstate *st, enum pev rc, char *msg)
{
	free(st->error);
	st->error = msg;
	if (rc == PEV_ERROR)
		st->stop = STOP_ERROR;
	return rc;
}

static enum pev
anthropic_bad(struct pstate *st, const char *data, size_t len)
{
	char *snip, *msg;

	if (data == NULL)
		len = 0;
	snip = anthropic_line(data != NULL ? data : "", len, 80);
	msg = xstrfmt("malformed reply from the server: %s", snip);
	free(snip);
	return anthropic_fail(st, PEV_BAD, msg);
}

/* "message (type)" from {"type":"error","error":{"type","message"}}'s error (malloc'd), NULL if none. */
static char *
anthropic_errmsg(const cJSON *err)
{
	const char *msg = anthropic_str(err, "message"), *kind = anthropic_str(err, "type");
	char *both, *line;

	if (msg == NULL || *msg == '\0')
		msg = kind;
	if (msg == NULL || *msg == '\0')
		return NULL;
	if (kind == NULL || *kind == '\0' || strcmp(kind, msg) == 0)
		return anthropic_line(msg, strlen(msg), ANTHROPIC_MSG_MAX);
	both = xstrfmt("%s (%s)", msg, kind);
	line = anthropic_line(both, strlen(both), ANTHROPIC_MSG_MAX);
	free(both);
	return line;
}

/*
 * Usage comes in message_start and again, cumulative, in message_delta, which
 * may carry only some fields: overwrite the ones present, never add. The
 * buckets are already disjoint (input_tokens excludes both caches). Cache
 * writes split by lifetime when the breakdown is given; without one they are
 * all 5-minute writes, keeping any 1-hour part learnt earlier.
 */
static void
anthropic_usage(struct pstate *st, const cJSON *u)
{
	const cJSON *cc = anthropic_get(u, "cache_creation");
	int64_t v, w5 = 0, w1h = 0;
	bool b5, b1h;

	if (!cJSON_IsObject(u))
		return;
	if (anthropic_int(u, "input_tokens", &v))
		st->usage.input = v;
	if (anthropic_int(u, "cache_read_input_tokens", &v))
		st->usage.cached_input = v;
	if (anthropic_int(u, "output_tokens", &v))
		st->usage.output = v;
	b5 = anthropic_int(cc, "ephemeral_5m_input_tokens", &w5);
	b1h = anthropic_int(cc, "ephemeral_1h_input_tokens", &w1h);
	if (b5 || b1h) {
		st->usage.cache_write = w5;
		st->usage.cache_write_1h = w1h;
	} else if (anthropic_int(u, "cache_creation_input_tokens", &v)) {
		if (v < st->usage.cache_write_1h)
			st->usage.cache_write_1h = 0;
		st->usage.cache_write = v - st->usage.cache_write_1h;
	}
	st->raw_prompt = st->usage.input + st->usage.cached_input + st->usage.cache_write +
	    st->usage.cache_write_1h;
	st->raw_cached = st->usage.cached_input;
	st->usage.reasoning = 0; /* thinking is in output_tokens, with no separate count */
	st->usage.reported = true;
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
	if (s != NULL && *s != '\0' && st->on_text != NULL)
		st->on_text(st->arg, s, strlen(s));
}

static enum pev
anthropic_err(struct pstate *st, const cJSON *j)
{
	char *msg = anthropic_errmsg(anthropic_get(j, "error"));

	return anthropic_fail(st, PEV_ERROR, msg != NULL ? msg : xstrdup("error reported by the server"));
}

/* One streamed event, told apart by its SSE name or else its "type". */
static enum pev
anthropic_object(struct pstate *st, const char *type, const cJSON *j)
{
	const cJSON *d;

	if (strcmp(type, "error") == 0)
		return anthropic_err(st, j);
	if (strcmp(type, "message_start") == 0) {
		anthropic_usage(st, anthropic_get(anthropic_get(j, "message"), "usage"));
	} else if (strcmp(type, "message_delta") == 0) {
		anthropic_stop(st, anthropic_str(anthropic_get(j, "delta"), "stop_reason"));
		anthropic_usage(st, anthropic_get(j, "usage"));
	} else if (strcmp(type, "content_block_start") == 0) {
		d = anthropic_get(j, "content_block");
		if (anthropic_str(d, "type") != NULL && strcmp(anthropic_str(d, "type"), "text") == 0)
			anthropic_text(st, anthropic_str(d, "text"));
	} else if (strcmp(type, "content_block_delta") == 0) {
		/* thinking_delta, signature_delta and input_json_delta are not answer text */
		d = anthropic_get(j, "delta");
		if (anthropic_str(d, "type") != NULL && strcmp(anthropic_str(d, "type"), "text_delta") == 0)
			anthropic_text(st, anthropic_str(d, "text"));
	} else if (strcmp(type, "message_stop") == 0) {
		st->done = true;
		return PEV_DONE;
	}
	return PEV_OK; /* ping, content_block_stop, and events added later */
}

static char *
anthropic_url(const char *base_url, const struct request *req)
{
	const char *b = base_url != NULL ? base_url : "";
	size_t n = strlen(b);

	(void)req;
	while (n > 0 && b[n - 1] == '/')
		n--;
	return xstrfmt("%.*s/messages", (int)n, b);
}

static char *
anthropic_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *msgs, *m;
	char *out;
	size_t i;

	cJSON_AddStringToObject(root, "model", req->model != NULL ? req->model : "");
	/* required here, unlike elsewhere */
	cJSON_AddNumberToObject(root, "max_tokens", req->max_tokens > 0 ? (double)req->max_tokens : 4096);
	if (req->system != NULL)
		cJSON_AddStringToObject(root, "system", req->system); /* no system role in messages */
	msgs = cJSON_AddArrayToObject(root, "messages");
	for (i = 0; i < req->nmsgs; i++) {
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", req->msgs[i].role != NULL ? req->msgs[i].role : "user");
		cJSON_AddStringToObject(m, "content", req->msgs[i].text != NULL ? req->msgs[i].text : "");
		cJSON_AddItemToArray(msgs, m);
	}
	cJSON_AddBoolToObject(root, "stream", req->stream);
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (out == NULL)
		die("out of memory");
	return out;
}

static enum pev
anthropic_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	const char *type;
	enum pev rc;
	cJSON *j;

	if (anthropic_blank(data, len))
		return PEV_OK; /* an empty event carries nothing; no reason to fail the reply */
	j = anthropic_parse(data, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return anthropic_bad(st, data, len);
	}
	type = name != NULL ? name : anthropic_str(j, "type");
	rc = anthropic_object(st, type != NULL ? type : "", j);
	cJSON_Delete(j);
	return rc;
}

/* A whole reply: text blocks joined and handed over once. */
static enum pev
anthropic_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = anthropic_parse(body, len);
	const cJSON *c;
	struct buf text;
	const char *type;
	enum pev rc = PEV_DONE;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return anthropic_bad(st, body, len);
	}
	type = anthropic_str(j, "type");
	if ((type != NULL && strcmp(type, "error") == 0) || cJSON_IsObject(anthropic_get(j, "error"))) {
		rc = anthropic_err(st, j);
		cJSON_Delete(j);
		return rc;
	}
	buf_init(&text, 0);
	cJSON_ArrayForEach(c, anthropic_get(j, "content")) {
		type = anthropic_str(c, "type");
		if (type != NULL && strcmp(type, "text") == 0 && anthropic_str(c, "text") != NULL)
			buf_adds(&text, anthropic_str(c, "text"));
	}
	anthropic_text(st, buf_str(&text));
	buf_done(&text);
	anthropic_usage(st, anthropic_get(j, "usage"));
	anthropic_stop(st, anthropic_str(j, "stop_reason"));
	st->done = true;
	cJSON_Delete(j);
	return rc;
}

static char *
anthropic_fallback(int status, const char *body, size_t len)
{
	char *snip, *msg;

	if (body == NULL)
		len = 0;
	snip = anthropic_line(body != NULL ? body : "", len, 200);
	msg = *snip != '\0' ? xstrfmt("HTTP %d: %s", status, snip) : xstrfmt("HTTP %d", status);
	free(snip);
	return msg;
}

static char *
anthropic_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = anthropic_parse(body, len);
	char *msg = NULL;

	if (retry_ms != NULL)
		*retry_ms = -1; /* Anthropic says it in a retry-after header */
	if (cJSON_IsObject(j))
		msg = anthropic_errmsg(anthropic_get(j, "error"));
	cJSON_Delete(j);
	if (msg != NULL && *msg != '\0')
		return msg;
	free(msg);
	return anthropic_fallback(status, body, len);
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
};
