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
	CHECK_STR_FREE(wire_line(SL("  two\nlines\r\tand\x1b[2J a bell\x07  "), 300), "two lines  and\xe2\x90\x9b[2J a bell\xe2\x90\x87");
	/* cut at 4 bytes would split the é (c3 a9) after "abc": cut before it */
	CHECK_STR_FREE(wire_line(SL("abc\xc3\xa9xyz"), 4), "abc");
	CHECK_STR_FREE(wire_line(NULL, 10, 10), "");
	CHECK_STR_FREE(wire_msg_kind("bad key", "authentication_error"), "bad key (authentication_error)");
	CHECK_STR_FREE(wire_msg_kind("", "overloaded"), "overloaded");
	CHECK_STR_FREE(wire_msg_kind("same", "same"), "same");
	CHECK(wire_msg_kind(NULL, "") == NULL);
}

static void
test_wire_errors(void)
{
	struct pstate st;

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
	CHECK_STR_FREE(wire_error_or(NULL, 502, SL("<html>\nBad gateway</html>")), "HTTP 502: <html> Bad gateway</html>");
	CHECK_STR_FREE(wire_error_or(xstrdup(""), 500, NULL, 9), "HTTP 500");
	CHECK_STR_FREE(wire_error_or(xstrdup("quota"), 429, SL("x")), "quota");
}

static void
test_wire_url(void)
{
	char *s = wire_url("http://h/v1///", "/messages");

	CHECK_STR(s, "http://h/v1/messages");
	free(s);
	CHECK_STR_FREE(wire_url(NULL, "/api/chat"), "/api/chat");
}

/* OpenAI's own API wants max_completion_tokens; compatible servers keep max_tokens. */
static void
test_wire_completion_tokens(void)
{
	static const struct msg m[] = { { .role = "user", .text = "Hi" } };
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

/* Feed data to the OpenAI adapter as one event; g gets the text it handed over. */
static enum pev
openai_feed(const char *data, struct got *g, struct pstate *st)
{
	memset(st, 0, sizeof *st);
	memset(g, 0, sizeof *g);
	st->on_text = got_text;
	st->arg = g;
	return provider_openai.event(st, NULL, data, strlen(data));
}

/* Feed one event; check the result and the text handed over. */
#define EVENT(data, want_rc, want_text) do { \
	struct got g_; \
	struct pstate st_; \
	CHECK_INT(openai_feed((data), &g_, &st_), (want_rc)); \
	CHECK_INT(g_.len, sizeof(want_text) - 1); \
	CHECK(memcmp(g_.text, (want_text), sizeof(want_text) - 1) == 0); \
	pstate_done(&st_); \
} while (0)

#define CHUNK(content) "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," \
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"},\"logprobs\":null,\"finish_reason\":null}]}"

/* The common chunk: its text handed over, escapes read as JSON reads them. */
static void
test_openai_event_text(void)
{
	EVENT(CHUNK("hello wo"), PEV_OK, "hello wo");
	EVENT(CHUNK("a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t"), PEV_OK, "a\"b\\c/d\b\f\n\r\t");
	EVENT(CHUNK("\\u00e9\\u20AC\\u20ac"), PEV_OK, "\xc3\xa9\xe2\x82\xac\xe2\x82\xac");
	/* a surrogate pair is one character of four bytes */
	EVENT(CHUNK("\\ud83d\\ude00!"), PEV_OK, "\xf0\x9f\x98\x80!");
	EVENT(CHUNK("\\uD83D\\uDE00"), PEV_OK, "\xf0\x9f\x98\x80");
	/* a NUL written as \u0000 would end cJSON's string: it reads as U+FFFD */
	EVENT(CHUNK("a\\u0000b"), PEV_OK, "a\xef\xbf\xbd" "b");
	EVENT(CHUNK(""), PEV_OK, "");
	/* raw UTF-8 passes as it is */
	EVENT(CHUNK("\xc3\xa9t\xc3\xa9"), PEV_OK, "\xc3\xa9t\xc3\xa9");
	/* white space wherever JSON has it, keys in any order, nulls that mean nothing */
	EVENT(" \r\n\t{ \"usage\" : null , \"choices\" :\n[ { \"finish_reason\" : null , \"delta\" : { \"role\" :"
	    " \"assistant\" , \"content\" : \"x\" , \"refusal\" : null , \"reasoning_content\" : null } } ] ,"
	    " \"error\" : null }\n\n", PEV_OK, "x");
	/* unknown members of every kind, nested */
	EVENT("{\"x\":{\"a\":[1,-2.5e+3,0,1E9,true,false,null,{\"b\":[[[{}]]]},\"\\u0041\\n\"]},\"choices\":"
	    "[{\"delta\":{\"content\":\"n\",\"tool\":{\"k\":[]}},\"logprobs\":{\"c\":[{\"t\":\"\\ud83d\\ude00\"}]}}]}",
	    PEV_OK, "n");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"d\"}}],\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}",
	    PEV_OK, "d");
}

