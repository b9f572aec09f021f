/* test_toolcall: tool calls assembled from recorded stream shapes, and sent back, in the four wire formats. */
#include <ctype.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "ndjson.h"
#include "provider.h"
#include "sse.h"
#include "stream_ops.h"
#include "body.h"
#include "unit.h"
#include "util.h"
#include "wire_call.h"

#define MAXC 8

/* What one parse produced: the text and the calls, in the order handed over. */
struct run {
	const struct provider *p;
	struct pstate st;
	struct buf text;
	struct buf reasoning;
	char *id[MAXC], *name[MAXC], *args[MAXC], *sig[MAXC], *err[MAXC];
	size_t n;
	size_t extra;     /* calls past MAXC */
};

static void
on_text(void *arg, const char *s, size_t n)
{
	struct run *r = arg;

	buf_add(&r->text, s, n);
}

static void
on_reasoning(void *arg, const char *s, size_t n)
{
	struct run *r = arg;

	buf_add(&r->reasoning, s, n);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
on_call(void *arg, const struct tool_call *c, const char *error)
{
	struct run *r = arg;

	CHECK(c->name != NULL && c->args != NULL);
	if (r->n == MAXC) {
		r->extra++;
		return;
	}
	r->id[r->n] = dup_or_null(c->id);
	r->name[r->n] = dup_or_null(c->name);
	r->args[r->n] = dup_or_null(c->args);
	r->sig[r->n] = dup_or_null(c->signature);
	r->err[r->n] = dup_or_null(error);
	r->n++;
}

static int
on_sse(void *arg, const char *ev, const char *data, size_t len)
{
	struct run *r = arg;
	enum pev rc = r->p->event(&r->st, ev, data, len);

	return rc != PEV_OK;
}

static void
run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->id[i]);
		free(r->name[i]);
		free(r->args[i]);
		free(r->sig[i]);
		free(r->err[i]);
	}
	pstate_done(&r->st);
	buf_done(&r->text);
	buf_done(&r->reasoning);
}

/* Feed in to p's decoder in slices of step bytes (0: whole). */
static void
run(struct run *r, const struct provider *p, const char *in, size_t step)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	buf_init(&r->text, 0);
	buf_init(&r->reasoning, 0);
	r->st.on_text = on_text;
	r->st.on_call = on_call;
	r->st.on_reasoning = on_reasoning;
	r->st.arg = r;
	(void)stream_wire_decode(p->ndjson, 1 << 20, on_sse, r, in, strlen(in), step);
}

/* A call as it must come out, with no error; a NULL id: the call has none. */
struct want_call {
	const char *id, *name, *args;
};

/* r holds exactly the n calls wanted, in order. */
static void
check_calls(const struct run *r, const struct want_call *w, size_t n)
{
	size_t i;

	CHECK_INT(r->n, n);
	for (i = 0; i < n && i < r->n; i++) {
		if (w[i].id != NULL)
			CHECK_STR(r->id[i], w[i].id);
		else
			CHECK(r->id[i] == NULL);
		CHECK_STR(r->name[i], w[i].name);
		CHECK_STR(r->args[i], w[i].args);
		CHECK(r->err[i] == NULL);
	}
}

/* The same stream in every slicing gives the same calls. */
#define SLICES 4
static const size_t slices[SLICES] = { 0, 1, 7, 64 };

/*
 * DeepSeek V4 Flash's recording (vercel/ai deepseek-tool-call.chunks.txt):
 * reasoning first, then the id and name with "", then the arguments in
 * one-token fragments, then finish_reason tool_calls with usage.
 */
static const char deepseek_stream[] =
    "data: {\"id\":\"6e77\",\"object\":\"chat.completion.chunk\",\"model\":\"deepseek-v4-flash\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"The\"},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_00_IhCAliIHtM9gKpgfqbBV9873\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"location\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\":\\\"\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"Paris\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"}\"}}]},\"finish_reason\":null}],\"usage\":null}\n\n"
    "data: {\"id\":\"6e77\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\",\"reasoning_content\":null},\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":374,\"completion_tokens\":61,\"total_tokens\":435,\"prompt_tokens_details\":{\"cached_tokens\":256},\"completion_tokens_details\":{\"reasoning_tokens\":17},\"prompt_cache_hit_tokens\":256,\"prompt_cache_miss_tokens\":118}}\n\n"
    "data: [DONE]\n\n";


