/* test_md: Markdown and plain text into styled lines, wrapped on display width, byte for byte. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "md.h"
#include "unit.h"
#include "util.h"

/* The lines of a render joined with newlines. */
static char *
text_of(const struct md_doc *d)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < d->nlines; i++) {
		buf_add(&b, d->lines[i].text, d->lines[i].len);
		buf_addc(&b, '\n');
	}
	return buf_detach(&b);
}

/* Line i's spans as "slot+attrs:text|..." */
static char *
spans_of(const struct md_doc *d, size_t i)
{
	const struct md_line *l = &d->lines[i];
	struct buf b;
	size_t j;

	buf_init(&b, 0);
	for (j = 0; j < l->nspans; j++)
		buf_addf(&b, "%s%s%u:%.*s|", j ? "" : "", theme_slot_name(l->spans[j].slot),
		    l->spans[j].attrs, (int)l->spans[j].len, l->text + l->spans[j].off);
	return buf_detach(&b);
}

static void
check_md(const char *md, int width, const char *want)
{
	struct md_doc d;

	md_doc_init(&d);
	md_render(&d, md, strlen(md), width, THEME_TEXT, 1, 0);
	CHECK_STR_FREE(text_of(&d), want);
	md_doc_done(&d);
}

static void
test_paragraph_wrap(void)
{
	check_md("The quick brown fox jumps over the lazy dog.", 20,
	    "The quick brown fox\njumps over the lazy\ndog.\n");
	check_md("one\ntwo\n\nthree", 40, "one two\n\nthree\n");
	/* a word wider than the line is cut */
	check_md("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij\nklmnopqrst\nuvwxyz\n");
	/* from the line it follows, after its space; from the next where that space does not fit */
	check_md("in abcdefghijklm", 10, "in abcdefg\nhijklm\n");
	check_md("the crash in abcdefghijkl", 12, "the crash in\nabcdefghijkl\n");
	check_md("the crash in abcdefghijklm", 12, "the crash in\nabcdefghijkl\nm\n");
	check_md("the crash in `abcdefghijklm`", 13, "the crash in\nabcdefghijklm\n");
	check_md("the crash in `abcdefghijklmn`", 13, "the crash in\nabcdefghijklm\nn\n");
	/* a tab between words is a space: the words stay apart, and wrap there */
	check_md("word\ttab and a\tb", 40, "word tab and a b\n");
	check_md("- item\twith tab\n\n| a\t| b |\n|---|---|\n| c\td | e |", 40,
	    "\xe2\x80\xa2 item with tab\n\na   \xe2\x94\x82 b\n"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\xbc\xe2\x94\x80\xe2\x94\x80\n"
	    "c d \xe2\x94\x82 e\n");
	check_md("alpha\tbeta", 6, "alpha\nbeta\n");
	check_md("runs  \t of   blanks, `code\twith a tab`", 40,
	    "runs of blanks, code with a tab\n");
}

static void
test_heading_emphasis(void)
{
	struct md_doc d;
	char *s;

	md_doc_init(&d);
	s = (char *)"# Title\n\nplain *em* **strong** `code`";
	md_render(&d, s, strlen(s), 80, THEME_ASSISTANT, 1, 0);
	CHECK_INT(d.nlines, 3);
	CHECK_STR_FREE(spans_of(&d, 0), "heading1:Title|");
	CHECK_STR(d.lines[1].text, "");
	s = spans_of(&d, 2);
	CHECK_STR(s, "assistant0:plain |assistant16:em|assistant0: |assistant1:strong|"
	    "assistant0: |code0:code|");
	free(s);
	md_doc_done(&d);
}

/* Where no colour sets inline code apart, its backticks stay, in the code's style; blocks are untouched. */
static void
test_code_ticks(void)
{
	struct md_doc d;
	char *s;

	md_doc_init(&d);
	s = (char *)"run `make check` now\n\n```\nmake\n```\n";
	md_render(&d, s, strlen(s), 80, THEME_TEXT, 1, MD_CODE_TICKS);
	CHECK_STR(d.lines[0].text, "run `make check` now");
	CHECK_STR_FREE(spans_of(&d, 0), "text0:run |code0:`make check`|text0: now|");
	CHECK_INT(d.ncodes, 1);
	CHECK_STR(d.codes[0].text, "make\n");
	md_doc_done(&d);
	md_doc_init(&d);
	md_render(&d, s, strlen(s), 80, THEME_TEXT, 1, 0);
	CHECK_STR(d.lines[0].text, "run make check now");
	md_doc_done(&d);
}

