/* md_priv: the styled blocks and lines md.c builds and md_wrap.c wraps, shared by the two. */
#ifndef LLM_MD_PRIV_H
#define LLM_MD_PRIV_H

/* What starts a code row that goes on a line cut at the width (the others start with a bar). */
#define MD_CODE_WRAP_BAR "\xe2\x94\x8a "

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "md.h"

/* A style change inside a block's text. */
struct run {
	uint32_t off, len;
	uint8_t slot, attrs;
};

/* Text waiting to be wrapped, with its styles. */
struct block {
	struct buf text;
	struct run *runs;
	size_t nruns, cap;
};

/* A line being built. */
struct lb {
	struct buf text;
	struct md_span *spans;
	size_t nspans, cap;
	int width;
};

/* The width of the character at s (n bytes left); its length in *clen. */
int md_char_width(const char *s, size_t n, size_t *clen);
/* Append bytes in one style to a line being built, w columns wide. */
void md_lb_add(struct lb *l, const char *s, size_t n, uint8_t slot, uint8_t attrs, int w);
/* Move a finished line into the doc, trailing blanks trimmed, and start afresh. */
void md_lb_emit(struct md_doc *d, struct lb *l);
/* Free a line being built. */
void md_lb_done(struct lb *l);
/* Copy the prefix pieces of src onto a fresh line. */
void md_lb_copy(struct lb *dst, const struct lb *src);
/* Count n more bytes laid out into lines (md_laid_out). */
void md_count_laid(size_t n);
/* Append text to a block in one style. */
void md_blk_add(struct block *bk, const char *s, size_t n, uint8_t slot, uint8_t attrs);
/* Start an empty block. */
void md_blk_init(struct block *bk);
/* Free what a block holds. */
void md_blk_done(struct block *bk);
/* Empty a block, keeping its memory. */
void md_blk_reset(struct block *bk);
/* Append block src's text to dst with its styles. */
void md_blk_append(struct block *dst, const struct block *src);
/*
 * Wrap a block into the doc's lines at width columns: at spaces, or hard at
 * characters when pre; the first line starts with pf, the others with pc, but
 * those that go on a line cut hard with pw when it is not NULL (as wide as pc).
 */
void md_wrap(struct md_doc *d, const struct block *bk, const struct lb *pf, const struct lb *pc,
    const struct lb *pw, int width, bool pre);

#endif