#define OBF(content, pad) "{\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"," \
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" content "\"},\"logprobs\":null," \
	"\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"" pad "\"}"

/* Events that repeat the last one but for their text and padding (OpenAI's "obfuscation"). */
static void
test_openai_event_padding(void)
{
	EVENT(OBF("one", "ab"), PEV_OK, "one");
	EVENT(OBF("two", "abcdefgh"), PEV_OK, "two");
	EVENT(OBF("", ""), PEV_OK, "");
	EVENT(OBF("a\\nb \\\"q\\\" \\u00e9", "x"), PEV_OK, "a\nb \"q\" \xc3\xa9");
	EVENT(OBF("cut\\u0000here", "x"), PEV_OK, "cut\xef\xbf\xbdhere");
	/* a text that is not a JSON string: malformed; a raw control character cJSON takes */
	EVENT(OBF("bad \\x escape", "x"), PEV_BAD, "");
	EVENT(OBF("raw \x01 control", "x"), PEV_OK, "raw \x01 control");
	/* the text ends early and a member follows */
	EVENT(OBF("a\",\"extra\":\"b", "x"), PEV_OK, "a");
	EVENT(OBF("three", "p"), PEV_OK, "three");
	EVENT(OBF("four", "pp"), PEV_OK, "four");
	/* a finish reason that is not null */
	EVENT("{\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
	    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"end\"},\"logprobs\":null,"
	    "\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"p\"}", PEV_OK, "end");
	/* anything after the event */
	EVENT(OBF("five", "p") "x", PEV_BAD, "");
	EVENT(OBF("five", "p") " \n", PEV_OK, "five");
	/* the padding first */
	EVENT("{\"obfuscation\":\"zz\",\"choices\":[{\"delta\":{\"content\":\"six\"}}]}", PEV_OK,
	    "six");
	EVENT("{\"obfuscation\":\"\",\"choices\":[{\"delta\":{\"content\":\"seven\"}}]}", PEV_OK,
	    "seven");
	/* padding that is not a string */
	EVENT("{\"obfuscation\":1,\"choices\":[{\"delta\":{\"content\":\"eight\"}}]}", PEV_OK,
	    "eight");
	EVENT("{\"obfuscation\":2,\"choices\":[{\"delta\":{\"content\":\"nine\"}}]}", PEV_OK,
	    "nine");
	EVENT("{\"obfuscation\":2,\"choices\":[{\"delta\":{\"content\":\"ten\"}}]}", PEV_OK,
	    "ten");
}

