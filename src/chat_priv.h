/* chat_priv: the controller's state and helpers, shared by the chat*.c files only. */
/*
 * Where things are:
 *   chat.c         the conversation (history, resume); a turn sent, polled, cancelled,
 *                  re-asked or compacted; its answer kept and the turn finished
 *   chat_route.c   how a turn is routed: a pin, a tier, the router, the window, the budget
 *   chat_budget.c  a request's worst case reserved under the budget and the task's cap
 *   chat_step.c    one request: its key, its body, its stream decoded, its cost settled
 *   chat_retry.c   how a response ends: errors said, retries, fallbacks, escalation
 *   chat_cache.c   prompt caching: request fields, warm caches, expected costs, compaction
 */
#ifndef LLM_CHAT_PRIV_H
#define LLM_CHAT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "chat.h"
#include "cred.h"
#include "learn.h"
#include "ledger.h"
#include "provider.h"

#define DEFAULT_REPLY_CAP 4096          /* assumed reply length when nothing sets one */
#define CHAT_MIN_REPLY 1024             /* the least room for a reply a window must leave */
#define CHAT_WINDOW_FRAMING 32         /* a request's own tokens beyond its messages' text */
#define CHAT_STREAM_LINE_MAX (4u << 20) /* one SSE event or NDJSON line */
#define CHAT_BODY_MAX     (16u << 20)   /* a non-streamed reply */

struct http;
struct http_req;
struct sse;
struct ndjson;
struct meter;

#define CHAT_WARM_MAX 4    /* models whose cache a conversation keeps track of */

/* What a model's prompt cache likely holds of this conversation. */
struct chat_warm {
	const struct model *model;
	int64_t tokens;         /* prompt tokens kept */
	int64_t time;           /* clock_now() when they were last sent */
	long ttl;               /* seconds they are kept unused */
};

struct chat {
	const struct config *cfg;
	struct catalog *cat;
	struct ledger *ledger;
	struct http *http;

	/* the conversation: texts owned, roles static */
	struct msg *hist;
	char **hist_text;
	size_t nhist;
	bool hist_last;         /* the last turn's exchange ends hist (an answer was kept) */
	/* a resumed conversation's last answer's tier, until a turn is sent; TIER_AUTO: none */
	enum tier resume_tier;
	int64_t conv_id;
	enum tier prev_tier;
	bool system_saved;      /* system is what the database holds for conv_id */

	/* the running turn */
	struct chat_opts opts;
	char *system;
	char *role;             /* the conversation's role name, or NULL */
	bool role_saved;        /* role is what the database holds for conv_id */
	char *prompt;
	struct chat_cb cb;
	struct chat_turn turn;
	bool busy;
	bool escalated;
	bool need_vision;       /* the turn carries images: only models that take them will do */
	const struct image *vision_img; /* those images (chat_decide's opts'), for their sizes */
	size_t vision_nimg;
	const struct model *failed[CHAT_MAX_STEPS];
	size_t nfailed;
	const char *broke[CHAT_MAX_STEPS]; /* providers whose account is out of credit (borrowed) */
	size_t nbroke;
	/* providers whose server no try of this turn could reach: its models are skipped */
	const struct provider_conf *unreached[CHAT_MAX_STEPS];
	size_t nunreached;
	bool answered;          /* some server answered a try of this turn, however it ended */
	bool conv_fresh;        /* conv_id was started by this turn's first request */
	struct meter over_meter;    /* the figures of the last reservation the budget refused */
	bool over_offline;          /* the last reservation was the offline allowance's to make */
	char *moved;                /* the last downgrade said in a task: its steps say it once */

	/* the running step */
	const struct model *model;
	const struct provider_conf *pc;
	const struct provider *prov;
	enum tier tier;
	char *key;
	enum cred_source key_src;   /* where key came from */
	struct http_req *req;
	struct sse *sse;
	struct ndjson *nd;
	struct pstate ps;
	struct buf body;        /* a non-streamed reply */
	struct buf text;        /* this step's answer */
	struct buf reasoning;   /* this step's reasoning text, as a thinking model must get it back */
	size_t emitted;         /* bytes of text handed to cb.text */
	bool may_escalate;
	bool holding;
	bool line_too_long;
	bool too_large;         /* the reply passed max_reply: stopped */
	bool reached;           /* a try of this step may have reached the server */
	const struct chat_budget_how *budget_how; /* what a refusal says to do; NULL: the CLI's */
	size_t reply_bytes;     /* body bytes of this response so far */
	enum pev bad;           /* PEV_ERROR or PEV_BAD seen, else PEV_OK */
	int tries;
	int64_t retry_at;       /* clock_ms() when to try again; 0: none */
	bool cut_sent;          /* cancelled with a try out at the server, not between tries */
	int64_t step_start;
	int64_t ledger_id;
	long max_out;
	bool send_cap;
	int64_t input_est;
	int64_t progress_at;    /* clock_ms() of the last ledger_progress; 0: none this response */
	size_t progress_len;    /* text.len it recorded */
	const char *why;

