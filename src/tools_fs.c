/* tools_fs: the reading tools: read, list and search, confined to the workspace. */
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

#define READ_LINES 250        /* lines read when no range is given */
#define READ_LINES_MAX 2000   /* lines read at most in one call */
#define LINE_MAX_BYTES 500    /* a longer line is cut in a read of several lines */
#define LINE_WINDOW 12288     /* bytes of a line a read of it alone shows */
#define LIST_MAX 300          /* names listed */
#define SEARCH_MAX 100        /* matches given */
#define SEARCH_LINE 200       /* bytes of a matching line given */
#define WALK_MAX 20000        /* entries a walk looks at */
#define UNSEARCHED_NAMED 5    /* files too large to search named, the rest counted */
#define SEARCH_PIECE (1u << 20)        /* bytes of a large file searched at a time */
#define SEARCH_LARGE_MAX (256u << 20)  /* bytes of large files one search reads */

/* at, moved back to the start of the UTF-8 character it is in (3 bytes at most: else bad bytes). */
static size_t
char_start(const char *s, size_t at)
{
	size_t back = 0;

	while (at > 0 && back < 3 && ((unsigned char)s[at] & 0xc0) == 0x80) {
		at--;
		back++;
	}
	return ((unsigned char)s[at] & 0xc0) == 0x80 ? at + back : at;
}

/* Append the line s[0..n) cut at max bytes (on a character boundary); whether it was cut. */
static bool
add_line(struct buf *b, const char *s, size_t n, size_t max)
{
	size_t cut = n > max ? char_start(s, max) : n;

	buf_add(b, s, cut);
	buf_adds(b, cut < n ? "…\n" : "\n");
	return cut < n;
}

/* The number of lines in data (a last line without a newline counts). */
static long
count_lines(const char *data, size_t len)
{
	long n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += data[i] == '\n';
	return n + (len > 0 && data[len - 1] != '\n');
}

/*
 * Append lines from..to of data, whose first line is line first, numbered, a
 * long one cut (a note says how to see it whole).
 */
static void
number_lines(struct buf *b, const char *data, size_t len, long first, long from, long to)
{
	const char *p = data, *end = data + len, *nl;
	long line = first, cut = 0;

	for (; p < end && line <= to; line++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (line >= from) {
			buf_addf(b, "%ld\t", line);
			if (add_line(b, p, (size_t)(nl - p), LINE_MAX_BYTES) && cut == 0)
				cut = line;
		}
		if (b->len > TOOLS_TEXT_MAX) {
			buf_addf(b, "[stopped at line %ld: read on with from=%ld]\n", line, line + 1);
			break;
		}
	}
	if (cut > 0)
		buf_addf(b, "[a line ending in … is cut at %d bytes: from=%ld to=%ld shows line %ld "
		    "alone, %d KB of it, and col=N from its byte N]\n", LINE_MAX_BYTES, cut, cut,
		    cut, LINE_WINDOW / 1024);
}

/*
 * Append line n of data (whose first line is line first) alone, numbered:
 * LINE_WINDOW bytes of it from byte col (on a character boundary), and, when
 * that is not all of it, which bytes these are and where the next ones start.
 */
static void
window_line(struct buf *b, const char *data, size_t len, long first, long n, size_t col)
{
	const char *p = data, *end = data + len, *nl;
	size_t ll, start, stop;
	long line;

	for (line = first; line < n; line++)
		p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	ll = (size_t)((nl != NULL ? nl : end) - p);
	start = col < ll ? char_start(p, col) : ll;
	stop = ll - start > LINE_WINDOW ? char_start(p, start + LINE_WINDOW) : ll;
	buf_addf(b, "%ld\t", n);
	buf_add(b, p + start, stop - start);
	buf_addc(b, '\n');
	if (start == 0 && stop == ll)
		return;
	buf_addf(b, "[line %ld, bytes %zu-%zu of %zu", n, start, stop, ll);
	if (stop < ll)
		buf_addf(b, ": from=%ld col=%zu reads on]\n", n, stop);
	else
		buf_adds(b, ", its end]\n");
}

