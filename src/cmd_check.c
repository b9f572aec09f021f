/* cmd_check: proposed shell commands: the request for one, the reply read, what it would destroy. */
#include "cmd_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "buf.h"
#include "fmt.h"
#include "util.h"

#define WORDS_MAX 64

/* Programs that delete or overwrite whatever they are given. */
static const char *const destroyers[] = {
	"rm", "rmdir", "dd", "shred", "truncate", "wipefs", "fdisk", "sfdisk", "parted",
	"mkswap", "srm", NULL,
};

static void
add_reason(char *why, size_t n, int *count, const char *what)
{
	size_t len = strlen(why);

	if (len + 3 < n)
		snprintf(why + len, n - len, "%s%s", *count ? ", " : "", what);
	(*count)++;
}

/* A word without its quotes, as the shell would pass it (no expansions). */
static char *
unquote(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), q = 0;
	size_t i, k = 0;

	for (i = 0; i < len; i++) {
		if (q == 0 && (s[i] == '\'' || s[i] == '"'))
			q = s[i];
		else if (q != 0 && s[i] == q)
			q = 0;
		else if (q != '\'' && s[i] == '\\' && i + 1 < len)
			out[k++] = s[++i];
		else
			out[k++] = s[i];
	}
	out[k] = '\0';
	return out;
}

/* The program name of a path: "/bin/rm" -> "rm". */
static const char *
base(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

/* Programs that run the command after them, and their short options that take a value. */
static const struct wrapper {
	const char *name;
	const char *valued;
} wrappers[] = {
	{ "sudo", "CDghprtUu" }, { "doas", "Cu" }, { "env", "CSu" }, { "nice", "n" },
	{ "nohup", "" }, { "time", "fo" }, { "command", "" }, { "exec", "a" },
	{ "xargs", "adEILnPs" }, { "busybox", "" }, { "timeout", "ks" }, { "stdbuf", "eio" },
	{ "ionice", "cnp" }, { "setsid", "" },
};

/* The wrapper w names, or NULL. */
static const struct wrapper *
wrapper_of(const char *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wrappers); i++)
		if (strcmp(base(w), wrappers[i].name) == 0)
			return &wrappers[i];
	return NULL;
}

