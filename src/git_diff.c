/* git_diff: a staged diff read in pieces, its lock files and generated files left out, cut to a size. */
#include "git_diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "visible.h"

/* Kept apart whatever their size: they say nothing a commit message needs. */
static const char *const lock_names[] = {
	"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
	"bun.lockb", "Cargo.lock", "poetry.lock", "Pipfile.lock", "uv.lock",
	"Gemfile.lock", "composer.lock", "go.sum", "flake.lock", "packages.lock.json",
	"gradle.lockfile", "mix.lock", "pubspec.lock", "Podfile.lock",
};

static const char *const generated_suffixes[] = {
	".min.js", ".min.css", ".min.mjs", ".js.map", ".mjs.map", ".css.map",
	".pb.go", ".pb.cc", ".pb.h", "_pb2.py", "_pb2_grpc.py",
};

/* Directories, at any depth, whose files are built or copied in, not written. */
static const struct {
	const char *dir;
	const char *why;
} skip_dirs[] = {
	{ "dist", "generated" },
	{ "build", "generated" },
	{ "node_modules", "vendored" },
	{ "vendor", "vendored" },
	{ "third_party", "vendored" },
};

const char *
git_path_skip(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i < ARRAY_SIZE(lock_names); i++)
		if (strcmp(base, lock_names[i]) == 0)
			return "lock file";
	if (str_endswith(base, ".lock") && strlen(base) > 5)
		return "lock file";
	for (i = 0; i < ARRAY_SIZE(generated_suffixes); i++)
		if (str_endswith(base, generated_suffixes[i]) &&
		    strlen(base) > strlen(generated_suffixes[i]))
			return "generated";
	for (i = 0; i < ARRAY_SIZE(skip_dirs); i++) {
		const char *p = path;
		size_t n = strlen(skip_dirs[i].dir);

		while (p < base) {
			if (strncmp(p, skip_dirs[i].dir, n) == 0 && p[n] == '/')
				return skip_dirs[i].why;
			p = strchr(p, '/');
			if (p == NULL)
				break;
			p++;
		}
	}
	return NULL;
}

void
git_diff_init(struct git_diff *d, size_t keep, git_skip_fn skip_fn, void *arg)
{
	memset(d, 0, sizeof *d);
	d->keep = keep;
	d->skip_fn = skip_fn;
	d->skip_arg = arg;
	buf_init(&d->line, 0);
}

static void
hunk_done(struct git_hunk *h)
{
	free(h->head);
	buf_done(&h->body);
}

static void
file_done(struct git_file *f)
{
	size_t i;

	free(f->path);
	buf_done(&f->header);
	for (i = 0; i < f->nhunks; i++)
		hunk_done(&f->hunks[i]);
	free(f->hunks);
}

void
git_diff_done(struct git_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		file_done(&d->files[i]);
	free(d->files);
	buf_done(&d->line);
	memset(d, 0, sizeof *d);
}

static struct git_file *
cur_file(struct git_diff *d)
{
	return d->n ? &d->files[d->n - 1] : NULL;
}

/* Strip git's quoting ("a/x y" with C escapes left as they are) and a trailing tab. */
static char *
path_dup(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	return xstrndup(s, n);
}

/* The path from "a/P b/P"; for a rename the b/ side (corrected later by "rename to"). */
static char *
path_from_git_line(const char *s)
{
	size_t len = strlen(s), p;
	const char *b;

	if (len > 5 && (len - 5) % 2 == 0) {
		p = (len - 5) / 2;
		if (strncmp(s, "a/", 2) == 0 && strncmp(s + 2 + p, " b/", 3) == 0 &&
		    memcmp(s + 2, s + 5 + p, p) == 0)
			return xstrndup(s + 2, p);
	}
	b = strstr(s, " b/");
	if (b != NULL)
		return path_dup(b + 3, strlen(b + 3));
	b = strstr(s, " \"b/");
	if (b != NULL)
		return path_dup(b + 4, strlen(b + 4) - 1);
	return xstrdup(s);
}

static void
set_path(struct git_file *f, const char *s, size_t n)
{
	free(f->path);
	f->path = path_dup(s, n);
}

/* Settle whether the file is left out, once its header has been read. */
static void
decide_skip(struct git_diff *d, struct git_file *f)
{
	const char *r = NULL;

	if (f->skip != NULL)
		return;
	if (d->skip_fn != NULL)
		r = d->skip_fn(d->skip_arg, f->path);
	if (r != NULL)
		f->skip = *r ? r : NULL;
	else
		f->skip = git_path_skip(f->path);
}