/* Read a text file of the workspace; numbered lines, or a window of one line. */
int
tools_read(struct ws *w, const char *path, long from, long to, long col, struct tool_result *r)
{
	struct ws_path p;
	struct tools_say say;
	struct ws_lines some = { 0 };
	char *data = NULL;
	size_t len;
	long total, first = 1;
	bool large;
	struct buf b;

	tools_say_path(&say, "read", path, 80);
	from = from < 1 ? 1 : from;
	to = col >= 0 ? from : to < from ? from + READ_LINES - 1 : to;
	to = to - from >= READ_LINES_MAX ? from + READ_LINES_MAX - 1 : to;
	if (ws_resolve(w, path, &p, &say.why) != 0) {
		tools_fail(r, say.sum, "%s", say.why);
		goto out;
	}
	/* a log or a dump too large to hold is read through for the lines asked */
	large = p.exists && S_ISREG(p.st.st_mode) && p.st.st_size > (off_t)TOOLS_FILE_MAX;
	if (large ? ws_read_lines(w, &p, from, to, &some, &say.why) != 0 :
	    ws_read(w, &p, &data, &len, &say.why) != 0) {
		tools_fail(r, say.sum, "%s", say.why);
		goto out;
	}
	if (large) {
		data = some.data;
		len = some.len;
		total = some.total;
		first = from;
	} else {
		total = count_lines(data, len);
	}
	to = to > total ? total : to;
	buf_init(&b, 0);
	if (total == 0)
		buf_addf(&b, "(%s is empty)\n", p.name);
	else if (from > total)
		buf_addf(&b, "(%s has %ld line%s)\n", p.name, total, total == 1 ? "" : "s");
	else if (from == to)
		window_line(&b, data, len, first, from, col >= 0 ? (size_t)col : 0);
	else
		number_lines(&b, data, len, first, from, to);
	if (some.cut)
		buf_addf(&b, "[line %ld is longer than %u MiB: only its first %u MiB can be read]\n",
		    first + count_lines(data, len) - 1, TOOLS_FILE_MAX >> 20, TOOLS_FILE_MAX >> 20);
	if (to < total && from <= total)
		buf_addf(&b, "[lines %ld-%ld of %ld]\n", from, to, total);
	if (!visible_utf8(b.data ? b.data : "", b.len))
		buf_adds(&b, "[\ufffd stands for bytes that are not UTF-8: edit matches it in old "
		    "and keeps those bytes where new has it]\n");
	tools_text(r, &b);
	buf_done(&b);
	r->summary = xstrfmt("read %s (%ld line%s)", say.vis, total, total == 1 ? "" : "s");
out:
	ws_path_done(&p);
	free(data);
	tools_say_done(&say);
	return 0;
}

/* Where a list or search looks: a directory under the root, and maybe a glob over paths. */
struct scope {
	struct ws_path dir;
	char *glob;       /* matched against paths under the root; NULL: everything */
	char *file;       /* a single file named, under the root; NULL: a directory */
};

/* Split path into the directory before its first glob character and the glob. */
static int
scope_open(struct ws *w, const char *path, struct scope *s, char **why)
{
	const char *g = strpbrk(path, "*?[");
	char *dir = g != NULL ? xstrndup(path, (size_t)(g - path)) : xstrdup(path), *slash;
	int rc;

	memset(s, 0, sizeof(*s));
	if (g != NULL) {
		slash = strrchr(dir, '/');
		if (slash != NULL)
			slash[1] = '\0';
		else
			*dir = '\0';
	}
	rc = ws_resolve(w, *dir ? dir : ".", &s->dir, why);
	if (rc == 0 && g != NULL)
		s->glob = *s->dir.rel ? xstrfmt("%s/%s", s->dir.rel, path + strlen(dir)) :
		    xstrdup(path + strlen(dir));
	if (rc == 0 && !s->dir.exists) {
		xasprintf(why, "%s does not exist", s->dir.name);
		rc = -1;
	} else if (rc == 0 && g == NULL && !S_ISDIR(s->dir.st.st_mode)) {
		s->file = xstrdup(s->dir.rel);
	}
	if (rc == 0 && ws_in_git_dir(s->dir.rel)) {
		xasprintf(why, "%s is inside .git/: refused", s->dir.name);
		rc = -1;
	} else if (rc == 0 && ws_protected(w, s->dir.abs)) {
		xasprintf(why, "%s is in llm's own configuration or data, which the agent never "
		    "reads: refused", s->dir.name);
		rc = -1;
	}
	free(dir);
	return rc;
}

static void
scope_done(struct scope *s)
{
	ws_path_done(&s->dir);
	free(s->glob);
	free(s->file);
}

