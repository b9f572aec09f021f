/* test_provider: recorded streams in, text, usage and stop reason out; request bodies compared as JSON. */
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

/* What one parse produced. */
struct run {
	const struct provider *p;
	struct pstate st;
	struct buf text;
	int ntext;        /* on_text calls */
	int events;       /* events or lines handed to the adapter */
	enum pev last;    /* what the adapter returned last */
	int rc;           /* what the decoder returned at the end */
};

static void
run_text(void *arg, const char *s, size_t n)
{
	struct run *r = arg;

	CHECK(n > 0);
	CHECK(strlen(s) >= n);
	buf_add(&r->text, s, n);
	r->ntext++;
}

static void
run_init(struct run *r, const struct provider *p)
{
	memset(r, 0, sizeof(*r));
	r->p = p;
	buf_init(&r->text, 0);
	r->st.on_text = run_text;
	r->st.arg = r;
}

static void
run_done(struct run *r)
{
	pstate_done(&r->st);
	CHECK(r->st.error == NULL);
	buf_done(&r->text);
}

/* Hand one event to the adapter; stop reading at a terminal one, as the caller does. */
static enum pev
run_one(struct run *r, const char *name, const char *data, size_t len)
{
	r->events++;
	r->last = r->p->event(&r->st, name, data, len);
	if (r->last == PEV_ERROR || r->last == PEV_BAD)
		CHECK(r->st.error != NULL && *r->st.error != '\0');
	return r->last;
}

static int
run_sse(void *arg, const char *event, const char *data, size_t len)
{
	return run_one(arg, event, data, len) != PEV_OK;
}

/* Decode a stream with the adapter's framing, in slices of step bytes (0: whole). */
static void
run_stream(struct run *r, const char *in, size_t n, size_t step)
{
	r->rc = stream_wire_decode(r->p->ndjson, 1 << 16, run_sse, r, in, n, step);
}

static char *
fixture(const char *name, size_t *len)
{
	const char *top = getenv("LLM_TOP");
	char *path, *data = NULL, *cause = NULL;

	path = xstrfmt("%s/tests/fixtures/wire/%s", top != NULL && *top ? top : ".", name);
	if (file_read(path, 1 << 20, &data, len, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", path, cause != NULL ? cause : "unreadable");
		free(cause);
		data = xstrdup("");
		*len = 0;
		unit_bad = 1;
	}
	free(path);
	return data;
}

struct want {
	const char *file;
	const struct provider *p;
	const char *text;
	enum pev last;
	enum stop stop;
	bool done;
	struct usage usage;
	const char *error;     /* a part of st.error; NULL: no error */
};

/* A string literal and its length, as the adapters take them. */
#define SL(s) (s), strlen(s)

#define U(in, cr, cw, cw1h, out, rs) { (in), (cr), (cw), (cw1h), (out), (rs), true }
#define NO_USAGE { 0, 0, 0, 0, 0, 0, false }
/* Counts that came but do not make a whole report: the request is estimated. */
#define U_PART(in, cr, cw, cw1h, out, rs) { (in), (cr), (cw), (cw1h), (out), (rs), false }

static const struct want wants[] = {
	{ "openai_text.sse", &provider_openai,
	    "**Why** the sky is blue:\n\nRayleigh scattering \"favours\" short wavelengths.",
	    PEV_DONE, STOP_END, true, U(16, 0, 0, 0, 300, 0), NULL },
	{ "openai_cached.sse", &provider_openai, "Cached answer.",
	    PEV_DONE, STOP_LENGTH, true, U(86, 1920, 0, 0, 300, 256), NULL },
	{ "openai_error.sse", &provider_openai, "The word \"",
	    PEV_ERROR, STOP_ERROR, false, NO_USAGE,
	    "The server had an error while processing your request. Sorry about that! (server_error)" },
	{ "deepseek_cache.sse", &provider_openai, "Hello!",
	    PEV_DONE, STOP_END, true, U(48, 1152, 0, 0, 58, 45), NULL },
	{ "vllm_null_choices.sse", &provider_openai, "Four.",
	    PEV_DONE, STOP_END, true, U(22, 0, 0, 0, 2, 0), NULL },
	{ "mistral_finish_usage.sse", &provider_openai, "Bonjour !",
	    PEV_DONE, STOP_END, true, U(10, 0, 0, 0, 4, 0), NULL },
	{ "openrouter_cache.sse", &provider_openai, "Sure.",
	    PEV_DONE, STOP_END, true, U(94, 0, 100, 0, 2, 0), NULL },
	/* xAI: completion_tokens leaves reasoning out (total 560 = 307 + 26 + 227) */
	{ "xai_reasoning.sse", &provider_openai, "Sunny, 18 degrees.",
	    PEV_DONE, STOP_END, true, U(1, 306, 0, 0, 253, 227), NULL },
	{ "groq_xgroq.sse", &provider_openai, "Hi there",
	    PEV_DONE, STOP_END, true, U(14, 0, 0, 0, 3, 0), NULL },
	{ "llamacpp_timings.sse", &provider_openai, "Ok",
	    PEV_DONE, STOP_END, true, U(75, 0, 0, 0, 31, 0), NULL },
	{ "anthropic_basic.sse", &provider_anthropic, "Hello!",
	    PEV_DONE, STOP_END, true, U(11, 0, 0, 0, 6, 0), NULL },
	{ "anthropic_cache.sse", &provider_anthropic, "2 + 2 = 4",
	    PEV_DONE, STOP_LENGTH, true, U(21, 8000, 1000, 500, 49, 0), NULL },
	{ "anthropic_error.sse", &provider_anthropic, "Partial",
	    PEV_ERROR, STOP_ERROR, false, U_PART(30, 0, 0, 0, 1, 0), "Overloaded (overloaded_error)" },
	{ "gemini_reasoning.sse", &provider_gemini,
	    "There are **3** \"r\"s in strawberry.\n\nHere is the breakdown.",
	    PEV_OK, STOP_END, true, U(9, 0, 0, 0, 285, 256), NULL },
	{ "gemini_usage.sse", &provider_gemini, "Cached context says hi.",
	    PEV_OK, STOP_LENGTH, true, U(73, 4, 0, 0, 160, 89), NULL },
	{ "gemini_blocked.sse", &provider_gemini, "",
	    PEV_OK, STOP_FILTER, true, U(8, 0, 0, 0, 0, 0), NULL },
	{ "gemini_error.sse", &provider_gemini, "Half an",
	    PEV_ERROR, STOP_ERROR, false, U(5, 0, 0, 0, 2, 0),
	    "The model is overloaded. Please try again later. (UNAVAILABLE)" },
	{ "ollama_chat.ndjson", &provider_ollama, "The sky is blue.",
	    PEV_DONE, STOP_END, true, U(26, 0, 0, 0, 282, 0), NULL },
	{ "ollama_length.ndjson", &provider_ollama, "Cut short",
	    PEV_DONE, STOP_LENGTH, true, U(0, 0, 0, 0, 2, 0), NULL },
	{ "ollama_error.ndjson", &provider_ollama, "can",
	    PEV_ERROR, STOP_ERROR, false, NO_USAGE, "an error was encountered while running the model" },
};

static void
check_usage(const struct usage *got, const struct usage *want)
{
	CHECK_INT(got->input, want->input);
	CHECK_INT(got->cached_input, want->cached_input);
	CHECK_INT(got->cache_write, want->cache_write);
	CHECK_INT(got->cache_write_1h, want->cache_write_1h);
	CHECK_INT(got->output, want->output);
	CHECK_INT(got->reasoning, want->reasoning);
	CHECK_INT(got->reported, want->reported);
}

/* The same stream with every line end rewritten to eol ("\r\n" or "\r"). */
static char *
relined(const char *in, size_t n, const char *eol, size_t *outlen)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		if (in[i] == '\n' || in[i] == '\r')
			buf_adds(&b, eol);
		else
			buf_addc(&b, in[i]);
	}
	*outlen = b.len;
	return buf_detach(&b);
}

