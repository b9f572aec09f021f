/* test_stream_view: a reply drawn as it streams in is, line for line, the reply drawn whole. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "md.h"
#include "tui_priv.h"
#include "unit.h"
#include "util.h"

/* Blocks that replies are made of, the awkward ones included. */
static const char *const pieces[] = {
	"Intro with `code`, **bold** and a [link](https://example.com).\n\n",
	"```c\nint x;\n\nint y;\n```\n\n",
	"~~~\nA\n\nB ```\n~~~\n\n",
	"````md\n```\ninner\n```\n\nstill inside\n````\n\n",
	"- a\n- b\n\n- c, loose\n\nafter the list\n\n",
	"1. one\n   ```sh\n   make\n\n   make check\n   ```\n2. two\n\n",
	"- ```\n  x\n  ```\n```\nfence?\n\nFoo\n```\n\n",
	"> quote\n> ```\n> q\n\nText after the quote\n\n",
	"| a | b |\n|---|---|\n| 1 | 2 |\n| three | four |\n\n",
	"    indented code\n\n    more of it\n\nNext\n\n",
	"Heading\n=======\n\n",
	"---\n\n",
	"See [ref] here, and [ref][] too.\n\n",
	"[ref]: https://example.com/ref\n\n",
	"# Title\n\nText *em* and ~~gone~~.\n",
	"```\nunclosed at the end\n\nstill code\n",
	"Para\nwith a lazy\nline\n\n",
	"* star\n\n  continued\n\nEnd\n\n",
	"10) ten\n\n11) eleven\n\n",
	"\tTabbed\n\nX\n\n",
	"  ```\n  a fence two in\n\nout\n  ```\n\n",
	"- [ ] task\n- [x] done\n\n",
	"A long paragraph that wraps over several lines of the screen at the narrow width "
	    "the test draws at, with words of different lengths to break at.\n\n",
	"```python\ndef f(a):\n    return a[1]: 2\n```\n\n",
	"  - nested\n    - deeper\n\n      text\n\nBack\n\n",
};

#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

/* The reply before, with two code blocks: the streamed one's are numbered from 3. */
#define PRIOR "```\na\n```\n\n```\nb\n```\n"

/* The entry's lines, spans and code blocks as one string (malloc'd). */
static char *
dump(const struct tui_msg *m)
{
	struct buf b;
	size_t i, j;

	buf_init(&b, 0);
	for (i = 0; i < m->doc.nlines; i++) {
		const struct md_line *l = &m->doc.lines[i];

		buf_add(&b, l->text, l->len);
		buf_addc(&b, '|');
		for (j = 0; j < l->nspans; j++)
			buf_addf(&b, "%u,%u,%u,%u;", l->spans[j].off, l->spans[j].len, l->spans[j].slot,
			    l->spans[j].attrs);
		buf_addc(&b, '\n');
	}
	for (i = 0; i < m->doc.ncodes; i++)
		buf_addf(&b, "[%d %s]%s\n", m->doc.codes[i].number, m->doc.codes[i].lang,
		    m->doc.codes[i].text);
	buf_addf(&b, "codes %d from %d\n", m->ncodes, m->code_base);
	return buf_detach(&b);
}

/* text and info drawn whole, in one md_render, at width, after an entry with two code blocks. */
static char *
whole(const char *text, size_t len, const char *info, int width, bool ticks)
{
	struct tui_view v;
	struct tui_msg *m;
	char *s;

	tui_view_init(&v);
	tui_view_code_ticks(&v, ticks);
	tui_view_add(&v, TUI_ASSISTANT, PRIOR, strlen(PRIOR));
	m = tui_view_add(&v, TUI_ASSISTANT, "", 0);
	m->cut.never = true;         /* no cut: the text is drawn whole */
	buf_add(&m->text, text, len);
	tui_view_set_info(m, info);
	m->ncodes = md_count_code(text, len);
	tui_view_wrap(&v, m, width);
	s = dump(m);
	tui_view_done(&v);
	return s;
}

