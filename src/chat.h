/* chat: the controller both front ends use: route, key, budget, request, stream, price, record. */
#ifndef LLM_CHAT_H
#define LLM_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "config.h"
#include "provider.h"
#include "router.h"

struct chat;
struct learn;
struct ledger;

/*
 * How a request ended, or why it was not sent. The controller's own word for
 * it: the command line turns it into an exit code, the TUI into a line.
 */
enum chat_status {
	CHAT_OK = 0,
	CHAT_PROVIDER,     /* the provider or the network failed, after retries */
	CHAT_USAGE,        /* a usage or config error, or the local ledger failed */
	CHAT_BUDGET,       /* refused by the budget or --max-cost */
	CHAT_AUTH,         /* no key, the key was rejected, or its account is out of credit */
	CHAT_CANCELLED,    /* stopped by chat_cancel */
};

/* How a turn should be sent. */
struct chat_opts {
	enum tier tier;        /* TIER_AUTO: the router decides */
	const char *tier_why;  /* why tier is set, the route's reason; NULL: the user chose it */
	const char *model;     /* a pin: catalog name or provider/model-id; NULL: none */
	const char *system;    /* NULL: the conversation's own (none in a new one); "": none */
	long max_tokens;       /* 0: config's, else the provider's default */
	int64_t max_cost;      /* pico-dollars; 0: no cap */
	bool stream;
	bool escalate;         /* re-ask one tier up on a refusal, hedge, empty or cut answer */
	bool draft;            /* a git hook's commit-message draft: billed and kept, never continued */
	bool cmd;              /* llm cmd's request: billed and kept, continued only by its id */
	bool cmd_turn;         /* the client's /cmd: its tier is by design, no routing label */
	const char *role;      /* the role the turn is asked under (kept with the conversation) */
	bool temperature_set;  /* false: the provider's default */
	int temperature_milli; /* sampling temperature x 1000 */
	/* an agent's step: its whole history sent as is (the prompt only routes), kept nowhere */
	const struct msg *msgs;
	size_t nmsgs;
	const struct tool_decl *tools; /* declared to the model */
	size_t ntools;
	int64_t task_id;       /* the agent task this request is a step of; 0: none */
	int64_t task_cap;      /* pico; > 0: the ledger keeps the task's steps within it */
	/*
	 * A fallback's worst case would pass task_cap: return the new cap the
	 * user allows (pico), or 0 for none; what names the fallback, for the
	 * question. NULL: the fallback is not tried.
	 */
	int64_t (*more_cap)(void *arg, int64_t worst, const char *what);
	void *more_arg;
	/* images sent with the prompt: only models that take them are chosen, a pin that does not is refused */
	const struct image *images;
	size_t nimages;
	const char *tier_how;  /* how the user picks another tier, for advice after a failure; NULL: "-t" */
	const char *cap_how;   /* how the user raises the task's cap; NULL: "--max-cost" */
	const char *up_how;    /* what re-asks the last turn one tier up (F4); NULL: tier_how */
	int64_t deadline;      /* clock_ms() the caller stops waiting at; no retry waits past it; 0: none */
};

/* A tool call the answer made; error: why it cannot be run (the model is told). */
struct chat_call {
	char *id, *name, *args, *signature, *error;
};

enum route_mode {
	ROUTE_AUTO,
	ROUTE_TIER,
	ROUTE_PINNED,
};

/* The decision for a turn, as shown on the route line and in --json. */
struct chat_route {
	enum route_mode mode;
	enum tier tier;
	const struct model *model;   /* NULL: none usable */
	char reason[200];            /* one line: "code block, stack trace, 1.8k tokens" */
	double score;                /* P(cheap is not enough) */
	bool budget_adjusted;        /* the budget moved it down */
	bool context_adjusted;       /* the context window moved it */
	bool vision_adjusted;        /* models that take no images were passed over */
	int64_t image_tokens;        /* of input_tokens, the images' (by the model's provider's rule) */
	int64_t reasoning_tokens;    /* of input_tokens, an agent history's reasoning sent back */
	int64_t reasoning_held;      /* the reasoning an agent's history holds, sent back or not */
	int64_t input_tokens;        /* estimated */
	int64_t worst_case;          /* pico; -1 unknown */
	int64_t estimate;            /* pico, estimated reply cost; -1 unknown */
	int64_t cached_tokens;       /* of input_tokens, expected from the model's warm cache */
	int64_t cache_part;          /* pico: what those cost at the cached price (in estimate) */
	int64_t cache_loss;          /* pico: what leaving a warm model for this one gives up; 0 none */
	long reply_cap;              /* tokens of reply the worst case counts (and the request sends) */
	bool reply_window;           /* reply_cap is what the context window leaves, below the cap asked */
	long reply_typical;          /* tokens of reply the estimate assumes */
	struct route_decision decision; /* the router's view of the prompt, whatever decided */
	bool keyless;                /* no model of the tier has a key: model is its first, to show */
	bool refused;                /* chat_preview: the budget or --max-cost would refuse it */
	char refusal[240];           /* chat_preview: why, as the request would say it */
};

