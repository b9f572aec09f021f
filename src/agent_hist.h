/* agent_hist: an agent task's history (the messages its steps are sent) as capped JSON, and back. */
#ifndef LLM_AGENT_HIST_H
#define LLM_AGENT_HIST_H

#include <stddef.h>

#include "provider.h"

/* What llm.db keeps of a task's history at most (bytes of JSON). */
#define AGENT_HIST_MAX (2u << 20)

/*
 * Messages msgs as JSON (malloc'd) of at most max bytes: past it, the oldest
 * tool results are cut to a line saying so (the model can run the call
 * again). NULL when even then it does not fit.
 */
char *agent_hist_dump(const struct msg *msgs, size_t n, size_t max);

/* A history read back: msgs' strings and calls are in owned, one allocation each. */
struct agent_hist {
	struct msg *msgs;
	size_t nmsgs;
	void **owned;
	size_t nowned;
};

/* Read JSON as agent_hist_dump wrote it into h (free with agent_hist_done). 0, or -1 with *cause. */
int agent_hist_load(const char *json, struct agent_hist *h, char **cause);
void agent_hist_done(struct agent_hist *h);

#endif
