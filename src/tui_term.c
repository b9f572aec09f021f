/* tui_term: whether a terminal type can hold the full screen, asked before curses starts. */
#include "tui_priv.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

/* Last: <term.h> defines macros named like ordinary words (lines, columns, ...). */
#include <curses.h>
#include <term.h>

/*
 * Tell whether terminal type term (NULL: $TERM) can hold a full screen: it
 * must move the cursor anywhere and clear the screen, and be neither a
 * printing nor a generic one. Asked before anything else starts, so that a
 * dumb terminal never gets a screen it cannot show (nor sends a message).
 * 0, or -1 with *cause.
 */
int
tui_term_capable(const char *term, char **cause)
{
	const char *name = term != NULL ? term : getenv("TERM");
	char *addr, *wipe;
	int err = 0;
	bool ok;

	if (name == NULL || *name == '\0')
		name = NULL;
	if (name == NULL || setupterm(name, STDOUT_FILENO, &err) != OK) {
		xasprintf(cause, "%s%s: the full-screen client needs a capable terminal; use llm PROMPT",
		    name ? "unknown terminal type TERM=" : "TERM is not set", name ? name : "");
		return -1;
	}
	addr = tigetstr("cup");
	wipe = tigetstr("clear");
	ok = addr != NULL && addr != (char *)-1 && wipe != NULL && wipe != (char *)-1 &&
	    tigetflag("hc") <= 0 && tigetflag("gn") <= 0;
	del_curterm(cur_term);
	if (ok)
		return 0;
	xasprintf(cause, "TERM=%s cannot address the cursor: the full-screen client needs a capable "
	    "terminal; use llm PROMPT", name);
	return -1;
}
