/* tools: the tools as declared to the model, their arguments, approvals and results. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fmt.h"
#include "tools.h"
#include "tools_priv.h"
#include "util.h"
#include "visible.h"

/* Short on purpose: every definition is sent, and paid for, with every step. */
static const struct tool_def defs[] = {
	{ .name = "read", .description = "Read a text file; numbered lines, 250 unless a range "
	  "is given. Lines over 500 bytes are cut; one line alone shows 12 KB of it.",
	  .schema = "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
	  "\"from\":{\"type\":\"integer\",\"description\":\"first line\"},"
	  "\"to\":{\"type\":\"integer\",\"description\":\"last line\"},"
	  "\"col\":{\"type\":\"integer\",\"description\":\"line from alone, from this byte\"}},"
	  "\"required\":[\"path\"]}" },
	{ .name = "list", .description = "List files under a directory or matching a glob "
	  "(src/*.c), skipping ignored ones.",
	  .schema = "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\","
	  "\"description\":\"default: the root\"}}}" },
	{ .name = "search", .description = "Search files for a POSIX extended regular "
	  "expression; matches as file:line: text.",
	  .schema = "{\"type\":\"object\",\"properties\":{\"pattern\":{\"type\":\"string\"},"
	  "\"path\":{\"type\":\"string\",\"description\":\"directory or glob\"}},"
	  "\"required\":[\"pattern\"]}" },
	{ .name = "edit", .description = "Replace old text with new in a file. old must match "
	  "exactly once: include enough context.", .approval = true,
	  .schema = "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
	  "\"old\":{\"type\":\"string\"},\"new\":{\"type\":\"string\"}},"
	  "\"required\":[\"path\",\"old\",\"new\"]}" },
	{ .name = "write", .description = "Create a file. To replace an existing file whole, "
	  "set overwrite.", .approval = true,
	  .schema = "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
	  "\"content\":{\"type\":\"string\"},\"overwrite\":{\"type\":\"boolean\"}},"
	  "\"required\":[\"path\",\"content\"]}" },
	{ .name = "run", .description = "Run a shell command in the workspace root, without a "
	  "terminal; output and exit status.", .approval = true,
	  .schema = "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}},"
	  "\"required\":[\"command\"]}" },
	{ .name = "advise", .description = "Ask a stronger model for advice when stuck or before "
	  "a risky change. Sparingly.",
	  .schema = "{\"type\":\"object\",\"properties\":{\"question\":{\"type\":\"string\"}},"
	  "\"required\":[\"question\"]}" },
};

/* The tools in the order they are declared. */
const struct tool_def *
tool_defs(size_t *n)
{
	*n = ARRAY_SIZE(defs);
	return defs;
}

/* Free what a result holds and clear it. */
void
tool_result_free(struct tool_result *r)
{
	free(r->text);
	free(r->summary);
	free(r->diff);
	memset(r, 0, sizeof(*r));
}

/* Refuse or fail: r says why to the model, summary to the user. */
void
tools_fail(struct tool_result *r, const char *summary, const char *fmt, ...)
{
	char *why;
	va_list ap;

	va_start(ap, fmt);
	xvasprintf(&why, fmt, ap);
	va_end(ap);
	free(r->text);
	r->text = visible_str(why, strlen(why));
	free(why);
	free(r->summary);
	r->summary = xstrfmt("%s%srefused", summary, fmt_glyphs()->dot);
	r->error = true;
}

/* Set r's text to the visible form of b's contents, capped. */
void
tools_text(struct tool_result *r, const struct buf *b)
{
	size_t n = utf8_cut(b->data ? b->data : "", b->len, TOOLS_TEXT_MAX);
	struct buf out;
	char *vis = visible_str(b->data ? b->data : "", n);

	buf_init(&out, 0);
	buf_adds(&out, vis);
	if (n < b->len)
		buf_addf(&out, "\n[cut: %zu more bytes]", b->len - n);
	free(vis);
	free(r->text);
	r->text = buf_detach(&out);
}

/* A one-line, visible, capped form of untrusted s for a summary. */
char *
tools_oneline(const char *s, size_t max)
{
	size_t n = strcspn(s, "\r\n"), cut = utf8_cut(s, n, max);
	char *vis = visible_str(s, cut), *out;

	if (cut == strlen(s))
		return vis;
	out = xstrfmt("%s%s", vis, fmt_glyphs()->ellipsis);
	free(vis);
	return out;
}

