/* test_sse: the SSE decoder fed whole, byte by byte and in every split gives the same events. */
#include <stdlib.h>

#include "buf.h"
#include "sse.h"
#include "unit.h"
#include "util.h"
#include "feed.h"

static void
test_sse_basic(void)
{
	expect("data: hello\n\n", "-|hello;rc=0");
	expect("data: a\n\ndata: b\n\n", "-|a;-|b;rc=0");
	expect("data: [DONE]\n\n", "-|[DONE];rc=0");
	expect("", "rc=0");
	expect("\n\n\n", "rc=0");
}

static void
test_sse_data_without_space(void)
{
	expect("data:{\"a\":1}\n\n", "-|{\"a\":1};rc=0");
	/* exactly one space is stripped, the rest is data */
	expect("data:  two\n\n", "-| two;rc=0");
	expect("data\n\n", "-|;rc=0");
	expect("data:\n\n", "-|;rc=0");
}

static void
test_sse_multiline_data(void)
{
	expect("data: a\ndata:b\ndata:  c\n\n", "-|a\nb\n c;rc=0");
	expect("data: {\"x\":\ndata: 1}\n\n", "-|{\"x\":\n1};rc=0");
	expect("data:\ndata:\n\n", "-|\n;rc=0");
}

static void
test_sse_comments(void)
{
	expect(": OPENROUTER PROCESSING\n\n: keep-alive\ndata: x\n:mid\ndata: y\n\n",
	    "-|x\ny;rc=0");
	expect(":only a comment\n\n", "rc=0");
}

static void
test_sse_event_names(void)
{
	expect("event: message_start\ndata: {}\n\nevent: ping\ndata: 1\n\ndata: 2\n\n",
	    "message_start|{};ping|1;-|2;rc=0");
	/* the last event: line wins; an empty one means none */
	expect("event: a\nevent: b\ndata: x\n\n", "b|x;rc=0");
	expect("event: a\nevent:\ndata: x\n\n", "-|x;rc=0");
	/* an event with no data is not dispatched, and its name does not leak */
	expect("event: ping\n\ndata: x\n\n", "-|x;rc=0");
	expect("event:error\ndata: {}\n\n", "error|{};rc=0");
}

static void
test_sse_line_ends(void)
{
	expect("data: a\r\n\r\ndata: b\r\n\r\n", "-|a;-|b;rc=0");
	expect("data: a\r\rdata: b\r\r", "-|a;-|b;rc=0");
	expect("data: a\r\ndata: b\r\r\n", "-|a\nb;rc=0");
	expect("data: a\n\r\ndata: b\r\n\n", "-|a;-|b;rc=0");
	expect("data: a\rdata: b\n\r", "-|a\nb;rc=0");
}

static void
test_sse_crlf_split_across_reads(void)
{
	struct feed_rec r = { 0 };
	struct sse *s;

	buf_init(&r.out, 0);
	s = sse_new(64, feed_sse_event, &r);
	CHECK_INT(sse_feed(s, "data: a\r", 8), 0);
	CHECK_INT(r.calls, 0);
	CHECK_INT(sse_feed(s, "\n", 1), 0);
	CHECK_INT(r.calls, 0); /* "\r" then "\n" is one line end, not an empty line */
	CHECK_INT(sse_feed(s, "data: b\r", 8), 0);
	CHECK_INT(sse_feed(s, "\n\r", 2), 0);
	CHECK_INT(r.calls, 1); /* the lone '\r' is already an empty line */
	CHECK_INT(sse_feed(s, "\n", 1), 0);
	CHECK_INT(r.calls, 1); /* and this '\n' only completes its "\r\n" */
	CHECK_STR(buf_str(&r.out), "-|a\nb;");
	CHECK_INT(sse_finish(s), 0);
	CHECK_INT(r.calls, 1);
	sse_free(s);
	buf_done(&r.out);
}

static void
test_sse_no_trailing_blank_line(void)
{
	expect("data: last", "-|last;rc=0");
	expect("data: last\n", "-|last;rc=0");
	expect("data: last\r", "-|last;rc=0");
	expect("data: a\n\ndata: b\ndata: c", "-|a;-|b\nc;rc=0");
	expect("event: message_stop\ndata: {}", "message_stop|{};rc=0");
}

static void
test_sse_other_fields(void)
{
	expect("id: 7\nretry: 100\nfoo: bar\ndata: x\n\n", "-|x;rc=0");
	expect("\xEF\xBB\xBF" "data: bom\n\n", "-|bom;rc=0");
	/* a byte order mark is only stripped at the very start */
	expect("data: a\n\n\xEF\xBB\xBF" "data: b\n\n", "-|a;rc=0");
	expect("data: caf\xC3\xA9\n\n", "-|caf\xC3\xA9;rc=0");
}

static void
test_sse_over_cap(void)
{
	/* a 16-byte cap: "data: " + 10 bytes fits, one more byte does not */
	expect_max("data: 0123456789\n\n", 16, "-|0123456789;rc=0");
	expect_max("data: 0123456789a\n\n", 16, "rc=-1");
	expect_max("data: 0123456789abcdefghij", 16, "rc=-1");
	expect_max(": a comment that is far too long\n", 16, "rc=-1");
	/* joined data lines count against the cap too */
	expect_max("data: 0123456\ndata: 01234567\n\n", 16, "-|0123456\n01234567;rc=0");
	expect_max("data: 01234567\ndata: 01234567\n\n", 16, "rc=-1");
	expect_max("data: 01234567\ndata: 012345678\n\n", 16, "rc=-1");
	expect_max("data: ok\n\ndata: 01234567\ndata: 01234567\ndata: x\n\n", 16, "-|ok;rc=-1");
}

static void
test_sse_callback_stops(void)
{
	expect_stop("data: a\n\ndata: b\n\n", "-|a;rc=1");
	expect_stop("data: a", "-|a;rc=1");
	sse_free(NULL);
}

/* Every recorded stream decodes to the same events however it is sliced. */
static void
test_sse_fixtures(void)
{
	CHECK(feed_fixtures(&feed_sse, ".sse") >= 10);
}

int
main(void)
{
	feed_under_test = &feed_sse;
	RUN(test_sse_basic);
	RUN(test_sse_data_without_space);
	RUN(test_sse_multiline_data);
	RUN(test_sse_comments);
	RUN(test_sse_event_names);
	RUN(test_sse_line_ends);
	RUN(test_sse_crlf_split_across_reads);
	RUN(test_sse_no_trailing_blank_line);
	RUN(test_sse_other_fields);
	RUN(test_sse_over_cap);
	RUN(test_sse_callback_stops);
	RUN(test_sse_fixtures);
	UNIT_EXIT();
}
