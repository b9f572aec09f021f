/* test_wire: the shared JSON helpers of the adapters, and what fuzzing found in them. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "provider.h"
#include "unit.h"
#include "util.h"
#include "wire.h"

#define SL(s) (s), (sizeof(s) - 1)

static void
test_wire_parse(void)
{
	cJSON *j;

	j = wire_parse(SL("  {\"a\":1}\n\r\t "));
	CHECK(cJSON_IsObject(j));
	cJSON_Delete(j);
	CHECK(wire_parse(SL("{\"a\":1} x")) == NULL);
	CHECK(wire_parse(SL("{\"a\":1}{}")) == NULL);
	CHECK(wire_parse(SL("")) == NULL);
	CHECK(wire_parse(NULL, 5) == NULL);
	/* the length bounds the parse: what follows is not read */
	j = wire_parse("[1]garbage", 3);
	CHECK(cJSON_IsArray(j));
	cJSON_Delete(j);
	CHECK(wire_blank(SL(" \n\t\r")));
	CHECK(wire_blank(NULL, 3));
	CHECK(!wire_blank(SL(" x ")));
}

static void
test_wire_getters(void)
{
	cJSON *j = wire_parse(SL("{\"s\":\"v\",\"n\":12,\"neg\":-1,\"big\":1e300,\"f\":2.9,\"o\":{\"t\":\"x\"},"
	    "\"arr\":[1]}"));
	int64_t v = 77;

	CHECK_STR(wire_str(j, "s"), "v");
	CHECK(wire_str(j, "n") == NULL);
	CHECK(wire_str(j, "missing") == NULL);
	CHECK(wire_get(wire_get(j, "arr"), "x") == NULL); /* not an object */
	CHECK(wire_get(NULL, "x") == NULL);
	CHECK(wire_is(wire_get(j, "o"), "t", "x"));
	CHECK(!wire_is(wire_get(j, "o"), "t", "y"));
	CHECK(!wire_is(j, "n", "12"));
	CHECK(wire_int(j, "n", &v) && v == 12);
	v = 77;
	CHECK(!wire_int(j, "neg", &v) && v == 77);
	CHECK(!wire_int(j, "big", &v) && v == 77);
	CHECK(!wire_int(j, "s", &v) && v == 77);
	CHECK(wire_int(j, "f", &v) && v == 2);
	cJSON_Delete(j);
}

static void
test_wire_line(void)
{
	char *s;

	s = wire_line(SL("  two\nlines\r\tand\x1b[2J a bell\x07  "), 300);
	CHECK_STR(s, "two lines  and\xe2\x90\x9b[2J a bell\xe2\x90\x87");
	free(s);
	/* cut at 4 bytes would split the é (c3 a9) after "abc": cut before it */
	s = wire_line(SL("abc\xc3\xa9xyz"), 4);
	CHECK_STR(s, "abc");
	free(s);
	s = wire_line(NULL, 10, 10);
	CHECK_STR(s, "");
	free(s);
	s = wire_msg_kind("bad key", "authentication_error");
	CHECK_STR(s, "bad key (authentication_error)");
	free(s);
	s = wire_msg_kind("", "overloaded");
	CHECK_STR(s, "overloaded");
	free(s);
	s = wire_msg_kind("same", "same");
	CHECK_STR(s, "same");
	free(s);
	CHECK(wire_msg_kind(NULL, "") == NULL);
}

static void
test_wire_errors(void)
{
	struct pstate st;
	char *s;

	memset(&st, 0, sizeof st);
	CHECK_INT(wire_bad(&st, SL("{not json")), PEV_BAD);
	CHECK_STR(st.error, "malformed reply from the server: {not json");
	CHECK_INT(st.stop, STOP_NONE);
	CHECK_INT(wire_error_event(&st, NULL), PEV_ERROR);
	CHECK_STR(st.error, "error reported by the server");
	CHECK_INT(st.stop, STOP_ERROR);
	CHECK_INT(wire_error_event(&st, xstrdup("Overloaded")), PEV_ERROR);
	CHECK_STR(st.error, "Overloaded");
	pstate_done(&st);
	s = wire_error_or(NULL, 502, SL("<html>\nBad gateway</html>"));
	CHECK_STR(s, "HTTP 502: <html> Bad gateway</html>");
	free(s);
	s = wire_error_or(xstrdup(""), 500, NULL, 9);
	CHECK_STR(s, "HTTP 500");
	free(s);
	s = wire_error_or(xstrdup("quota"), 429, SL("x"));
	CHECK_STR(s, "quota");
	free(s);
}