/* Whether the file rel is in scope s. */
static bool
scope_has(const struct scope *s, const char *rel)
{
	if (s->glob == NULL)
		return true;
	return fnmatch(s->glob, rel, strstr(s->glob, "**") ? 0 : FNM_PATHNAME) == 0;
}

struct lister {
	const struct scope *s;
	struct buf out;
	long shown, more, seen;
};

static int
list_one(void *arg, const struct ws_entry *e)
{
	struct lister *l = arg;
	char *name;

	if (++l->seen > WALK_MAX)
		return -1;
	if (e->dir || !scope_has(l->s, e->rel))
		return 0;
	if (l->shown < LIST_MAX) {
		name = visible_name(e->rel);
		add_line(&l->out, name, strlen(name), LINE_MAX_BYTES);
		free(name);
		l->shown++;
	} else {
		l->more++;
	}
	return 0;
}

/* List the files under a directory or matching a glob. */
int
tools_list(struct ws *w, const char *path, struct tool_result *r)
{
	struct scope s;
	struct lister l = { .s = &s };
	struct tools_say say;

	tools_say_path(&say, "list", *path ? path : ".", 80);
	buf_init(&l.out, 0);
	if (scope_open(w, *path ? path : ".", &s, &say.why) != 0) {
		tools_fail(r, say.sum, "%s", say.why);
		goto out;
	}
	if (s.file != NULL)
		buf_addf(&l.out, "%s\n", s.dir.name), l.shown = 1;
	else if (ws_walk(w, s.dir.rel, list_one, &l) != 0)
		buf_addf(&l.out, "[stopped after %d entries: narrow the path]\n", WALK_MAX);
	if (l.more > 0)
		buf_addf(&l.out, "[%ld more: narrow the path]\n", l.more);
	if (l.shown == 0)
		buf_adds(&l.out, "(no files)\n");
	tools_text(r, &l.out);
	r->summary = xstrfmt("list %s (%ld file%s)", say.vis, l.shown + l.more,
	    l.shown + l.more == 1 ? "" : "s");
out:
	scope_done(&s);
	buf_done(&l.out);
	tools_say_done(&say);
	return 0;
}

#define BOUND_MAX 255           /* the largest count in a pattern's {m,n} */
#define GROUPS_MAX 32           /* groups in a pattern nested at most */

/* Past a bracket expression that starts at p ('['): its closing ']', or NULL. */
static const char *
bracket_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0' && *p != ']'; p++) {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *end = strchr(p + 2, p[1]);

			while (end != NULL && end[1] != ']')
				end = strchr(end + 1, p[1]);
			if (end == NULL)
				return NULL;
			p = end + 1;
		}
	}
	return *p == ']' ? p : NULL;
}

/* Past the digits at p, their number in *v (kept just over BOUND_MAX when larger). */
static const char *
count_at(const char *p, long *v)
{
	for (*v = 0; *p >= '0' && *p <= '9'; p++)
		if (*v <= BOUND_MAX)
			*v = *v * 10 + (*p - '0');
	return p;
}

/* The largest count of the bound {m,n} at p, its '}' in *end; or -1 when p starts none. */
static long
bound_max(const char *p, const char **end)
{
	long m, n = 0;

	if (*p++ != '{' || (*p != ',' && (*p < '0' || *p > '9')))
		return -1;
	p = count_at(p, &m);
	if (*p == ',')
		p = count_at(p + 1, &n);
	if (*p != '}')
		return -1;
	*end = p;
	return n > m ? n : m;
}

/*
 * Why the extended regular expression pat is not compiled, or NULL. glibc
 * matches a back-reference by backtracking, in time exponential in a line's
 * length, and compiles a bounded repetition by copying what it repeats:
 * nested ones take minutes and gigabytes. Neither can be stopped, by the
 * user or a clock, once started.
 */
