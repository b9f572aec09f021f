/* wire: the JSON helpers every wire-format adapter shares; no I/O. */
#include "wire.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "visible.h"

#define WIRE_TOKENS_MAX 9e15
#define WIRE_SNIP_BAD 80       /* bytes of a malformed event quoted */
#define WIRE_SNIP_STATUS 200   /* bytes of an unreadable error body quoted */

/*
 * A copy of data[0..len) with each escaped NUL (\u0000) made U+FFFD (\uFFFD,
 * as long), or NULL when it holds none. A parsed string ends at a NUL, so
 * the text after one, the rest of a streamed piece, would be lost. Escapes are
 * read a pair at a time from each backslash, so "\\u0000" (an escaped
 * backslash, then the text "u0000") stays text. Every streamed event passes
 * here, most without a backslash: memchr finds there is none in a fraction of
 * the time a search for the six bytes takes.
 */
static char *
nul_escapes(const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	char *copy = NULL;

	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL && end - p >= 2) {
		if (end - p >= 6 && memcmp(p, "\\u0000", 6) == 0) {
			if (copy == NULL) {
				copy = xmalloc(len + 1);
				memcpy(copy, data, len);
				copy[len] = '\0';
			}
			memcpy(copy + (p - data) + 1, "uFFFD", 5);
		}
		p += 2;
	}
	return copy;
}

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
cJSON *
wire_parse(const char *data, size_t len)
{
	const char *end = NULL;
	char *copy;
	cJSON *j;

	if (data == NULL || len == 0)
		return NULL;
	if ((copy = nul_escapes(data, len)) != NULL)
		data = copy;
	j = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (j != NULL && end != NULL) {
		while (end < data + len && isspace((unsigned char)*end))
			end++;
		if (end != data + len) {
			cJSON_Delete(j);
			j = NULL;
		}
	}
	free(copy);
	return j;
}

/* The JSON object of one streamed event or line, or NULL with *rc PEV_OK (blank) or PEV_BAD. */
cJSON *
wire_event_object(struct pstate *st, const char *data, size_t len, enum pev *rc)
{
	cJSON *j;

	*rc = PEV_OK;
	if (wire_blank(data, len))
		return NULL;
	j = wire_parse(data, len);
	if (cJSON_IsObject(j))
		return j;
	cJSON_Delete(j);
	*rc = wire_bad(st, data, len);
	return NULL;
}

/* Whether data[0..len) is nothing but white space (true for NULL). */
bool
wire_blank(const char *data, size_t len)
{
	size_t i;

	for (i = 0; data != NULL && i < len; i++)
		if (!isspace((unsigned char)data[i]))
			return false;
	return true;
}