/*
 * Text first, then two parallel calls whose fragments interleave; the name
 * and the first fragment share an index within one chunk, and a later
 * fragment comes split in two entries (openai-python's accumulator test).
 */
static const char openai_parallel[] =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Let me look.\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_A\",\"type\":\"function\",\"function\":{\"name\":\"list\",\"arguments\":\"\"}},{\"index\":0,\"function\":{\"arguments\":\"{\\\"path\\\"\"}}]}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_B\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"pa\"}}]}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\": \"}},{\"index\":0,\"function\":{\"arguments\":\"\\\".\\\"}\"}}]}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"\",\"function\":{\"name\":null,\"arguments\":\"th\\\":\\\"a.c\\\"}\"}}]}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[]},\"finish_reason\":\"tool_calls\"}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}\n\n"
    "data: [DONE]\n\n";


/* xAI and Groq send each call whole; Gemini's compatible endpoint gives no index, no id, "stop". */
static void
test_toolcall_openai_whole_calls(void)
{
	struct run r;

	run(&r, &provider_openai,
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"call_79382389\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"location\\\":\\\"San Francisco\\\"}\"},\"index\":0,\"type\":\"function\"}]}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
	    "data: [DONE]\n\n", 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.args[0], "{\"location\":\"San Francisco\"}");
	run_free(&r);

	run(&r, &provider_openai,
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"tk85n1k4m\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{}\"},\"index\":0}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n", 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.id[0], "tk85n1k4m");
	CHECK_STR(r.args[0], "{}");
	run_free(&r);

	/* no index, no id: a name starts a call, the id is made up in the strictest form */
	run(&r, &provider_openai,
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a\\\"}\"}},{\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":null}}]},\"finish_reason\":\"stop\"}]}\n\n", 0);
	CHECK_INT(r.n, 2);
	if (r.n == 2) {
		CHECK(r.id[0] != NULL && strlen(r.id[0]) == 9 && strspn(r.id[0],
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == 9);
		CHECK(r.id[1] != NULL && strcmp(r.id[0], r.id[1]) != 0);
		CHECK_STR(r.args[0], "{\"path\":\"a\"}");
		CHECK_STR(r.args[1], "{}");   /* missing arguments are no arguments */
	}
	run_free(&r);

	/* a whole reply */
	memset(&r, 0, sizeof r);
	buf_init(&r.text, 0);
	r.st.on_call = on_call;
	r.st.on_text = on_text;
	r.st.arg = &r;
	r.p = &provider_openai;
	{
		const char *b = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,"
		    "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"list\","
		    "\"arguments\":\"{\\\"path\\\":\\\".\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}],"
		    "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";

		CHECK_INT(provider_openai.whole(&r.st, b, strlen(b)), PEV_DONE);
	}
	CHECK_INT(r.n, 1);
	CHECK_STR(r.id[0], "call_1");
	run_free(&r);
}