/* eol: NULL to keep the recording's line ends. */
static void
check_want(const struct want *w, size_t step, const char *eol)
{
	struct run r;
	size_t len, rlen;
	char *data = fixture(w->file, &len), *in = data;

	if (eol != NULL)
		in = relined(data, len, eol, &rlen);
	run_init(&r, w->p);
	run_stream(&r, in, eol != NULL ? rlen : len, step);
	if (strcmp(buf_str(&r.text), w->text) != 0)
		fprintf(stderr, "%s, step %zu:\n", w->file, step);
	CHECK_STR(buf_str(&r.text), w->text);
	CHECK_INT(r.last, w->last);
	CHECK_INT(r.rc, w->last == PEV_OK ? 0 : 1);
	CHECK_INT(r.st.stop, w->stop);
	CHECK_INT(r.st.done, w->done);
	check_usage(&r.st.usage, &w->usage);
	if (w->error != NULL)
		CHECK_STR(r.st.error, w->error);
	else
		CHECK(r.st.error == NULL);
	run_done(&r);
	if (in != data)
		free(in);
	free(data);
}

/* Each recording, whole and sliced, with its own, CRLF and (SSE only) lone-CR line ends. */
static void
test_provider_recorded_streams(void)
{
	size_t i, step;

	for (i = 0; i < ARRAY_SIZE(wants); i++) {
		for (step = 0; step <= 5; step += step < 2 ? 1 : 3) {
			check_want(&wants[i], step, NULL);
			check_want(&wants[i], step, "\r\n");
			if (!wants[i].p->ndjson)
				check_want(&wants[i], step, "\r");
		}
	}
}

/* Feed events given inline, one "data" per element, to a fresh state. */
static void
run_events(struct run *r, const struct provider *p, const char *const *ev, size_t n)
{
	size_t i;

	run_init(r, p);
	for (i = 0; i < n; i++)
		run_one(r, NULL, ev[i], strlen(ev[i]));
}

