/* tools_edit: the changing tools: edit (exact old text to new) and write, each shown as a diff. */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "gitguard.h"
#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

/* Whether the tools may write at p: not .git, not a secret, not llm's own, not a directory. */
static bool
writable(const struct ws *w, const struct ws_path *p, char **why)
{
	if (*p->rel == '\0')
		xasprintf(why, "%s is the workspace's top directory, not a file", p->name);
	else if (ws_in_git_dir(p->rel))
		xasprintf(why, "%s is inside .git/, which is never written: refused", p->name);
	else if (ws_secret(w, p->rel))
		xasprintf(why, "%s may hold secrets: refused", p->name);
	else if (ws_protected(w, p->abs))
		xasprintf(why, "%s is in llm's own configuration or data, which the agent never "
		    "writes: refused", p->name);
	else if (p->exists && S_ISLNK(p->st.st_mode))
		xasprintf(why, "%s is a symbolic link to a file that does not exist: refused",
		    p->name);
	else if (p->exists && !S_ISREG(p->st.st_mode))
		xasprintf(why, "%s is not a regular file", p->name);
	else
		return true;
	return false;
}

/*
 * The tools show bytes of a file that are not UTF-8 as U+FFFD, one for each
 * run that visible_decode takes together, so that the model can quote such a
 * line back: a U+FFFD in old text stands for one such run, or for a U+FFFD of
 * the file, and the bytes it matched are what a U+FFFD in new text writes.
 */
#define STAND "\xef\xbf\xbd"
#define STAND_LEN 3

/* How many bytes at data[i..n) a U+FFFD of old text matches; 0 when none. */
static size_t
stand_len(const char *data, size_t n, size_t i)
{
	int32_t cp;
	size_t k;

	if (i >= n)
		return 0;
	if (n - i >= STAND_LEN && memcmp(data + i, STAND, STAND_LEN) == 0)
		return STAND_LEN;
	k = visible_decode(data + i, n - i, &cp);
	return cp < 0 ? k : 0;
}

/* How many U+FFFD s[0..n) holds. */
static size_t
stand_count(const char *s, size_t n)
{
	const char *p = s, *hit;
	size_t count = 0;

	while ((hit = memmem(p, n - (size_t)(p - s), STAND, STAND_LEN)) != NULL) {
		count++;
		p = hit + STAND_LEN;
	}
	return count;
}

/*
 * Whether old[0..m) matches data at i, each U+FFFD in it as stand_len says:
 * the bytes matched in *span and, when stands is not NULL, where each U+FFFD's
 * bytes start and how many there are (two entries each).
 */
static bool
match_at(const char *data, size_t n, size_t i, const char *old, size_t m, size_t *stands,
    size_t *span)
{
	size_t j = 0, at = i, k;

	while (j < m) {
		if (m - j >= STAND_LEN && memcmp(old + j, STAND, STAND_LEN) == 0) {
			if ((k = stand_len(data, n, at)) == 0)
				return false;
			if (stands != NULL) {
				*stands++ = at;
				*stands++ = k;
			}
			at += k;
			j += STAND_LEN;
		} else if (at < n && data[at] == old[j]) {
			at++;
			j++;
		} else {
			return false;
		}
	}
	*span = at - i;
	return true;
}

/*
 * How many times old (m bytes) occurs in data (overlapping ones too), and
 * where the first is. With a U+FFFD in it, old is tried at each start of a
 * character or run as the tools cut the file, never inside one.
 */
static int
occurrences(const char *data, size_t n, const char *old, size_t m, size_t *first)
{
	const char *p = data, *hit;
	size_t i, span;
	int32_t cp;
	int count = 0;

	if (m > 0 && memmem(old, m, STAND, STAND_LEN) != NULL) {
		for (i = 0; i < n; i += visible_decode(data + i, n - i, &cp))
			if (match_at(data, n, i, old, m, NULL, &span) && count++ == 0)
				*first = i;
		return count;
	}
	while (m > 0 && (size_t)(p - data) + m <= n &&
	    (hit = memmem(p, n - (size_t)(p - data), old, m)) != NULL) {
		if (count++ == 0)
			*first = (size_t)(hit - data);
		p = hit + 1;
	}
	return count;
}

/*
 * Append new_text (k bytes) to b with each U+FFFD in it put back to the bytes
 * a U+FFFD of old matched in data (ns of them, as match_at gives them): the
 * i-th to the i-th when there are as many, or all to the one run they all
 * matched. In a file that is all UTF-8 a U+FFFD with none in old is itself.
 * -1 with *why when which bytes it stands for cannot be told.
 */
