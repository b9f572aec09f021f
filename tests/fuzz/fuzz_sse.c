/* fuzz_sse: the SSE decoder fed whole and in slices must hand over the same events. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_OPS stream_ops_sse
#include "fuzz_stream.h"
#include "sse.h"

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

/* The decoder under test, the events it hands over logged to s. */
static void *
fuzz_open(struct fuzz_seen *s)
{
	return sse_new(FUZZ_CAP, on_event, s);
}
