/* fmt: how counts and budget levels are shown, the same on every screen. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

/*
 * Three significant figures at most, rounded to the nearest: below 1,000 the count itself,
 * then tenths of thousands up to 9.9k, whole thousands up to 999k, tenths of millions up to
 * 9.9M, then whole millions. A count that would round to 1000k is 1.0M.
 */
void
fmt_tokens(int64_t n, char *out, size_t size)
{
	int64_t t;

	if (n < 1000) {
		snprintf(out, size, "%lld", (long long)n);
	} else if (n < 9950) {
		t = (n + 50) / 100;
		snprintf(out, size, "%lld.%lldk", (long long)(t / 10), (long long)(t % 10));
	} else if (n < 999500) {
		snprintf(out, size, "%lldk", (long long)((n + 500) / 1000));
	} else if (n < 9950000) {
		t = (n + 50000) / 100000;
		snprintf(out, size, "%lld.%lldM", (long long)(t / 10), (long long)(t % 10));
	} else {
		snprintf(out, size, "%lldM", (long long)(n / 1000000 + (n % 1000000 >= 500000)));
	}
}

enum fmt_level
meter_level(int64_t pct)
{
	if (pct >= 100)
		return FMT_LEVEL_OVER;
	if (pct >= 80)
		return FMT_LEVEL_HIGH;
	if (pct >= 50)
		return FMT_LEVEL_WARN;
	return FMT_LEVEL_OK;
}

const char *
meter_ansi(enum fmt_level level)
{
	switch (level) {
	case FMT_LEVEL_OVER:
	case FMT_LEVEL_HIGH:
		return "\033[31m";
	case FMT_LEVEL_WARN:
		return "\033[33m";
	case FMT_LEVEL_OK:
		break;
	}
	return "\033[32m";
}

void
fmt_price(int64_t pico, char *out, size_t n)
{
	size_t len;

	if (pico < 0) {
		snprintf(out, n, "?");
		return;
	}
	/* pico-dollars per token = micro-dollars per million tokens */
	snprintf(out, n, "%" PRId64 ".%06" PRId64, pico / 1000000, pico % 1000000);
	len = strlen(out);
	while (len > 0 && out[len - 1] == '0' && out[len - 3] != '.')
		out[--len] = '\0';
}
