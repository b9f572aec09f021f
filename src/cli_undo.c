/* cli_undo: `llm undo` restores the files the last agent task changed in this workspace. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_resume.h"
#include "cli.h"
#include "ledger.h"
#include "tools.h"
#include "util.h"
#include "visible.h"

const char cli_undo_usage[] =
    "usage: llm undo\n"
    "\n"
    "Restore the files the last agent task (llm do) changed in this workspace: the\n"
    "git top level of the current directory, or the directory itself outside git.\n"
    "A file changed again since the task is kept as it is, and said so with where\n"
    "its content before the task is; exit 1 then. Nothing to undo, or a task\n"
    "another llm still runs (it is named): exit 2.\n"
    "Directories the task made are removed when empty after that; one that is\n"
    "not (files were put there since) is kept, and said so on stderr.\n"
    "The task undone is named on stderr, with the command that shows it.\n"
    "What its commands did (a file rm removed) is not undone: said on stderr,\n"
    "with how many ran and the first three.\n";

/* Print the report with what came from file names made visible; each note on stderr. */
static void
print_report(const char *report, const char *notes)
{
	char *vis = visible_str(report, strlen(report)), *line, *save = NULL;

	fputs(vis, stdout);
	free(vis);
	vis = visible_str(notes, strlen(notes));
	for (line = strtok_r(vis, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "llm: undo: %s\n", line);
	free(vis);
}

int
cli_undo(struct app *cli, int argc, char **argv)
{
	char *cause = NULL, *report = NULL, *notes = NULL, *undo_dir, *why = NULL;
	struct ws *w = NULL;
	struct ledger *l;
	int64_t task;
	int rc;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(cli_undo_usage, stdout);
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "llm: undo: %s '%s'%s\n", argv[1][0] == '-' ? "unknown option" :
		    "unexpected", argv[1], cli_option_hint("undo", argv[1]));
		cli_usage_hint("undo", cli_undo_usage);
		return EXIT_USAGE;
	}
	if (ws_open(&w, ".", NULL, &cause) != 0) {
		fprintf(stderr, "llm: undo: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	undo_dir = xstrfmt("%s/undo", cli->cfg.data_dir);
	task = ws_undo_task(undo_dir, ws_root(w));
	/* without a ledger nothing can run the task: its files are undone all the same */
	l = task > 0 ? cli_ledger_open(cli, &why) : NULL;
	free(why);
	if (agent_undo_hold(l, task, &cause) != 0) {
		fprintf(stderr, "llm: undo: %s\n", cause);
		rc = -1;
		goto out;
	}
	rc = ws_undo(undo_dir, ws_root(w), &report, &notes, &cause);
	if (l != NULL)
		ledger_task_release(l, task);
	if (rc < 0) {
		fprintf(stderr, "llm: undo: %s\n", cause);
	} else {
		/* The last task that changed files here may not be the last task run: name it. */
		if (task > 0)
			fprintf(stderr, "llm: undo: task %" PRId64 " (llm logs --task %" PRId64 " shows it)\n",
			    task, task);
		print_report(report, notes);
	}
out:
	ledger_close(l);
	free(cause);
	free(report);
	free(notes);
	free(undo_dir);
	ws_close(w);
	return rc == 0 ? EXIT_OK : rc > 0 ? EXIT_PROVIDER : EXIT_USAGE;
}
