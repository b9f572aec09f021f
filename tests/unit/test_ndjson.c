/* test_ndjson: the NDJSON splitter fed whole, byte by byte and in every split gives the same lines. */
#include <dirent.h>
#include <stdlib.h>

#include "buf.h"
#include "ndjson.h"
#include "unit.h"
#include "util.h"
#include "feed.h"

struct rec {
	struct buf out;
	int lines;
	int stop_after; /* ask to stop after this many lines; 0: never */
};

static int
rec_line(void *arg, const char *line, size_t len)
{
	struct rec *r = arg;

	CHECK(line[len] == '\0');
	CHECK(strlen(line) == len);
	CHECK(len > 0);
	buf_add(&r->out, line, len);
	buf_adds(&r->out, ";");
	r->lines++;
	return r->stop_after != 0 && r->lines >= r->stop_after;
}

static int
feed_one(void *dec, const char *p, size_t n)
{
	return ndjson_feed(dec, p, n);
}

static int
finish_one(void *dec)
{
	return ndjson_finish(dec);
}

/* One decoding, cut as feed_sliced says; every record and the return code as text. */
static char *
split(const char *in, size_t n, size_t max, size_t step, size_t cut, int stop_after)
{
	struct rec r = { .stop_after = stop_after };
	struct ndjson *j;
	int rc;

	buf_init(&r.out, 0);
	j = ndjson_new(max, rec_line, &r);
	rc = feed_sliced(j, feed_one, finish_one, in, n, step, cut);
	if (rc != 0)
		CHECK_INT(ndjson_feed(j, "{}\n", 3), rc); /* sticky */
	ndjson_free(j);
	buf_addf(&r.out, "rc=%d", rc);
	return buf_detach(&r.out);
}

static void
expect_max(const char *in, size_t max, const char *want)
{
	feed_expect(split, in, max, want);
}

static void
expect(const char *in, const char *want)
{
	expect_max(in, 1 << 20, want);
}

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
	char *got;
	size_t step;

	for (step = 0; step <= 2; step++) {
		got = split("a\nb\nc\n", 6, 64, step, 0, 1);
		CHECK_STR(got, "a;rc=1");
		free(got);
	}
	got = split("a", 1, 64, 0, 0, 1);
	CHECK_STR(got, "a;rc=1");
	free(got);
	ndjson_free(NULL);
}

/* Every recorded NDJSON stream splits the same way however it is sliced. */
static void
test_ndjson_fixtures(void)
{
	const char *top = getenv("LLM_TOP");
	char *dir, *path, *data, *cause = NULL, *whole, *got;
	struct dirent *e;
	size_t len, cut, step;
	int files = 0;
	DIR *d;

	dir = xstrfmt("%s/tests/fixtures/wire", top != NULL && *top ? top : ".");
	d = opendir(dir);
	CHECK(d != NULL);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (!str_endswith(e->d_name, ".ndjson"))
			continue;
		path = xstrfmt("%s/%s", dir, e->d_name);
		CHECK(file_read(path, 1 << 20, &data, &len, &cause) == 0);
		whole = split(data, len, 1 << 16, 0, 0, 0);
		CHECK(strstr(whole, "rc=0") != NULL);
		for (step = 1; step <= 7; step += 3) {
			got = split(data, len, 1 << 16, step, 0, 0);
			CHECK_STR(got, whole);
			free(got);
		}
		for (cut = 0; cut <= len && !unit_bad; cut++) {
			got = split(data, len, 1 << 16, (size_t)-1, cut, 0);
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
	CHECK(files >= 3);
	free(dir);
}

int
main(void)
{
	RUN(test_ndjson_lines);
	RUN(test_ndjson_crlf_and_blank_lines);
	RUN(test_ndjson_no_trailing_newline);
	RUN(test_ndjson_over_cap);
	RUN(test_ndjson_callback_stops);
	RUN(test_ndjson_fixtures);
	UNIT_EXIT();
}
