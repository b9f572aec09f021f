/* git_hook: the commit-message hook's pure parts: the hook script and the draft. */
#include "git_hook.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "util.h"
#include "visible.h"

/* Length of the valid UTF-8 sequence at s, or 0 if the bytes there are not one. */
static size_t
utf8_seq(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* The code point of the valid n-byte UTF-8 sequence at s. */
static unsigned int
utf8_cp(const unsigned char *s, size_t n)
{
	static const unsigned char lead[] = { 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned int cp = s[0] & lead[n - 1];
	size_t i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* Whether cp reorders text unseen: bidi embeddings, overrides, isolates and marks. */
static bool
bidi_control(unsigned int cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/*
 * The length of the escape sequence at s (s[0] is ESC): a CSI to its final
 * byte, a string (OSC, DCS, APC, PM, SOS) to BEL, ST or the end of the line,
 * any other to its final byte. Dropping the whole sequence, not only ESC,
 * leaves no "[8m" or "]8;;https://..." behind.
 */
static size_t
escape_len(const unsigned char *s)
{
	size_t i = 2;

	if (s[1] == '[') {
		while (s[i] >= 0x20 && s[i] <= 0x3f)
			i++;
		return s[i] >= 0x40 && s[i] <= 0x7e ? i + 1 : i;
	}
	if (s[1] != '\0' && strchr("]P_^X", s[1]) != NULL) {
		for (; s[i] != '\0' && s[i] != '\n' && s[i] != 0x07; i++)
			if (s[i] == 0x1b && s[i + 1] == '\\')
				return i + 2;
		return s[i] == 0x07 ? i + 1 : i;
	}
	for (i = 1; s[i] >= 0x20 && s[i] <= 0x2f; i++)
		;
	return s[i] >= 0x30 && s[i] <= 0x7e ? i + 1 : i;
}

/* Keep only what may go into a commit message: see git_hook.h. */
char *
git_msg_sanitize(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	struct buf b;

	buf_init(&b, 0);
	while (*p != '\0') {
		size_t n = utf8_seq(p);
		unsigned int cp;

		if (n == 0) {
			buf_adds(&b, "\xef\xbf\xbd"); /* U+FFFD for each byte that is not UTF-8 */
			p++;
			continue;
		}
		if (*p == 0x1b) {
			p += escape_len(p);
			continue;
		}
		cp = utf8_cp(p, n);
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) ||
		    bidi_control(cp)) {
			p += n;
			continue;
		}
		buf_add(&b, p, n);
		p += n;
	}
	return buf_detach(&b);
}

bool
git_source_skips(const char *source)
{
	/*
	 * A template of comment lines alone (commit.template often is one) asks
	 * for a message like no template; text of its own is the user's, and
	 * git_msg_has_text keeps it.
	 */
	if (source == NULL || *source == '\0' || strcmp(source, "template") == 0)
		return false;
	/* message, merge, squash, commit, or a kind this version does not know */
	return true;
}

/* The lines every hook llm writes starts with, old or new. */
#define HOOK_HEAD "#!/bin/sh\n" GIT_HOOK_MARKER "; 'llm git uninstall-hook' removes it.\n" \
	"# Drafts a commit message from the staged diff; it never stops a commit.\n"

/*
 * The hook of the version before, which called llm by name when PATH found
 * it (fallback: where it was found); kept so that such a hook is still
 * known as llm's, and written for llm by name when this program's path is
 * unknown.
 */
static char *
hook_script_v2(const char *llm, const char *fallback)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, HOOK_HEAD "llm=");
	buf_add_shell_word(&b, llm);
	buf_addc(&b, '\n');
	if (fallback != NULL) {
		buf_adds(&b, "command -v \"$llm\" >/dev/null 2>&1 || llm=");
		buf_add_shell_word(&b, fallback);
		buf_addc(&b, '\n');
	}
	buf_adds(&b, "if ! command -v \"$llm\" >/dev/null 2>&1; then\n"
	    "\tprintf 'llm: commit message not drafted: ");
	buf_adds(&b, fallback != NULL ? "llm is not on PATH, nor at %s" : "%s is not there");
	buf_adds(&b, "\\n' \"$llm\" >&2\n"
	    "\texit 0\n"
	    "fi\n"
	    "\"$llm\" git commit-msg \"$@\" </dev/null || true\n"
	    "exit 0\n");
	return buf_detach(&b);
}