void
tools_say_init(struct tools_say *say, const char *verb, const char *arg, size_t max)
{
	say->why = NULL;
	say->vis = tools_oneline(arg, max);
	say->sum = xstrfmt("%s %s", verb, say->vis);
}

void
tools_say_path(struct tools_say *say, const char *verb, const char *path, size_t max)
{
	char *name = visible_name(path);

	tools_say_init(say, verb, name, max);
	free(name);
}

void
tools_say_done(struct tools_say *say)
{
	free(say->why);
	free(say->vis);
	free(say->sum);
}

static const char *const tool_names[WS_NTOOLS] = { "edit", "write", "run" };

/* Whether the NULL-terminated list v holds s. */
static bool
listed(char *const *v, const char *s)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/*
 * Whether the arguments args may name a place outside the workspace: a way
 * up (..), an absolute path alone, as an option's value (-C/x, --file=/x)
 * or as a file read whole (curl -d @/x), or a file: URL (curl file:///x).
 */
static bool
args_leave(const char *args)
{
	const char *w = args, *p;
	size_t n;

	if (strstr(args, "..") != NULL)
		return true;
	for (; *(w += strspn(w, " \t")) != '\0'; w += n) {
		n = strcspn(w, " \t");
		for (p = w; p < w + n; p++)
			if ((*p == '/' && (p == w || p[-1] == '=' || p[-1] == '@' ||
			    (p == w + 2 && w[0] == '-'))) ||
			    (w + n - p >= 5 && strncasecmp(p, "file:", 5) == 0))
				return true;
	}
	return false;
}

/*
 * The path an argument may name: the word, or an option's value (-f.env,
 * --file=.env), less an '@' that makes it a file read whole (curl -d @.env,
 * -F f=@.env; a compiler's @FILE of arguments).
 */
static const char *
arg_path(const char *word)
{
	const char *eq = strchr(word, '='), *v = word;

	if (eq != NULL)
		v = eq + 1;
	else if (word[0] == '-' && word[1] != '-' && word[1] != '\0')
		v = word + 2;
	return *v == '@' ? v + 1 : v;
}

/*
 * Whether v names a directory of the workspace that holds a secret file
 * anywhere under it, or llm's own directory or one beneath it.
 */
static bool
dir_secret(const struct ws *w, const char *v)
{
	struct ws_path p;
	char *why = NULL;
	bool secret;

	if (ws_resolve(w, v, &p, &why) != 0) {
		free(why);
		return false;
	}
	secret = p.exists && S_ISDIR(p.st.st_mode) && (ws_protected(w, p.abs) ||
	    ws_tree_secret(w, p.rel));
	ws_path_done(&p);
	return secret;
}

/*
 * Whether the path v names a secret file: by its name, or by what it leads
 * to, through a link (notes.txt -> .env) or a way round (./.env, a/../.env);
 * or a file in .git, which the read tool refuses too: .git/config may hold a
 * remote's credentials (https://user:TOKEN@host, an extraheader); or one in
 * llm's own directories, which it refuses as well.
 */
static bool
path_secret(const struct ws *w, const char *v)
{
	struct ws_path p;
	char *why = NULL;
	bool secret = *v != '\0' && (ws_secret(w, v) || ws_in_git_dir(v));

	if (!secret && *v != '\0' && ws_resolve(w, v, &p, &why) == 0) {
		secret = *p.rel != '\0' && (ws_secret(w, p.rel) || ws_in_git_dir(p.rel) ||
		    ws_protected(w, p.abs));
		ws_path_done(&p);
	}
	free(why);
	return secret;
}

/* Whether an argument of args leads out of the workspace through a link (notes -> ~/.aws). */
static bool
args_linked_out(const struct ws *w, const char *args)
{
	const char *p = args;
	char *word;
	size_t n;
	bool out = false;

	for (; !out && *(p += strspn(p, " \t")) != '\0'; p += n) {
		n = strcspn(p, " \t");
		word = xstrndup(p, n);
		out = ws_leaves(w, word) || ws_leaves(w, arg_path(word));
		free(word);
	}
	return out;
}

