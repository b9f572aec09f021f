/* test_visible: controls and escape sequences from the network become visible text. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "unit.h"
#include "util.h"
#include "visible.h"

/* Feed s whole and one byte at a time; both must give want. */
static void
check_both(const char *s, size_t n, const char *want)
{
	struct visible v;
	struct buf b;
	size_t i;
	char *whole = visible_str(s, n);

	CHECK_STR(whole, want);
	free(whole);
	buf_init(&b, 0);
	visible_init(&v);
	for (i = 0; i < n; i++)
		visible_feed(&v, s + i, 1, &b);
	visible_flush(&v, &b);
	CHECK_STR(buf_str(&b), want);
	buf_done(&b);
}

static void
test_plain(void)
{
	check_both("hello, world\n\tnext", 18, "hello, world\n\tnext");
	check_both("", 0, "");
}

static void
test_csi_clear(void)
{
	check_both("a\033[2Jb", 6, "a\xe2\x90\x9b[2Jb");
}

static void
test_osc52(void)
{
	const char *s = "\033]52;c;aGVsbG8=\007";
	char *out = visible_str(s, strlen(s));

	CHECK_STR(out, "\xe2\x90\x9b]52;c;aGVsbG8=\xe2\x90\x87");
	CHECK(strchr(out, '\033') == NULL);
	CHECK(strchr(out, '\007') == NULL);
	free(out);
}

static void
test_bel_cr_del(void)
{
	check_both("\007\r\177\0x", 5, "\xe2\x90\x87\xe2\x90\x8d\xe2\x90\xa1\xe2\x90\x80x");
}

/* A line end written "\r\n" is a line end; a CR anywhere else shows, at the end too. */
static void
test_crlf(void)
{
	check_both("a\r\nb\r\n\r\n", 8, "a\nb\n\n");
	check_both("a\rb", 3, "a\xe2\x90\x8d" "b");
	check_both("a\r\r\n", 4, "a\xe2\x90\x8d\n");
	check_both("a\r", 2, "a\xe2\x90\x8d");
	check_both("\xc3\r\n", 3, "\xef\xbf\xbd\n");
}

/* A command shows every carriage return: a shell takes one before a newline as part of a word. */
static void
test_command_cr(void)
{
	char *v = visible_command("cd sub\r\nrm -f *\r\n", 17);

	CHECK_STR(v, "cd sub\xe2\x90\x8d\nrm -f *\xe2\x90\x8d\n");
	free(v);
	v = visible_command("a\rb\x1b[2J\xc3\r\n", 10);
	CHECK_STR(v, "a\xe2\x90\x8d" "b\xe2\x90\x9b[2J\xef\xbf\xbd\xe2\x90\x8d\n");
	free(v);
	v = visible_command("\xc3\xa9\r", 3);
	CHECK_STR(v, "\xc3\xa9\xe2\x90\x8d");
	free(v);
}

static void
test_c1(void)
{
	/* A lone 0x9b byte is not UTF-8: replacement character. */
	check_both("a\x9b" "2J", 4, "a\xef\xbf\xbd" "2J");
	/* U+009B encoded properly is the C1 CSI: shown as ␛[. */
	check_both("a\xc2\x9b" "2J", 5, "a\xe2\x90\x9b[2J");
}

static void
test_split_utf8(void)
{
	struct visible v;
	struct buf b;

	buf_init(&b, 0);
	visible_init(&v);
	visible_feed(&v, "caf\xc3", 4, &b);
	CHECK_STR(buf_str(&b), "caf");
	visible_feed(&v, "\xa9 \xe4\xb8", 4, &b);
	visible_feed(&v, "\xad!", 2, &b);
	visible_flush(&v, &b);
	CHECK_STR(buf_str(&b), "caf\xc3\xa9 \xe4\xb8\xad!");
	buf_done(&b);
	check_both("\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80");
}

/* An input, its length, and its visible form. */
struct vcase {
	const char *in;
	size_t n;
	const char *want;
};

static void
check_cases(const struct vcase *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check_both(c[i].in, c[i].n, c[i].want);
}

static void
test_invalid(void)
{
	static const struct vcase c[] = {
		{ "\xff", 1, "\xef\xbf\xbd" },
		/* overlong, surrogate, truncated at the end */
		{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "ab\xe4\xb8", 4, "ab\xef\xbf\xbd" },
		/* a broken sequence does not swallow the next character */
		{ "\xe4" "A", 2, "\xef\xbf\xbd" "A" },
		{ "\xe4\033", 2, "\xef\xbf\xbd\xe2\x90\x9b" },
	};

	check_cases(c, ARRAY_SIZE(c));
}

