/* test_git_hook: diff filtering and cutting, the hook script and the draft's shape. */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "git_diff.h"
#include "git_hook.h"
#include "unit.h"
#include "util.h"

static const char two_files[] =
	"diff --git a/src/main.c b/src/main.c\n"
	"index 83db48f..bf269f4 100644\n"
	"--- a/src/main.c\n"
	"+++ b/src/main.c\n"
	"@@ -1,3 +1,4 @@\n"
	" #include <stdio.h>\n"
	"+#include <string.h>\n"
	" int main(void)\n"
	" {\n"
	"diff --git a/package-lock.json b/package-lock.json\n"
	"index 1111111..2222222 100644\n"
	"--- a/package-lock.json\n"
	"+++ b/package-lock.json\n"
	"@@ -1,2 +1,2 @@\n"
	"-  \"version\": \"1.0.0\",\n"
	"+  \"version\": \"1.0.1\",\n"
	"diff --git a/logo.png b/logo.png\n"
	"new file mode 100644\n"
	"index 0000000..3333333\n"
	"Binary files /dev/null and b/logo.png differ\n"
	"diff --git a/old name.txt b/new name.txt\n"
	"similarity index 90%\n"
	"rename from old name.txt\n"
	"rename to new name.txt\n"
	"--- a/old name.txt\t\n"
	"+++ b/new name.txt\t\n"
	"@@ -1 +1 @@\n"
	"-hello\n"
	"+hello, world\n"
	"\\ No newline at end of file\n";

static void
parse(struct git_diff *d, const char *text, size_t step, git_skip_fn fn, void *arg)
{
	size_t n = strlen(text), i;

	git_diff_init(d, 1 << 20, fn, arg);
	for (i = 0; i < n; i += step)
		git_diff_feed(d, text + i, n - i < step ? n - i : step);
	git_diff_finish(d);
}

static void
test_path_rules(void)
{
	CHECK_STR(git_path_skip("package-lock.json"), "lock file");
	CHECK_STR(git_path_skip("web/yarn.lock"), "lock file");
	CHECK_STR(git_path_skip("Cargo.lock"), "lock file");
	CHECK_STR(git_path_skip("go.sum"), "lock file");
	CHECK_STR(git_path_skip("pnpm-lock.yaml"), "lock file");
	CHECK_STR(git_path_skip("deps/foo.lock"), "lock file");
	CHECK_STR(git_path_skip("static/app.min.js"), "generated");
	CHECK_STR(git_path_skip("static/app.min.css"), "generated");
	CHECK_STR(git_path_skip("static/app.js.map"), "generated");
	CHECK_STR(git_path_skip("api/v1/service.pb.go"), "generated");
	CHECK_STR(git_path_skip("dist/bundle.js"), "generated");
	CHECK_STR(git_path_skip("web/build/index.html"), "generated");
	CHECK_STR(git_path_skip("vendor/github.com/x/y.go"), "vendored");
	CHECK_STR(git_path_skip("node_modules/a/index.js"), "vendored");
	CHECK(git_path_skip("src/main.c") == NULL);
	CHECK(git_path_skip("src/lock.c") == NULL);
	CHECK(git_path_skip(".lock") == NULL);
	CHECK(git_path_skip("docs/build.md") == NULL);
	CHECK(git_path_skip("src/distance.c") == NULL);
	CHECK(git_path_skip("mybuild/x.c") == NULL);
	CHECK(git_path_skip("app.min") == NULL);
}

static void
check_two_files(const struct git_diff *d)
{
	CHECK_INT(d->n, 4);
	if (d->n != 4)
		return;
	CHECK_STR(d->files[0].path, "src/main.c");
	CHECK(d->files[0].skip == NULL);
	CHECK_INT(d->files[0].nhunks, 1);
	CHECK_INT(d->files[0].added, 1);
	CHECK_INT(d->files[0].hunks[0].nlines, 4);
	CHECK_STR(d->files[1].path, "package-lock.json");
	CHECK_STR(d->files[1].skip, "lock file");
	CHECK_INT(d->files[1].nhunks, 0);
	CHECK_STR(d->files[2].path, "logo.png");
	CHECK_STR(d->files[2].skip, "binary");
	CHECK_STR(d->files[3].path, "new name.txt");
	CHECK(d->files[3].skip == NULL);
	CHECK_INT(d->files[3].hunks[0].nlines, 3);
	CHECK_INT(git_diff_kept(d), 2);
}

static void
test_parse_whole_and_bytewise(void)
{
	struct git_diff d;

	parse(&d, two_files, sizeof two_files, NULL, NULL);
	check_two_files(&d);
	git_diff_done(&d);
	parse(&d, two_files, 1, NULL, NULL);
	check_two_files(&d);
	git_diff_done(&d);
	parse(&d, two_files, 7, NULL, NULL);
	check_two_files(&d);
	git_diff_done(&d);
}