/* One request made for a turn: the first, an escalation, or a fallback. */
struct chat_step {
	const struct model *model;
	enum tier tier;
	const char *why;             /* "routed", "escalated: refusal", "fallback: HTTP 503" */
	struct usage usage;
	bool estimated;              /* usage was not reported */
	int64_t cost;                /* pico; -1 unknown */
	int64_t cache_saved;         /* pico: what cache reads saved against full input */
	int64_t cache_extra;         /* pico: what cache writes cost over full input */
	enum chat_status status;     /* how this step alone ended */
	int64_t ledger_id;
};

#define CHAT_MAX_STEPS 6

/* How the answer of a turn ended. */
enum chat_finish {
	CHAT_FINISH_STOP,       /* the model ended it */
	CHAT_FINISH_LENGTH,     /* cut off by the output cap */
	CHAT_FINISH_FILTER,     /* blocked or cut by the provider's filter */
	CHAT_FINISH_ERROR,      /* the request failed */
	CHAT_FINISH_CANCELLED,  /* interrupted */
};

/* The outcome of a turn; valid until the next chat_send. */
struct chat_turn {
	char *text;                  /* the answer (the last step's) */
	size_t len;
	struct chat_route route;
	struct chat_step steps[CHAT_MAX_STEPS];
	size_t nsteps;
	int64_t cost;                /* all steps; -1 if any is unknown */
	bool estimated;
	enum chat_status status;
	char *error;                 /* one line with what to do, or NULL */
	int64_t conversation_id;
	int64_t latency_ms;
	bool cancelled;
	enum chat_finish finish;
	struct chat_call *calls;     /* the tool calls the answer made, in order */
	size_t ncalls;
	bool over_task;              /* refused: the step would pass the task's cap */
	int64_t over_worst;          /* then that step's worst case (pico), -1 unknown */
	char *reasoning;             /* the answer's reasoning text, or NULL */
};

/* What a front end hears while a turn runs; borrowed data, valid for the call. */
struct chat_cb {
	void (*text)(void *arg, const char *s, size_t n);     /* answer text as it arrives */
	void (*note)(void *arg, const char *line);            /* retries, escalation, fallback, downgrade */
	void (*done)(void *arg, const struct chat_turn *t);   /* the turn ended, any way */
	void (*warn)(void *arg, const char *line);            /* a budget threshold first passed */
	/*
	 * The text shown so far is taken back: the answer starts again on m, an
	 * escalation. Set only by a front end that can replace what it has shown;
	 * with it, a cut-off, refused or blocked answer is re-asked even after it
	 * streamed. NULL: shown text stands and is never re-asked.
	 */
	void (*retract)(void *arg, enum tier tier, const struct model *m);
	void *arg;
};

/*
 * The model a pin names: a catalog name, or provider/model-id of a configured
 * provider (added to cat). NULL with *cause listing the known models.
 */
const struct model *chat_pin(const struct config *cfg, struct catalog *cat, const char *name,
    char **cause);
/* Make a controller over a loaded config and catalog; l may be NULL (nothing recorded). */
struct chat *chat_new(const struct config *cfg, struct catalog *cat, struct ledger *l);
/*
 * What a budget refusal says to do, in a front end's words (static text):
 * with some of the month's budget left, and with all of it spent.
 */
struct chat_budget_how {
	const char *left, *spent;
};
/* Set it; NULL, the default: "raise it with llm budget set USD", and -m, --max-tokens. */
void chat_set_budget_how(struct chat *c, const struct chat_budget_how *how);
void chat_free(struct chat *c);
/*
 * Continue conversation id: its history and its system prompt are sent with
 * the next turn (a turn's own system prompt replaces it from then on). A git
 * hook's draft cannot be continued. 0 on success.
 */