/* A call cut by the length limit, and one whose arguments are not JSON: errors, never run. */
static void
test_toolcall_openai_faults(void)
{
	struct run r;
	struct buf big;
	size_t i;

	run(&r, &provider_openai,
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"write\",\"arguments\":\"{\\\"path\\\":\\\"a\\\",\\\"content\\\":\\\"int ma\"}}]}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
	    "data: [DONE]\n\n", 3);
	CHECK_INT(r.n, 1);
	CHECK(r.err[0] != NULL && strstr(r.err[0], "length limit") != NULL);
	CHECK_STR(r.id[0], "call_1");
	run_free(&r);

	run(&r, &provider_openai,
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\": a.c}\"}}]}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"function\":{\"name\":\"read\",\"arguments\":\"[1]\"}}]}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":2,\"id\":\"call_3\",\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n", 0);
	CHECK_INT(r.n, 3);
	if (r.n == 3) {
		CHECK(r.err[0] != NULL && strstr(r.err[0], "not a valid JSON") != NULL);
		CHECK_STR(r.args[0], "{\"path\": a.c}");  /* the model is shown what it sent */
		CHECK(r.err[1] != NULL);                    /* JSON, but not an object */
		CHECK(r.err[2] != NULL && strstr(r.err[2], "name") != NULL);
	}
	run_free(&r);

	/* arguments over the cap: an error, and the buffer stops growing */
	buf_init(&big, 0);
	buf_adds(&big, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"write\",\"arguments\":\"{\\\"content\\\":\\\"\"}}]}}]}\n\n");
	for (i = 0; i < 5; i++) {
		buf_adds(&big, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"");
		while (big.len % 4096 != 0 || big.len < (i + 1) * 300000)
			buf_addc(&big, 'x');
		buf_adds(&big, "\"}}]}}]}\n\n");
	}
	buf_adds(&big, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n");
	run(&r, &provider_openai, buf_str(&big), 0);
	CHECK_INT(r.n, 1);
	CHECK(r.err[0] != NULL && strstr(r.err[0], "size limit") != NULL);
	run_free(&r);
	buf_done(&big);

	/* "tool_calls": [] on every chunk is no call at all */
	run(&r, &provider_openai,
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\",\"tool_calls\":[]}}]}\n\n"
	    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[]},\"finish_reason\":\"stop\"}]}\n\n", 0);
	CHECK_INT(r.n, 0);
	CHECK_STR(buf_str(&r.text), "hi");
	run_free(&r);
}

/* vercel/ai anthropic-tool-no-args.chunks.txt with a second block split mid-key (anthropic-sdk-python). */
static const char anthropic_stream[] =
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_01GE\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":565,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":7,\"service_tier\":\"standard\"}}}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"I'll update the issue list for\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" you.\"}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01QE1WLsSVp5hy5Q3GmGTmjP\",\"name\":\"updateIssueList\",\"input\":{}}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01B\",\"name\":\"get_weather\",\"input\":{}}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"locati\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"on\\\": \\\"San Francisco, CA\\\"}\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":565,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":48}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

/*
 * vercel/ai google-tool-call-gemini3.chunks.txt: a call whole in one part with
 * its thought signature beside it, then STOP; parallel calls carry the
 * signature on the first only, and no ids.
 */
static const char gemini_stream[] =
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Checking both.\"},{\"functionCall\":{\"name\":\"weather\",\"args\":{\"location\":\"San Francisco\"}},\"thoughtSignature\":\"EpEgCo4gAb4+9vvW\"},{\"functionCall\":{\"name\":\"weather\",\"args\":{\"location\":\"Tokyo\"}}}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":29,\"candidatesTokenCount\":15,\"totalTokenCount\":848,\"thoughtsTokenCount\":804},\"modelVersion\":\"gemini-3-pro-preview\"}\n\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":29,\"candidatesTokenCount\":15,\"totalTokenCount\":848,\"thoughtsTokenCount\":804}}\n\n";

/* ollama.com/blog/streaming-tool: text first, then calls whole in one line, done_reason "stop". */
static const char ollama_stream[] =
    "{\"model\":\"qwen3\",\"created_at\":\"2025-05-27T22:54:57.673559Z\",\"message\":{\"role\":\"assistant\",\"content\":\"</think>\"},\"done\":false}\n"
    "{\"model\":\"qwen3\",\"created_at\":\"2025-05-27T22:54:58.100509Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_current_weather\",\"arguments\":{\"format\":\"celsius\",\"location\":\"Toronto\"}}},{\"id\":\"call_lyywui55\",\"function\":{\"index\":1,\"name\":\"get_conditions\",\"arguments\":{\"city\":\"Toronto\"}}}]},\"done\":false}\n"
    "{\"model\":\"qwen3\",\"created_at\":\"2025-05-27T22:54:58.2Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":20,\"eval_count\":12}\n";

static void
fragments_more(const struct run *r)
{
	CHECK_INT(r->st.usage.input, 118);
	CHECK_INT(r->st.stop, STOP_END);
	CHECK_STR(buf_str(&r->reasoning), "The");
}

