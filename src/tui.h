/* tui: the full-screen client: transcript, route line, budget meter and readline input. */
#ifndef LLM_TUI_H
#define LLM_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "chat.h"

struct app;

/* How the TUI starts; everything borrowed for the run. */
struct tui_opts {
	enum tier tier;              /* override, TIER_AUTO: none */
	const char *model;           /* a pin, or NULL */
	const char *system;          /* system prompt, or NULL */
	const char *role;            /* -r NAME: its defaults (the prompt is in system), or NULL */
	const char *theme;           /* NULL: the config's */
	int64_t resume;              /* conversation to continue; 0: none */
	bool resume_latest;          /* -c: the latest conversation */
	char **files;                /* files to attach to the first message */
	size_t nfiles;
	const char *script;          /* headless: keys and commands from this file */
	const char *out;             /* headless: where terminal output goes (NULL: /dev/null) */
	int width, height;           /* headless screen size */
	bool agent;                  /* start in agent mode: tools on */
};

/*
 * Run the TUI until the user quits: CHAT_OK, or CHAT_USAGE when it could not
 * start or its script failed.
 */
enum chat_status tui_run(struct app *cli, const struct tui_opts *o);

#endif
