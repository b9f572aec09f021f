/* feed: drive a stream decoder with one input cut every way, for tests that must agree whole and in pieces. */
#ifndef LLM_TEST_FEED_H
#define LLM_TEST_FEED_H

#include <stdlib.h>
#include <string.h>

#include "unit.h"

typedef int (*feed_fn)(void *dec, const char *p, size_t n);
typedef int (*feed_finish_fn)(void *dec);

/*
 * Feed in slices of step bytes (0: whole), or split once at cut when step is
 * (size_t)-1; finish unless feeding failed. Returns the first non-zero code.
 */
static inline int
feed_sliced(void *dec, feed_fn feed, feed_finish_fn finish, const char *in, size_t n,
    size_t step, size_t cut)
{
	size_t off = 0, k;
	int rc = 0;

	if (step == (size_t)-1) {
		rc = feed(dec, in, cut);
		if (rc == 0)
			rc = feed(dec, in + cut, n - cut);
	} else {
		while (rc == 0 && off < n) {
			k = step == 0 || step > n - off ? n - off : step;
			rc = feed(dec, in + off, k);
			off += k;
		}
	}
	return rc == 0 ? finish(dec) : rc;
}

/* One decoding of in as text ("...;rc=N"), malloc'd: what feed_expect compares. */
typedef char *(*feed_run_fn)(const char *in, size_t n, size_t max, size_t step, size_t cut,
    int stop_after);

/* Decode in whole, in slices of 1 to 3 bytes and split at every byte; each must give want. */
static inline void
feed_expect(feed_run_fn run, const char *in, size_t max, const char *want)
{
	size_t n = strlen(in), cut, step;
	char *got;

	for (step = 0; step <= 3; step++) {
		got = run(in, n, max, step, 0, 0);
		CHECK_STR(got, want);
		free(got);
	}
	for (cut = 0; cut <= n && !unit_bad; cut++) {
		got = run(in, n, max, (size_t)-1, cut, 0);
		CHECK_STR(got, want);
		free(got);
	}
}

#endif