static void
test_wire_url(void)
{
	char *s = wire_url("http://h/v1///", "/messages");

	CHECK_STR(s, "http://h/v1/messages");
	free(s);
	s = wire_url(NULL, "/api/chat");
	CHECK_STR(s, "/api/chat");
	free(s);
}

/* OpenAI's own API wants max_completion_tokens; compatible servers keep max_tokens. */
static void
test_wire_completion_tokens(void)
{
	static const struct msg m[] = { { "user", "Hi" } };
	struct request req = { .model = "gpt-5-mini", .msgs = m, .nmsgs = 1, .max_tokens = 300 };
	char *body;
	cJSON *j;

	body = provider_openai.body(&req);
	j = wire_parse(body, strlen(body));
	CHECK(cJSON_IsNumber(wire_get(j, "max_tokens")) && wire_get(j, "max_tokens")->valueint == 300);
	CHECK(wire_get(j, "max_completion_tokens") == NULL);
	cJSON_Delete(j);
	free(body);

	req.completion_tokens = true;
	body = provider_openai.body(&req);
	j = wire_parse(body, strlen(body));
	CHECK(wire_get(j, "max_tokens") == NULL);
	CHECK(cJSON_IsNumber(wire_get(j, "max_completion_tokens")) &&
	    wire_get(j, "max_completion_tokens")->valueint == 300);
	cJSON_Delete(j);
	free(body);

	req.max_tokens = 0; /* no cap: neither field */
	body = provider_openai.body(&req);
	CHECK(strstr(body, "max_") == NULL);
	free(body);
}

/* What one event handed over: the text, and in how many calls. */
struct got {
	char text[512];
	size_t len;
	int calls;
};

static void
got_text(void *arg, const char *s, size_t n)
{
	struct got *g = arg;

	if (g->len + n < sizeof g->text) {
		memcpy(g->text + g->len, s, n);
		g->len += n;
		g->text[g->len] = '\0';
	}
	g->calls++;
}

/*
 * Feed data to the OpenAI adapter with the fast path on and off: both must
 * leave the same state. Returns the result; *fast says whether the fast path
 * took the event, g and st what the fast-on run left.
 */
static enum pev
fast_both(const char *data, struct got *g, struct pstate *st, bool *fast)
{
	struct pstate slow;
	struct got gs;
	enum pev rc, rs;
	unsigned long n;

	memset(st, 0, sizeof *st);
	memset(&slow, 0, sizeof slow);
	memset(g, 0, sizeof *g);
	memset(&gs, 0, sizeof gs);
	st->on_text = slow.on_text = got_text;
	st->arg = g;
	slow.arg = &gs;
	n = wire_fast_count;
	wire_fast = true;
	rc = provider_openai.event(st, NULL, data, strlen(data));
	*fast = wire_fast_count != n;
	wire_fast = false;
	rs = provider_openai.event(&slow, NULL, data, strlen(data));
	wire_fast = true;
	CHECK_INT(rc, rs);
	CHECK_INT(g->len, gs.len);
	CHECK(memcmp(g->text, gs.text, g->len) == 0);
	CHECK_INT(g->calls, gs.calls);
	CHECK_INT(st->stop, slow.stop);
	CHECK_INT(st->usage.input, slow.usage.input);
	CHECK_INT(st->usage.output, slow.usage.output);
	CHECK_INT(st->usage.reported, slow.usage.reported);
	CHECK((st->error == NULL) == (slow.error == NULL));
	if (st->error != NULL && slow.error != NULL)
		CHECK_STR(st->error, slow.error);
	pstate_done(&slow);
	return rc;
}

