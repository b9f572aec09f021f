/* fuzz_calls_gemini: functionCall parts with their thought signatures, assembled and replayed. */
#define FUZZ_PROVIDER provider_gemini
#include "fuzz_calls.h"

/* A fragment is a whole part here: its bytes become the args when they are JSON, else the signature. */
static void
fuzz_frame(struct buf *out, int index, const char *frag, size_t n, bool first)
{
	bool json = fuzz_is_json(frag, n);

	buf_addf(out, "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
	    "{\"name\":\"tool_%d\",\"args\":", index);
	if (json)
		buf_add(out, frag, n);
	else
		buf_adds(out, "{}");
	buf_adds(out, first ? ",\"id\":\"fc\"}" : "}");
	if (!json) {
		buf_adds(out, ",\"thoughtSignature\":");
		fuzz_json_str(out, frag, n);
	}
	buf_adds(out, "}]}}]}\n\n");
}

static void
fuzz_end(struct buf *out, bool length)
{
	buf_addf(out, "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},"
	    "\"finishReason\":\"%s\"}]}\n\n", length ? "MAX_TOKENS" : "STOP");
}