/* Whether the entry, drawn at width, is what drawing its text whole gives. */
static bool
same(struct tui_view *v, struct tui_msg *m, int width)
{
	char *got, *want;
	bool ok;

	tui_view_wrap(v, m, width);
	got = dump(m);
	want = whole(m->text.data ? m->text.data : "", m->text.len, m->info, width,
	    v->code_ticks);
	ok = strcmp(got, want) == 0;
	if (!ok)
		fprintf(stderr, "text:\n%.*s\n--- drawn as it came:\n%s--- drawn whole:\n%s", (int)m->text.len,
		    m->text.data, got, want);
	free(got);
	free(want);
	return ok;
}

/* Frames drawn while the rows of a fence's long last line were kept. */
static size_t line_frames;

/*
 * Stream text in pieces of 1 to maxc bytes (from seed), drawing at width after
 * each, then at other widths as after a resize; return whether every frame was
 * the whole text's, and in *kept whether lines were kept from frame to frame.
 */
static bool
stream(const char *text, unsigned seed, size_t maxc, int width, bool ticks, bool *kept)
{
	struct tui_view v;
	struct tui_msg *m;
	size_t off = 0, len = strlen(text), n;
	bool ok = true;

	srand(seed);
	tui_view_init(&v);
	tui_view_code_ticks(&v, ticks);
	tui_view_add(&v, TUI_ASSISTANT, PRIOR, strlen(PRIOR));
	m = tui_view_add(&v, TUI_ASSISTANT, "", 0);
	*kept = false;
	while (ok && off < len) {
		n = 1 + (size_t)rand() % maxc;
		if (n > len - off)
			n = len - off;
		tui_view_append(&v, m, text + off, n);
		off += n;
		ok = same(&v, m, width);
		*kept |= m->done > 0;
		line_frames += m->line_at != 0;
	}
	ok = ok && same(&v, m, width + 13) && same(&v, m, 20) && same(&v, m, width);
	tui_view_set_info(m, "tier · model · 10 tokens");
	ok = ok && same(&v, m, width);
	tui_view_done(&v);
	return ok;
}

/* Each block alone and after a paragraph, in pieces of every size up to 9 bytes. */
static void
test_each_block(void)
{
	size_t i, c;
	bool kept;

	for (i = 0; i < NPIECES; i++) {
		char *text = xstrfmt("First paragraph.\n\n%sLast paragraph.\n", pieces[i]);

		for (c = 1; c <= 9; c++) {
			if (!stream(pieces[i], (unsigned)(i * 31 + c), c, 40, false, &kept))
				CHECK(!"a lone block drawn as it came");
			if (!stream(text, (unsigned)(i * 37 + c), c, 40, c % 2 == 0, &kept))
				CHECK(!"a block between paragraphs drawn as it came");
		}
		free(text);
	}
}

/* Replies of blocks in random order, cut in random pieces, at random widths. */
static void
test_random_replies(void)
{
	unsigned seed;
	size_t k, nkept = 0;
	bool kept;

	for (seed = 1; seed <= 400; seed++) {
		struct buf b;
		char *text;

		srand(seed);
		buf_init(&b, 0);
		for (k = 0; k < 3 + (size_t)rand() % 8; k++)
			buf_adds(&b, pieces[(size_t)rand() % NPIECES]);
		text = buf_detach(&b);
		if (!stream(text, seed, 1 + seed % 24, 24 + (int)(seed % 50), seed % 3 == 0, &kept)) {
			CHECK(!"a random reply drawn as it came");
			free(text);
			break;
		}
		nkept += kept;
		free(text);
	}
	/* Most replies have blocks to keep: the point of drawing only the rest. */
	CHECK(nkept > 200);
}

/* A long reply keeps its finished blocks: only the last ones are drawn again. */
static void
test_long_reply_kept(void)
{
	struct tui_view v;
	struct tui_msg *m;
	int i;

	tui_view_init(&v);
	tui_view_add(&v, TUI_ASSISTANT, PRIOR, strlen(PRIOR));
	m = tui_view_add(&v, TUI_ASSISTANT, "", 0);
	for (i = 0; i < 200; i++) {
		char *s = xstrfmt("Part %d says *this*.\n\n```c\nx = %d;\n```\n\n", i, i);

		tui_view_append(&v, m, s, strlen(s));
		free(s);
		tui_view_wrap(&v, m, 60);
	}
	tui_view_append(&v, m, "The end", 7);
	CHECK(same(&v, m, 60));
	CHECK_INT(m->ncodes, 200);
	CHECK(m->done > m->text.len - 40);
	CHECK(m->doc.nlines > 200 * 5);
	CHECK(m->done_lines > m->doc.nlines - 5);
	tui_view_done(&v);
}