char *
git_hook_script(const char *llm)
{
	struct buf b;

	if (llm[0] != '/')
		return hook_script_v2(llm, NULL);
	buf_init(&b, 0);
	buf_adds(&b, HOOK_HEAD "llm=");
	buf_add_shell_word(&b, llm);
	/*
	 * By its path, not by name: a GUI client's PATH may lack llm's
	 * directory, or find another program called llm first. Only when the
	 * file is gone (an upgrade moved it) is PATH asked.
	 */
	buf_adds(&b, "\nif [ ! -x \"$llm\" ]; then\n"
	    "\tif ! command -v llm >/dev/null 2>&1; then\n"
	    "\t\tprintf 'llm: commit message not drafted: %s is gone, and llm is not on PATH\\n' "
	    "\"$llm\" >&2\n"
	    "\t\texit 0\n"
	    "\tfi\n"
	    "\tllm=llm\n"
	    "fi\n"
	    "\"$llm\" git commit-msg \"$@\" </dev/null || true\n"
	    "exit 0\n");
	return buf_detach(&b);
}

/* The hook earlier versions wrote, kept so that they still know it as llm's. */
static char *
hook_script_v1(const char *llm)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, HOOK_HEAD "command -v ");
	buf_add_shell_word(&b, llm);
	buf_adds(&b, " >/dev/null 2>&1 || exit 0\n");
	buf_add_shell_word(&b, llm);
	buf_adds(&b, " git commit-msg \"$@\" </dev/null || true\nexit 0\n");
	return buf_detach(&b);
}

/* Undo buf_add_shell_word on the n bytes at q (malloc'd), or NULL when they are not quoted so. */
static char *
sh_unquote(const char *q, size_t n)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b, 0);
	while (i < n) {
		const char *end;

		if (q[i] == '\\' && i + 1 < n) {
			buf_addc(&b, q[i + 1]);
			i += 2;
		} else if (q[i] != '\'') {
			buf_addc(&b, q[i++]);
		} else if ((end = memchr(q + i + 1, '\'', n - i - 1)) != NULL) {
			buf_add(&b, q + i + 1, (size_t)(end - q) - i - 1);
			i = (size_t)(end - q) + 1;
		} else {
			buf_done(&b);
			return NULL;
		}
	}
	return buf_detach(&b);
}

/*
 * The quoted word after prefix at *p, up to the end of its line, unquoted
 * (malloc'd), with *p moved past the line; NULL if *p does not start so.
 */
static char *
word_line(const char **p, const char *prefix, const char *end)
{
	const char *q, *nl;
	char *w;

	if (!str_startswith(*p, prefix))
		return NULL;
	q = *p + strlen(prefix);
	nl = strstr(q, end);
	if (nl == NULL || (w = sh_unquote(q, (size_t)(nl - q))) == NULL)
		return NULL;
	*p = nl + strlen(end);
	return w;
}

/* Whether text is the hook hook_script_v1 writes for some command. */
static bool
ours_v1(const char *text)
{
	const char *p = text + strlen(HOOK_HEAD);
	char *cmd, *script;
	bool ours;

	cmd = word_line(&p, "command -v ", " >/dev/null 2>&1 || exit 0\n");
	if (cmd == NULL)
		return false;
	script = hook_script_v1(cmd);
	ours = strcmp(script, text) == 0;
	free(script);
	free(cmd);
	return ours;
}

/*
 * Whether text is, byte for byte, a hook git_hook_script (or an earlier
 * version) writes, for any command: the marker alone is not enough, since a
 * user may have copied it into a hook of their own, and uninstall-hook would
 * then delete their work.
 */
bool
git_hook_is_ours(const char *text)
{
	const char *p;
	char *llm, *fallback, *script;
	bool ours;

	if (strncmp(text, HOOK_HEAD, strlen(HOOK_HEAD)) != 0)
		return false;
	p = text + strlen(HOOK_HEAD);
	llm = word_line(&p, "llm=", "\n");
	if (llm == NULL)
		return ours_v1(text);
	script = git_hook_script(llm);
	ours = strcmp(script, text) == 0;
	free(script);
	if (!ours) {
		fallback = word_line(&p, "command -v \"$llm\" >/dev/null 2>&1 || llm=", "\n");
		script = hook_script_v2(llm, fallback);
		ours = strcmp(script, text) == 0;
		free(script);
		free(fallback);
	}
	free(llm);
	return ours;
}