/*
 * Whether an argument of args names a secret file: a word, or an option's
 * value, or the path of git's REV:PATH (HEAD:.env), that the read tool would
 * refuse as one; or, with dirs, a directory with one under it, which a
 * program that reads directories whole (grep -r, tar, zip -r, cp -r) would
 * open.
 */
static bool
args_secret(const struct ws *w, const char *args, bool dirs)
{
	const char *p = args, *v, *colon;
	char *word;
	size_t n;
	bool secret = false;

	for (; !secret && *(p += strspn(p, " \t")) != '\0'; p += n) {
		n = strcspn(p, " \t");
		word = xstrndup(p, n);
		v = arg_path(word);
		colon = strrchr(v, ':');
		if (!dirs)
			secret = path_secret(w, v) || (colon != NULL && path_secret(w, colon + 1));
		else
			secret = dir_secret(w, word) || (v != word && *v != '\0' && dir_secret(w, v));
		free(word);
	}
	return secret;
}

/* Programs that search the current directory whole when given no path. */
static const char *const run_searchers[] = { "rg", "ag", "ack", "ack-grep", "pt" };
/* Programs that do so with a recursive option (grep -r PATTERN). */
static const char *const run_greps[] = { "grep", "egrep", "fgrep", "zgrep", "ugrep" };

/* Whether word is a recursive option of grep: -r, -R, a cluster with one (-rn), or a long one. */
static bool
opt_recursive(const char *word)
{
	if (word[0] != '-' || word[1] == '\0')
		return false;
	if (word[1] == '-')
		return strcmp(word, "--recursive") == 0 ||
		    strcmp(word, "--dereference-recursive") == 0 ||
		    strcmp(word, "--directories=recurse") == 0;
	return strpbrk(word + 1, "rR") != NULL;
}

/* Whether name (len bytes) is one of the n names v. */
static bool
name_in(const char *name, size_t len, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(v[i]) == len && strncmp(v[i], name, len) == 0)
			return true;
	return false;
}

/*
 * git's commands that print what files hold, in a commit, the index or the
 * work tree, whichever they are told (git show HEAD prints the .env that
 * commit added): they read the repository whole.
 */
static const char *const git_readers[] = {
	"show", "diff", "grep", "cat-file", "archive", "format-patch", "whatchanged", "stash",
	"blame", "annotate", "range-diff", "diff-tree", "diff-index", "diff-files", "bundle",
	"fast-export", "difftool",
};
/* Those that do with a patch option (git log -p). */
static const char *const git_loggers[] = { "log", "reflog", "shortlog" };
/* Those that print git's config, where a remote's URL keeps its credentials. */
static const char *const git_configs[] = { "config", "remote", "ls-remote" };
/*
 * git's own commands that print no file's content (but for the options
 * git_shows_changes looks for). Any other word is an alias (git lg for log
 * -p) or a program of the user's (git-foo on the PATH), which may print
 * anything, so it counts as one of git_readers.
 */
static const char *const git_quiet[] = {
	"add", "am", "apply", "bisect", "branch", "check-attr", "check-ignore", "check-mailmap",
	"check-ref-format", "checkout", "cherry", "cherry-pick", "clean", "clone", "commit",
	"commit-graph", "count-objects", "describe", "fetch", "for-each-ref", "fsck", "gc",
	"hash-object", "help", "init", "log", "ls-files", "ls-tree", "maintenance", "merge",
	"merge-base", "mv", "name-rev", "prune", "pull", "push", "rebase", "reflog", "repack",
	"reset", "restore", "rev-list", "rev-parse", "revert", "rm", "shortlog", "show-branch",
	"show-ref", "sparse-checkout", "stage", "status", "submodule", "switch", "symbolic-ref",
	"tag", "update-index", "update-ref", "verify-commit", "verify-tag", "version", "worktree",
	"write-tree", "config", "remote", "ls-remote",
};

/*
 * git's subcommand in command (*sub, its length returned), past git's own
 * options (-C DIR, -c NAME=VALUE, --no-pager); 0 when command is not git.
 * With dir, where the -C options take git under the workspace ("a/b" for -C
 * a -C b; "." ones left out) is added to it, and *elsewhere says whether
 * an option names another repository (--git-dir, --work-tree).
 */