/* Member key of object o; NULL when o is not an object or has no such member. */
const cJSON *
wire_get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* A string member (borrowed), or NULL when missing or not a string. */
const char *
wire_str(const cJSON *o, const char *key)
{
	const cJSON *v = wire_get(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Whether member key of o is the string want. */
bool
wire_is(const cJSON *o, const char *key, const char *want)
{
	const char *s = wire_str(o, key);

	return s != NULL && strcmp(s, want) == 0;
}

/* A token count: a non-negative number below 9e15, else false and *out untouched. */
bool
wire_int(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = wire_get(o, key);

	/* written so that NaN fails too */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble > WIRE_TOKENS_MAX)
		return false;
	*out = (int64_t)v->valuedouble;
	return true;
}

/* Read a reported token count strictly: 1 read, 0 absent or null, -1 malformed. */
int
wire_count(const cJSON *o, const char *key, int64_t *out)
{
	const cJSON *v = wire_get(o, key);
	double d;

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* written so that NaN fails too; a count is a whole number */
	if (!(d >= 0) || d > WIRE_COUNT_MAX || d != (double)(int64_t)d)
		return -1;
	*out = (int64_t)d;
	return 1;
}

/* Up to max bytes of server text as one printable line (malloc'd), controls made visible. */
char *
wire_line(const char *s, size_t n, size_t max)
{
	char *tmp, *out, *t;
	size_t i;

	if (s == NULL)
		n = 0;
	n = utf8_cut(s, n, max);   /* between characters, not inside one */
	tmp = xstrndup(s != NULL ? s : "", n);
	for (i = 0; i < n; i++)
		if (tmp[i] == '\n' || tmp[i] == '\r' || tmp[i] == '\t')
			tmp[i] = ' ';
	out = visible_str(tmp, n);
	free(tmp);
	t = str_trim(out); /* trims the end in place, returns past the start */
	if (t != out)
		memmove(out, t, strlen(t) + 1);
	return out;
}

/* "msg (kind)" as one line (malloc'd): kind alone when msg is empty; NULL when both are. */
char *
wire_msg_kind(const char *msg, const char *kind)
{
	char *both, *line;

	if (msg == NULL || *msg == '\0')
		msg = kind;
	if (msg == NULL || *msg == '\0')
		return NULL;
	if (kind == NULL || *kind == '\0' || strcmp(kind, msg) == 0)
		return wire_line(msg, strlen(msg), WIRE_MSG_MAX);
	both = xstrfmt("%s (%s)", msg, kind);
	line = wire_line(both, strlen(both), WIRE_MSG_MAX);
	free(both);
	return line;
}

/* Put msg (malloc'd, taken) in st->error, mark an error stop for PEV_ERROR, and return rc. */
enum pev
wire_fail(struct pstate *st, enum pev rc, char *msg)
{
	free(st->error);
	st->error = msg;
	if (rc == PEV_ERROR)
		st->stop = STOP_ERROR;
	return rc;
}

/* Fail with PEV_BAD, quoting the start of data as "malformed reply from the server: ...". */
enum pev
wire_bad(struct pstate *st, const char *data, size_t len)
{
	char *snip = wire_line(data, len, WIRE_SNIP_BAD);
	char *msg = xstrfmt("malformed reply from the server: %s", snip);

	free(snip);
	return wire_fail(st, PEV_BAD, msg);
}

/* Fail with PEV_ERROR and msg, or a generic message when msg is NULL or empty. */
enum pev
wire_error_event(struct pstate *st, char *msg)
{
	if (msg == NULL || *msg == '\0') {
		free(msg); /* {"error":"\n"}: nothing left once made one line */
		msg = xstrdup("error reported by the server");
	}
	return wire_fail(st, PEV_ERROR, msg);
}

/* Hand s[0..n) to st->on_text when there is any text and a callback. */
void
wire_emit(struct pstate *st, const char *s, size_t n)
{
	if (s != NULL && n > 0 && st->on_text != NULL)
		st->on_text(st->arg, s, n);
}

/* The message for an error body: msg (taken) when non-empty, else "HTTP status: body start". */
char *
wire_error_or(char *msg, int status, const char *body, size_t len)
{
	char *snip;

	if (msg != NULL && *msg != '\0')
		return msg;
	free(msg);
	snip = wire_line(body, len, WIRE_SNIP_STATUS);
	msg = *snip != '\0' ? xstrfmt("HTTP %d: %s", status, snip) : xstrfmt("HTTP %d", status);
	free(snip);
	return msg;
}

/* base_url without trailing slashes, then path (malloc'd). */
char *
wire_url(const char *base_url, const char *path)
{
	const char *b = base_url != NULL ? base_url : "";
	size_t n = strlen(b);

	while (n > 0 && b[n - 1] == '/')
		n--;
	return xstrfmt("%.*s%s", (int)n, b, path);
}

/* Add "model" and a "messages" array, the system prompt first, to root: the chat shape. */
void
wire_chat_messages(cJSON *root, const struct request *req)
{
	cJSON *msgs;
	size_t i;

	cJSON_AddStringToObject(root, "model", req->model != NULL ? req->model : "");
	msgs = cJSON_AddArrayToObject(root, "messages");
	if (req->system != NULL)
		wire_add_msg(msgs, "system", req->system);
	for (i = 0; i < req->nmsgs; i++)
		wire_add_msg(msgs, req->msgs[i].role, req->msgs[i].text);
}

/* Append {"role": role, "content": text} to arr. */
void
wire_add_msg(cJSON *arr, const char *role, const char *text)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "role", role != NULL ? role : "user");
	cJSON_AddStringToObject(m, "content", text != NULL ? text : "");
	cJSON_AddItemToArray(arr, m);
}

/* Print root compactly (malloc'd) and delete it. */
char *
wire_print(cJSON *root)
{
	char *out = cJSON_PrintUnformatted(root);

	cJSON_Delete(root);
	if (out == NULL)
		die("out of memory");
	return out;
}

/*
 * Error types by name, every wire format at once: the names do not collide,
 * and a server that speaks one format with another's error shape (a proxy)
 * is still understood.
 */