static void
anthropic_more(const struct run *r)
{
	CHECK_INT(r->st.usage.output, 48);
}

/* Gemini 3's thought signature stays with the call it came with. */
static void
gemini_more(const struct run *r)
{
	if (r->n == 2) {
		CHECK_STR(r->sig[0], "EpEgCo4gAb4+9vvW");
		CHECK(r->sig[1] == NULL);
	}
	CHECK_INT(r->st.stop, STOP_END);
}

static void
ollama_more(const struct run *r)
{
	CHECK_INT(r->st.usage.output, 12);
}

/* A recorded stream that every slicing must decode to the same text and calls. */
struct sliced {
	const char *name;
	const struct provider *p;
	const char *in;
	const char *text;              /* NULL: not looked at */
	struct want_call calls[2];
	size_t ncalls;
	void (*more)(const struct run *r); /* what else each decoding must show, or NULL */
};

static const struct sliced sliced[] = {
	{ "test_toolcall_openai_fragments", &provider_openai, deepseek_stream, "",
	    { { "call_00_IhCAliIHtM9gKpgfqbBV9873", "weather", "{\"location\":\"Paris\"}" } }, 1,
	    fragments_more },
	/* the duplicated finish chunk hands the calls over once */
	{ "test_toolcall_openai_parallel", &provider_openai, openai_parallel, "Let me look.",
	    { { "call_A", "list", "{\"path\": \".\"}" }, { "call_B", "read", "{\"path\":\"a.c\"}" } }, 2,
	    NULL },
	/* the first call's arguments are a lone partial_json "" */
	{ "test_toolcall_anthropic", &provider_anthropic, anthropic_stream,
	    "I'll update the issue list for you.",
	    { { "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", "updateIssueList", "{}" },
	    { "toolu_01B", "get_weather", "{\"location\": \"San Francisco, CA\"}" } }, 2,
	    anthropic_more },
	{ "test_toolcall_gemini", &provider_gemini, gemini_stream, "Checking both.",
	    { { NULL, "weather", "{\"location\":\"San Francisco\"}" },
	    { NULL, "weather", "{\"location\":\"Tokyo\"}" } }, 2,
	    gemini_more },
	{ "test_toolcall_ollama", &provider_ollama, ollama_stream, NULL,
	    { { NULL, "get_current_weather", "{\"format\":\"celsius\",\"location\":\"Toronto\"}" },
	    { "call_lyywui55", "get_conditions", "{\"city\":\"Toronto\"}" } }, 2,
	    ollama_more },
};

/* Decode the case's stream in every slicing: the same text and calls each time. */
static void
check_sliced(const struct sliced *c)
{
	struct run r;
	size_t i;

	for (i = 0; i < SLICES; i++) {
		run(&r, c->p, c->in, slices[i]);
		if (r.n != c->ncalls || (c->text != NULL && strcmp(buf_str(&r.text), c->text) != 0))
			fprintf(stderr, "%s: slices of %zu\n", c->name, slices[i]);
		if (c->text != NULL)
			CHECK_STR(buf_str(&r.text), c->text);
		check_calls(&r, c->calls, c->ncalls);
		if (c->more != NULL)
			c->more(&r);
		run_free(&r);
	}
}

/* max_tokens in the middle of a tool_use: the call is an error; a server tool is not ours. */
static void
test_toolcall_anthropic_max_tokens(void)
{
	struct run r;

	run(&r, &provider_anthropic,
	    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_01R\",\"name\":\"advisor\",\"input\":{}}}\n\n"
	    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
	    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01A\",\"name\":\"write\",\"input\":{}}}\n\n"
	    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"path\\\": \\\"a.c\\\", \\\"con\"}}\n\n"
	    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":4096}}\n\n"
	    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.id[0], "toolu_01A");
	CHECK(r.err[0] != NULL && strstr(r.err[0], "length limit") != NULL);
	run_free(&r);
}

