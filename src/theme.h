/* theme: colours by meaning, read from themes/NAME.theme files; no curses here. */
#ifndef LLM_THEME_H
#define LLM_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* What a piece of the screen means; drawing code names these, never colours. */
enum theme_slot {
	THEME_TEXT,
	THEME_USER,
	THEME_ASSISTANT,
	THEME_CODE,
	THEME_ROUTE,
	THEME_COST,
	THEME_METER_OK,
	THEME_METER_WARN,     /* 50% of the budget */
	THEME_METER_HIGH,     /* 80% */
	THEME_METER_OVER,     /* 100% */
	THEME_ERROR,
	THEME_STATUS,
	THEME_BORDER,
	THEME_DIM,
	THEME_HEADING,
	THEME_QUOTE,
	THEME_LINK,
	THEME_SELECTED,
	THEME_TIER_CHEAP,     /* spend charts: one colour per tier */
	THEME_TIER_MID,
	THEME_TIER_FRONTIER,
	THEME_NSLOTS,
};

/* Attributes, independent of any terminal library. */
enum {
	THEME_BOLD = 1 << 0,
	THEME_DIM_ATTR = 1 << 1,
	THEME_UNDERLINE = 1 << 2,
	THEME_REVERSE = 1 << 3,
	THEME_ITALIC = 1 << 4,
};

/* The terminal's own colour. */
#define THEME_COLOR_DEFAULT (-1)

/* One slot: a 256-colour value and the 8-colour one used when only 8 exist. */
struct theme_style {
	short fg, bg;        /* 0-255 or THEME_COLOR_DEFAULT */
	short fg8, bg8;      /* 0-7 or THEME_COLOR_DEFAULT */
	unsigned attrs;      /* THEME_BOLD | ... */
};

struct theme {
	char name[64];
	struct theme_style styles[THEME_NSLOTS];
};

/* The default theme's text, compiled in; themes/default.theme holds the same. */
extern const char theme_builtin[];

/* Fill t with the built-in default theme. */
void theme_init(struct theme *t);
/*
 * Parse theme text over t (slots not named keep their values). path names the
 * text in errors. 0, or -1 with *cause "path:line: message" for each error.
 */
int theme_parse(struct theme *t, const char *text, size_t len, const char *path, char **cause);
/* The most themes directories theme_dirs names. */
#define THEME_DIRS_MAX 8

/*
 * Fill dirs (malloc'd strings, at most max) with the themes directories in
 * the order they are searched: $config_dir/themes, the installed one, then
 * beside the program (BINDIR/themes, PREFIX/share/llm/themes, PREFIX/themes,
 * for a moved install or a build tree), then ./themes. config_dir may be NULL.
 * Return how many.
 */
size_t theme_dirs(const char *config_dir, char **dirs, size_t max);
/*
 * Load theme name over the default from the first of theme_dirs() that holds
 * NAME.theme; "default" needs no file. config_dir may be NULL. 0, or -1 with
 * *cause (naming every directory searched when none has it).
 */
int theme_load(struct theme *t, const char *name, const char *config_dir, char **cause);
/* The slot's name as written in theme files ("meter_warn"). */
const char *theme_slot_name(enum theme_slot s);
/* Parse a slot name; false if unknown. */
bool theme_slot_parse(const char *name, enum theme_slot *out);
/* Whether colour should be used at all: false when NO_COLOR is set and non-empty. */
bool theme_color_allowed(void);

#endif
