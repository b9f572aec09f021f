/* provider_ollama: the /api/chat wire format of Ollama (NDJSON lines). */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "util.h"
#include "visible.h"

#define OLLAMA_MSG_MAX 300   /* bytes of server text kept in a one-line message */
#define OLLAMA_TOKENS_MAX 9e15

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
static cJSON *
ollama_parse(const char *data, size_t len)
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
ollama_blank(const char *data, size_t len)
{
	size_t i;

	for (i = 0; data != NULL && i < len; i++)
		if (!isspace((unsigned char)data[i]))
			return false;
	return true;
}

static const cJSON *
ollama_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A token count: a non-negative number, else false and *out untouched. */
static bool
ollama_int(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = ollama_get(o, key);

	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > OLLAMA_TOKENS_MAX)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

static const char *
ollama_str(const cJSON *o, const char *key)
{
	const cJSON *v = ollama_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Up to max bytes of server text as one printable line (malloc'd); controls made visible. */
static char *
ollama_line(const char *s, size_t n, size_t max)
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
ollama_fail(struct pstate *st, enum pev rc, char *msg)
{
	free(st->error);
	st->error = msg;
	if (rc == PEV_ERROR)
		st->stop = STOP_ERROR;
	return rc;
}

static enum pev
ollama_bad(struct pstate *st, const char *data, size_t len)
{
	char *snip, *msg;

	if (data == NULL)
		len = 0;
	snip = ollama_line(data != NULL ? data : "", len, 80);
	msg = xstrfmt("malformed reply from the server: %s", snip);
	free(snip);
	return ollama_fail(st, PEV_BAD, msg);
}

/* The message of {"error":"..."} (or of an object with a message) (malloc'd), NULL if none. */
static char *
ollama_errmsg(const cJSON *err)
{
	const char *msg = cJSON_IsString(err) ? err->valuestring : ollama_str(err, "message");

	if (msg == NULL || *msg == '\0')
		return NULL;
	return ollama_line(msg, strlen(msg), OLLAMA_MSG_MAX);
}

/*
 * Counts come once, on the done line. prompt_eval_count may be missing when the
 * prompt came from the KV cache: count it as 0; the figures are only marked
 * as not reported when both counts are missing.
 */
static void
ollama_usage(struct pstate *st, const cJSON *j)
{
	int64_t in = 0, out = 0;
	bool have_in = ollama_int(j, "prompt_eval_count", &in);
	bool have_out = ollama_int(j, "eval_count", &out);

	st->usage.input = in;
	st->usage.cached_input = 0;
	st->usage.cache_write = 0;
	st->usage.cache_write_1h = 0;
	st->usage.output = out;
	st->usage.reasoning = 0;
	st->usage.reported = have_in || have_out;
}

/* One line, or one whole reply: text goes to text when given, else straight out. */
static enum pev
ollama_object(struct pstate *st, const cJSON *j, struct buf *text)
{
	const cJSON *err = ollama_get(j, "error");
	const char *s, *reason;
	char *msg;

	if (cJSON_IsString(err) || cJSON_IsObject(err)) {
		msg = ollama_errmsg(err);
		return ollama_fail(st, PEV_ERROR, msg != NULL ? msg : xstrdup("error reported by the server"));
	}
	s = ollama_str(ollama_get(j, "message"), "content"); /* message.thinking is not the answer */
	if (s != NULL && *s != '\0') {
		if (text != NULL)
			buf_adds(text, s);
		else if (st->on_text != NULL)
			st->on_text(st->arg, s, strlen(s));
	}
	if (!cJSON_IsTrue(ollama_get(j, "done")))
		return PEV_OK;
	ollama_usage(st, j);
	reason = ollama_str(j, "done_reason");
	if (st->stop != STOP_ERROR)
		st->stop = reason != NULL && strcmp(reason, "length") == 0 ? STOP_LENGTH : STOP_END;
	st->done = true;
	return PEV_DONE;
}

static char *
ollama_url(const char *base_url, const struct request *req)
{
	const char *b = base_url != NULL ? base_url : "";
	size_t n = strlen(b);

	(void)req;
	while (n > 0 && b[n - 1] == '/')
		n--;
	return xstrfmt("%.*s/api/chat", (int)n, b);
}

static void
ollama_add_msg(cJSON *arr, const char *role, const char *text)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "role", role);
	cJSON_AddStringToObject(m, "content", text != NULL ? text : "");
	cJSON_AddItemToArray(arr, m);
}

static char *
ollama_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *msgs, *opts;
	char *out;
	size_t i;

	cJSON_AddStringToObject(root, "model", req->model != NULL ? req->model : "");
	msgs = cJSON_AddArrayToObject(root, "messages");
	if (req->system != NULL)
		ollama_add_msg(msgs, "system", req->system);
	for (i = 0; i < req->nmsgs; i++)
		ollama_add_msg(msgs, req->msgs[i].role != NULL ? req->msgs[i].role : "user", req->msgs[i].text);
	cJSON_AddBoolToObject(root, "stream", req->stream); /* the server's default is true */
	if (req->max_tokens > 0) {
		opts = cJSON_AddObjectToObject(root, "options");
		cJSON_AddNumberToObject(opts, "num_predict", (double)req->max_tokens);
	}
	out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (out == NULL)
		die("out of memory");
	return out;
}

static enum pev
ollama_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	enum pev rc;
	cJSON *j;

	(void)name; /* NDJSON has no event names */
	if (ollama_blank(data, len))
		return PEV_OK; /* a blank line carries nothing; no reason to fail the reply */
	j = ollama_parse(data, len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return ollama_bad(st, data, len);
	}
	rc = ollama_object(st, j, NULL);
	cJSON_Delete(j);
	return rc;
}

static enum pev
ollama_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = ollama_parse(body, len);
	struct buf text;
	enum pev rc;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return ollama_bad(st, body, len);
	}
	buf_init(&text, 0);
	rc = ollama_object(st, j, &text);
	if (text.len > 0 && st->on_text != NULL)
		st->on_text(st->arg, buf_str(&text), text.len);
	buf_done(&text);
	cJSON_Delete(j);
	if (rc == PEV_OK) {
		/* a whole body is complete even without "done" */
		st->done = true;
		if (st->stop == STOP_NONE)
			st->stop = STOP_END;
		rc = PEV_DONE;
	}
	return rc;
}

static char *
ollama_fallback(int status, const char *body, size_t len)
{
	char *snip, *msg;

	if (body == NULL)
		len = 0;
	snip = ollama_line(body != NULL ? body : "", len, 200);
	msg = *snip != '\0' ? xstrfmt("HTTP %d: %s", status, snip) : xstrfmt("HTTP %d", status);
	free(snip);
	return msg;
}

static char *
ollama_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = ollama_parse(body, len);
	char *msg = NULL;

	if (retry_ms != NULL)
		*retry_ms = -1;
	if (cJSON_IsObject(j))
		msg = ollama_errmsg(ollama_get(j, "error"));
	cJSON_Delete(j);
	if (msg != NULL && *msg != '\0')
		return msg;
	free(msg);
	return ollama_fallback(status, body, len);
}

static const char *const ollama_headers[] = { NULL };

/* The Ollama /api/chat format; the key, if any, goes as a bearer token (Ollama's cloud). */
const struct provider provider_ollama = {
	.name = "ollama",
	.api = API_OLLAMA,
	.ndjson = true,
	.auth_prefix = "Authorization: Bearer ",
	.headers = ollama_headers,
	.url = ollama_url,
	.body = ollama_body,
	.event = ollama_event,
	.whole = ollama_whole,
	.error = ollama_error,
};
