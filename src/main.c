/* main: find the subcommand, load the config and catalog, and run it. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "cli.h"
#include "cli_opts.h"
#include "config.h"
#include "cred.h"
#include "log.h"
#include "proc.h"
#include "util.h"

enum needs {
	NEEDS_NOTHING,    /* runs before any config is read */
	NEEDS_CONFIG,     /* a config that may be broken (config check reports it) */
	NEEDS_CATALOG,    /* a valid config and the catalog */
};

static int cli_help(struct app *cli, int argc, char **argv);
static int cli_version(struct app *cli, int argc, char **argv);
struct command;
static int option_arity(const struct command *cmd, const char *s, size_t n);

static const char help_usage[] =
    "usage: llm help [COMMAND]\n"
    "\n"
    "Print llm's options and commands (as llm --help), or COMMAND's help\n"
    "(as llm COMMAND --help).\n";

static const char version_usage[] =
    "usage: llm version\n"
    "\n"
    "Print llm's version (as llm --version).\n";

static const struct command {
	const char *name;
	cli_cmd_fn fn;
	enum needs needs;
	const char *summary;
	const char *usage;  /* its synopsis (up to a blank line), for a usage error main finds */
	bool free_words;  /* its arguments are text (a prompt, a task): it reads --help itself */
	bool own_color;   /* it reads --no-color among its own options (or completes a line) */
	bool file_words;  /* a word may name a file (models import FILE, git commit-msg FILE) */
	bool amount_words; /* a word may be an amount, which a '-' may start (budget set -- -5) */
} commands[] = {
	{ .name = "chat", .fn = cli_chat, .needs = NEEDS_CATALOG,
	  .summary = "the full-screen client",
	  .usage = cli_chat_usage, .own_color = true },
	{ .name = "route", .fn = cli_route, .needs = NEEDS_CATALOG,
	  .summary = "the routing decision and the cost on every tier, no request",
	  .usage = cli_route_usage, .free_words = true, .own_color = true },
	{ .name = "models", .fn = cli_models, .needs = NEEDS_CATALOG,
	  .summary = "the catalog; import FILE|URL, add PROVIDER ID, --remote PROVIDER",
	  .usage = cli_models_usage, .file_words = true },
	{ .name = "budget", .fn = cli_budget, .needs = NEEDS_CATALOG,
	  .summary = "this month's meter; budget set USD",
	  .usage = cli_budget_usage, .amount_words = true },
	{ .name = "usage", .fn = cli_usage, .needs = NEEDS_CATALOG,
	  .summary = "spend report, and what the frontier tier would have cost",
	  .usage = cli_usage_usage },
	{ .name = "logs", .fn = cli_logs, .needs = NEEDS_CATALOG,
	  .summary = "recent conversations and messages; show, export, rm ID",
	  .usage = cli_logs_usage },
	{ .name = "cmd", .fn = cli_cmd, .needs = NEEDS_CATALOG,
	  .summary = "propose one shell command: run, edit, explain or cancel",
	  .usage = cli_cmd_usage, .free_words = true },
	{ .name = "roles", .fn = cli_roles, .needs = NEEDS_CATALOG,
	  .summary = "the named system prompts -r NAME takes",
	  .usage = cli_roles_usage },
	{ .name = "keys", .fn = cli_keys, .needs = NEEDS_CATALOG,
	  .summary = "keys in the OS keyring: set, list, rm, check",
	  .usage = cli_keys_usage },
	{ .name = "git", .fn = cli_git, .needs = NEEDS_CATALOG,
	  .summary = "install-hook, uninstall-hook, commit-msg",
	  .usage = cli_git_usage, .file_words = true },
	{ .name = "ledger", .fn = cli_ledger, .needs = NEEDS_CATALOG,
	  .summary = "init: create or upgrade the ledger's schema; send: the rows kept here",
	  .usage = cli_ledger_usage },
	{ .name = "config", .fn = cli_config, .needs = NEEDS_CONFIG,
	  .summary = "path, show, check",
	  .usage = cli_config_usage },
	{ .name = "do", .fn = cli_do, .needs = NEEDS_CATALOG,
	  .summary = "do a coding task in this repository with tools",
	  .usage = cli_do_usage, .free_words = true },
	{ .name = "undo", .fn = cli_undo, .needs = NEEDS_CONFIG,
	  .summary = "restore the files the last agent task changed",
	  .usage = cli_undo_usage },
	{ .name = "help", .fn = cli_help, .needs = NEEDS_NOTHING, .summary = NULL,
	  .usage = help_usage },
	{ .name = "version", .fn = cli_version, .needs = NEEDS_NOTHING, .summary = NULL,
	  .usage = version_usage },
	{ .name = "__complete", .fn = cli_complete, .needs = NEEDS_CATALOG, .summary = NULL,
	  .free_words = true, .own_color = true },
};