/* An id when the server gives one; MAX_TOKENS makes the call an error. */
static void
test_toolcall_gemini_max_tokens(void)
{
	struct run r;

	run(&r, &provider_gemini,
	    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"id\":\"fc_1\",\"name\":\"read\",\"args\":{\"path\":\"a\"}}}],\"role\":\"model\"},\"finishReason\":\"MAX_TOKENS\"}]}\n\n", 0);
	CHECK_INT(r.n, 1);
	CHECK_STR(r.id[0], "fc_1");
	CHECK(r.err[0] != NULL);
	run_free(&r);
}


/* More calls than are kept: the rest are dropped, never a crash. */
static void
test_toolcall_too_many(void)
{
	struct run r;
	struct buf b;
	int i;

	buf_init(&b, 0);
	for (i = 0; i < WIRE_CALLS_MAX + 10; i++)
		buf_addf(&b, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":%d,"
		    "\"id\":\"c%d\",\"function\":{\"name\":\"read\",\"arguments\":\"{}\"}}]}}]}\n\n", i, i);
	buf_adds(&b, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n");
	run(&r, &provider_openai, buf_str(&b), 0);
	CHECK_INT(r.n + r.extra, WIRE_CALLS_MAX);
	run_free(&r);
	buf_done(&b);
}

/* A tool loop's history: text and two calls, their two results (one failed), then the request. */
static const struct tool_call calls[] = {
	{ .id = "call_A", .name = "read", .args = "{\"path\":\"a.c\"}", .signature = "sig1" },
	{ .id = "call_B", .name = "run", .args = "{\"command\":\"make test\"}" },
};
static const struct msg loop_msgs[] = {
	{ .role = "user", .text = "Fix it." },
	{ .role = "assistant", .text = "Looking.", .calls = calls, .ncalls = 2 },
	{ .role = "tool", .text = "1\tint x;", .call_id = "call_A", .call_name = "read" },
	{ .role = "tool", .text = "refused", .call_id = "call_B", .call_name = "run", .call_error = true },
};
static const struct tool_decl decls[] = {
	{ "read", "Read a file.", "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"],\"additionalProperties\":false}" },
};

static void
test_toolcall_bodies(void)
{
	struct request req = { .model = "m", .system = "S", .msgs = loop_msgs, .nmsgs = 4,
		.stream = true, .tools = decls, .ntools = 1 };

	check_body(&provider_openai, &req,
	    "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"Fix it.\"},"
	    "{\"role\":\"assistant\",\"content\":\"Looking.\",\"tool_calls\":["
	    "{\"id\":\"call_A\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":\"{\\\"path\\\":\\\"a.c\\\"}\"}},"
	    "{\"id\":\"call_B\",\"type\":\"function\",\"function\":{\"name\":\"run\",\"arguments\":\"{\\\"command\\\":\\\"make test\\\"}\"}}]},"
	    "{\"role\":\"tool\",\"content\":\"1\\tint x;\",\"tool_call_id\":\"call_A\"},"
	    "{\"role\":\"tool\",\"content\":\"error: refused\",\"tool_call_id\":\"call_B\"}],"
	    "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
	    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"read\",\"description\":\"Read a file.\","
	    "\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"],\"additionalProperties\":false}}}]}");
	check_body(&provider_anthropic, &req,
	    "{\"model\":\"m\",\"max_tokens\":4096,\"system\":\"S\",\"messages\":["
	    "{\"role\":\"user\",\"content\":\"Fix it.\"},"
	    "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Looking.\"},"
	    "{\"type\":\"tool_use\",\"id\":\"call_A\",\"name\":\"read\",\"input\":{\"path\":\"a.c\"}},"
	    "{\"type\":\"tool_use\",\"id\":\"call_B\",\"name\":\"run\",\"input\":{\"command\":\"make test\"}}]},"
	    "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_A\",\"content\":\"1\\tint x;\"},"
	    "{\"type\":\"tool_result\",\"tool_use_id\":\"call_B\",\"content\":\"refused\",\"is_error\":true}]}],"
	    "\"stream\":true,\"tools\":[{\"name\":\"read\",\"description\":\"Read a file.\",\"input_schema\":"
	    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"],\"additionalProperties\":false}}]}");
	check_body(&provider_gemini, &req,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Fix it.\"}]},"
	    "{\"role\":\"model\",\"parts\":[{\"text\":\"Looking.\"},"
	    "{\"functionCall\":{\"name\":\"read\",\"args\":{\"path\":\"a.c\"},\"id\":\"call_A\"},\"thoughtSignature\":\"sig1\"},"
	    "{\"functionCall\":{\"name\":\"run\",\"args\":{\"command\":\"make test\"},\"id\":\"call_B\"}}]},"
	    "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"read\",\"id\":\"call_A\",\"response\":{\"result\":\"1\\tint x;\"}}},"
	    "{\"functionResponse\":{\"name\":\"run\",\"id\":\"call_B\",\"response\":{\"error\":\"refused\"}}}]}],"
	    "\"systemInstruction\":{\"parts\":[{\"text\":\"S\"}]},"
	    "\"tools\":[{\"functionDeclarations\":[{\"name\":\"read\",\"description\":\"Read a file.\",\"parameters\":"
	    "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}}]}]}");
	check_body(&provider_ollama, &req,
	    "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"Fix it.\"},"
	    "{\"role\":\"assistant\",\"content\":\"Looking.\",\"tool_calls\":["
	    "{\"id\":\"call_A\",\"type\":\"function\",\"function\":{\"name\":\"read\",\"arguments\":{\"path\":\"a.c\"}}},"
	    "{\"id\":\"call_B\",\"type\":\"function\",\"function\":{\"name\":\"run\",\"arguments\":{\"command\":\"make test\"}}}]},"
	    "{\"role\":\"tool\",\"content\":\"1\\tint x;\",\"tool_call_id\":\"call_A\",\"tool_name\":\"read\"},"
	    "{\"role\":\"tool\",\"content\":\"error: refused\",\"tool_call_id\":\"call_B\",\"tool_name\":\"run\"}],"
	    "\"stream\":true,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"read\",\"description\":\"Read a file.\","
	    "\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"],\"additionalProperties\":false}}}]}");
}

