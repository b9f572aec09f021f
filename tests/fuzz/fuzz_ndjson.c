/* fuzz_ndjson: the NDJSON splitter fed whole and in slices must hand over the same lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_stream.h"
#include "ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_line(void *arg, const char *data, size_t len)
{
	/* a line is never empty and never holds its line end */
	if (len == 0 || data[len] != '\0' || len > FUZZ_CAP || memchr(data, '\n', len) != NULL)
		abort();
	return fuzz_seen_add(arg, data, len);
}

static void *
open_ndjson(struct fuzz_seen *s)
{
	return ndjson_new(FUZZ_CAP, on_line, s);
}

static const struct fuzz_decoder decoder = { stream_ops_ndjson, open_ndjson };

/* Split the input whole and in slices; the lines and the outcome must agree. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream_one(&decoder, data, size);
}
