/* cli_chat: "llm chat" and "llm" on a terminal: options for the full-screen client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opts.h"
#include "tui.h"
#include "util.h"

const char cli_chat_usage[] =
    "usage: llm chat [-t TIER] [-m MODEL] [-s SYSTEM] [-r ROLE] [-f FILE]...\n"
    "                [-c | --cid ID] [--theme NAME] [--agent]\n"
    "       llm chat --headless SCRIPT [--size WxH] [--out FILE]\n";

static const char chat_help[] =
    "\n"
    "The full-screen client: a transcript, a route line that follows what is typed,\n"
    "the month's meter and an input line; llm alone on a terminal starts it too.\n"
    "F1 in it lists every key and command.\n"
    "  -t, --tier TIER       auto, cheap, mid or frontier (default: the config's)\n"
    CLI_OPTS_HELP_REQUEST
    "  -c, --continue        continue the latest conversation\n"
    "      --cid ID          continue conversation ID\n"
    "      --theme NAME      a colour theme for this run\n"
    "      --agent           start in agent mode: a message is a coding task\n"
    "                        (/agent resume goes on with a task that stopped)\n"
    "      --headless SCRIPT run on a virtual screen, keys read from SCRIPT\n"
    "      --size WxH        the virtual screen's size (default 100x30)\n"
    "      --out FILE        where what would go to the terminal is written\n"
    "      --no-color        no colour (NO_COLOR is honoured too)\n"
    "  -h, --help            print this help\n";

/* Start the full-screen client with options already parsed (llm chat, or llm alone). */
int
cli_chat_start(struct app *cli, const struct cli_opts *p)
{
	struct tui_opts o;
	const char *env;

	memset(&o, 0, sizeof(o));
	o.tier = p->o.tier;
	o.model = p->o.model;
	o.system = p->o.system;
	o.role = p->role_name;
	o.theme = p->theme;
	o.resume = p->cid;
	o.resume_latest = p->cont;
	o.files = p->files;
	o.nfiles = p->nfiles;
	o.script = p->script;
	o.out = p->out;
	o.width = p->width;
	o.height = p->height;
	o.agent = p->agent;
	if (o.script == NULL && (env = getenv("LLM_TUI_SCRIPT")) != NULL && *env)
		o.script = env;
	if (o.script == NULL && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "llm: chat: needs a terminal on stdin and stdout (or --headless SCRIPT)\n");
		return EXIT_USAGE;
	}
	if (o.script == NULL)
		cli_out_release();
	return cli_exit_code(tui_run(cli, &o));
}

/* Run the full-screen client: argv as given after "chat". */
int
cli_chat(struct app *cli, int argc, char **argv)
{
	struct cli_opts p;
	int rc;

	if ((rc = cli_opts_parse(&p, CLI_FACE_CHAT, &cli->cfg, argc, argv)) >= 0)
		goto out;
	if (p.help) {
		fputs(cli_chat_usage, stdout);
		fputs(chat_help, stdout);
		rc = EXIT_OK;
	} else if (p.nwords > 0) {
		fprintf(stderr, "llm: chat: takes no prompt ('%s'); type it in the client\n",
		    p.words[0]);
		cli_usage_hint("chat", cli_chat_usage);
		rc = EXIT_USAGE;
	} else {
		rc = cli_chat_start(cli, &p);
	}
out:
	cli_opts_done(&p);
	return rc;
}
