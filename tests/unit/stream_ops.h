/* stream_ops: the SSE decoder and the NDJSON splitter behind one table, for tests and fuzzers that drive either. */
#ifndef LLM_TEST_STREAM_OPS_H
#define LLM_TEST_STREAM_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "ndjson.h"
#include "sse.h"

/* A stream decoder's calls on an opaque pointer. */
struct stream_ops {
	int (*feed)(void *d, const char *p, size_t n);
	int (*finish)(void *d);
	void (*free)(void *d);
	const char *more;   /* well-formed input to feed after a failure or a stop, which must be sticky */
};

/*
 * Define stream_ops_NAME(), the table of the decoder NAME (NAME_feed,
 * NAME_finish, NAME_free) whose well-formed input more is.
 */
#define STREAM_OPS(name, more) \
	static inline int \
	stream_##name##_feed(void *d, const char *p, size_t n) \
	{ \
		return name##_feed(d, p, n); \
	} \
	static inline int \
	stream_##name##_finish(void *d) \
	{ \
		return name##_finish(d); \
	} \
	static inline void \
	stream_##name##_free(void *d) \
	{ \
		name##_free(d); \
	} \
	static inline const struct stream_ops * \
	stream_ops_##name(void) \
	{ \
		static const struct stream_ops ops = { \
			stream_##name##_feed, stream_##name##_finish, stream_##name##_free, more, \
		}; \
		return &ops; \
	}

STREAM_OPS(sse, "data: x\n\n")
STREAM_OPS(ndjson, "{}\n")

/*
 * Feed in slices of step bytes (0: whole), or split once at cut when step is
 * (size_t)-1; finish unless feeding failed. Returns the first non-zero code.
 */
static inline int
stream_feed_sliced(void *dec, const struct stream_ops *ops, const char *in, size_t n, size_t step,
    size_t cut)
{
	size_t off = 0, k;
	int rc = 0;

	if (step == (size_t)-1) {
		rc = ops->feed(dec, in, cut);
		if (rc == 0)
			rc = ops->feed(dec, in + cut, n - cut);
	} else {
		while (rc == 0 && off < n) {
			k = step == 0 || step > n - off ? n - off : step;
			rc = ops->feed(dec, in + off, k);
			off += k;
		}
	}
	return rc == 0 ? ops->finish(dec) : rc;
}

/* An event callback and its argument, for NDJSON lines handed over as nameless events. */
struct stream_wire {
	sse_event_fn fn;
	void *arg;
};

static inline int
stream_wire_line(void *arg, const char *line, size_t len)
{
	struct stream_wire *w = arg;

	return w->fn(w->arg, NULL, line, len);
}

/*
 * Decode a wire format's stream as the controller frames it: NDJSON lines
 * (as events without a name) or SSE events, each line under max, fed in
 * slices of step bytes (0: whole). The decoder's last code.
 */
static inline int
stream_wire_decode(bool ndjson, size_t max, sse_event_fn fn, void *arg, const char *in, size_t n,
    size_t step)
{
	struct stream_wire w = { fn, arg };
	const struct stream_ops *ops = ndjson ? stream_ops_ndjson() : stream_ops_sse();
	void *dec = ndjson ? (void *)ndjson_new(max, stream_wire_line, &w) : (void *)sse_new(max, fn, arg);
	int rc = stream_feed_sliced(dec, ops, in, n, step, 0);

	ops->free(dec);
	return rc;
}

#endif
