/* fuzz_calls: one wire format's tool-call assembly on any stream, and the calls replayed in a request. */
#ifndef LLM_FUZZ_CALLS_H
#define LLM_FUZZ_CALLS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "fuzz_pstate.h"
#include "ndjson.h"
#include "provider.h"
#include "sse.h"
#include "util.h"
#include "wire.h"
#include "wire_call.h"
#include "../unit/stream_ops.h"

#define FUZZ_LINE_CAP (1u << 20)

/* The calls handed over, kept to be replayed. */
struct fuzz_calls {
	const struct provider *p;
	struct pstate st;
	struct tool_call calls[WIRE_CALLS_MAX];
	char *errs[WIRE_CALLS_MAX];
	size_t n;
	bool stopped;
};

/*
 * A target is one wire format: it defines FUZZ_PROVIDER (its adapter) before
 * it includes this header, then fuzz_frame, which appends one well-formed
 * event carrying the argument fragment frag[0..n) of call index (first: the
 * call's first fragment), and fuzz_end, which appends the events that end the
 * reply (length: cut by the length limit). The entry point is at the end.
 */
static void fuzz_frame(struct buf *out, int index, const char *frag, size_t n, bool first);
static void fuzz_end(struct buf *out, bool length);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every call handed over is whole: a name, arguments under the cap, valid JSON unless an error says not. */
static void
fuzz_on_call(void *arg, const struct tool_call *c, const char *error)
{
	struct fuzz_calls *f = arg;
	cJSON *j;

	if (f->n == WIRE_CALLS_MAX || c->name == NULL || c->args == NULL)
		abort();
	if (strlen(c->args) > WIRE_CALL_ARGS_MAX || (c->id != NULL && *c->id == '\0'))
		abort();
	if (error == NULL) {
		if (*c->name == '\0')
			abort();
		j = cJSON_Parse(c->args);
		if (!cJSON_IsObject(j))
			abort();
		cJSON_Delete(j);
	} else if (*error == '\0') {
		abort();
	}
	f->calls[f->n].id = c->id ? xstrdup(c->id) : NULL;
	f->calls[f->n].name = xstrdup(c->name);
	f->calls[f->n].args = xstrdup(c->args);
	f->calls[f->n].signature = c->signature ? xstrdup(c->signature) : NULL;
	f->errs[f->n] = error ? xstrdup(error) : NULL;
	f->n++;
}

static int
fuzz_on_event(void *arg, const char *name, const char *data, size_t len)
{
	struct fuzz_calls *f = arg;
	enum pev rc = f->p->event(&f->st, name, data, len);

	fuzz_check_cause(&f->st, rc);
	return rc != PEV_OK;
}

/* The calls and their results replayed: the body must be one JSON object. */
static void
fuzz_replay(struct fuzz_calls *f)
{
	struct msg m[2 + WIRE_CALLS_MAX];
	struct tool_decl d = { "read", "Read.", "{\"type\":\"object\"}" };
	struct request req;
	size_t i, n = 0;
	char *body;
	cJSON *j;

	memset(m, 0, sizeof m);
	m[n].role = "user";
	m[n++].text = "task";
	m[n].role = "assistant";
	m[n].text = "";
	m[n].calls = f->calls;
	m[n++].ncalls = f->n;
	for (i = 0; i < f->n; i++, n++) {
		m[n].role = "tool";
		m[n].text = f->errs[i] ? f->errs[i] : "ok";
		m[n].call_id = f->calls[i].id;
		m[n].call_name = f->calls[i].name;
		m[n].call_error = f->errs[i] != NULL;
	}
	memset(&req, 0, sizeof req);
	req.model = "m";
	req.msgs = m;
	req.nmsgs = f->n > 0 ? n : 1;
	req.tools = &d;
	req.ntools = 1;
	body = f->p->body(&req);
	j = cJSON_Parse(body);
	if (!cJSON_IsObject(j))
		abort();
	cJSON_Delete(j);
	free(body);
}

static void
fuzz_calls_free(struct fuzz_calls *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free((char *)f->calls[i].id);
		free((char *)f->calls[i].name);
		free((char *)f->calls[i].args);
		free((char *)f->calls[i].signature);
		free(f->errs[i]);
	}
	pstate_done(&f->st);
}

/*
 * Fragment mode: the input, cut at newlines, becomes the argument fragments
 * of well-formed events (made by fuzz_frame, JSON-escaped), so that assembly
 * is reached on every run; the first byte of a piece picks the call's index.
 */
static void
fuzz_fragments(struct buf *out, const uint8_t *data, size_t size)
{
	bool seen[8] = { false };
	const uint8_t *p = data, *e = data + size, *nl;
	int idx;

	while (p < e) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (nl == NULL)
			nl = e;
		idx = p < nl ? *p % 8 : 0;
		fuzz_frame(out, idx, p < nl ? (const char *)p + 1 : "",
		    p < nl ? (size_t)(nl - p - 1) : 0, !seen[idx]);
		seen[idx] = true;
		p = nl < e ? nl + 1 : e;
	}
	fuzz_end(out, size > 0 && data[0] == 'L');
}

/* A JSON string of n bytes (escaped, quotes included) appended to out. */
static void
fuzz_json_str(struct buf *out, const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	cJSON *j = cJSON_CreateString(t);
	char *q = cJSON_PrintUnformatted(j);

	buf_adds(out, q != NULL ? q : "\"\"");
	free(q);
	cJSON_Delete(j);
	free(t);
}

/* Whether the n bytes at s are one JSON value. */
static bool
fuzz_is_json(const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	cJSON *j = cJSON_Parse(t);
	bool ok = j != NULL;

	cJSON_Delete(j);
	free(t);
	return ok;
}

/* Byte 0 picks raw bytes through the framing, or fragments in frames. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct provider *p = &FUZZ_PROVIDER;
	struct fuzz_calls f;
	struct buf in;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof f);
	f.p = p;
	f.st.on_text = fuzz_on_text;
	f.st.on_reasoning = fuzz_on_text;
	f.st.on_call = fuzz_on_call;
	f.st.arg = &f;
	buf_init(&in, 0);
	if (data[0] & 1)
		fuzz_fragments(&in, data + 1, size - 1);
	else
		buf_add(&in, data + 1, size - 1);
	(void)stream_wire_decode(p->ndjson, FUZZ_LINE_CAP, fuzz_on_event, &f, buf_str(&in), in.len, 0);
	/* a stream that ended without its terminal event still hands over what it holds */
	wire_calls_flush(&f.st, true);
	fuzz_replay(&f);
	buf_done(&in);
	fuzz_calls_free(&f);
	return 0;
}

#endif
