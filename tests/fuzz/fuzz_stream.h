/* fuzz_stream: feed a stream decoder one input whole and in slices; what it hands over must agree. */
#ifndef LLM_FUZZ_STREAM_H
#define LLM_FUZZ_STREAM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "../unit/stream_ops.h"

#define FUZZ_CAP 512   /* small, so that the cap is reached often */

/* What one decoding handed over, and when its callback asks to stop. */
struct fuzz_seen {
	struct buf log;
	int calls;
	int stop_at;   /* ask to stop at this call (0: never) */
};

/*
 * A target is one decoder of the SSE or NDJSON kind: it defines FUZZ_OPS (the
 * function giving that kind's table) before it includes this header, and
 * fuzz_open, a new decoder whose callback logs to s. The entry point is below.
 */
static void *fuzz_open(struct fuzz_seen *s);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Log one handed-over piece; the callback's return: whether to stop here. */
static inline int
fuzz_seen_add(struct fuzz_seen *s, const char *p, size_t n)
{
	buf_add(&s->log, p, n);
	buf_addc(&s->log, '\0');
	return ++s->calls == s->stop_at;
}

/* Feed data in slices whose lengths come from the seed (0: whole); the decoder's last code. */
static inline int
fuzz_stream_decode(const uint8_t *data, size_t size, unsigned seed, struct fuzz_seen *s)
{
	const struct stream_ops *ops = FUZZ_OPS();
	void *d = fuzz_open(s);
	size_t off = 0, n;
	int rc = 0;

	while (off < size && rc == 0) {
		n = seed == 0 ? size - off : 1 + (seed + off * 7) % 13;
		if (n > size - off)
			n = size - off;
		rc = ops->feed(d, (const char *)data + off, n);
		off += n;
	}
	if (rc == 0)
		rc = ops->finish(d);
	if (rc != 0 && ops->feed(d, ops->more, strlen(ops->more)) != rc)
		abort(); /* a failure or a stop is sticky */
	ops->free(d);
	return rc;
}

/* The first byte picks the slicing and a stop; decoded whole and in slices, all must agree. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_seen a, b;
	int ra, rb;

	if (size < 1)
		return 0;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	buf_init(&a.log, 0);
	buf_init(&b.log, 0);
	a.stop_at = b.stop_at = data[0] % 8; /* sometimes the callback stops the stream */
	ra = fuzz_stream_decode(data + 1, size - 1, 0, &a);
	rb = fuzz_stream_decode(data + 1, size - 1, data[0], &b);
	if (ra != rb || a.calls != b.calls || a.log.len != b.log.len ||
	    memcmp(buf_str(&a.log), buf_str(&b.log), a.log.len) != 0)
		abort();
	buf_done(&a.log);
	buf_done(&b.log);
	return 0;
}

#endif