/* Run data both ways; check the path taken, the result and the text handed over. */
#define FAST(data, want_fast, want_rc, want_text) do { \
	struct got g_; \
	struct pstate st_; \
	bool fast_; \
	CHECK_INT(fast_both((data), &g_, &st_, &fast_), (want_rc)); \
	CHECK_INT(fast_, (want_fast)); \
	CHECK_INT(g_.len, sizeof(want_text) - 1); \
	CHECK(memcmp(g_.text, (want_text), sizeof(want_text) - 1) == 0); \
	pstate_done(&st_); \
} while (0)

#define CHUNK(content) "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," \
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"},\"logprobs\":null,\"finish_reason\":null}]}"

/* The common chunk takes the fast path, escapes read exactly as cJSON reads them. */
static void
test_wire_fast_text(void)
{
	FAST(CHUNK("hello wo"), true, PEV_OK, "hello wo");
	FAST(CHUNK("a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t"), true, PEV_OK, "a\"b\\c/d\b\f\n\r\t");
	FAST(CHUNK("\\u00e9\\u20AC\\u20ac"), true, PEV_OK, "\xc3\xa9\xe2\x82\xac\xe2\x82\xac");
	/* a surrogate pair is one character of four bytes */
	FAST(CHUNK("\\ud83d\\ude00!"), true, PEV_OK, "\xf0\x9f\x98\x80!");
	FAST(CHUNK("\\uD83D\\uDE00"), true, PEV_OK, "\xf0\x9f\x98\x80");
	/* cJSON's string ends at a NUL written as \u0000: so does the text */
	FAST(CHUNK("a\\u0000b"), true, PEV_OK, "a");
	FAST(CHUNK(""), true, PEV_OK, "");
	/* raw UTF-8 passes as it is */
	FAST(CHUNK("\xc3\xa9t\xc3\xa9"), true, PEV_OK, "\xc3\xa9t\xc3\xa9");
	/* white space wherever JSON has it, keys in any order, nulls that mean nothing */
	FAST(" \r\n\t{ \"usage\" : null , \"choices\" :\n[ { \"finish_reason\" : null , \"delta\" : { \"role\" :"
	    " \"assistant\" , \"content\" : \"x\" , \"refusal\" : null , \"reasoning_content\" : null } } ] ,"
	    " \"error\" : null }\n\n", true, PEV_OK, "x");
	/* unknown members of every kind, nested, are skipped and checked */
	FAST("{\"x\":{\"a\":[1,-2.5e+3,0,1E9,true,false,null,{\"b\":[[[{}]]]},\"\\u0041\\n\"]},\"choices\":"
	    "[{\"delta\":{\"content\":\"n\",\"tool\":{\"k\":[]}},\"logprobs\":{\"c\":[{\"t\":\"\\ud83d\\ude00\"}]}}]}",
	    true, PEV_OK, "n");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"d\"}}],\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}",
	    true, PEV_OK, "d");
}

#define OBF(content, pad) "{\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," \
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"},\"logprobs\":null," \
	"\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"" pad "\"}"

/* Whether the next event matched the template; checks it against cJSON as FAST does. */
#define TMPL(data, want_tmpl, want_fast, want_rc, want_text) do { \
	unsigned long t_ = wire_tmpl_count; \
	FAST(data, want_fast, want_rc, want_text); \
	CHECK_INT(wire_tmpl_count - t_, (want_tmpl) ? 1 : 0); \
} while (0)

/*
 * Events that repeat the last one but for their text and padding are taken by
 * comparing bytes; anything else is scanned, or left to cJSON, as before.
 */
