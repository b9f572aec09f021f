/* cli_ledger: the ledger as the command line opens it: a long wait for its lock is said. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ledger.h"
#include "ledger_pg.h"

/* Say on stderr that llm is waiting, so a locked ledger is not a silent hang. */
static void
cli_ledger_wait(void *arg, const char *path)
{
	(void)arg;
	fprintf(stderr, "llm: waiting for the ledger's lock (%s): another process is writing"
	    " to it\n", path);
}

/* Open the ledger in the configured data directory, for a command-line front end. */
struct ledger *
cli_ledger_open(const struct app *cli, char **cause)
{
	struct ledger *l = ledger_open(cli->cfg.data_dir, cause);

	if (l != NULL)
		ledger_on_wait(l, cli_ledger_wait, NULL);
	return l;
}

/* Use the team's ledger when one is configured. */
void
cli_ledger_team(struct app *cli)
{
	const struct config *c = &cli->cfg;
	struct ledger_team t = {
		.database = c->ledger_database, .team = c->ledger_team, .user = c->ledger_user,
		.timezone = c->ledger_timezone, .offline_allowance = c->ledger_offline_allowance,
		.fail_closed = c->budget_action == BUDGET_BLOCK,
	};

	if (c->ledger_database == NULL)
		return;
	ledger_use_team(&t);
	cli->cfg.budget = LEDGER_TEAM_LIMIT;
}

/* llm ledger init: create or upgrade the schema, SQLite's or the team's. */
int
cli_ledger(struct app *cli, int argc, char **argv)
{
	const struct ledger_team *t = ledger_team();
	struct ledger *l;
	char *cause = NULL;
	int v = 0, rc = EXIT_OK;

	if (argc != 2 || strcmp(argv[1], "init") != 0) {
		fprintf(argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) ?
		    stdout : stderr, "usage: llm ledger init\n");
		return argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) ?
		    EXIT_OK : EXIT_USAGE;
	}
	/* Opening the SQLite ledger creates or upgrades it. */
	if ((l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: ledger init: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (t == NULL) {
		printf("ledger: %s/llm.db is up to date\n", cli->cfg.data_dir);
	} else if (ledger_pg_init(ledger_pg(l), &v, &cause) < 0) {
		fprintf(stderr, "llm: ledger init: %s\n", cause);
		free(cause);
		rc = EXIT_USAGE;
	} else if (v == LEDGER_PG_VERSION) {
		printf("team ledger: schema version %d is up to date; team \"%s\" (time zone %s)\n",
		    v, t->team, t->timezone);
	} else {
		printf("team ledger: schema version %d %s; team \"%s\" (time zone %s)\n",
		    LEDGER_PG_VERSION, v == 0 ? "created" : "upgraded", t->team, t->timezone);
	}
	ledger_close(l);
	return rc;
}
