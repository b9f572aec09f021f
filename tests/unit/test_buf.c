/* test_buf: the capped buffer grows, stops at its cap without change, and hands over its bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "unit.h"
#include "util.h"

static void
test_empty_is_a_string(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK_STR(buf_str(&b), "");
	CHECK_INT(b.len, 0);
	buf_reset(&b);
	CHECK_STR(buf_str(&b), "");
	CHECK_STR_FREE(buf_detach(&b), "");
	buf_done(&b);
}

static void
test_add_kinds(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK_INT(buf_add(&b, "ab\0cd", 5), 0);
	CHECK_INT(b.len, 5);
	CHECK(memcmp(b.data, "ab\0cd", 6) == 0);
	buf_reset(&b);
	CHECK_INT(buf_adds(&b, "x="), 0);
	CHECK_INT(buf_addf(&b, "%d/%s", 42, "y"), 0);
	CHECK_INT(buf_addc(&b, '!'), 0);
	CHECK_STR(buf_str(&b), "x=42/y!");
	CHECK_INT(b.len, 7);
	CHECK_INT(buf_add(&b, NULL, 0), 0);
	CHECK_STR(buf_str(&b), "x=42/y!");
	buf_done(&b);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
}

/* Many small additions across several reallocations keep every byte. */
static void
test_growth_keeps_contents(void)
{
	struct buf b;
	int i;
	size_t j;

	buf_init(&b, 0);
	for (i = 0; i < 5000; i++)
		CHECK_INT(buf_addc(&b, (char)('a' + i % 26)), 0);
	CHECK_INT(b.len, 5000);
	CHECK(b.cap > b.len);
	CHECK(b.data[5000] == '\0');
	for (j = 0; j < b.len; j++)
		if (b.data[j] != (char)('a' + j % 26))
			break;
	CHECK_INT(j, 5000);
	buf_done(&b);
}

/* Reaching the cap exactly is fine; one byte more fails and changes nothing. */
static void
test_cap_exact_and_over(void)
{
	struct buf b;

	buf_init(&b, 4);
	CHECK_INT(buf_adds(&b, "abcd"), 0);
	CHECK_INT(b.len, 4);
	CHECK_INT(buf_addc(&b, 'e'), -1);
	CHECK_INT(buf_adds(&b, "ef"), -1);
	CHECK_INT(buf_addf(&b, "%s", "e"), -1);
	CHECK_STR(buf_str(&b), "abcd");
	CHECK_INT(b.len, 4);
	buf_consume(&b, 2);
	CHECK_INT(buf_adds(&b, "ef"), 0);
	CHECK_STR(buf_str(&b), "cdef");
	buf_done(&b);
	/* the cap survives buf_done and buf_detach */
	CHECK_INT(b.max, 4);
	CHECK_INT(buf_adds(&b, "12345"), -1);
	CHECK_INT(b.len, 0);
	buf_done(&b);
}

/* A formatted addition larger than the cap is refused whole, never cut. */
static void
test_cap_formatted(void)
{
	struct buf b;

	buf_init(&b, 10);
	CHECK_INT(buf_adds(&b, "123"), 0);
	CHECK_INT(buf_addf(&b, "%s", "45678901"), -1);
	CHECK_STR(buf_str(&b), "123");
	CHECK_INT(buf_addf(&b, "%s", "4567890"), 0);
	CHECK_STR(buf_str(&b), "1234567890");
	buf_done(&b);
}

/*
 * A length that would overflow size_t (with the terminator) is refused
 * before anything is read; under a cap, so is any length past it.
 */
static void
test_overflow(void)
{
	struct buf b;

	buf_init(&b, 0);
	CHECK_INT(buf_adds(&b, "abc"), 0);
	CHECK_INT(buf_add(&b, "x", SIZE_MAX), -1);
	CHECK_INT(buf_add(&b, "x", SIZE_MAX - 3), -1);
	CHECK_STR(buf_str(&b), "abc");
	CHECK_INT(b.len, 3);
	buf_done(&b);
	buf_init(&b, 16);
	CHECK_INT(buf_adds(&b, "abc"), 0);
	CHECK_INT(buf_add(&b, "x", SIZE_MAX - 4), -1);
	CHECK_INT(buf_add(&b, "x", SIZE_MAX / 2), -1);
	CHECK_STR(buf_str(&b), "abc");
	buf_done(&b);
}

static void
test_consume(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "hello world");
	buf_consume(&b, 0);
	CHECK_STR(buf_str(&b), "hello world");
	buf_consume(&b, 6);
	CHECK_STR(buf_str(&b), "world");
	CHECK_INT(b.len, 5);
	buf_consume(&b, 5);
	CHECK_STR(buf_str(&b), "");
	CHECK_INT(b.len, 0);
	buf_adds(&b, "ab");
	buf_consume(&b, 99);
	CHECK_STR(buf_str(&b), "");
	CHECK_INT(b.len, 0);
	buf_done(&b);
}

static void
test_detach(void)
{
	struct buf b;
	char *s;

	buf_init(&b, 100);
	buf_adds(&b, "kept");
	s = buf_detach(&b);
	CHECK_STR(s, "kept");
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.max, 100);
	free(s);
	buf_adds(&b, "again");
	CHECK_STR(buf_str(&b), "again");
	buf_done(&b);
}

static void
test_done_secure(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "sk-secret");
	buf_done_secure(&b);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.cap, 0);
	buf_done_secure(&b);
}

static void
test_shell_word(void)
{
	struct buf b;

	buf_init(&b, 0);
	buf_add_shell_word(&b, "usage");
	buf_addc(&b, ' ');
	buf_add_shell_word(&b, "merge?");
	buf_addc(&b, ' ');
	buf_add_shell_word(&b, "a commit's");
	buf_addc(&b, ' ');
	buf_add_shell_word(&b, "");
	CHECK_STR(buf_str(&b), "usage 'merge?' 'a commit'\\''s' ''");
	buf_done(&b);
	/* over the cap: nothing of it, not half a quoted word */
	buf_init(&b, 8);
	buf_adds(&b, "ab ");
	CHECK_INT(buf_add_shell_word(&b, "x y z"), -1);
	CHECK_STR(buf_str(&b), "ab ");
	CHECK_INT(buf_add_shell_word(&b, "x y"), 0);
	CHECK_STR(buf_str(&b), "ab 'x y'");
	buf_done(&b);
}

int
main(void)
{
	RUN(test_empty_is_a_string);
	RUN(test_add_kinds);
	RUN(test_growth_keeps_contents);
	RUN(test_cap_exact_and_over);
	RUN(test_cap_formatted);
	RUN(test_overflow);
	RUN(test_consume);
	RUN(test_detach);
	RUN(test_done_secure);
	RUN(test_shell_word);
	UNIT_EXIT();
}
