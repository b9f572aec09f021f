/* fuzz_sse: the SSE decoder fed whole and in slices must hand over the same events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_stream.h"
#include "sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_event(void *arg, const char *event, const char *data, size_t len)
{
	struct fuzz_seen *s = arg;
	const char *name = event != NULL ? event : "(none)";

	if (data[len] != '\0' || len > FUZZ_CAP || strlen(name) > FUZZ_CAP)
		abort();
	buf_adds(&s->log, name);
	buf_addc(&s->log, '\0');
	return fuzz_seen_add(s, data, len);
}

static void *
open_sse(struct fuzz_seen *s)
{
	return sse_new(FUZZ_CAP, on_event, s);
}

static const struct fuzz_decoder decoder = { stream_ops_sse, open_sse };

/* Decode the input whole and in slices; the events and the outcome must agree. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream_one(&decoder, data, size);
}
