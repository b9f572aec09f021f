/* test_visible: controls and escape sequences from the network become visible text. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "unit.h"
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

static void
test_invalid(void)
{
	check_both("\xff", 1, "\xef\xbf\xbd");
	/* overlong, surrogate, truncated at the end */
	check_both("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");
	check_both("\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check_both("ab\xe4\xb8", 4, "ab\xef\xbf\xbd");
	/* a broken sequence does not swallow the next character */
	check_both("\xe4" "A", 2, "\xef\xbf\xbd" "A");
	check_both("\xe4\033", 2, "\xef\xbf\xbd\xe2\x90\x9b");
}

int
main(void)
{
	RUN(test_plain);
	RUN(test_csi_clear);
	RUN(test_osc52);
	RUN(test_bel_cr_del);
	RUN(test_c1);
	RUN(test_split_utf8);
	RUN(test_invalid);
	UNIT_EXIT();
}
