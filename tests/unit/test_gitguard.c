/* Tests for gitguard: a command may not leave git running something it put in the git directory. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gitguard.h"
#include "tmpdir.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/llm-gitguard-XXXXXX";
static char *top; /* dir resolved */

/* Run the shell command cmd in top/name; whether it exited 0. */
static bool
sh(const char *name, const char *cmd)
{
	return tmpdir_sh(top, name, cmd);
}

/* The text of top/name/rel, or NULL. */
static char *
text(const char *name, const char *rel)
{
	char *p = xstrfmt("%s/%s/%s", top, name, rel), *data = NULL, *cause = NULL;
	size_t len;

	if (file_read(p, 1 << 20, &data, &len, &cause) != 0)
		data = NULL;
	free(cause);
	free(p);
	return data;
}

static bool
there(const char *name, const char *rel)
{
	struct stat st;
	char *p = xstrfmt("%s/%s/%s", top, name, rel);
	bool yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

/* Run cmd in the workspace top/name between gitguard's take and check: what check said. */
static char *
guarded(const char *name, const char *cmd)
{
	char *root = xstrfmt("%s/%s", top, name), *said;
	struct gitguard *g = gitguard_take(root);

	CHECK(sh(name, cmd));
	said = gitguard_check(g);
	gitguard_free(g);
	free(root);
	return said;
}

/* A repository at top/name with one commit. */
static void
repo(const char *name)
{
	CHECK(sh(name, "git init -q && echo a >a && git add a && git commit -qm one"));
}

static void
test_work_kept(void)
{
	char *config;

	repo("work");
	/* what git only records: objects, the index, refs, remotes, upstreams, the user's name */
	CHECK(guarded("work", "echo b >b && git add b && git commit -qm two && git checkout -qb topic"
	    " && git remote add origin https://example.com/r.git && git config user.email u@example.com"
	    " && git config branch.topic.remote origin && git tag v1 && git gc -q") == NULL);
	config = text("work", ".git/config");
	CHECK_HAS(config, "url = https://example.com/r.git");
	CHECK_HAS(config, "email = u@example.com");
	free(config);
}

static void
test_new_hook(void)
{
	char *said;

	repo("hook");
	said = guarded("hook", "printf '#!/bin/sh\\ntouch ran\\n' >.git/hooks/pre-commit"
	    " && chmod +x .git/hooks/pre-commit");
	CHECK_HAS(said, ".git/hooks/pre-commit was removed");
	free(said);
	CHECK(!there("hook", ".git/hooks/pre-commit"));
	CHECK(there("hook", ".git/hooks/pre-commit.sample"));
	CHECK(sh("hook", "echo c >c && git add c && git commit -qm c"));
	CHECK(!there("hook", "ran"));
}

static void
test_changed_hook(void)
{
	struct stat st;
	char *said, *p;

	repo("mine");
	CHECK(sh("mine", "printf '#!/bin/sh\\nexit 0\\n' >.git/hooks/pre-push && chmod 750 .git/hooks/pre-push"
	    " && ln -s pre-push .git/hooks/post-merge"));
	said = guarded("mine", "echo 'touch ran' >>.git/hooks/pre-push && chmod 777 .git/hooks/pre-push"
	    " && ln -sfn /bin/true .git/hooks/post-merge");
	CHECK_HAS(said, ".git/hooks/pre-push was put back");
	CHECK_HAS(said, ".git/hooks/post-merge was put back");
	free(said);
	CHECK_STR_FREE(text("mine", ".git/hooks/pre-push"), "#!/bin/sh\nexit 0\n");
	p = xstrfmt("%s/mine/.git/hooks/pre-push", top);
	CHECK(lstat(p, &st) == 0 && (st.st_mode & 07777) == 0750);
	free(p);
	/* the user's hooks taken away come back, with their directory */
	said = guarded("mine", "rm -rf .git/hooks");
	CHECK_HAS(said, ".git/hooks/pre-push was put back");
	free(said);
	CHECK_STR_FREE(text("mine", ".git/hooks/pre-push"), "#!/bin/sh\nexit 0\n");
}

static void
test_hooks_replaced(void)
{
	char *said;

	repo("link");
	CHECK(sh("elsewhere", "echo keep >post-checkout"));
	said = guarded("link", "rm -rf .git/hooks && ln -s ../../elsewhere .git/hooks");
	CHECK_HAS(said, ".git/hooks was replaced, and made again");
	free(said);
	/* the link was removed, not what it named */
	CHECK_STR_FREE(text("elsewhere", "post-checkout"), "keep\n");
	CHECK(!there("link", ".git/hooks/post-checkout"));
	CHECK(there("link", ".git/hooks/pre-commit.sample"));
	/* a new directory in the old one's place: all of it goes */
	said = guarded("link", "mv .git/hooks .git/old && mkdir .git/hooks && echo x >.git/hooks/pre-commit");
	CHECK_HAS(said, ".git/hooks was replaced, and made again");
	free(said);
	CHECK(!there("link", ".git/hooks/pre-commit"));
	/* core.hooksPath is not something a command may set either */
	said = guarded("link", "git config core.hooksPath ../hooks");
	CHECK_HAS(said, ".git/config was put back (it set core.hookspath)");
	free(said);
}

static void
test_config(void)
{
	static const char *const run[] = {
		"git config core.fsmonitor 'touch ran'", "git config alias.st '!touch ran'",
		"git config core.pager 'touch ran'", "git config include.path /tmp/x",
		"git config filter.f.clean 'touch ran'", "git config remote.origin.uploadpack 'touch ran'",
		"git config submodule.s.update '!touch ran'",
		"printf '[core] pager = touch ran\\n' >>.git/config",
		"printf '[core]\\n\\tpager = touch \\\\\\n ran\\n' >>.git/config",
	};
	char *before, *said;
	size_t i;

	repo("config");
	before = text("config", ".git/config");
	for (i = 0; i < sizeof(run) / sizeof(*run); i++) {
		said = guarded("config", run[i]);
		CHECK_HAS(said, ".git/config was put back");
		if (said == NULL)
			fprintf(stderr, "kept: %s\n", run[i]);
		free(said);
		CHECK_STR_FREE(text("config", ".git/config"), before);
	}
	CHECK(sh("config", "git status && git st; true"));
	CHECK(!there("config", "ran"));
	said = guarded("config", "git config core.fsmonitor 'touch ran'");
	CHECK_HAS(said, "(it set core.fsmonitor)");
	free(said);
	/* the attributes naming a filter go too */
	said = guarded("config", "echo '* filter=f' >.git/info/attributes");
	CHECK_HAS(said, ".git/info/attributes was removed");
	free(said);
	CHECK(sh("config", "mkdir -p ../attrs && echo '* filter=f' >../attrs/attributes"));
	said = guarded("config", "rm -rf .git/info && ln -s ../../attrs .git/info");
	CHECK_HAS(said, ".git/info was put back");
	free(said);
	CHECK(!there("config", ".git/info/attributes"));
	CHECK(there("attrs", "attributes"));
	free(before);
	CHECK(gitguard_safe_key("remote.*.url"));
	CHECK(gitguard_safe_key("user.email"));
	CHECK(!gitguard_safe_key("core.fsmonitor"));
	CHECK(!gitguard_safe_key("submodule.*.update"));
	CHECK(!gitguard_safe_key("remote.*.vcs"));
}

static void
test_dotgit_replaced(void)
{
	char *said;

	repo("swap");
	said = guarded("swap", "mv .git .git.old && git init -q && echo x >.git/hooks/pre-commit");
	CHECK_HAS(said, ".git was replaced by the command: llm moved it, unread, to .git.replaced");
	free(said);
	CHECK(!there("swap", ".git"));
	CHECK(there("swap", ".git.replaced/hooks/pre-commit"));
	/* a link in .git's place is moved too, not followed */
	CHECK(sh("swap", "mv .git.old .git"));
	repo("other");
	said = guarded("swap", "rm -rf .git && ln -s ../other/.git .git");
	CHECK_HAS(said, "to .git.replaced.2");
	free(said);
	CHECK(there("other", ".git/HEAD"));
}

static void
test_new_repository(void)
{
	char *said;

	CHECK(sh("fresh", "echo a >a"));
	CHECK(guarded("fresh", "git init -q && git remote add origin https://example.com/r.git") == NULL);
	CHECK(there("fresh", ".git/hooks/pre-commit.sample"));
	CHECK(sh("fresh", "rm -rf .git"));
	said = guarded("fresh", "git init -q && echo x >.git/hooks/post-checkout"
	    " && git config core.editor 'touch ran'");
	CHECK_HAS(said, ".git/hooks/post-checkout was removed");
	CHECK_HAS(said, ".git/config was removed (it set core.editor)");
	free(said);
	/* a .git file naming a git directory elsewhere */
	CHECK(sh("fresh2", "echo a >a"));
	said = guarded("fresh2", "echo 'gitdir: /tmp' >.git");
	CHECK_HAS(said, ".git was made by the command, naming another git directory");
	free(said);
	CHECK(!there("fresh2", ".git"));
}

static void
test_worktree(void)
{
	char *said, *common;

	repo("main");
	CHECK(sh("main", "git worktree add -q ../wt"));
	said = guarded("wt", "echo 'gitdir: /tmp' >.git");
	CHECK_HAS(said, ".git was replaced by the command");
	CHECK_HAS(said, "the old .git was put back");
	free(said);
	CHECK(sh("wt", "git status"));
	/* the repository's own git directory, outside the workspace, as much */
	said = guarded("wt", "echo x >\"$(git rev-parse --git-common-dir)/hooks/pre-commit\"");
	common = xstrfmt("%s/main/.git/hooks/pre-commit was removed", top);
	CHECK_HAS(said, common);
	free(common);
	free(said);
	CHECK(!there("main", ".git/hooks/pre-commit"));
}

static void
test_submodule(void)
{
	char *said;

	repo("super");
	CHECK(sh("super", "mkdir -p .git/modules/lib/a/hooks && git init -q --bare .git/modules/lib/a"));
	said = guarded("super", "echo x >.git/modules/lib/a/hooks/post-checkout"
	    " && git init -q --bare .git/modules/new && echo x >.git/modules/new/hooks/pre-commit");
	CHECK_HAS(said, ".git/modules/lib/a/hooks/post-checkout was removed");
	CHECK_HAS(said, ".git/modules/new/hooks/pre-commit was removed");
	free(said);
}

static void
test_nested(void)
{
	char *said;

	repo("nest");
	CHECK(sh("nest", "git init -q lib/inner && printf 'exit 0\\n' >lib/inner/.git/hooks/pre-push"));
	/* a project made in the workspace, as a scaffolding tool makes one */
	said = guarded("nest", "git init -q app && echo x >app/.git/hooks/pre-commit"
	    " && git -C app config core.hooksPath .husky && echo y >>lib/inner/.git/hooks/pre-push");
	CHECK_HAS(said, "app/.git/hooks/pre-commit was removed");
	CHECK_HAS(said, "app/.git/config was removed (it set core.hookspath)");
	CHECK_HAS(said, "lib/inner/.git/hooks/pre-push was put back");
	free(said);
	CHECK(there("nest", "app/.git/hooks/pre-commit.sample"));
	CHECK_STR_FREE(text("nest", "lib/inner/.git/hooks/pre-push"), "exit 0\n");
	/* a .git file naming a git directory of the command's */
	said = guarded("nest", "git init -q --bare evil && mkdir tool && echo 'gitdir: ../evil' >tool/.git");
	CHECK_HAS(said, "tool/.git was made by the command, naming another git directory: llm moved it,"
	    " unread, to .git.replaced");
	free(said);
	CHECK(!there("nest", "tool/.git"));
	/* but a submodule added is git's own doing */
	repo("libsrc");
	CHECK(guarded("nest", "git -c protocol.file.allow=always submodule add -q ../libsrc sub") == NULL);
	CHECK(there("nest", "sub/.git"));
	CHECK(sh("nest", "git -C sub status"));
}

static void
test_deep(void)
{
	struct gitguard *g;
	char *said, *root;

	repo("deep");
	CHECK(sh("deep", "git init -q vendor/x/y/z && printf 'exit 0\\n' >vendor/x/y/z/.git/hooks/pre-push"));
	/* a hook changed, and a project made, four levels down: git runs them when the user works there */
	said = guarded("deep", "echo y >>vendor/x/y/z/.git/hooks/pre-push && git init -q packages/a/b/c"
	    " && echo x >packages/a/b/c/.git/hooks/pre-commit && git -C packages/a/b/c config"
	    " core.fsmonitor 'touch ran'");
	CHECK_HAS(said, "vendor/x/y/z/.git/hooks/pre-push was put back");
	CHECK_HAS(said, "packages/a/b/c/.git/hooks/pre-commit was removed");
	CHECK_HAS(said, "packages/a/b/c/.git/config was removed (it set core.fsmonitor)");
	free(said);
	CHECK_STR_FREE(text("deep", "vendor/x/y/z/.git/hooks/pre-push"), "exit 0\n");
	CHECK(there("deep", "packages/a/b/c/.git/hooks/pre-commit.sample"));
	/*
	 * in a node_modules a package's own .git is looked at, under it nothing:
	 * its directories do not count against the budget either
	 */
	CHECK(sh("deep", "mkdir -p app/node_modules/p/lib/x app/node_modules/q && git init -q app/node_modules/q"));
	root = xstrfmt("%s/deep", top);
	g = gitguard_take_within(root, 14);
	CHECK(sh("deep", "echo x >app/node_modules/q/.git/hooks/pre-commit && git init -q app/node_modules/p/lib/x"
	    " && echo x >app/node_modules/p/lib/x/.git/hooks/pre-commit"));
	said = gitguard_check(g);
	CHECK_HAS(said, "app/node_modules/q/.git/hooks/pre-commit was removed");
	CHECK(said == NULL || strstr(said, "node_modules/p/") == NULL);
	CHECK(gitguard_unchecked(g) == NULL);
	free(said);
	gitguard_free(g);
	free(root);
	/* a workspace with more directories than are looked into says so */
	CHECK(sh("many", "mkdir -p a/b/c d/e/f g/h/i"));
	root = xstrfmt("%s/many", top);
	g = gitguard_take_within(root, 6);
	CHECK(sh("many", "git init -q a/b/c/r && echo x >a/b/c/r/.git/hooks/pre-commit"));
	said = gitguard_check(g);
	CHECK(said == NULL);
	CHECK_STR_FREE(gitguard_unchecked(g), "not every directory was checked for planted git hooks:"
	    " the workspace has more than 6 directories");
	gitguard_free(g);
	free(root);
	/* one more, and every directory is looked into: nothing to say */
	CHECK(sh("many", "rm -rf a/b/c/r"));
	root = xstrfmt("%s/many", top);
	g = gitguard_take_within(root, 9);
	said = gitguard_check(g);
	CHECK(said == NULL);
	CHECK(gitguard_unchecked(g) == NULL);
	gitguard_free(g);
	free(root);
}

static void
test_names_shown(void)
{
	char *said;

	repo("names");
	said = guarded("names", "echo x >\"$(printf '.git/hooks/a\\033[2Jb')\"");
	CHECK_HAS(said, ".git/hooks/a\\x1b[2Jb was removed");
	CHECK(said == NULL || strchr(said, '\033') == NULL);
	free(said);
}

/*
 * Whether gitguard_runs, taken in top/name, has top/name/rel as where git
 * runs something: taken for a write to rel with the .git entries known to
 * be dots, or with a look into every directory when dots is NULL.
 */
static bool
runs(const char *name, char *const *dots, const char *rel)
{
	char *root = xstrfmt("%s/%s", top, name), *path = xstrfmt("%s/%s", root, rel);
	struct gitguard *g = dots == NULL ? gitguard_take(root) : gitguard_take_known(root, dots, path);
	bool yes = gitguard_runs(g, path);

	gitguard_free(g);
	free(path);
	free(root);
	return yes;
}

static void
test_runs(void)
{
	repo("runs");
	CHECK(!runs("runs", NULL, ".githooks/pre-commit"));
	CHECK(sh("runs", "git config core.hooksPath .githooks"));
	/* not made yet: a hook written there is one git runs all the same */
	CHECK(runs("runs", NULL, ".githooks/pre-commit"));
	CHECK(runs("runs", NULL, ".githooks"));
	CHECK(sh("runs", "mkdir -p .githooks/lib docs/.githooks"));
	CHECK(runs("runs", NULL, ".githooks/lib/common.sh"));
	CHECK(!runs("runs", NULL, ".githooks-old/pre-commit"));
	CHECK(!runs("runs", NULL, "docs/.githooks/pre-commit"));
	CHECK(!runs("runs", NULL, "a"));
	CHECK(runs("runs", NULL, ".git/hooks/pre-commit"));
	CHECK(runs("runs", NULL, ".git/config"));
	/* husky 9: the scripts above .husky/_ are what its runner runs */
	CHECK(sh("runs", "mkdir -p .husky/_ && echo '# husky' >.husky/_/h"
	    " && git config core.hooksPath .husky/_"));
	CHECK(runs("runs", NULL, ".husky/pre-commit"));
	CHECK(!runs("runs", NULL, ".githooks/pre-commit"));
	CHECK(!runs("runs", NULL, ".huskyrc"));
}

/*
 * A hooks directory whose parent is not made yet (tools/hooks, no tools):
 * only what lands in it, or makes it, is git's; the rest of tools is the
 * project's. A link made on the way to it is taken out.
 */
static void
test_hooks_unmade(void)
{
	char *said;

	repo("unmade");
	CHECK(sh("unmade", "git config core.hooksPath tools/hooks"));
	CHECK(runs("unmade", NULL, "tools/hooks/pre-commit"));
	CHECK(runs("unmade", NULL, "tools/hooks"));
	CHECK(!runs("unmade", NULL, "tools/build.sh"));
	CHECK(!runs("unmade", NULL, "tools"));
	said = guarded("unmade", "mkdir -p tools/hooks && echo x >tools/hooks/pre-commit"
	    " && echo y >tools/build.sh");
	CHECK_HAS(said, "tools/hooks/pre-commit was removed");
	CHECK(said == NULL || strstr(said, "build.sh") == NULL);
	free(said);
	CHECK(there("unmade", "tools/build.sh") && !there("unmade", "tools/hooks/pre-commit"));
	CHECK(sh("unmade", "rm -rf tools"));
	said = guarded("unmade", "mkdir -p elsewhere/hooks && echo x >elsewhere/hooks/pre-commit"
	    " && ln -s elsewhere tools");
	CHECK_HAS(said, "tools was removed");
	free(said);
	CHECK(!there("unmade", "tools") && there("unmade", "elsewhere/hooks/pre-commit"));
}

/*
 * core.hooksPath given in llm's environment overrides the config files, as
 * in git: GIT_CONFIG_COUNT's pairs, then git -c's GIT_CONFIG_PARAMETERS.
 */
static void
test_env_config(void)
{
	repo("envc");
	CHECK(sh("envc", "git config core.hooksPath .githooks"));
	setenv("GIT_CONFIG_COUNT", "2", 1);
	setenv("GIT_CONFIG_KEY_0", "user.name", 1);
	setenv("GIT_CONFIG_VALUE_0", "t", 1);
	setenv("GIT_CONFIG_KEY_1", "Core.HooksPath", 1);
	setenv("GIT_CONFIG_VALUE_1", ".envhooks", 1);
	CHECK(runs("envc", NULL, ".envhooks/pre-commit"));
	CHECK(!runs("envc", NULL, ".githooks/pre-commit"));
	/* git -c, quoted as git quotes it, after the pairs */
	setenv("GIT_CONFIG_PARAMETERS", "'alias.e'=''\\!'echo' 'core.hooksPath'='it'\\''s'\\!''", 1);
	CHECK(runs("envc", NULL, "it's!/pre-commit"));
	CHECK(!runs("envc", NULL, ".envhooks/pre-commit"));
	setenv("GIT_CONFIG_PARAMETERS", "'core.hooksPath'='a' 'core.hookspath=.old'", 1);
	CHECK(runs("envc", NULL, ".old/pre-commit"));
	CHECK(!runs("envc", NULL, "a/pre-commit"));
	/* reset: git runs .git/hooks */
	setenv("GIT_CONFIG_PARAMETERS", "'core.hooksPath'=''", 1);
	CHECK(!runs("envc", NULL, ".old/pre-commit") && !runs("envc", NULL, ".githooks/pre-commit"));
	unsetenv("GIT_CONFIG_PARAMETERS");
	unsetenv("GIT_CONFIG_COUNT");
	CHECK(runs("envc", NULL, ".githooks/pre-commit"));
}

/* The manager gitguard_manager names for top/name/rel, or "". */
static const char *
manager_of(const char *name, const char *rel)
{
	char *root = xstrfmt("%s/%s", top, name), *path = xstrfmt("%s/%s", root, rel);
	struct gitguard *g = gitguard_take(root);
	const char *m = gitguard_manager(g, path);

	gitguard_free(g);
	free(path);
	free(root);
	return m != NULL ? m : "";
}

/* The scripts a manager's config runs by path, in each of its forms; nothing outside the top. */
static void
test_manager_scripts(void)
{
	repo("scripts");
	CHECK(sh("scripts", "printf '#!/bin/sh\\ncall_lefthook run pre-commit\\n' >.git/hooks/pre-commit"
	    " && printf '{\"pre-commit\": {\"commands\": {\"a\": {\"run\": \"./ci/a.sh && b/c.py {files}\"}}}}'"
	    " >lefthook.json && printf 'pre-push:\\n  commands:\\n    x:\\n      run: ../up/x.sh /abs/y.sh"
	    " --cfg=conf/z.toml # tools/no.sh\\n' >lefthook.yml"));
	CHECK_STR(manager_of("scripts", "ci/a.sh"), "lefthook");
	CHECK_STR(manager_of("scripts", "b/c.py"), "lefthook");
	CHECK_STR(manager_of("scripts", "conf/z.toml"), "lefthook");
	CHECK_STR(manager_of("scripts", "lefthook.json"), "lefthook");
	CHECK_STR(manager_of("scripts", "tools/no.sh"), "");
	CHECK_STR(manager_of("scripts", "ci/other.sh"), "");
	CHECK_STR(manager_of("scripts", "up/x.sh"), "");
}

/*
 * Before a write, the .git entries known from the last look and those above
 * the path are all that is looked at: the workspace is not walked again.
 */
static void
test_known(void)
{
	char *root = xstrfmt("%s/known", top), *said, **dots;
	char *const top_only[] = { ".git", NULL }, *const both[] = { ".git", "other/.git", NULL };
	char *const none[] = { NULL };
	struct gitguard *g;
	size_t i;
	bool app = false, moved = false;

	repo("known");
	CHECK(sh("known", "git init -q other && git -C other config core.hooksPath ../shared"
	    " && git init -q deep/x && git -C deep/x config core.hooksPath .githooks"
	    " && mkdir -p src"));
	CHECK(runs("known", both, "shared/pre-commit"));
	CHECK(runs("known", top_only, ".git/hooks/pre-commit"));
	/* above the path: a repository made since the last look */
	CHECK(runs("known", top_only, "deep/x/.githooks/pre-commit"));
	CHECK(runs("known", none, "deep/x/.githooks/pre-commit"));
	/* neither known nor above: not looked for */
	CHECK(!runs("known", top_only, "shared/pre-commit"));
	CHECK(!runs("known", top_only, "src/a.c"));
	/* what the check found after a command: its new repository, not what it moved aside */
	g = gitguard_take(root);
	CHECK(sh("known", "git init -q app && rm -rf other/.git && git init -q --bare b.git"
	    " && printf 'gitdir: ../b.git\\n' >other/.git"));
	said = gitguard_check(g);
	CHECK_HAS(said, "other/.git was replaced by the command");
	free(said);
	dots = gitguard_dots(g);
	for (i = 0; dots[i] != NULL; i++) {
		app |= strcmp(dots[i], "app/.git") == 0;
		moved |= strcmp(dots[i], "other/.git") == 0;
	}
	CHECK(app && !moved && i == 3);
	strv_free(dots);
	gitguard_free(g);
	free(root);
}

/*
 * A hooks directory in the work tree is held at any depth: a directory of it
 * swapped for a link is made again, never looked through (what the link
 * names is the project's), and many new entries are named up to a count.
 */
static void
test_hooks_tree(void)
{
	char *root = xstrfmt("%s/tree", top), *said, *kept, *s;
	struct gitguard *g;

	repo("tree");
	CHECK(sh("tree", "mkdir -p .githooks/lib src && echo old >.githooks/lib/x.sh"
	    " && echo code >src/main.c && git config core.hooksPath .githooks"));
	said = guarded("tree", "rm -rf .githooks/lib && ln -s ../src .githooks/lib");
	CHECK_HAS(said, ".githooks/lib was put back");
	free(said);
	CHECK(there("tree", "src/main.c"));
	CHECK_STR_FREE(text("tree", ".githooks/lib/x.sh"), "old\n");
	said = guarded("tree", "for i in $(seq 40); do echo x >.githooks/lib/n$i; done");
	CHECK_HAS(said, "was removed; ");
	CHECK_HAS(said, ".githooks/lib had 24 more new entries, removed");
	CHECK(said == NULL || strlen(said) < 2048);
	free(said);
	CHECK(!there("tree", ".githooks/lib/n40") && !there("tree", ".githooks/lib/n1"));
	/* one too large to hold whole is named as not checked; what is new in it stays */
	CHECK(sh("tree", "mkdir .githooks/big && cd .githooks/big && for i in $(seq 520); do : >f$i; done"));
	CHECK(sh("tree", "rm -rf .githooks/lib && echo old >.githooks/pre-commit"));
	g = gitguard_take(root);
	kept = gitguard_unchecked(g);
	CHECK_HAS(kept, ".githooks holds more than 512 entries or 8 levels: llm held only those");
	/* the hooks beside it come first */
	CHECK(sh("tree", "echo x >.githooks/pre-commit && echo x >.githooks/post-commit"));
	said = gitguard_check(g);
	CHECK_HAS(said, ".githooks/pre-commit was put back");
	CHECK_HAS(said, ".githooks/post-commit was removed");
	s = said != NULL ? strstr(said, "big") : NULL;
	CHECK(s == NULL);
	free(said);
	free(kept);
	gitguard_free(g);
	CHECK(there("tree", ".githooks/big/f520") && there("tree", ".githooks/big/f1"));
	free(root);
}

/*
 * Run fn as a user the permissions hold for: root reads every directory, so
 * as root it runs in a child as nobody, in a workspace made over to it.
 */
static void
as_user(const char *name, void (*fn)(const char *))
{
	char *cmd;
	pid_t pid;
	int st;

	if (geteuid() != 0) {
		fn(name);
		return;
	}
	CHECK(sh(name, "true"));
	cmd = xstrfmt("chmod 755 '%s' && chown -R 65534:65534 '%s/%s'", top, top, name);
	CHECK(system(cmd) == 0);
	free(cmd);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		unit_bad = 0;
		fn(name);
		fflush(NULL);
		_exit(unit_bad);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* A hooks directory made unlistable hides no new hook: its mode is put back first. */
static void
unlistable_hooks(const char *name)
{
	struct stat st;
	char *said, *p;

	repo(name);
	said = guarded(name, "printf '#!/bin/sh\\ntouch ran\\n' >.git/hooks/pre-commit"
	    " && chmod +x .git/hooks/pre-commit && chmod 311 .git/hooks");
	CHECK_HAS(said, ".git/hooks was made unreadable, and its mode was put back");
	CHECK_HAS(said, ".git/hooks/pre-commit was removed");
	free(said);
	CHECK(!there(name, ".git/hooks/pre-commit"));
	p = xstrfmt("%s/%s/.git/hooks", top, name);
	CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0755);
	free(p);
	/* one that was so already, and stays so, is named: what it holds is not known */
	CHECK(sh(name, "chmod 311 .git/hooks"));
	said = guarded(name, "true");
	CHECK_HAS(said, ".git/hooks could not be read (Permission denied): llm could not check");
	free(said);
	CHECK(sh(name, "chmod 755 .git/hooks"));
}

/* A directory of the workspace that cannot be read is named, not trusted to hold no .git. */
static void
unreadable_dir(const char *name)
{
	char *root = xstrfmt("%s/%s", top, name), *said;
	struct gitguard *g;

	CHECK(sh(name, "mkdir -p lib/sub"));
	g = gitguard_take(root);
	CHECK(sh(name, "git init -q lib/sub/x && chmod 0 lib"));
	said = gitguard_check(g);
	CHECK_STR_FREE(gitguard_unchecked(g), "not every directory was checked for planted git"
	    " hooks: lib could not be read: look for a .git in it before you run git there");
	free(said);
	gitguard_free(g);
	CHECK(sh(name, "chmod 755 lib"));
	free(root);
}

static void
test_unreadable(void)
{
	as_user("unlistable", unlistable_hooks);
	as_user("unreadable", unreadable_dir);
}

int
main(void)
{
	tmpdir_make(dir);
	top = realpath(dir, NULL);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	setenv("GIT_AUTHOR_NAME", "t", 1);
	setenv("GIT_AUTHOR_EMAIL", "t@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "t", 1);
	setenv("GIT_COMMITTER_EMAIL", "t@example.com", 1);
	RUN(test_work_kept);
	RUN(test_new_hook);
	RUN(test_changed_hook);
	RUN(test_hooks_replaced);
	RUN(test_config);
	RUN(test_dotgit_replaced);
	RUN(test_new_repository);
	RUN(test_worktree);
	RUN(test_submodule);
	RUN(test_nested);
	RUN(test_deep);
	RUN(test_names_shown);
	RUN(test_hooks_tree);
	RUN(test_runs);
	RUN(test_known);
	RUN(test_hooks_unmade);
	RUN(test_env_config);
	RUN(test_manager_scripts);
	RUN(test_unreadable);
	free(top);
	UNIT_EXIT();
}