static void
header_line(struct git_diff *d, struct git_file *f, const char *s, size_t n)
{
	static const char *const kept[] = {
		"new file mode", "deleted file mode", "old mode", "new mode",
		"rename from ", "copy from ", "copy to ",
	};
	size_t i;

	if (str_startswith(s, "+++ b/")) {
		set_path(f, s + 6, n - 6);
		return;
	}
	if (str_startswith(s, "rename to ")) {
		set_path(f, s + 10, n - 10);
		buf_add(&f->header, s, n);
		buf_addc(&f->header, '\n');
		return;
	}
	if (str_startswith(s, "Binary files ") || str_startswith(s, "GIT binary patch")) {
		f->skip = "binary";
		return;
	}
	for (i = 0; i < ARRAY_SIZE(kept); i++)
		if (str_startswith(s, kept[i])) {
			buf_add(&f->header, s, n);
			buf_addc(&f->header, '\n');
			return;
		}
	(void)d;
}

static void
hunk_start(struct git_diff *d, struct git_file *f, const char *s, size_t n)
{
	struct git_hunk *h;

	if (d->in_header) {
		decide_skip(d, f);
		d->in_header = false;
	}
	if (f->skip != NULL)
		return;
	if (f->nhunks == f->hunkcap) {
		f->hunkcap = f->hunkcap ? 2 * f->hunkcap : 4;
		f->hunks = xreallocarray(f->hunks, f->hunkcap, sizeof *f->hunks);
	}
	h = &f->hunks[f->nhunks++];
	memset(h, 0, sizeof *h);
	h->head = xstrndup(s, n);
	buf_init(&h->body, 0);
}

/* Hold a body line while the hunk's share allows, cutting a very long line. */
static void
hunk_line(struct git_diff *d, struct git_file *f, const char *s, size_t n)
{
	struct git_hunk *h;
	size_t take = n;
	bool cut = false;

	if (s[0] == '+')
		f->added++;
	else if (s[0] == '-')
		f->removed++;
	if (f->skip != NULL || f->nhunks == 0)
		return;
	h = &f->hunks[f->nhunks - 1];
	h->nlines++;
	if (h->nkept + 1 != h->nlines)
		return;
	if (take > GIT_LINE_MAX) {
		take = utf8_cut(s, take, GIT_LINE_MAX);
		cut = true;
	}
	if (h->body.len + take + (cut ? 6 : 0) + 1 > d->keep)
		return;
	buf_add(&h->body, s, take);
	if (cut)
		buf_adds(&h->body, " [...]");
	buf_addc(&h->body, '\n');
	h->nkept++;
}

static void
new_file(struct git_diff *d, const char *s, size_t n)
{
	struct git_file *f = cur_file(d);

	if (f != NULL && d->in_header)
		decide_skip(d, f);
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->files = xreallocarray(d->files, d->cap, sizeof *d->files);
	}
	f = &d->files[d->n++];
	memset(f, 0, sizeof *f);
	buf_init(&f->header, 0);
	buf_add(&f->header, s, n);
	buf_addc(&f->header, '\n');
	f->path = path_from_git_line(s + strlen("diff --git "));
	d->in_header = true;
}

static void
diff_line(struct git_diff *d, const char *s, size_t n)
{
	struct git_file *f;

	if (str_startswith(s, "diff --git ")) {
		new_file(d, s, n);
		return;
	}
	f = cur_file(d);
	if (f == NULL)
		return;
	if (str_startswith(s, "@@"))
		hunk_start(d, f, s, n);
	else if (d->in_header)
		header_line(d, f, s, n);
	else if (n > 0 && strchr(" +-\\", s[0]) != NULL)
		hunk_line(d, f, s, n);
}

void
git_diff_feed(struct git_diff *d, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		buf_add(&d->line, p, k);
		if (nl == NULL)
			return;
		diff_line(d, buf_str(&d->line), d->line.len);
		buf_reset(&d->line);
		p += k + 1;
		n -= k + 1;
	}
}

void
git_diff_finish(struct git_diff *d)
{
	struct git_file *f;

	if (d->line.len > 0) {
		diff_line(d, buf_str(&d->line), d->line.len);
		buf_reset(&d->line);
	}
	f = cur_file(d);
	if (f != NULL && d->in_header)
		decide_skip(d, f);
	d->in_header = false;
}

size_t
git_diff_kept(const struct git_diff *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->files[i].skip == NULL;
	return n;
}

/* Bytes of the first k lines of a hunk's held body. */
static size_t
body_bytes(const struct git_hunk *h, size_t k)
{
	const char *p = h->body.data;
	size_t i;

	if (k >= h->nkept)
		return h->body.len;
	for (i = 0; i < k; i++)
		p = strchr(p, '\n') + 1;
	return (size_t)(p - h->body.data);
}

