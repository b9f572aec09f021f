/* agent_resume: which stopped agent task goes on, and why one cannot, for llm do and the client. */
#include "agent_resume.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "fmt.h"
#include "ledger.h"
#include "util.h"
#include "visible.h"

/* Why task t, read for id in root, cannot go on (malloc'd), or NULL when it can. */
static char *
refusal(const struct ledger_task *t, const char *root, bool more,
    const struct agent_resume_how *how)
{
	long long id = (long long)t->id;
	char *was, *here, *why;

	if (t->root == NULL || t->history == NULL)
		return xstrfmt("task %lld kept no history to go on with (it ran before llm kept "
		    "one, or it grew past what llm.db keeps): start a new task with %s", id,
		    how->start);
	if (strcmp(t->root, root) != 0) {
		was = visible_str(t->root, strlen(t->root));
		here = visible_str(root, strlen(root));
		why = xstrfmt("task %lld was in %s, not in %s: run %s %lld there", id, was, here,
		    how->resume, id);
		free(was);
		free(here);
		return why;
	}
	if (t->done && !more)
		return xstrfmt("task %lld is done (it ended with an answer): say what more to do "
		    "(%s %lld MORE...), or start a new task with %s", id, how->resume, id,
		    how->start);
	return NULL;
}

int
agent_resume_id(const char *word, size_t n, int64_t *id, char **cause)
{
	char digits[24];

	if (n == 0 || strspn(word, "0123456789") < n)
		return 0;
	snprintf(digits, sizeof digits, "%.*s", (int)(n < 20 ? n : 20), word);
	if (n < 20 && str_to_i64(digits, id) && *id > 0)
		return 1;
	/* a run of digits too long for an id is cut where it is said */
	*cause = xstrfmt("'%s%s' is no task id", digits, n > 20 ? fmt_glyphs()->ellipsis : "");
	return -1;
}

/*
 * Why there is nothing to resume under id (malloc'd), and where the ids are:
 * llm usage --by task lists them (llm logs shows conversations, not tasks).
 */
static char *
no_task(int64_t id)
{
	return xstrfmt("there is no task %lld (see llm usage --by task)", (long long)id);
}

/*
 * Hold task t (just read) for this process, and read it again: a run that
 * ended meanwhile has left more history. 0; 1 refused (another process runs
 * it, or it is gone), with why; -1 the ledger failed. Held only on 0.
 */
static int
hold(struct ledger *l, struct ledger_task *t, const struct agent_resume_how *how, char **cause)
{
	int64_t id = t->id, holder = 0;
	int rc = ledger_task_hold(l, id, &holder, cause);

	if (rc == LEDGER_HELD) {
		ledger_task_done(t);
		if ((rc = ledger_task_get(l, id, NULL, t, cause)) == 0)
			return 0;
		ledger_task_release(l, id);
		if (rc < 0)
			return -1;
		rc = LEDGER_NO_TASK;
	}
	if (rc < 0)
		return -1;
	if (rc == LEDGER_HELD_ELSEWHERE)
		*cause = xstrfmt("task %lld is being run by process %lld: wait for it to end, then "
		    "resume it, or start a new task with %s", (long long)id, (long long)holder,
		    how->start);
	else
		*cause = no_task(id);
	return 1;
}

int
agent_resume_get(struct ledger *l, int64_t id, const char *root, bool more,
    const struct agent_resume_how *how, struct ledger_task *t, char **cause)
{
	int rc = ledger_task_get(l, id, root, t, cause);
	char *shown;

	if (rc < 0)
		return -1;
	/* one another process runs is said so first: its state is that run's, half made */
	if (rc == 0 && (rc = hold(l, t, how, cause)) != 0) {
		ledger_task_done(t);
		return rc;
	}
	if (rc > 0 && id > 0) {
		*cause = no_task(id);
		return 1;
	}
	if (rc > 0) {
		shown = visible_str(root, strlen(root));
		*cause = xstrfmt("no task to resume in %s: start one with %s", shown, how->start);
		free(shown);
		return 1;
	}
	if ((*cause = refusal(t, root, more, how)) == NULL)
		return 0;
	ledger_task_release(l, t->id);
	ledger_task_done(t);
	return 1;
}

int
agent_undo_hold(struct ledger *l, int64_t id, char **cause)
{
	char *why = NULL;
	int64_t holder = 0;

	if (l == NULL || id <= 0 || ledger_task_hold(l, id, &holder, &why) != LEDGER_HELD_ELSEWHERE) {
		free(why);
		return 0;
	}
	*cause = xstrfmt("task %lld is being run by process %lld: wait for it to end, or stop it, "
	    "then undo it", (long long)id, (long long)holder);
	return 1;
}

void
agent_resume_opts(struct agent_opts *o, const struct ledger_task *t)
{
	o->resume = t;
	/* a model pinned stays, as the tier does, unless the user says otherwise */
	if (o->model == NULL && o->tier == TIER_AUTO)
		o->model = t->model;
}
