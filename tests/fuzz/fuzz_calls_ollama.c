/* fuzz_calls_ollama: /api/chat tool_calls whole in NDJSON lines, assembled and replayed. */
#define FUZZ_PROVIDER provider_ollama
#include "fuzz_calls.h"

/* A fragment becomes a call's arguments when it is JSON, else its name. */
static void
fuzz_frame(struct buf *out, int index, const char *frag, size_t n, bool first)
{
	bool json = fuzz_is_json(frag, n);

	buf_adds(out, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{");
	if (first)
		buf_addf(out, "\"id\":\"call_%d\",", index);
	buf_adds(out, "\"function\":{\"name\":");
	if (json)
		buf_adds(out, "\"run\"");
	else
		fuzz_json_str(out, frag, n);
	buf_adds(out, ",\"arguments\":");
	if (json)
		buf_add(out, frag, n);
	else
		buf_adds(out, "{}");
	buf_adds(out, "}}]},\"done\":false}\n");
}

static void
fuzz_end(struct buf *out, bool length)
{
	buf_addf(out, "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
	    "\"done_reason\":\"%s\",\"prompt_eval_count\":3,\"eval_count\":2}\n", length ? "length" : "stop");
}
