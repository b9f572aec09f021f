/* cli_git_hook: llm git install-hook and uninstall-hook, beside husky and pre-commit. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "cli_git_priv.h"
#include "git_hook.h"
#include "githooks.h"
#include "proc.h"
#include "util.h"

#define HOOK_NAME "prepare-commit-msg"
/* Where install-hook --force keeps the hook it replaced. */
#define BACKUP_SUFFIX ".llm-backup"

/* An absolute form of path: as is, or under base (the working directory if NULL). */
static char *
absolute(const char *path, const char *base)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return xstrdup(path);
	if (base == NULL) {
		if (getcwd(cwd, sizeof cwd) == NULL)
			return xstrdup(path);
		base = cwd;
	}
	return xstrfmt("%s/%s", base, path);
}

/* The hooks directory: core.hooksPath (relative to the work tree's top), else git's own. */
static char *
hooks_dir(char **cause)
{
	static const char *const inside[] = { "git", "rev-parse", "--git-dir", NULL };
	static const char *const hooks_path[] = { "git", "config", "--path", "core.hooksPath", NULL };
	static const char *const top[] = { "git", "rev-parse", "--show-toplevel", NULL };
	static const char *const git_path[] = { "git", "rev-parse", "--git-path", "hooks", NULL };
	char *s, *t, *dir;

	s = git_query(inside);
	if (s == NULL) {
		*cause = xstrdup("not inside a git repository (or git is not installed)");
		return NULL;
	}
	free(s);
	s = git_query(hooks_path);
	if (s != NULL) {
		t = s[0] == '/' ? NULL : git_query(top);
		dir = absolute(s, t);
		free(t);
		free(s);
		return dir;
	}
	s = git_query(git_path);
	if (s == NULL) {
		*cause = xstrdup("cannot find the hooks directory");
		return NULL;
	}
	dir = absolute(s, NULL);
	free(s);
	return dir;
}

/*
 * Whether the repository is bare, with *cause saying why no hook goes there:
 * nothing is committed in a bare repository, so prepare-commit-msg never runs.
 */
static bool
is_bare(char **cause)
{
	static const char *const bare[] = { "git", "rev-parse", "--is-bare-repository", NULL };
	char *s = git_query(bare);
	bool yes = s != NULL && strcmp(s, "true") == 0;

	free(s);
	if (yes)
		*cause = xstrdup("this is a bare repository: nothing is committed in it, so the hook "
		    "would never run; install it in a clone that has a work tree");
	return yes;
}

/*
 * Where PATH finds llm, if that is this very program (malloc'd), else NULL:
 * the path as PATH gives it, which outlives an upgrade better than the file
 * a symbolic link there points at.
 */
static char *
on_path(const char *self)
{
	const char *path = getenv("PATH"), *p, *e;
	char real[PATH_MAX];

	if (path == NULL)
		return NULL;
	for (p = path; *p; p = *e ? e + 1 : e) {
		char *cand;
		bool same = false;

		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		cand = xstrfmt("%.*s/llm", (int)(e - p), e == p ? "." : p);
		if (access(cand, X_OK) != 0) {
			free(cand);
			continue;
		}
		if (realpath(cand, real) != NULL)
			same = strcmp(real, self) == 0;
		if (same && cand[0] == '/')
			return cand;
		free(cand);
		return same ? xstrdup(self) : NULL;
	}
	return NULL;
}

/*
 * How the hook should call llm (malloc'd): by the absolute path of this
 * program, as PATH spells it when PATH finds it there (a link that outlives
 * an upgrade, as Homebrew's), else as /proc/self/exe resolves; "llm" when
 * that cannot be known.
 */
static char *
llm_command(void)
{
	char self[PATH_MAX], *path;

	if (realpath("/proc/self/exe", self) == NULL)
		return xstrdup("llm");
	path = on_path(self);
	return path != NULL ? path : xstrdup(self);
}

static int
hook_state(const char *path)
{
	char *text = NULL, *cause = NULL;
	size_t len;
	struct stat st;
	int state;

	if (lstat(path, &st) == -1)
		return 0;
	if (file_read(path, 1024 * 1024, &text, &len, &cause) == -1) {
		free(cause);
		return 2;
	}
	state = git_hook_is_ours(text) ? 1 : 2;
	free(text);
	return state;
}

/*
 * Whether a hook at path that is not llm's holds llm's marker line: llm's
 * hook changed by hand, which the user should hear rather than "not llm's".
 */
