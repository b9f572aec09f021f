/* fuzz_calls_openai: Chat Completions tool-call fragments by index, assembled and replayed. */
#define FUZZ_PROVIDER provider_openai
#include "fuzz_calls.h"

static void
fuzz_frame(struct buf *out, int index, const char *frag, size_t n, bool first)
{
	buf_addf(out, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,", index);
	if (first)
		buf_addf(out, "\"id\":\"call_%d\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":", index);
	else
		buf_adds(out, "\"function\":{\"arguments\":");
	fuzz_json_str(out, frag, n);
	buf_adds(out, "}}]}}]}\n\n");
}

static void
fuzz_end(struct buf *out, bool length)
{
	buf_addf(out, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"%s\"}]}\n\n",
	    length ? "length" : "tool_calls");
	buf_adds(out, "data: [DONE]\n\n");
}
