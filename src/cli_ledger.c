/* cli_ledger: the ledger as the command line opens it: a long wait for its lock is said. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ledger.h"
#include "ledger_pg.h"
#include "pricing.h"
#include "util.h"

/* Say on stderr that llm is waiting, so a locked ledger is not a silent hang. */
static void
cli_ledger_wait(void *arg, const char *path)
{
	(void)arg;
	fprintf(stderr, "llm: waiting for the ledger's lock (%s): another process is writing"
	    " to it\n", path);
}

/*
 * Put what is wrong with the data directory dir in *cause, replacing the
 * database's own words ("unable to open database file") when the directory
 * is the trouble: what it is, and what to do.
 */
static void
data_dir_cause(const char *dir, char **cause)
{
	const char *fix = "point LLM_DATA_DIR at one llm can write";
	struct stat st;
	char *why = NULL;

	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		why = xstrfmt("the data directory %s is not a directory; %s", dir, fix);
	else if (mkdir_p(dir) != 0)
		why = xstrfmt("the data directory %s cannot be made (%s); %s", dir, strerror(errno),
		    fix);
	else if (access(dir, W_OK | X_OK) != 0)
		why = xstrfmt("the data directory %s is not writable (%s); make it writable, or %s",
		    dir, strerror(errno), fix);
	if (why != NULL) {
		free(*cause);
		*cause = why;
	}
}

/* Open the ledger in the configured data directory, for a command-line front end. */
struct ledger *
cli_ledger_open(const struct app *cli, char **cause)
{
	struct ledger *l = ledger_open(cli->cfg.data_dir, cause);

	if (l != NULL)
		ledger_on_wait(l, cli_ledger_wait, NULL);
	else if (cli->cfg.data_dir != NULL)
		data_dir_cause(cli->cfg.data_dir, cause);
	return l;
}

/* Tell a database out of reach (a network failure) from a setup to put right. */
int
cli_ledger_rc(struct ledger *l)
{
	return l != NULL && ledger_pg_down(ledger_pg(l)) ? EXIT_PROVIDER : EXIT_USAGE;
}

/*
 * After cmd found the team's database out of reach on l: what requests on
 * this machine do meanwhile, and what it keeps for the ledger. Said on
 * stderr, after the error; nothing when the database was not the trouble.
 */
void
cli_ledger_meanwhile(const struct app *cli, struct ledger *l, const char *cmd)
{
	char used[32], of[32], kept[48] = "";
	int64_t held, rows;

	if (l == NULL || !ledger_pg_down(ledger_pg(l)))
		return;
	if (cli->cfg.budget_action == BUDGET_BLOCK) {
		fprintf(stderr, "llm: %s: meanwhile a request that costs anything is refused on this"
		    " machine (budget_action = block); a free model still goes\n", cmd);
		return;
	}
	if (ledger_pg_offline(ledger_pg(l), &held, &rows) < 0)
		return;
	pricing_format(held, false, used, sizeof used);
	pricing_format_exact(cli->cfg.ledger_offline_allowance, of, sizeof of);
	if (rows > 0)
		snprintf(kept, sizeof kept, "; kept so far: %lld request%s", (long long)rows,
		    rows == 1 ? "" : "s");
	fprintf(stderr, "llm: %s: meanwhile requests go on within [ledger] offline_allowance"
	    " (%s used of %s), kept on this machine and sent once it is back%s\n", cmd, used, of,
	    kept);
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
	cli->cfg_budget = c->budget;
	cli->cfg.budget = LEDGER_TEAM_LIMIT;
}

