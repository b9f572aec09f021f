/* cli_ledger: the ledger as the command line opens it: a long wait for its lock is said. */
#include <stdio.h>

#include "cli.h"
#include "ledger.h"

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