static bool
changed_by_hand(const char *path)
{
	char *text = NULL, *cause = NULL;
	size_t len;
	bool marked = false;

	if (file_read(path, 1024 * 1024, &text, &len, &cause) == 0)
		marked = strstr(text, GIT_HOOK_MARKER) != NULL;
	free(cause);
	free(text);
	return marked;
}

/*
 * Move a hook that is not llm's aside to path.llm-backup, for uninstall-hook
 * to put back. An earlier backup is never overwritten. 0, or -1 with *cause.
 */
static int
backup_hook(const char *path, char **cause)
{
	char *bak = xstrfmt("%s" BACKUP_SUFFIX, path);
	struct stat st;
	int rc = -1;

	if (lstat(bak, &st) == 0)
		xasprintf(cause, "%s exists and is not llm's hook, and %s is taken by an earlier "
		    "one; move one of them away first", path, bak);
	else if (rename(path, bak) == -1)
		xasprintf(cause, "cannot move %s aside: %s", path, strerror(errno));
	else
		rc = 0;
	free(bak);
	return rc;
}

/* Put the hook install-hook --force moved aside back in place, if there is one. */
static int
restore_hook(const char *path, char **cause)
{
	char *bak = xstrfmt("%s" BACKUP_SUFFIX, path);
	struct stat st;
	int rc = 0;

	if (lstat(bak, &st) == 0) {
		if (rename(bak, path) == -1) {
			xasprintf(cause, "cannot put %s back: %s", bak, strerror(errno));
			rc = -1;
		} else {
			printf("restored %s from %s\n", path, bak);
		}
	}
	free(bak);
	return rc;
}

/* The tools that manage hooks, which install-hook works with rather than against. */
enum hook_manager {
	MANAGER_NONE,
	MANAGER_HUSKY,       /* husky 9: core.hooksPath is .husky/_, rebuilt on npm install */
	MANAGER_HUSKY8,      /* husky 5 to 8: core.hooksPath is .husky, with husky.sh in .husky/_ */
	MANAGER_PRE_COMMIT,  /* the pre-commit framework's hook is in place */
};

/* Whether the file at path holds needle. */
static bool
file_has(const char *path, const char *needle)
{
	char *text = NULL, *cause = NULL;
	size_t len;
	bool has = false;

	if (file_read(path, 1024 * 1024, &text, &len, &cause) == 0)
		has = strstr(text, needle) != NULL;
	free(cause);
	free(text);
	return has;
}

/*
 * Which manager owns the hook at path in dir. Husky 9 writes, into the
 * directory core.hooksPath names (.husky/_), a runner "h" and for each hook a
 * stub that sources it; the runner runs the user's script one level up.
 * Husky 5 to 8 point core.hooksPath at .husky itself, whose scripts, the
 * team's, source .husky/_/husky.sh.
 */
static enum hook_manager
hook_manager(const char *dir, const char *path)
{
	char *husky_sh = xstrfmt("%s/_/husky.sh", dir);
	enum hook_manager m = MANAGER_NONE;

	if (githooks_husky9(dir))
		m = MANAGER_HUSKY;
	else if (file_has(husky_sh, "husky"))
		m = MANAGER_HUSKY8;
	else if (file_has(path, PRE_COMMIT_MARK))
		m = MANAGER_PRE_COMMIT;
	free(husky_sh);
	return m;
}

/* The script husky runs for the hook: .husky/prepare-commit-msg for .husky/_ (malloc'd). */
static char *
husky_script(const char *dir)
{
	return xstrfmt("%.*s/" HOOK_NAME, (int)(strlen(dir) - 2), dir);
}

/*
 * Put back what install-hook --force replaced in husky's directory: llm's
 * hook goes, husky's stub (kept aside) returns. 0, or -1 with *cause.
 */