static void
test_lists(void)
{
	check_md("- one\n- two\n  - nested item that is long enough\n- three\n\n1. first\n2. second\n", 24,
	    "\xe2\x80\xa2 one\n"
	    "\xe2\x80\xa2 two\n"
	    "  \xe2\x97\xa6 nested item that is\n"
	    "    long enough\n"
	    "\xe2\x80\xa2 three\n"
	    "\n"
	    "1. first\n"
	    "2. second\n");
	check_md("7. seven\n8. eight is a long item here", 16,
	    "7. seven\n8. eight is a\n   long item\n   here\n");
}

static void
test_quote(void)
{
	check_md("before\n\n> quoted text that wraps\n>\n> again\n\nafter", 16,
	    "before\n"
	    "\n"
	    "\xe2\x94\x82 quoted text\n"
	    "\xe2\x94\x82 that wraps\n"
	    "\xe2\x94\x82\n"
	    "\xe2\x94\x82 again\n"
	    "\n"
	    "after\n");
}

static void
test_code_blocks(void)
{
	struct md_doc d;
	const char *md = "Look:\n\n```c\nint main(void)\n{\n\treturn 0;\n}\n```\n\n    plain\n";
	char *got;

	md_doc_init(&d);
	md_render(&d, md, strlen(md), 40, THEME_TEXT, 3, 0);
	got = text_of(&d);
	CHECK_STR(got, "Look:\n"
	    "\n"
	    "\xe2\x94\x8c [3] c\n"
	    "\xe2\x94\x82 int main(void)\n"
	    "\xe2\x94\x82 {\n"
	    "\xe2\x94\x82     return 0;\n"
	    "\xe2\x94\x82 }\n"
	    "\xe2\x94\x94\n"
	    "\n"
	    "\xe2\x94\x8c [4]\n"
	    "\xe2\x94\x82 plain\n"
	    "\xe2\x94\x94\n");
	free(got);
	CHECK_INT(d.ncodes, 2);
	CHECK_INT(d.codes[0].number, 3);
	CHECK_STR(d.codes[0].lang, "c");
	/* saved as written: a leading tab stays a tab (a Makefile needs it) */
	CHECK_STR(d.codes[0].text, "int main(void)\n{\n\treturn 0;\n}\n");
	CHECK_STR(d.codes[1].text, "plain\n");
	CHECK_STR_FREE(spans_of(&d, 3), "dim0:\xe2\x94\x82 |code0:int main(void)|");
	md_doc_done(&d);
	CHECK_INT(md_count_code(md, strlen(md)), 2);
	CHECK_INT(md_count_code("no code", 7), 0);
	/* a tab's stop counts columns, not bytes: after "é" (2 bytes) or "日本" (4 columns) too */
	check_md("```\nab\tx\n\xc3\xa9\tx\n\xe6\x97\xa5\xe6\x9c\xac\tx\n```", 40,
	    "\xe2\x94\x8c [1]\n"
	    "\xe2\x94\x82 ab  x\n"
	    "\xe2\x94\x82 \xc3\xa9   x\n"
	    "\xe2\x94\x82 \xe6\x97\xa5\xe6\x9c\xac    x\n"
	    "\xe2\x94\x94\n");
}

/*
 * A code line wider than the screen goes on below it, its rows after the first
 * marked with a dotted bar: a line cut at the width does not read as two lines.
 * The rows a streaming line is laid out in (md_code_rows) are marked alike.
 */
static void
test_code_long_line_cut(void)
{
	struct md_doc d;
	int col = 0;

	check_md("```\n0123456789abcdef\n```", 10,
	    "\xe2\x94\x8c [1]\n"
	    "\xe2\x94\x82 01234567\n"
	    "\xe2\x94\x8a 89abcdef\n"
	    "\xe2\x94\x94\n");
	check_md("```\nab\n0123456789\n```", 10,
	    "\xe2\x94\x8c [1]\n"
	    "\xe2\x94\x82 ab\n"
	    "\xe2\x94\x82 01234567\n"
	    "\xe2\x94\x8a 89\n"
	    "\xe2\x94\x94\n");
	md_doc_init(&d);
	md_code_rows(&d, "0123456789abcdefgh", 18, 10, &col, true);
	CHECK_STR_FREE(text_of(&d), "\xe2\x94\x82 01234567\n\xe2\x94\x8a 89abcdef\n"
	    "\xe2\x94\x8a gh\n\xe2\x94\x94\n");
	md_doc_done(&d);
}

static void
test_unclosed_fence_streaming(void)
{
	/* A reply cut mid-stream still shows its code. */
	check_md("Here:\n\n```py\nprint(1)\n", 30,
	    "Here:\n\n\xe2\x94\x8c [1] py\n\xe2\x94\x82 print(1)\n\xe2\x94\x94\n");
}

/*
 * A code line of many tabs has them at stops of four, the columns before each
 * counted on from the last, not measured again from the line's start.
 */
