/* app: the application context every face shares: config, catalog, terminal. */
#ifndef LLM_APP_H
#define LLM_APP_H

#include <stdbool.h>

#include "config.h"

struct catalog;

/* Loaded once by main before a subcommand or the full-screen client runs. */
struct app {
	struct config cfg;
	struct catalog *cat;
	bool color;     /* stderr is a terminal and colour is allowed */
	bool err_tty;   /* stderr is a terminal */
	char *cfg_errors; /* what config_load found wrong (only for llm config) */
	int64_t cfg_budget; /* [llm] budget as read, when a team ledger's budgets replace it */
};

#endif