static const char *
pattern_costly(const char *pat)
{
	bool bounded[GROUPS_MAX + 1] = { false };  /* the open group at each depth holds a bound */
	bool atom_bounded = false;   /* what a repetition would repeat holds a bound */
	const char *p, *end;
	int depth = 0;
	long n;

	for (p = pat; *p != '\0'; p++) {
		if (*p == '\\' && p[1] >= '1' && p[1] <= '9')
			return "back-references (\\1) are not supported";
		if (*p == '{' && (n = bound_max(p, &end)) >= 0) {
			if (n > BOUND_MAX)
				return "a repetition count over 255 is not supported";
			if (atom_bounded)
				return "a bounded repetition of one ({m,n} twice over) is not supported";
			bounded[depth] = atom_bounded = true;
			p = end;
		} else if (*p == '(' && depth == GROUPS_MAX) {
			return "groups nested more than 32 deep are not supported";
		} else if (*p == '(') {
			bounded[++depth] = atom_bounded = false;
		} else if (*p == ')' && depth > 0) {
			atom_bounded = bounded[depth--];
			bounded[depth] = bounded[depth] || atom_bounded;
		} else if (*p != '*' && *p != '+' && *p != '?') {
			atom_bounded = false;
			if (*p == '[' && (end = bracket_end(p)) != NULL)
				p = end;
			else if (*p == '\\' && p[1] != '\0')
				p++;
		}
	}
	return NULL;
}

struct searcher {
	const struct ws *w;
	const struct scope *s;
	regex_t re;
	struct buf out;
	long matches, seen, files;
	size_t large_read;    /* bytes of files too large to read whole searched so far */
	long long_lines;      /* lines of those longer than SEARCH_PIECE: their start searched */
	struct buf big;       /* the names of files too large to search, comma-separated */
	long nbig;
};

/*
 * Search lines of a file from line first on, data NUL-terminated and
 * writable; name is the file's, shown. The number of the line after them.
 */
static long
search_text(struct searcher *k, const char *name, char *data, size_t len, long first)
{
	char *p = data, *end = data + len, *nl;
	long line = first;

	for (; p < end && k->matches <= SEARCH_MAX; line++, p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		*nl = '\0';
		if (regexec(&k->re, p, 0, NULL, 0) != 0)
			continue;
		if (++k->matches > SEARCH_MAX)
			break;
		buf_addf(&k->out, "%s:%ld: ", name, line);
		add_line(&k->out, p, (size_t)(nl - p), SEARCH_LINE);
	}
	return line;
}

/*
 * Search the file fd, too large to read whole, a piece at a time: its lines
 * whole, but for one longer than a piece, whose first SEARCH_PIECE bytes
 * alone are searched. 1 when it was searched, 0 for a binary file, -1 when
 * it could not be read.
 */
static int
search_large(struct searcher *k, const char *name, int fd)
{
	char *piece = xmalloc(SEARCH_PIECE + 1), *nl;
	size_t have = 0, whole;
	long line = 1;
	bool skip = false, any = false;
	ssize_t n = 0;

	while (k->matches <= SEARCH_MAX) {
		n = read(fd, piece + have, SEARCH_PIECE - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!any && ws_binary(piece, (size_t)n)) {
			free(piece);
			return 0;
		}
		any = true;
		k->large_read += (size_t)n;
		have += (size_t)n;
		if (skip) {   /* the rest of a line too long to search whole */
			if ((nl = memchr(piece, '\n', have)) == NULL) {
				have = 0;
				continue;
			}
			skip = false;
			have -= (size_t)(nl + 1 - piece);
			memmove(piece, nl + 1, have);
		}
		nl = memrchr(piece, '\n', have);
		if (nl == NULL && have < SEARCH_PIECE)
			continue;
		/* the lines ending in this piece; or the first part of one longer than it */
		whole = nl != NULL ? (size_t)(nl + 1 - piece) : have;
		line = search_text(k, name, piece, whole, line);
		skip = nl == NULL;
		k->long_lines += skip;
		have -= whole;
		memmove(piece, piece + whole, have);
	}
	if (n == 0 && have > 0 && !skip && k->matches <= SEARCH_MAX)
		search_text(k, name, piece, have, line);   /* a last line without a newline */
	free(piece);
	return n < 0 ? -1 : 1;
}

/*
 * Search the file rel unless it is secret or binary: whole when it is within
 * the read cap, else a piece at a time (one that grew past the cap while it
 * was read is searched again that way).
 */