static void
test_code_tabs_long(void)
{
	struct md_doc d;
	struct buf b, want;
	unsigned long long before;
	size_t i, col = 0, k;
	const char *cell[] = { "ab", "\xe4\xb8\xad", "e\xcc\x81xyz", "" };

	buf_init(&b, 0);
	buf_init(&want, 0);
	buf_adds(&b, "```\n");
	buf_adds(&want, "\xe2\x94\x82 ");
	for (i = 0; b.len < 64 * 1024; i++) {
		const char *c = cell[i % 4];

		buf_adds(&b, c);
		buf_adds(&b, "\t");
		buf_adds(&want, c);
		col += (size_t)md_width(c, strlen(c));
		for (k = 4 - col % 4; k > 0; k--, col++)
			buf_addc(&want, ' ');
	}
	buf_adds(&b, "x\n```\n");
	buf_adds(&want, "x");
	md_doc_init(&d);
	before = md_laid_out();
	md_render(&d, b.data, b.len, 1000000, THEME_TEXT, 1, 0);
	CHECK(md_laid_out() - before < 8 * b.len);
	CHECK_INT((int)d.nlines, 3);
	if (d.nlines == 3)
		CHECK(d.lines[1].len == want.len && memcmp(d.lines[1].text, want.data, want.len) == 0);
	md_doc_done(&d);
	buf_done(&b);
	buf_done(&want);
}