static void
test_provider_openai_quirks(void)
{
	static const char *const filter[] = {
		"{\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"refusal\":\"I can't\"},\"finish_reason\":null}]}",
		"{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\" help.\"},\"finish_reason\":\"content_filter\"}]}",
		"{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\"}]}",
		/* usage first, then null usage on later chunks must not wipe it */
		"{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}",
		"{\"choices\":[{\"delta\":{}}],\"usage\":null}",
		" [DONE] ",
	};
	static const char *const groq_both[] = {
		"{\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1},"
		"\"x_groq\":{\"usage\":{\"prompt_tokens\":99,\"completion_tokens\":99}}}",
	};
	static const char *const overwrite[] = {
		"{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1}}",
		"{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}",
	};
	static const char *const magistral[] = {
		"{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\",\"thinking\":"
		"[{\"type\":\"text\",\"text\":\"hm\"}]}]},\"finish_reason\":null}]}",
		"{\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"text\",\"text\":\"Yes\"},"
		"{\"type\":\"text\",\"text\":\".\"}]},\"finish_reason\":\"stop\"}]}",
	};
	struct run r;

	/* Mistral's reasoning models: content as typed chunks, thinking kept out */
	run_events(&r, &provider_openai, magistral, ARRAY_SIZE(magistral));
	CHECK_STR(buf_str(&r.text), "Yes.");
	CHECK_INT(r.ntext, 1);
	CHECK_INT(r.st.stop, STOP_END);
	run_done(&r);

	run_init(&r, &provider_openai);
	CHECK_INT(provider_openai.whole(&r.st, SL("{\"choices\":[{\"message\":{\"content\":null,"
	    "\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\"}]}")), PEV_DONE);
	CHECK_STR(buf_str(&r.text), "I can't help with that.");
	CHECK_INT(r.ntext, 1);
	CHECK(!r.st.usage.reported);
	run_done(&r);

	run_events(&r, &provider_openai, filter, ARRAY_SIZE(filter));
	CHECK_STR(buf_str(&r.text), "I can't help.");
	CHECK_INT(r.st.stop, STOP_FILTER);
	CHECK_INT(r.last, PEV_DONE);
	CHECK(r.st.done);
	CHECK_INT(r.st.usage.input, 5);
	CHECK_INT(r.st.usage.output, 3);
	CHECK(r.st.usage.reported);
	run_done(&r);

	run_events(&r, &provider_openai, groq_both, 1);
	CHECK_INT(r.st.usage.input, 7);
	run_done(&r);

	run_events(&r, &provider_openai, overwrite, 2);
	CHECK_INT(r.st.usage.input, 10);
	CHECK_INT(r.st.usage.output, 5); /* the last value, never the sum */
	run_done(&r);
}

static void
test_provider_openai_bad(void)
{
	struct run r;

	run_init(&r, &provider_openai);
	CHECK_INT(run_one(&r, NULL, SL(": not json")), PEV_BAD);
	CHECK(strstr(r.st.error, "not json") != NULL);
	CHECK_INT(run_one(&r, NULL, SL("{\"a\":1} trailing")), PEV_BAD);
	CHECK_INT(run_one(&r, NULL, SL("[1,2]")), PEV_BAD);
	CHECK_INT(run_one(&r, NULL, SL("")), PEV_OK); /* empty events are skipped */
	CHECK_INT(run_one(&r, NULL, SL(" \r\n")), PEV_OK);
	CHECK_INT(run_one(&r, NULL, SL("{\"error\":\"quota\\u001b[2J gone\"}")), PEV_ERROR);
	CHECK(strchr(r.st.error, '\x1b') == NULL);
	CHECK(strstr(r.st.error, "quota") != NULL);
	CHECK_INT(r.st.stop, STOP_ERROR);
	CHECK(!r.st.usage.reported);
	run_done(&r);
}

static void
test_provider_anthropic_events(void)
{
	static const char *const ev[] = {
		/* no event: lines: dispatch on the JSON type */
		"{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":700,"
		"\"cache_read_input_tokens\":0,\"output_tokens\":1}}}",
		"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}",
		"{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"No.\"}}",
		"{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\"},\"usage\":{\"output_tokens\":9}}",
		"{\"type\":\"message_stop\"}",
	};
	struct run r;

	run_events(&r, &provider_anthropic, ev, ARRAY_SIZE(ev));
	CHECK_STR(buf_str(&r.text), "No.");
	CHECK_INT(r.st.stop, STOP_FILTER);
	CHECK_INT(r.last, PEV_DONE);
	CHECK_INT(r.st.usage.input, 3);
	CHECK_INT(r.st.usage.cache_write, 700); /* no breakdown: all at the 5-minute rate */
	CHECK_INT(r.st.usage.cache_write_1h, 0);
	CHECK_INT(r.st.usage.output, 9);
	run_done(&r);

	/* the SSE event name wins over the JSON type */
	run_init(&r, &provider_anthropic);
	CHECK_INT(run_one(&r, "ping", SL("{\"type\":\"message_stop\"}")), PEV_OK);
	CHECK_INT(run_one(&r, "error", SL("{\"error\":{\"message\":\"boom\"}}")), PEV_ERROR);
	CHECK_STR(r.st.error, "boom");
	run_done(&r);
}

static void
test_provider_gemini_events(void)
{
	static const char *const ev[] = {
		"{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"},{\"text\":\"b\",\"thought\":true},"
		"{\"text\":\"c\"},{\"inlineData\":{}}]}}],\"usageMetadata\":{\"promptTokenCount\":4}}",
		"{\"candidates\":[{\"content\":{\"parts\":[]},\"finishReason\":\"SAFETY\"}],"
		"\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":2}}",
	};
	struct run r;

	run_events(&r, &provider_gemini, ev, 1);
	CHECK_STR(buf_str(&r.text), "ac");
	CHECK(!r.st.done);
	CHECK_INT(r.st.stop, STOP_NONE);
	CHECK_INT(r.last, PEV_OK);
	run_done(&r);

	run_events(&r, &provider_gemini, ev, 2);
	CHECK(r.st.done);
	CHECK_INT(r.last, PEV_OK); /* no terminal event: the stream just closes */
	CHECK_INT(r.st.stop, STOP_FILTER);
	CHECK_INT(r.st.usage.input, 4);
	CHECK_INT(r.st.usage.output, 2);
	run_done(&r);
}