static int
put_new(struct buf *b, const char *data, size_t len, const size_t *stands, size_t ns,
    const char *new_text, size_t k, const char *name, char **why)
{
	size_t nn = stand_count(new_text, k), i, j = 0, s;
	bool same = ns > 0;

	for (i = 1; i < ns; i++)
		same = same && stands[2 * i + 1] == stands[1] &&
		    memcmp(data + stands[2 * i], data + stands[0], stands[1]) == 0;
	if (nn == 0 || (ns == 0 && visible_utf8(data, len))) {
		buf_add(b, new_text, k);
		return 0;
	}
	if (ns == 0 || (nn != ns && !same)) {
		if (ns == 0)
			xasprintf(why, "new text holds \ufffd, which stands for bytes of %s that are "
			    "not UTF-8, but old text holds none to say which: include in old the "
			    "text it comes from", name);
		else
			xasprintf(why, "old text holds %zu \ufffd and new text %zu, standing for bytes "
			    "that differ: keep them in new as many and in the same order, or edit "
			    "less at once", ns, nn);
		return -1;
	}
	for (i = 0; i < k; i++) {
		if (k - i >= STAND_LEN && memcmp(new_text + i, STAND, STAND_LEN) == 0) {
			s = same ? 0 : j++;
			buf_add(b, data + stands[2 * s], stands[2 * s + 1]);
			i += STAND_LEN - 1;
		} else {
			buf_addc(b, new_text[i]);
		}
	}
	return 0;
}

/*
 * Set b to data with old, which matches at first, replaced by new_text (k
 * bytes), every byte outside what old matched kept. -1 with *why (name is
 * the file's) when a U+FFFD in new cannot be put back (see put_new).
 */
static int
replace_at(struct buf *b, const char *data, size_t len, size_t first, const char *old, size_t m,
    const char *new_text, size_t k, const char *name, char **why)
{
	size_t ns = stand_count(old, m), span = 0;
	size_t *stands = xcalloc(2 * ns + 1, sizeof(*stands));
	int rc;

	match_at(data, len, first, old, m, stands, &span);
	buf_add(b, data, first);
	rc = put_new(b, data, len, stands, ns, new_text, k, name, why);
	buf_add(b, data + first + span, len - first - span);
	free(stands);
	return rc;
}

/* Whether data[0..n) has lines and ends every one with CR LF. */
static bool
all_crlf(const char *data, size_t n)
{
	const char *p = data, *nl, *end = data + n;
	bool any = false;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl == data || nl[-1] != '\r')
			return false;
		any = true;
		p = nl + 1;
	}
	return any;
}

/* s, which follows the byte prev, with each LF not after a CR made CR LF (malloc'd). */
static char *
to_crlf(const char *s, char prev)
{
	struct buf b;

	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if (*s == '\n' && (b.len == 0 ? prev : b.data[b.len - 1]) != '\r')
			buf_addc(&b, '\r');
		buf_addc(&b, *s);
	}
	return buf_detach(&b);
}

/*
 * Why a change where git finds hooks or config (gitguard_runs) is asked
 * whatever allows it: git runs it outside the confinement, where no undo or
 * check of llm's reaches.
 */
static const char hook_why[] = "git runs this file outside the sandbox, on commit (a git hook): "
    "it is always asked";

/*
 * Ask, write, and fill r with the diff of a change to p from old to data;
 * asked whatever allows it where git finds hooks (hook_why), and in a file
 * whose commands a hook manager installed in git runs (gitguard_manager).
 */