static void
test_wide_and_combining(void)
{
	/* 日本語 is six columns; combining e + U+0301 is one. */
	check_md("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 8,
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\n\xe6\x9c\xac\xe8\xaa\x9e\n");
	check_md("e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81"
	    "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 8,
	    "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81" "e\xcc\x81"
	    "e\xcc\x81\n" "e\xcc\x81\n");
	CHECK_INT(md_width("\xe6\x97\xa5x", 4), 3);
	CHECK_INT(md_width("e\xcc\x81", 3), 1);
	CHECK_INT(md_width("caf\xc3\xa9", 5), 4);
}

static void
test_links_entities(void)
{
	check_md("See [docs](https://x.org), <https://y.org> &amp; &lt;b&gt;", 80,
	    "See docs (https://x.org), https://y.org & <b>\n");
}

static void
test_table_hr(void)
{
	/* columns line up on display width; a rule under the header */
	check_md("| tool | catches |\n|---|---|\n| ASan | use-after-free |\n| \xe6\x97\xa5\xe6\x9c\xac | x |\n\n---\n\nend", 40,
	    "tool \xe2\x94\x82 catches\n"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\xbc"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\n"
	    "ASan \xe2\x94\x82 use-after-free\n"
	    "\xe6\x97\xa5\xe6\x9c\xac \xe2\x94\x82 x\n"
	    "\n"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
	    "\xe2\x94\x80\n\nend\n");
}

/*
 * A table wider than the screen keeps its grid: the widest columns are narrowed to
 * fit and their cells wrap inside them, styles kept; no line is wider than the screen.
 */
static void
test_table_narrow(void)
{
	const char *md = "| a | b |\n|---|---|\n| 1 | two words and **more** here |\n| 22 | x |";
	struct md_doc d;
	size_t i;

	check_md(md, 20,
	    "a  \xe2\x94\x82 b\n"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\xbc"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80"
	    "\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\n"
	    "1  \xe2\x94\x82 two words and\n"
	    "   \xe2\x94\x82 more here\n"
	    "22 \xe2\x94\x82 x\n");
	md_doc_init(&d);
	md_render(&d, md, strlen(md), 20, THEME_TEXT, 1, 0);
	for (i = 0; i < d.nlines; i++)
		CHECK(md_width(d.lines[i].text, d.lines[i].len) <= 20);
	CHECK_STR_FREE(spans_of(&d, 3), "text0:  |dim0: \xe2\x94\x82 |text1:more|text0: here|");
	md_doc_done(&d);
}

static void
test_plain(void)
{
	struct md_doc d;
	const char *s = "first line is long\n\nthird *not md*";

	md_doc_init(&d);
	md_plain(&d, s, strlen(s), 10, THEME_USER, THEME_BOLD);
	CHECK_STR_FREE(text_of(&d), "first line\nis long\n\nthird *not\nmd*\n");
	CHECK_STR_FREE(spans_of(&d, 0), "user1:first line|");
	md_doc_clear(&d);
	CHECK_INT(d.nlines, 0);
	/* pasted code keeps its indentation; a wrapped row hangs under it */
	s = "def f(x):\n    return x * 2\n\tpass\n";
	md_plain(&d, s, strlen(s), 12, THEME_USER, 0);
	CHECK_STR_FREE(text_of(&d), "def f(x):\n    return x\n    * 2\n    pass\n");
	md_doc_clear(&d);
	/* an indentation deeper than half the width is cut to half */
	s = "          deep words";
	md_plain(&d, s, strlen(s), 8, THEME_USER, 0);
	CHECK_STR_FREE(text_of(&d), "    deep\n    word\n    s\n");
	md_doc_done(&d);
}

/* md_hang: spaces and tabs kept as they are; a long line breaks at spaces, going on hang columns in. */
static void
test_hang(void)
{
	struct md_doc d;
	const char *s = "? run for f in a b; do\n\techo \"x  $f\" and more\n\ndone";

	md_doc_init(&d);
	md_hang(&d, s, strlen(s), 16, THEME_DIM, 0, 6, NULL);
	CHECK_STR_FREE(text_of(&d), "? run for f in a\n      b; do\n    echo \"x  $f\"\n      and more\n\ndone\n");
	md_doc_clear(&d);
	/* a hang over half the width is half the width: a line still goes on */
	md_hang(&d, "abcdefghijkl", 12, 8, THEME_DIM, 0, 7, NULL);
	CHECK_STR_FREE(text_of(&d), "abcdefgh\n    ijkl\n");
	md_doc_done(&d);
}

/* md_hang: words and arguments whole, a row that goes on a line marked; a word wider than a row cut. */
static void
test_hang_words(void)
{
	struct md_doc d;
	const char *s = "? run git commit -m message --author someone";
	const char *u = "? run rm -rf /home/user/important-directory && echo done";
	size_t i;

	md_doc_init(&d);
	md_hang(&d, s, strlen(s), 20, THEME_DIM, 0, 6, "\xe2\x86\xaa");
	CHECK_STR_FREE(text_of(&d), "? run git commit -m\n    \xe2\x86\xaa message\n"
	    "    \xe2\x86\xaa --author\n    \xe2\x86\xaa someone\n");
	md_doc_clear(&d);
	/* a path longer than a row: cut, from where the row has room, then whole words again */
	md_hang(&d, u, strlen(u), 20, THEME_DIM, 0, 6, "\xe2\x86\xaa");
	CHECK_STR_FREE(text_of(&d), "? run rm -rf /home/u\n    \xe2\x86\xaa ser/important-\n"
	    "    \xe2\x86\xaa directory &&\n    \xe2\x86\xaa echo done\n");
	for (i = 0; i < d.nlines; i++)
		CHECK(md_width(d.lines[i].text, d.lines[i].len) <= 20);
	md_doc_clear(&d);
	/* spaces past the row's end after the one broken at start the next; those ending a line none */
	md_hang(&d, "echo 'a   b'   ", 15, 8, THEME_DIM, 0, 2, NULL);
	CHECK_STR_FREE(text_of(&d), "echo 'a\n   b'\n");
	md_doc_done(&d);
}

static void
test_empty(void)
{
	check_md("", 20, "");
}

/* Deep quotes, lists and a code block on a narrow screen (8 columns at least): no line is wider. */
static void
test_narrow_nesting(void)
{
	static const char *const inputs[] = {
		">>>\t\t**",
		"> > > > > > > > quoted deeply\n",
		"- a\n  - b\n    - c\n      - d\n        - e\n          - f deep item text\n",
		"> 1. x\n>    > - y\n>    >   ```python\n>    >   print('a long line of code')\n"
		">    >   ```\n",
		"```averyveryverylonglanguagename\ncode\n```\n",
	};
	struct md_doc d;
	size_t i, k;
	int w;

	for (i = 0; i < ARRAY_SIZE(inputs); i++)
		for (w = 8; w <= 24; w++) {
			md_doc_init(&d);
			md_render(&d, inputs[i], strlen(inputs[i]), w, THEME_ASSISTANT, 1, 0);
			for (k = 0; k < d.nlines; k++)
				if (md_width(d.lines[k].text, d.lines[k].len) > w) {
					fprintf(stderr, "input %zu width %d line %zu: '%s'\n", i, w, k,
					    d.lines[k].text);
					unit_bad = 1;
				}
			md_doc_done(&d);
		}
}

int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	RUN(test_paragraph_wrap);
	RUN(test_heading_emphasis);
	RUN(test_code_ticks);
	RUN(test_lists);
	RUN(test_quote);
	RUN(test_code_blocks);
	RUN(test_code_long_line_cut);
	RUN(test_unclosed_fence_streaming);
	RUN(test_code_tabs_long);
	RUN(test_wide_and_combining);
	RUN(test_links_entities);
	RUN(test_table_hr);
	RUN(test_table_narrow);
	RUN(test_plain);
	RUN(test_hang);
	RUN(test_hang_words);
	RUN(test_empty);
	RUN(test_narrow_nesting);
	UNIT_EXIT();
}