	/* what the router has learnt from this user ([llm] learn) */
	struct learn learn;
	bool learn_stale;       /* learn is to be read again before the router next uses it */
	bool retrying;          /* the turn being sent re-asks the last one higher */
	enum tier label_prev;   /* the previous turn's tier as the turn first routed saw it */
	enum tier label_router; /* the router's tier for the turn first routed */
	bool label_reask;       /* re-asking the turn first routed one tier up is a label */
	int64_t label_id;       /* the label kept for the turn first routed, 0: none yet */
	enum tier label_wanted; /* the tier it says was wanted */

	char cache_key[40];     /* this conversation's prompt_cache_key */
	struct chat_warm warm[CHAT_WARM_MAX];
	size_t nwarm;

	/* compaction: older turns summarised once, the summary standing in for them */
	bool compacting;        /* the running step writes the summary */
	bool compact_only;      /* /compact: no turn follows */
	size_t compact_cut;     /* history entries the summary replaces */
	size_t nsynth;          /* 2 when the history starts with the summary's pair, else 0 */
	int64_t summary_upto;   /* stored messages the summary stands for */

	struct chat_call *calls; /* this response's tool calls, whole */
	size_t ncalls;
};

#define CHAT_COMPACT_KEEP 4     /* messages kept as they are: the last two turns */

/*
 * Whether m's provider has (or needs no) key, m has not failed this turn and
 * its server has not been found unreachable; arg is the chat.
 */
bool chat_model_usable(void *arg, const struct model *m);
/* chat_model_usable but for the server: whether m would do if its server could be reached. */
bool chat_model_ready(void *arg, const struct model *m);
/* Whether a try of this turn found the server of provider pc unreachable. */
bool chat_unreached(const struct chat *c, const struct provider_conf *pc);
/* Fit r's input tokens to model m: its images by m's provider's rule, the reasoning m is sent back. */
void chat_route_fit(const struct chat *c, const struct chat_opts *o, struct chat_route *r,
    const struct model *m);
/*
 * The reply cap used for the worst case, and in *send whether it must be
 * sent: within m's max_output and what its window leaves after input tokens.
 */
long chat_reply_cap(const struct chat *c, const struct chat_opts *o, const struct model *m,
    int64_t input, bool *send);
/* The least room for a reply a model's window must leave after the prompt. */
long chat_reply_floor(const struct chat *c, const struct chat_opts *o);
/* Decide tier and model for prompt: 0, or a chat_status with *cause. */
enum chat_status chat_decide(struct chat *c, const struct chat_opts *o, const char *prompt,
    struct chat_route *r, char **cause);

/*
 * Have what the router has learnt read again when it is next used (learning
 * on and a ledger): a one-shot request reads it once, or not at all.
 */
void chat_learn_load(struct chat *c);
/*
 * Keep the label the turn being sent gives (a re-ask one tier up, a tier
 * against the router, a pin), after its reservation; what was learnt is read
 * again before the next turn is routed.
 */
void chat_learn_turn(struct chat *c);
/* Keep the label of an escalation to tier up, after its reservation. */
void chat_learn_escalation(struct chat *c, enum tier up);

/*
 * Whether route r may take its worst case: 0 (reserved or fitting),
 * CHAT_BUDGET refused (*cause may say why), or another chat_status.
 */
typedef enum chat_status (*chat_fits_fn)(struct chat *c, const struct chat_route *r, char **cause);
/*
 * Apply --max-cost, then the budget through fits, to route r; under
 * downgrade walk down the tiers until fits admits one, and give r that
 * model's tier, estimates and reason. 0, or the refusal's chat_status.
 */
enum chat_status chat_admit_route(struct chat *c, const struct chat_opts *o, struct chat_route *r,
    chat_fits_fn fits, char **cause);

/*
 * Whether a refused worst case passes the user's own budget in a team's
 * ledger and not the team's: then the figures to give are the user's.
 */
bool chat_over_own_budget(const struct meter *mt, int64_t worst);
/* The refusal of worst case on m by the budget in mt (the team's, named), for the caller to free. */
char *chat_budget_refusal(const struct model *m, int64_t worst, const struct meter *mt,
    const struct chat_budget_how *how);
/* The refusal of worst case on m by the user's own budget in mt, for the caller to free. */
char *chat_own_budget_refusal(const struct model *m, int64_t worst, const struct meter *mt);
/* Say that m's unknown price cannot be held to mt's budget, or the user's own. */
char *chat_unknown_price_refusal(const struct model *m, const struct meter *mt);

