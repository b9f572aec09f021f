/* provider_ollama: the /api/chat wire format of Ollama (NDJSON lines). */
#include "provider.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "wire.h"
#include "wire_call.h"

/* The message of {"error":"..."} (or of an object with a message) (malloc'd), NULL if none. */
static char *
ollama_errmsg(const cJSON *err)
{
	return wire_msg_kind(cJSON_IsString(err) ? err->valuestring : wire_str(err, "message"), NULL);
}

/*
 * Counts come once, on the done line. prompt_eval_count may be missing when the
 * prompt came from the KV cache: count it as 0; the figures are only marked
 * as not reported when both counts are missing, or when one is malformed (a
 * string, negative, absurd): then the request is estimated, never $0.
 */
static void
ollama_usage(struct pstate *st, const cJSON *j)
{
	int64_t in = 0, out = 0;
	int have_in = wire_count(j, "prompt_eval_count", &in);
	int have_out = wire_count(j, "eval_count", &out);

	memset(&st->usage, 0, sizeof st->usage);
	if (have_in < 0 || have_out < 0)
		return;
	st->usage.input = in;
	st->usage.output = out;
	st->usage.reported = have_in == 1 || have_out == 1;
}

/* Calls come whole in a line's message.tool_calls, arguments as an object. */
static void
ollama_calls(struct pstate *st, const cJSON *calls)
{
	const cJSON *t, *f;
	long key;

	cJSON_ArrayForEach(t, calls) {
		f = wire_get(t, "function");
		key = (long)wire_calls_count(st);
		if (!cJSON_IsObject(f) || !wire_call_begin(st, key, wire_str(t, "id"), wire_str(f, "name")))
			continue;
		wire_call_args_json(st, key, wire_get(f, "arguments"));
	}
}

/* One line, or one whole reply: text goes to text when given, else straight out. */
static enum pev
ollama_object(struct pstate *st, const cJSON *j, struct buf *text)
{
	const cJSON *err = wire_get(j, "error");
	const char *s, *reason;

	if (cJSON_IsString(err) || cJSON_IsObject(err)) {
		st->fault = wire_fault(j); /* Ollama's own errors are bare strings: a proxy's may say more */
		return wire_error_event(st, ollama_errmsg(err));
	}
	s = wire_str(wire_get(j, "message"), "content"); /* message.thinking is not the answer */
	if (s != NULL && *s != '\0') {
		if (text != NULL)
			buf_adds(text, s);
		else
			wire_emit(st, s, strlen(s));
	}
	ollama_calls(st, wire_get(wire_get(j, "message"), "tool_calls"));
	if (!cJSON_IsTrue(wire_get(j, "done")))
		return PEV_OK;
	ollama_usage(st, j);
	reason = wire_str(j, "done_reason");
	if (st->stop != STOP_ERROR)
		st->stop = reason != NULL && strcmp(reason, "length") == 0 ? STOP_LENGTH : STOP_END;
	wire_calls_flush(st, false); /* matched by tool_name and order */
	st->done = true;
	return PEV_DONE;
}

static char *
ollama_url(const char *base_url, const struct request *req)
{
	(void)req;
	return wire_url(base_url, "/api/chat");
}

/* Ollama takes a user turn's images as base64 strings in "images" beside its text. */
static void
ollama_add_images(cJSON *root, const struct request *req)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages"), *m, *arr;
	size_t i, k;

	for (i = 0; i < req->nmsgs; i++) {
		if (req->msgs[i].nimages == 0 ||
		    (m = wire_msg_at(msgs, req->system != NULL, i)) == NULL)
			continue;
		arr = cJSON_AddArrayToObject(m, "images");
		for (k = 0; k < req->msgs[i].nimages; k++) {
			char *b64 = wire_base64(req->msgs[i].images[k].data, req->msgs[i].images[k].len);

			cJSON_AddItemToArray(arr, cJSON_CreateString(b64));
			free(b64);
		}
	}
}

/* Ollama takes sampling settings inside options, beside num_predict. */
static void
ollama_add_temperature(cJSON *root, const struct request *req)
{
	cJSON *opts = cJSON_GetObjectItemCaseSensitive(root, "options");

	if (!req->temperature_set)
		return;
	if (opts == NULL)
		opts = cJSON_AddObjectToObject(root, "options");
	wire_add_temperature(opts, req);
}

static char *
ollama_body(const struct request *req)
{
	cJSON *root = cJSON_CreateObject(), *opts;

	wire_chat_messages(root, req);
	cJSON_AddBoolToObject(root, "stream", req->stream); /* the server's default is true */
	if (req->max_tokens > 0) {
		opts = cJSON_AddObjectToObject(root, "options");
		cJSON_AddNumberToObject(opts, "num_predict", (double)req->max_tokens);
	}
	ollama_add_temperature(root, req);
	ollama_add_images(root, req);
	wire_tools_chat(root, req);
	wire_chat_calls(root, req, false);
	return wire_print(root);
}

static enum pev
ollama_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	enum pev rc;
	cJSON *j;

	(void)name; /* NDJSON has no event names */
	j = wire_event_object(st, data, len, &rc);
	if (j == NULL)
		return rc;
	rc = ollama_object(st, j, NULL);
	cJSON_Delete(j);
	return rc;
}

static enum pev
ollama_whole(struct pstate *st, const char *body, size_t len)
{
	cJSON *j = wire_parse(body, len);
	struct buf text;
	enum pev rc;

	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return wire_bad(st, body, len);
	}
	buf_init(&text, 0);
	rc = ollama_object(st, j, &text);
	wire_emit(st, buf_str(&text), text.len);
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
ollama_error(int status, const char *body, size_t len, long *retry_ms)
{
	cJSON *j = wire_parse(body, len);
	char *msg = NULL;

	if (retry_ms != NULL)
		*retry_ms = -1;
	if (cJSON_IsObject(j))
		msg = ollama_errmsg(wire_get(j, "error"));
	cJSON_Delete(j);
	return wire_error_or(msg, status, body, len);
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
	.fault = wire_fault_body,
};
