/* fuzz_calls_anthropic: Messages tool_use blocks and input_json_delta fragments, assembled and replayed. */
#define FUZZ_PROVIDER provider_anthropic
#include "fuzz_calls.h"

static void
fuzz_frame(struct buf *out, int index, const char *frag, size_t n, bool first)
{
	if (first)
		buf_addf(out, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":%d,"
		    "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_%d\",\"name\":\"read\",\"input\":{}}}\n\n",
		    index, index);
	buf_addf(out, "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":%d,"
	    "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":", index);
	fuzz_json_str(out, frag, n);
	buf_adds(out, "}}\n\n");
}

static void
fuzz_end(struct buf *out, bool length)
{
	buf_addf(out, "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"%s\"},"
	    "\"usage\":{\"output_tokens\":5}}\n\n", length ? "max_tokens" : "tool_use");
	buf_adds(out, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
}
