/* agent_resume: which stopped agent task goes on, and why one cannot, for llm do and the client. */
#ifndef LLM_AGENT_RESUME_H
#define LLM_AGENT_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct agent_opts;
struct ledger;
struct ledger_task;

/* How a front end names its commands in a refusal's advice. */
struct agent_resume_how {
	const char *resume;     /* "llm do --resume", "/agent resume": ID and MORE... follow it */
	const char *start;      /* how a new task starts: "llm do TASK" */
};

/*
 * The task id the first word of a resume's words gives (n bytes at word):
 * 1 with *id when the word is all digits, 0 when it is not (the words are
 * all more to do), -1 when its digits are no task id (*cause says so).
 */
int agent_resume_id(const char *word, size_t n, int64_t *id, char **cause);

/*
 * Read the task to go on with in workspace root into t (free with
 * ledger_task_done), held by this process (ledger_task_hold; release it
 * with ledger_task_release unless agent_run here runs it): task id, or with
 * id 0 the workspace's latest. Refused, with what to do instead in *cause
 * (said in how's words), when there is no such task, another process runs
 * it, it kept no history, it ran in another workspace, or it is done and
 * more (the user's new words) is false. 0; 1 refused; -1 the ledger failed
 * (*cause says how). Held only on 0.
 */
int agent_resume_get(struct ledger *l, int64_t id, const char *root, bool more,
    const struct agent_resume_how *how, struct ledger_task *t, char **cause);

/*
 * Hold task id, about to be undone, for this process, so that no task goes
 * on with it in the middle of the undo: 0 held (release it with
 * ledger_task_release after), or nothing to hold (no ledger, no such task,
 * the ledger failed: the files are undone all the same); 1 refused, with why
 * and what to do in *cause, while another process runs it (its edits would
 * land on the files undone, and its journal is gone from under it).
 */
int agent_undo_hold(struct ledger *l, int64_t id, char **cause);

/*
 * Make o go on with task t (borrowed for the run): its history, and the
 * model it was pinned to unless o picks a tier or a model of its own (its
 * tier and cap stay unless o gives others: see agent_opts).
 */
void agent_resume_opts(struct agent_opts *o, const struct ledger_task *t);

#endif
