/* cli_ask_priv: what the one-shot command line's two files share. */
#ifndef CLI_ASK_PRIV_H
#define CLI_ASK_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "chat.h"
#include "cli.h"
#include "cli_opts.h"
#include "image.h"
#include "ledger.h"
#include "visible.h"

struct ask {
	struct app *cli;
	enum cli_face face;     /* llm PROMPT, or llm route */
	struct cli_opts p;
	char **files;           /* p.files */
	size_t nfiles;
	struct image *images;   /* the files among them that are images, read whole */
	size_t nimages;
	bool out_tty;
	bool out_broken;
	bool out_gone;          /* the reader of stdout went away (EPIPE) */
	int sig;                /* the signal that stopped the turn, or 0 */
	bool utf8;              /* the locale shows "·" and "→" */
	struct visible vis;
	struct buf vbuf;
	struct buf warns;       /* budget warnings: said once the answer has ended its line */
	char *fail;             /* why a turn that ended well still fails (an empty answer), or NULL */
};

/* Write all of s to stdout now, so that a pipe sees the answer as it arrives. */
void ask_out_write(struct ask *a, const char *s, size_t n);
/* Hand what was written to the pipe or terminal. */
void ask_out_flush(struct ask *a);

/* Say the turn's tier, model, tokens, cost and the month's meter on stderr, on one line. */
void ask_summary(struct ask *a, struct chat *c, struct ledger *l);
/* Say the route taken on stderr (-v). */
void ask_explain(struct ask *a, const struct chat_route *r);
/* Print --json's one object; rc is the exit status llm ends with, said in it too. */
void ask_print_json(struct ask *a, struct chat *c, struct ledger *l, int rc);

#endif
