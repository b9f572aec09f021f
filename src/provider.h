/* provider: the four wire formats behind one table of functions; no I/O inside. */
#ifndef LLM_PROVIDER_H
#define LLM_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum api {
	API_OPENAI,
	API_ANTHROPIC,
	API_GEMINI,
	API_OLLAMA,
};

/* An image sent with a message: raw bytes, base64 on the wire with its media type. */
struct image {
	const char *media_type;   /* "image/png", "image/jpeg", "image/webp", "image/gif" */
	const char *data;
	size_t len;
};

/* A tool as declared to the model; schema is a compact JSON Schema object. */
struct tool_decl {
	const char *name, *description, *schema;
};

/*
 * A tool call the model made: args is a JSON object as text ("{}" when the
 * model sent none). id is NULL when the server gave none and its format
 * matches results by order (Gemini, Ollama). signature is Gemini's thought
 * signature, echoed back on the same part; NULL if none.
 */
struct tool_call {
	const char *id, *name, *args, *signature;
};

/*
 * One turn of a conversation; role is "user", "assistant" or "tool" (a tool's
 * result: call_id and call_name say whose, call_error that it failed). An
 * assistant turn may carry the calls it made. Borrowed strings.
 */
struct msg {
	const char *role;
	const char *text;
	const struct tool_call *calls;
	size_t ncalls;
	const char *call_id, *call_name;
	bool call_error;
	const struct image *images;   /* sent with the text (user turns); NULL: none */
	size_t nimages;
	bool cache_mark;       /* a prompt-cache breakpoint after this message (Anthropic) */
	const char *reasoning; /* the reasoning an assistant turn came with; NULL: none */
};

/* What to ask; everything borrowed for the duration of the call. */
struct request {
	const char *model;     /* the id sent on the wire */
	const char *system;    /* NULL: no system prompt */
	const struct msg *msgs;
	size_t nmsgs;
	long max_tokens;       /* 0: the provider's default (Anthropic needs one: 4096) */
	bool stream;
	bool completion_tokens; /* OpenAI itself: send max_completion_tokens */
	bool temperature_set;  /* false: the provider's default */
	int temperature_milli; /* sampling temperature x 1000 (0.2 -> 200) */
	bool cache;            /* prompt caching is on for this request */
	const char *cache_key; /* OpenAI prompt_cache_key; NULL: none sent */
	int cache_ttl;         /* seconds a breakpoint asks for: 300 or 3600 */
	bool cache_system;     /* a breakpoint after the system prompt (Anthropic) */
	const struct tool_decl *tools; /* declared to the model; NULL: none */
	size_t ntools;
};

/*
 * Token buckets, disjoint: input excludes cache reads and writes, whatever the
 * provider's own shape. output includes reasoning; reasoning is the part of it
 * spent thinking, for display only.
 */
struct usage {
	int64_t input;
	int64_t cached_input;
	int64_t cache_write;     /* cache writes at the 5-minute rate */
	int64_t cache_write_1h;  /* cache writes at the 1-hour rate */
	int64_t output;
	int64_t reasoning;
	bool reported;           /* false: the server sent none, figures are estimates */
};

enum stop {
	STOP_NONE,     /* not seen yet */
	STOP_END,      /* natural end */
	STOP_LENGTH,   /* cut off by the output cap */
	STOP_FILTER,   /* refused or blocked by the provider */
	STOP_ERROR,
};

/*
 * What an error says went wrong, by its type (OpenAI error.code or type,
 * Anthropic error.type, Gemini error.status or a detail's reason), whether it
 * came as an HTTP error body or as an error event inside a 200 reply.
 */
enum fault {
	FAULT_NONE,        /* no type llm knows: the HTTP status decides, if any */
	FAULT_AUTH,        /* the key is missing, wrong or not allowed */
	FAULT_RATE,        /* rate limited: worth another try later */
	FAULT_OVERLOADED,  /* the server is busy or failed: worth another try later */
	FAULT_QUOTA,       /* out of credit or over a spend limit: another try will not help */
	FAULT_NOT_FOUND,   /* no such model or endpoint */
	FAULT_REQUEST,     /* the request was refused as it is */
};