static const char usage_text[] = CLI_OPTS_SYNOPSIS
    "\n"
    "Ask a model; each request goes to the cheapest tier that can handle it.\n"
    "With a PROMPT, or with input on a pipe, the answer goes to stdout and\n"
    "everything else to stderr. Piped input is the material, PROMPT the instruction.\n"
    "With neither, on a terminal, the full-screen client starts.\n"
    "Options may come before or after the prompt; everything after -- is prompt,\n"
    "so a prompt that starts with '-' goes there: llm -t mid -- \"-v or -vv?\"\n"
    "A value follows its option or an '=': -t cheap, -t=cheap, --tier=cheap.\n"
    "A long option may be cut short where no other starts so, on every command's\n"
    "line: --max-t 500, llm usage --mon 2026-11.\n"
    "Input is text, up to 16 MiB for PROMPT, stdin and files together.\n"
    "\n"
    "Options:\n"
    "  -t, --tier TIER       auto (default), cheap, mid or frontier\n"
    CLI_OPTS_HELP_REQUEST
    "  -c, --continue        continue the latest conversation\n"
    "      --cid ID          continue conversation ID\n"
    "      --no-stream       print the answer when it is complete\n"
    "      --json            one JSON object: the answer, route, usage and cost\n"
    "      --dry-run         route and estimate only, send nothing (as llm route)\n"
    "      --max-tokens N    cap the reply at N tokens\n"
    "      --max-cost USD    refuse when the worst case is above USD\n"
    "  -o, --output FILE     write the answer to FILE (atomically), not stdout\n"
    "      --force           let -o replace an existing file\n"
    "  -q, --quiet           no summary line\n"
    "  -v, --verbose         explain the route on stderr; twice: the debug log too\n"
    "      --no-color        no colour, for every command (NO_COLOR is honoured too)\n"
    "  -V, --version         print the version\n"
    "  -h, --help            print this help\n"
    "\n"
    "Commands:\n";

/* llm --help; llm help --help (main gives it argv "help --help"): its own usage. */
static int
cli_help(struct app *cli, int argc, char **argv)
{
	size_t i;

	(void)cli;
	(void)argv;
	if (argc > 1) {
		fputs(help_usage, stdout);
		return EXIT_OK;
	}
	fputs(usage_text, stdout);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].summary != NULL)
			printf("  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nExit codes: 0 ok, 1 provider or network failure, 2 usage or config error,\n"
	    "3 refused by the budget or --max-cost, 4 no or rejected credentials, or the\n"
	    "provider's account out of credit, 129 hung up (SIGHUP), 130 interrupted\n"
	    "(SIGINT), 141 stdout closed early (SIGPIPE), 143 terminated (SIGTERM).\n"
	    "Files: $LLM_CONFIG_DIR/config.ini (~/.config/llm), $LLM_DATA_DIR/llm.db\n"
	    "(~/.local/share/llm). See llm(1) and llm-config(5).\n", stdout);
	return EXIT_OK;
}

/*
 * Print the version when argv[1..] holds nothing else but --help; for "llm
 * --version" (context "--version"), llm's own options too, with their values
 * ("llm -q --version"). Else say what does not belong, as context.
 */