static void
test_render_whole(void)
{
	struct git_diff d;
	bool cut = true;
	char *s;

	parse(&d, two_files, sizeof two_files, NULL, NULL);
	s = git_diff_render(&d, 100000, &cut);
	CHECK(!cut);
	CHECK(strstr(s, "diff --git a/src/main.c b/src/main.c\n@@ -1,3 +1,4 @@\n #include <stdio.h>\n"
	    "+#include <string.h>\n") != NULL);
	CHECK(strstr(s, "1.0.1") == NULL);
	CHECK(strstr(s, "index 83db48f") == NULL);
	CHECK_HAS(s, "rename to new name.txt\n");
	CHECK_HAS(s, "[Not shown: package-lock.json (lock file), logo.png (binary)]\n");
	CHECK(strstr(s, "cut") == NULL);
	free(s);
	git_diff_done(&d);
}

static const char *
attrs(void *arg, const char *path)
{
	(void)arg;
	if (strcmp(path, "src/main.c") == 0)
		return "generated";
	if (strcmp(path, "package-lock.json") == 0)
		return "";
	return NULL;
}

static void
test_attributes_override(void)
{
	struct git_diff d;

	parse(&d, two_files, 5, attrs, NULL);
	CHECK_STR(d.files[0].skip, "generated");
	CHECK(d.files[1].skip == NULL);
	CHECK_STR(d.files[2].skip, "binary");
	git_diff_done(&d);
}

/* A diff of files files, each with hunks hunks of lines added lines. */
static char *
big_diff(size_t files, size_t hunks, size_t lines)
{
	struct buf b;
	size_t f, h, l;

	buf_init(&b, 0);
	for (f = 0; f < files; f++) {
		buf_addf(&b, "diff --git a/src/f%zu.c b/src/f%zu.c\nindex 1..2 100644\n"
		    "--- a/src/f%zu.c\n+++ b/src/f%zu.c\n", f, f, f, f);
		for (h = 0; h < hunks; h++) {
			buf_addf(&b, "@@ -%zu,0 +%zu,%zu @@\n", h * 1000, h * 1000, lines);
			for (l = 0; l < lines; l++)
				buf_addf(&b, "+file %zu hunk %zu line %zu\n", f, h, l);
		}
	}
	return buf_detach(&b);
}

/* big_diff(files, hunks, lines) fed in pieces of step bytes and rendered within max: it must be cut. */
static char *
render_big(size_t files, size_t hunks, size_t lines, size_t step, size_t max)
{
	char *text = big_diff(files, hunks, lines), *s;
	struct git_diff d;
	bool cut = false;

	parse(&d, text, step, NULL, NULL);
	CHECK_INT(d.n, files);
	s = git_diff_render(&d, max, &cut);
	CHECK(cut);
	CHECK(strlen(s) <= max);
	git_diff_done(&d);
	free(text);
	return s;
}

static void
test_cut_to_budget(void)
{
	char *s = render_big(20, 5, 200, 4096, 24000);
	size_t f;

	CHECK(strlen(s) > 12000);
	for (f = 0; f < 20; f++) {
		char want[80];

		snprintf(want, sizeof want, "diff --git a/src/f%zu.c b/src/f%zu.c\n", f, f);
		CHECK_HAS(s, want);
		snprintf(want, sizeof want, "+file %zu hunk 4 line 0\n", f);
		CHECK_HAS(s, want);
		snprintf(want, sizeof want, "+file %zu hunk 4 line 199\n", f);
		CHECK(strstr(s, want) == NULL);
	}
	CHECK_HAS(s, "more lines of this hunk cut]");
	CHECK_HAS(s, "[The diff was cut to fit: the first ");
	free(s);
}

static void
test_cut_to_names(void)
{
	/* Headers alone fit, hunk heads do not: a summary per file. */
	char *s = render_big(300, 3, 3, 100, 300 * 85);

	CHECK_HAS(s, "diff --git a/src/f299.c b/src/f299.c\n[3 hunks, +9 -0 lines, not shown]\n");
	free(s);
	/* Not even the headers: names, then how many are missing. */
	s = render_big(300, 3, 3, 100, 1000);
	CHECK_HAS(s, "src/f0.c\n");
	CHECK_HAS(s, "more files]\n");
	free(s);
}

static void
test_long_line_and_keep(void)
{
	struct buf b;
	struct git_diff d;
	size_t i;

	buf_init(&b, 0);
	buf_adds(&b, "diff --git a/a.txt b/a.txt\n@@ -0,0 +1,3 @@\n+");
	for (i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "\n+short\n+short again\n");
	git_diff_init(&d, 1 << 20, NULL, NULL);
	git_diff_feed(&d, b.data, b.len);
	git_diff_finish(&d);
	CHECK_INT(d.files[0].hunks[0].nkept, 3);
	CHECK(d.files[0].hunks[0].body.len < GIT_LINE_MAX + 40);
	CHECK_HAS(d.files[0].hunks[0].body.data, "x [...]\n+short\n");
	git_diff_done(&d);
	/* A hunk holds no more than keep bytes, and only its first lines. */
	git_diff_init(&d, 10, NULL, NULL);
	git_diff_feed(&d, b.data, b.len);
	git_diff_finish(&d);
	CHECK_INT(d.files[0].hunks[0].nkept, 0);
	CHECK_INT(d.files[0].hunks[0].nlines, 3);
	git_diff_done(&d);
	buf_done(&b);
}

