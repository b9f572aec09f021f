/* wire_call: tool calls assembled from a reply's fragments, and encoded back, for every adapter. */
#include "wire_call.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "wire.h"

/* One call being assembled. */
struct wire_call {
	long key;
	char *id, *name, *signature;
	struct buf args;
	bool over;      /* the arguments passed the cap */
	bool bad_id;    /* an id, name or signature passed its cap */
};

struct wire_calls {
	struct wire_call v[WIRE_CALLS_MAX];
	size_t n;
};

void
wire_calls_free(struct wire_calls *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		free(w->v[i].id);
		free(w->v[i].name);
		free(w->v[i].signature);
		buf_done(&w->v[i].args);
	}
	free(w);
}

size_t
wire_calls_count(const struct pstate *st)
{
	return st->calls != NULL ? st->calls->n : 0;
}

/* The call keyed key, begun when new; NULL when the reply holds too many. */
static struct wire_call *
call_at(struct pstate *st, long key, bool create)
{
	struct wire_calls *w;
	struct wire_call *c;
	size_t i;

	if (st->calls == NULL && create)
		st->calls = xcalloc(1, sizeof *st->calls);
	w = st->calls;
	for (i = 0; w != NULL && i < w->n; i++)
		if (w->v[i].key == key)
			return &w->v[i];
	if (!create || w->n == WIRE_CALLS_MAX)
		return NULL;
	c = &w->v[w->n++];
	memset(c, 0, sizeof *c);
	c->key = key;
	buf_init(&c->args, WIRE_CALL_ARGS_MAX);
	return c;
}

/* Keep s in *dst unless *dst is set already or s is empty; over max bytes marks the call. */
static void
keep_first(struct wire_call *c, char **dst, const char *s, size_t max)
{
	if (*dst != NULL || s == NULL || *s == '\0')
		return;
	if (strlen(s) > max) {
		c->bad_id = true;
		return;
	}
	*dst = xstrdup(s);
}

bool
wire_call_begin(struct pstate *st, long key, const char *id, const char *name)
{
	struct wire_call *c = call_at(st, key, true);

	if (c == NULL)
		return false;
	keep_first(c, &c->id, id, WIRE_CALL_ID_MAX);
	keep_first(c, &c->name, name, WIRE_CALL_ID_MAX);
	return true;
}

void
wire_call_args(struct pstate *st, long key, const char *s, size_t n)
{
	struct wire_call *c = call_at(st, key, false);

	if (c == NULL || c->over || n == 0)
		return;
	if (buf_add(&c->args, s, n) != 0)
		c->over = true;
}

void
wire_call_args_json(struct pstate *st, long key, const cJSON *v)
{
	char *s;

	if (v == NULL || cJSON_IsNull(v))
		return;
	if (cJSON_IsString(v)) {
		/* some servers send the arguments as a string even where an object is due */
		wire_call_args(st, key, v->valuestring, strlen(v->valuestring));
		return;
	}
	s = cJSON_PrintUnformatted(v);
	if (s == NULL)
		die("out of memory");
	wire_call_args(st, key, s, strlen(s));
	free(s);
}

void
wire_call_signature(struct pstate *st, long key, const char *sig)
{
	struct wire_call *c = call_at(st, key, true);

	/* signatures are opaque and may be long: kept whole or not at all */
	if (c != NULL)
		keep_first(c, &c->signature, sig, WIRE_CALL_ID_MAX * 64);
}

/* A 9-character [a-zA-Z0-9] id for a call the server gave none, the strictest form any API takes. */
static void
synth_id(const struct wire_call *c, size_t pos, char out[10])
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)pos;
	const char *p;
	int i;

	for (p = c->name ? c->name : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (p = buf_str(&c->args); *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = 0; i < 9; i++) {
		out[i] = digits[h % 62];
		h /= 62;
		if (h == 0)
			h = 0x9e3779b97f4a7c15ULL + (uint64_t)i;
	}
	out[9] = '\0';
}

/* Whether text is empty, "null" or white space: a call without arguments. */
static bool
args_none(const char *s, size_t n)
{
	if (wire_blank(s, n))
		return true;
	while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n == 4 && memcmp(s, "null", 4) == 0;
}

/* Why call c cannot be run, or NULL. */
static const char *
call_error(const struct pstate *st, const struct wire_call *c, bool *empty)
{
	cJSON *j;
	bool obj;

	*empty = args_none(c->args.data, c->args.len);
	if (c->name == NULL)
		return c->bad_id ? "the tool name is too long" : "a tool call without a tool name";
	if (c->bad_id)
		return "the call's id or signature is too long";
	if (c->over)
		return "the arguments are over the size limit (1 MiB); the call was not run";
	if (st->stop == STOP_LENGTH)
		return "the reply was cut off by the length limit during this call; it was not run";
	if (*empty)
		return NULL;
	j = wire_parse(c->args.data, c->args.len);
	obj = cJSON_IsObject(j);
	cJSON_Delete(j);
	return obj ? NULL : "the arguments are not a valid JSON object; the call was not run";
}