static void
test_wire_fast_template(void)
{
	TMPL(OBF("one", "ab"), false, true, PEV_OK, "one");
	TMPL(OBF("two", "abcdefgh"), true, true, PEV_OK, "two");
	TMPL(OBF("", ""), true, true, PEV_OK, "");
	TMPL(OBF("a\\nb \\\"q\\\" \\u00e9", "x"), true, true, PEV_OK, "a\nb \"q\" \xc3\xa9");
	TMPL(OBF("cut\\u0000here", "x"), true, true, PEV_OK, "cut");
	/* a hole holding what is not a JSON string: no template, and the scanner declines too */
	TMPL(OBF("bad \\x escape", "x"), false, false, PEV_BAD, "");
	TMPL(OBF("raw \x01 control", "x"), false, false, PEV_OK, "raw \x01 control");
	/* the text ends early and a member follows: the bytes differ, the scanner reads it */
	TMPL(OBF("a\",\"extra\":\"b", "x"), false, true, PEV_OK, "a");
	/* back to the plain shape: it is the template again after one scan */
	TMPL(OBF("three", "p"), false, true, PEV_OK, "three");
	TMPL(OBF("four", "pp"), true, true, PEV_OK, "four");
	/* the same bytes around a finish reason that is not null: never the template's */
	TMPL("{\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"},\"logprobs\":null,"
	    "\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"p\"}", false, false, PEV_OK, "end");
	/* anything after the event */
	TMPL(OBF("five", "p") "x", false, false, PEV_BAD, "");
	TMPL(OBF("five", "p") " \n", false, true, PEV_OK, "five");
	/* the padding first: the holes are kept in order */
	TMPL("{\"obfuscation\":\"zz\",\"choices\":[{\"delta\":{\"content\":\"six\"}}]}", false, true, PEV_OK,
	    "six");
	TMPL("{\"obfuscation\":\"\",\"choices\":[{\"delta\":{\"content\":\"seven\"}}]}", true, true, PEV_OK,
	    "seven");
	/* padding that is not a string is skipped as any member, and not a hole */
	TMPL("{\"obfuscation\":1,\"choices\":[{\"delta\":{\"content\":\"eight\"}}]}", false, true, PEV_OK,
	    "eight");
	TMPL("{\"obfuscation\":2,\"choices\":[{\"delta\":{\"content\":\"nine\"}}]}", false, true, PEV_OK,
	    "nine");
	TMPL("{\"obfuscation\":2,\"choices\":[{\"delta\":{\"content\":\"ten\"}}]}", true, true, PEV_OK,
	    "ten");
}