/* Crafted or broken usage objects: never reported, so the request is estimated, not $0. */
static void
test_provider_crafted_usage(void)
{
	static const char *const oa[] = {
		"{}",
		"{\"prompt_tokens\":-5,\"completion_tokens\":3}",
		"{\"prompt_tokens\":\"5\",\"completion_tokens\":\"3\"}",
		"{\"prompt_tokens\":9e15,\"completion_tokens\":9e15}",
		"{\"prompt_tokens\":5}",
		"{\"prompt_tokens\":5.5,\"completion_tokens\":3}",
		"{\"prompt_tokens\":5,\"completion_tokens\":3,"
		"\"prompt_tokens_details\":{\"cached_tokens\":-1}}",
		"{\"prompt_tokens\":5,\"completion_tokens\":1000000001}",
	};
	static const char *const an[] = {
		"{}",
		"{\"input_tokens\":-5,\"output_tokens\":3}",
		"{\"input_tokens\":\"5\",\"output_tokens\":\"3\"}",
		"{\"input_tokens\":9e15,\"output_tokens\":9e15}",
		"{\"output_tokens\":3}",
		"{\"input_tokens\":5,\"output_tokens\":3,\"cache_read_input_tokens\":\"x\"}",
	};
	static const char *const ge[] = {
		"{}",
		"{\"promptTokenCount\":-5,\"candidatesTokenCount\":3}",
		"{\"promptTokenCount\":\"5\",\"candidatesTokenCount\":\"3\"}",
		"{\"promptTokenCount\":9e15,\"candidatesTokenCount\":9e15}",
		"{\"promptTokenCount\":5}",
		"{\"promptTokenCount\":5,\"totalTokenCount\":900}",
		"{\"candidatesTokenCount\":3,\"totalTokenCount\":8}",
	};
	struct run r;
	char ev[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(oa); i++) {
		snprintf(ev, sizeof ev, "{\"choices\":[],\"usage\":%s}", oa[i]);
		run_init(&r, &provider_openai);
		run_one(&r, NULL, ev, strlen(ev));
		if (r.st.usage.reported)
			fprintf(stderr, "openai: %s\n", oa[i]);
		CHECK(!r.st.usage.reported);
		run_done(&r);
		/* a good report first, a broken one last: the last one wins, so nothing is reported */
		run_init(&r, &provider_openai);
		run_one(&r, NULL, SL("{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}"));
		CHECK(r.st.usage.reported);
		CHECK(r.st.prompt_known);
		run_one(&r, NULL, ev, strlen(ev));
		CHECK(!r.st.usage.reported);
		CHECK(!r.st.prompt_known); /* nor is the prompt's count, now zero */
		run_done(&r);
		snprintf(ev, sizeof ev, "{\"choices\":[{\"message\":{\"content\":\"hi\"},"
		    "\"finish_reason\":\"stop\"}],\"usage\":%s}", oa[i]);
		run_init(&r, &provider_openai);
		CHECK_INT(provider_openai.whole(&r.st, ev, strlen(ev)), PEV_DONE);
		CHECK(!r.st.usage.reported);
		run_done(&r);
	}
	for (i = 0; i < ARRAY_SIZE(an); i++) {
		run_init(&r, &provider_anthropic);
		snprintf(ev, sizeof ev, "{\"type\":\"message_start\",\"message\":{\"usage\":%s}}", an[i]);
		run_one(&r, NULL, ev, strlen(ev));
		CHECK(!r.st.prompt_known);
		snprintf(ev, sizeof ev, "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
		    "\"end_turn\"},\"usage\":%s}", an[i]);
		run_one(&r, NULL, ev, strlen(ev));
		if (r.st.usage.reported)
			fprintf(stderr, "anthropic: %s\n", an[i]);
		CHECK(!r.st.usage.reported);
		run_done(&r);
		/* a good start, then a broken delta */
		run_init(&r, &provider_anthropic);
		run_one(&r, NULL, SL("{\"type\":\"message_start\",\"message\":{\"usage\":"
		    "{\"input_tokens\":5,\"output_tokens\":1}}}"));
		run_one(&r, NULL, ev, strlen(ev));
		CHECK(!r.st.usage.reported || strcmp(an[i], "{\"output_tokens\":3}") == 0);
		run_done(&r);
		snprintf(ev, sizeof ev, "{\"type\":\"message\",\"content\":[{\"type\":\"text\","
		    "\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"usage\":%s}", an[i]);
		run_init(&r, &provider_anthropic);
		CHECK_INT(provider_anthropic.whole(&r.st, ev, strlen(ev)), PEV_DONE);
		CHECK(!r.st.usage.reported);
		run_done(&r);
	}
	for (i = 0; i < ARRAY_SIZE(ge); i++) {
		snprintf(ev, sizeof ev, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"}]},"
		    "\"finishReason\":\"STOP\"}],\"usageMetadata\":%s}", ge[i]);
		run_init(&r, &provider_gemini);
		run_one(&r, NULL, ev, strlen(ev));
		if (r.st.usage.reported)
			fprintf(stderr, "gemini: %s\n", ge[i]);
		CHECK(!r.st.usage.reported);
		run_done(&r);
	}
	/* message_start's output_tokens is a placeholder: a stream cut before message_delta is estimated */
	run_init(&r, &provider_anthropic);
	run_one(&r, NULL, SL("{\"type\":\"message_start\",\"message\":{\"usage\":"
	    "{\"input_tokens\":5,\"output_tokens\":1}}}"));
	CHECK(!r.st.usage.reported);
	CHECK(r.st.prompt_known); /* the prompt's count is final: a cut reply is billed for it */
	CHECK_INT(r.st.usage.input, 5);
	run_one(&r, NULL, SL("{\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":7}}"));
	CHECK(r.st.usage.reported);
	CHECK_INT(r.st.usage.output, 7);
	run_done(&r);
	/* Gemini leaves out a zero candidate count; the total shows there were none */
	run_init(&r, &provider_gemini);
	run_one(&r, NULL, SL("{\"usageMetadata\":{\"promptTokenCount\":8,\"totalTokenCount\":8}}"));
	CHECK(r.st.usage.reported);
	CHECK_INT(r.st.usage.input, 8);
	CHECK_INT(r.st.usage.output, 0);
	run_done(&r);
	/* the largest plausible count is still a count */
	run_init(&r, &provider_openai);
	run_one(&r, NULL, SL("{\"choices\":[],\"usage\":{\"prompt_tokens\":1000000000,"
	    "\"completion_tokens\":0}}"));
	CHECK(r.st.usage.reported);
	CHECK_INT(r.st.usage.input, 1000000000);
	run_done(&r);
}

