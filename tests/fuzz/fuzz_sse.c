/* fuzz_sse: the SSE decoder fed whole and in slices must hand over the same events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CAP 512   /* small, so that the cap is reached often */

struct seen {
	struct buf log;
	int calls;
	int stop_at;   /* ask to stop at this call (0: never) */
};

static int
on_event(void *arg, const char *event, const char *data, size_t len)
{
	struct seen *s = arg;

	if (data[len] != '\0' || len > FUZZ_CAP || (event != NULL && strlen(event) > FUZZ_CAP))
		abort();
	buf_adds(&s->log, event != NULL ? event : "(none)");
	buf_addc(&s->log, '\0');
	buf_add(&s->log, data, len);
	buf_addc(&s->log, '\0');
	return ++s->calls == s->stop_at;
}

/* Feed data in slices whose lengths come from the seed; return the decoder's last code. */
static int
decode(const uint8_t *data, size_t size, unsigned seed, struct seen *s)
{
	struct sse *d = sse_new(FUZZ_CAP, on_event, s);
	size_t off = 0, n;
	int rc = 0;

	while (off < size && rc == 0) {
		n = seed == 0 ? size - off : 1 + (seed + off * 7) % 13;
		if (n > size - off)
			n = size - off;
		rc = sse_feed(d, (const char *)data + off, n);
		off += n;
	}
	if (rc == 0)
		rc = sse_finish(d);
	if (rc != 0 && sse_feed(d, "data: x\n\n", 9) != rc)
		abort(); /* a failure or a stop is sticky */
	sse_free(d);
	return rc;
}

/* Decode the input whole and in slices; the events and the outcome must agree. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen a, b;
	int ra, rb, stop;

	if (size < 1)
		return 0;
	stop = data[0] % 8; /* sometimes the callback stops the stream */
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	buf_init(&a.log, 0);
	buf_init(&b.log, 0);
	a.stop_at = b.stop_at = stop;
	ra = decode(data + 1, size - 1, 0, &a);
	rb = decode(data + 1, size - 1, data[0], &b);
	if (ra != rb || a.calls != b.calls || a.log.len != b.log.len ||
	    memcmp(buf_str(&a.log), buf_str(&b.log), a.log.len) != 0)
		abort();
	buf_done(&a.log);
	buf_done(&b.log);
	return 0;
}
