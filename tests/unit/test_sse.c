/* test_sse: the SSE decoder fed whole, byte by byte and in every split gives the same events. */
#include <dirent.h>
#include <stdlib.h>

#include "buf.h"
#include "sse.h"
#include "unit.h"
#include "util.h"
#include "feed.h"

/* What one decoding produced: every event as "name|data;" and the last return code. */
struct rec {
	struct buf out;
	int events;
	int stop_after; /* ask to stop after this many events; 0: never */
};

static int
rec_event(void *arg, const char *event, const char *data, size_t len)
{
	struct rec *r = arg;

	CHECK(data[len] == '\0');
	CHECK(strlen(data) == len);
	buf_addf(&r->out, "%s|", event != NULL ? event : "-");
	buf_add(&r->out, data, len);
	buf_adds(&r->out, ";");
	r->events++;
	return r->stop_after != 0 && r->events >= r->stop_after;
}

static int
feed_one(void *dec, const char *p, size_t n)
{
	return sse_feed(dec, p, n);
}

static int
finish_one(void *dec)
{
	return sse_finish(dec);
}

/* One decoding, cut as feed_sliced says; every record and the return code as text. */
static char *
decode(const char *in, size_t n, size_t max, size_t step, size_t cut, int stop_after)
{
	struct rec r = { .stop_after = stop_after };
	struct sse *s;
	int rc;

	buf_init(&r.out, 0);
	s = sse_new(max, rec_event, &r);
	rc = feed_sliced(s, feed_one, finish_one, in, n, step, cut);
	if (rc != 0)
		CHECK_INT(sse_feed(s, "data: x\n\n", 9), rc); /* sticky */
	sse_free(s);
	buf_addf(&r.out, "rc=%d", rc);
	return buf_detach(&r.out);
}

static void
expect_max(const char *in, size_t max, const char *want)
{
	feed_expect(decode, in, max, want);
}

static void
expect(const char *in, const char *want)
{
	expect_max(in, 1 << 20, want);
}

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
	struct rec r = { 0 };
	struct sse *s;

	buf_init(&r.out, 0);
	s = sse_new(64, rec_event, &r);
	CHECK_INT(sse_feed(s, "data: a\r", 8), 0);
	CHECK_INT(r.events, 0);
	CHECK_INT(sse_feed(s, "\n", 1), 0);
	CHECK_INT(r.events, 0); /* "\r" then "\n" is one line end, not an empty line */
	CHECK_INT(sse_feed(s, "data: b\r", 8), 0);
	CHECK_INT(sse_feed(s, "\n\r", 2), 0);
	CHECK_INT(r.events, 1); /* the lone '\r' is already an empty line */
	CHECK_INT(sse_feed(s, "\n", 1), 0);
	CHECK_INT(r.events, 1); /* and this '\n' only completes its "\r\n" */
	CHECK_STR(buf_str(&r.out), "-|a\nb;");
	CHECK_INT(sse_finish(s), 0);
	CHECK_INT(r.events, 1);
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
	const char *in = "data: a\n\ndata: b\n\n";
	char *got;
	size_t step;

	for (step = 0; step <= 2; step++) {
		got = decode(in, strlen(in), 64, step, 0, 1);
		CHECK_STR(got, "-|a;rc=1");
		free(got);
	}
	got = decode("data: a", 7, 64, 0, 0, 1);
	CHECK_STR(got, "-|a;rc=1");
	free(got);
	sse_free(NULL);
}

static char *
fixture_dir(void)
{
	const char *top = getenv("LLM_TOP");

	return xstrfmt("%s/tests/fixtures/wire", top != NULL && *top ? top : ".");
}

/* Every recorded stream decodes to the same events however it is sliced. */
static void
test_sse_fixtures(void)
{
	char *dir = fixture_dir(), *path, *data, *cause = NULL, *whole, *got;
	struct dirent *e;
	size_t len, cut, step;
	int files = 0;
	DIR *d;

	d = opendir(dir);
	CHECK(d != NULL);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (!str_endswith(e->d_name, ".sse"))
			continue;
		path = xstrfmt("%s/%s", dir, e->d_name);
		CHECK(file_read(path, 1 << 20, &data, &len, &cause) == 0);
		whole = decode(data, len, 1 << 16, 0, 0, 0);
		CHECK(strstr(whole, "rc=0") != NULL);
		CHECK(strchr(whole, ';') != NULL);
		for (step = 1; step <= 7; step += 3) {
			got = decode(data, len, 1 << 16, step, 0, 0);
			if (strcmp(got, whole) != 0)
				fprintf(stderr, "%s: step %zu differs\n", e->d_name, step);
			CHECK_STR(got, whole);
			free(got);
		}
		for (cut = 0; cut <= len && !unit_bad; cut++) {
			got = decode(data, len, 1 << 16, (size_t)-1, cut, 0);
			CHECK_STR(got, whole);
			free(got);
		}
		free(whole);
		free(data);
		free(path);
		files++;
	}
	if (d != NULL)
		closedir(d);
	CHECK(files >= 10);
	free(dir);
}

int
main(void)
{
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