static int
version_only(const char *context, int argc, char **argv)
{
	bool line = context[0] == '-', prompt = false;
	int i, arity;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!prompt && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0 || (line &&
		    (strcmp(s, "--version") == 0 || strcmp(s, "-V") == 0))))
			continue;
		if (line && !prompt && strcmp(s, "--") == 0) {
			prompt = true;  /* what follows is prompt: it is said to be unexpected */
			continue;
		}
		/* llm's own options, and flags together with -V or -h ("-qV") */
		if (line && !prompt && ((arity = cli_opts_arity(s)) >= 0 ||
		    (arity = option_arity(NULL, s, strlen(s))) == 0)) {
			i += arity;
			continue;
		}
		fprintf(stderr, "llm: %s: %s '%s'%s\n", context, !prompt && s[0] == '-' &&
		    s[1] != '\0' ? "unknown option" : "unexpected", s,
		    prompt ? "" : cli_option_hint(line ? NULL : "version", s));
		if (!line)
			cli_usage_hint("version", version_usage);
		return EXIT_USAGE;
	}
	fputs("llm " LLM_VERSION "\n", stdout);
	return EXIT_OK;
}

static int
cli_version(struct app *cli, int argc, char **argv)
{
	(void)cli;
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(version_usage, stdout);
		return EXIT_OK;
	}
	return version_only("version", argc, argv);
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* The synopsis a usage error on cmd's line (NULL: llm's own) repeats. */
static const char *
command_usage(const struct command *cmd)
{
	if (cmd == NULL)
		return CLI_OPTS_SYNOPSIS;
	assert(cmd->usage != NULL);
	return cmd->usage;
}

/*
 * The command a lone word misspells ("llm bugdet"), or NULL. Only names of
 * five letters or more: shorter ones are a letter away from everyday words
 * ("chat" from "what"), and a one-word prompt may be one of them.
 */
static const struct command *
misspelt_command(const char *word)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++)
		if (word[i] < 'a' || word[i] > 'z')
			return NULL;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].summary != NULL && strlen(commands[i].name) >= 5 &&
		    str_one_edit(word, commands[i].name))
			return &commands[i];
	return NULL;
}

/*
 * The command a line misspells when its next word is one of that command's
 * own ("llm key set openai", "llm budgte set 50"), or NULL. Any length of
 * name: the word after it says what was meant, and such a line sent as a
 * prompt would carry what was piped in (a key for llm keys set) to a model.
 */
static const struct command *
misspelt_command_line(const char *word, const char *next)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++)
		if (word[i] < 'a' || word[i] > 'z')
			return NULL;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].summary != NULL && str_one_edit(word, commands[i].name) &&
		    cli_command_word(commands[i].name, next))
			return &commands[i];
	return NULL;
}

/* Whether cmd's line goes on with a word that is not one of its own ("llm usage of malloc"). */
static bool
foreign_word(const struct command *cmd, int argc, char **argv)
{
	/* help and version too: "llm help me write a regex" is a question */
	return !cmd->free_words && cmd->name[0] != '_' && argc >= 3 && argv[2][0] != '-' &&
	    !cli_command_word(cmd->name, argv[2]);
}

/*
 * Before cmd runs: the word of its own that its line misspells ("llm keys
 * lst"), said under the command's error and above its usage if it refuses
 * the line. Only the command's own word is repeated: after llm keys the rest
 * may hold a key.
 */
static void
near_first(const struct command *cmd, int argc, char **argv)
{
	const char *near;
	char *line;

	if (!foreign_word(cmd, argc, argv) || (near = cli_command_near(cmd->name, argv[2])) == NULL)
		return;
	line = xstrfmt("llm: did you mean 'llm %s %s'?\n", cmd->name, near);
	cli_usage_first(line);
	free(line);
}

/*
 * A line that starts with a command's name and goes on with a word that is not
 * one of its own ("llm usage of malloc in C") was refused by the command, but it
 * may be a question: say how to send it as one.
 */
