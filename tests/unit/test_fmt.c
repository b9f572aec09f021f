/* test_fmt: token counts and meter levels read the same on every screen. */
#include <stdint.h>

#include "fmt.h"
#include "unit.h"

static void
check_tokens(int64_t n, const char *want)
{
	char out[32];

	fmt_tokens(n, out, sizeof out);
	CHECK_STR(out, want);
}

static void
test_tokens_small(void)
{
	check_tokens(0, "0");
	check_tokens(7, "7");
	check_tokens(999, "999");
}

static void
test_tokens_thousands(void)
{
	check_tokens(1000, "1.0k");
	check_tokens(1049, "1.0k");
	check_tokens(1050, "1.1k");
	check_tokens(1234, "1.2k");
	check_tokens(9949, "9.9k");
	check_tokens(9950, "10k");
	check_tokens(12345, "12k");
	check_tokens(12500, "13k");
	check_tokens(999499, "999k");
}

static void
test_tokens_millions(void)
{
	check_tokens(999500, "1.0M");
	check_tokens(999999, "1.0M");
	check_tokens(1000000, "1.0M");
	check_tokens(1049999, "1.0M");
	check_tokens(1050000, "1.1M");
	check_tokens(9949999, "9.9M");
	check_tokens(9950000, "10M");
	check_tokens(12499999, "12M");
	check_tokens(12500000, "13M");
	check_tokens(INT64_MAX, "9223372036855M");
}

static void
test_tokens_truncated(void)
{
	char out[4];

	fmt_tokens(123456, out, sizeof out);
	CHECK_STR(out, "123");
}

static void
test_meter_level(void)
{
	CHECK_INT(meter_level(0), FMT_LEVEL_OK);
	CHECK_INT(meter_level(49), FMT_LEVEL_OK);
	CHECK_INT(meter_level(50), FMT_LEVEL_WARN);
	CHECK_INT(meter_level(79), FMT_LEVEL_WARN);
	CHECK_INT(meter_level(80), FMT_LEVEL_HIGH);
	CHECK_INT(meter_level(99), FMT_LEVEL_HIGH);
	CHECK_INT(meter_level(100), FMT_LEVEL_OVER);
	CHECK_INT(meter_level(250), FMT_LEVEL_OVER);
	CHECK_STR(meter_ansi(FMT_LEVEL_OK), "\033[32m");
	CHECK_STR(meter_ansi(FMT_LEVEL_WARN), "\033[33m");
	CHECK_STR(meter_ansi(FMT_LEVEL_HIGH), "\033[31m");
	CHECK_STR(meter_ansi(FMT_LEVEL_OVER), "\033[31m");
}

int
main(void)
{
	RUN(test_tokens_small);
	RUN(test_tokens_thousands);
	RUN(test_tokens_millions);
	RUN(test_tokens_truncated);
	RUN(test_meter_level);
	UNIT_EXIT();
}