/* Invalid escapes and lone surrogates make an event malformed; cJSON's own readings stand. */
static void
test_openai_event_escapes(void)
{
	EVENT(CHUNK("\\ud83d"), PEV_BAD, "");          /* a lone high surrogate */
	EVENT(CHUNK("\\ud83dx"), PEV_BAD, "");
	EVENT(CHUNK("\\ud83d\\u0041"), PEV_BAD, "");    /* high, then not a low one */
	EVENT(CHUNK("\\ude00"), PEV_BAD, "");          /* a lone low surrogate */
	EVENT(CHUNK("\\x"), PEV_BAD, "");
	EVENT(CHUNK("\\u12"), PEV_BAD, "");
	/* cJSON reads a \u with a bad digit as U+0000, cutting the text: left to it */
	EVENT(CHUNK("a\\uZZZZb"), PEV_OK, "a");
	/* an escaped NUL would cut the text there: it reads as U+FFFD, the rest kept */
	EVENT(CHUNK("H\\u0000nul I\\u0000"), PEV_OK, "H\xef\xbf\xbdnul I\xef\xbf\xbd");
	/* "\\u0000" is a backslash and the text "u0000" */
	EVENT(CHUNK("a\\\\u0000b"), PEV_OK, "a\\u0000b");
	EVENT(CHUNK("a\\\\\\u0000b"), PEV_OK, "a\\\xef\xbf\xbd" "b");
	EVENT(CHUNK("a\\\\\\\\u0000b"), PEV_OK, "a\\\\u0000b");
	/* at the text's end, before more digits, beside other escapes, and in a key */
	EVENT(CHUNK("end\\u0000"), PEV_OK, "end\xef\xbf\xbd");
	EVENT(CHUNK("\\u00000"), PEV_OK, "\xef\xbf\xbd" "0");
	EVENT(CHUNK("\\n\\u0000\\\"\\u0000\\\\"), PEV_OK, "\n\xef\xbf\xbd\"\xef\xbf\xbd\\");
	EVENT("{\"k\\u0000\":1,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_OK, "a");
	EVENT(CHUNK("\\u000"), PEV_BAD, "");
	/* a raw control character: cJSON takes it, strict JSON does not */
	EVENT(CHUNK("a\x01z"), PEV_OK, "a\x01z");
	/* an invalid escape in a value the adapter does not read fails the event all the same */
	EVENT("{\"x\":\"\\q\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_BAD, "");
	EVENT("{\"x\":\"\\udc00\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_BAD, "");
}

/* Repeated keys, usage, errors, refusals, parts, odd numbers: each event read as cJSON reads it. */
static void
test_openai_event_shapes(void)
{
	/* repeated keys: cJSON keeps both and its lookups take the first */
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}", PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[]}", PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"delta\":{\"content\":\"b\"}}]}", PEV_OK, "a");
	/* repeated keys the adapter never reads do not matter */
	EVENT("{\"id\":1,\"id\":2,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":null}}]}", PEV_OK, "");
	EVENT("{\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}}]}", PEV_OK, "t");
	EVENT("{\"choices\":[]}", PEV_OK, "");
	EVENT("{\"choices\":[{\"delta\":{}}]}", PEV_OK, "");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}", PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}", PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}",
	    PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"x_groq\":{\"usage\":{\"prompt_tokens\":1}}}",
	    PEV_OK, "a");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"error\":{\"message\":\"boom\"}}", PEV_ERROR, "");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"object\":\"error\"}", PEV_ERROR, "");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\",\"refusal\":\"no\"}}]}", PEV_OK, "ano");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\",\"reasoning\":\"r\"}}]}", PEV_OK, "a");
	/* a key written with escapes may be one that matters: cJSON reads it */
	EVENT("{\"choi\\u0063es\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_OK, "a");
	/* deeply nested (cJSON goes to 1000 levels) */
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"d\"}}],\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]}", PEV_OK, "d");
	/* not JSON, or more than one value: PEV_BAD as before */
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]} x", PEV_BAD, "");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],}", PEV_BAD, "");
	EVENT("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]", PEV_BAD, "");
	/* numbers strict JSON refuses and cJSON's strtod takes, and a very long one */
	EVENT("{\"n\":01,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_OK, "a");
	EVENT("{\"n\":1.,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_OK, "a");
	EVENT("{\"n\":12345678901234567890123456789012345678901234567890123456789012345678901234567890,"
	    "\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_OK, "a");
	EVENT("{\"n\":-,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_BAD, "");
	EVENT("{\"v\":nul,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", PEV_BAD, "");
	EVENT("[1]", PEV_BAD, "");
	EVENT("  ", PEV_OK, "");
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
	/* OpenRouter: the code is the HTTP status; 402 is out of credit */
	CHECK_INT(FB("{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}"), FAULT_QUOTA);
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

/* RFC 4648's test vectors. */
static void
test_base64(void)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
		"Zm9vYmFy" };
	size_t i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *b = wire_base64(in[i], strlen(in[i]));

		CHECK_STR(b, out[i]);
		free(b);
	}
	{
		char *b = wire_base64("\0\xff\xfe", 3);

		CHECK_STR(b, "AP/+");
		free(b);
	}
}

int
main(void)
{
	RUN(test_base64);
	RUN(test_wire_parse);
	RUN(test_wire_getters);
	RUN(test_wire_line);
	RUN(test_wire_errors);
	RUN(test_wire_fault);
	RUN(test_wire_url);
	RUN(test_wire_completion_tokens);
	RUN(test_openai_event_text);
	RUN(test_openai_event_padding);
	RUN(test_openai_event_escapes);
	RUN(test_openai_event_shapes);
	UNIT_EXIT();
}