/* llm ledger send: send the rows kept on this machine to the team's ledger. */
static int
ledger_send(struct ledger *l, const struct ledger_team *t)
{
	char *cause = NULL;
	int sent, left;

	if (t == NULL) {
		fprintf(stderr, "llm: ledger send: no team ledger to send to: set [ledger] database in"
		    " config.ini (man llm-config) or LLM_DATABASE; without one, this machine's"
		    " ledger is the only one\n");
		return EXIT_USAGE;
	}
	if ((left = ledger_pg_send(ledger_pg(l), &sent, &cause)) < 0) {
		fprintf(stderr, "llm: ledger send: %s\n", cause);
		free(cause);
		return EXIT_PROVIDER;
	}
	if (sent > 0 || left == 0)
		printf("team ledger: %d request%s sent; %d kept here\n", sent, sent == 1 ? "" : "s",
		    left);
	if (left > 0) {
		fprintf(stderr, "llm: ledger send: %d request%s still kept here: the database refused"
		    " %s as team \"%s\", user \"%s\": %s\n", left, left == 1 ? "" : "s",
		    left == 1 ? "it" : "them", t->team, t->user, cause);
		free(cause);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

const char cli_ledger_usage[] = "usage: llm ledger init | send\n";

/* A line that is not init or send: --help's usage, or what was wrong and the usage; the exit code. */
static int
ledger_usage(int argc, char **argv)
{
	static const char help[] = "usage: llm ledger init | send\n"
	    "\n"
	    "The ledger keeps what every request cost: in SQLite on this machine or,\n"
	    "with [ledger] database, the team's in PostgreSQL.\n"
	    "  init   create or upgrade the ledger's schema (the team's: as its owner)\n"
	    "  send   send the requests kept on this machine to the team's ledger\n";
	bool known = argc >= 2 && (strcmp(argv[1], "init") == 0 || strcmp(argv[1], "send") == 0);

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	if (known)
		fprintf(stderr, "llm: ledger %s: %s '%s'%s\n", argv[1], argv[2][0] == '-' ?
		    "unknown option" : "unexpected", argv[2], cli_option_hint("ledger", argv[2]));
	else if (argc >= 2)
		fprintf(stderr, "llm: ledger: %s '%s'\n", argv[1][0] == '-' ? "unknown option" :
		    "unknown command", argv[1]);
	else
		fprintf(stderr, "llm: ledger: no command given (init or send)\n");
	cli_usage_hint("ledger", cli_ledger_usage);
	return EXIT_USAGE;
}

/* llm ledger init: create or upgrade the schema, SQLite's or the team's; llm ledger send. */
int
cli_ledger(struct app *cli, int argc, char **argv)
{
	const struct ledger_team *t = ledger_team();
	struct ledger *l;
	char *cause = NULL, zone[128] = "";
	int v = 0, rc = EXIT_OK;

	if (argc != 2 || (strcmp(argv[1], "init") != 0 && strcmp(argv[1], "send") != 0))
		return ledger_usage(argc, argv);
	/* Opening the SQLite ledger creates or upgrades it. */
	if ((l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: ledger %s: %s\n", argv[1], cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "send") == 0) {
		if ((rc = ledger_send(l, t)) == EXIT_PROVIDER)
			cli_ledger_meanwhile(cli, l, "ledger send");
	} else if (t == NULL) {
		printf("ledger: %s/llm.db is up to date\n", cli->cfg.data_dir);
	} else if (ledger_pg_init(ledger_pg(l), &v, &cause) < 0 ||
	    ledger_pg_zone(ledger_pg(l), zone, sizeof zone, &cause) < 0) {
		fprintf(stderr, "llm: ledger init: %s\n", cause);
		free(cause);
		rc = cli_ledger_rc(l);
	} else if (v == LEDGER_PG_VERSION) {
		printf("team ledger: schema version %d is up to date; team \"%s\" (time zone %s)\n",
		    v, t->team, zone);
	} else {
		printf("team ledger: schema version %d %s; team \"%s\" (time zone %s)\n",
		    LEDGER_PG_VERSION, v == 0 ? "created" : "upgraded", t->team, zone);
	}
	ledger_close(l);
	return rc;
}