static void
prompt_hint(const struct command *cmd, int argc, char **argv)
{
	const char *near;
	struct buf b;
	int i;

	if (!foreign_word(cmd, argc, argv))
		return;
	/* near_first's line, when the command said no usage for it to go above */
	if (cli_usage_first(NULL) && (near = cli_command_near(cmd->name, argv[2])) != NULL)
		fprintf(stderr, "llm: did you mean 'llm %s %s'?\n", cmd->name, near);
	/* a key typed after llm keys is not to be sent anywhere, nor repeated */
	for (i = 2; i < argc; i++)
		if (cmd->fn == cli_keys && cli_keys_may_be_key(argv[i]))
			return;
	buf_init(&b, 0);
	for (i = 1; i < argc; i++) {
		if (i > 1)
			buf_addc(&b, ' ');
		buf_add_shell_word(&b, argv[i]);
	}
	fprintf(stderr, "llm: to send it to a model as a prompt: llm -- %s\n", buf_str(&b));
	buf_done(&b);
}

static bool
color_allowed(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && *nc != '\0')
		return false;
	return term == NULL || strcmp(term, "dumb") != 0;
}

/*
 * Whether cause, why the catalog was refused, is an error of the config
 * (a [tier.*] or [git] model that names no model): it starts with the
 * config's path and line, as the config's own errors do.
 */
static bool
config_error(const struct config *cfg, const char *cause)
{
	size_t n = cfg->path != NULL ? strlen(cfg->path) : 0;

	return n > 0 && strncmp(cause, cfg->path, n) == 0 && cause[n] == ':';
}

/* Load what cmd needs into cli; an exit code, or -1 to go on. */
static int
load(struct app *cli, enum needs needs, bool want_color, bool hook)
{
	char *cause = NULL;
	int rc = config_load(&cli->cfg, &cause);
	size_t i;

	/* every configured key variable stays out of the processes llm starts */
	for (i = 0; i < cli->cfg.nproviders; i++)
		proc_hide_env(cli->cfg.providers[i].key_env);
	/* nor the team ledger's connection string and password */
	proc_hide_env("LLM_DATABASE");
	proc_hide_env("PGPASSWORD");
	cli->err_tty = isatty(STDERR_FILENO);
	cli->color = want_color && cli->err_tty && color_allowed();
	if (needs == NEEDS_CONFIG) {
		if (rc != 0) {
			cli->cfg_errors = cause;
		}
		return -1;
	}
	if (rc != 0 && hook) {
		/* the commit hook never blocks a commit and says one line */
		char *nl = strchr(cause, '\n');

		if (nl != NULL)
			*nl = '\0';
		fprintf(stderr, "llm: commit message not drafted: %s\n", cause);
		free(cause);
		return EXIT_OK;
	}
	if (rc != 0) {
		fprintf(stderr, "%s\nllm: fix the config (llm config check shows every error)\n",
		    cause);
		free(cause);
		return EXIT_USAGE;
	}
	cli->cat = catalog_new(&cli->cfg, &cause);
	if (cli->cat == NULL) {
		if (!hook && config_error(&cli->cfg, cause))
			fprintf(stderr, "%s\nllm: fix the config (llm config check shows every error)\n",
			    cause);
		else
			fprintf(stderr, "llm: %s%s\n", hook ? "commit message not drafted: " : "",
			    cause);
		free(cause);
		return hook ? EXIT_OK : EXIT_USAGE;
	}
	cli_ledger_team(cli);
	return -1;
}

/*
 * "--" ends a command's options, as it ends a question's ("llm logs show --
 * "$id""). The commands read their words one by one and know no "--": it is
 * taken out here, and a word after it that would still read as an option is
 * refused, saying how to write a file of that name where a word may be one. The new argc, or -1 after
 * saying why.
 */
static int
drop_dashes(const struct command *cmd, int argc, char **argv)
{
	int i, k;

	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (cli_command_valued(cmd->name, argv[i]))
			i++;
	for (k = i + 1; k < argc; k++) {
		/* a negative amount is no option: the command says what is wrong with it */
		if (cmd->amount_words && argv[k][0] == '-' && (isdigit((unsigned char)argv[k][1]) ||
		    argv[k][1] == '.' || argv[k][1] == '$'))
			continue;
		if (argv[k][0] == '-' && argv[k][1] != '\0') {
			/* the way round it is worth saying only where a word may be a file */
			fprintf(stderr, "llm: %s: '%s' after --: llm %s has no word that starts with "
			    "'-'", cmd->name, argv[k], cmd->name);
			if (cmd->file_words)
				fprintf(stderr, " (for a file of that name, write ./%s)", argv[k]);
			fputc('\n', stderr);
			return -1;
		}
	}
	if (i >= argc)
		return argc;
	memmove(argv + i, argv + i + 1, (size_t)(argc - i) * sizeof(*argv));
	return argc - 1;
}