/* Replies that are mostly one long fence: "give me the whole file". */
static const char *const fences[] = {
	"Here it is:\n\n```c\n%s```\n\nThat is the file.\n",
	"```\n%s",
	"~~~~ sh\n%s~~~~\n\n```\nshort\n```\n",
	"Text.\n\n```\n%s\n\n\n",
	"- item\n\n  ```\n%s  ```\n\nafter\n",
	"1. one\n   ```py\n%s",
	"> ```\n%s",
	"Intro\n```\n%s```\nOutro\n",
	"```\n```\n\n````md\n%s```\n````\n",
};

/* Code lines: tabs, blank lines, lines wider than the view, a fence that does not close it. */
static char *
code_lines(unsigned seed, size_t n)
{
	static const char *const lines[] = {
		"int main(void)\n", "{\n", "\treturn 0;\n", "\n", "\t\tx\ty = 1;\t// tab\n",
		"  two in\n", "a very long line of code that goes on well past the width of the "
		    "narrow view the test draws at, and then some more\n",
		"    \n", "``` not a close\n", "~~~ nor this\n", "\xc3\xa9t\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87\tz\n",
		"x\n", "\t\n",
	};
	struct buf b;
	size_t i;

	srand(seed);
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_adds(&b, lines[(size_t)rand() % (sizeof(lines) / sizeof(lines[0]))]);
	return buf_detach(&b);
}

/* A long fence, streamed in pieces of every size, is every frame what the whole text gives. */
static void
test_long_fence(void)
{
	size_t f, c;
	bool kept;

	for (f = 0; f < sizeof(fences) / sizeof(fences[0]); f++) {
		for (c = 1; c <= 24; c++) {
			char *code = code_lines((unsigned)(f * 100 + c), 12 + c);
			char *text = xstrfmt(fences[f], code);

			if (!stream(text, (unsigned)(f * 53 + c), c, 30 + (int)c, c % 3 == 0, &kept)) {
				CHECK(!"a long fence drawn as it came");
				f = sizeof(fences);
			}
			free(text);
			free(code);
			if (f == sizeof(fences))
				break;
		}
	}
}

/* A long open fence keeps its lines drawn: only its last lines are drawn again. */
static void
test_long_fence_kept(void)
{
	struct tui_view v;
	struct tui_msg *m;
	int i;

	tui_view_init(&v);
	tui_view_add(&v, TUI_ASSISTANT, PRIOR, strlen(PRIOR));
	m = tui_view_add(&v, TUI_ASSISTANT, "", 0);
	tui_view_append(&v, m, "Here:\n\n```c\n", 12);
	for (i = 0; i < 300; i++) {
		char *s = xstrfmt("\tx = %d; /* a comment long enough to wrap at sixty columns */\n%s", i,
		    i % 7 == 0 ? "\n" : "");

		tui_view_append(&v, m, s, strlen(s));
		free(s);
		tui_view_wrap(&v, m, 60);
	}
	tui_view_append(&v, m, "\ty", 2);
	CHECK(same(&v, m, 60));
	CHECK_INT(m->ncodes, 1);
	CHECK(m->fence_done > m->text.len - 80);
	CHECK(m->doc.nlines > 600);
	CHECK(m->fence_lines > m->doc.nlines - 5);
	/* and once it closes, what follows is drawn after its lines */
	tui_view_append(&v, m, "\n```\nDone.\n", 11);
	CHECK(same(&v, m, 60));
	CHECK(m->done > m->text.len - 12);
	tui_view_done(&v);
}

/*
 * One long line of about n bytes (malloc'd): minified JSON, base64, or code with
 * tabs, wide and combining characters, leading blanks or backticks, so that rows
 * break inside a tab's spaces, before a wide character and at every byte of a
 * character of several.
 */
