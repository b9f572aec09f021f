/* cli_config: llm config path|show|check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "theme.h"
#include "util.h"

/* Print every error of the file, those only the whole catalog shows too; EXIT_OK if none. */
static int
config_errors(struct app *cli)
{
	struct catalog *cat;
	char *cause = NULL;

	if (cli->cfg_errors != NULL) {
		fprintf(stderr, "%s\n", cli->cfg_errors);
		return EXIT_USAGE;
	}
	cat = catalog_new(&cli->cfg, &cause);
	if (cat == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	catalog_free(cat);
	return EXIT_OK;
}

static int
config_check(struct app *cli)
{
	int rc = config_errors(cli);
	struct theme theme;
	char *cause = NULL;

	if (rc != EXIT_OK)
		return rc;
	/* [llm] theme names a file looked up when it is used: one not found or
	 * broken is an error of the config too, though llm chat starts without it */
	if (theme_load(&theme, cli->cfg.theme, cli->cfg.dir, &cause) != 0) {
		fprintf(stderr, "%s: [llm] theme: %s\n", cli->cfg.path, cause);
		free(cause);
		return EXIT_USAGE;
	}
	printf("%s: ok%s\n", cli->cfg.path, cli->cfg.loaded ? "" : " (no file: built-in defaults)");
	if (cli->cfg.ledger_database != NULL && cli->cfg.budget > 0)
		printf("%s: note: [llm] budget is not used with a team ledger: the team's budget"
		    " and each user's are set with llm budget set\n", cli->cfg.path);
	return EXIT_OK;
}

/* The themes directories, one a line, in the order a theme is looked up. */
static void
config_path_themes(const struct app *cli)
{
	char *dirs[THEME_DIRS_MAX];
	size_t i, n = theme_dirs(cli->cfg.dir, dirs, ARRAY_SIZE(dirs));

	for (i = 0; i < n; i++) {
		printf("%s %s%s\n", i == 0 ? "themes:" : "       ", dirs[i], access(dirs[i], F_OK) == 0 ?
		    "" : " (not present)");
		free(dirs[i]);
	}
}

const char cli_config_usage[] =
    "usage: llm config path|show|check\n"
    "\n"
    "  path    where the config file, the data and the themes are (the default)\n"
    "  show    every setting as INI, built-ins and the file merged, each explained\n"
    "  check   validate the config file; exit 2 on any error\n"
    "Settings are changed in the config file: llm config path says where, man\n"
    "llm-config lists them.\n";

/* Whether sub is one of config's commands. */
static bool
config_command(const char *sub)
{
	return strcmp(sub, "path") == 0 || strcmp(sub, "show") == 0 || strcmp(sub, "check") == 0;
}

int
cli_config(struct app *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "path";

	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		fputs(cli_config_usage, stdout);
		return EXIT_OK;
	}
	if (!config_command(sub)) {
		fprintf(stderr, "llm: config: unknown %s '%s'%s\n", sub[0] == '-' ? "option" :
		    "command", sub, sub[0] == '-' ? "" : " (settings are changed in the config "
		    "file: llm config path says where, man llm-config lists them)");
		cli_usage_hint("config", cli_config_usage);
		return EXIT_USAGE;
	}
	if (argc > 2) {
		fprintf(stderr, "llm: config %s: %s '%s'%s\n", sub, argv[2][0] == '-' ?
		    "unknown option" : "takes no argument, got", argv[2],
		    cli_option_hint("config", argv[2]));
		cli_usage_hint("config", cli_config_usage);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "path") == 0) {
		if (cli->cfg.dir == NULL || cli->cfg.data_dir == NULL) {
			fprintf(stderr, "llm: %s\n", cli->cfg_errors);
			return EXIT_USAGE;
		}
		printf("config: %s%s\n", cli->cfg.path, cli->cfg.loaded ? "" : " (not present)");
		printf("data:   %s/llm.db\n", cli->cfg.data_dir);
		config_path_themes(cli);
		return EXIT_OK;
	}
	if (strcmp(sub, "show") == 0) {
		if (config_errors(cli) != EXIT_OK)
			return EXIT_USAGE;
		config_dump(&cli->cfg, stdout);
		return EXIT_OK;
	}
	return config_check(cli);
}
