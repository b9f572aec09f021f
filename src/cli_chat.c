/* cli_chat: "llm chat" and "llm" on a terminal: options for the full-screen client. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tui.h"
#include "util.h"

static const char chat_usage[] =
    "usage: llm chat [-t TIER] [-m MODEL] [-s SYSTEM] [-f FILE]... [-c | --cid ID] [--theme NAME]\n"
    "       llm chat --headless SCRIPT [--size WxH] [--out FILE]\n";

/* Parse "100x30". */
static bool
parse_size(const char *s, int *w, int *h)
{
	char *x = strchr(s, 'x');
	int64_t a, b;
	char num[16];

	if (x == NULL || (size_t)(x - s) >= sizeof(num))
		return false;
	memcpy(num, s, (size_t)(x - s));
	num[x - s] = '\0';
	if (!str_to_i64(num, &a) || !str_to_i64(x + 1, &b) || a < 20 || b < 10 || a > 1000 ||
	    b > 1000)
		return false;
	*w = (int)a;
	*h = (int)b;
	return true;
}

/* Run the full-screen client; argv as given after "chat" (or the whole command line). */
int
cli_chat(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tier", required_argument, NULL, 't' },
		{ "model", required_argument, NULL, 'm' },
		{ "system", required_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'f' },
		{ "continue", no_argument, NULL, 'c' },
		{ "cid", required_argument, NULL, 'C' },
		{ "theme", required_argument, NULL, 'T' },
		{ "headless", required_argument, NULL, 'H' },
		{ "size", required_argument, NULL, 'S' },
		{ "out", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-color", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct tui_opts o;
	const char *env;
	/* "llm chat" is strict; "llm" with no prompt passes over the one-shot options */
	bool strict = argc > 0 && strcmp(argv[0], "chat") == 0;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.tier = cli->cfg.tier;
	o.width = 100;
	o.height = 30;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+t:m:s:f:cqvh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!tier_parse(optarg, &o.tier)) {
				fprintf(stderr, "llm: chat: --tier: '%s' is not auto, cheap, mid or frontier\n",
				    optarg);
				free(o.files);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			o.model = optarg;
			break;
		case 's':
			o.system = optarg;
			break;
		case 'f':
			o.files = xreallocarray(o.files, o.nfiles + 1, sizeof(*o.files));
			o.files[o.nfiles++] = optarg;
			break;
		case 'c':
			o.resume_latest = true;
			break;
		case 'C':
			if (!str_to_i64(optarg, &o.resume) || o.resume <= 0) {
				fprintf(stderr, "llm: chat: --cid: '%s' is not a conversation id\n", optarg);
				free(o.files);
				return EXIT_USAGE;
			}
			break;
		case 'T':
			o.theme = optarg;
			break;
		case 'H':
			o.script = optarg;
			break;
		case 'S':
			if (!parse_size(optarg, &o.width, &o.height)) {
				fprintf(stderr, "llm: chat: --size: '%s' is not WxH (at least 20x10)\n", optarg);
				free(o.files);
				return EXIT_USAGE;
			}
			break;
		case 'O':
			o.out = optarg;
			break;
		case 'N':
			setenv("NO_COLOR", "1", 1);
			break;
		case 'h':
			fputs(chat_usage, stdout);
			free(o.files);
			return EXIT_OK;
		default:
			if (strict) {
				fprintf(stderr, "llm: chat: unknown option '%s'\n%s", argv[optind - 1],
				    chat_usage);
				free(o.files);
				return EXIT_USAGE;
			}
			break;
		}
	}
	if (strict && optind < argc) {
		fprintf(stderr, "llm: chat: takes no prompt ('%s'); type it in the client\n%s",
		    argv[optind], chat_usage);
		free(o.files);
		return EXIT_USAGE;
	}
	if (o.script == NULL && (env = getenv("LLM_TUI_SCRIPT")) != NULL && *env)
		o.script = env;
	if (o.script == NULL && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "llm: chat: needs a terminal on stdin and stdout (or --headless SCRIPT)\n");
		free(o.files);
		return EXIT_USAGE;
	}
	rc = tui_run(cli, &o);
	free(o.files);
	return rc;
}