static void
add_hunk(struct buf *out, const struct git_hunk *h, size_t lines, bool *cut)
{
	size_t k = lines < h->nkept ? lines : h->nkept;

	buf_adds(out, h->head);
	buf_addc(out, '\n');
	buf_add(out, h->body.data ? h->body.data : "", body_bytes(h, k));
	if (k < h->nlines) {
		buf_addf(out, "[... %zu more line%s of this hunk cut]\n", h->nlines - k,
		    h->nlines - k == 1 ? "" : "s");
		*cut = true;
	}
}

/* The left-out list: "Not shown: a (lock file), b (binary)". */
static void
add_skipped(struct buf *out, const struct git_diff *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++) {
		if (d->files[i].skip == NULL)
			continue;
		buf_adds(out, n++ ? ", " : "[Not shown: ");
		buf_addf(out, "%s (%s)", d->files[i].path, d->files[i].skip);
	}
	if (n > 0)
		buf_adds(out, "]\n");
}

/* Render with lines of each hunk (SIZE_MAX: all; 0: @@ lines only) or, with heads false, none. */
static void
render(struct buf *out, const struct git_diff *d, bool heads, size_t lines, bool *cut)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		const struct git_file *f = &d->files[i];

		if (f->skip != NULL)
			continue;
		buf_add(out, f->header.data, f->header.len);
		if (heads) {
			for (j = 0; j < f->nhunks; j++)
				add_hunk(out, &f->hunks[j], lines, cut);
		} else if (f->nhunks > 0) {
			buf_addf(out, "[%zu hunk%s, +%zu -%zu lines, not shown]\n", f->nhunks,
			    f->nhunks == 1 ? "" : "s", f->added, f->removed);
			*cut = true;
		}
	}
	add_skipped(out, d);
}

static size_t
render_size(const struct git_diff *d, bool heads, size_t lines)
{
	struct buf b;
	bool cut = false;
	size_t n;

	buf_init(&b, 0);
	render(&b, d, heads, lines, &cut);
	n = b.len;
	buf_done(&b);
	return n;
}

/* The names alone, as many as fit in max bytes, then how many are missing. */
static char *
render_names(const struct git_diff *d, size_t max)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_adds(&b, "[The diff is too large to show; the files changed:]\n");
	for (i = 0; i < d->n; i++) {
		const struct git_file *f = &d->files[i];
		size_t need = strlen(f->path) + (f->skip ? strlen(f->skip) + 4 : 0) + 1;

		if (b.len + need + 40 > max)
			break;
		if (f->skip != NULL)
			buf_addf(&b, "%s (%s)\n", f->path, f->skip);
		else
			buf_addf(&b, "%s\n", f->path);
	}
	if (i < d->n)
		buf_addf(&b, "[... and %zu more files]\n", d->n - i);
	return buf_detach(&b);
}

/* Replace bytes that are not UTF-8 (a Latin-1 file, say) with '?': requests are JSON. */
static void
utf8_fix(char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		int32_t cp;
		size_t len = visible_decode(s + i, n - i, &cp);

		if (cp < 0)
			memset(s + i, '?', len);
		i += len;
	}
}

static char *
render_best(const struct git_diff *d, size_t max, bool *cut)
{
	struct buf b;
	size_t lo, hi, most = 0, i, j;
	bool c = false;

	for (i = 0; i < d->n; i++)
		for (j = 0; j < d->files[i].nhunks; j++)
			if (d->files[i].hunks[j].nlines > most)
				most = d->files[i].hunks[j].nlines;
	buf_init(&b, 0);
	if (render_size(d, true, SIZE_MAX) <= max) {
		render(&b, d, true, SIZE_MAX, &c);
	} else if (render_size(d, true, 0) + 60 <= max) {
		/* The largest share of lines per hunk that fits: size grows with it. */
		lo = 0;
		hi = most;
		while (lo < hi) {
			size_t mid = lo + (hi - lo + 1) / 2;

			if (render_size(d, true, mid) + 60 <= max)
				lo = mid;
			else
				hi = mid - 1;
		}
		render(&b, d, true, lo, &c);
		buf_addf(&b, "[The diff was cut to fit: the first %zu lines of each hunk.]\n", lo);
		c = true;
	} else if (render_size(d, false, 0) <= max) {
		render(&b, d, false, 0, &c);
	} else {
		buf_done(&b);
		if (cut != NULL)
			*cut = true;
		return render_names(d, max);
	}
	if (cut != NULL)
		*cut = c;
	return buf_detach(&b);
}

char *
git_diff_render(const struct git_diff *d, size_t max, bool *cut)
{
	char *s = render_best(d, max, cut);

	utf8_fix(s);
	return s;
}