/* A whole non-streamed body: the text arrives in one piece. */
static void
check_whole(const char *file, const struct provider *p, const char *text, enum stop stop,
    const struct usage *u)
{
	struct run r;
	size_t len;
	char *body = fixture(file, &len);

	run_init(&r, p);
	CHECK_INT(p->whole(&r.st, body, len), PEV_DONE);
	CHECK_STR(buf_str(&r.text), text);
	CHECK_INT(r.ntext, 1);
	CHECK_INT(r.st.stop, stop);
	CHECK(r.st.done);
	check_usage(&r.st.usage, u);
	run_done(&r);
	free(body);
}

static void
test_provider_whole(void)
{
	struct usage oa = U(220, 1280, 0, 0, 8, 0), ds = U(64, 0, 0, 0, 7, 0);
	struct usage an = U(2095, 4000, 120, 0, 503, 0), ge = U(40, 60, 0, 0, 46, 40);
	struct usage ol = U(26, 0, 0, 0, 298, 0);
	struct run r;

	check_whole("openai_whole.json", &provider_openai, "Paris is the capital of France.", STOP_END, &oa);
	check_whole("deepseek_whole.json", &provider_openai, "Hi! How can I help?", STOP_END, &ds);
	check_whole("anthropic_whole.json", &provider_anthropic, "Hello, world.", STOP_END, &an);
	check_whole("gemini_whole.json", &provider_gemini, "AI learns patterns from data.", STOP_END, &ge);
	check_whole("ollama_whole.json", &provider_ollama, "Hello! How are you today?", STOP_END, &ol);

	run_init(&r, &provider_anthropic);
	CHECK_INT(provider_anthropic.whole(&r.st, SL("{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
	    "\"message\":\"Internal\"}}")), PEV_ERROR);
	CHECK_STR(r.st.error, "Internal (api_error)");
	run_done(&r);

	run_init(&r, &provider_gemini);
	CHECK_INT(provider_gemini.whole(&r.st, SL("[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]}}]},"
	    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"y\"}]},\"finishReason\":\"STOP\"}]}]")),
	    PEV_DONE);
	CHECK_STR(buf_str(&r.text), "xy");
	CHECK_INT(r.ntext, 1);
	run_done(&r);

	run_init(&r, &provider_openai);
	CHECK_INT(provider_openai.whole(&r.st, SL("\n\n<html>")), PEV_BAD);
	CHECK_INT(r.ntext, 0);
	run_done(&r);
}

static const struct msg convo[] = {
	{ .role = "user", .text = "Hi" },
	{ .role = "assistant", .text = "Hello." },
	{ .role = "user", .text = "Why is the sky \"blue\"?\n" },
};

/* A 1x1 PNG's first bytes are enough: the adapters never look inside. "\x89PNG" is "iVBORw==". */
static const struct image png = { .media_type = "image/png", .data = "\x89PNG", .len = 4 };
static const struct image gif = { .media_type = "image/gif", .data = "GIF89a", .len = 6 };
static const struct image two[] = {
	{ .media_type = "image/png", .data = "\x89PNG", .len = 4 },
	{ .media_type = "image/gif", .data = "GIF89a", .len = 6 },
};
static const struct msg with_image[] = {
	{ .role = "user", .text = "What is this?", .images = two, .nimages = 2 },
};

/* Each wire format's shape for images (the providers' documented request bodies). */
static void
test_provider_images(void)
{
	struct request sys = { .model = "m-1", .system = "Be brief.", .msgs = with_image,
	    .nmsgs = 1 };
	struct request plain = { .model = "m-1", .msgs = with_image, .nmsgs = 1 };

	(void)png;
	(void)gif;
	/* OpenAI: content parts, the image as a data: URL */
	check_body(&provider_openai, &sys,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"What is this?\"},"
	    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw==\"}},"
	    "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/gif;base64,R0lGODlh\"}}]}],"
	    "\"stream\":false}");
	/* Anthropic: image blocks with a base64 source, then the text */
	check_body(&provider_anthropic, &plain,
	    "{\"model\":\"m-1\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":["
	    "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\","
	    "\"data\":\"iVBORw==\"}},"
	    "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/gif\","
	    "\"data\":\"R0lGODlh\"}},"
	    "{\"type\":\"text\",\"text\":\"What is this?\"}]}],\"stream\":false}");
	/* Gemini: inline_data parts before the text part */
	check_body(&provider_gemini, &plain,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":["
	    "{\"inline_data\":{\"mime_type\":\"image/png\",\"data\":\"iVBORw==\"}},"
	    "{\"inline_data\":{\"mime_type\":\"image/gif\",\"data\":\"R0lGODlh\"}},"
	    "{\"text\":\"What is this?\"}]}]}");
	/* Ollama: base64 strings in the message's images */
	check_body(&provider_ollama, &sys,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"What is this?\",\"images\":[\"iVBORw==\",\"R0lGODlh\"]}],"
	    "\"stream\":false}");
}

/* The temperature, where each wire format takes it. */
static void
test_provider_temperature(void)
{
	struct request r = { .model = "m-1", .msgs = convo, .nmsgs = 1, .max_tokens = 9,
	    .temperature_set = true, .temperature_milli = 250 };

	check_body(&provider_openai, &r,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
	    "\"stream\":false,\"max_tokens\":9,\"temperature\":0.25}");
	check_body(&provider_anthropic, &r,
	    "{\"model\":\"m-1\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
	    "\"stream\":false,\"temperature\":0.25}");
	check_body(&provider_gemini, &r,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}],"
	    "\"generationConfig\":{\"maxOutputTokens\":9,\"temperature\":0.25}}");
	check_body(&provider_ollama, &r,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
	    "\"stream\":false,\"options\":{\"num_predict\":9,\"temperature\":0.25}}");
}

