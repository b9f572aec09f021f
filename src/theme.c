/* theme: parse themes/NAME.theme files into styles by meaning; no curses here. */
#include "theme.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

#define THEME_MAX_BYTES (64 * 1024)

/* themes/default.theme, kept byte for byte (a unit test compares them). */
const char theme_builtin[] =
	"# llm default theme: for dark terminals.\n"
	"# slot = fg:COLOUR bg:COLOUR attributes\n"
	"# COLOUR is default, a name (black red green yellow blue magenta cyan white),\n"
	"# a 256-colour number, or NUMBER/NAME: the number on 256-colour terminals,\n"
	"# the name on 8-colour ones. Attributes: bold dim underline reverse italic.\n"
	"text       = fg:default\n"
	"user       = fg:75/cyan bold\n"
	"assistant  = fg:114/green bold\n"
	"code       = fg:180/yellow\n"
	"route      = fg:110/cyan\n"
	"cost       = fg:221/yellow\n"
	"meter_ok   = fg:71/green\n"
	"meter_warn = fg:178/yellow\n"
	"meter_high = fg:208/red\n"
	"meter_over = fg:196/red bold reverse\n"
	"error      = fg:203/red bold\n"
	"status     = fg:250/white\n"
	"border     = fg:240/blue\n"
	"dim        = fg:244/white dim\n"
	"heading    = fg:81/cyan bold\n"
	"quote      = fg:146/magenta italic\n"
	"link       = fg:39/blue underline\n"
	"selected   = fg:default bg:238/blue reverse\n"
	"tier_cheap = fg:71/green\n"
	"tier_mid   = fg:75/cyan\n"
	"tier_frontier = fg:176/magenta\n"
	;

static const char *const slot_names[THEME_NSLOTS] = {
	[THEME_TEXT] = "text",
	[THEME_USER] = "user",
	[THEME_ASSISTANT] = "assistant",
	[THEME_CODE] = "code",
	[THEME_ROUTE] = "route",
	[THEME_COST] = "cost",
	[THEME_METER_OK] = "meter_ok",
	[THEME_METER_WARN] = "meter_warn",
	[THEME_METER_HIGH] = "meter_high",
	[THEME_METER_OVER] = "meter_over",
	[THEME_ERROR] = "error",
	[THEME_STATUS] = "status",
	[THEME_BORDER] = "border",
	[THEME_DIM] = "dim",
	[THEME_HEADING] = "heading",
	[THEME_QUOTE] = "quote",
	[THEME_LINK] = "link",
	[THEME_SELECTED] = "selected",
	[THEME_TIER_CHEAP] = "tier_cheap",
	[THEME_TIER_MID] = "tier_mid",
	[THEME_TIER_FRONTIER] = "tier_frontier",
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ .name = "bold", .bit = THEME_BOLD },
	{ .name = "dim", .bit = THEME_DIM_ATTR },
	{ .name = "underline", .bit = THEME_UNDERLINE },
	{ .name = "reverse", .bit = THEME_REVERSE },
	{ .name = "italic", .bit = THEME_ITALIC },
};

static const char *const color_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* Return the slot's name as written in theme files. */
const char *
theme_slot_name(enum theme_slot s)
{
	return s >= 0 && s < THEME_NSLOTS ? slot_names[s] : "?";
}

/* Parse a slot name. */
bool
theme_slot_parse(const char *name, enum theme_slot *out)
{
	int i;

	for (i = 0; i < THEME_NSLOTS; i++) {
		if (strcmp(slot_names[i], name) == 0) {
			*out = (enum theme_slot)i;
			return true;
		}
	}
	return false;
}

/* Tell whether colour may be used (NO_COLOR unset or empty). */
bool
theme_color_allowed(void)
{
	const char *nc = getenv("NO_COLOR");

	return nc == NULL || *nc == '\0';
}

