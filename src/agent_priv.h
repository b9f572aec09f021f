/* agent_priv: what the agent's files share: the running task and the helpers they call across. */
/*
 * Where things are:
 *   agent.c        the task: started or resumed, its steps sent under the cap, kept, reported
 *   agent_call.c   a step's tool calls run, a repeated one refused, advise answered
 *   agent_keys.c   the keys a task's models need, checked before it starts
 */
#ifndef LLM_AGENT_PRIV_H
#define LLM_AGENT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent.h"
#include "buf.h"
#include "chat.h"

struct ledger;
struct ws;

/* A call the task made: how often since the last change, and what it returned. */
struct agent_seen {
	char *key;              /* the tool's name, a newline, its arguments in canonical JSON */
	int count;              /* made with nothing changed in between */
	int made;               /* made in the task */
	long changes;           /* agent.changes after it was last made */
	char *result;           /* what the model was told the last time it ran */
};

/* The running task. */
struct agent {
	const struct config *cfg;
	struct catalog *cat;
	struct ledger *ledger;
	struct ws *ws;
	const struct agent_opts *o;
	const char *task;       /* what was asked first: the advisor is told it */
	struct agent_result *r;
	struct chat *chat, *advisor;
	struct tool_decl *tools;
	size_t ntools;
	struct msg *msgs;       /* the history; strings and calls in owned */
	size_t nmsgs;
	void **owned;
	size_t nowned;
	enum tier worker;       /* TIER_AUTO until the first step is routed */
	int64_t cap;            /* pico; 0: none */
	int64_t cap_set;        /* o->max_cost as last taken: the caller may set another */
	int advice;             /* advise calls answered */
	struct agent_step *pending;  /* advice steps to report after the step that asked */
	size_t npending;
	struct agent_seen *seen;     /* the calls made, to tell a loop */
	size_t nseen;
	long changes;                /* edits and writes that succeeded */
	char *looped;                /* why a repeated call stops the task, or NULL */
	bool hist_over;              /* its history grew past what the ledger keeps: said */
};

/* agent.c: the task. */
/* Add a message to the task's history; its text is copied, "" for NULL. */
struct msg *agent_msg_add(struct agent *a, const char *role, const char *text);
/* Pass a line on to the front end's on_note; arg is the agent. */
void agent_note(void *arg, const char *line);
/* Fill s from the requests a turn made: their usage, cost and rows. */
void agent_step_from_turn(struct agent_step *s, const struct chat_turn *t);
/* Send a request under the task's cap, asking for more when it refuses; the turn's status. */
int agent_send_capped(struct agent *a, struct chat *c, struct chat_opts *co, const char *prompt);
/* Return the worker's first tier: o's, else the one a resumed task stuck to, else TIER_AUTO. */
enum tier agent_start_tier(const struct agent_opts *o);

/* agent_call.c: a step's calls. */
/* Run one call of the answer into the history and step s; false when it stops the task. */
bool agent_run_call(struct agent *a, const struct tool_call *tc, const char *bad,
    struct agent_step *s, struct buf *summary);

#endif