static void
test_bidi(void)
{
	static const struct vcase c[] = {
		/* "trojan source": a right-to-left override hides what code really does */
		{ "a\xe2\x80\xae" "b", 5, "a<U+202E>b" },
		{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 12,
		    "<U+202A><U+202B><U+202C><U+202D>" },
		{ "\xe2\x81\xa6x\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 13,
		    "<U+2066>x<U+2067><U+2068><U+2069>" },
		{ "\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 8, "<U+200E><U+200F><U+061C>" },
		/* their neighbours are ordinary text: an en dash, Arabic letters, a word joiner */
		{ "\xe2\x80\x93\xd8\xa8\xe2\x81\xa0", 8, "\xe2\x80\x93\xd8\xa8\xe2\x81\xa0" },
	};

	check_cases(c, ARRAY_SIZE(c));
}

static void
test_decode(void)
{
	int32_t cp;

	CHECK_INT(visible_decode("A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(visible_decode("\xe2\x80\xae!", 4, &cp), 3);
	CHECK_INT(cp, 0x202e);
	CHECK_INT(visible_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1f600);
	CHECK_INT(visible_decode("\xff", 1, &cp), 1);
	CHECK_INT(cp, -1);
	/* a sequence broken off counts as one bad character, the next byte starts afresh */
	CHECK_INT(visible_decode("\xe4\xb8" "A", 3, &cp), 2);
	CHECK_INT(cp, -1);
	CHECK_INT(visible_decode("\xe4\xb8", 2, &cp), 2);
	CHECK_INT(cp, -1);
	CHECK_INT(visible_decode("\xed\xa0\x80", 3, &cp), 1);
	CHECK_INT(cp, -1);
}

static void
test_word(void)
{
	static const char *const words[] = {
		"gpt-5-mini", "qwen3:8b", "openrouter/meta-llama/llama-3.1-8b", "mod\xc3\xa8le",
	};
	static const char *const not_words[] = {
		"", "a b", "a\tb",                             /* empty, blanks */
		"x\033]52;c;aGk=\007", "x\033[2J", "x\177",     /* escapes and controls */
		"x\xc2\x9b", "x\xff",                           /* a C1 control, not UTF-8 */
		"x\xe2\x80\xae", "x\xc2\xa0y", "x\xe2\x80\x8by", "x\xef\xbb\xbf", /* bidi, invisible */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		CHECK_INT(visible_word(words[i]), true);
	for (i = 0; i < ARRAY_SIZE(not_words); i++)
		CHECK_INT(visible_word(not_words[i]), false);
}

/* A file name's escaped form: printable UTF-8 as itself, other bytes \xNN, \ doubled; and back. */
static void
test_name(void)
{
	static const char *const pairs[][2] = {
		{ "src/main.c", "src/main.c" },
		{ "mod\xc3\xa8le/caf\xc3\xa9.txt", "mod\xc3\xa8le/caf\xc3\xa9.txt" },
		{ "caf\xe9.txt", "caf\\xe9.txt" },             /* Latin-1: not UTF-8 */
		{ "a\\b.txt", "a\\\\b.txt" },                 /* a backslash */
		{ "a\\x41", "a\\\\x41" },                     /* one that looks like an escape */
		{ "\xe2\x80", "\\xe2\\x80" },                  /* a character broken off */
		{ "x\033[2J\ty\n", "x\\x1b[2J\\x09y\\x0a" },   /* controls */
		{ "x\xc2\x9b", "x\\xc2\\x9b" },                /* a C1 control */
		{ "x\xe2\x80\xaey", "x\\xe2\\x80\\xaey" },     /* bidi */
		{ "\xff\xfe", "\\xff\\xfe" },
	};
	size_t i;
	char *shown, *back;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		shown = visible_name(pairs[i][0]);
		CHECK_STR(shown, pairs[i][1]);
		back = visible_name_parse(shown);
		CHECK_STR(back, pairs[i][0]);
		free(back);
		back = visible_str(shown, strlen(shown));   /* shows as itself */
		CHECK_STR(back, shown);
		free(back);
		free(shown);
	}
	/* other backslashes are themselves, as names were given before; hex in either case */
	CHECK_STR_FREE(visible_name_parse("a\\b\\"), "a\\b\\");
	CHECK_STR_FREE(visible_name_parse("a\\x4"), "a\\x4");
	CHECK_STR_FREE(visible_name_parse("a\\xg1"), "a\\xg1");
	CHECK_STR_FREE(visible_name_parse("caf\\xE9"), "caf\xe9");
	CHECK_STR_FREE(visible_name_parse(".\\x2e\\x2f"), "../");
	CHECK(visible_name_parse("a\\x00b") == NULL);
}

/* A file's bytes are all UTF-8 unless a byte visible_feed replaces is there, at its end too. */
static void
test_utf8(void)
{
	CHECK(visible_utf8("", 0));
	CHECK(visible_utf8("caf\xc3\xa9 \xef\xbf\xbd\x1b\n", 11));   /* U+FFFD itself is UTF-8 */
	CHECK(!visible_utf8("caf\xe9\n", 5));
	CHECK(!visible_utf8("\x80", 1));
	CHECK(!visible_utf8("ok\xe2\x82", 4));          /* broken off at the end */
	CHECK(!visible_utf8("\xed\xa0\x80", 3));        /* a surrogate */
	CHECK(visible_utf8("a\0b", 3));
}

int
main(void)
{
	RUN(test_plain);
	RUN(test_csi_clear);
	RUN(test_osc52);
	RUN(test_bel_cr_del);
	RUN(test_crlf);
	RUN(test_command_cr);
	RUN(test_c1);
	RUN(test_split_utf8);
	RUN(test_invalid);
	RUN(test_bidi);
	RUN(test_decode);
	RUN(test_word);
	RUN(test_name);
	RUN(test_utf8);
	UNIT_EXIT();
}