/*
 * DeepSeek V4 gets every assistant turn's reasoning back, "" where there was
 * none; other servers never see the field.
 */
static void
test_toolcall_deepseek_reasoning(void)
{
	static const struct tool_call c[] = { { .id = "call_1", .name = "list", .args = "{}" } };
	static const struct msg m[] = {
		{ .role = "user", .text = "x" },
		{ .role = "assistant", .text = "", .calls = c, .ncalls = 1, .reasoning = "Look first." },
		{ .role = "tool", .text = "a.c", .call_id = "call_1", .call_name = "list" },
		{ .role = "assistant", .text = "Done." },
		{ .role = "user", .text = "y" },
	};
	struct request req = { .model = "deepseek-v4-flash", .system = "S", .msgs = m, .nmsgs = 5 };

	check_body(&provider_openai, &req,
	    "{\"model\":\"deepseek-v4-flash\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"x\"},"
	    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
	    "\"function\":{\"name\":\"list\",\"arguments\":\"{}\"}}],\"reasoning_content\":\"Look first.\"},"
	    "{\"role\":\"tool\",\"content\":\"a.c\",\"tool_call_id\":\"call_1\"},"
	    "{\"role\":\"assistant\",\"content\":\"Done.\",\"reasoning_content\":\"\"},"
	    "{\"role\":\"user\",\"content\":\"y\"}],\"stream\":false}");
	req.model = "gpt-5-mini";
	check_body(&provider_openai, &req,
	    "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"S\"},"
	    "{\"role\":\"user\",\"content\":\"x\"},"
	    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
	    "\"function\":{\"name\":\"list\",\"arguments\":\"{}\"}}]},"
	    "{\"role\":\"tool\",\"content\":\"a.c\",\"tool_call_id\":\"call_1\"},"
	    "{\"role\":\"assistant\",\"content\":\"Done.\"},"
	    "{\"role\":\"user\",\"content\":\"y\"}],\"stream\":false}");
}