/* Where GIT_HOOK_LINE stands in text (at a line's start, a whole line), or NULL. */
static const char *
hook_line_find(const char *text)
{
	size_t n = strlen(GIT_HOOK_LINE);
	const char *p;

	for (p = text; (p = strstr(p, GIT_HOOK_LINE)) != NULL; p += n)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return p;
	return NULL;
}

/* The #! line a script made for GIT_HOOK_LINE starts with. */
#define HOOK_LINE_SHEBANG "#!/usr/bin/env sh\n"

/* The length of text's first line when it sources husky.sh, with its newline; else 0. */
static size_t
husky_source_len(const char *text)
{
	const char *nl = strchr(text, '\n');
	size_t n = nl != NULL ? (size_t)(nl - text) + 1 : strlen(text);
	const char *at;

	if (!str_startswith(text, ". ") && !str_startswith(text, "source "))
		return 0;
	at = strstr(text, "/husky.sh");
	return at != NULL && at < text + n ? n : 0;
}

char *
git_hook_line_add(const char *text)
{
	struct buf b;
	size_t head = 0;

	if (hook_line_find(text) != NULL)
		return NULL;
	buf_init(&b, 0);
	if (*text == '\0') {
		buf_adds(&b, HOOK_LINE_SHEBANG GIT_HOOK_LINE "\n");
		return buf_detach(&b);
	}
	/*
	 * First, so that a hook of the user's that writes into the message (a
	 * ticket number from the branch) works on the draft, rather than llm
	 * finding text there and drafting nothing; and before any exit.
	 */
	if (str_startswith(text, "#!"))
		head = strchr(text, '\n') != NULL ? (size_t)(strchr(text, '\n') - text) + 1 : strlen(text);
	/* husky 5 to 8 run the rest again under sh -e from there: below it, it runs once */
	head += husky_source_len(text + head);
	buf_add(&b, text, head);
	if (head > 0 && text[head - 1] != '\n')
		buf_addc(&b, '\n');
	buf_adds(&b, GIT_HOOK_LINE "\n");
	buf_adds(&b, text + head);
	return buf_detach(&b);
}

char *
git_hook_line_remove(const char *text)
{
	const char *p = hook_line_find(text);
	struct buf b;
	size_t n = strlen(GIT_HOOK_LINE);

	if (p == NULL)
		return NULL;
	buf_init(&b, 0);
	do {
		buf_add(&b, text, (size_t)(p - text));
		text = p + n + (p[n] == '\n');
	} while ((p = hook_line_find(text)) != NULL);
	buf_adds(&b, text);
	if (strcmp(buf_str(&b), HOOK_LINE_SHEBANG) == 0 ||
	    strcmp(buf_str(&b), HOOK_LINE_SHEBANG GIT_HUSKY_SOURCE) == 0)
		buf_reset(&b);
	return buf_detach(&b);
}

/* Whether line s is a comment: comment == NULL is git's "auto", any of its candidates. */
static bool
is_comment(const char *s, const char *comment)
{
	if (comment == NULL)
		return *s != '\0' && strchr("#;@!$%^&|:", *s) != NULL;
	return *comment != '\0' && str_startswith(s, comment);
}

/* Whether line s is a trailer: "Signed-off-by: ...", a token of letters, digits and '-'. */
static bool
is_trailer(const char *s)
{
	size_t tok = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

	return tok > 0 && s[tok] == ':' && s[tok + 1] == ' ';
}

/*
 * Trailers below a blank first line are what git adds to an empty message
 * (commit -s, --trailer), not text of the user's own: the draft goes above them.
 */
bool
git_msg_has_text(const char *msg, const char *comment)
{
	const char *p = msg;
	bool below_blank = strspn(msg, " \t\r") == strcspn(msg, "\n");

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (is_comment(p, comment))
			return false;
		if (strspn(p, " \t\r") < n && !(below_blank && is_trailer(p)))
			return true;
		p += n + (nl != NULL);
	}
	return false;
}