static void
test_provider_bodies(void)
{
	struct request sys = { .model = "m-1", .system = "Be brief.", .msgs = convo, .nmsgs = 3,
	    .max_tokens = 256, .stream = true };
	struct request plain = { .model = "m-1", .msgs = convo, .nmsgs = 1 };

	check_body(&provider_openai, &sys,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why is the sky \\\"blue\\\"?\\n\"}],"
	    "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":256}");
	check_body(&provider_openai, &plain,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}");

	check_body(&provider_anthropic, &sys,
	    "{\"model\":\"m-1\",\"max_tokens\":256,\"system\":\"Be brief.\",\"messages\":["
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why is the sky \\\"blue\\\"?\\n\"}],\"stream\":true}");
	check_body(&provider_anthropic, &plain,
	    "{\"model\":\"m-1\",\"max_tokens\":4096,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
	    "\"stream\":false}");

	check_body(&provider_gemini, &sys,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]},"
	    "{\"role\":\"model\",\"parts\":[{\"text\":\"Hello.\"}]},"
	    "{\"role\":\"user\",\"parts\":[{\"text\":\"Why is the sky \\\"blue\\\"?\\n\"}]}],"
	    "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
	    "\"generationConfig\":{\"maxOutputTokens\":256}}");
	check_body(&provider_gemini, &plain,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}");

	check_body(&provider_ollama, &sys,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why is the sky \\\"blue\\\"?\\n\"}],"
	    "\"stream\":true,\"options\":{\"num_predict\":256}}");
	check_body(&provider_ollama, &plain,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":false}");
}

/* Prompt-cache fields: Anthropic breakpoints where marked, OpenAI's key, nothing elsewhere. */
static void
test_provider_cache_bodies(void)
{
	static const struct msg marked[] = {
		{ .role = "user", .text = "Hi" },
		{ .role = "assistant", .text = "Hello.", .cache_mark = true },
		{ .role = "user", .text = "Why?", .cache_mark = true },
	};
	struct request req = { .model = "m-1", .system = "Be brief.", .msgs = marked, .nmsgs = 3,
		.max_tokens = 256, .cache = true, .cache_ttl = 300, .cache_system = true,
		.cache_key = "llm-conv-7" };

	check_body(&provider_anthropic, &req,
	    "{\"model\":\"m-1\",\"max_tokens\":256,\"system\":[{\"type\":\"text\",\"text\":"
	    "\"Be brief.\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":["
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":[{\"type\":"
	    "\"text\",\"text\":\"Hello.\",\"cache_control\":{\"type\":\"ephemeral\"}}]},"
	    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Why?\",\"cache_control\":"
	    "{\"type\":\"ephemeral\"}}]}],\"stream\":false}");
	check_body(&provider_openai, &req,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why?\"}],\"stream\":false,\"max_tokens\":256,"
	    "\"prompt_cache_key\":\"llm-conv-7\"}");
	check_body(&provider_gemini, &req,
	    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]},"
	    "{\"role\":\"model\",\"parts\":[{\"text\":\"Hello.\"}]},"
	    "{\"role\":\"user\",\"parts\":[{\"text\":\"Why?\"}]}],"
	    "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
	    "\"generationConfig\":{\"maxOutputTokens\":256}}");
	check_body(&provider_ollama, &req,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why?\"}],\"stream\":false,\"options\":{\"num_predict\":256}}");

	/* one hour, and nothing at all once caching is off */
	req.cache_ttl = 3600;
	req.cache_system = false;
	check_body(&provider_anthropic, &req,
	    "{\"model\":\"m-1\",\"max_tokens\":256,\"system\":\"Be brief.\",\"messages\":["
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":[{\"type\":"
	    "\"text\",\"text\":\"Hello.\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]},"
	    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Why?\",\"cache_control\":"
	    "{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]}],\"stream\":false}");
	req.cache = false;
	check_body(&provider_anthropic, &req,
	    "{\"model\":\"m-1\",\"max_tokens\":256,\"system\":\"Be brief.\",\"messages\":["
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why?\"}],\"stream\":false}");
	check_body(&provider_openai, &req,
	    "{\"model\":\"m-1\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
	    "{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"},"
	    "{\"role\":\"user\",\"content\":\"Why?\"}],\"stream\":false,\"max_tokens\":256}");
}

static void
check_url(const struct provider *p, const char *base, const char *model, bool stream, const char *want)
{
	struct request req = { .model = model, .msgs = convo, .nmsgs = 1, .stream = stream };
	char *url = p->url(base, &req);

	CHECK_STR(url, want);
	free(url);
}