/*
 * Take every --no-color before "--" out of argv[first..]: main has read it,
 * and a command's own parser need not know the option. Returns the new argc.
 */
static int
drop_no_color(int argc, char **argv, int first)
{
	int i, n = first;

	for (i = first; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--no-color") != 0)
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

/*
 * Options anywhere, on a command's line too: "llm keys --json list" is "llm keys
 * list --json". The first word that is neither an option nor an option's value
 * moves to argv[2], where the command looks for its own words, if it is one.
 */
static void
word_first(const struct command *cmd, int argc, char **argv)
{
	char *word;
	int i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return;
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		if (cli_command_valued(cmd->name, argv[i]))
			i++;
	}
	if (i <= 2 || i >= argc || !cli_command_word(cmd->name, argv[i]))
		return;
	word = argv[i];
	memmove(argv + 3, argv + 2, (size_t)(i - 2) * sizeof(*argv));
	argv[2] = word;
}

/*
 * How option word s (its name: the n bytes before any "=") stands on the line
 * of cmd (NULL: llm's own): -1 not one of its options, 0 a flag, 1 one that
 * takes a value. Letters together ("-qv") are flags but for the last, which
 * decides.
 */
static int
option_arity(const struct command *cmd, const char *s, size_t n)
{
	char name[48];
	size_t i;

	if (n < 2 || n >= sizeof(name))
		return -1;
	if (s[1] != '-' && n > 2) {
		for (i = 1; i + 1 < n; i++)
			if (option_arity(cmd, (const char[]){ '-', s[i] }, 2) != 0)
				return -1;
		return option_arity(cmd, (const char[]){ '-', s[n - 1] }, 2);
	}
	memcpy(name, s, n);
	name[n] = '\0';
	if (cmd != NULL)
		return cli_command_arity(cmd->name, name);
	if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0 ||
	    strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0)
		return 0;      /* main reads them itself */
	return cli_opts_arity(name);
}

/*
 * One rule for OPTION=VALUE, whoever parses the line and wherever the word is:
 * an option that takes a value takes it so, short or long ("-t=cheap" is "-t
 * cheap", as "--tier=cheap" is); a flag is said to take no value ("-q=1",
 * "--json=1 --version"). Rewrites *argvp, each such word made two. The usage
 * exit code, or -1 to go on.
 */
static int
option_values(const struct command *cmd, int *argcp, char ***argvp)
{
	static char **split;  /* the new argv, for the life of the process */
	const char *name = cmd != NULL ? cmd->name : NULL;
	char **argv = *argvp;
	int argc = *argcp, i, k = 0, a;
	/* "logs show": word_first has put the command's own word, if any, in argv[2] */
	bool word = cmd != NULL && argc > 2 && cli_command_word(cmd->name, argv[2]);

	if (cmd != NULL && cmd->fn == cli_complete)
		return -1;
	split = xreallocarray(NULL, 2 * (size_t)argc + 1, sizeof(*split));
	for (i = 0; i < argc; i++) {
		char *s = argv[i];
		size_t n = strcspn(s, "=");

		split[k++] = s;
		if (i > (cmd != NULL) && strcmp(s, "--") == 0) {
			while (++i < argc)
				split[k++] = argv[i];
			break;
		}
		if (i <= (cmd != NULL) || s[0] != '-')
			continue;
		if ((a = option_arity(cmd, s, n)) < 0) {
			/*
			 * Not an option of this line: its value goes apart, so that the
			 * command refuses the option by its name alone. The value may be a
			 * key (--key=sk-..., as other clients take it), which no error, and
			 * no --json error on stdout, is to repeat.
			 */
			if (s[1] == '-' && s[n] == '=') {
				s[n] = '\0';
				split[k++] = s + n + 1;
			}
			continue;
		}
		if (s[n] != '=') {
			if (a == 1 && i + 1 < argc)
				split[k++] = argv[++i];   /* the option's value, whatever it looks like */
			continue;
		}
		if (a == 0) {
			fprintf(stderr, "llm: %s%s%s%soption '%.*s' takes no value\n",
			    name ? name : "", word ? " " : "", word ? argv[2] : "", name ? ": " : "",
			    (int)(s[1] == '-' ? n : 2), s[1] == '-' ? s : (const char[]){ '-', s[n - 1] });
			cli_usage_hint(name, command_usage(cmd));
			return EXIT_USAGE;
		}
		s[n] = '\0';
		split[k++] = s + n + 1;
	}
	split[k] = NULL;
	*argcp = k;
	*argvp = split;
	return -1;
}

