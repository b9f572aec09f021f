/* test_ndjson: the NDJSON splitter fed whole, byte by byte and in every split gives the same lines. */
#include <stdlib.h>

#include "buf.h"
#include "ndjson.h"
#include "unit.h"
#include "util.h"
#include "feed.h"

static void
test_ndjson_lines(void)
{
	expect("{\"a\":1}\n{\"b\":2}\n", "{\"a\":1};{\"b\":2};rc=0");
	expect("", "rc=0");
	expect("x", "x;rc=0");
}

static void
test_ndjson_crlf_and_blank_lines(void)
{
	expect("{\"a\":1}\r\n\r\n{\"b\":2}\r\n", "{\"a\":1};{\"b\":2};rc=0");
	expect("\n\n  \n\t\r\n{}\n\n", "{};rc=0");
	/* only a '\r' right before the '\n' is a line end; others are content */
	expect("a\rb\n", "a\rb;rc=0");
}

static void
test_ndjson_no_trailing_newline(void)
{
	expect("{\"a\":1}\n{\"done\":true}", "{\"a\":1};{\"done\":true};rc=0");
	expect("{\"done\":true}\r", "{\"done\":true};rc=0");
}

static void
test_ndjson_over_cap(void)
{
	expect_max("0123456789\n", 10, "0123456789;rc=0");
	expect_max("0123456789a\n", 10, "rc=-1");
	expect_max("ok\n0123456789abcdef", 10, "ok;rc=-1");
}

static void
test_ndjson_callback_stops(void)
{
	expect_stop("a\nb\nc\n", "a;rc=1");
	expect_stop("a", "a;rc=1");
	ndjson_free(NULL);
}

/* Every recorded NDJSON stream splits the same way however it is sliced. */
static void
test_ndjson_fixtures(void)
{
	CHECK(feed_fixtures(&feed_ndjson, ".ndjson") >= 3);
}

int
main(void)
{
	feed_under_test = &feed_ndjson;
	RUN(test_ndjson_lines);
	RUN(test_ndjson_crlf_and_blank_lines);
	RUN(test_ndjson_no_trailing_newline);
	RUN(test_ndjson_over_cap);
	RUN(test_ndjson_callback_stops);
	RUN(test_ndjson_fixtures);
	UNIT_EXIT();
}
