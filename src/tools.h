/* tools: the agent's confined workspace and its tools. */
#ifndef LLM_TOOLS_H
#define LLM_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ws; /* a workspace: its root, its rules, the current task's undo journal */

struct ws_opts {
	const char *const *deny;         /* more secret-file globs ([agent] deny), NULL-terminated */
	const char *const *allow_secret; /* secret files allowed by name, NULL-terminated */
	const char *const *allow;        /* tools that need no approval ("edit", "write", "run") */
	const char *const *allow_run;    /* command prefixes that need no question ("make test") */
	const char *undo_dir;            /* where previous contents are kept (the data dir's undo/) */
	const char *const *writable;     /* run: more paths commands may write ([agent] writable) */
	const char *const *protect;      /* paths neither the tools nor commands write: llm's own */
	bool unix_sockets;               /* run: commands may open local sockets ([agent] unix_sockets) */
	int run_timeout_ms;              /* run: 0 = the default (120 s) */
	const volatile int *cancel;      /* set by SIGINT: a running command's group is killed */
	/* run: each piece of the command's output as it comes (raw), and (NULL, 0)
	   about every 100 ms while it runs; or NULL */
	void (*output)(void *arg, const char *p, size_t n);
	void *output_arg;
};

/* Open the workspace for dir: its git top level, or dir itself outside git. */
int ws_open(struct ws **out, const char *dir, const struct ws_opts *o, char **cause);
/* Close the workspace; accepts NULL. */
void ws_close(struct ws *w);
/* Return the workspace's root directory (absolute, resolved). */
const char *ws_root(const struct ws *w);

/* A tool as declared to the model; schema is a compact JSON Schema object. */
struct tool_def {
	const char *name, *description, *schema;
	bool approval; /* edit, write, run: asked unless allowed */
};
/* The tools in the order they are declared: read list search edit write run advise. */
const struct tool_def *tool_defs(size_t *n);

enum tool_answer { TOOL_NO, TOOL_YES, TOOL_ALWAYS, TOOL_EDITED };
/*
 * Asked before an edit, write or run; preview is the unified diff or the
 * command; why, when not NULL, says why a rule set to allow it did not (one
 * line, visible). For a command, edit is not NULL: the answer may be
 * TOOL_EDITED with *edit the command the user wrote instead (malloc'd),
 * which runs in its place; edit is NULL for an edit or a write.
 */
typedef enum tool_answer (*tool_ask_fn)(void *arg, const char *tool, const char *preview,
    const char *why, char **edit);

struct tool_result {
	char *text;    /* what the model is told: capped, made visible (malloc'd) */
	char *summary; /* one line for the user: "edit src/sum.c (+2 −1)", "run make test · exit 1" */
	char *diff;    /* edit and write: the unified diff, else NULL */
	bool error;    /* refused or failed: text says why, to the model */
	int exit_code; /* run: the command's exit status */
};

/*
 * Run tool name with its JSON arguments args in w. ask is NULL without a
 * terminal: what needs approval and is not allowed is refused. A refusal or
 * a bad argument is a result with error set, not a failure; -1 with *cause
 * only when the tool could not be run at all. "advise" is the agent's own.
 */
int tool_exec(struct ws *w, const char *name, const char *args, tool_ask_fn ask, void *arg,
    struct tool_result *r, char **cause);
/* Free what a result holds and clear it; accepts a cleared result. */
void tool_result_free(struct tool_result *r);

/*
 * Ask on the terminal before an edit, write or run (a tool_ask_fn): y yes, n
 * no, a always for this tool in this task, d shows the diff or the command
 * (the diff's first 40 lines show before the question);
 * why, when not NULL, is said under the first line. arg is NULL for
 * /dev/tty, or the path of another terminal device.
 */
enum tool_answer tools_ask_tty(void *arg, const char *tool, const char *preview, const char *why,
    char **edit);
/*
 * Let the user edit command on the terminal (in its own mode): what to run
 * instead (malloc'd), or NULL to leave it as it is.
 */
typedef char *(*tool_edit_fn)(const char *command);
/*
 * Ask as tools_ask_tty does on dev (NULL: /dev/tty); root, when not NULL,
 * is said under a run's command: it runs there, not in the user's directory.
 * With editor and edit given, e edits a command: TOOL_EDITED with *edit.
 * A key that answers nothing asks again, with the keys that do.
 */
enum tool_answer tools_ask_tty_at(const char *dev, const char *root, const char *tool,
    const char *preview, const char *why, char **edit, tool_edit_fn editor);

/*
 * Start the undo journal of task id: every later edit keeps the previous
 * content. The workspace's journals past the 20 most recent, or older than
 * 30 days, go, but never the one ws_undo would undo.
 */
int ws_task_begin(struct ws *w, int64_t task_id, char **cause);
/*
 * Go on with the undo journal of task id, which stopped: the files it
 * changed stay to undo with those it changes now. None: as ws_task_begin.
 */
int ws_task_resume(struct ws *w, int64_t task_id, char **cause);
/* Remove the journal ws_task_begin started when the task changed nothing. */
void ws_task_drop(struct ws *w);
/*
 * Restore the files the last task changed in root (journals under undo_dir,
 * the data directory's undo/), refusing any changed since, and remove the
 * directories it made that are empty then: 0 when all files were restored,
 * 1 when some were kept, -1 with *cause when there is nothing to undo. When
 * not -1, *report says file by file what was done and *notes, a line each,
 * which directories the task made were kept, then that what the commands
 * it ran did is not undone, naming the first few (both malloc'd).
 */
int ws_undo(const char *undo_dir, const char *root, char **report, char **notes,
    char **cause);
/* The task ws_undo would undo in root: its id, 0 when there is none. */
int64_t ws_undo_task(const char *undo_dir, const char *root);

#endif