static size_t
git_subcommand(const char *command, const char **sub, struct buf *dir, bool *elsewhere)
{
	const char *p = command + strspn(command, " \t"), *base;
	size_t n = strcspn(p, " \t");
	bool value = false, cd = false;

	for (base = p + n; base > p && base[-1] != '/'; base--)
		;
	if (p + n - base != 3 || strncmp(base, "git", 3) != 0)
		return 0;
	for (p += n; *(p += strspn(p, " \t")) != '\0'; p += n) {
		n = strcspn(p, " \t");
		if (cd && dir != NULL && !(n == 1 && *p == '.'))
			buf_addf(dir, "%s%.*s", dir->len > 0 ? "/" : "", (int)n, p);
		if (value)
			value = cd = false;
		else if (*p != '-')
			return *sub = p, n;
		else {
			value = n == 2 && (p[1] == 'c' || p[1] == 'C');
			cd = n == 2 && p[1] == 'C';
			if (elsewhere != NULL)
				*elsewhere = *elsewhere || strncmp(p, "--git-dir", 9) == 0 ||
				    strncmp(p, "--work-tree", 11) == 0;
		}
	}
	return 0;
}

/* Whether the word p (n bytes) asks git log for patches: -p, -u, -U3, --patch, --cc... */
static bool
opt_patch(const char *p, size_t n)
{
	static const char *const whole[] = { "-p", "-u", "-c", "--cc", "--dd", "--binary",
		"--remerge-diff", "--ext-diff" };
	static const char *const starts[] = { "-U", "-L", "--patch", "--unified", "--word-diff",
		"--color-words" };
	size_t i;

	if (name_in(p, n, whole, ARRAY_SIZE(whole)))
		return true;
	for (i = 0; i < ARRAY_SIZE(starts); i++)
		if (n >= strlen(starts[i]) && strncmp(p, starts[i], strlen(starts[i])) == 0)
			return true;
	return false;
}

/*
 * Whether the word p (n bytes), an option of git's command sub (m bytes),
 * has it print changes: git status -v and git commit -v a diff of what is
 * staged, git add -p and its kin (git add -i too) the hunks they ask about.
 * Short options may be run together (-sv); one that takes a value may then
 * be taken for one of these (-mprint), which is only asked about.
 */
static bool
git_shows_changes(const char *sub, size_t m, const char *p, size_t n)
{
	static const char *const verbose[] = { "status", "commit" };
	static const char *const patchers[] = { "add", "checkout", "commit", "reset", "restore" };
	static const char *const verbose_long[] = { "--verbose" }, *const patch_long[] = { "--patch" },
	    *const add_long[] = { "--interactive" };
	bool v = name_in(sub, m, verbose, ARRAY_SIZE(verbose));
	bool patch = name_in(sub, m, patchers, ARRAY_SIZE(patchers));
	bool add = m == 3 && strncmp(sub, "add", 3) == 0;

	if (n < 2 || p[0] != '-')
		return false;
	if (p[1] == '-')
		return (v && name_in(p, n, verbose_long, 1)) || (patch && name_in(p, n, patch_long, 1)) ||
		    (add && name_in(p, n, add_long, 1));
	return (v && memchr(p + 1, 'v', n - 1) != NULL) ||
	    (patch && memchr(p + 1, 'p', n - 1) != NULL) ||
	    (add && memchr(p + 1, 'i', n - 1) != NULL);
}

/*
 * Whether command is git printing what files hold: one of git_readers or a
 * word git_quiet does not know (an alias), one of git_loggers with a patch
 * option, or one of git_quiet with an option git_shows_changes sees.
 */
static bool
git_reads_files(const char *command)
{
	const char *sub = NULL, *p;
	size_t n = git_subcommand(command, &sub, NULL, NULL), k;
	bool logger;

	if (n == 0)
		return false;
	if (name_in(sub, n, git_readers, ARRAY_SIZE(git_readers)) ||
	    !name_in(sub, n, git_quiet, ARRAY_SIZE(git_quiet)))
		return true;
	logger = name_in(sub, n, git_loggers, ARRAY_SIZE(git_loggers));
	for (p = sub + n; *(p += strspn(p, " \t")) != '\0'; p += k) {
		k = strcspn(p, " \t");
		if ((logger && opt_patch(p, k)) || git_shows_changes(sub, n, p, k))
			return true;
	}
	return false;
}

