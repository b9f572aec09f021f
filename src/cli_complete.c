/* cli_complete: llm __complete WHAT, the words shell completions offer, one a line. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "config.h"
#include "role.h"
#include "theme.h"
#include "util.h"

static const char *const commands[] = {
	"chat", "route", "models", "budget", "usage", "logs", "cmd", "roles", "keys", "git",
	"ledger", "config", "do", "undo", "help", "version", NULL,
};

/* The options of a one-shot question, as llm --help lists them. */
static const char *const ask_options[] = {
	"-t", "--tier", "-m", "--model", "-s", "--system", "-r", "--role", "-f", "--file",
	"-c", "--continue", "--cid", "--no-stream", "--json", "--dry-run", "--max-tokens", "--max-cost",
	"-o", "--output", "--force", "-q", "--quiet", "-v", "--verbose", "--no-color", "-V", "--version", "-h", "--help", NULL,
};

static const char *const tiers[] = { "auto", "cheap", "mid", "frontier", NULL };
static const char *const usage_by[] = { "day", "model", "tier", "task", "user", "team", NULL };

static const char *const models_sub[] = { "import", "add", NULL };
static const char *const budget_sub[] = { "set", NULL };
static const char *const keys_sub[] = { "set", "list", "rm", "check", NULL };
static const char *const git_sub[] = { "install-hook", "uninstall-hook", "commit-msg", NULL };
static const char *const config_sub[] = { "path", "show", "check", NULL };
static const char *const ledger_sub[] = { "init", "send", NULL };

static const char *const chat_opts[] = {
	"-t", "--tier", "-m", "--model", "-s", "--system", "-r", "--role", "-f", "--file",
	"-c", "--continue",
	"--cid", "--theme", "--no-color", "--agent", "--headless", "--size", "--out", "--help", NULL,
};
/* llm route takes a question's options: it shows the decision that question would get. */
static const char *const route_opts[] = {
	"-t", "--tier", "-m", "--model", "-s", "--system", "-r", "--role", "-f", "--file",
	"-c", "--continue", "--cid", "--max-tokens", "--max-cost", "--json", "--no-color",
	"--explain", "--forget", "--help", NULL,
};
static const char *const models_opts[] = { "-t", "--tier", "--json", "--remote", "--price",
	"--name", "--no-color", "--help", NULL };
static const char *const budget_opts[] = { "--json", "--user", "--no-color", "--help", NULL };
static const char *const usage_opts[] = {
	"--month", "--by", "--router", "--json", "--no-color", "--help", NULL,
};
static const char *const logs_opts[] = { "-n", "--count", "-a", "--all", "--task", "--json", "-q", "--query",
	"--raw", "--format", "--no-color", "--help", NULL };
static const char *const logs_sub[] = { "show", "export", "rm", NULL };
static const char *const keys_opts[] = { "--json", "--no-color", "--help", NULL };
static const char *const git_opts[] = { "-f", "--force", "--no-color", "--help", NULL };
static const char *const cmd_opts[] = { "-t", "--tier", "-m", "--model", "--print", "--init",
	"--no-color", "--help", NULL };
static const char *const roles_opts[] = { "--paths", "--no-color", "--help", NULL };
static const char *const undo_opts[] = { "--no-color", "--help", NULL };
/* config and ledger have commands, and the options every command takes */
static const char *const common_opts[] = { "--no-color", "--help", NULL };
static const char *const do_opts[] = {
	"-t", "--tier", "-m", "--model", "--allow", "--max-cost", "--max-tokens", "--resume",
	"--json", "-q", "--quiet", "--no-color", "--help", NULL,
};

/* The options that take the next word as their value. */
static const char *const chat_valued[] = { "-t", "--tier", "-m", "--model", "-s", "--system",
	"-r", "--role", "-f", "--file", "--cid", "--theme", "--headless", "--size", "--out", NULL };
static const char *const route_valued[] = { "-t", "--tier", "-m", "--model", "-s", "--system",
	"-r", "--role", "-f", "--file", "--cid", "--max-tokens", "--max-cost", NULL };
static const char *const usage_valued[] = { "--month", "--by", NULL };
static const char *const cmd_valued[] = { "-t", "--tier", "-m", "--model", "--init", NULL };
static const char *const do_valued[] = { "-t", "--tier", "-m", "--model", "--allow",
	"--max-cost", "--max-tokens", NULL };
static const char *const models_valued[] = { "-t", "--tier", "--remote", "--price", "--name",
	NULL };
static const char *const budget_valued[] = { "--user", NULL };
static const char *const logs_valued[] = { "-n", "--count", "-q", "--query", "--task",
	"--format", NULL };

/*
 * The options each command's word takes, where it takes fewer than its
 * command does ("llm budget set" takes --user, not --json); a word not
 * listed takes no option but those every command takes.
 */