/*
 * The long option *word (its name: the bytes before any "=") starts, among
 * those of cmd (NULL: llm's own line): one alone, and *word becomes it, its
 * value kept ("--mon=2026-11" is "--month=2026-11"); none, or the word is
 * one already, and it is left for the command to take or refuse. Several:
 * the message that names them (malloc'd), else NULL.
 */
static char *
option_expand(const struct command *cmd, char **word)
{
	static char **made;    /* the words written out, for the life of the process */
	static size_t nmade;
	const char *const *opts = cli_command_options(cmd != NULL ? cmd->name : NULL), *const *o;
	const char *s = *word, *hit = NULL, *name = cmd != NULL ? cmd->name : NULL;
	size_t n = strcspn(s, "="), k = 0, i = 0;
	struct buf b;

	if (n <= 2)
		return NULL;
	for (o = opts; *o != NULL; o++) {
		if (strncmp(*o, "--", 2) != 0 || strncmp(*o, s, n) != 0)
			continue;
		if (strlen(*o) == n)
			return NULL;   /* the option itself, which may start others ("--no-color") */
		hit = *o;
		k++;
	}
	if (k == 1) {
		made = xreallocarray(made, nmade + 1, sizeof(*made));
		*word = made[nmade++] = xstrfmt("%s%s", hit, s + n);
	}
	if (k <= 1)
		return NULL;
	buf_init(&b, 0);
	buf_addf(&b, "llm: %s%soption '%.*s' is ambiguous: ", name ? name : "", name ? ": " : "",
	    (int)n, s);
	for (o = opts; *o != NULL; o++)
		if (strncmp(*o, "--", 2) == 0 && strncmp(*o, s, n) == 0)
			buf_addf(&b, "%s%s", i++ == 0 ? "" : i == k ? " or " : ", ", *o);
	buf_addc(&b, '\n');
	cli_usage_hint_add(&b, name, command_usage(cmd));
	return buf_detach(&b);
}

/*
 * A long option may be cut short on every command's line as on llm's own, by
 * one rule: a word that starts one option of the line alone is that option,
 * one that starts several is refused, naming them (option_expand). The line
 * is read as its command reads it: up to "--", each option's value skipped.
 * Rewrites argv's words in place. NULL, or the message that refuses the line
 * (malloc'd).
 */
static char *
option_prefixes(int argc, char **argv)
{
	const struct command *cmd = NULL;
	char *why = NULL;
	int i = 1;
	size_t n;

	/* the command, as main finds it: after any --no-color before it, cut short or not */
	while (i + 1 < argc && argv[i][0] == '-' && (why = option_expand(NULL, &argv[i])) == NULL &&
	    strcmp(argv[i], "--no-color") == 0)
		i++;
	if (why != NULL)
		return why;
	if (i < argc && argv[i][0] != '-')
		cmd = find_command(argv[i]);
	if (cmd != NULL && cmd->fn == cli_complete)
		return NULL;   /* its words are what a shell is completing */
	for (i = cmd != NULL ? i + 1 : 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			continue;
		if (argv[i][1] == '-' && (why = option_expand(cmd, &argv[i])) != NULL)
			return why;
		n = strcspn(argv[i], "=");
		if (argv[i][n] != '=' && option_arity(cmd, argv[i], n) == 1)
			i++;   /* its value, whatever it looks like */
	}
	return NULL;
}