/* Character count of UTF-8 text (bytes that start a character). */
static size_t
utf8_len(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Byte length of the first max characters of s. */
static size_t
utf8_prefix(const char *s, size_t max)
{
	size_t i = 0, c = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == max)
			break;
		i++;
	}
	return i;
}

/* What marks a subject cut short, and opens the body with the rest. */
#define SUBJECT_MORE "\xe2\x80\xa6"

/*
 * Cut subject s (in place) at the last word boundary that leaves room for an
 * ellipsis within max characters. Returns what was cut off (malloc'd, leading
 * spaces dropped), which the body starts with, or NULL when s fits whole.
 */
static char *
subject_fit(char *s, size_t max)
{
	size_t n = strlen(s), lim, i, cut;
	char *rest;

	if (utf8_len(s, n) <= max)
		return NULL;
	lim = utf8_prefix(s, max - 1);
	/* A space right after the limit means the cut falls between words already. */
	for (i = lim; i > 0 && s[i] != ' '; i--)
		;
	if (i == 0)
		i = lim;
	cut = i;
	while (i > 0 && strchr(" ,;:-", s[i - 1]) != NULL)
		i--;
	rest = xstrdup(s + cut + strspn(s + cut, " "));
	s[i] = '\0';
	if (*rest == '\0' || i == 0) {
		free(rest);
		return NULL;
	}
	return rest;
}

/* Drop Markdown's bold ("**text**", "__text__") around the whole of s (in place). */
static char *
unbold(char *s)
{
	size_t n = strlen(s);

	if (n > 4 && (str_startswith(s, "**") || str_startswith(s, "__")) &&
	    strncmp(s + n - 2, s, 2) == 0) {
		s[n - 2] = '\0';
		s = str_trim(s + 2);
	}
	return s;
}

/* Length of a Markdown heading's marks at the start of line ("## "), or 0. */
static size_t
heading_marks(const char *line)
{
	size_t n = strspn(line, "#");

	return n > 0 && n <= 6 && line[n] == ' ' ? n + 1 : 0;
}

/*
 * Drop a "Subject:" label, a heading's marks, Markdown's bold and one pair
 * of matching quotes or backticks around s (in place): a model's dress, not
 * the subject. A '#' with no space after it ("#1234: fix") is the subject's.
 */
static char *
subject_unwrap(char *s)
{
	static const char *const labels[] = { "**Subject:**", "**subject:**", "Subject:", "subject:" };
	size_t n, i;

	for (i = 0; i < ARRAY_SIZE(labels); i++)
		if (str_startswith(s, labels[i])) {
			s += strlen(labels[i]);
			break;
		}
	s = str_trim(s);
	s = unbold(str_trim(s + heading_marks(s)));
	n = strlen(s);
	if (n >= 2 && strchr("\"'`", s[0]) != NULL && s[n - 1] == s[0]) {
		s[n - 1] = '\0';
		s = str_trim(s + 1);
	}
	return s;
}

/*
 * Whether line only announces what follows ("Here is the commit message:",
 * "**Commit message:**", "Subject:", "### Commit Message"): it has no "type:
 * summary" in it, and ends with a colon, bold or not, or is a heading or bold
 * that names the commit message.
 */
static bool
announces(const char *line)
{
	size_t n = strlen(line);
	bool dressed = heading_marks(line) > 0;

	if (n > 4 && str_startswith(line, "**") && strcmp(line + n - 2, "**") == 0) {
		n -= 2;
		dressed = true;
	}
	if (n == 0 || strstr(line, ": ") != NULL)
		return false;
	return line[n - 1] == ':' || (dressed && strcasestr(line, "commit message") != NULL);
}

/*
 * Where the answer starts in text: after a reasoning model's "<think>...</think>"
 * block, which some servers (a local model's) leave in the text; the end of text
 * when the block never closes.
 */
static char *
after_thinking(char *text)
{
	char *p = text + strspn(text, " \t\r\n"), *end;

	if (!str_startswith(p, "<think>"))
		return text;
	end = strstr(p, "</think>");
	return end != NULL ? end + strlen("</think>") : p + strlen(p);
}

/* A body line without a Markdown heading's marks, which git would take for a comment. */
static const char *
body_text(const char *line)
{
	return line + heading_marks(line);
}