static void
apply(struct ws *w, enum ws_tool t, const struct ws_path *p, const char *old, size_t oldlen,
    const char *data, size_t len, tool_ask_fn ask, void *arg, struct tool_result *r)
{
	const char *verb = t == WS_EDIT ? "edit" : "write";
	char *why = NULL, *raw, *diff, *sum;
	int added, removed;
	struct buf b;
	struct gitguard *guard;
	const char *manager;
	char *hook;

	if (p->exists && len == oldlen && memcmp(data, old, len) == 0) {
		/* a change of nothing would ask the user, and be journaled, for no gain */
		sum = xstrfmt("%s %s", verb, p->name);
		tools_fail(r, sum, "%s already holds this text: nothing was changed", p->name);
		free(sum);
		return;
	}
	raw = tools_diff(p->name, old, oldlen, data, len, &added, &removed);
	diff = visible_str(raw, strlen(raw)); /* file text never reaches a terminal raw */
	free(raw);
	sum = xstrfmt("%s %s (+%d %s%d)", verb, p->name, added, fmt_glyphs()->minus, removed);
	/* the whole workspace is looked into once; a command's check says what it left */
	guard = w->git_dots == NULL ? gitguard_take(w->root) :
	    gitguard_take_known(w->root, w->git_dots, p->abs);
	strv_free(w->git_dots);
	w->git_dots = gitguard_dots(guard);
	hook = gitguard_runs(guard, p->abs) ? xstrdup(hook_why) : NULL;
	if (hook == NULL && (manager = gitguard_manager(guard, p->abs)) != NULL)
		hook = xstrfmt("%s runs the commands in this file on commit, outside the sandbox: "
		    "it is always asked", manager);
	gitguard_free(guard);
	/* the file is looked at again after the question: it may have changed, or moved, meanwhile */
	if (!tools_approve(w, t, diff, NULL, hook, ask, arg, NULL, &why) ||
	    ws_unchanged(w, p, old, oldlen, &why) != 0 || ws_write(w, p, data, len, &why) != 0) {
		tools_fail(r, sum, "%s", why);
		free(diff);
	} else {
		buf_init(&b, 0);
		buf_addf(&b, "%s %s (+%d \u2212%d)\n%s", t == WS_EDIT ? "edited" : "wrote", p->name,
		    added, removed, t == WS_WRITE && oldlen == 0 ? "" : diff);
		tools_text(r, &b);
		buf_done(&b);
		r->diff = diff;
		r->summary = sum;
		sum = NULL;
	}
	free(sum);
	free(why);
	free(hook);
}

/* Whether s holds a control picture (U+2401 to U+241F, U+2421), as visible_str shows controls. */
static bool
has_picture(const char *s)
{
	for (; (s = strstr(s, "\xe2\x90")) != NULL; s += 2)
		if (((unsigned char)s[2] > 0x80 && (unsigned char)s[2] <= 0x9f) ||
		    (unsigned char)s[2] == 0xa1)
			return true;
	return false;
}

/* s with each control picture made the control character it shows (malloc'd). */
static char *
unpicture(const char *s)
{
	struct buf b;
	unsigned char c;

	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		c = (unsigned char)s[2];
		if (strncmp(s, "\xe2\x90", 2) == 0 && ((c > 0x80 && c <= 0x9f) || c == 0xa1)) {
			buf_addc(&b, c == 0xa1 ? 0x7f : (char)(c - 0x80));
			s += 2;
		} else {
			buf_addc(&b, *s);
		}
	}
	return buf_detach(&b);
}

/* An edit's old and new text, in the form that matched; own holds the copies made. */
struct edit_texts {
	const char *old, *new_text;
	size_t m, k;
	char *own[4];
};

/* Take old and new_text (malloc'd, kept in own[slot] and own[slot + 1]) as e's texts. */
static void
texts_take(struct edit_texts *e, int slot, char *old, char *new_text)
{
	e->old = e->own[slot] = old;
	e->new_text = e->own[slot + 1] = new_text;
	e->m = strlen(old);
	e->k = strlen(new_text);
}

/*
 * How many times e's old text occurs in data (the first at *first), as given
 * or in the forms the tools lead a model to write: a control character as
 * the picture read shows it as (␍), lines ending in LF in a file of CR LF
 * lines. e's texts become the form that matched.
 */
static int
find_old(const char *data, size_t len, struct edit_texts *e, size_t *first)
{
	int n = occurrences(data, len, e->old, e->m, first), again;
	size_t at = 0;
	char *old;

	if (n == 0 && has_picture(e->old)) {
		old = unpicture(e->old);
		if ((again = occurrences(data, len, old, strlen(old), &at)) > 0) {
			texts_take(e, 0, old, unpicture(e->new_text));
			n = again;
			*first = at;
		} else {
			free(old);
		}
	}
	if (n == 0 && strchr(e->old, '\n') != NULL && memmem(data, len, "\r\n", 2) != NULL) {
		/* the model writes lines ending in LF; a file of CR LF lines keeps its own */
		texts_take(e, 2, to_crlf(e->old, '\0'), to_crlf(e->new_text, '\0'));
		n = occurrences(data, len, e->old, e->m, first);
	}
	return n;
}