static void
test_provider_urls_and_headers(void)
{
	check_url(&provider_openai, "https://api.openai.com/v1", "gpt-4.1-nano", true,
	    "https://api.openai.com/v1/chat/completions");
	check_url(&provider_openai, "https://api.deepseek.com/", "deepseek-chat", true,
	    "https://api.deepseek.com/chat/completions");
	check_url(&provider_anthropic, "https://api.anthropic.com/v1", "claude-haiku-4-5", true,
	    "https://api.anthropic.com/v1/messages");
	check_url(&provider_gemini, "https://generativelanguage.googleapis.com/v1beta", "gemini-2.5-flash", true,
	    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
	check_url(&provider_gemini, "https://generativelanguage.googleapis.com/v1beta/", "models/gemini-2.5-flash",
	    false, "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
	check_url(&provider_gemini, "http://127.0.0.1:9", "a b?c", false,
	    "http://127.0.0.1:9/models/a%20b%3Fc:generateContent");
	check_url(&provider_ollama, "http://localhost:11434", "qwen3:8b", true, "http://localhost:11434/api/chat");

	CHECK_STR(provider_openai.auth_prefix, "Authorization: Bearer ");
	CHECK_STR(provider_anthropic.auth_prefix, "x-api-key: ");
	CHECK_STR(provider_gemini.auth_prefix, "x-goog-api-key: ");
	CHECK_STR(provider_anthropic.headers[0], "anthropic-version: 2023-06-01");
	CHECK(provider_anthropic.headers[1] == NULL);
	CHECK(provider_openai.headers[0] == NULL);
	CHECK(provider_ollama.ndjson);
	CHECK(!provider_openai.ndjson && !provider_anthropic.ndjson && !provider_gemini.ndjson);
}

static void
check_error(const struct provider *p, int status, const char *body, size_t len, const char *want, long retry)
{
	long got_retry = 12345;
	char *msg = p->error(status, body, len, &got_retry);

	CHECK_STR(msg, want);
	CHECK_INT(got_retry, retry);
	free(msg);
}

static void
check_error_file(const struct provider *p, int status, const char *file, const char *want, long retry)
{
	size_t len;
	char *body = fixture(file, &len);

	check_error(p, status, body, len, want, retry);
	free(body);
}

static void
test_provider_errors(void)
{
	check_error_file(&provider_openai, 400, "openai_error_body.json",
	    "Unsupported parameter: 'max_tokens' is not supported with this model. "
	    "Use 'max_completion_tokens' instead. (unsupported_parameter)", -1);
	check_error_file(&provider_anthropic, 429, "anthropic_error_body.json",
	    "Number of request tokens has exceeded your per-minute rate limit (rate_limit_error)", -1);
	check_error_file(&provider_gemini, 429, "gemini_429.json",
	    "You exceeded your current quota, please check your plan. (RESOURCE_EXHAUSTED)", 34400);
	check_error_file(&provider_ollama, 404, "ollama_error_body.json",
	    "model \"llama9\" not found, try pulling it first", -1);

	/* OpenRouter: a numeric code; vLLM: a flat error object */
	check_error(&provider_openai, 402, SL("{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}"),
	    "Insufficient credits", -1);
	check_error(&provider_openai, 400, SL("{\"error\":{\"code\":400,\"message\":\"Provider returned error\","
	    "\"metadata\":{\"raw\":\"{\\\"error\\\":\\\"context too long\\\"}\",\"provider_name\":\"Chutes\"}}}"),
	    "Provider returned error: {\"error\":\"context too long\"}", -1);
	check_error(&provider_openai, 400,
	    SL("{\"object\":\"error\",\"message\":\"bad model\",\"type\":\"NotFoundError\"}"), "bad model (NotFoundError)", -1);
	check_error(&provider_gemini, 503, SL("[{\"error\":{\"code\":503,\"message\":\"Busy\",\"status\":\"UNAVAILABLE\","
	    "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"2s\"}]}}]"),
	    "Busy (UNAVAILABLE)", 2000);
}

static void
test_provider_error_fallback(void)
{
	const struct provider *all[] = { &provider_openai, &provider_anthropic, &provider_gemini, &provider_ollama };
	const char *html = "<html>\r\n<h1>502 Bad\x1b[31m Gateway</h1>\n</html>";
	char big[1000], *msg;
	size_t i;
	long retry;

	memset(big, 'x', sizeof(big));
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		check_error(all[i], 502, html, strlen(html),
		    "HTTP 502: <html>  <h1>502 Bad\xe2\x90\x9b[31m Gateway</h1> </html>", -1);
		check_error(all[i], 500, "", 0, "HTTP 500", -1);
		check_error(all[i], 503, NULL, 0, "HTTP 503", -1);
		check_error(all[i], 400, SL("{\"error\":{}}"), "HTTP 400: {\"error\":{}}", -1);
		msg = all[i]->error(413, big, sizeof(big), &retry);
		CHECK_INT(strlen(msg), strlen("HTTP 413: ") + 200);
		free(msg);
	}
}

static void
test_provider_gemini_retry_delay(void)
{
	static const struct {
		const char *delay;
		long ms;
	} cases[] = {
		{ "34.4s", 34400 }, { "1s", 1000 }, { "0.5s", 500 }, { "0.0015s", 1 },
		{ "12", -1 }, { "s", -1 }, { "-3s", -1 }, { "1.5ms", -1 }, { "", -1 },
	};
	char *body;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		body = xstrfmt("{\"error\":{\"code\":429,\"message\":\"slow\",\"details\":[{\"@type\":"
		    "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"%s\"}]}}", cases[i].delay);
		check_error(&provider_gemini, 429, body, strlen(body), "slow", cases[i].ms);
		free(body);
	}
}