typedef void (*text_fn)(void *arg, const char *s, size_t n);
/*
 * A tool call, whole, once its reply has said how it ended. error is NULL for
 * a call to run, else why it cannot be (invalid JSON arguments, cut off by the
 * length limit, arguments over the cap): the model is to be told, not obeyed.
 */
typedef void (*call_fn)(void *arg, const struct tool_call *call, const char *error);

struct wire_calls;

/*
 * The state of one response being parsed. The caller zeroes it and sets
 * on_text/arg; adapters fill the rest. Usage is cumulative on every wire
 * format: adapters overwrite, never add.
 */
struct pstate {
	text_fn on_text;
	void *arg;
	struct usage usage;
	enum stop stop;
	bool done;       /* a terminal event arrived */
	char *error;     /* malloc'd: an error reported inside a 200 response */
	enum fault fault; /* what that error's type says */
	int64_t raw_prompt; /* adapter scratch (Anthropic/Gemini bookkeeping) */
	int64_t raw_cached;
	unsigned usage_seen; /* adapter scratch: which usage counts came, or a malformed one */
	/*
	 * The prompt's buckets in usage (input, cache reads and writes) are the
	 * server's own, whether or not the reply's count has come: Anthropic
	 * gives them in message_start, before any text.
	 */
	bool prompt_known;
	call_fn on_call;     /* NULL: tool calls are dropped */
	struct wire_calls *calls; /* adapter scratch: calls being assembled */
	text_fn on_reasoning;     /* reasoning text (DeepSeek's reasoning_content); NULL: dropped */
};

enum pev {
	PEV_OK,     /* keep reading */
	PEV_DONE,   /* terminal event: the response is complete */
	PEV_ERROR,  /* an error event; st->error says what */
	PEV_BAD,    /* not valid JSON or not the expected shape; st->error says what */
};

struct provider {
	const char *name;               /* "openai", ... as in config's api = */
	enum api api;
	bool ndjson;                    /* stream framing: NDJSON lines, not SSE */
	const char *auth_prefix;        /* header before the key, e.g. "Authorization: Bearer " */
	const char *const *headers;     /* further fixed headers, NULL-terminated */
	/* The full URL for a request (malloc'd). */
	char *(*url)(const char *base_url, const struct request *req);
	/* The JSON body (malloc'd). */
	char *(*body)(const struct request *req);
	/* One SSE event (name may be NULL) or one NDJSON line of a streamed reply. */
	enum pev (*event)(struct pstate *st, const char *name, const char *data, size_t len);
	/* A whole non-streamed reply body. */
	enum pev (*whole)(struct pstate *st, const char *body, size_t len);
	/*
	 * A one-line message from a non-2xx body (malloc'd, never NULL); sets
	 * *retry_ms to a delay the body asks for (Gemini's RetryInfo), else -1.
	 */
	char *(*error)(int status, const char *body, size_t len, long *retry_ms);
	/* What a non-2xx body's error type says (FAULT_NONE: none known). */
	enum fault (*fault)(const char *body, size_t len);
	/* Whether a request to model (its wire id) sends assistant turns' reasoning back; NULL: never. */
	bool (*sends_reasoning)(const char *model);
};

extern const struct provider provider_openai;
extern const struct provider provider_anthropic;
extern const struct provider provider_gemini;
extern const struct provider provider_ollama;

/* The adapter for a wire format. */
const struct provider *provider_for(enum api api);
/* Parse "openai", "anthropic", "gemini" or "ollama". */
bool provider_api_parse(const char *s, enum api *out);
const char *provider_api_str(enum api api);
/* A short name for a fault: "rate limited", "overloaded", ... */
const char *fault_str(enum fault f);
/* What an HTTP status alone says, for a body whose type says nothing. */
enum fault fault_of_status(long status);
/* Free what a parse left in st (the error), keeping the rest. */
void pstate_done(struct pstate *st);

#endif
