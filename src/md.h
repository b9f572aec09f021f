/* md: Markdown (md4c) and plain text into styled lines wrapped to a display width; no curses. */
#ifndef LLM_MD_H
#define LLM_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "theme.h"

/* A run of one style inside a line: bytes [off, off+len) of the line's text. */
struct md_span {
	uint32_t off, len;
	uint8_t slot;      /* enum theme_slot */
	uint8_t attrs;     /* THEME_BOLD | ..., added to the slot's own */
};

/* One screen line: UTF-8 text no wider than the width it was wrapped to. */
struct md_line {
	char *text;
	uint32_t len;
	uint32_t nspans;
	struct md_span *spans;
};

/* A fenced or indented code block, for saving or copying. */
struct md_code {
	int number;        /* as shown: [N] */
	char *lang;        /* "" when none */
	char *text;
};

struct md_doc {
	struct md_line *lines;
	size_t nlines, cap;
	struct md_code *codes;
	size_t ncodes, codecap;
};

void md_doc_init(struct md_doc *d);
void md_doc_done(struct md_doc *d);
/* Drop the lines and code blocks, keeping the memory for reuse. */
void md_doc_clear(struct md_doc *d);
/* md_render's flags. */
enum {
	MD_CODE_TICKS = 1 << 0,    /* keep inline code's backticks: where no colour sets it apart */
	MD_AFTER = 1 << 1,         /* blocks came before in d: owe them a blank line */
};

/*
 * Append the Markdown text rendered for width columns (at least 8). base is the
 * style of plain text; code blocks are numbered from first_code and set apart
 * with their number and language; flags are MD_CODE_TICKS or 0.
 */
void md_render(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot base,
    int first_code, unsigned flags);
/* Append text as it is (newlines kept), wrapped at spaces to width, in one style. */
void md_plain(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot slot,
    unsigned attrs);
/*
 * Append text as it is, spaces kept and tabs to stops of four, in one style; a
 * line wider than width breaks at spaces and goes on hang columns in, after mark
 * (NULL: blanks).
 */
void md_hang(struct md_doc *d, const char *text, size_t len, int width, enum theme_slot slot,
    unsigned attrs, int hang, const char *mark);
/* Drop d's lines from nlines on and its code blocks from ncodes on. */
void md_doc_truncate(struct md_doc *d, size_t nlines, size_t ncodes);

/*
 * Where a text streaming in splits: the text before cut is whole blocks that
 * md_render draws the same alone as before the rest (with MD_AFTER there).
 */
struct md_cut {
	size_t scan;       /* the start of the next line to look at */
	size_t cut;        /* the latest cut found; 0: none */
	size_t fence_len;  /* the open fence's length and indent */
	size_t fence_indent;
	char fence;        /* the open fence's character; 0: none */
	bool blank;        /* the line before scan is blank */
	bool never;        /* a link definition: blocks depend on later ones, no cut */
	/* the open fence, when it opened at the cut at column 0: its lines can be kept */
	bool fence_cut;
	size_t fence_body; /* the start of its first line of code */
	size_t fence_kept; /* the end of its last line that is not blank; 0: none */
	size_t seen;       /* the line at scan has no newline before this */
};

void md_cut_init(struct md_cut *c);
/* Look at text (only grown since the last call); return the latest cut, 0 if none. */
size_t md_cut_find(struct md_cut *c, const char *text, size_t len);
/*
 * Whether the text ends in a fence opened at the cut: then its lines up to
 * *kept (a line's end, after one that is not blank, past *body, where its code
 * starts) are drawn the same whatever follows.
 */
bool md_cut_fence(const struct md_cut *c, size_t *body, size_t *kept);
/*
 * Whether the text ends in a fence opened at the cut, at the margin (lines
 * kept or not): then its code starts at *body and its last line, the one still
 * coming in, at *line.
 */
bool md_cut_open(const struct md_cut *c, size_t *body, size_t *line);
/*
 * Append the rows md_render draws for a line of code in a fence at the margin
 * (no list or quote around it) at width: s[0..n) is the line from column *col
 * on, where a row starts. With last, all its rows and the fence's foot; else
 * only the rows that more text cannot change: return the bytes they hold and
 * add their columns to *col.
 */
size_t md_code_rows(struct md_doc *d, const char *s, size_t n, int width, int *col, bool last);
/* Return how many bytes md has laid out or measured so far: its work, for tests and benchmarks. */
unsigned long long md_laid_out(void);
/* Count the code blocks md_render would number. */
int md_count_code(const char *text, size_t len);
/* The display width of UTF-8 text (wide characters 2, combining 0). */
int md_width(const char *s, size_t n);

#endif