/* The shell's words that come before a command: "do rm x" runs rm. */
static bool
is_keyword(const char *w)
{
	static const char *const words[] = { "if", "then", "else", "elif", "while", "until", "do",
		"!", "{", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

/* VAR=value before a command. */
static bool
is_assignment(const char *w)
{
	return strchr(w, '=') != NULL && w[0] != '-';
}

/* Whether w is a duration, as timeout takes before its command (10, 1.5m). */
static bool
is_duration(const char *w)
{
	return *w != '\0' && strspn(w, "0123456789.") > 0 &&
	    strspn(w, "0123456789.smhd") == strlen(w);
}

/*
 * The index of the program a simple command runs, past assignments, wrappers,
 * their options and the values those take (sudo -u www rm: rm); nw when it
 * runs none (command -v rm only looks the name up).
 */
static int
program_index(char **w, int nw)
{
	const struct wrapper *wr = NULL;
	int i;

	for (i = 0; i < nw; i++) {
		const char *s = w[i];

		if (wr == NULL && is_keyword(s)) {
			continue;
		} else if (wrapper_of(s) != NULL) {
			wr = wrapper_of(s);
		} else if (wr != NULL && s[0] == '-') {
			if (strcmp(wr->name, "command") == 0 && (strcmp(s, "-v") == 0 ||
			    strcmp(s, "-V") == 0))
				return nw;
			/* "-u www": the value is the next word ("-uwww" holds its own) */
			if (s[1] != '-' && s[1] != '\0' && s[2] == '\0' && strchr(wr->valued, s[1]))
				i++;
		} else if (!(wr != NULL && strcmp(wr->name, "timeout") == 0 && is_duration(s)) &&
		    !is_assignment(s)) {
			break;
		}
	}
	return i;
}

static void check_simple(char **w, int nw, char *why, size_t n, int *count);

/* find's -exec, -execdir, -ok and -okdir: the command each runs, up to ; or +. */
static void
check_find_exec(char **w, int nw, char *why, size_t n, int *count)
{
	int k, end;

	for (k = 0; k < nw; k++) {
		if (strcmp(w[k], "-exec") != 0 && strcmp(w[k], "-execdir") != 0 &&
		    strcmp(w[k], "-ok") != 0 && strcmp(w[k], "-okdir") != 0)
			continue;
		for (end = k + 1; end < nw && strcmp(w[end], ";") != 0 && strcmp(w[end], "+") != 0;
		    end++)
			;
		check_simple(w + k + 1, end - k - 1, why, n, count);
		k = end;
	}
}

/* A shell given its script with -c (sh -c 'rm -rf x'): what that script does. */
static void
check_shell_c(char **w, int nw, char *why, size_t n, int *count)
{
	static const char *const shells[] = { "sh", "bash", "zsh", "dash", "ksh", "fish", NULL };
	char sub[256];
	int k;

	for (k = 0; shells[k]; k++)
		if (strcmp(base(w[0]), shells[k]) == 0)
			break;
	if (shells[k] == NULL)
		return;
	/* the script is shorter than the command holding it: this ends */
	for (k = 1; k + 1 < nw; k++)
		/* -c alone or among other flags: bash -lc 'rm x' */
		if (w[k][0] == '-' && w[k][1] != '-' && strchr(w[k], 'c') != NULL &&
		    cmd_check(w[k + 1], sub, sizeof sub) > 0) {
			add_reason(why, n, count, sub);
			return;
		}
}

/* Look at one simple command's words. */
static void
check_simple(char **w, int nw, char *why, size_t n, int *count)
{
	int i = program_index(w, nw), k;
	const char *prog;

	if (i >= nw)
		return;
	prog = base(w[i]);
	if (strcmp(prog, "find") == 0)
		check_find_exec(w + i + 1, nw - i - 1, why, n, count);
	check_shell_c(w + i, nw - i, why, n, count);
	for (k = 0; destroyers[k]; k++)
		if (strcmp(prog, destroyers[k]) == 0)
			add_reason(why, n, count, prog);
	if (strncmp(prog, "mkfs", 4) == 0)
		add_reason(why, n, count, prog);
	if (strcmp(prog, "find") == 0)
		for (k = i + 1; k < nw; k++)
			if (strcmp(w[k], "-delete") == 0)
				add_reason(why, n, count, "find -delete");
	if (strcmp(prog, "git") != 0)
		return;
	for (k = i + 1; k < nw; k++) {
		if (strcmp(w[k], "reset") == 0 && k + 1 < nw)
			for (int j = k + 1; j < nw; j++)
				if (strcmp(w[j], "--hard") == 0)
					add_reason(why, n, count, "git reset --hard");
		if (strcmp(w[k], "push") == 0)
			for (int j = k + 1; j < nw; j++)
				if (strcmp(w[j], "--force") == 0 || strcmp(w[j], "-f") == 0 ||
				    str_startswith(w[j], "--force-with-lease") || (w[j][0] == '+' &&
				    w[j][1] != '\0'))
					add_reason(why, n, count, "git push --force");
		if (strcmp(w[k], "clean") == 0)
			add_reason(why, n, count, "git clean");
	}
}

/* A "> file" onto a file that is there. */
static void
check_redirect(const char *target, char *why, size_t n, int *count)
{
	struct stat st;
	char *what;

	if (*target == '\0' || strcmp(target, "/dev/null") == 0 || target[0] == '&')
		return;
	if (stat(target, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	what = xstrfmt("> %s (exists)", target);
	add_reason(why, n, count, what);
	free(what);
}

/* Tell what in cmd deletes or overwrites; the number of reasons written into why. */
int
cmd_check(const char *cmd, char *why, size_t n)
{
	char *w[WORDS_MAX];
	const char *p = cmd;
	int nw = 0, count = 0, i;

	if (n > 0)
		why[0] = '\0';
	for (;;) {
		size_t len;
		char q = 0;

		while (*p == ' ' || *p == '\t')
			p++;
		/* a comment, whose quotes ("don't") must not swallow the lines after it */
		if (*p == '#')
			p += strcspn(p, "\n");
		/* a command separator ends a simple command */
		if (*p == '\0' || *p == ';' || *p == '|' || *p == '&' || *p == '\n' || *p == '(' ||
		    *p == ')' || (*p == '$' && p[1] == '(') || *p == '`') {
			check_simple(w, nw, why, n, &count);
			for (i = 0; i < nw; i++)
				free(w[i]);
			nw = 0;
			if (*p == '\0')
				break;
			p += *p == '$' ? 2 : 1;
			continue;
		}
		if (*p == '>' || (p[0] >= '0' && p[0] <= '9' && p[1] == '>')) {
			bool append, force;

			p += *p == '>' ? 0 : 1;
			append = p[1] == '>';
			force = p[1] == '|';
			p += append || force ? 2 : 1;
			while (*p == ' ' || *p == '\t')
				p++;
			for (len = 0; p[len] && (q || !strchr(" \t;|&<>()\n", p[len])); len++)
				if (q == 0 && (p[len] == '\'' || p[len] == '"'))
					q = p[len];
				else if (q == p[len])
					q = 0;
			if (!append) {
				char *target = unquote(p, len);

				check_redirect(target, why, n, &count);
				free(target);
			}
			p += len;
			continue;
		}
		for (len = 0; p[len] && (q || !strchr(" \t;|&<>()\n`", p[len])); len++)
			if (q == 0 && (p[len] == '\'' || p[len] == '"'))
				q = p[len];
			else if (q == p[len])
				q = 0;
			else if (q != '\'' && p[len] == '\\' && p[len + 1])
				len++;
		if (len == 0) {
			p++;
			continue;
		}
		if (nw < WORDS_MAX)
			w[nw++] = unquote(p, len);
		p += len;
	}
	return count;
}

/* Return the user's shell: $SHELL when it is a path, else /bin/sh. */
const char *
cmd_shell(void)
{
	const char *s = getenv("SHELL");

	return s != NULL && *s == '/' ? s : "/bin/sh";
}

/* Ask for one command for shell on this system: the system prompt, malloc'd. */
char *
cmd_prompt(const char *shell)
{
	struct utsname u;
	const char *sh = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;

	if (uname(&u) != 0)
		str_copy(u.sysname, sizeof(u.sysname), "a Unix-like system");
	return xstrfmt("You turn a request into exactly one command for the %s shell on %s. "
	    "Answer with two lines and nothing else: the command on the first line (no code "
	    "fences, no prompt sign), and on the second line a '#' and a one-line explanation "
	    "of what it does. Prefer standard tools, quote file names safely, and never add "
	    "anything destructive the request did not ask for. If no command can do it, answer "
	    "with one line: a '#' and why.", sh, u.sysname);
}

/* Whether text has a line that opens a code fence. */
static bool
has_fence(const char *text)
{
	const char *p = text;

	while (*p) {
		p += strspn(p, " \t");
		if (str_startswith(p, "```"))
			return true;
		p += strcspn(p, "\n");
		p += *p == '\n';
	}
	return false;
}

/*
 * Whether line ends with a backslash that continues it on the next line (an
 * odd number of them: two are a backslash, quoted); if so, take it off.
 */
static bool
continued(char *line)
{
	size_t len = strlen(line), n = 0;

	while (n < len && line[len - 1 - n] == '\\')
		n++;
	if (n % 2 == 0)
		return false;
	line[len - 1] = '\0';
	str_trim(line);   /* the end only: line starts with no blank */
	return true;
}

/*
 * line without what a model wraps a command in: a quote's "> ", a prompt
 * sign ("$ " or "% ") and inline code's backticks around the whole of it;
 * "> ls" run as it stands would empty a file named ls. Trims line in place.
 */
static char *
bare_command(char *line)
{
	size_t n;

	if (line[0] == '>' && line[1] == ' ')
		line = str_trim(line + 2);
	if ((line[0] == '$' || line[0] == '%') && line[1] == ' ')
		line = str_trim(line + 2);
	n = strlen(line);
	if (n > 2 && line[0] == '`' && line[n - 1] == '`' && memchr(line + 1, '`', n - 2) == NULL) {
		line[n - 1] = '\0';
		line = str_trim(line + 1);
	}
	return line;
}

/* Whether the shell would run w: a path, an assignment, a builtin, a keyword or a program. */
static bool
is_command_name(const char *w)
{
	static const char *const builtins[] = { ".", ":", "[", "[[", "((", "{", "!", "alias",
		"bg", "bind", "builtin", "case", "cd", "command", "declare", "dirs", "echo", "eval",
		"exec", "exit", "export", "false", "fc", "fg", "for", "function", "getopts", "hash",
		"history", "if", "jobs", "kill", "let", "local", "popd", "printf", "pushd", "pwd",
		"read", "readonly", "select", "set", "setopt", "shift", "source", "test", "time",
		"times", "trap", "true", "type", "typeset", "ulimit", "umask", "unalias", "unset",
		"until", "wait", "while", NULL };
	size_t i;

	if (strchr(w, '/') != NULL || is_assignment(w))
		return true;
	for (i = 0; builtins[i]; i++)
		if (strcmp(w, builtins[i]) == 0)
			return true;
	return path_has(w);
}

/*
 * Whether line reads as a sentence, not a command: it ends as one (a full
 * stop, '!', '?' or ':') and its first word is nothing the shell would run,
 * as in "I can't help with that." or "Here it is:". "du -sh ." starts with a
 * program and stays a command; so does anything without a sentence's end,
 * such as "done" or a case's "*.log)".
 */
static bool
is_prose(const char *line)
{
	size_t n = strlen(line), len = strcspn(line, " \t");
	char *w;
	bool prose;

	if (n == 0 || strchr(".!?:", line[n - 1]) == NULL)
		return false;
	w = xstrndup(line, len);
	prose = !is_command_name(w);
	free(w);
	return prose;
}

/* How far cmd_parse_reply has read: before the command, in it, past it. */
enum reading { READ_BEFORE, READ_IN, READ_AFTER };

/* Whether line starts with a prompt sign, "$ " or "% ". */
static bool
has_prompt(const char *line)
{
	return (line[0] == '$' || line[0] == '%') && line[1] == ' ';
}

/*
 * Add a line of the command to cmd: raw as it stands in the reply, line the
 * same trimmed. Its indent up to the first line's (indent) goes; so does a
 * prompt sign when the first line had one (prompt), and then a line without
 * one is the output shown after a command, not a command. *more: the line
 * before was continued with a backslash, and this one is joined to it.
 */
static void
add_line(struct buf *cmd, char *raw, char *line, size_t indent, bool prompt, bool *more)
{
	size_t lead = (size_t)(line - raw);

	if (*more && *line != '\0') {
		*more = continued(line);
		buf_addf(cmd, " %s", line);
		return;
	}
	*more = false;
	if (prompt && !has_prompt(line))
		return;
	line = prompt ? str_trim(line + 2) : raw + (lead < indent ? lead : indent);
	*more = continued(line);
	buf_addf(cmd, "%s%s", cmd->len ? "\n" : "", line);
}

/*
 * Take blank and comment lines off the end of cmd: in a fence, "# what it
 * does" under the command is its explanation (into *explain when that has
 * none), not a line to run.
 */
static void
trailing_comments(struct buf *cmd, char **explain)
{
	bool had = *explain != NULL;
	char *last;

	for (;;) {
		while (cmd->len > 0 && cmd->data[cmd->len - 1] == '\n')
			cmd->data[--cmd->len] = '\0';
		last = strrchr(cmd->data != NULL ? cmd->data : "", '\n');
		if (last == NULL || *str_trim(last + 1) != '#')
			return;
		if (!had) {
			free(*explain);
			*explain = xstrdup(str_trim(str_trim(last + 1) + 1));
		}
		cmd->len = (size_t)(last - cmd->data);
		*last = '\0';
	}
}

#define EXPLAIN_MAX 160   /* bytes of a sentence taken as the explanation */

/*
 * A sentence after the command as its one-line explanation, malloc'd: cut
 * at EXPLAIN_MAX bytes on a character's boundary, with an ellipsis (three dots
 * outside a UTF-8 locale); NULL for
 * a line that introduces something else ("Or, with find:").
 */
static char *
explain_sentence(const char *line)
{
	size_t n = strlen(line);
	struct buf b;

	if (!is_prose(line) || line[n - 1] == ':')
		return NULL;
	if (n <= EXPLAIN_MAX)
		return xstrdup(line);
	n = utf8_cut(line, n, EXPLAIN_MAX);
	buf_init(&b, 0);
	buf_add(&b, line, n);
	buf_adds(&b, fmt_glyphs()->ellipsis);
	return buf_detach(&b);
}

/*
 * Read the command and its explanation from a reply; the command malloc'd, NULL
 * if none. A model that talks before its code ("Sure! Here is the command:")
 * has the command in the fence: with a fence, only a line inside one is taken,
 * and the command is the fence's lines from its first that is not a comment: a
 * script over several lines (a loop) is shown, checked and run whole, never its
 * first line alone. Without a fence, it is the lines up to a blank line, a
 * comment or a sentence (is_prose): "I can't help with that." or "That lists
 * them." is talk, never a command, and "Here it is:" before one is skipped. A command wrapped with a backslash at the end of its lines is made
 * one line again. The explanation is a comment with the command, else the
 * first sentence after it (outside any fence), one line. A reply cut off (cut) is read up to its last newline, and a
 * command it cut (a fence left open, lines running on to the cut) is none.
 */
char *
cmd_parse_reply(const char *text, bool cut, char **explain)
{
	struct buf cmd;
	const char *p = text, *end = text + strlen(text);
	bool fenced = has_fence(text), inside = false, more = false, prompt = false;
	char *after = NULL;
	enum reading at = READ_BEFORE;
	size_t indent = 0;

	*explain = NULL;
	buf_init(&cmd, 0);
	if (cut)
		end = strrchr(text, '\n') != NULL ? strrchr(text, '\n') + 1 : text;
	while (p < end) {
		size_t len = strcspn(p, "\n");
		char *copy = xstrndup(p, len), *line = str_trim(copy);
		bool fence = str_startswith(line, "```");

		p += len + (p[len] == '\n');
		inside ^= fence;
		if (at == READ_IN && (fence || (!fenced && (*line == '\0' || *line == '#' ||
		    (!more && is_prose(line))))))
			at = READ_AFTER;
		if (at == READ_IN) {
			add_line(&cmd, copy, line, indent, prompt, &more);
		} else if (at == READ_BEFORE && *line != '\0' && *line != '#' && !fence &&
		    (inside || !fenced)) {
			indent = (size_t)(line - copy);
			prompt = has_prompt(str_startswith(line, "> ") ? line + 2 + strspn(line + 2,
			    " \t") : line);
			line = bare_command(line);
			/* talk before a command, or instead of one */
			if (inside || !is_prose(line)) {
				add_line(&cmd, line, line, 0, false, &more);
				at = READ_IN;
			}
		} else if (*explain == NULL && line[0] == '#') {
			*explain = xstrdup(str_trim(line + 1));
		} else if (at == READ_AFTER && after == NULL && !inside && !fence) {
			after = explain_sentence(line);
		}
		free(copy);
	}
	trailing_comments(&cmd, explain);
	/* a comment with the command says it best; else the first sentence after it */
	if (*explain == NULL)
		*explain = after;
	else
		free(after);
	/* the line cut short may still show that the command had ended before it */
	p += strspn(p, " \t");
	if (cut && at == READ_IN && (str_startswith(p, "```") || (!fenced && *p == '#')))
		at = READ_AFTER;
	if (cmd.len == 0 || (cut && at == READ_IN)) {
		buf_done(&cmd);
		return NULL;
	}
	return buf_detach(&cmd);
}
