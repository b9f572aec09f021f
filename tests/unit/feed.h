/* feed: drive a stream decoder with one input cut every way, for tests that must agree whole and in pieces. */
#ifndef LLM_TEST_FEED_H
#define LLM_TEST_FEED_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "stream_ops.h"
#include "unit.h"
#include "util.h"

/* What one decoding handed over, each piece as "piece;", and when its callback asks to stop. */
struct feed_rec {
	struct buf out;
	int calls;
	int stop_after; /* ask to stop after this many pieces; 0: never */
};

/* Record one piece, which must be NUL-terminated at n; the callback's return: whether to stop. */
static inline int
feed_rec_add(struct feed_rec *r, const char *p, size_t n)
{
	CHECK(p[n] == '\0');
	CHECK(strlen(p) == n);
	buf_add(&r->out, p, n);
	buf_adds(&r->out, ";");
	r->calls++;
	return r->stop_after != 0 && r->calls >= r->stop_after;
}

/* A decoder under test: its table, and how to open one (cap max) that records into r. */
struct feed_dec {
	const struct stream_ops *(*ops)(void);
	void *(*open)(size_t max, struct feed_rec *r);
};

/* Record an SSE event as "name|data;", the name "-" when there is none. */
static inline int
feed_sse_event(void *arg, const char *event, const char *data, size_t len)
{
	struct feed_rec *r = arg;

	buf_addf(&r->out, "%s|", event != NULL ? event : "-");
	return feed_rec_add(r, data, len);
}

/* Record an NDJSON line, which is never empty, as "line;". */
static inline int
feed_ndjson_line(void *arg, const char *line, size_t len)
{
	CHECK(len > 0);
	return feed_rec_add(arg, line, len);
}

static inline void *
feed_open_sse(size_t max, struct feed_rec *r)
{
	return sse_new(max, feed_sse_event, r);
}

static inline void *
feed_open_ndjson(size_t max, struct feed_rec *r)
{
	return ndjson_new(max, feed_ndjson_line, r);
}

/* The two decoders. */
static const struct feed_dec feed_sse = { stream_ops_sse, feed_open_sse };
static const struct feed_dec feed_ndjson = { stream_ops_ndjson, feed_open_ndjson };

/* One decoding cut as stream_feed_sliced says: every piece and the return code as text, malloc'd. */
static inline char *
feed_run(const struct feed_dec *d, const char *in, size_t n, size_t max, size_t step, size_t cut,
    int stop_after)
{
	struct feed_rec r = { .stop_after = stop_after };
	const struct stream_ops *ops = d->ops();
	void *dec;
	int rc;

	buf_init(&r.out, 0);
	dec = d->open(max, &r);
	rc = stream_feed_sliced(dec, ops, in, n, step, cut);
	if (rc != 0)
		CHECK_INT(ops->feed(dec, ops->more, strlen(ops->more)), rc); /* sticky */
	ops->free(dec);
	buf_addf(&r.out, "rc=%d", rc);
	return buf_detach(&r.out);
}

/* Decode in whole, in slices of 1 to 3 bytes and split at every byte; each must give want. */
static inline void
feed_expect(const struct feed_dec *d, const char *in, size_t max, const char *want)
{
	size_t n = strlen(in), cut, step;
	char *got;

	for (step = 0; step <= 3; step++) {
		got = feed_run(d, in, n, max, step, 0, 0);
		CHECK_STR(got, want);
		free(got);
	}
	for (cut = 0; cut <= n && !unit_bad; cut++) {
		got = feed_run(d, in, n, max, (size_t)-1, cut, 0);
		CHECK_STR(got, want);
		free(got);
	}
}

/* The decoder the test is about: its main sets it before the first test. */
static const struct feed_dec *feed_under_test;

/* feed_expect on the decoder under test, with a cap of max. */
static inline void
expect_max(const char *in, size_t max, const char *want)
{
	feed_expect(feed_under_test, in, max, want);
}

/* feed_expect on the decoder under test, with a cap no input here reaches. */
static inline void
expect(const char *in, const char *want)
{
	expect_max(in, 1 << 20, want);
}

/* A callback that asks to stop at the first piece: in, whole and in slices of 1 and 2, gives want. */
static inline void
expect_stop(const char *in, const char *want)
{
	size_t step;

	for (step = 0; step <= 2; step++)
		CHECK_STR_FREE(feed_run(feed_under_test, in, strlen(in), 64, step, 0, 1), want);
}

/* One recorded stream: whole it decodes cleanly, and sliced or split anywhere it gives the same. */
static inline void
feed_fixture(const struct feed_dec *d, const char *name, const char *data, size_t len)
{
	char *whole, *got;
	size_t cut, step;

	whole = feed_run(d, data, len, 1 << 16, 0, 0, 0);
	CHECK(strstr(whole, "rc=0") != NULL);
	CHECK(strchr(whole, ';') != NULL);
	for (step = 1; step <= 7; step += 3) {
		got = feed_run(d, data, len, 1 << 16, step, 0, 0);
		if (strcmp(got, whole) != 0)
			fprintf(stderr, "%s: step %zu differs\n", name, step);
		CHECK_STR(got, whole);
		free(got);
	}
	for (cut = 0; cut <= len && !unit_bad; cut++) {
		got = feed_run(d, data, len, 1 << 16, (size_t)-1, cut, 0);
		CHECK_STR(got, whole);
		free(got);
	}
	free(whole);
}

/* Check every tests/fixtures/wire/ *ext file with feed_fixture; how many there were. */
static inline int
feed_fixtures(const struct feed_dec *d, const char *ext)
{
	const char *top = getenv("LLM_TOP");
	char *dir, *path, *data, *cause = NULL;
	struct dirent *e;
	size_t len;
	int files = 0;
	DIR *dh;

	dir = xstrfmt("%s/tests/fixtures/wire", top != NULL && *top ? top : ".");
	dh = opendir(dir);
	CHECK(dh != NULL);
	while (dh != NULL && (e = readdir(dh)) != NULL) {
		if (!str_endswith(e->d_name, ext))
			continue;
		path = xstrfmt("%s/%s", dir, e->d_name);
		CHECK(file_read(path, 1 << 20, &data, &len, &cause) == 0);
		feed_fixture(d, e->d_name, data, len);
		free(data);
		free(path);
		files++;
	}
	if (dh != NULL)
		closedir(dh);
	free(dir);
	return files;
}

#endif