static void
test_render_not_utf8(void)
{
	struct git_diff d;
	char *s;

	parse(&d, "diff --git a/l.txt b/l.txt\n@@ -1 +1 @@\n-caf\xe9\n+caf\xc3\xa9 \xf0\x9f\x99\x82 \xed\xa0\x80\xc3\n"
	    "+over\xc0\xaf long \xf4\x90\x80\x80\n", 3, NULL, NULL);
	s = git_diff_render(&d, 10000, NULL);
	CHECK_HAS(s, "\n-caf?\n+caf\xc3\xa9 \xf0\x9f\x99\x82 ?""???\n+over?? long ????\n");
	free(s);
	git_diff_done(&d);
}

static void
test_sources(void)
{
	CHECK(!git_source_skips(NULL));
	CHECK(!git_source_skips(""));
	CHECK(git_source_skips("message"));
	CHECK(!git_source_skips("template"));
	CHECK(git_source_skips("merge"));
	CHECK(git_source_skips("squash"));
	CHECK(git_source_skips("commit"));
	CHECK(git_source_skips("something-new"));
}

static void
test_hook_script(void)
{
	char *s = git_hook_script("/usr/local/bin/llm");

	CHECK(str_startswith(s, "#!/bin/sh\n"));
	CHECK(git_hook_is_ours(s));
	/* by its path, whatever PATH holds; llm on PATH only when that file is gone */
	CHECK_HAS(s, "\nllm=/usr/local/bin/llm\nif [ ! -x \"$llm\" ]; then\n"
	    "\tif ! command -v llm >/dev/null 2>&1; then\n");
	CHECK_HAS(s, "is gone, and llm is not on PATH");
	CHECK_HAS(s, "\tllm=llm\nfi\n\"$llm\" git commit-msg \"$@\" </dev/null || true\nexit 0\n");
	free(s);
	s = git_hook_script("/opt/my llm's \"x\"/bin/llm");
	CHECK_HAS(s, "\nllm='/opt/my llm'\\''s \"x\"/bin/llm'\n");
	CHECK(git_hook_is_ours(s));
	free(s);
	/* this program's path unknown: by name */
	s = git_hook_script("llm");
	CHECK_HAS(s, "\nllm=llm\nif ! command -v \"$llm\"");
	CHECK(git_hook_is_ours(s));
	free(s);
	CHECK(!git_hook_is_ours("#!/bin/sh\nexec husky\n"));
}

#define OLD_HEAD "#!/bin/sh\n" GIT_HOOK_MARKER "; 'llm git uninstall-hook' removes it.\n" \
	"# Drafts a commit message from the staged diff; it never stops a commit.\n"

/* Hooks earlier versions wrote are still llm's, to update or remove, and no more than they were. */
static void
test_hook_old(void)
{
	static const char *const old[] = {
		OLD_HEAD "command -v '/opt/my llm/llm' >/dev/null 2>&1 || exit 0\n"
		"'/opt/my llm/llm' git commit-msg \"$@\" </dev/null || true\nexit 0\n",
		/* by name, and where PATH found it */
		OLD_HEAD "llm=llm\ncommand -v \"$llm\" >/dev/null 2>&1 || llm=/home/me/.local/bin/llm\n"
		"if ! command -v \"$llm\" >/dev/null 2>&1; then\n"
		"\tprintf 'llm: commit message not drafted: llm is not on PATH, nor at %s\\n' \"$llm\" >&2\n"
		"\texit 0\nfi\n\"$llm\" git commit-msg \"$@\" </dev/null || true\nexit 0\n",
		OLD_HEAD "llm=llm\ncommand -v \"$llm\" >/dev/null 2>&1 || llm='/opt/a b/llm'\n"
		"if ! command -v \"$llm\" >/dev/null 2>&1; then\n"
		"\tprintf 'llm: commit message not drafted: llm is not on PATH, nor at %s\\n' \"$llm\" >&2\n"
		"\texit 0\nfi\n\"$llm\" git commit-msg \"$@\" </dev/null || true\nexit 0\n",
		/* by its path, with no PATH fallback */
		OLD_HEAD "llm='/opt/my llm'\\''s/bin/llm'\n"
		"if ! command -v \"$llm\" >/dev/null 2>&1; then\n"
		"\tprintf 'llm: commit message not drafted: %s is not there\\n' \"$llm\" >&2\n"
		"\texit 0\nfi\n\"$llm\" git commit-msg \"$@\" </dev/null || true\nexit 0\n",
	};
	char *t, *u;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(old); i++) {
		CHECK(git_hook_is_ours(old[i]));
		t = xstrfmt("%snpm test\n", old[i]);
		CHECK(!git_hook_is_ours(t));
		free(t);
		t = xstrdup(old[i]);
		t[strlen(t) - 30] = 'X';
		CHECK(!git_hook_is_ours(t));
		free(t);
	}
	/* the fallback's line dropped by hand */
	t = xstrdup(old[1]);
	u = strstr(t, "command -v \"$llm\" >/dev/null 2>&1 || llm=");
	memmove(u, strchr(u, '\n') + 1, strlen(strchr(u, '\n') + 1) + 1);
	CHECK(!git_hook_is_ours(t));
	free(t);
}