/*
 * Whether line is left as it is however long: code (indented by a tab or
 * four spaces) or a trailer ("Signed-off-by: ..."), which a wrap would break.
 */
static bool
keep_long(const char *line)
{
	return line[0] == '\t' || strncmp(line, "    ", 4) == 0 || is_trailer(line);
}

/* Width of a list item's marker at s ("- ", "* ", "+ ", "12. ", "3) "), or 0. */
static size_t
list_marker(const char *s)
{
	size_t d = strspn(s, "0123456789");

	if (d == 0 && s[0] != '\0' && strchr("-*+", s[0]) != NULL && s[1] == ' ')
		return 2;
	if (d > 0 && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
		return d + 2;
	return 0;
}

/*
 * Add a body line, wrapped at GIT_BODY_WIDTH between words (the model was
 * asked to, and often sends a paragraph as one line); a list item's further
 * lines hang under its text. A word longer than the width (a URL) stays whole,
 * and a word that is a comment to git ("#1234") stays on its line past the
 * width: a line it started would be dropped from the commit. A line that
 * starts so all the same (it opens a paragraph) is kept behind one space.
 */
static void
add_body_line(struct buf *b, const char *line, const char *comment)
{
	size_t lead = strspn(line, " "), pad = is_comment(line, comment), hang, col, i;
	const char *p;
	bool start = true;

	if (pad > 0)
		buf_addc(b, ' ');
	if (utf8_len(line, strlen(line)) + pad <= GIT_BODY_WIDTH || keep_long(line)) {
		buf_adds(b, line);
		buf_addc(b, '\n');
		return;
	}
	hang = lead + list_marker(line + lead);
	buf_add(b, line, hang);
	col = pad + hang;
	p = line + hang;
	while (*p != '\0') {
		size_t n = strcspn(p, " "), w = utf8_len(p, n);

		if (!start && col + 1 + w > GIT_BODY_WIDTH && (hang > 0 || !is_comment(p, comment))) {
			buf_addc(b, '\n');
			for (i = 0; i < hang; i++)
				buf_addc(b, ' ');
			col = hang;
		} else if (!start) {
			buf_addc(b, ' ');
			col++;
		}
		buf_add(b, p, n);
		col += w;
		start = false;
		p += n;
		p += strspn(p, " ");
	}
	buf_addc(b, '\n');
}

/* Whether line opens or closes a Markdown code fence. */
static bool
is_fence(const char *line)
{
	return strncmp(line, "```", 3) == 0;
}

/*
 * Add the body's n lines. A model that wraps its own body may start a line
 * with "#1234", which git would drop as a comment: such a line joins the
 * prose line before it, and add_body_line wraps the two again. One with no
 * prose line before it (it opens a paragraph) is left to add_body_line.
 */
static void
add_body(struct buf *b, char **lines, size_t n, const char *comment)
{
	struct buf line;
	size_t i;

	buf_init(&line, 0);
	for (i = 0; i < n; i++) {
		const char *t = body_text(lines[i]);

		if (i > 0 && is_comment(t, comment) && line.len > 0 && !keep_long(buf_str(&line))) {
			buf_addc(&line, ' ');
			buf_adds(&line, t);
			continue;
		}
		if (i > 0)
			add_body_line(b, buf_str(&line), comment);
		buf_reset(&line);
		buf_adds(&line, t);
	}
	if (n > 0)
		add_body_line(b, buf_str(&line), comment);
	buf_done(&line);
}

/* Split text into lines (in place), trailing blanks trimmed. */
static size_t
reply_lines(char *text, char ***out)
{
	char **v = NULL, *p = text;
	size_t n = 0, cap = 0;

	while (p != NULL) {
		char *nl = strchr(p, '\n'), *e;

		if (nl != NULL)
			*nl = '\0';
		for (e = p + strlen(p); e > p && strchr(" \t\r", e[-1]) != NULL; e--)
			;
		*e = '\0';
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = p;
		p = nl ? nl + 1 : NULL;
	}
	*out = v;
	return n;
}

/*
 * Drop the fence lines of lines[i..*end), *end moved to match. A message
 * that opens with a fence is what the fence holds: "Let me know if you want
 * changes" after it is the model talking, not the message.
 */
static void
unfence(char **lines, size_t i, size_t *end)
{
	size_t j, k = i;

	if (i < *end && is_fence(lines[i])) {
		for (j = i + 1; j < *end && !is_fence(lines[j]); j++)
			;
		*end = j;
	}
	for (j = i; j < *end; j++)
		if (!is_fence(lines[j]))
			lines[k++] = lines[j];
	*end = k;
}

/*
 * Whether line is a trailer that names a person ("Signed-off-by:",
 * "Co-authored-by:", any token ending in "-by", in any of the forms git takes
 * for a trailer: "Token:x", "Token : x"): a model signs off for no one and
 * credits no one (text in the diff may ask it to); git commit -s adds the
 * user's own.
 */
static bool
names_person(const char *line)
{
	size_t tok = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

	return tok > 3 && line[tok + strspn(line + tok, " \t")] == ':' &&
	    strncasecmp(line + tok - 3, "-by", 3) == 0;
}

/*
 * Drop the trailers that name a person from lines[i..*end), *end moved to
 * match, and the blank line a dropped block leaves beside another.
 */
static void
drop_people(char **lines, size_t i, size_t *end)
{
	size_t j, k = i;
	bool gap = false;

	for (j = i; j < *end; j++) {
		if (names_person(lines[j])) {
			gap = true;
			continue;
		}
		if (lines[j][0] != '\0')
			gap = false;
		else if (gap && k > i && lines[k - 1][0] == '\0')
			continue;
		lines[k++] = lines[j];
	}
	*end = k;
}

char *
git_msg_clean(const char *reply, const char *comment)
{
	char *text = git_msg_sanitize(reply), **lines, *subject, *rest;
	size_t n, i = 0, k, end, pad;
	struct buf b;

	n = reply_lines(after_thinking(text), &lines);
	/*
	 * A line of only Unicode spaces or zero-width characters looks blank in
	 * git log: it is blank, so a reply of nothing else is no draft at all.
	 */
	for (k = 0; k < n; k++)
		if (!visible_any(lines[k], strlen(lines[k])))
			lines[k][0] = '\0';
	while (i < n && lines[i][0] == '\0')
		i++;
	end = n;
	while (end > i && lines[end - 1][0] == '\0')
		end--;
	/* "Here is the commit message:" announces the message; it is not its subject */
	if (i + 1 < end && announces(lines[i])) {
		i++;
		while (i < end && lines[i][0] == '\0')
			i++;
	}
	unfence(lines, i, &end);
	drop_people(lines, i, &end);
	while (i < end && lines[i][0] == '\0')
		i++;
	while (end > i && lines[end - 1][0] == '\0')
		end--;
	if (i == end) {
		free(lines);
		free(text);
		return NULL;
	}
	subject = subject_unwrap(lines[i++]);
	/* a subject git would take for a comment is kept behind one space */
	pad = is_comment(subject, comment);
	/*
	 * A subject too long is cut at a word and marked "…", and what was cut
	 * opens the body after "…", as GitHub splits a long title: nothing the
	 * model wrote is lost, and the subject does not end on a dangling word.
	 */
	rest = subject_fit(subject, GIT_SUBJECT_MAX - pad);
	buf_init(&b, 0);
	if (*subject == '\0')
		i = end;
	else if (pad > 0)
		buf_addc(&b, ' ');
	buf_adds(&b, subject);
	if (rest != NULL && *subject != '\0')
		buf_adds(&b, SUBJECT_MORE);
	buf_addc(&b, '\n');
	while (i < end && lines[i][0] == '\0')
		i++;
	if (rest != NULL && *subject != '\0') {
		char *more = xstrfmt(SUBJECT_MORE "%s", rest);

		buf_addc(&b, '\n');
		add_body_line(&b, more, comment);
		free(more);
	}
	free(rest);
	if (i < end)
		buf_addc(&b, '\n');
	add_body(&b, lines + i, end - i, comment);
	free(lines);
	free(text);
	if (b.len <= 1) {
		buf_done(&b);
		return NULL;
	}
	return buf_detach(&b);
}

char *
git_msg_insert(const char *msg, const char *draft)
{
	/* one blank line between: git puts two above the trailers of commit -s */
	msg += strspn(msg, "\n");
	if (*msg == '\0')
		return xstrdup(draft);
	return xstrfmt("%s\n%s", draft, msg);
}