/* Whether llm's own line holds -V or -h (letter) among other flags ("-qV"). */
static bool
bundle_flag(int argc, char **argv, char letter)
{
	int i, arity;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *s = argv[i];

		if (s[0] == '-' && s[1] != '-' && strchr(s + 1, letter) != NULL &&
		    option_arity(NULL, s, strlen(s)) == 0)
			return true;
		if ((arity = cli_opts_arity(s)) > 0)
			i += arity;
	}
	return false;
}

static bool
has_flag(int argc, char **argv, const char *a, const char *b)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], a) == 0 || (b != NULL && strcmp(argv[i], b) == 0))
			return true;
	}
	return false;
}

/*
 * A descriptor of 0, 1 or 2 that was closed (cron, a daemon, `llm <&-`) gets
 * /dev/null read-only: a closed stdin reads as empty, writes to a closed stdout
 * fail as they should, and no file or socket opened later can take its number
 * and receive the answer or the errors.
 */
static void
std_fds_guard(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) < 0)
			_exit(EXIT_USAGE);
}

/*
 * Whether the line asks for JSON: --json, an option of cmd (NULL: of a
 * question), anywhere before "--" and not another option's value.
 */
static bool
wants_json(const struct command *cmd, int argc, char **argv)
{
	int i, arity;

	for (i = cmd != NULL ? 2 : 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *s = argv[i];
		size_t n = strcspn(s, "=");

		if (s[0] != '-')
			continue;
		arity = option_arity(cmd, s, n);
		if (strcmp(s, "--json") == 0)
			return arity == 0;
		if (arity == 1 && s[n] != '=')
			i++;
	}
	return false;
}

/*
 * How llm ends: a usage or config error under --json (json) that printed
 * nothing gets its JSON object on stdout, and what was printed must have
 * reached stdout: a full disk or a closed descriptor is an error, never a
 * silent success. The exit code, rc or cli_out_end's.
 */
static int
finish(int rc, bool json)
{
	if (json && rc == EXIT_USAGE)
		cli_out_json_error(rc);
	return cli_out_end(rc, NULL);
}