/* Mistral takes only 9-character [a-zA-Z0-9] ids: others are derived, the same on both sides. */
static void
test_toolcall_mistral_ids(void)
{
	static const struct tool_call c[] = {
		{ .id = "call_00_IhCAliIHtM9gKpgfqbBV9873", .name = "list", .args = "{}" },
		{ .id = "Ab3dE6gH9", .name = "read", .args = "{}" },
	};
	static const struct msg m[] = {
		{ .role = "user", .text = "x" },
		{ .role = "assistant", .text = "", .calls = c, .ncalls = 2 },
		{ .role = "tool", .text = "a.c", .call_id = "call_00_IhCAliIHtM9gKpgfqbBV9873", .call_name = "list" },
		{ .role = "tool", .text = "1", .call_id = "Ab3dE6gH9", .call_name = "read" },
	};
	struct request req = { .model = "mistral-small-latest", .msgs = m, .nmsgs = 4 };
	char *body = provider_openai.body(&req);
	cJSON *j = cJSON_Parse(body), *msgs = cJSON_GetObjectItem(j, "messages");
	const char *id0 = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 1), "tool_calls"), 0), "id"));
	const char *id1 = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(
	    cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 1), "tool_calls"), 1), "id"));
	const char *r0 = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 2), "tool_call_id"));
	const char *r1 = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(msgs, 3), "tool_call_id"));
	size_t i;

	CHECK(id0 != NULL && strlen(id0) == 9);
	for (i = 0; id0 != NULL && id0[i] != '\0'; i++)
		CHECK(isalnum((unsigned char)id0[i]));
	CHECK_STR(r0, id0);
	CHECK_STR(id1, "Ab3dE6gH9");
	CHECK_STR(r1, "Ab3dE6gH9");
	cJSON_Delete(j);
	free(body);
	/* anyone else gets the ids as they came */
	req.model = "gpt-5-mini";
	body = provider_openai.body(&req);
	CHECK(strstr(body, "\"call_00_IhCAliIHtM9gKpgfqbBV9873\"") != NULL);
	free(body);
}

/* A call whose arguments were not JSON goes back as {} (the result says what was wrong). */
static void
test_toolcall_bad_args_replayed(void)
{
	static const struct tool_call bad[] = { { .id = "call_1", .name = "read", .args = "{\"path\": a" } };
	static const struct msg m[] = {
		{ .role = "user", .text = "x" },
		{ .role = "assistant", .text = "", .calls = bad, .ncalls = 1 },
		{ .role = "tool", .text = "bad JSON", .call_id = "call_1", .call_name = "read", .call_error = true },
	};
	struct request req = { .model = "m", .msgs = m, .nmsgs = 3 };

	check_body(&provider_openai, &req,
	    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
	    "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
	    "\"function\":{\"name\":\"read\",\"arguments\":\"{}\"}}]},"
	    "{\"role\":\"tool\",\"content\":\"error: bad JSON\",\"tool_call_id\":\"call_1\"}],\"stream\":false}");
	check_body(&provider_anthropic, &req,
	    "{\"model\":\"m\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
	    "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"read\",\"input\":{}}]},"
	    "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"call_1\",\"content\":\"bad JSON\",\"is_error\":true}]}],"
	    "\"stream\":false}");
	/* a call made by another model: Gemini 3 wants a signature, the sentinel skips its check */
	check_body(&provider_gemini, &req,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]},"
	    "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"read\",\"args\":{},\"id\":\"call_1\"},"
	    "\"thoughtSignature\":\"skip_thought_signature_validator\"}]},"
	    "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"read\",\"id\":\"call_1\",\"response\":{\"error\":\"bad JSON\"}}}]}]}");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sliced); i++)
		RUN_CASE(sliced[i].name, check_sliced, &sliced[i]);
	RUN(test_toolcall_openai_whole_calls);
	RUN(test_toolcall_openai_faults);
	RUN(test_toolcall_anthropic_max_tokens);
	RUN(test_toolcall_gemini_max_tokens);
	RUN(test_toolcall_too_many);
	RUN(test_toolcall_deepseek_reasoning);
	RUN(test_toolcall_mistral_ids);
	RUN(test_toolcall_bodies);
	RUN(test_toolcall_bad_args_replayed);
	UNIT_EXIT();
}
