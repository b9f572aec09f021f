/* provider_openai: the Chat Completions wire format of OpenAI and the servers compatible with it. */
#include "provider.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"
#include "wire.h"

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
 * keep the buckets disjoint; completion_tokens already includes reasoning.
 * The figures count as reported only when both required counts are there and
 * every count present is a plausible whole number: anything else ({}, strings,
 * negative or absurd counts) leaves the request to be estimated, never $0.
 */
static void
openai_usage(struct pstate *st, const cJSON *u)
{
	const cJSON *pd;
	int64_t prompt = 0, cached = 0, hit = 0, write = 0, out = 0, reasoning = 0;
	int rp, ro, rc, rh, rw, rr;

	if (!cJSON_IsObject(u))
		return;
	rp = wire_count(u, "prompt_tokens", &prompt);
	ro = wire_count(u, "completion_tokens", &out);
	pd = wire_get(u, "prompt_tokens_details");
	rc = wire_count(pd, "cached_tokens", &cached);
	rh = wire_count(u, "prompt_cache_hit_tokens", &hit); /* DeepSeek */
	rw = wire_count(pd, "cache_write_tokens", &write); /* OpenRouter */
	rr = wire_count(wire_get(u, "completion_tokens_details"), "reasoning_tokens", &reasoning);
	memset(&st->usage, 0, sizeof st->usage);
	if (rp != 1 || ro != 1 || rc < 0 || rh < 0 || rw < 0 || rr < 0)
		return;
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

/* The members of a chunk that matter, found in one pass: a stream has a hundred thousand chunks. */
struct openai_top {
	const cJSON *usage, *groq, *error, *object, *choices;
};

static void
openai_top(const cJSON *j, struct openai_top *t)
{
	const cJSON *m;

	memset(t, 0, sizeof *t);
	cJSON_ArrayForEach(m, j) { /* the first of a repeated key, as cJSON's lookup */
		if (m->string == NULL)
			continue;
		if (strcmp(m->string, "choices") == 0 && t->choices == NULL)
			t->choices = m;
		else if (strcmp(m->string, "usage") == 0 && t->usage == NULL)
			t->usage = m;
		else if (strcmp(m->string, "error") == 0 && t->error == NULL)
			t->error = m;
		else if (strcmp(m->string, "object") == 0 && t->object == NULL)
			t->object = m;
		else if (strcmp(m->string, "x_groq") == 0 && t->groq == NULL)
			t->groq = m;
	}
}

/* One chunk, or (whole) one complete reply: usage, error, then the first choice's text at once. */
static enum pev
openai_object(struct pstate *st, const cJSON *j, bool whole)
{
	const cJSON *err, *c, *part, *content;
	const char *refusal;
	struct openai_top t;
	struct buf text;

	openai_top(j, &t);
	/* Groq's x_groq.usage comes from before include_usage existed */
	openai_usage(st, cJSON_IsObject(t.usage) ? t.usage : wire_get(t.groq, "usage"));
	err = t.error;
	if (cJSON_IsObject(err) || (cJSON_IsString(err) && *err->valuestring != '\0') ||
	    (cJSON_IsString(t.object) && strcmp(t.object->valuestring, "error") == 0)) {
		st->fault = wire_fault(j);
		return wire_error_event(st, openai_errmsg(err, j));
	}
	c = cJSON_IsArray(t.choices) ? t.choices->child : NULL;
	if (cJSON_IsObject(c)) {
		part = wire_get(c, whole ? "message" : "delta");
		content = wire_get(part, "content");
		refusal = wire_str(part, "refusal"); /* a refusal is what the user gets to read */
		if (cJSON_IsString(content) && refusal == NULL) {
			/* the common chunk: hand the string over as it is */
			wire_emit(st, content->valuestring, strlen(content->valuestring));
		} else {
			buf_init(&text, 0);
			openai_content(&text, content);
			openai_text(&text, refusal);
			wire_emit(st, buf_str(&text), text.len);
			buf_done(&text);
		}
		openai_finish(st, wire_str(c, "finish_reason"));
	}
	return whole ? PEV_DONE : PEV_OK;
}

/*
 * The fast path. Nearly every event of a stream is one choice whose delta
 * carries a few bytes of text; building a cJSON tree for each was most of the
 * time llm spent on a reply. openai_fast scans such an event in one pass with
 * no tree and hands the text over exactly as openai_object would. Anything
 * else it declines, and cJSON reads it as before: a key written with escapes
 * at a level that matters, a repeated key that matters (cJSON would take the
 * first), usage, error, x_groq, a refusal or reasoning that is not null, a
 * finish_reason that is not null, no delta, more or fewer than one choice.
 */
struct openai_fast {
	const char *content;
	size_t clen;
	bool cesc;
	const char *pad;   /* the raw bytes of "obfuscation", a padding string, or NULL */
	size_t padlen;
	unsigned seen;     /* OF_* bits of the keys met */
};

enum {
	OF_CHOICES = 1 << 0,
	OF_USAGE = 1 << 1,
	OF_ERROR = 1 << 2,
	OF_OBJECT = 1 << 3,
	OF_DELTA = 1 << 4,
	OF_FINISH = 1 << 5,
	OF_CONTENT = 1 << 6,
	OF_REFUSAL = 1 << 7,
	OF_REASONING_CONTENT = 1 << 8,
	OF_REASONING = 1 << 9,
	OF_TOOL_CALLS = 1 << 10,
	OF_FUNCTION_CALL = 1 << 11,
};

/* Whether the key key[0..klen) is the literal lit. */
#define OPENAI_KEY(lit) (klen == sizeof(lit) - 1 && memcmp(key, lit, sizeof(lit) - 1) == 0)

/* Mark key bit as met; false if it was met before. */
static bool
openai_fast_once(struct openai_fast *f, unsigned bit)
{
	if (f->seen & bit)
		return false;
	f->seen |= bit;
	return true;
}

static bool
openai_fast_null(struct wire_scan *s)
{
	if (s->end - s->p < 4 || memcmp(s->p, "null", 4) != 0)
		return false;
	s->p += 4;
	return true;
}

/* A member of delta (depth 3). */
static bool
openai_fast_delta(void *arg, struct wire_scan *s, const char *key, size_t klen, bool kesc)
{
	struct openai_fast *f = arg;
	unsigned bit;

	if (kesc)
		return false;
	if (OPENAI_KEY("content"))
		return openai_fast_once(f, OF_CONTENT) && wire_scan_string(s, &f->content, &f->clen, &f->cesc);
	if (OPENAI_KEY("refusal"))
		bit = OF_REFUSAL;
	else if (OPENAI_KEY("reasoning_content"))
		bit = OF_REASONING_CONTENT;
	else if (OPENAI_KEY("reasoning"))
		bit = OF_REASONING;
	else if (OPENAI_KEY("tool_calls"))
		bit = OF_TOOL_CALLS;
	else if (OPENAI_KEY("function_call"))
		bit = OF_FUNCTION_CALL;
	else
		return wire_scan_value(s, 3);
	return openai_fast_once(f, bit) && openai_fast_null(s);
}

/* A member of the one choice (depth 2). */
static bool
openai_fast_choice(void *arg, struct wire_scan *s, const char *key, size_t klen, bool kesc)
{
	struct openai_fast *f = arg;

	if (kesc)
		return false;
	if (OPENAI_KEY("delta"))
		return openai_fast_once(f, OF_DELTA) && wire_scan_object(s, 3, openai_fast_delta, f);
	if (OPENAI_KEY("finish_reason"))
		return openai_fast_once(f, OF_FINISH) && openai_fast_null(s);
	return wire_scan_value(s, 2);
}

/* A member of the event (depth 1). */
static bool
openai_fast_top(void *arg, struct wire_scan *s, const char *key, size_t klen, bool kesc)
{
	struct openai_fast *f = arg;
	const char *v;
	size_t n;
	bool esc;

	if (kesc)
		return false;
	if (OPENAI_KEY("choices")) {
		if (!openai_fast_once(f, OF_CHOICES) || s->p >= s->end || *s->p != '[')
			return false;
		s->p++;
		wire_scan_ws(s);
		if (!wire_scan_object(s, 2, openai_fast_choice, f))
			return false;
		wire_scan_ws(s);
		if (s->p >= s->end || *s->p != ']')
			return false; /* none, or more than one */
		s->p++;
		return true;
	}
	if (OPENAI_KEY("usage"))
		return openai_fast_once(f, OF_USAGE) && openai_fast_null(s);
	if (OPENAI_KEY("error"))
		return openai_fast_once(f, OF_ERROR) && openai_fast_null(s);
	if (OPENAI_KEY("x_groq"))
		return false;
	if (OPENAI_KEY("obfuscation") && s->p < s->end && *s->p == '"' && f->pad == NULL)
		return wire_scan_string(s, &f->pad, &f->padlen, &esc);
	if (OPENAI_KEY("object")) {
		if (!openai_fast_once(f, OF_OBJECT))
			return false;
		if (openai_fast_null(s))
			return true;
		return wire_scan_string(s, &v, &n, &esc) && !esc && !wire_scan_is(v, n, "error");
	}
	return wire_scan_value(s, 1);
}

/*
 * The events of one stream differ only in their text and padding: the id,
 * model, creation time and structure repeat. The last event the scanner
 * accepted is kept as a template whose strings "content" and "obfuscation"
 * are holes. An event made of the template's bytes with any valid JSON
 * strings in the holes reads exactly as the template did, with its own text:
 * the bytes before a hole leave a parser in the same state, a string is one
 * token whatever it holds, and the bytes after it are the same again. So such
 * an event is taken by comparing bytes, with only the holes scanned.
 */
#define OPENAI_TMPL_MAX 1024  /* longer events are scanned, not kept */

static struct {
	char bytes[OPENAI_TMPL_MAX];
	size_t len;
	size_t hole[2][2];   /* [start, end) of each hole, quotes included, in order */
	int nholes;
	int text;            /* which hole is the content */
} openai_tmpl;

/* Keep data, just accepted by the scanner, as the template. */
static void
openai_tmpl_keep(const char *data, size_t len, const struct openai_fast *f)
{
	size_t c0 = (size_t)(f->content - data) - 1, p0;
	int k;

	openai_tmpl.len = 0;
	if (len > OPENAI_TMPL_MAX)
		return;
	memcpy(openai_tmpl.bytes, data, len);
	openai_tmpl.nholes = 1;
	openai_tmpl.text = 0;
	openai_tmpl.hole[0][0] = c0;
	openai_tmpl.hole[0][1] = c0 + f->clen + 2;
	if (f->pad != NULL) {
		/* the padding's hole goes before or after the text's, as in the event */
		p0 = (size_t)(f->pad - data) - 1;
		k = p0 < c0 ? 0 : 1;
		if (k == 0) {
			memcpy(openai_tmpl.hole[1], openai_tmpl.hole[0], sizeof(openai_tmpl.hole[0]));
			openai_tmpl.text = 1;
		}
		openai_tmpl.hole[k][0] = p0;
		openai_tmpl.hole[k][1] = p0 + f->padlen + 2;
		openai_tmpl.nholes = 2;
	}
	openai_tmpl.len = len;
}

/* Whether data is the template with valid strings in its holes; if so, set f's text. */
static bool
openai_tmpl_match(const char *data, size_t len, struct openai_fast *f)
{
	struct wire_scan s = { data, data + len };
	const char *str;
	size_t t = 0, seg, n;
	bool esc;
	int h;

	if (openai_tmpl.len == 0)
		return false;
	for (h = 0; h < openai_tmpl.nholes; h++) {
		seg = openai_tmpl.hole[h][0] - t;
		if ((size_t)(s.end - s.p) < seg || memcmp(s.p, openai_tmpl.bytes + t, seg) != 0)
			return false;
		s.p += seg;
		if (!wire_scan_string(&s, &str, &n, &esc))
			return false;
		if (h == openai_tmpl.text) {
			f->content = str;
			f->clen = n;
			f->cesc = esc;
		}
		t = openai_tmpl.hole[h][1];
	}
	seg = openai_tmpl.len - t;
	return (size_t)(s.end - s.p) == seg && memcmp(s.p, openai_tmpl.bytes + t, seg) == 0;
}

/*
 * Deliver a plain text delta without cJSON: true when data was one (and its
 * text is handed over), false when cJSON must read it. The text goes through
 * a buffer kept between events, NUL-terminated and cut at a NUL as cJSON's is.
 */
static bool
openai_fast(struct pstate *st, const char *data, size_t len)
{
	static char *text;
	static size_t cap;
	struct openai_fast f;
	struct wire_scan s = { data, data + len };
	size_t n;

	memset(&f, 0, sizeof f);
	if (openai_tmpl_match(data, len, &f)) {
		wire_tmpl_count++;
	} else {
		wire_scan_ws(&s);
		if (!wire_scan_object(&s, 0, openai_fast_top, &f))
			return false;
		wire_scan_ws(&s);
		if (s.p != s.end || !(f.seen & OF_CHOICES) || !(f.seen & OF_DELTA) || !(f.seen & OF_CONTENT))
			return false;
		openai_tmpl_keep(data, len, &f);
	}
	if (f.clen + 1 > cap) {
		cap = f.clen + 1 > 256 ? f.clen + 1 : 256;
		free(text);
		text = xmalloc(cap);
	}
	if (f.cesc) {
		if (!wire_unescape(f.content, f.clen, text, &n))
			return false;
		n = strlen(text); /* \u0000 ends cJSON's string */
	} else {
		memcpy(text, f.content, f.clen); /* no NUL in it: raw controls were declined */
		text[f.clen] = '\0';
		n = f.clen;
	}
	wire_fast_count++;
	wire_emit(st, text, n);
	return true;
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
	return wire_print(root);
}

static enum pev
openai_event(struct pstate *st, const char *name, const char *data, size_t len)
{
	cJSON *j;
	enum pev rc;

	(void)name; /* Chat Completions names no events */
	if (openai_is_done(data, len)) {
		st->done = true;
		return PEV_DONE;
	}
	if (wire_fast && openai_fast(st, data, len))
		return PEV_OK;
	j = wire_event_object(st, data, len, &rc);
	if (j == NULL)
		return rc;
	rc = openai_object(st, j, false);
	wire_event_free(j);
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
};