/* Whether command is git printing its config (git remote -v, git config -l). */
static bool
git_reads_config(const char *command)
{
	const char *sub = NULL;
	size_t n = git_subcommand(command, &sub, NULL, NULL);

	return n > 0 && name_in(sub, n, git_configs, ARRAY_SIZE(git_configs));
}

/*
 * Whether command reads the whole workspace, the directory it runs in,
 * without naming it: rg, ag and ack do, git printing what files hold
 * (git_reads_files), and grep with a recursive option. Its path arguments
 * cannot be told from its pattern, so the root counts whatever it names.
 */
static bool
run_reads_root(const char *command)
{
	const char *p = command + strspn(command, " \t"), *base;
	size_t n = strcspn(p, " \t"), k;
	bool grep;

	for (base = p + n; base > p && base[-1] != '/'; base--)
		;
	k = (size_t)(p + n - base);
	if (name_in(base, k, run_searchers, ARRAY_SIZE(run_searchers)) || git_reads_files(command))
		return true;
	grep = name_in(base, k, run_greps, ARRAY_SIZE(run_greps));
	for (p += n; grep && *(p += strspn(p, " \t")) != '\0'; p += n) {
		n = strcspn(p, " \t");
		if (n < 64) {
			char word[64];

			memcpy(word, p, n);
			word[n] = '\0';
			if (opt_recursive(word))
				return true;
		}
	}
	return false;
}

/* What a shell may take as a second command, a redirection or an expansion. */
static const char run_meta[] = ";&|<>`$()\\\n\r'\"{}!#*?[]~";

/*
 * The allowed prefix command starts with at a word boundary, or NULL; a
 * shell's character ends a word too ("make test;"), to say why it is asked.
 */
static const char *
run_prefix(char *const *prefixes, const char *command)
{
	size_t n;

	for (; prefixes != NULL && *prefixes != NULL; prefixes++) {
		n = strlen(*prefixes);
		if (n > 0 && strncmp(command, *prefixes, n) == 0 && (command[n] == '\0' ||
		    command[n] == ' ' || command[n] == '\t' || strchr(run_meta, command[n]) != NULL))
			return *prefixes;
	}
	return NULL;
}

/*
 * Whether command starts with an allowed prefix at a word boundary and holds
 * nothing a shell would take as a second command, a redirection or an
 * expansion, nor an argument out of the workspace or naming a secret file,
 * nor a way to read one through a directory (run_reads_root, dir_secret),
 * nor git printing its config where it holds credentials (git_reads_config),
 * nor git printing what files hold where its history or index names a
 * secret file the work tree no longer has (run_history_secret):
 * "make test" allows "make test -j4", never "make test; rm -rf ~", "make
 * test -C /" nor "make test -f .env"; "grep" never "grep -r KEY" where a
 * .env is. When a prefix matches but the rest is not allowed, *why says so
 * for the question (malloc'd).
 */