static void
test_provider_table(void)
{
	enum api api = API_OPENAI, a;

	for (a = API_OPENAI; a <= API_OLLAMA; a++) {
		CHECK(provider_for(a) != NULL);
		CHECK_INT(provider_for(a)->api, a);
		CHECK(provider_api_parse(provider_api_str(a), &api));
		CHECK_INT(api, a);
	}
	CHECK(provider_for(API_GEMINI) == &provider_gemini);
	CHECK(provider_api_parse("Anthropic", &api) && api == API_ANTHROPIC);
	CHECK(!provider_api_parse("openai-responses", &api));
	CHECK(!provider_api_parse("", &api));
	CHECK(!provider_api_parse(NULL, &api));
	CHECK(provider_for((enum api)42) == NULL);
}

/* Garbage and damaged recordings never crash an adapter, and errors always say something. */
static void
test_provider_garbage(void)
{
	static const char *const junk[] = {
		"", "null", "[]", "{}", "0", "\"s\"", "{\"choices\":\"x\"}", "{\"choices\":[1,null,{}]}",
		"{\"choices\":[{\"delta\":\"x\",\"finish_reason\":7}]}", "{\"choices\":[{\"delta\":{\"content\":5}}]}",
		"{\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":-4}}",
		"{\"usage\":{\"prompt_tokens\":1e300,\"prompt_tokens_details\":{\"cached_tokens\":1e300}}}",
		"{\"usage\":{\"prompt_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":9,\"cache_write_tokens\":9}}}",
		"{\"error\":null}", "{\"error\":42}", "{\"error\":{\"message\":7}}", "{\"type\":7}",
		"{\"type\":\"message_start\",\"message\":7}", "{\"type\":\"message_delta\",\"delta\":[],\"usage\":[]}",
		"{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":null}}",
		"{\"type\":\"message_start\",\"message\":{\"usage\":{\"cache_creation\":{\"ephemeral_1h_input_tokens\":\"x\"}}}}",
		"{\"candidates\":{}}", "{\"candidates\":[{\"content\":{\"parts\":{\"text\":\"x\"}}}]}",
		"{\"candidates\":[{\"content\":[],\"finishReason\":[]}]}", "{\"promptFeedback\":[]}",
		"{\"usageMetadata\":{\"promptTokenCount\":2,\"cachedContentTokenCount\":5}}",
		"{\"message\":\"x\",\"done\":\"yes\"}", "{\"message\":{\"content\":[]},\"done\":true,\"eval_count\":{}}",
		"{\"error\":[]}", "[DONE", "data", "\xff\xfe{", "{\"a\":\"\\ud800\"}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	};
	const struct provider *all[] = { &provider_openai, &provider_anthropic, &provider_gemini, &provider_ollama };
	static const char *const names[] = { NULL, "error", "message_start", "message_delta", "content_block_delta" };
	struct run r;
	size_t i, k, n;
	enum pev rc;
	long retry;
	char *msg;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		for (k = 0; k < ARRAY_SIZE(junk); k++) {
			for (n = 0; n < ARRAY_SIZE(names); n++) {
				run_init(&r, all[i]);
				run_one(&r, names[n], junk[k], strlen(junk[k]));
				CHECK(r.st.usage.input >= 0 && r.st.usage.cached_input >= 0);
				CHECK(r.st.usage.cache_write >= 0 && r.st.usage.output >= 0);
				run_done(&r);
			}
			run_init(&r, all[i]);
			rc = all[i]->whole(&r.st, junk[k], strlen(junk[k]));
			if (rc == PEV_ERROR || rc == PEV_BAD)
				CHECK(r.st.error != NULL && *r.st.error != '\0');
			run_done(&r);
			msg = all[i]->error(500, junk[k], strlen(junk[k]), &retry);
			CHECK(msg != NULL && *msg != '\0');
			free(msg);
		}
	}
}

/* Recorded streams with bytes flipped, cut or dropped, decoded and parsed to the end. */
static void
test_provider_damaged_streams(void)
{
	uint32_t seed = 12345;
	size_t i, len, k, pos;
	char *data, *copy;
	struct run r;

	for (i = 0; i < ARRAY_SIZE(wants); i++) {
		data = fixture(wants[i].file, &len);
		for (k = 0; k < 60 && len > 0; k++) {
			copy = xstrndup(data, len);
			seed = seed * 1103515245u + 12345u;
			pos = (seed >> 8) % len;
			copy[pos] = "\0\r\n:{}\"\\x9"[(seed >> 4) % 11];
			run_init(&r, wants[i].p);
			run_stream(&r, copy, k % 2 ? len : pos, k % 3);
			CHECK(r.rc == 0 || r.rc == 1);
			run_done(&r);
			free(copy);
		}
		free(data);
	}
}

int
main(void)
{
	RUN(test_provider_recorded_streams);
	RUN(test_provider_openai_quirks);
	RUN(test_provider_openai_bad);
	RUN(test_provider_anthropic_events);
	RUN(test_provider_gemini_events);
	RUN(test_provider_crafted_usage);
	RUN(test_provider_whole);
	RUN(test_provider_bodies);
	RUN(test_provider_images);
	RUN(test_provider_temperature);
	RUN(test_provider_cache_bodies);
	RUN(test_provider_urls_and_headers);
	RUN(test_provider_errors);
	RUN(test_provider_error_fallback);
	RUN(test_provider_gemini_retry_delay);
	RUN(test_provider_table);
	RUN(test_provider_garbage);
	RUN(test_provider_damaged_streams);
	UNIT_EXIT();
}