/* s with the first from replaced by to (malloc'd); from must be there. */
static char *
replace_first(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);

	assert(at != NULL);
	return xstrfmt("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

/* llm's line in a script a hook manager runs: first, once, the script's lines kept. */
static void
test_hook_line(void)
{
	char *s, *t;

	s = git_hook_line_add("#!/usr/bin/env sh\nnpx lint-msg \"$1\"\n");
	CHECK_STR(s, "#!/usr/bin/env sh\n" GIT_HOOK_LINE "\nnpx lint-msg \"$1\"\n");
	CHECK(git_hook_line_add(s) == NULL);
	t = git_hook_line_remove(s);
	CHECK_STR(t, "#!/usr/bin/env sh\nnpx lint-msg \"$1\"\n");
	CHECK(git_hook_line_remove(t) == NULL);
	free(t);
	free(s);
	/* no #! line (husky 9 needs none), and no final newline */
	s = git_hook_line_add("exit 0");
	CHECK_STR(s, GIT_HOOK_LINE "\nexit 0");
	free(s);
	s = git_hook_line_add("#!/bin/sh");
	CHECK_STR(s, "#!/bin/sh\n" GIT_HOOK_LINE "\n");
	free(s);
	/* husky 5 to 8: below the line that sources husky.sh, which runs the rest again */
	s = git_hook_line_add("#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n\nnpx cz --hook\n");
	CHECK_STR(s, "#!/usr/bin/env sh\n. \"$(dirname -- \"$0\")/_/husky.sh\"\n" GIT_HOOK_LINE "\n\nnpx cz --hook\n");
	free(s);
	s = git_hook_line_add("#!/bin/sh\n. \"$(dirname \"$0\")/_/husky.sh\"");
	CHECK_STR(s, "#!/bin/sh\n. \"$(dirname \"$0\")/_/husky.sh\"\n" GIT_HOOK_LINE "\n");
	free(s);
	s = git_hook_line_add("#!/bin/sh\n. ./env.sh\n");
	CHECK_STR(s, "#!/bin/sh\n" GIT_HOOK_LINE "\n. ./env.sh\n");
	free(s);
	/* a script made for the line alone goes with it, husky 5 to 8's too */
	s = git_hook_line_add("#!/usr/bin/env sh\n" GIT_HUSKY_SOURCE);
	t = git_hook_line_remove(s);
	CHECK_STR(t, "");
	free(t);
	free(s);
	s = git_hook_line_add("");
	t = git_hook_line_remove(s);
	CHECK_STR(t, "");
	free(t);
	free(s);
	/* the line inside another, or changed, is not llm's */
	CHECK(git_hook_line_remove("# " GIT_HOOK_LINE "\n") == NULL);
	CHECK(git_hook_line_remove(GIT_HOOK_LINE " --x\n") == NULL);
	t = git_hook_line_remove("a\n" GIT_HOOK_LINE);
	CHECK_STR(t, "a\n");
	free(t);
}

/* Only a hook llm writes, byte for byte, is llm's: not one that merely carries the marker. */
static void
test_hook_ours_exactly(void)
{
	char *s = git_hook_script("/usr/local/bin/llm"), *t;

	CHECK(git_hook_is_ours(s));
	t = xstrfmt("%snpm test\n", s);
	CHECK(!git_hook_is_ours(t));
	free(t);
	t = xstrfmt("#!/bin/sh\n%s\nmy own work\n", GIT_HOOK_MARKER);
	CHECK(!git_hook_is_ours(t));
	free(t);
	t = xstrdup(s);
	t[strlen(t) - 2] = 'X';
	CHECK(!git_hook_is_ours(t));
	free(t);
	/* the fallback to PATH dropped by hand */
	t = replace_first(s, "\tllm=llm\n", "");
	CHECK(!git_hook_is_ours(t));
	free(t);
	free(s);
	/* a command that sh_quote would have quoted, written bare */
	s = git_hook_script("/opt/my llm/llm");
	t = replace_first(s, "'/opt/my llm/llm'", "/opt/my llm/llm");
	CHECK_HAS(t, "\nllm=/opt/my llm/llm\n");
	CHECK(!git_hook_is_ours(t));
	free(t);
	free(s);
	CHECK(!git_hook_is_ours(""));
}

static void
test_has_text(void)
{
	CHECK(!git_msg_has_text("", "#"));
	CHECK(!git_msg_has_text("\n# Please enter the commit message\n", "#"));
	CHECK(!git_msg_has_text("  \n\n# x\nafter comment\n", "#"));
	CHECK(git_msg_has_text("fix it\n# x\n", "#"));
	CHECK(git_msg_has_text("\n# x\n", ";"));
	CHECK(!git_msg_has_text("\n; x\n", ";"));
	CHECK(!git_msg_has_text("\n; x\n", NULL));
	CHECK(git_msg_has_text("text\n", NULL));
	/* the trailers git adds to an empty message (commit -s, --trailer) are not the user's text */
	CHECK(!git_msg_has_text("\n\nSigned-off-by: A <a@b>\n\n# Please enter\n", "#"));
	CHECK(!git_msg_has_text("\nReviewed-by: X <x@y>\nSigned-off-by: A <a@b>\n# x\n", "#"));
	CHECK(!git_msg_has_text("\n\nSigned-off-by: A <a@b>\n", NULL));
	CHECK(git_msg_has_text("\n\nSigned-off-by: A <a@b>\nmy words\n# x\n", "#"));
	CHECK(git_msg_has_text("Refs: 12\n# x\n", "#"));
	CHECK(git_msg_has_text("\nFix:the thing\n", "#"));
}

static void
test_clean(void)
{
	char *s;
	char longsub[] = "feat(parser): accept quoted section names and keys with spaces in every config file";

	CHECK_STR_FREE(git_msg_clean("fix: handle empty input\n\nThe parser crashed on an empty file.\n", "#"), "fix: handle empty input\n\nThe parser crashed on an empty file.\n");
	CHECK_STR_FREE(git_msg_clean("```\n\"fix: handle empty input\"\r\nThe parser crashed.\n```\n\n", "#"), "fix: handle empty input\n\nThe parser crashed.\n");
	CHECK_STR_FREE(git_msg_clean("\n\nSubject: docs: say why   \n", "#"), "docs: say why\n");
	/* a line that announces the message is not its subject */
	CHECK_STR_FREE(git_msg_clean("Here is the commit message:\n\nfeat: add seven\n\nIt was six.\n", "#"),
	    "feat: add seven\n\nIt was six.\n");
	CHECK_STR_FREE(git_msg_clean("Commit message:\n```\nfix: close the file\n```\n", "#"),
	    "fix: close the file\n");
	CHECK_STR_FREE(git_msg_clean("fix: one thing:\n\nand more\n", "#"), "fix: one thing:\n\nand more\n");
	CHECK_STR_FREE(git_msg_clean("Subject:\ndocs: say why\n", "#"), "docs: say why\n");
	/* only Unicode spaces or zero-width characters: no draft */
	CHECK(git_msg_clean("\xc2\xa0", "#") == NULL);
	CHECK(git_msg_clean("\xc2\xa0\n\xe2\x80\x8b\xe2\x80\x83\n\xe3\x80\x80\xef\xbb\xbf\n", "#") == NULL);
	CHECK(git_msg_clean("\xe2\x81\xa0\xe3\x85\xa4\xe2\xa0\x80\xc2\xad\xef\xb8\x8f", "#") == NULL);
	/* an invisible first line is not the subject */
	CHECK_STR_FREE(git_msg_clean("\xc2\xa0\nfix: close the file\n", "#"), "fix: close the file\n");
	/* a visible character among them is kept */
	CHECK_STR_FREE(git_msg_clean("fix\xc2\xa0it\n", "#"), "fix\xc2\xa0it\n");
	/* a line alone is the subject, with a newline after it or not */
	CHECK_STR_FREE(git_msg_clean("Refactor:\n\n", "#"), "Refactor:\n");
	CHECK_STR_FREE(git_msg_clean("Refactor:", "#"), "Refactor:\n");
	/* a subject too long is cut at a word, marked, and the rest opens the body */
	CHECK_STR_FREE(git_msg_clean(longsub, "#"), "feat(parser): accept quoted section names and keys with spaces in every\xe2\x80\xa6\n\n\xe2\x80\xa6" "config file\n");
	CHECK_STR_FREE(git_msg_clean("fix: make the greeting program print a longer and friendlier message, on every start\n\nBody.\n", "#"),
	    "fix: make the greeting program print a longer and friendlier message\xe2\x80\xa6\n\n\xe2\x80\xa6on every start\n\nBody.\n");
	/* Exactly 72 characters stays whole, multi-byte characters count once. */
	CHECK_STR_FREE(git_msg_clean("fix: \xc3\xa9\xc3\xa9\xc3\xa9 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bb", "#"), "fix: \xc3\xa9\xc3\xa9\xc3\xa9 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bb\n");
	/* one word too long is cut within it: 71 characters, the mark, then the rest */
	s = git_msg_clean("x\xc3\xa9yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", "#");
	CHECK(s != NULL && strlen(s) == 72 + 3 + 2 + 3 + 12 + 1);
	CHECK(s != NULL && memcmp(s + 72, "\xe2\x80\xa6\n\n\xe2\x80\xa6y", 9) == 0);
	free(s);
	CHECK(git_msg_clean("", "#") == NULL);
	CHECK(git_msg_clean("\n```\n```\n  \n", "#") == NULL);
	/* a message in a fence is what the fence holds: talk after it is not the message */
	CHECK_STR_FREE(git_msg_clean("Here is the commit message:\n\n```text\nfix: close the file\n\nIt leaked.\n"
	    "```\n\nLet me know if you want changes.\n", "#"), "fix: close the file\n\nIt leaked.\n");
	CHECK_STR_FREE(git_msg_clean("```\nfix: close the file\n```\nThis follows the Conventional Commits form.", "#"),
	    "fix: close the file\n");
	/* a fence that never closes, or one after the subject, is only dropped */
	CHECK_STR_FREE(git_msg_clean("```\nfix: close the file\n\nIt leaked.", "#"), "fix: close the file\n\nIt leaked.\n");
	CHECK_STR_FREE(git_msg_clean("fix: close the file\n\nIt leaked.\n```\n", "#"), "fix: close the file\n\nIt leaked.\n");
}

/* Markdown and a reasoning block around the message are the model's dress, not the message. */
static void
test_clean_markdown(void)
{
	CHECK_STR_FREE(git_msg_clean("**feat: add x**\n\nBody.\n", "#"), "feat: add x\n\nBody.\n");
	CHECK_STR_FREE(git_msg_clean("**Commit message:**\n\nfeat: add x\n", "#"), "feat: add x\n");
	/* a heading that names the message announces it, fenced or not; the message is below */
	CHECK_STR_FREE(git_msg_clean("### Commit Message\n\n```\nfeat: add x\n```\n", "#"), "feat: add x\n");
	CHECK_STR_FREE(git_msg_clean("## Suggested commit message\nfix: y\n\nBody.\n", "#"), "fix: y\n\nBody.\n");
	CHECK_STR_FREE(git_msg_clean("**Commit Message**\n\nfix: y\n", "#"), "fix: y\n");
	/* a subject that only speaks of commit messages is still the subject */
	CHECK_STR_FREE(git_msg_clean("Fix the commit message hook\n\nBody.\n", "#"),
	    "Fix the commit message hook\n\nBody.\n");
	CHECK_STR_FREE(git_msg_clean("## fix: commit message hook\n\nBody.\n", "#"),
	    "fix: commit message hook\n\nBody.\n");
	CHECK_STR_FREE(git_msg_clean("**Subject:** fix: close it\n", "#"), "fix: close it\n");
	CHECK_STR_FREE(git_msg_clean("## __docs: say why__\n", "#"), "docs: say why\n");
	/* bold inside the subject is the model's choice */
	CHECK_STR_FREE(git_msg_clean("fix: **never** block\n", "#"), "fix: **never** block\n");
	CHECK_STR_FREE(git_msg_clean("<think>\nThe diff adds x.\nfeat: maybe?\n</think>\n\nfeat: add x\n", "#"),
	    "feat: add x\n");
	CHECK(git_msg_clean("<think>the reply was cut while it thought", "#") == NULL);
	CHECK_STR_FREE(git_msg_clean("feat: x\n\n<think>kept</think>\n", "#"), "feat: x\n\n<think>kept</think>\n");
	/* a heading in the body would start with git's comment character */
	CHECK_STR_FREE(git_msg_clean("feat: x\n\n## Summary\n- one\n\n# Notes\nsee\n#1 stays\n", "#"),
	    "feat: x\n\nSummary\n- one\n\nNotes\nsee #1 stays\n");
}

/* A body sent as long lines is wrapped at 72 columns; code, trailers and long words are not. */
static void
test_body_wrap(void)
{
	CHECK_STR_FREE(git_msg_clean("fix: wrap\n\nThe parser read the whole file into memory before it looked at the "
	    "first line, so a large log could exhaust it.\n", "#"),
	    "fix: wrap\n\nThe parser read the whole file into memory before it looked at the first\n"
	    "line, so a large log could exhaust it.\n");
	/* a list item's further lines hang under its text; short lines stay as they are */
	CHECK_STR_FREE(git_msg_clean("feat: x\n\n- Read the configuration once at start instead of on every request "
	    "that comes in.\n12. short\n  * nested item that is also long enough to need a second line of text here\n", "#"),
	    "feat: x\n\n- Read the configuration once at start instead of on every request that\n"
	    "  comes in.\n12. short\n  * nested item that is also long enough to need a second line of text\n"
	    "    here\n");
	/* 72 characters exactly, multi-byte ones counted once, stay on one line */
	CHECK_STR_FREE(git_msg_clean("a: b\n\n\xc3\xa9\xc3\xa9 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbb\n", "#"),
	    "a: b\n\n\xc3\xa9\xc3\xa9 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbb\n");
	/* code, trailers and a word longer than the width are left whole */
	CHECK_STR_FREE(git_msg_clean("a: b\n\n    if (x) { return the_longest_call(argument_one, argument_two, three); }\n"
	    "Link: https://lists.example.com/archives/the-list/2026/12/the-thread-that-started-it\n"
	    "See https://example.com/a/very/long/path/that/goes/on/and/on/well/past/seventy-two/columns ok\n", "#"),
	    "a: b\n\n    if (x) { return the_longest_call(argument_one, argument_two, three); }\n"
	    "Link: https://lists.example.com/archives/the-list/2026/12/the-thread-that-started-it\n"
	    "See\nhttps://example.com/a/very/long/path/that/goes/on/and/on/well/past/seventy-two/columns\nok\n");
}

/* A model signs off for no one and credits no one: trailers that name a person go. */
static void
test_clean_people(void)
{
	CHECK_STR_FREE(git_msg_clean("feat: x\n\nAdd x.\n\nCo-authored-by: Evil <evil@example.com>\n"
	    "Signed-off-by: Mallory <m@example.com>\n", "#"), "feat: x\n\nAdd x.\n");
	/* any "-by", in any case; other trailers and prose that mentions one stay */
	CHECK_STR_FREE(git_msg_clean("fix: y\n\nAs Reviewed-by: lines say.\n\nCo-Authored-By: Claude <noreply@example.com>\n"
	    "Refs: #12\nREPORTED-BY: someone\nAcked-by: a\nFixes: abc123\n", "#"),
	    "fix: y\n\nAs Reviewed-by: lines say.\n\nRefs: #12\nFixes: abc123\n");
	/* git takes these for trailers too */
	CHECK_STR_FREE(git_msg_clean("fix: v\n\nBody.\n\nCo-authored-by:Evil <e@example.com>\n"
	    "Signed-off-by :M <m@example.com>\nAcked-by\t: a\n", "#"), "fix: v\n\nBody.\n");
	/* a block between paragraphs leaves one blank line, not two */
	CHECK_STR_FREE(git_msg_clean("fix: z\n\nOne.\n\nTested-by: t\n\nTwo.\n", "#"), "fix: z\n\nOne.\n\nTwo.\n");
	/* a token that only ends in "by" is no such trailer; a reply of them alone is no draft */
	CHECK_STR_FREE(git_msg_clean("fix: w\n\nStandby: on\n", "#"), "fix: w\n\nStandby: on\n");
	CHECK(git_msg_clean("Signed-off-by: M <m@example.com>\n", "#") == NULL);
}

/* A wrap never starts a line with '#': git would take the line for a comment and drop it. */
static void
test_body_wrap_hash(void)
{
	CHECK_STR_FREE(git_msg_clean("fix: x\n\nThe parser read past the end of an empty buffer, which crashed it "
	    "as in #1234 and in other reports since.\n", "#"),
	    "fix: x\n\nThe parser read past the end of an empty buffer, which crashed it as in #1234\n"
	    "and in other reports since.\n");
	/* a model that wrapped its own body: "#1234" joins the line before (wrapped again if long) */
	CHECK_STR_FREE(git_msg_clean("fix: x\n\nThe parser read past the end of an empty buffer, which\n"
	    "crashed it as in\n#1234 and in other reports since.\n\n#12 opens a paragraph\n", "#"),
	    "fix: x\n\nThe parser read past the end of an empty buffer, which\n"
	    "crashed it as in #1234 and in other reports since.\n\n #12 opens a paragraph\n");
	CHECK_STR_FREE(git_msg_clean("fix: x\n\nThe parser read past the end of an empty buffer, which crashed it as in\n"
	    "#1234 and in other reports since.\n", "#"),
	    "fix: x\n\nThe parser read past the end of an empty buffer, which crashed it as in #1234\n"
	    "and in other reports since.\n");
	/* a line with no prose above it to join keeps its text behind one space, wrapped within 72 */
	CHECK_STR_FREE(git_msg_clean("fix: x\n\n#1234 was the cause: the parser read past the end of an empty "
	    "buffer, which crashed it.\n", "#"),
	    "fix: x\n\n #1234 was the cause: the parser read past the end of an empty buffer,\n"
	    "which crashed it.\n");
	CHECK_STR_FREE(git_msg_clean("fix: x\n#12 is the first body line\n", "#"),
	    "fix: x\n\n #12 is the first body line\n");
	CHECK_STR_FREE(git_msg_clean("fix: x\n\n    code();\n#12 after code\nRefs: a\n#13\n", "#"),
	    "fix: x\n\n    code();\n #12 after code\nRefs: a\n #13\n");
	/* under a list item's text the line is indented: no comment to git */
	CHECK_STR_FREE(git_msg_clean("fix: x\n\n- The parser read past the end of an empty buffer, which crashed "
	    "it in #1234 and others.\n", "#"),
	    "fix: x\n\n- The parser read past the end of an empty buffer, which crashed it in\n"
	    "  #1234 and others.\n");
}

/* A subject that starts with git's comment prefix keeps it, behind one space and within 72. */
static void
test_subject_comment(void)
{
	CHECK_STR_FREE(git_msg_clean("#1234: fix the crash on empty input\n", "#"),
	    " #1234: fix the crash on empty input\n");
	CHECK_STR_FREE(git_msg_clean("**#1234: fix it**\n", "#"), " #1234: fix it\n");
	CHECK_STR_FREE(git_msg_clean("#1234 fix the crash on empty input that the parser hit when a file had "
	    "nothing", "#"),
	    " #1234 fix the crash on empty input that the parser hit when a file had\xe2\x80\xa6\n\n"
	    "\xe2\x80\xa6nothing\n");
	/* a heading's marks are still dress */
	CHECK_STR_FREE(git_msg_clean("# fix: x\n", "#"), "fix: x\n");
	CHECK_STR_FREE(git_msg_clean("#1234: fix\n", ";"), "#1234: fix\n");
}

/* The comment prefix git was told to use is the one guarded against; "auto" (NULL) is any of its. */
static void
test_clean_comment_prefix(void)
{
	CHECK_STR_FREE(git_msg_clean("fix: x\n\nsee\n#1 stays\n\n;2 opens\n", ";"),
	    "fix: x\n\nsee\n#1 stays\n\n ;2 opens\n");
	CHECK_STR_FREE(git_msg_clean("; fix: x\n\nsee\n;1 joins\n", ";"), " ; fix: x\n\nsee ;1 joins\n");
	CHECK_STR_FREE(git_msg_clean("fix: x\n\n//1 opens\n/ stays\n", "//"),
	    "fix: x\n\n //1 opens\n/ stays\n");
	CHECK_STR_FREE(git_msg_clean("fix: x\n\n$5 a month\n\n#1 and ;2\n\nplain\n", NULL),
	    "fix: x\n\n $5 a month\n\n #1 and ;2\n\nplain\n");
}

static void
test_subject_lengths(void)
{
	const char *words[] = { "a", "bb", "ccc", "dddd", "eeeee" };
	char in[400];
	size_t i, n;

	/* Whatever the words, the subject fits and ends on a whole word. */
	for (n = 1; n < 120; n++) {
		char *s, *nl;
		size_t len = 0, sub;
		bool cut;

		in[0] = '\0';
		for (i = 0; len + 6 < n; i++) {
			len += (size_t)snprintf(in + len, sizeof in - len, "%s%s", i ? " " : "",
			    words[(i * 7 + n) % 5]);
		}
		s = git_msg_clean(in, "#");
		if (len == 0) {
			CHECK(s == NULL);
			continue;
		}
		nl = strchr(s, '\n');
		CHECK(nl != NULL);
		if (nl == NULL) {
			free(s);
			continue;
		}
		sub = (size_t)(nl - s);
		cut = sub > 3 && memcmp(nl - 3, "\xe2\x80\xa6", 3) == 0;
		/* the words are ASCII: the mark is the one character of three bytes */
		CHECK(sub - (cut ? 2 : 0) <= GIT_SUBJECT_MAX);
		if (!cut) {
			CHECK(strncmp(in, s, sub) == 0 && in[sub] == '\0');
		} else {
			/* the subject is the words up to a space; the body goes on with the rest */
			CHECK(strncmp(in, s, sub - 3) == 0 && in[sub - 3] == ' ');
			CHECK(strncmp(nl, "\n\n\xe2\x80\xa6", 5) == 0);
			CHECK(strncmp(nl + 5, in + sub - 2, strlen(in + sub - 2)) == 0);
		}
		free(s);
	}
}

static void
test_insert(void)
{
	char *s;
	const char *git = "\n# Please enter the commit message for your changes.\n#\n# On branch main\n";

	s = git_msg_insert(git, "fix: x\n\nbody\n");
	CHECK_STR(s, "fix: x\n\nbody\n\n# Please enter the commit message for your changes.\n#\n"
	    "# On branch main\n");
	free(s);
	CHECK_STR_FREE(git_msg_insert("# no blank first\n", "fix: x\n"), "fix: x\n\n# no blank first\n");
	CHECK_STR_FREE(git_msg_insert("", "fix: x\n"), "fix: x\n");
	CHECK_STR_FREE(git_msg_insert("\n\nSigned-off-by: A <a@b>\n\n# x\n", "fix: x\n"),
	    "fix: x\n\nSigned-off-by: A <a@b>\n\n# x\n");
	CHECK_STR_FREE(git_msg_insert("\n\n", "fix: x\n"), "fix: x\n");
}

/* Escape sequences, controls and bidi overrides never reach a commit message. */
static void
test_sanitize(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain\ttext\n", "plain\ttext\n" },
		{ "a\x1b[8mhidden\x1b[0m b", "ahidden b" },
		{ "see \x1b]8;;https://evil.example/\x07here\x1b]8;;\x07 now", "see here now" },
		{ "t\x1b]0;title\x1b\\x", "tx" },
		{ "unterminated \x1b]8;;https://x\nnext", "unterminated \nnext" },
		{ "dcs\x1bPq#0\x1b\\end", "dcsend" },
		{ "reset\x1b" "c!", "reset!" },
		{ "charset\x1b(B!", "charset!" },
		{ "cr\r\nbell\x07 del\x7f nul-free\x01", "cr\nbell del nul-free" },
		{ "c1\xc2\x9b" "31mred\xc2\x85", "c131mred" },
		{ "bidi \xe2\x80\xae" "evil\xe2\x80\xac \xe2\x81\xa6x\xe2\x81\xa9 \xe2\x80\x8f\xd8\x9c.",
		  "bidi evil x ." },
		{ "keep \xc3\xa9 \xe2\x86\x92 \xf0\x9f\x99\x82 \xe2\x80\x8b", "keep \xc3\xa9 \xe2\x86\x92 "
		  "\xf0\x9f\x99\x82 \xe2\x80\x8b" },
		{ "bad \xff\xc3 \xed\xa0\x80 \xc0\xaf", "bad \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd"
		  "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd" },
		{ "esc at end\x1b", "esc at end" },
		{ "csi at end\x1b[12", "csi at end" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_STR_FREE(git_msg_sanitize(cases[i].in), cases[i].want);
	}
	CHECK_STR_FREE(git_msg_clean("feat: \x1b[31mred\x1b[0m \xe2\x80\xae" "evil\r\n\r\nbody\x1b]8;;u\x07 link\n", "#"), "feat: red evil\n\nbody link\n");
}

int
main(void)
{
	RUN(test_path_rules);
	RUN(test_parse_whole_and_bytewise);
	RUN(test_render_whole);
	RUN(test_attributes_override);
	RUN(test_cut_to_budget);
	RUN(test_cut_to_names);
	RUN(test_long_line_and_keep);
	RUN(test_render_not_utf8);
	RUN(test_sources);
	RUN(test_hook_script);
	RUN(test_hook_old);
	RUN(test_hook_ours_exactly);
	RUN(test_hook_line);
	RUN(test_has_text);
	RUN(test_clean);
	RUN(test_body_wrap);
	RUN(test_clean_people);
	RUN(test_body_wrap_hash);
	RUN(test_subject_comment);
	RUN(test_clean_comment_prefix);
	RUN(test_clean_markdown);
	RUN(test_sanitize);
	RUN(test_subject_lengths);
	RUN(test_insert);
	UNIT_EXIT();
}
