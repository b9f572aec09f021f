/* cli_learn: what the router learnt from its user: llm route --explain and --forget, llm usage --router. */
#ifndef LLM_CLI_LEARN_H
#define LLM_CLI_LEARN_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;
struct app;
struct learn;

/*
 * Forget every label (llm route --forget), saying how many: on stdout, as a
 * JSON object when json and alone; on stderr when json and something else
 * prints JSON on stdout. An exit code.
 */
int cli_learn_forget(struct app *cli, bool json, bool alone);
/*
 * Show what was learnt (lm NULL: learning is off): as text on stdout, or as
 * member "learnt" of o when o is not NULL.
 */
void cli_learn_explain(const struct app *cli, const struct learn *lm, struct cJSON *o);
/* Read what was learnt from the ledger and show it alone (llm route --explain); an exit code. */
int cli_learn_explain_alone(struct app *cli, bool json);
/* Per tier, how often the router was overruled in [start, end) and what that cost; an exit code. */
int cli_learn_usage(struct app *cli, int64_t start, int64_t end, const char *name,
    const char *month, bool json);

#endif