/* Parse an 8-colour name or "default". */
static bool
parse_name8(const char *s, short *out)
{
	short i;

	if (strcmp(s, "default") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return true;
	}
	for (i = 0; i < 8; i++) {
		if (strcmp(color_names[i], s) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* Parse "default", a name, 0-255 or "N/name" into a 256 value and an 8 fallback. */
static bool
parse_color(const char *s, short *c256, short *c8)
{
	char num[8];
	const char *slash = strchr(s, '/');
	int64_t v;

	if (slash == NULL) {
		if (parse_name8(s, c8)) {
			*c256 = *c8;
			return true;
		}
		if (!str_to_i64(s, &v) || v < 0 || v > 255)
			return false;
		*c256 = (short)v;
		/* Without a fallback, the first 16 map onto 8; others use the default. */
		*c8 = v < 16 ? (short)(v % 8) : THEME_COLOR_DEFAULT;
		return true;
	}
	if ((size_t)(slash - s) >= sizeof(num) || slash == s)
		return false;
	memcpy(num, s, (size_t)(slash - s));
	num[slash - s] = '\0';
	if (!str_to_i64(num, &v) || v < 0 || v > 255)
		return false;
	*c256 = (short)v;
	return parse_name8(slash + 1, c8);
}

/* Cut the next blank-separated word out of *p; NULL at the end. */
static char *
next_word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

/* Parse one value ("fg:75/cyan bold") into st; false with *why on an error. */
static bool
parse_style(char *val, struct theme_style *st, const char **why)
{
	char *tok, *p = val;
	size_t i;

	st->fg = st->bg = st->fg8 = st->bg8 = THEME_COLOR_DEFAULT;
	st->attrs = 0;
	while ((tok = next_word(&p)) != NULL) {
		if (str_startswith(tok, "fg:")) {
			if (!parse_color(tok + 3, &st->fg, &st->fg8)) {
				*why = "bad foreground colour";
				return false;
			}
			continue;
		}
		if (str_startswith(tok, "bg:")) {
			if (!parse_color(tok + 3, &st->bg, &st->bg8)) {
				*why = "bad background colour";
				return false;
			}
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(attr_names); i++)
			if (strcmp(attr_names[i].name, tok) == 0)
				break;
		if (i == ARRAY_SIZE(attr_names)) {
			*why = "unknown attribute";
			return false;
		}
		st->attrs |= attr_names[i].bit;
	}
	return true;
}

/* Parse one line into t; append a message to err on an error. */
static void
parse_line(struct theme *t, char *line, struct buf *err, const char *path, int lineno)
{
	char *eq, *key, *val;
	enum theme_slot slot;
	struct theme_style st;
	const char *why = NULL;

	line = str_trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return;
	eq = strchr(line, '=');
	if (eq == NULL) {
		buf_addf(err, "%s:%d: expected 'slot = style'\n", path, lineno);
		return;
	}
	*eq = '\0';
	key = str_trim(line);
	val = str_trim(eq + 1);
	if (strcmp(key, "name") == 0) {
		str_copy(t->name, sizeof(t->name), val);
		return;
	}
	if (!theme_slot_parse(key, &slot)) {
		buf_addf(err, "%s:%d: unknown slot '%s'\n", path, lineno, key);
		return;
	}
	if (!parse_style(val, &st, &why)) {
		buf_addf(err, "%s:%d: %s: %s\n", path, lineno, key, why);
		return;
	}
	t->styles[slot] = st;
}

/* Parse theme text over t, collecting every error as file:line: message. */
int
theme_parse(struct theme *t, const char *text, size_t len, const char *path, char **cause)
{
	struct buf err;
	char *copy = xstrndup(text, len), *p = copy, *nl;
	int lineno = 0;

	buf_init(&err, 0);
	while (p != NULL) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		lineno++;
		parse_line(t, p, &err, path, lineno);
		p = nl;
	}
	free(copy);
	if (err.len == 0) {
		buf_done(&err);
		return 0;
	}
	err.data[--err.len] = '\0';   /* the last newline */
	if (cause != NULL)
		*cause = buf_detach(&err);
	buf_done(&err);
	return -1;
}

/* Fill t with the built-in default theme. */
void
theme_init(struct theme *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < THEME_NSLOTS; i++) {
		t->styles[i].fg = t->styles[i].bg = THEME_COLOR_DEFAULT;
		t->styles[i].fg8 = t->styles[i].bg8 = THEME_COLOR_DEFAULT;
	}
	if (theme_parse(t, theme_builtin, strlen(theme_builtin), "(built-in)", NULL) != 0)
		abort();   /* the built-in text is tested */
	str_copy(t->name, sizeof(t->name), "default");
}

/* Try one file; 1 loaded, 0 absent, -1 error with *cause. */
static int
try_file(struct theme *t, const char *path, char **cause)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	if (file_read(path, THEME_MAX_BYTES, &text, &len, cause) != 0)
		return -1;
	rc = theme_parse(t, text, len, path, cause);
	free(text);
	return rc == 0 ? 1 : -1;
}

/* Fill dirs with the themes directories in the order they are searched; return how many. */
size_t
theme_dirs(const char *config_dir, char **dirs, size_t max)
{
	/* a copy moved after installing, or run from its build tree, has its themes near */
	return data_dirs(config_dir, "themes", true, dirs, max);
}

/* Load a named theme over the default from the first themes directory that has it. */
int
theme_load(struct theme *t, const char *name, const char *config_dir, char **cause)
{
	char *dirs[THEME_DIRS_MAX], *path;
	struct buf where;
	size_t i, n;
	int found = 0;

	theme_init(t);
	if (name == NULL || *name == '\0')
		name = "default";
	if (strchr(name, '/') != NULL || name[0] == '.') {
		xasprintf(cause, "theme '%s': a theme is named by its file name without .theme", name);
		return -1;
	}
	n = theme_dirs(config_dir, dirs, ARRAY_SIZE(dirs));
	for (i = 0; i < n && found == 0; i++) {
		path = xstrfmt("%s/%s.theme", dirs[i], name);
		found = try_file(t, path, cause);   /* 1 loaded, 0 not there, -1 broken */
		free(path);
	}
	if (found > 0) {
		str_copy(t->name, sizeof(t->name), name);
	} else if (found == 0 && strcmp(name, "default") != 0) {
		buf_init(&where, 0);
		for (i = 0; i < n; i++)
			buf_addf(&where, "%s%s", i ? ", " : "", dirs[i]);
		xasprintf(cause, "theme '%s' not found (looked in %s)", name, where.data);
		buf_done(&where);
		found = -1;
	}
	for (i = 0; i < n; i++)
		free(dirs[i]);
	return found < 0 ? -1 : 0;
}