static const char *const models_add_opts[] = { "-t", "--tier", "--price", "--name", "--no-color",
	"--help", NULL };
static const char *const budget_set_opts[] = { "--user", "--no-color", "--help", NULL };
static const char *const logs_show_opts[] = { "--raw", "--no-color", "--help", NULL };
static const char *const logs_export_opts[] = { "--format", "--no-color", "--help", NULL };
static const char *const keys_list_opts[] = { "--json", "--no-color", "--help", NULL };
static const char *const install_hook_opts[] = { "-f", "--force", "--no-color", "--help", NULL };
static const struct {
	const char *cmd, *word;
	const char *const *opts;
} per_word[] = {
	{ "models", "add", models_add_opts },
	{ "budget", "set", budget_set_opts },
	{ "logs", "show", logs_show_opts },
	{ "logs", "export", logs_export_opts },
	{ "keys", "list", keys_list_opts },
	{ "keys", "ls", keys_list_opts },
	{ "git", "install-hook", install_hook_opts },
};

/* Other names llm keys takes for its words, not offered (one name each is enough). */
static const char *const keys_alias[] = { "ls", "remove", "help", NULL };

/* A subcommand's words: what may follow it, its options, and those that take a value. */
static const struct {
	const char *name;
	const char *const *sub;
	const char *const *opts;
	const char *const *valued;
} per_command[] = {
	{ .name = "chat", .opts = chat_opts, .valued = chat_valued },
	{ .name = "route", .opts = route_opts, .valued = route_valued },
	{ .name = "models", .sub = models_sub, .opts = models_opts, .valued = models_valued },
	{ .name = "budget", .sub = budget_sub, .opts = budget_opts, .valued = budget_valued },
	{ .name = "usage", .opts = usage_opts, .valued = usage_valued },
	{ .name = "logs", .sub = logs_sub, .opts = logs_opts, .valued = logs_valued },
	{ .name = "cmd", .opts = cmd_opts, .valued = cmd_valued },
	{ .name = "roles", .opts = roles_opts },
	{ .name = "keys", .sub = keys_sub, .opts = keys_opts },
	{ .name = "git", .sub = git_sub, .opts = git_opts },
	{ .name = "config", .sub = config_sub, .opts = common_opts },
	{ .name = "ledger", .sub = ledger_sub, .opts = common_opts },
	{ .name = "do", .opts = do_opts, .valued = do_valued },
	{ .name = "undo", .opts = undo_opts },
};

/* Whether word is in the NULL-terminated list w (which may be NULL). */
static bool
word_in(const char *const *w, const char *word)
{
	for (; w != NULL && *w != NULL; w++)
		if (strcmp(*w, word) == 0)
			return true;
	return false;
}

bool
cli_command_name(const char *word)
{
	return word_in(commands, word);
}

bool
cli_command_word(const char *cmd, const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(per_command); i++)
		if (strcmp(per_command[i].name, cmd) == 0 && word_in(per_command[i].sub, word))
			return true;
	return strcmp(cmd, "keys") == 0 && word_in(keys_alias, word);
}

const char *
cli_command_near(const char *cmd, const char *word)
{
	const char *const *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(per_command); i++) {
		if (strcmp(per_command[i].name, cmd) != 0)
			continue;
		for (w = per_command[i].sub; w != NULL && *w != NULL; w++)
			if (str_one_edit(word, *w))
				return *w;
	}
	return NULL;
}

const char *
cli_option_near(const char *const *opts, const char *bad)
{
	const char *const *o;
	char name[48];
	size_t n = strcspn(bad, "=");

	/* the name alone: a value after "=" may be a key, and is never looked at */
	if (strncmp(bad, "--", 2) != 0 || n <= 2 || n >= sizeof name)
		return NULL;
	snprintf(name, sizeof name, "%.*s", (int)n, bad);
	for (o = opts; *o != NULL; o++)
		if (strncmp(*o, "--", 2) == 0 && str_one_edit(name, *o))
			return *o;
	return NULL;
}

const char *
cli_option_hint_in(const char *const *opts, const char *bad)
{
	static char said[80];
	const char *near = cli_option_near(opts, bad);

	if (near == NULL)
		return "";
	snprintf(said, sizeof said, "; did you mean '%s'?", near);
	return said;
}

const char *
cli_option_hint(const char *cmd, const char *bad)
{
	return cli_option_hint_in(cli_command_options(cmd), bad);
}

bool
cli_command_valued(const char *cmd, const char *opt)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(per_command); i++)
		if (strcmp(per_command[i].name, cmd) == 0)
			return word_in(per_command[i].valued, opt);
	return false;
}

