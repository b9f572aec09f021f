/* fmt: how counts and budget levels are shown, the same on every screen. */
#ifndef LLM_FMT_H
#define LLM_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A budget meter's level: the colour it is drawn in. */
enum fmt_level {
	FMT_LEVEL_OK,    /* under 50% of the budget */
	FMT_LEVEL_WARN,  /* 50% to 80% */
	FMT_LEVEL_HIGH,  /* 80% and over */
	FMT_LEVEL_OVER,  /* 100% and over */
};

/* A token count: "999", "1.2k", "12k", "999k", "1.0M", "12M"; rounded, never "1000k". */
void fmt_tokens(int64_t n, char *out, size_t size);
/* The level of a meter at pct percent of its budget. */
enum fmt_level meter_level(int64_t pct);
/* The ANSI colour that starts a meter at level (red from 80%, yellow from 50%, else green). */
const char *meter_ansi(enum fmt_level level);
/* The characters that set figures apart on a line: UTF-8, or ASCII outside a UTF-8 locale. */
struct fmt_glyphs {
	const char *dot;       /* between fields: " · " or " | " */
	const char *arrow;     /* input to output: "→" or "->" */
	const char *ellipsis;  /* before a key's last characters: "…" or "..." */
	const char *bar[3];    /* a meter's cells: spent, reserved, free */
	const char *minus;     /* lines removed, in "(+2 −1)": "−" or "-" */
	const char *quote;     /* before a line the model said: "“" or "\"" */
	const char *newline;   /* a newline shown inside one line: "⏎" or "^J" */
	bool utf8;             /* the locale is UTF-8: where a glyph alone does not say it */
};

/* The glyphs for the locale set with setlocale(LC_CTYPE, ...). */
const struct fmt_glyphs *fmt_glyphs(void);
/* A per-token pico-dollar price as dollars per million tokens, exactly: "0.14", "0.0028"; "?" unknown. */
void fmt_price(int64_t pico, char *out, size_t n);

#endif