static int
husky_unforce(const char *path, char **cause)
{
	if (hook_state(path) != 1)
		return 0;
	if (unlink(path) == -1) {
		xasprintf(cause, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	printf("removed %s\n", path);
	return restore_hook(path, cause);
}

/*
 * Add GIT_HOOK_LINE to husky's script for the hook (a file in the
 * repository, which husky never rewrites); the file's own lines are kept.
 * Under husky 9 dir is .husky/_ and the script one level up; under husky 5
 * to 8 (husky8) the script is the hook itself, made as husky makes one, and
 * a hook llm wrote there in full (an absolute path, in the team's file)
 * gives way to the line first.
 */
static int
husky_install(const char *dir, const char *path, bool husky8, char **cause)
{
	char *script = husky8 ? xstrdup(path) : husky_script(dir), *text = NULL, *add;
	size_t len;
	struct stat st;
	bool made;
	int rc = -1;

	if (husky8 && husky_unforce(path, cause) == -1)
		goto out;
	made = lstat(script, &st) == -1;
	if (made)
		text = xstrdup(husky8 ? "#!/usr/bin/env sh\n" GIT_HUSKY_SOURCE : "");
	else if (file_read(script, 1024 * 1024, &text, &len, cause) == -1)
		goto out;
	add = git_hook_line_add(text);
	if (add == NULL) {
		printf("%s already runs llm (husky runs it)\n", script);
	} else if (git_write_file(script, add, strlen(add), made ? 0755 : st.st_mode & 07777, cause) == -1) {
		free(add);
		goto out;
	} else if (husky8) {
		printf("%s %s: git runs it through husky; commit it to draft for the team too\n",
		    made ? "created" : "added llm's line to", script);
	} else {
		printf("%s %s: husky runs it, and rebuilds %s on npm install; commit it to draft "
		    "for the team too\n", made ? "created" : "added llm's line to", script, dir);
	}
	free(add);
	rc = husky8 ? 0 : husky_unforce(path, cause);
out:
	free(text);
	free(script);
	return rc;
}

/*
 * Take GIT_HOOK_LINE out of husky's script for the hook; a script left empty
 * goes. Under husky 5 to 8, a hook llm wrote in full goes as anywhere.
 */
static int
husky_uninstall(const char *dir, const char *path, bool husky8, char **cause)
{
	char *script = husky8 ? xstrdup(path) : husky_script(dir), *text = NULL, *rest = NULL;
	size_t len;
	struct stat st;
	int rc = -1;

	if (husky8 && hook_state(path) == 1) {
		rc = husky_unforce(path, cause);
		goto out;
	}
	if (lstat(script, &st) == -1)
		text = xstrdup("");
	else if (file_read(script, 1024 * 1024, &text, &len, cause) == -1)
		goto out;
	rest = git_hook_line_remove(text);
	if (rest == NULL)
		printf("%s does not run llm\n", script);
	else if (*rest == '\0' && unlink(script) == -1)
		xasprintf(cause, "cannot remove %s: %s", script, strerror(errno));
	else if (*rest != '\0' && git_write_file(script, rest, strlen(rest), st.st_mode & 07777,
	    cause) == -1)
		goto out;
	else
		printf("%s %s\n", *rest == '\0' ? "removed" : "took llm's line out of", script);
	if (*cause == NULL)
		rc = husky8 ? 0 : husky_unforce(path, cause);
out:
	free(rest);
	free(text);
	free(script);
	return rc;
}

/*
 * pre-commit owns the hook: say how to add llm to its configuration. Its
 * "legacy mode" keeps a hook it replaced as HOOK.legacy and runs that too.
 */
static void
pre_commit_advice(const char *path)
{
	char *legacy = xstrfmt("%s.legacy", path);

	printf("%s is pre-commit's; llm leaves it as it is. To draft commit messages, add this "
	    "to .pre-commit-config.yaml\n(under repos:) and run 'pre-commit install "
	    "--hook-type prepare-commit-msg':\n\n"
	    "  - repo: local\n"
	    "    hooks:\n"
	    "      - id: llm-commit-msg\n"
	    "        name: draft the commit message with llm\n"
	    "        entry: llm git commit-msg\n"
	    "        language: system\n"
	    "        stages: [prepare-commit-msg]\n"
	    "        verbose: true\n", path);
	if (hook_state(legacy) == 1)
		printf("\nUntil then pre-commit runs llm's hook, kept as %s; once llm is in the "
		    "configuration, llm git uninstall-hook removes that file.\n", legacy);
	free(legacy);
}

/* Remove llm's hook that pre-commit keeps as HOOK.legacy. */
static int
pre_commit_uninstall(const char *path, char **cause)
{
	char *legacy = xstrfmt("%s.legacy", path);
	int rc = -1;

	if (hook_state(legacy) != 1)
		xasprintf(cause, "%s is pre-commit's; left as it is (take llm out of "
		    ".pre-commit-config.yaml, if it is there)", path);
	else if (unlink(legacy) == -1)
		xasprintf(cause, "cannot remove %s: %s", legacy, strerror(errno));
	else {
		printf("removed %s\n", legacy);
		rc = 0;
	}
	free(legacy);
	return rc;
}

int
cli_git_install(int argc, char **argv)
{
	static const char *const flags[] = { "--force", NULL };
	char *dir, *path = NULL, *cmd = NULL, *script = NULL, *cause = NULL;
	bool force = false;
	enum hook_manager m;
	int state, rc = EXIT_USAGE, i;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-f") == 0) {
			force = true;
		} else {
			if (!cli_flag_value("git install-hook", argv[i], flags))
				fprintf(stderr, "llm: git install-hook: %s '%s'%s\n", argv[i][0] == '-' ?
				    "unknown option" : "unexpected", argv[i], cli_option_hint("git", argv[i]));
			cli_usage_hint("git", GIT_USAGE);
			return EXIT_USAGE;
		}
	}
	dir = hooks_dir(&cause);
	if (dir == NULL || is_bare(&cause))
		goto out;
	path = xstrfmt("%s/" HOOK_NAME, dir);
	m = hook_manager(dir, path);
	switch (m) {
	case MANAGER_HUSKY:
	case MANAGER_HUSKY8:
		rc = husky_install(dir, path, m == MANAGER_HUSKY8, &cause) == 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	case MANAGER_PRE_COMMIT:
		/* --force too: pre-commit would only put its hook back */
		pre_commit_advice(path);
		rc = EXIT_OK;
		goto out;
	case MANAGER_NONE:
		break;
	}
	state = hook_state(path);
	if (state == 2 && !force) {
		xasprintf(&cause, "%s %s; left as it is (use --force to replace it)", path,
		    changed_by_hand(path) ? "was changed since llm wrote it" :
		    "exists and is not llm's hook");
		goto out;
	}
	if (mkdir_p(dir) == -1) {
		xasprintf(&cause, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	if (state == 2 && backup_hook(path, &cause) == -1)
		goto out;
	cmd = llm_command();
	script = git_hook_script(cmd);
	if (git_write_file(path, script, strlen(script), 0755, &cause) == -1) {
		char *why = NULL;

		if (state == 2 && restore_hook(path, &why) == -1) /* the user's hook goes back */
			fprintf(stderr, "llm: git install-hook: %s\n", why);
		free(why);
		goto out;
	}
	if (state == 2)
		printf("replaced %s (the old hook is kept as %s" BACKUP_SUFFIX "; llm git "
		    "uninstall-hook puts it back)\n", path, path);
	else
		printf("%s %s\n", state == 0 ? "installed" : "updated", path);
	rc = EXIT_OK;
out:
	cli_complain("git install-hook", cause);
	free(script);
	free(cmd);
	free(path);
	free(dir);
	return rc;
}

int
cli_git_uninstall(int argc, char **argv)
{
	char *dir, *path = NULL, *bak, *cause = NULL;
	struct stat st;
	enum hook_manager m;
	int rc = EXIT_USAGE;

	if (argc > 2) {
		fprintf(stderr, "llm: git uninstall-hook: %s '%s'%s\n", argv[2][0] == '-' ?
		    "unknown option" : "takes no argument, got", argv[2], cli_option_hint("git", argv[2]));
		cli_usage_hint("git", GIT_USAGE);
		return EXIT_USAGE;
	}
	dir = hooks_dir(&cause);
	if (dir == NULL)
		goto out;
	path = xstrfmt("%s/" HOOK_NAME, dir);
	m = hook_manager(dir, path);
	switch (m) {
	case MANAGER_HUSKY:
	case MANAGER_HUSKY8:
		rc = husky_uninstall(dir, path, m == MANAGER_HUSKY8, &cause) == 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	case MANAGER_PRE_COMMIT:
		rc = pre_commit_uninstall(path, &cause) == 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	case MANAGER_NONE:
		break;
	}
	switch (hook_state(path)) {
	case 0:
		/* llm's hook was deleted by hand: the one it replaced still goes back */
		printf("no hook at %s\n", path);
		rc = restore_hook(path, &cause) == -1 ? EXIT_USAGE : EXIT_OK;
		break;
	case 1:
		if (unlink(path) == -1) {
			xasprintf(&cause, "cannot remove %s: %s", path, strerror(errno));
			break;
		}
		printf("removed %s\n", path);
		rc = restore_hook(path, &cause) == -1 ? EXIT_USAGE : EXIT_OK;
		break;
	default:
		if (!changed_by_hand(path)) {
			xasprintf(&cause, "%s is not llm's hook; left as it is", path);
			break;
		}
		bak = xstrfmt("%s" BACKUP_SUFFIX, path);
		xasprintf(&cause, "%s was changed since llm wrote it; left as it is (remove it by "
		    "hand%s%s)", path, lstat(bak, &st) == 0 ? ", and put back the hook it replaced, " : "",
		    lstat(bak, &st) == 0 ? bak : "");
		free(bak);
		break;
	}
out:
	cli_complain("git uninstall-hook", cause);
	free(path);
	free(dir);
	return rc;
}
