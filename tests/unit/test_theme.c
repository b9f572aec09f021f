/* test_theme: theme files parse by meaning, errors name file and line, lookup order holds. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "theme.h"
#include "unit.h"
#include "util.h"

static void
test_builtin_matches_file(void)
{
	char *text = NULL, *cause = NULL;
	size_t len = 0;

	/* Tests run from the repository root. */
	if (file_read("themes/default.theme", 1 << 20, &text, &len, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		CHECK(0);
		free(cause);
		return;
	}
	CHECK_STR(text, theme_builtin);
	free(text);
}

static void
test_default(void)
{
	struct theme t;

	theme_init(&t);
	CHECK_STR(t.name, "default");
	CHECK_INT(t.styles[THEME_USER].fg, 75);
	CHECK_INT(t.styles[THEME_USER].fg8, 6);
	CHECK(t.styles[THEME_USER].attrs & THEME_BOLD);
	CHECK_INT(t.styles[THEME_TEXT].fg, THEME_COLOR_DEFAULT);
	CHECK_INT(t.styles[THEME_METER_OVER].attrs, THEME_BOLD | THEME_REVERSE);
	CHECK_INT(t.styles[THEME_SELECTED].bg, 238);
}

static void
test_parse_forms(void)
{
	struct theme t;
	const char *s = "# comment\n; also\n\nuser = fg:red bg:12 underline italic\n"
	    "cost=fg:200/magenta   dim\nname = mine\n";
	char *cause = NULL;

	theme_init(&t);
	CHECK_INT(theme_parse(&t, s, strlen(s), "x.theme", &cause), 0);
	CHECK_INT(t.styles[THEME_USER].fg, 1);
	CHECK_INT(t.styles[THEME_USER].fg8, 1);
	CHECK_INT(t.styles[THEME_USER].bg, 12);
	CHECK_INT(t.styles[THEME_USER].bg8, 4);
	CHECK_INT(t.styles[THEME_USER].attrs, THEME_UNDERLINE | THEME_ITALIC);
	CHECK_INT(t.styles[THEME_COST].fg, 200);
	CHECK_INT(t.styles[THEME_COST].fg8, 5);
	CHECK_INT(t.styles[THEME_COST].attrs, THEME_DIM_ATTR);
	CHECK_STR(t.name, "mine");
	/* untouched slots keep the default */
	CHECK_INT(t.styles[THEME_ROUTE].fg, 110);
}

static void
test_errors(void)
{
	struct theme t;
	const char *s = "user = fg:300\nbogus = bold\nno equals here\ncost = blink\ndim = bg:12/purple\n";
	char *cause = NULL;

	theme_init(&t);
	CHECK_INT(theme_parse(&t, s, strlen(s), "bad.theme", &cause), -1);
	CHECK_STR(cause, "bad.theme:1: user: bad foreground colour\n"
	    "bad.theme:2: unknown slot 'bogus'\n"
	    "bad.theme:3: expected 'slot = style'\n"
	    "bad.theme:4: cost: unknown attribute\n"
	    "bad.theme:5: dim: bad background colour");
	free(cause);
}

static void
test_slot_names(void)
{
	enum theme_slot s;
	int i;

	for (i = 0; i < THEME_NSLOTS; i++) {
		CHECK(theme_slot_parse(theme_slot_name((enum theme_slot)i), &s));
		CHECK_INT(s, i);
	}
	CHECK(!theme_slot_parse("nope", &s));
	CHECK_STR(theme_slot_name(THEME_METER_WARN), "meter_warn");
}

static void
test_shipped_themes_parse(void)
{
	const char *names[] = { "default", "light", "high-contrast", "mono" };
	struct theme t;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		CHECK_INT(theme_load(&t, names[i], NULL, &cause), 0);
		if (cause != NULL)
			fprintf(stderr, "%s\n", cause);
		free(cause);
		cause = NULL;
		CHECK_STR(t.name, names[i]);
	}
	theme_load(&t, "mono", NULL, NULL);
	CHECK_INT(t.styles[THEME_USER].fg, THEME_COLOR_DEFAULT);
	CHECK_INT(t.styles[THEME_METER_OVER].attrs, THEME_BOLD | THEME_REVERSE);
}

static void
test_lookup_order(void)
{
	char dir[] = "/tmp/llm-theme-XXXXXX";
	char *sub, *path, *cause = NULL;
	struct theme t;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	sub = xstrfmt("%s/themes", dir);
	CHECK_INT(mkdir_p(sub), 0);
	/* A user file named like a shipped theme wins over it. */
	path = xstrfmt("%s/light.theme", sub);
	f = fopen(path, "w");
	fputs("user = fg:9\n", f);
	fclose(f);
	CHECK_INT(theme_load(&t, "light", dir, &cause), 0);
	CHECK_INT(t.styles[THEME_USER].fg, 9);
	/* slots it does not name come from the default */
	CHECK_INT(t.styles[THEME_ASSISTANT].fg, 114);
	unlink(path);
	free(path);
	path = xstrfmt("%s/broken.theme", sub);
	f = fopen(path, "w");
	fputs("\nuser = fg:\n", f);
	fclose(f);
	CHECK_INT(theme_load(&t, "broken", dir, &cause), -1);
	{
		char *want = xstrfmt("%s:2: user: bad foreground colour", path);

		CHECK_STR(cause, want);
		free(want);
	}
	free(cause);
	cause = NULL;
	CHECK_INT(theme_load(&t, "missing", dir, &cause), -1);
	CHECK_CAUSE(cause, "not found");
	CHECK_INT(theme_load(&t, "../x", dir, &cause), -1);
	free(cause);
	unlink(path);
	free(path);
	rmdir(sub);
	rmdir(dir);
	free(sub);
}

static void
test_no_color(void)
{
	setenv("NO_COLOR", "1", 1);
	CHECK(!theme_color_allowed());
	setenv("NO_COLOR", "", 1);
	CHECK(theme_color_allowed());
	unsetenv("NO_COLOR");
	CHECK(theme_color_allowed());
}

int
main(void)
{
	RUN(test_builtin_matches_file);
	RUN(test_default);
	RUN(test_parse_forms);
	RUN(test_errors);
	RUN(test_slot_names);
	RUN(test_shipped_themes_parse);
	RUN(test_lookup_order);
	RUN(test_no_color);
	UNIT_EXIT();
}
