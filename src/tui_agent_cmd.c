/* tui_agent_cmd: agent mode's commands: /agent (on, off, cap, resume), /undo and /advise. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "agent_resume.h"
#include "config.h"
#include "pricing.h"
#include "tui_priv.h"
#include "util.h"

/*
 * Whether the working directory is no workspace: no git above it, and it is
 * /, $HOME or a directory above it; where says which, for "%s is no project".
 */
static bool
not_workspace(char *where, size_t n)
{
	char cwd[PATH_MAX], home[PATH_MAX], *p;
	const char *h = getenv("HOME");
	struct stat st;
	bool git = false;
	size_t len;

	if (getcwd(cwd, sizeof cwd) == NULL)
		return false;
	str_copy(where, n, "/");
	for (p = xstrdup(cwd);; ) {
		char *dot = xstrfmt("%s/.git", strcmp(p, "/") == 0 ? "" : p), *slash;

		git = stat(dot, &st) == 0;
		free(dot);
		slash = strrchr(p, '/');
		if (git || slash == NULL || strcmp(p, "/") == 0)
			break;
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(p);
	if (git)
		return false;
	if (strcmp(cwd, "/") == 0)
		return true;
	if (h == NULL || realpath(h, home) == NULL)
		return false;
	len = strlen(cwd);
	if (strcmp(home, cwd) == 0)
		str_copy(where, n, "your home");
	else if (strncmp(home, cwd, len) == 0 && home[len] == '/')
		snprintf(where, n, "%s, which holds your home,", cwd);
	else
		return false;
	return true;
}

void
tui_agent_on(struct tui *t)
{
	char cap[32];

	t->agent = true;
	t->route_dirty = true;
	if (t->agent_cap > 0)
		pricing_format_exact(t->agent_cap, cap, sizeof cap);
	tui_status(t, false, "agent mode: a message is a task with tools in this workspace%s%s",
	    t->agent_cap > 0 ? ", each capped at " : "", t->agent_cap > 0 ? cap : "");
}

void
tui_agent_enable(struct tui *t)
{
	char where[PATH_MAX + 32];

	if (t->agent)
		return;
	if (not_workspace(where, sizeof where)) {
		t->mode = MODE_AGENT_ASK;
		tui_ask_begin(t);
		tui_status(t, true, "%s is no project (no git): tools would reach all of it. "
		    "Agent mode here? y/n", where);
		return;
	}
	tui_agent_on(t);
}

/* /agent cap alone: the cap each task starts with, and how to change it. */
static void
agent_cap_show(struct tui *t)
{
	char c[32];

	if (t->agent_cap <= 0) {
		tui_status(t, false, "agent tasks: no cap (/agent cap USD sets one)");
		return;
	}
	pricing_format_exact(t->agent_cap, c, sizeof c);
	tui_status(t, false, "agent tasks are capped at %s each (/agent cap off drops it)", c);
}

/*
 * "[ID] [MORE...]" of /agent resume: the task's id, or 0 for the
 * workspace's latest, and where the user's new words start in arg. False
 * (said) when the first word is digits and no id.
 */
static bool
resume_args(struct tui *t, char *arg, int64_t *id, char **more)
{
	size_t n = strcspn(arg, " \t");
	char *cause = NULL;
	int rc = agent_resume_id(arg, n, id, &cause);

	*more = rc > 0 ? str_trim(arg + n) : arg;
	if (rc == 0)
		*id = 0;
	if (rc < 0) {
		tui_status(t, true, "/agent resume: %s", cause);
		free(cause);
	}
	return rc >= 0;
}

/* Whether the client can start a task now; if not, the status says why. */
static bool
resume_ready(struct tui *t)
{
	char where[PATH_MAX + 32], k[16];

	tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
	if (tui_agent_busy(t) || chat_busy(t->chat) || tui_job_busy(t)) {
		tui_status(t, true, "/agent resume: %s is running: wait for it, or %s to stop it",
		    tui_agent_busy(t) ? "a task" : chat_busy(t->chat) ? "a reply" : "a /run command", k);
		return false;
	}
	if (t->ledger == NULL) {
		tui_status(t, true, "/agent resume: no ledger: tasks cannot be resumed");
		return false;
	}
	/* agent mode comes on with the task, but not where turning it on asks first */
	if (!t->agent && not_workspace(where, sizeof where)) {
		tui_status(t, true, "/agent resume: %s is no project (no git): turn agent mode on "
		    "first (/agent on)", where);
		return false;
	}
	return true;
}

/* The transcript's line for task id going on: its title, and what it has spent so far. */
static void
resume_note(struct tui *t, int64_t id, int64_t spent, bool estimated)
{
	char *title = ledger_task_title(t->ledger, id), *shown, *note, c[32];

	pricing_format(spent, estimated, c, sizeof c);
	shown = title != NULL ? visible_str(title, strlen(title)) : NULL;
	note = xstrfmt("task %lld goes on%s%s%s (%s spent so far)", (long long)id,
	    shown != NULL ? ": \xe2\x80\x9c" : "", shown != NULL ? shown : "",
	    shown != NULL ? "\xe2\x80\x9d" : "", c);
	tui_view_add(&t->view, TUI_NOTE, note, strlen(note));
	free(note);
	free(shown);
	free(title);
}

/* The user's new words, after the attachments, shown as a message; the prompt (malloc'd). */
static char *
resume_more(struct tui *t, const char *more)
{
	struct buf shown;
	size_t i;

	buf_init(&shown, 0);
	for (i = 0; i < t->natt; i++)
		buf_addf(&shown, "[attached %s]\n", t->att[i].label);
	buf_adds(&shown, more);
	tui_view_add(&t->view, TUI_USER, shown.data ? shown.data : "", shown.len);
	buf_done(&shown);
	return tui_compose(t, more);
}

/*
 * /agent resume [ID] [MORE...]: go on with a task of this workspace that
 * stopped (its id, else the latest), under the rules of llm do --resume;
 * MORE, and the attachments, are the user's new words.
 */
static void
agent_resume(struct tui *t, char *arg)
{
	static const struct agent_resume_how how = { .resume = "/agent resume",
		.start = "a message in agent mode" };
	struct ledger_task task;
	struct ws *w = NULL;
	char *more, *cause = NULL, *prompt = NULL;
	int64_t id, spent = 0;
	bool est = false;
	int rc;

	if (!resume_args(t, arg, &id, &more) || !resume_ready(t))
		return;
	if (ws_open(&w, ".", NULL, &cause) != 0) {
		tui_status(t, true, "/agent resume: %s", cause);
		free(cause);
		return;
	}
	rc = agent_resume_get(t->ledger, id, ws_root(w), *more != '\0' || t->natt > 0, &how, &task,
	    &cause);
	ws_close(w);
	if (rc != 0) {
		tui_status(t, true, "/agent resume: %s", cause);
		free(cause);
		return;
	}
	/* the task's own process holds it while it runs (agent_run there): not the client */
	ledger_task_release(t->ledger, task.id);
	/*
	 * The cap bounds the whole task: its total goes on from what it had
	 * spent (unread, it starts at 0 on the screen; the ledger still counts it).
	 */
	if (ledger_task_spent(t->ledger, task.id, &spent, &est, &cause) != 0) {
		free(cause);
		spent = 0;
		est = false;
	}
	if (!t->agent)
		tui_agent_on(t);
	resume_note(t, task.id, spent, est);
	if (*more != '\0' || t->natt > 0)
		prompt = resume_more(t, more);
	tui_agent_submit(t, prompt, &task);
	if (tui_agent_busy(t)) {
		tui_attach_free(t);
		t->ag.total = spent;
		t->ag.estimated = est;
		/* a cap set with /agent cap replaces the task's, as --max-cost does */
		t->ag.cap = t->ag.cap0 = t->agent_cap > 0 ? t->agent_cap : task.cap;
	}
	free(prompt);
	ledger_task_done(&task);
	t->route_dirty = true;
}

void
tui_agent_verb(struct tui *t, char *arg)
{
	int64_t cap;
	char c[32];

	arg = str_trim(arg);
	if (str_startswith(arg, "resume") && (arg[6] == '\0' || arg[6] == ' ' || arg[6] == '\t')) {
		agent_resume(t, str_trim(arg + 6));
		return;
	}
	if (str_startswith(arg, "cap")) {
		arg = str_trim(arg + 3);
		if (*arg == '\0') {
			agent_cap_show(t);
			return;
		}
		if (strcmp(arg, "off") == 0 || strcmp(arg, "none") == 0) {
			t->agent_cap = 0;
			tui_status(t, false, "agent tasks: no cap");
			tui_agent_send_cap(t);
			return;
		}
		/* "$0.10" as the question after a cap takes it */
		if (!str_to_fixed(arg + (*arg == '$'), 12, &cap) || cap <= 0) {
			tui_status(t, true, "/agent cap: '%s' is not an amount in dollars", arg);
			return;
		}
		t->agent_cap = cap;
		pricing_format_exact(cap, c, sizeof c);
		tui_status(t, false, "agent tasks are capped at %s each", c);
		tui_agent_send_cap(t);
		return;
	}
	if (*arg != '\0' && strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0) {
		tui_status(t, true, "/agent: '%s' is not on, off, cap USD or resume [ID]", arg);
		return;
	}
	if (strcmp(arg, "off") == 0 || (*arg == '\0' && t->agent)) {
		t->agent = false;
		t->route_dirty = true;
		tui_status(t, false, "agent mode off: messages are plain turns%s",
		    tui_agent_busy(t) ? " (the running task goes on)" : "");
		return;
	}
	tui_agent_enable(t);
}

void
tui_agent_undo(struct tui *t, char *arg)
{
	char *cause = NULL, *report = NULL, *notes = NULL, *undo_dir, k[16];
	struct ws *w = NULL;
	int64_t task;
	int rc;

	(void)arg;
	if (tui_agent_busy(t)) {
		tui_key_name(tui_action_key(t, ACT_CANCEL), k, sizeof(k));
		tui_status(t, true, "/undo: a task is running: wait for it, or %s to stop it", k);
		return;
	}
	if (ws_open(&w, ".", NULL, &cause) != 0) {
		tui_status(t, true, "/undo: %s", cause);
		free(cause);
		return;
	}
	undo_dir = xstrfmt("%s/undo", t->cfg->data_dir);
	task = ws_undo_task(undo_dir, ws_root(w));
	/* a task another llm runs here (llm do in another terminal) is not undone under it */
	if (agent_undo_hold(t->ledger, task, &cause) != 0) {
		tui_status(t, true, "/undo: %s", cause);
		goto out;
	}
	rc = ws_undo(undo_dir, ws_root(w), &report, &notes, &cause);
	if (t->ledger != NULL)
		ledger_task_release(t->ledger, task);
	if (rc < 0) {
		tui_status(t, true, "/undo: %s", cause);
	} else {
		/* the directories kept after the files: the report goes on with them */
		char *all = xstrfmt("%s%s", report, notes);
		size_t n = strlen(all);

		while (n > 0 && all[n - 1] == '\n')
			all[--n] = '\0';
		tui_view_add(&t->view, rc == 0 ? TUI_NOTE : TUI_ERROR, all, n);
		free(all);
		tui_status(t, rc != 0, rc == 0 ? "/undo: task %" PRId64 "'s files are restored" :
		    "/undo: task %" PRId64 ": some files changed since it were kept", task);
	}
out:
	free(report);
	free(notes);
	free(cause);
	free(undo_dir);
	ws_close(w);
	t->dirty = true;
}

void
tui_agent_advise(struct tui *t, char *arg)
{
	enum tier tier = t->tier;
	char *pin = t->pin;
	bool agent = t->agent;

	arg = str_trim(arg);
	if (*arg == '\0' || *arg == '/') {
		tui_status(t, true, "/advise QUESTION: what to ask the advisor");
		return;
	}
	/* the advisor of agent tasks: [agent] advisor, or the frontier tier */
	t->pin = t->cfg->agent_advisor;
	t->tier = t->pin != NULL ? TIER_AUTO : TIER_FRONTIER;
	t->agent = false;
	tui_submit(t, arg);
	t->tier = tier;
	t->pin = pin;
	t->agent = agent;
	t->route_dirty = true;
}
