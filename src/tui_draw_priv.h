/* tui_draw_priv: what the drawing files share: writing styled text into a row. */
#ifndef LLM_TUI_DRAW_PRIV_H
#define LLM_TUI_DRAW_PRIV_H

#include <stddef.h>

#include "tui_priv.h"

/* A piece of a row: its text and how it looks. */
struct tui_piece {
	const char *s;
	int slot;
	unsigned extra;
};

/* Write s at the cursor, clipped so the column stays within maxx; advance *x. */
void tui_seg(struct tui *t, int y, int *x, int maxx, const char *s, int slot, unsigned extra);
/* Write the n pieces at row y from *x up to maxx, cut with an ellipsis if they do not all fit. */
void tui_pieces(struct tui *t, int y, int *x, int maxx, const struct tui_piece *p, size_t n);
/* Write s at row y from *x up to column maxx, ending in an ellipsis if cut. */
void tui_seg_cut(struct tui *t, int y, int *x, int maxx, const char *s, int slot, unsigned extra);

/* tui_draw_bar.c */
/* Draw where the message being typed would go, and why, at row y. */
void tui_draw_route(struct tui *t, int y);
/* Draw the budget meter and the tier or pinned model at row y. */
void tui_draw_meter(struct tui *t, int y);

#endif