int chat_resume(struct chat *c, int64_t conversation_id, char **cause);
/* Start a new conversation. */
void chat_reset(struct chat *c);
/*
 * Route prompt as chat_send would, budget and --max-cost included, without
 * sending or reserving: r->refused says the request would be refused. Returns
 * CHAT_OK, or another status with *cause (CHAT_AUTH: no key; r is still filled).
 */
enum chat_status chat_preview(struct chat *c, const struct chat_opts *o, const char *prompt, struct chat_route *r, char **cause);
/*
 * Start a turn: route, check and reserve the budget, send. Returns CHAT_OK when
 * the request is under way (the turn ends through cb->done), or another status
 * when it was refused before anything was sent (chat_last() says why).
 */
enum chat_status chat_send(struct chat *c, const struct chat_opts *o, const char *prompt, const struct chat_cb *cb);
/*
 * Wait up to timeout_ms for the network or one of extra_fds (readable), then
 * move transfers along; callbacks run from here. Returns the number of
 * extra_fds that are readable (0 otherwise).
 */
int chat_poll(struct chat *c, const int *extra_fds, size_t nfds, int timeout_ms);
bool chat_busy(const struct chat *c);
/* Stop the running turn: the partial text and its cost are kept. */
void chat_cancel(struct chat *c);
/* Stop the running turn as chat_cancel does; its error says why ("terminated"). */
void chat_cancel_why(struct chat *c, const char *why);
/*
 * Summarise the conversation's older turns now, on the cheap tier (as a turn
 * past [llm] compact_at does by itself); the turn ends through cb->done with
 * no answer. CHAT_OK when under way, or why not (chat_last() says more).
 */
enum chat_status chat_compact(struct chat *c, const struct chat_opts *o, const struct chat_cb *cb);
/* Re-ask the last turn one tier up; CHAT_USAGE when there is none to re-ask. */
enum chat_status chat_retry_up(struct chat *c, const struct chat_opts *o, const struct chat_cb *cb);
const struct chat_turn *chat_last(const struct chat *c);
/*
 * The tier the last answer came from: this session's last turn's, else a
 * resumed conversation's last answer's; TIER_AUTO: none to re-ask.
 */
enum tier chat_last_tier(const struct chat *c);
/* The conversation so far, oldest first. */
size_t chat_history(const struct chat *c, const struct msg **msgs);
int64_t chat_conversation(const struct chat *c);
/*
 * What a prompt estimated at input tokens takes of a context window: the
 * estimate with a margin, for every check against a window (input 0: 0).
 */
int64_t chat_window_tokens(int64_t input);
/*
 * The expected cost on m of a turn of input tokens and a reply of reply
 * tokens, counting what m's cache likely holds of this conversation at the
 * cached price (*cached: those tokens, *cache_part: their cost; either may be
 * NULL); -1 when a price is unknown.
 */
int64_t chat_estimate(const struct chat *c, const struct model *m, int64_t input, long reply,
    int64_t *cached, int64_t *cache_part);
/* The system prompt the conversation's next turn is sent with; NULL: none. Borrowed. */
const char *chat_system(const struct chat *c);
/* The role the conversation was asked under; NULL: none. Borrowed. */
const char *chat_role(const struct chat *c);

/* What the router sees of prompt as the conversation's next turn (prompt borrowed). */
void chat_route_input(const struct chat *c, const char *prompt, struct route_input *in);
/* How to give a key when no model of any tier has one (to be freed), else NULL. */
char *chat_keyless_hint(struct chat *c);
/* What the router has learnt from this user; NULL when learning is off. Borrowed. */
const struct learn *chat_learnt(struct chat *c);

const char *route_mode_str(enum route_mode m);
/* "ok", "provider", "usage", "budget", "auth" or "cancelled". */
const char *chat_status_str(enum chat_status s);
/*
 * Whether the answer was cut off at a reply cap the context window set (what
 * it left after the prompt): a larger --max-tokens would not have helped.
 */
bool chat_turn_window_cut(const struct chat_turn *t);
/* "stop", "length", "filter", "error" or "cancelled", as --json says. */
const char *chat_finish_str(enum chat_finish f);

#endif