static char *
long_line(unsigned seed, size_t n)
{
	static const char *const bits[] = {
		"{\"id\":12,\"name\":\"x\",\"tags\":[\"a\",\"b\"]},", "QUJDREVGR0hJSktMTU5PUA==",
		"\t", "x\t", "\xe4\xb8\xad\xe6\x96\x87", "e\xcc\x81", " ", "```", "~", "  ",
		"\xf0\x9f\x98\x80", "0123456789",
	};
	struct buf b;

	srand(seed);
	buf_init(&b, 0);
	/* what a line may start with: blanks, a fence's characters */
	buf_adds(&b, seed % 4 == 0 ? "    " : seed % 4 == 1 ? "``" : seed % 4 == 2 ? "\t" : "");
	while (b.len < n)
		buf_adds(&b, bits[(size_t)rand() % (sizeof(bits) / sizeof(bits[0]))]);
	return buf_detach(&b);
}

/* Fences whose last line is long: alone, after kept lines, after blank ones, closed later. */
static const char *const long_fences[] = {
	"```json\n%s",
	"Here:\n\n```\n%s\n```\n\nDone.\n",
	"```c\nint x;\n\n%s\nint y;\n%s",
	"Text.\n\n~~~\n\n\n%s\n~~~\n",
	"````\n```\n%s\n````\n",
	"- item\n\n  ```\n%s",
};

/* A long line in a fence, streamed in pieces of every size, is every frame what the whole gives. */
static void
test_long_line(void)
{
	size_t f, c;
	bool kept;

	line_frames = 0;
	for (f = 0; f < sizeof(long_fences) / sizeof(long_fences[0]); f++) {
		for (c = 1; c <= 16; c++) {
			char *a = long_line((unsigned)(f * 16 + c), 200 + c * 40);
			char *b = long_line((unsigned)(f * 16 + c + 7), 100 + c * 20);
			char *text = xstrfmt(long_fences[f], a, b);
			bool ok = stream(text, (unsigned)(f * 71 + c), c, 24 + (int)(c * 3), c % 4 == 0,
			    &kept);

			free(text);
			free(a);
			free(b);
			if (!ok) {
				CHECK(!"a long line in a fence drawn as it came");
				return;
			}
		}
	}
	/* most frames kept the rows of the line drawn before: what this checks */
	CHECK(line_frames > 5000);
}

/*
 * A line of 64 KB in a fence streams in 8 bytes at a time: each frame lays out
 * the piece and the line's last row, not the line again from its start, and
 * the code block to save or copy is the line as written.
 */
static void
test_long_line_work(void)
{
	struct tui_view v;
	struct tui_msg *m;
	char *line = long_line(3, 64 * 1024);
	size_t off, n, len = strlen(line);
	unsigned long long before, most = 0;

	tui_view_init(&v);
	tui_view_add(&v, TUI_ASSISTANT, PRIOR, strlen(PRIOR));
	m = tui_view_add(&v, TUI_ASSISTANT, "", 0);
	tui_view_append(&v, m, "Here:\n\n```json\n", 15);
	for (off = 0; off < len && most < 1024; off += n) {
		n = len - off < 8 ? len - off : 8;
		tui_view_append(&v, m, line + off, n);
		before = md_laid_out();
		tui_view_wrap(&v, m, 80);
		if (md_laid_out() - before > most)
			most = md_laid_out() - before;
	}
	CHECK(most < 1024);
	CHECK(m->line_done > len - 200);
	CHECK(m->doc.nlines > len / 75);
	CHECK_INT((int)m->doc.ncodes, 1);
	CHECK_INT(m->doc.codes[0].number, 3);
	CHECK(strlen(m->doc.codes[0].text) == len + 1 && memcmp(m->doc.codes[0].text, line, len) == 0);
	CHECK(same(&v, m, 80));
	tui_view_append(&v, m, "\n```\n", 5);
	CHECK(same(&v, m, 80));
	tui_view_done(&v);
	free(line);
}

int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	RUN(test_each_block);
	RUN(test_random_replies);
	RUN(test_long_reply_kept);
	RUN(test_long_fence);
	RUN(test_long_fence_kept);
	RUN(test_long_line);
	RUN(test_long_line_work);
	UNIT_EXIT();
}