/* Replace the one occurrence of old in the file at path with new_text. */
int
tools_edit(struct ws *w, const char *path, const char *old, const char *new_text,
    tool_ask_fn ask, void *arg, struct tool_result *r)
{
	struct edit_texts e = { .old = old, .new_text = new_text, .m = strlen(old),
		.k = strlen(new_text) };
	struct tools_say say;
	char *data = NULL;
	size_t len, first = 0, i;
	struct ws_path p;
	struct buf b;
	int n;

	tools_say_path(&say, "edit", path, 80);
	if (ws_resolve(w, path, &p, &say.why) != 0 || !writable(w, &p, &say.why) ||
	    (!p.exists && xasprintf(&say.why, "%s does not exist: use write to create it", p.name)) ||
	    ws_read(w, &p, &data, &len, &say.why) != 0) {
		tools_fail(r, say.sum, "%s", say.why);
		goto out;
	}
	n = find_old(data, len, &e, &first);
	if (e.m == 0 || n != 1) {
		if (e.m == 0)
			tools_fail(r, say.sum, "old is empty: give the exact text to replace");
		else if (n == 0)
			tools_fail(r, say.sum, "old text not found in %s: it must match exactly, white "
			    "space included (read the file again)", p.name);
		else
			tools_fail(r, say.sum, "old text matches %d times in %s: include more lines "
			    "around it so that it matches once", n, p.name);
		goto out;
	}
	if (e.own[3] == NULL && strchr(e.new_text, '\n') != NULL && all_crlf(data, len)) {
		/* old matched as given (one line): the lines new adds end as the file's do */
		e.new_text = e.own[3] = to_crlf(e.new_text, first > 0 ? data[first - 1] : '\0');
		e.k = strlen(e.new_text);
	}
	buf_init(&b, 0);
	if (replace_at(&b, data, len, first, e.old, e.m, e.new_text, e.k, p.name, &say.why) != 0)
		tools_fail(r, say.sum, "%s", say.why);
	else if (b.len > TOOLS_FILE_MAX)   /* as write refuses: neither edit nor undo could read it */
		tools_fail(r, say.sum, "%s would be larger than %u MiB: refused", p.name,
		    TOOLS_FILE_MAX >> 20);
	else
		apply(w, WS_EDIT, &p, data, len, b.data ? b.data : "", b.len, ask, arg, r);
	buf_done(&b);
out:
	ws_path_done(&p);
	free(data);
	for (i = 0; i < ARRAY_SIZE(e.own); i++)
		free(e.own[i]);
	tools_say_done(&say);
	return 0;
}

/* Create the file at path, or replace it whole when overwrite is set. */
int
tools_write(struct ws *w, const char *path, const char *content, bool overwrite,
    tool_ask_fn ask, void *arg, struct tool_result *r)
{
	struct tools_say say;
	char *data = NULL;
	size_t len = 0;
	struct ws_path p;

	tools_say_path(&say, "write", path, 80);
	memset(&p, 0, sizeof p);
	/* "src/" names a directory: the file would be made as "src" */
	if (path[0] != '\0' && path[strlen(path) - 1] == '/') {
		tools_fail(r, say.sum, "%s names a directory: give the path of a file in it", path);
		goto out;
	}
	if (ws_resolve(w, path, &p, &say.why) != 0 || !writable(w, &p, &say.why) ||
	    (p.exists && !overwrite && xasprintf(&say.why, "%s exists: set overwrite to replace it "
	    "whole, or use edit", p.name)) ||
	    (p.exists && ws_read(w, &p, &data, &len, &say.why) != 0)) {
		tools_fail(r, say.sum, "%s", say.why);
		goto out;
	}
	if (strlen(content) > TOOLS_FILE_MAX) {
		tools_fail(r, say.sum, "the content is larger than %u MiB: refused", TOOLS_FILE_MAX >> 20);
		goto out;
	}
	if (strstr(content, STAND) != NULL && !visible_utf8(data ? data : "", len)) {
		/* the character would be written where the file's own bytes were */
		tools_fail(r, say.sum, "%s holds bytes that are not UTF-8, shown as \ufffd, and "
		    "the content holds \ufffd: refused, since it would replace them; change the "
		    "file with edit", p.name);
		goto out;
	}
	apply(w, WS_WRITE, &p, data ? data : "", len, content, strlen(content), ask, arg, r);
out:
	ws_path_done(&p);
	free(data);
	tools_say_done(&say);
	return 0;
}