/* Whether prompt caching may be asked for on model m (config, kind of request). */
bool chat_cache_on(const struct chat *c, const struct model *m);
/* The minimum cacheable prefix on m for wire format api: config's cache_min, else published. */
int64_t chat_cache_min(const struct chat *c, const struct model *m, enum api api);
/*
 * The worst case of input tokens and max_out on m: where llm asks for cache
 * writes (Anthropic), or the provider writes by itself at a listed price
 * (OpenAI's format), the prefix counts at the higher of the input and the
 * write price, so the bound stays true. A PRICING_* code.
 */
int chat_worst_case(const struct chat *c, const struct model *m, int64_t input, long max_out,
    int64_t *pico);
/* Remember what request usage u on m, sent at when, left in m's cache. */
void chat_warm_note(struct chat *c, const struct model *m, const struct usage *u, int64_t when);
/* Learn from the ledger what conversation c->conv_id's last requests left warm. */
void chat_warm_load(struct chat *c);
/* Tokens of this conversation's prompt m likely still holds in its cache now; 0: none. */
int64_t chat_warm_tokens(const struct chat *c, const struct model *m);
/*
 * The expected cost of input tokens (cached of them from the cache) and a reply
 * of reply tokens on m: cached tokens at the cached price, the rest at the
 * input price or, where llm asks for cache writes, the write price. PRICING_*.
 */
int chat_expect(const struct chat *c, const struct model *m, int64_t input, int64_t cached,
    long reply, int64_t *pico);
/* Whether the history has reached [llm] compact_at for a turn on m. */
bool chat_compact_due(const struct chat *c, const struct model *m);
/* The messages of a compaction request: the summarised history, then the instruction (malloc'd). */
struct msg *chat_compact_msgs(const struct chat *c, size_t *n);
/* The system prompt of a compaction request. */
const char *chat_compact_system(void);
/* Put summary in place of the first cut history entries (in memory and in the database). */
void chat_compact_apply(struct chat *c, const char *summary, size_t cut);
/* On resume: the stored summary in place of the messages it stands for. */
void chat_compact_load(struct chat *c);
/* Fill the request's prompt-cache fields for the running step; msgs are the n it sends. */
void chat_cache_request(struct chat *c, struct request *req, struct msg *msgs, size_t n);


/* chat.c: the conversation and its turns. */
/* Tell the front end fmt's line through cb.note, if it takes notes. */
void chat_note(struct chat *c, const char *fmt, ...);
/* Fail the turn with status, fmt saying why (in turn.error). */
void chat_fail(struct chat *c, enum chat_status status, const char *fmt, ...);
/* Forget the running step: its response, its key, what it showed. */
void chat_step_clear(struct chat *c);
/* End the turn (or the compaction before it): show what is held, keep the answer, call cb.done. */
void chat_finish(struct chat *c);

/* chat_budget.c: reservations and refusals. */
/*
 * Reserve worst case on model m (tier t, route r) under the budget: 0,
 * CHAT_BUDGET refused (said in turn.error unless quiet), or CHAT_USAGE.
 */
enum chat_status chat_reserve(struct chat *c, const struct model *m, enum tier t,
    const struct chat_route *r, int64_t worst, bool quiet);
/* Admit route r under --max-cost and the budget, setting c->model: 0, or a chat_status. */
enum chat_status chat_admit(struct chat *c, struct chat_route *r);
/* Say why the budget in mt refuses worst case on m, for the caller to free. */
char *chat_over_budget_words(const struct model *m, int64_t worst, const struct meter *mt,
    const struct chat_budget_how *how);
/* Write how worst case w passes the task's cap into out. */
void chat_over_cap_words(const struct chat *c, int64_t w, char *out, size_t n);

/* chat_step.c: one request. */
/* Show n bytes of the answer through cb.text. */
int chat_emit(struct chat *c, const char *s, size_t n);
/* Send the running step's request with the key in c->key. */
int chat_step_send(struct chat *c);
/* Fetch the key of c->pc into c->key: 0, or CHAT_AUTH after saying why. */
enum chat_status chat_step_key(struct chat *c);
/* Begin a step on c->model for reason why: fetch the key and send. 0 or a chat_status. */
enum chat_status chat_step_begin(struct chat *c, const char *why);
/* Record the step's usage and cost in the ledger and the turn; status is the ledger's word. */
void chat_settle(struct chat *c, const char *status);

/* chat_retry.c: how a response ends. */
/* What a failure says of the text received before it (" (the partial answer was kept)"). */
const char *chat_partial_kept(const struct chat *c);
/* A response has ended (the http callback): finish, retry, fall back or escalate. */
void chat_on_done(void *arg, struct http_req *r);

#endif