void
wire_calls_flush(struct pstate *st, bool synth)
{
	struct wire_calls *w = st->calls;
	struct tool_call tc;
	const char *err;
	char id[10];
	bool empty;
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		const struct wire_call *c = &w->v[i];

		err = call_error(st, c, &empty);
		memset(&tc, 0, sizeof tc);
		tc.id = c->id;
		if (tc.id == NULL && synth) {
			synth_id(c, i, id);
			tc.id = id;
		}
		tc.name = c->name != NULL ? c->name : "";
		/* arguments kept as they came when they are wrong: the model sees what it sent */
		tc.args = empty ? "{}" : c->over ? "" : buf_str(&c->args);
		tc.signature = c->signature;
		if (st->on_call != NULL)
			st->on_call(st->arg, &tc, err);
	}
	wire_calls_free(w);
	st->calls = NULL;
}

/* s parsed when it is a JSON object; else NULL. */
static cJSON *
wire_object(const char *s)
{
	cJSON *j = s != NULL ? wire_parse(s, strlen(s)) : NULL;

	if (cJSON_IsObject(j))
		return j;
	cJSON_Delete(j);
	return NULL;
}

cJSON *
wire_args_object(const char *args)
{
	cJSON *j = wire_object(args);

	return j != NULL ? j : cJSON_CreateObject();
}

cJSON *
wire_schema(const char *schema)
{
	cJSON *j = wire_object(schema);

	if (j == NULL) {
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "type", "object");
	}
	return j;
}

cJSON *
wire_tool_decl(const struct tool_decl *d, const char *key)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", d->name);
	if (d->description != NULL)
		cJSON_AddStringToObject(o, "description", d->description);
	cJSON_AddItemToObject(o, key, wire_schema(d->schema));
	return o;
}

void
wire_tools_chat(cJSON *root, const struct request *req)
{
	cJSON *tools, *t;
	size_t i;

	if (req->ntools == 0)
		return;
	tools = cJSON_AddArrayToObject(root, "tools");
	for (i = 0; i < req->ntools; i++) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "type", "function");
		cJSON_AddItemToObject(t, "function", wire_tool_decl(&req->tools[i], "parameters"));
		cJSON_AddItemToArray(tools, t);
	}
}

char *
wire_result_text(const struct msg *m)
{
	const char *t = m->text != NULL ? m->text : "";

	return m->call_error ? xstrfmt("error: %s", t) : xstrdup(t);
}

/* An assistant turn's calls as tool_calls. */
static void
chat_add_calls(cJSON *item, const struct msg *m, bool args_text)
{
	cJSON *arr, *t, *f;
	const char *args;
	size_t i;

	if (m->text == NULL || *m->text == '\0') {
		cJSON_DeleteItemFromObjectCaseSensitive(item, "content");
		if (args_text)
			cJSON_AddNullToObject(item, "content");
		else
			cJSON_AddStringToObject(item, "content", "");
	}
	arr = cJSON_AddArrayToObject(item, "tool_calls");
	for (i = 0; i < m->ncalls; i++) {
		t = cJSON_CreateObject();
		if (m->calls[i].id != NULL)
			cJSON_AddStringToObject(t, "id", m->calls[i].id);
		cJSON_AddStringToObject(t, "type", "function");
		f = cJSON_AddObjectToObject(t, "function");
		cJSON_AddStringToObject(f, "name", m->calls[i].name ? m->calls[i].name : "");
		if (args_text) {
			/* a call whose arguments were not JSON goes back as an empty one */
			cJSON *o = wire_args_object(m->calls[i].args);

			args = cJSON_PrintUnformatted(o);
			if (args == NULL)
				die("out of memory");
			cJSON_AddStringToObject(f, "arguments", args);
			free((char *)args);
			cJSON_Delete(o);
		} else {
			cJSON_AddItemToObject(f, "arguments", wire_args_object(m->calls[i].args));
		}
		cJSON_AddItemToArray(arr, t);
	}
}

/* A tool result: its id (and for Ollama its tool's name), the error said in the text. */
static void
chat_add_result(cJSON *item, const struct msg *m, bool args_text)
{
	char *text = wire_result_text(m);

	cJSON_ReplaceItemInObjectCaseSensitive(item, "content", cJSON_CreateString(text));
	free(text);
	if (m->call_id != NULL)
		cJSON_AddStringToObject(item, "tool_call_id", m->call_id);
	if (!args_text && m->call_name != NULL)
		cJSON_AddStringToObject(item, "tool_name", m->call_name);
}

void
wire_chat_calls(cJSON *root, const struct request *req, bool args_text)
{
	cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
	cJSON *item = msgs != NULL ? msgs->child : NULL;
	size_t i;

	if (req->system != NULL && item != NULL)
		item = item->next;
	for (i = 0; i < req->nmsgs && item != NULL; i++, item = item->next) {
		const struct msg *m = &req->msgs[i];

		if (m->ncalls > 0)
			chat_add_calls(item, m, args_text);
		else if (m->role != NULL && strcmp(m->role, "tool") == 0)
			chat_add_result(item, m, args_text);
	}
}