int
main(int argc, char **argv)
{
	struct app cli;
	const struct command *cmd = NULL;
	char *ambiguous;
	bool hook, color, json;
	int rc;

	std_fds_guard();
	cred_protect(); /* before anything reads a key: one may be in the environment already */
	setlocale(LC_CTYPE, ""); /* characters only: numbers and dates keep one format */
	log_init();
	memset(&cli, 0, sizeof cli);
	ambiguous = option_prefixes(argc, argv);
	color = !has_flag(argc, argv, "--no-color", NULL);
	/* main takes it off a command's line: the full-screen client and children see it here */
	if (!color)
		setenv("NO_COLOR", "1", 1);
	/* "llm --no-color budget" is the budget, not a question: the option before a command is main's */
	while (argc > 2 && strcmp(argv[1], "--no-color") == 0) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (argc > 1 && argv[1][0] != '-')
		cmd = find_command(argv[1]);
	json = wants_json(cmd, argc, argv);
	cli_out_init(json);
	if (ambiguous != NULL) {
		fputs(ambiguous, stderr);
		free(ambiguous);
		return finish(EXIT_USAGE, json);
	}
	/* and anywhere else on a command's line, as on a question's */
	/* llm chat reads its line with getopt, which knows "--" */
	if (cmd != NULL && !cmd->free_words && cmd->fn != cli_chat &&
	    (argc = drop_dashes(cmd, argc, argv)) < 0)
		return finish(EXIT_USAGE, json);
	if (cmd != NULL && !cmd->own_color)
		argc = drop_no_color(argc, argv, 2);
	if (cmd != NULL && !cmd->free_words)
		word_first(cmd, argc, argv);
	if ((rc = option_values(cmd, &argc, &argv)) >= 0)
		return finish(rc, json);
	if (cmd == NULL) {
		/* fast paths: no config, no catalog */
		if (has_flag(argc, argv, "--version", "-V") || bundle_flag(argc, argv, 'V'))
			return finish(version_only("--version", argc, argv), json);
		if (has_flag(argc, argv, "--help", "-h") || bundle_flag(argc, argv, 'h'))
			return finish(cli_help(&cli, 1, argv), json);
	}
	if (cmd == NULL && argc == 2 && argv[1][0] != '-') {
		/* a misspelt command would go to a model as a one-word prompt, and be paid for */
		const struct command *near = misspelt_command(argv[1]);

		if (near != NULL) {
			fprintf(stderr, "llm: '%s' is not a command; did you mean 'llm %s'?\n"
			    "llm: to send it to a model as a prompt: llm -- %s\n", argv[1], near->name, argv[1]);
			return finish(EXIT_USAGE, json);
		}
	}
	if (cmd == NULL && argc > 2 && argv[1][0] != '-') {
		const struct command *near = misspelt_command_line(argv[1], argv[2]);

		/* the rest of the line is not repeated: after keys set it may hold a key */
		if (near != NULL) {
			fprintf(stderr, "llm: '%s' is not a command; did you mean 'llm %s %s'?\n"
			    "llm: to send the line to a model as a prompt, put -- before it\n",
			    argv[1], near->name, argv[2]);
			return finish(EXIT_USAGE, json);
		}
	}
	if (cmd != NULL && cmd->fn == cli_help && argc > 2) {
		/* "llm help keys" is "llm keys --help" */
		const struct command *of = find_command(argv[2]);
		int i = of != NULL ? 3 : 2;

		while (i < argc && (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0))
			i++;
		if (i < argc && (argv[i][0] == '-' || of != NULL)) {
			fprintf(stderr, "llm: help: %s '%s'%s\n", argv[i][0] == '-' ? "unknown option" :
			    "unexpected", argv[i], cli_option_hint("help", argv[i]));
			cli_usage_hint("help", help_usage);
			prompt_hint(cmd, argc, argv);
			return finish(EXIT_USAGE, json);
		}
		if (i < argc || (of != NULL && of->name[0] == '_')) {
			fprintf(stderr, "llm: help: no command '%s'\nTry 'llm --help'.\n",
			    i < argc ? argv[i] : argv[2]);
			prompt_hint(cmd, argc, argv);
			return finish(EXIT_USAGE, json);
		}
		if (of != NULL) {
			static char help_flag[] = "--help";

			cmd = of;
			argv[1] = argv[2];
			argv[2] = help_flag;
			argc = 3;
		}
	}
	if (cmd != NULL && !cmd->free_words && has_flag(argc - 1, argv + 1, "--help", "-h")) {
		/* --help anywhere ("llm budget set --help") is the command's own help */
		static char help_flag[] = "--help";
		static char *help_argv[4];

		help_argv[0] = argv[0];
		help_argv[1] = argv[1];
		help_argv[2] = help_flag;
		argc = 3;
		argv = help_argv;
	}
	if (cmd != NULL)
		near_first(cmd, argc, argv);
	if (cmd != NULL && cmd->needs == NEEDS_NOTHING) {
		rc = cmd->fn(&cli, argc - 1, argv + 1);
		if (rc == EXIT_USAGE)
			prompt_hint(cmd, argc, argv);
		return finish(rc, json);
	}
	hook = cmd != NULL && cmd->fn == cli_git && argc > 2 && strcmp(argv[2], "commit-msg") == 0;
	rc = load(&cli, cmd != NULL ? cmd->needs : NEEDS_CATALOG, color, hook);
	if (rc < 0 && cmd != NULL) {
		rc = cmd->fn(&cli, argc - 1, argv + 1);
		if (rc == EXIT_USAGE)
			prompt_hint(cmd, argc, argv);
	} else if (rc < 0) {
		rc = cli_ask(&cli, argc, argv);
	}
	catalog_free(cli.cat);
	free(cli.cfg_errors);
	config_done(&cli.cfg);
	proc_hide_env_clear();
	/* the commit hook exits 0 whatever happens */
	return hook ? rc : finish(rc, json);
}