static void
search_file(struct searcher *k, const char *rel)
{
	char *data = NULL, *name = NULL;
	struct stat st;
	size_t len;
	int rc, fd;

	if (ws_secret(k->w, rel) || (fd = ws_open_file(k->w, rel)) < 0)
		return;
	if (fstat(fd, &st) != 0)
		goto out;
	name = visible_name(rel);
	if (st.st_size <= (off_t)TOOLS_FILE_MAX) {
		if (ws_read_fd(fd, &data, &len) == 0) {
			if (!ws_binary(data, len)) {
				k->files++;
				search_text(k, name, data, len, 1);
			}
			goto out;
		}
		if (errno != EFBIG || lseek(fd, 0, SEEK_SET) != 0 || fstat(fd, &st) != 0)
			goto out;
	}
	/* a log or a dump may hold what is looked for: never a silent "no matches" */
	if (k->large_read + (size_t)st.st_size <= SEARCH_LARGE_MAX)
		rc = search_large(k, name, fd);
	else
		rc = -1;
	if (rc > 0)
		k->files++;
	else if (rc < 0 && k->nbig++ < UNSEARCHED_NAMED)
		buf_addf(&k->big, "%s%s", k->big.len > 0 ? ", " : "", name);
out:
	close(fd);
	free(name);
	free(data);
}

static int
search_one(void *arg, const struct ws_entry *e)
{
	struct searcher *k = arg;

	if (++k->seen > WALK_MAX || k->matches > SEARCH_MAX)
		return -1;
	if (!e->dir && scope_has(k->s, e->rel))
		search_file(k, e->rel);
	return 0;
}

/* Run the search k set up over scope s. */
static void
search_scope(struct ws *w, struct searcher *k, const struct scope *s)
{
	if (s->file != NULL)
		search_file(k, s->file);
	else
		ws_walk(w, s->dir.rel, search_one, k);
	if (k->matches > SEARCH_MAX)
		buf_addf(&k->out, "[more than %d matches: narrow the pattern or path]\n", SEARCH_MAX);
	else if (k->seen > WALK_MAX)
		buf_addf(&k->out, "[stopped after %d entries: narrow the path]\n", WALK_MAX);
	if (k->matches == 0)
		buf_addf(&k->out, "(no matches in %ld file%s)\n", k->files, k->files == 1 ? "" : "s");
	if (k->long_lines > 0)
		buf_addf(&k->out, "[%ld line%s longer than %u MiB: only the first %u MiB of each "
		    "searched]\n", k->long_lines, k->long_lines == 1 ? "" : "s", SEARCH_PIECE >> 20,
		    SEARCH_PIECE >> 20);
	if (k->nbig == 0)
		return;
	buf_addf(&k->out, "[not searched, past the %u MiB of large files one search reads: ",
	    SEARCH_LARGE_MAX >> 20);
	buf_add(&k->out, k->big.data, k->big.len);
	if (k->nbig > UNSEARCHED_NAMED)
		buf_addf(&k->out, " and %ld more", k->nbig - UNSEARCHED_NAMED);
	buf_addf(&k->out, "; run grep to search %s]\n", k->nbig == 1 ? "it" : "them");
}

/* Search the workspace for a POSIX extended regular expression. */
int
tools_search(struct ws *w, const char *pattern, const char *path, struct tool_result *r)
{
	struct searcher k = { .w = w };
	struct scope s;
	struct tools_say say;
	const char *costly;
	char err[256];
	int e;

	tools_say_init(&say, "search", pattern, 60);
	buf_init(&k.out, 0);
	buf_init(&k.big, 0);
	memset(&s, 0, sizeof(s));
	if ((costly = pattern_costly(pattern)) != NULL) {
		tools_fail(r, say.sum, "%s: write the pattern another way", costly);
		goto out;
	}
	if ((e = regcomp(&k.re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(e, &k.re, err, sizeof(err));
		tools_fail(r, say.sum, "bad regular expression: %s", err);
		goto out;
	}
	k.s = &s;
	if (scope_open(w, *path ? path : ".", &s, &say.why) != 0)
		tools_fail(r, say.sum, "%s", say.why);
	else if (s.file != NULL && ws_secret(w, s.file))
		tools_fail(r, say.sum, "%s may hold secrets: refused", s.dir.name);
	else {
		search_scope(w, &k, &s);
		tools_text(r, &k.out);
		long n = k.matches > SEARCH_MAX ? (long)SEARCH_MAX : k.matches;

		r->summary = k.nbig == 0 ?
		    xstrfmt("search %s (%ld match%s)", say.vis, n, n == 1 ? "" : "es") :
		    xstrfmt("search %s (%ld match%s; %ld file%s too large, not searched)", say.vis,
		    n, n == 1 ? "" : "es", k.nbig, k.nbig == 1 ? "" : "s");
	}
	regfree(&k.re);
out:
	scope_done(&s);
	buf_done(&k.out);
	buf_done(&k.big);
	tools_say_done(&say);
	return 0;
}