int
cli_command_arity(const char *cmd, const char *opt)
{
	size_t i;

	if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0 || strcmp(opt, "--no-color") == 0)
		return 0;      /* every command takes these */
	for (i = 0; i < ARRAY_SIZE(per_command); i++)
		if (strcmp(per_command[i].name, cmd) == 0)
			return word_in(per_command[i].valued, opt) ? 1 :
			    word_in(per_command[i].opts, opt) ? 0 : -1;
	return -1;
}

const char *const *
cli_command_options(const char *cmd)
{
	size_t i;

	if (cmd == NULL)
		return ask_options;
	for (i = 0; i < ARRAY_SIZE(per_command); i++)
		if (strcmp(per_command[i].name, cmd) == 0)
			return per_command[i].opts;
	return common_opts;    /* help, version: what every command takes */
}

static void
print_words(const char *const *w)
{
	for (; w != NULL && *w != NULL; w++)
		puts(*w);
}

/* The options cmd's own word takes (opts COMMAND WORD): those of per_word, or the common ones. */
static const char *const *
word_options(const char *cmd, const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(per_word); i++)
		if (strcmp(per_word[i].cmd, cmd) == 0 && strcmp(per_word[i].word, word) == 0)
			return per_word[i].opts;
	return common_opts;
}

static int
command_words(const char *what, const char *cmd, const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(per_command); i++) {
		if (strcmp(per_command[i].name, cmd) != 0)
			continue;
		if (strcmp(what, "sub") == 0)
			print_words(per_command[i].sub);
		else if (word != NULL && cli_command_word(cmd, word))
			print_words(word_options(cmd, word));
		else
			print_words(per_command[i].opts);  /* options may come before the word */
		return EXIT_OK;
	}
	/* An unknown command has no words: nothing to offer is not an error. */
	return EXIT_OK;
}

/* The roles -r takes, by name. */
static void
complete_roles(const struct app *cli)
{
	struct role *list;
	char *warn = NULL;
	size_t i, n = role_list(cli->cfg.dir, &list, &warn);

	for (i = 0; i < n; i++)
		puts(list[i].name);
	roles_free(list, n);
	free(warn);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The themes --theme takes: "default", and each NAME.theme where llm looks, once. */
static void
complete_themes(const struct app *cli)
{
	char *dirs[THEME_DIRS_MAX], **names;
	size_t i, nnames = 0, cap = 16, ndirs = theme_dirs(cli->cfg.dir, dirs, ARRAY_SIZE(dirs));
	struct dirent *e;
	DIR *d;

	names = xreallocarray(NULL, cap, sizeof(*names));
	names[nnames++] = xstrdup("default");
	for (i = 0; i < ndirs; i++) {
		if ((d = opendir(dirs[i])) != NULL) {
			while ((e = readdir(d)) != NULL) {
				size_t len = strlen(e->d_name);

				if (len <= 6 || e->d_name[0] == '.' || strcmp(e->d_name + len - 6, ".theme") != 0)
					continue;
				if (nnames == cap)
					names = xreallocarray(names, cap *= 2, sizeof(*names));
				names[nnames++] = xstrndup(e->d_name, len - 6);
			}
			closedir(d);
		}
		free(dirs[i]);
	}
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (i = 0; i < nnames; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			puts(names[i]);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
}

int
cli_complete(struct app *cli, int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	size_t i, n;

	if (strcmp(what, "commands") == 0) {
		print_words(commands);
	} else if (strcmp(what, "options") == 0) {
		print_words(ask_options);
	} else if (strcmp(what, "tiers") == 0) {
		print_words(tiers);
	} else if (strcmp(what, "by") == 0) {
		print_words(usage_by);
	} else if (strcmp(what, "models") == 0) {
		n = cli->cat != NULL ? catalog_count(cli->cat) : 0;
		for (i = 0; i < n; i++)
			puts(catalog_at(cli->cat, i)->name);
	} else if (strcmp(what, "roles") == 0) {
		complete_roles(cli);
	} else if (strcmp(what, "themes") == 0) {
		complete_themes(cli);
	} else if (strcmp(what, "providers") == 0 || strcmp(what, "keys") == 0) {
		for (i = 0; i < cli->cfg.nproviders; i++)
			puts(cli->cfg.providers[i].name);
		/* llm keys also keeps the team ledger's database password */
		if (strcmp(what, "keys") == 0)
			puts("ledger");
	} else if ((strcmp(what, "sub") == 0 || strcmp(what, "opts") == 0) && argc > 2) {
		return command_words(what, argv[2], argc > 3 ? argv[3] : NULL);
	} else {
		fprintf(stderr, "llm: __complete: WHAT is one of commands, options, tiers, by, "
		    "models, roles, themes, providers, keys, sub COMMAND, opts COMMAND [WORD]\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