static bool
run_allowed(struct ws *w, const char *command, char **why)
{
	const char *prefix = run_prefix(w->allow_run, command);
	const char *bad = strpbrk(command, run_meta);
	bool leave, secret, tree = false, creds = false;
	int history = 0;
	char *vis, *found = NULL, c[4] = { '\'', bad != NULL ? *bad : '\0', '\'', '\0' };

	if (prefix == NULL)
		return false;
	leave = args_leave(command + strlen(prefix)) ||
	    args_linked_out(w, command + strlen(prefix));
	secret = !leave && args_secret(w, command + strlen(prefix), false);
	if (bad == NULL && !leave && !secret)
		tree = args_secret(w, command + strlen(prefix), true) ||
		    (run_reads_root(command) && ws_tree_secret(w, ""));
	if (bad == NULL && !leave && !secret && !tree)
		creds = git_reads_config(command) && ws_git_credential(w);
	if (bad == NULL && !leave && !secret && !tree && !creds && git_reads_files(command)) {
		const char *sub;
		struct buf dir;
		bool elsewhere = false;

		buf_init(&dir, 0);
		git_subcommand(command, &sub, &dir, &elsewhere);
		/* a repository named by path is not looked through: asked, as git could not tell */
		history = elsewhere ? -1 : run_history_secret(w, dir.len > 0 ? buf_str(&dir) : NULL,
		    &found);
		buf_done(&dir);
	}
	if (bad == NULL && !leave && !secret && !tree && !creds && history == 0)
		return true;
	vis = tools_oneline(prefix, 60);
	if (bad != NULL)
		xasprintf(why, "[agent] allow_run has '%s', but this command holds %s, which a "
		    "shell may take as another command, a redirection or an expansion", vis,
		    *bad == '\n' ? "a newline" : *bad == '\r' ? "a carriage return" : c);
	else if (leave)
		xasprintf(why, "[agent] allow_run has '%s', but an argument of this command may "
		    "reach outside the workspace ('..', an absolute path or a link)", vis);
	else if (secret)
		xasprintf(why, "[agent] allow_run has '%s', but an argument of this command names "
		    "a file that may hold secrets", vis);
	else if (creds)
		xasprintf(why, "[agent] allow_run has '%s', but this command may print git's "
		    "config, which holds a remote's credentials", vis);
	else if (history > 0) {
		char *name = tools_oneline(found, 60);

		xasprintf(why, "[agent] allow_run has '%s', but git's history or index holds %s, "
		    "which may hold secrets and which this git command may print from a commit", vis,
		    name);
		free(name);
	} else if (history < 0)
		xasprintf(why, "[agent] allow_run has '%s', but git could not list the files its "
		    "history holds within %d s, and this git command may print one that holds "
		    "secrets from a commit", vis, RUN_HISTORY_MS / 1000);
	else if (git_reads_files(command))
		xasprintf(why, "[agent] allow_run has '%s', but this git command may print what "
		    "a file that may hold secrets holds, from a commit or the work tree", vis);
	else
		xasprintf(why, "[agent] allow_run has '%s', but this command may read a whole "
		    "directory that holds a file that may hold secrets", vis);
	free(found);
	free(vis);
	return false;
}

/* Whether tool t may go ahead: allowed, answered always, or asked now. */
bool
tools_approve(struct ws *w, enum ws_tool t, const char *preview, const char *command,
    const char *must, tool_ask_fn ask, void *arg, char **edited, char **why)
{
	enum tool_answer a;
	char *edit = NULL, *rule = NULL;

	if (must == NULL && (w->always[t] || listed(w->allow, tool_names[t]) ||
	    (command != NULL && run_allowed(w, command, &rule))))
		return true;
	if (must != NULL)
		rule = xstrdup(must);
	if (ask == NULL && must != NULL) {
		xasprintf(why, "%s, whatever allows %s, and there is no terminal to ask: refused "
		    "(tell the user what the file should hold, for them to write it, or to run "
		    "the task on a terminal and approve it)", must, tool_names[t]);
		free(rule);
		return false;
	}
	if (ask == NULL) {
		xasprintf(why, "%s needs the user's approval and there is no terminal to ask: "
		    "refused (%s%sthe user can allow it with --allow %s%s)", tool_names[t],
		    rule != NULL ? rule : "", rule != NULL ? "; " : "", tool_names[t],
		    t == WS_RUN && rule == NULL ? " or a command prefix in [agent] allow_run" : "");
		free(rule);
		return false;
	}
	a = ask(arg, tool_names[t], preview, rule, edited != NULL ? &edit : NULL);
	free(rule);
	if (a == TOOL_EDITED && (edited == NULL || edit == NULL || *str_trim(edit) == '\0'))
		a = TOOL_NO;   /* an edit to nothing runs nothing */
	if (a == TOOL_EDITED)
		*edited = edit;
	else
		free(edit);
	if (a == TOOL_ALWAYS)
		w->always[t] = true;
	if (a == TOOL_NO)
		xasprintf(why, "the user declined this %s", tool_names[t]);
	return a != TOOL_NO;
}

/* The string member name of args, or NULL. */
static const char *
arg_str(const cJSON *args, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The integer member name of args (a number or a numeric string), or def. */
static long
arg_long(const cJSON *args, const char *name, long def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
	int64_t n;

	if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e9)
		return (long)v->valuedouble;
	if (cJSON_IsString(v) && str_to_i64(v->valuestring, &n) && n >= 0 && n < 1000000000)
		return (long)n;
	return def;
}

/* Whether the boolean member name of args is true ("true" as a string too). */
static bool
arg_bool(const cJSON *args, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);

	return cJSON_IsTrue(v) || (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0);
}

