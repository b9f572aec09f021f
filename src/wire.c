/* wire: the JSON helpers every wire-format adapter shares; no I/O. */
#include "wire.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "visible.h"

#define WIRE_TOKENS_MAX 9e15
#define WIRE_SNIP_BAD 80       /* bytes of a malformed event quoted */
#define WIRE_SNIP_STATUS 200   /* bytes of an unreadable error body quoted */
#define WIRE_BLOCK (64 * 1024) /* the arena block kept between events */

/*
 * A stream is tens of thousands of small events, each parsed into a tree of a
 * dozen nodes and strings and thrown away: malloc and free were a quarter of
 * the time spent per event. Event trees are built in an arena instead, reset
 * per event. Under AddressSanitizer trees are allocated one by one as usual,
 * so that the sanitizer still sees every node.
 */
#if defined(__SANITIZE_ADDRESS__)
#define WIRE_ARENA 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WIRE_ARENA 0
#endif
#endif
#ifndef WIRE_ARENA
#define WIRE_ARENA 1
#endif

struct wire_block {
	struct wire_block *next;
	size_t used, cap;
	max_align_t data[];
};

static struct wire_block *wire_arena;

static void *
wire_arena_alloc(size_t n)
{
	struct wire_block *b = wire_arena;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (b == NULL || b->cap - b->used < n) {
		b = xmalloc(sizeof *b + (n > WIRE_BLOCK ? n : WIRE_BLOCK));
		b->cap = n > WIRE_BLOCK ? n : WIRE_BLOCK;
		b->used = 0;
		b->next = wire_arena;
		wire_arena = b;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static void
wire_arena_free(void *p)
{
	(void)p; /* all of it goes at once, in wire_event_free */
}

/* Parse one JSON value that fills data[0..len) but for white space; NULL otherwise. */
cJSON *
wire_parse(const char *data, size_t len)
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

/* The JSON object of one streamed event or line, or NULL with *rc PEV_OK (blank) or PEV_BAD. */
cJSON *
wire_event_object(struct pstate *st, const char *data, size_t len, enum pev *rc)
{
	cJSON_Hooks arena = { wire_arena_alloc, wire_arena_free };
	cJSON *j;

	*rc = PEV_OK;
	if (wire_blank(data, len))
		return NULL;
	if (WIRE_ARENA)
		cJSON_InitHooks(&arena);
	j = wire_parse(data, len);
	if (WIRE_ARENA)
		cJSON_InitHooks(NULL);
	if (cJSON_IsObject(j))
		return j;
	wire_event_free(j);
	*rc = wire_bad(st, data, len);
	return NULL;
}

/* Release what wire_event_object returned: empty the arena, keeping one block. */
void
wire_event_free(cJSON *j)
{
	struct wire_block *b;

	if (!WIRE_ARENA) {
		cJSON_Delete(j);
		return;
	}
	while (wire_arena != NULL && (wire_arena->next != NULL || wire_arena->cap > WIRE_BLOCK)) {
		b = wire_arena;
		wire_arena = b->next;
		free(b);
	}
	if (wire_arena != NULL)
		wire_arena->used = 0;
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
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* cut between characters, not inside one */
	}
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

bool wire_fast = true;
unsigned long wire_fast_count;
unsigned long wire_tmpl_count;

static bool
wire_scan_lit(struct wire_scan *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return false;
	s->p += n;
	return true;
}

static bool
wire_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Strict JSON number; cJSON reads at most 63 bytes of one, so take no more than WIRE_NUM_MAX. */
static bool
wire_scan_number(struct wire_scan *s)
{
	const char *p = s->p, *e = s->end;

	if (p < e && *p == '-')
		p++;
	if (p >= e || !wire_is_digit(*p))
		return false;
	if (*p == '0')
		p++;
	else
		while (p < e && wire_is_digit(*p))
			p++;
	if (p < e && *p == '.') {
		p++;
		if (p >= e || !wire_is_digit(*p))
			return false;
		while (p < e && wire_is_digit(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (p >= e || !wire_is_digit(*p))
			return false;
		while (p < e && wire_is_digit(*p))
			p++;
	}
	if (p - s->p > WIRE_NUM_MAX)
		return false;
	s->p = p;
	return true;
}

/* Skip JSON white space at s->p. */
void
wire_scan_ws(struct wire_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Whether c ends a run of plain string bytes: '"', '\\' or a control character. */
static bool
wire_special(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20;
}

/*
 * The first byte at or after p that is not plain string text, or end. Eight
 * bytes at a time where the order allows it: text is mostly plain. In the mask,
 * a borrow can mark bytes above a special one but never one below, so its
 * lowest mark is the first special byte.
 */
static const char *
wire_plain(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t v, q, b, m;

	while (end - p >= 8) {
		memcpy(&v, p, 8);
		q = v ^ (ones * '"');
		b = v ^ (ones * '\\');
		m = (((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v)) & highs;
		if (m != 0)
			return p + __builtin_ctzll(m) / 8;
		p += 8;
	}
#endif
	while (p < end && !wire_special((unsigned char)*p))
		p++;
	return p;
}

/* The body of wire_scan_string, inlined into the scanner's own loops. */
static inline bool
wire_string(struct wire_scan *s, const char **str, size_t *n, bool *esc)
{
	const char *p = s->p, *start;
	unsigned char c;

	*esc = false;
	if (p >= s->end || *p != '"')
		return false;
	start = ++p;
	for (;;) {
		p = wire_plain(p, s->end);
		if (p >= s->end)
			return false;
		c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return false; /* cJSON takes raw controls; strict JSON does not, so cJSON judges */
		if (c == '\\') {
			*esc = true;
			if (p + 1 >= s->end)
				return false;
			p++; /* the escaped byte, checked when unescaped or below */
			if (*p != '"' && *p != '\\' && *p != '/' && *p != 'b' && *p != 'f' && *p != 'n' &&
			    *p != 'r' && *p != 't' && *p != 'u')
				return false;
		}
		p++;
	}
	*str = start;
	*n = (size_t)(p - start);
	s->p = p + 1;
	return true;
}

/* Skip one string at s->p: its raw bytes and whether it holds escapes; false if invalid. */
bool
wire_scan_string(struct wire_scan *s, const char **str, size_t *n, bool *esc)
{
	return wire_string(s, str, n, esc);
}

/*
 * After an element of an array or object: 1 past its closing byte, 0 past a
 * comma (and the space after it), -1 at anything else.
 */
static int
wire_scan_next(struct wire_scan *s, char close)
{
	wire_scan_ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == close) {
		s->p++;
		return 1;
	}
	if (*s->p != ',')
		return -1;
	s->p++;
	wire_scan_ws(s);
	return 0;
}

static bool
wire_scan_array(struct wire_scan *s, int depth)
{
	int k;

	if (depth >= WIRE_DEPTH_MAX)
		return false;
	s->p++; /* [ */
	wire_scan_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	for (;;) {
		if (!wire_scan_value(s, depth + 1))
			return false;
		if ((k = wire_scan_next(s, ']')) != 0)
			return k > 0;
	}
}

static bool
wire_skip_member(void *arg, struct wire_scan *s, const char *key, size_t klen, bool kesc)
{
	int *depth = arg;

	(void)key;
	(void)klen;
	(void)kesc;
	return wire_scan_value(s, *depth);
}

/* Skip and validate one value of any kind at s->p, depth levels deep already. */
bool
wire_scan_value(struct wire_scan *s, int depth)
{
	const char *str;
	size_t n;
	bool esc;
	int inner = depth + 1;

	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '{':
		return wire_scan_object(s, depth, wire_skip_member, &inner);
	case '[':
		return wire_scan_array(s, depth);
	case '"':
		if (!wire_string(s, &str, &n, &esc))
			return false;
		/* an escape cJSON refuses fails the whole event: check every \\u */
		return !esc || wire_unescape(str, n, NULL, NULL);
	case 't':
		return wire_scan_lit(s, "true", 4);
	case 'f':
		return wire_scan_lit(s, "false", 5);
	case 'n':
		return wire_scan_lit(s, "null", 4);
	default:
		return wire_scan_number(s);
	}
}

/* Walk the object at s->p, calling fn at each member's value. */
bool
wire_scan_object(struct wire_scan *s, int depth, wire_member_fn fn, void *arg)
{
	const char *key;
	size_t klen;
	bool kesc;
	int k;

	if (depth >= WIRE_DEPTH_MAX || s->p >= s->end || *s->p != '{')
		return false;
	s->p++;
	wire_scan_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return true;
	}
	for (;;) {
		if (!wire_string(s, &key, &klen, &kesc))
			return false;
		if (kesc && !wire_unescape(key, klen, NULL, NULL))
			return false;
		wire_scan_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return false;
		s->p++;
		wire_scan_ws(s);
		if (!fn(arg, s, key, klen, kesc))
			return false;
		if ((k = wire_scan_next(s, '}')) != 0)
			return k > 0;
	}
}

/* Whether s[0..n) is the literal lit. */
bool
wire_scan_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static int
wire_hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i;
	char c;

	for (i = 0; i < 4; i++) {
		c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

/* Unescape the raw string s[0..n) into out as cJSON would, NUL appended; false when in doubt. */
/* Write c at o, or only validate (o cycling in a scratch) when there is no output. */
#define WIRE_PUT(c) do { \
	*o++ = (c); \
	if (out == NULL) \
		o = scratch; \
} while (0)

bool
wire_unescape(const char *s, size_t n, char *out, size_t *outn)
{
	const char *p = s, *e = s + n;
	char scratch[4], *o = out != NULL ? out : scratch;
	unsigned cp, lo;

	while (p < e) {
		if (*p != '\\') {
			WIRE_PUT(*p++);
			continue;
		}
		if (e - p < 2)
			return false;
		switch (p[1]) {
		case '"': WIRE_PUT('"'); break;
		case '\\': WIRE_PUT('\\'); break;
		case '/': WIRE_PUT('/'); break;
		case 'b': WIRE_PUT('\b'); break;
		case 'f': WIRE_PUT('\f'); break;
		case 'n': WIRE_PUT('\n'); break;
		case 'r': WIRE_PUT('\r'); break;
		case 't': WIRE_PUT('\t'); break;
		case 'u':
			if (e - p < 6 || !wire_hex4(p + 2, &cp))
				return false;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return false; /* a lone low surrogate: cJSON refuses it */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (e - p < 12 || p[6] != '\\' || p[7] != 'u' || !wire_hex4(p + 8, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return false;
				cp = 0x10000 + (((cp & 0x3ff) << 10) | (lo & 0x3ff));
				p += 6;
			}
			if (cp < 0x80) {
				WIRE_PUT((char)cp);
			} else if (cp < 0x800) {
				WIRE_PUT((char)(0xc0 | (cp >> 6)));
				WIRE_PUT((char)(0x80 | (cp & 0x3f)));
			} else if (cp < 0x10000) {
				WIRE_PUT((char)(0xe0 | (cp >> 12)));
				WIRE_PUT((char)(0x80 | ((cp >> 6) & 0x3f)));
				WIRE_PUT((char)(0x80 | (cp & 0x3f)));
			} else {
				WIRE_PUT((char)(0xf0 | (cp >> 18)));
				WIRE_PUT((char)(0x80 | ((cp >> 12) & 0x3f)));
				WIRE_PUT((char)(0x80 | ((cp >> 6) & 0x3f)));
				WIRE_PUT((char)(0x80 | (cp & 0x3f)));
			}
			p += 4;
			break;
		default:
			return false;
		}
		p += 2;
	}
	if (out != NULL) {
		*o = '\0';
		*outn = (size_t)(o - out);
	}
	return true;
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
