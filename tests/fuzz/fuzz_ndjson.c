/* fuzz_ndjson: the NDJSON splitter fed whole and in slices must hand over the same lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_OPS stream_ops_ndjson
#include "fuzz_stream.h"
#include "ndjson.h"

static int
on_line(void *arg, const char *data, size_t len)
{
	/* a line is never empty and never holds its line end */
	if (len == 0 || data[len] != '\0' || len > FUZZ_CAP || memchr(data, '\n', len) != NULL)
		abort();
	return fuzz_seen_add(arg, data, len);
}

/* The decoder under test, the lines it hands over logged to s. */
static void *
fuzz_open(struct fuzz_seen *s)
{
	return ndjson_new(FUZZ_CAP, on_line, s);
}
