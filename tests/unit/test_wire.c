/* test_wire: the shared JSON helpers of the adapters, and what fuzzing found in them. */
#include <stdlib.h>

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

int
main(void)
{
	RUN(test_wire_parse);
	RUN(test_wire_getters);
	RUN(test_wire_line);
	RUN(test_wire_errors);
	RUN(test_wire_url);
	RUN(test_wire_completion_tokens);
	UNIT_EXIT();
}
