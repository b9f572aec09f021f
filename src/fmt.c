/* fmt: how counts and budget levels are shown, the same on every screen. */
#include <inttypes.h>
#include <langinfo.h>
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

static const struct fmt_glyphs glyphs_utf8 = {
	.dot = " \xc2\xb7 ", .arrow = "\xe2\x86\x92", .ellipsis = "\xe2\x80\xa6",
	.bar = { "\xe2\x96\x88", "\xe2\x96\x92", "\xe2\x96\x91" },
	.minus = "\xe2\x88\x92", .quote = "\xe2\x80\x9c", .newline = "\xe2\x8f\x8e", .utf8 = true,
};
static const struct fmt_glyphs glyphs_ascii = {
	.dot = " | ", .arrow = "->", .ellipsis = "...", .bar = { "#", "=", "." },
	.minus = "-", .quote = "\"", .newline = "^J", .utf8 = false,
};

/*
 * A terminal set to another character set shows UTF-8 bytes as garbage (a C
 * locale's "LANG=C" in cron, a serial console), so it gets ASCII, as the
 * summary line and the usage chart do.
 */
const struct fmt_glyphs *
fmt_glyphs(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? &glyphs_utf8 : &glyphs_ascii;
}