static const struct {
	const char *name;
	enum fault fault;
} wire_faults[] = {
	/* OpenAI error.code and error.type */
	{ "invalid_api_key", FAULT_AUTH },
	{ "rate_limit_exceeded", FAULT_RATE },
	{ "insufficient_quota", FAULT_QUOTA },
	{ "billing_hard_limit_reached", FAULT_QUOTA },
	{ "enforced_spend_limit", FAULT_QUOTA },
	{ "server_error", FAULT_OVERLOADED },
	{ "model_not_found", FAULT_NOT_FOUND },
	{ "context_length_exceeded", FAULT_REQUEST },
	{ "invalid_request_error", FAULT_REQUEST },
	/* Anthropic error.type */
	{ "authentication_error", FAULT_AUTH },
	{ "permission_error", FAULT_AUTH },
	{ "rate_limit_error", FAULT_RATE },
	{ "overloaded_error", FAULT_OVERLOADED },
	{ "api_error", FAULT_OVERLOADED },
	{ "billing_error", FAULT_QUOTA },
	{ "not_found_error", FAULT_NOT_FOUND },
	{ "request_too_large", FAULT_REQUEST },
	/* Gemini error.status, and the reasons of its ErrorInfo details */
	{ "UNAUTHENTICATED", FAULT_AUTH },
	{ "PERMISSION_DENIED", FAULT_AUTH },
	{ "API_KEY_INVALID", FAULT_AUTH },
	{ "RESOURCE_EXHAUSTED", FAULT_RATE },
	{ "RATE_LIMIT_EXCEEDED", FAULT_RATE },
	{ "UNAVAILABLE", FAULT_OVERLOADED },
	{ "INTERNAL", FAULT_OVERLOADED },
	{ "DEADLINE_EXCEEDED", FAULT_OVERLOADED },
	{ "NOT_FOUND", FAULT_NOT_FOUND },
	{ "INVALID_ARGUMENT", FAULT_REQUEST },
	{ "FAILED_PRECONDITION", FAULT_REQUEST },
};

static enum fault
wire_fault_name(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof wire_faults / sizeof wire_faults[0]; i++)
		if (strcmp(s, wire_faults[i].name) == 0)
			return wire_faults[i].fault;
	return FAULT_NONE;
}

/* The first detail reason that names a kind: API_KEY_INVALID says more than INVALID_ARGUMENT. */
static enum fault
wire_fault_details(const cJSON *details)
{
	const cJSON *d;
	enum fault f;

	if (!cJSON_IsArray(details))
		return FAULT_NONE;
	cJSON_ArrayForEach(d, details) {
		if ((f = wire_fault_name(wire_str(d, "reason"))) != FAULT_NONE)
			return f;
	}
	return FAULT_NONE;
}

enum fault
wire_fault(const cJSON *j)
{
	const cJSON *err, *code;
	enum fault f;

	if (cJSON_IsArray(j))
		j = cJSON_GetArrayItem(j, 0);
	err = wire_get(j, "error");
	if (!cJSON_IsObject(err)) {
		/* vLLM and some proxies: {"object":"error","type":...,"code":...} */
		if ((f = wire_fault_name(wire_str(j, "code"))) != FAULT_NONE)
			return f;
		return wire_is(j, "object", "error") ? wire_fault_name(wire_str(j, "type")) : FAULT_NONE;
	}
	/* the code is the most specific (invalid_api_key under invalid_request_error) */
	if ((f = wire_fault_name(wire_str(err, "code"))) != FAULT_NONE ||
	    (f = wire_fault_details(wire_get(err, "details"))) != FAULT_NONE ||
	    (f = wire_fault_name(wire_str(err, "status"))) != FAULT_NONE ||
	    (f = wire_fault_name(wire_str(err, "type"))) != FAULT_NONE)
		return f;
	code = wire_get(err, "code");
	if (cJSON_IsNumber(code) && code->valuedouble >= 400 && code->valuedouble < 600)
		return fault_of_status((long)code->valuedouble);
	return FAULT_NONE;
}

enum fault
wire_fault_body(const char *body, size_t len)
{
	cJSON *j = wire_parse(body, len);
	enum fault f = wire_fault(j);

	cJSON_Delete(j);
	return f;
}

/* Add the request's temperature, if set, to obj (a body, generationConfig or options). */
void
wire_add_temperature(cJSON *obj, const struct request *req)
{
	char num[16];

	if (!req->temperature_set)
		return;
	/* exact decimal text, not a double that prints 0.20000000000000001 */
	snprintf(num, sizeof(num), "%d.%03d", req->temperature_milli / 1000,
	    req->temperature_milli % 1000);
	cJSON_AddItemToObject(obj, "temperature", cJSON_CreateRaw(num));
}

/* The bytes at data in base64 (RFC 4648, padded); malloc'd. */
char *
wire_base64(const char *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)data;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*o++ = tab[p[i] >> 2];
		*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = tab[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = tab[p[i] >> 2];
		if (i + 1 < len) {
			*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = tab[(p[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* The message of req->msgs[i] in arr, after skip leading entries; NULL if none. */
cJSON *
wire_msg_at(cJSON *arr, size_t skip, size_t i)
{
	return cJSON_GetArrayItem(arr, (int)(skip + i));
}
