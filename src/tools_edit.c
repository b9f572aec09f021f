/* tools_edit: the changing tools: edit (exact old text to new) and write, each shown as a diff. */
#include <stdlib.h>
#include <string.h>

#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

/* Whether the tools may write at p: not .git, not a secret, not a directory. */
static bool
writable(const struct ws *w, const struct ws_path *p, char **why)
{
	if (*p->rel == '\0' || ws_in_git_dir(p->rel))
		xasprintf(why, "%s is inside .git/, which is never written: refused",
		    *p->rel ? p->name : ".git");
	else if (ws_secret(w, p->rel))
		xasprintf(why, "%s may hold secrets: refused", p->name);
	else if (p->exists && S_ISLNK(p->st.st_mode))
		xasprintf(why, "%s is a symbolic link to a file that does not exist: refused",
		    p->name);
	else if (p->exists && !S_ISREG(p->st.st_mode))
		xasprintf(why, "%s is not a regular file", p->name);
	else
		return true;
	return false;
}

/* How many times needle occurs in hay (overlapping ones too), and where the first is. */
static int
occurrences(const char *hay, size_t n, const char *needle, size_t m, size_t *first)
{
	const char *p = hay, *hit;
	int count = 0;

	while (m > 0 && (size_t)(p - hay) + m <= n &&
	    (hit = memmem(p, n - (size_t)(p - hay), needle, m)) != NULL) {
		if (count++ == 0)
			*first = (size_t)(hit - hay);
		p = hit + 1;
	}
	return count;
}

/* s with each line feed not after a carriage return made CR LF (malloc'd). */
static char *
to_crlf(const char *s)
{
	struct buf b;

	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if (*s == '\n' && (b.len == 0 || b.data[b.len - 1] != '\r'))
			buf_addc(&b, '\r');
		buf_addc(&b, *s);
	}
	return buf_detach(&b);
}

/* Ask, write, and fill r with the diff of a change to p from old to data. */
static void
apply(struct ws *w, enum ws_tool t, const struct ws_path *p, const char *old, size_t oldlen,
    const char *data, size_t len, tool_ask_fn ask, void *arg, struct tool_result *r)
{
	const char *verb = t == WS_EDIT ? "edit" : "write";
	char *why = NULL, *raw, *diff, *sum;
	int added, removed;
	struct buf b;

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
	sum = xstrfmt("%s %s (+%d \u2212%d)", verb, p->name, added, removed);
	/* the file is looked at again after the question: it may have changed, or moved, meanwhile */
	if (!tools_approve(w, t, diff, NULL, ask, arg, NULL, &why) ||
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
}

/* Replace the one occurrence of old in the file at path with new_text. */
int
tools_edit(struct ws *w, const char *path, const char *old, const char *new_text,
    tool_ask_fn ask, void *arg, struct tool_result *r)
{
	struct tools_say say;
	char *data = NULL, *old_crlf = NULL, *new_crlf = NULL;
	size_t len, first = 0, m = strlen(old), k = strlen(new_text);
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
	n = occurrences(data, len, old, m, &first);
	if (n == 0 && strchr(old, '\n') != NULL && memmem(data, len, "\r\n", 2) != NULL) {
		/* the model writes lines ending in LF; a file of CR LF lines keeps its own */
		old = old_crlf = to_crlf(old);
		new_text = new_crlf = to_crlf(new_text);
		m = strlen(old);
		k = strlen(new_text);
		n = occurrences(data, len, old, m, &first);
	}
	if (m == 0 || n != 1) {
		if (m == 0)
			tools_fail(r, say.sum, "old is empty: give the exact text to replace");
		else if (n == 0)
			tools_fail(r, say.sum, "old text not found in %s: it must match exactly, white "
			    "space included (read the file again)", p.name);
		else
			tools_fail(r, say.sum, "old text matches %d times in %s: include more lines "
			    "around it so that it matches once", n, p.name);
		goto out;
	}
	buf_init(&b, 0);
	buf_add(&b, data, first);
	buf_add(&b, new_text, k);
	buf_add(&b, data + first + m, len - first - m);
	apply(w, WS_EDIT, &p, data, len, b.data ? b.data : "", b.len, ask, arg, r);
	buf_done(&b);
out:
	ws_path_done(&p);
	free(data);
	free(old_crlf);
	free(new_crlf);
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
	apply(w, WS_WRITE, &p, data ? data : "", len, content, strlen(content), ask, arg, r);
out:
	ws_path_done(&p);
	free(data);
	tools_say_done(&say);
	return 0;
}
