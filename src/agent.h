/* agent: one coding task as a loop of routed, reserved and recorded model steps and tool calls. */
#ifndef LLM_AGENT_H
#define LLM_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "chat.h"
#include "config.h"
#include "provider.h"
#include "router.h"
#include "tools.h"

struct ledger;
struct ledger_task;
struct ws;

/* The system prompt every worker step is sent with. */
extern const char agent_system[];

/* One step: a model request (the worker's, or the advisor's) and the tools its answer ran. */
struct agent_step {
	int n;                  /* 1, 2, ... */
	bool advice;            /* the advisor's answer to an advise call */
	enum tier tier;
	const struct model *model;
	char *summary;          /* "edit src/sum.c (+2 −1); run make test · exit 0", "answer" */
	char *text;             /* what the model said with its calls, or NULL */
	enum chat_finish finish; /* how the model's reply ended: a cut one is CHAT_FINISH_LENGTH */
	char **tools;           /* the tools its answer called, in order */
	size_t ntools;
	struct usage usage;     /* every request of the step (a fallback makes two) */
	int64_t cost;           /* pico; -1 unknown */
	int64_t cache_saved;    /* pico: what cache reads saved against full input */
	int64_t cache_extra;    /* pico: what cache writes cost over full input */
	bool estimated;
	int64_t ledger_ids[4];  /* its ledger rows */
	size_t nrows;
};

/* What a task did. */
struct agent_result {
	char *answer;           /* the final answer, or NULL */
	struct agent_step *steps;
	size_t nsteps;
	int64_t cost;           /* pico, all steps; -1 if any is unknown */
	bool estimated;
	int64_t task_id;        /* 0: none kept (it stopped before its first request) */
	enum chat_status status; /* CHAT_BUDGET: the budget, the task's cap or max_steps stopped it */
	bool over_cap;          /* it was the task's cap: a higher one goes on with it */
	char *error;            /* one line, or NULL */
	int64_t cap;            /* the task's cap at the end, pico (0: none) */
};

/* How to run a task; everything borrowed for the run. */
struct agent_opts {
	const char *task;       /* the instruction, with any material; with resume, NULL or more */
	/*
	 * A task that stopped, to go on with (NULL: a new task): its id, its
	 * history (task, if not NULL, joins it as the user's), its worker's tier
	 * unless tier says another, and its cap unless max_cost is not 0 (the
	 * caller keeps its pinned model in model).
	 */
	const struct ledger_task *resume;
	enum tier tier;         /* TIER_AUTO: the first step is routed like a question */
	const char *model;      /* a pin, or NULL */
	/*
	 * (the caller may change tier, model and max_cost from on_step: they apply
	 * from the next step; a max_cost set so replaces the cap, raised or not)
	 */
	long max_tokens;        /* per step; 0: config's */
	int64_t max_cost;       /* pico; 0: no cap */
	bool no_advisor;        /* no advise tool: no advisor has a key (see agent_keys) */
	const char *tier_how;   /* how the user picks another tier, for advice after a failure */
	const char *cap_how;    /* how the user raises the task's cap ("/agent cap"); NULL: --max-cost */
	tool_ask_fn ask;        /* NULL: no terminal, what needs approval is refused */
	void *ask_arg;
	const volatile int *cancel;  /* the signal that stops the task (SIGINT...), else 0 */
	/*
	 * The worst case of what comes next would pass the cap: return how much
	 * more to allow (pico), 0 to stop. what names it for the question ("the
	 * next step", "the advisor's step", "the fallback to MODEL" within a
	 * step); need is the least that lets it go, -1 when that is not known.
	 * NULL: stop.
	 */
	int64_t (*more)(void *arg, const char *what, int64_t spent, int64_t cap, int64_t need);
	void (*on_task)(void *arg, int64_t task_id);             /* its row is made; NULL: none */
	void (*on_step)(void *arg, const struct agent_step *s);  /* a step is done */
	/*
	 * A worker step's request is answered and priced, before the calls it
	 * made run (s->summary is NULL; on_step follows with the same n). NULL:
	 * only on_step.
	 */
	void (*on_priced)(void *arg, const struct agent_step *s);
	void (*on_note)(void *arg, const char *line);            /* retries, fallbacks */
	/* a budget threshold this month first passed by a step: said once; NULL: on_note */
	void (*on_warn)(void *arg, const char *line);
	/*
	 * A piece of what the model says in a worker step, as it streams (the
	 * advisor's answer is its call's result, not streamed). NULL: none.
	 */
	void (*on_text)(void *arg, const char *s, size_t n);
	/*
	 * A call has run: its name and arguments, its result (cleared for advise
	 * and calls not run), and what the model is told (text).
	 */
	void (*on_call)(void *arg, const char *name, const char *args,
	    const struct tool_result *res, const char *text, bool error);
	void *arg;
};

/*
 * Route task o's first step as agent_run would send it on chat c (one with
 * no history, as the task's is): the system prompt, the tool definitions and
 * the task; chat_preview's route and estimate, nothing sent or reserved.
 */
enum chat_status agent_preview(struct chat *c, const struct agent_opts *o, struct chat_route *r,
    char **cause);

/*
 * Before task o's first step, get each key it needs as its requests would
 * (key_command run): the worker's first model's (o->model, or routed as the
 * first step is), then the advisor's when [agent] names one. A missing one
 * is CHAT_AUTH (an advisor that names no model CHAT_USAGE) with *cause.
 * Keys the task may well never need only give *warn (lines, malloc'd, or
 * NULL): the tier's fallback after a failed request, and the default
 * advisor, without which the task goes on with no advise tool (sets
 * o->no_advisor). A routing failure other than a key is left to the first
 * step: CHAT_OK.
 */
int agent_keys(const struct config *cfg, struct catalog *cat, struct agent_opts *o, char **warn,
    char **cause);

/*
 * Run task o in workspace w: each step is routed (the first like a question,
 * then the worker's tier sticks unless pinned), reserved in the ledger under
 * the task's id and cap, sent with the tools, and its calls run; after each
 * step, the task's history is kept with it in the ledger (o->resume goes on
 * from there). The task is held by this process while it runs
 * (ledger_task_hold): one another process runs is not gone on with
 * (CHAT_USAGE). Fills r (free it with agent_result_done); returns r->status
 * (a chat_status).
 */
int agent_run(const struct config *cfg, struct catalog *cat, struct ledger *l, struct ws *w,
    const struct agent_opts *o, struct agent_result *r);
void agent_result_done(struct agent_result *r);

#endif