/* Run the tool name with parsed arguments; path is the path's bytes, or NULL. */
static int
dispatch_path(struct ws *w, const char *name, const char *path, const cJSON *a,
    tool_ask_fn ask, void *arg, struct tool_result *r, char **cause)
{
	if (strcmp(name, "read") == 0 && path != NULL)
		return tools_read(w, path, arg_long(a, "from", 0), arg_long(a, "to", 0),
		    arg_long(a, "col", -1), r);
	if (strcmp(name, "list") == 0)
		return tools_list(w, path != NULL ? path : "", r);
	if (strcmp(name, "search") == 0 && arg_str(a, "pattern") != NULL)
		return tools_search(w, arg_str(a, "pattern"), path != NULL ? path : "", r);
	if (strcmp(name, "edit") == 0 && path != NULL && arg_str(a, "old") != NULL &&
	    arg_str(a, "new") != NULL)
		return tools_edit(w, path, arg_str(a, "old"), arg_str(a, "new"), ask, arg, r);
	if (strcmp(name, "write") == 0 && path != NULL && arg_str(a, "content") != NULL)
		return tools_write(w, path, arg_str(a, "content"), arg_bool(a, "overwrite"), ask,
		    arg, r);
	if (strcmp(name, "run") == 0 && arg_str(a, "command") != NULL)
		return tools_run(w, arg_str(a, "command"), ask, arg, r, cause);
	tools_fail(r, name, "%s: missing or mistyped arguments (see the tool's schema)", name);
	return 0;
}

/*
 * Run the tool name with parsed arguments. A path comes as the tools show
 * it (visible_name: a name that is not UTF-8 has \xNN escapes, which a JSON
 * string can carry) and goes on as its bytes, which every check is made on.
 */
static int
dispatch(struct ws *w, const char *name, const cJSON *a, tool_ask_fn ask, void *arg,
    struct tool_result *r, char **cause)
{
	char *path = arg_str(a, "path") != NULL ? visible_name_parse(arg_str(a, "path")) : NULL;
	int rc;

	if (arg_str(a, "path") != NULL && path == NULL) {
		tools_fail(r, name, "%s: the path holds a NUL byte (\\x00), which no file name may "
		    "hold", name);
		return 0;
	}
	rc = dispatch_path(w, name, path, a, ask, arg, r, cause);
	free(path);
	return rc;
}

/* Whether the JSON text args holds an escaped NUL (\u0000), which would cut its string short. */
static bool
args_have_nul(const char *args)
{
	const char *p;

	for (p = args; (p = strchr(p, '\\')) != NULL; p += 2) {
		if (p[1] == 'u' && strncmp(p + 2, "0000", 4) == 0)
			return true;
		if (p[1] == '\0')
			break;
	}
	return false;
}

/* Run tool name with its JSON arguments args in w. */
int
tool_exec(struct ws *w, const char *name, const char *args, tool_ask_fn ask, void *arg,
    struct tool_result *r, char **cause)
{
	size_t i, n;
	cJSON *a;
	int rc;

	memset(r, 0, sizeof(*r));
	for (i = 0, n = ARRAY_SIZE(defs); i < n; i++)
		if (strcmp(defs[i].name, name) == 0)
			break;
	if (i == n) {
		char *vis = tools_oneline(name, 40);

		tools_fail(r, vis, "unknown tool '%s' (the tools are read, list, search, edit, "
		    "write, run and advise)", vis);
		free(vis);
		return 0;
	}
	if (strcmp(name, "advise") == 0) {
		tools_fail(r, name, "advise is answered by the agent, not in the workspace");
		return 0;
	}
	if (args != NULL && args_have_nul(args)) {
		tools_fail(r, name, "%s: the arguments hold a NUL character (\\u0000), which no "
		    "path, text or command here may hold", name);
		return 0;
	}
	a = cJSON_Parse(args != NULL && *args != '\0' ? args : "{}");
	if (!cJSON_IsObject(a)) {
		cJSON_Delete(a);
		tools_fail(r, name, "%s: the arguments are not a JSON object", name);
		return 0;
	}
	rc = dispatch(w, name, a, ask, arg, r, cause);
	cJSON_Delete(a);
	return rc;
}