/* Invalid escapes and surrogates are for cJSON to refuse: never the fast path's to read. */
static void
test_wire_fast_escapes(void)
{
	FAST(CHUNK("\\ud83d"), false, PEV_BAD, "");          /* a lone high surrogate */
	FAST(CHUNK("\\ud83dx"), false, PEV_BAD, "");
	FAST(CHUNK("\\ud83d\\u0041"), false, PEV_BAD, "");    /* high, then not a low one */
	FAST(CHUNK("\\ude00"), false, PEV_BAD, "");          /* a lone low surrogate */
	FAST(CHUNK("\\x"), false, PEV_BAD, "");
	FAST(CHUNK("\\u12"), false, PEV_BAD, "");
	/* cJSON reads a \u with a bad digit as U+0000, cutting the text: left to it */
	FAST(CHUNK("a\\uZZZZb"), false, PEV_OK, "a");
	/* a raw control character: cJSON takes it, strict JSON does not */
	FAST(CHUNK("a\x01z"), false, PEV_OK, "a\x01z");
	/* an invalid escape in a value the fast path skips fails the event all the same */
	FAST("{\"x\":\"\\q\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_BAD, "");
	FAST("{\"x\":\"\\udc00\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_BAD, "");
}

/* What the fast path declines is read by cJSON exactly as before. */
static void
test_wire_fast_declined(void)
{
	/* repeated keys: cJSON keeps both and its lookups take the first; not fast */
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}", false, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[]}", false, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{\"content\":\"b\"}}]}", false, PEV_OK, "a");
	/* repeated keys the adapter never reads do not matter */
	FAST("{\"id\":1,\"id\":2,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", true, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":null}}]}", false, PEV_OK, "");
	FAST("{\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}}]}", false, PEV_OK, "t");
	FAST("{\"choices\":[]}", false, PEV_OK, "");
	FAST("{\"choices\":[{\"delta\":{}}]}", false, PEV_OK, "");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}", false, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}", false, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}",
	    false, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"x_groq\":{\"usage\":{\"prompt_tokens\":1}}}",
	    false, PEV_OK, "a");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"error\":{\"message\":\"boom\"}}", false, PEV_ERROR, "");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"object\":\"error\"}", false, PEV_ERROR, "");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\",\"refusal\":\"no\"}}]}", false, PEV_OK, "ano");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\",\"reasoning\":\"r\"}}]}", false, PEV_OK, "a");
	/* a key written with escapes may be one that matters: cJSON reads it */
	FAST("{\"choi\\u0063es\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_OK, "a");
	/* deeper than the scanner goes (cJSON goes to 1000) */
	FAST("{\"choices\":[{\"delta\":{\"content\":\"d\"}}],\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]}", false, PEV_OK, "d");
	/* not JSON, or more than one value: PEV_BAD as before */
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]} x", false, PEV_BAD, "");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],}", false, PEV_BAD, "");
	FAST("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]", false, PEV_BAD, "");
	/* numbers strict JSON refuses and cJSON's strtod takes, or longer than the scanner reads */
	FAST("{\"n\":01,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_OK, "a");
	FAST("{\"n\":1.,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_OK, "a");
	FAST("{\"n\":12345678901234567890123456789012345678901234567890123456789012345678901234567890,"
	    "\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_OK, "a");
	FAST("{\"n\":-,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_BAD, "");
	FAST("{\"v\":nul,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", false, PEV_BAD, "");
	FAST("[1]", false, PEV_BAD, "");
	FAST("  ", false, PEV_OK, "");
}

/* wire_unescape alone: cJSON's reading, or a refusal. */
static void
test_wire_unescape(void)
{
	char out[32];
	size_t n = 99;

	CHECK(wire_unescape(SL("a\\u00e9\\ud83d\\ude00\\/"), out, &n));
	CHECK_INT(n, 8);
	CHECK_STR(out, "a\xc3\xa9\xf0\x9f\x98\x80/");
	CHECK(!wire_unescape(SL("\\ud800\\ud800"), out, &n));
	CHECK(!wire_unescape(SL("\\"), out, &n));
	CHECK(!wire_unescape(SL("\\u00"), out, &n));
	CHECK(!wire_unescape(SL("\\a"), NULL, NULL));
	CHECK(wire_unescape(SL("\\t\\u0041"), NULL, NULL));
}

#define FB(s) wire_fault_body(s, strlen(s))

/* Error types classify the same in every shape that carries them. */
static void
test_wire_fault(void)
{
	CHECK_INT(FB("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"),
	    FAULT_AUTH);
	CHECK_INT(FB("{\"error\":{\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"), FAULT_RATE);
	CHECK_INT(FB("{\"error\":{\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}"),
	    FAULT_QUOTA);
	CHECK_INT(FB("{\"error\":{\"type\":\"server_error\",\"code\":null}}"), FAULT_OVERLOADED);
	CHECK_INT(FB("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\"}}"), FAULT_AUTH);
	CHECK_INT(FB("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"}}"), FAULT_RATE);
	CHECK_INT(FB("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}"), FAULT_OVERLOADED);
	CHECK_INT(FB("[{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}]"), FAULT_RATE);
	CHECK_INT(FB("{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}"), FAULT_AUTH);
	CHECK_INT(FB("{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\",\"details\":"
	    "[{\"reason\":\"API_KEY_INVALID\"}]}}"), FAULT_AUTH);
	CHECK_INT(FB("{\"error\":{\"code\":503,\"message\":\"busy\"}}"), FAULT_OVERLOADED);
	CHECK_INT(FB("{\"object\":\"error\",\"type\":\"NotFoundError\",\"code\":404}"), FAULT_NONE);
	CHECK_INT(FB("{\"error\":\"model not found\"}"), FAULT_NONE);
	CHECK_INT(FB("<html>502</html>"), FAULT_NONE);
	CHECK_INT(wire_fault_body(NULL, 0), FAULT_NONE);
}

int
main(void)
{
	RUN(test_wire_parse);
	RUN(test_wire_getters);
	RUN(test_wire_line);
	RUN(test_wire_errors);
	RUN(test_wire_fault);
	RUN(test_wire_url);
	RUN(test_wire_completion_tokens);
	RUN(test_wire_fast_text);
	RUN(test_wire_fast_template);
	RUN(test_wire_fast_escapes);
	RUN(test_wire_fast_declined);
	RUN(test_wire_unescape);
	UNIT_EXIT();
}
