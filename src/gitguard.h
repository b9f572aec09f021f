/* gitguard: what a command may not leave changed in a workspace's git directory: what git runs. */
#ifndef LLM_GITGUARD_H
#define LLM_GITGUARD_H

#include <stdbool.h>
#include <stddef.h>

struct gitguard;

/*
 * Take note, before a command runs in the workspace root (resolved,
 * absolute), of what in its git directories makes git run a program: the
 * hooks, the config files (aliases, fsmonitor, filters, pagers, ...), the
 * attributes and the links between a worktree and its repository.
 */
struct gitguard *gitguard_take(const char *root);
/* As gitguard_take, looking into at most look directories of the workspace for a .git. */
struct gitguard *gitguard_take_within(const char *root, size_t look);
/*
 * As gitguard_take, for a write to path (absolute, resolved as far as it
 * exists) where the workspace's .git entries (rel to the root) were dots
 * when last looked for (gitguard_dots): instead of looking into every
 * directory, only those above path are looked into for one made since.
 * What it holds is for gitguard_runs and gitguard_manager.
 */
struct gitguard *gitguard_take_known(const char *root, char *const *dots, const char *path);
/*
 * The workspace's .git entries (rel to the root) g knows of: as gitguard_check
 * found them after the command, else as g was taken. A list for strv_free.
 */
char **gitguard_dots(const struct gitguard *g);
/*
 * After the command and all it started have ended: put back what it
 * changed there (or move aside a .git it put in the place of the old one),
 * keeping what git only records (remotes, branches' upstreams, the user's
 * name). NULL when nothing was changed, else a sentence saying what was
 * done, for the model and the user, the caller's.
 */
char *gitguard_check(struct gitguard *g);
/*
 * NULL when gitguard_take and gitguard_check looked into every directory of
 * the workspace for a .git (a repository's hooks planted anywhere there), else
 * a sentence saying they did not, the caller's.
 */
char *gitguard_unchecked(const struct gitguard *g);
/*
 * Whether the config text now may stay where before was (NULL: none): every
 * entry it has that before had not is one git only records. False too when
 * a line is not plain enough to look through (a continued value, an entry on
 * a section's line); *why is then NULL, else the first key that runs
 * something ("core.fsmonitor"), the caller's.
 */
bool gitguard_config_safe(const char *before, size_t blen, const char *now, size_t nlen, char **why);
/* Whether a config text's entry key (lower case, "section.sub.name") is only recorded, never run. */
bool gitguard_safe_key(const char *key);
/*
 * Whether path (absolute, resolved as far as it exists) is in what g holds
 * because git runs it outside the confinement: a git directory, or the hooks
 * directory core.hooksPath names in a work tree (under husky 9, .husky).
 */
bool gitguard_runs(const struct gitguard *g, const char *path);
/*
 * The hook manager ("pre-commit", "lefthook") whose hook, installed where git
 * runs hooks, runs the commands path names (.pre-commit-config.yaml,
 * lefthook.yml, ...) on commit; NULL when none.
 */
const char *gitguard_manager(const struct gitguard *g, const char *path);
/*
 * After a command: NULL when it changed none of the files gitguard_manager
 * names, else a sentence naming those it changed, for the model and the user,
 * the caller's. They are the project's, and stay as the command left them.
 */
char *gitguard_managed(const struct gitguard *g);
void gitguard_free(struct gitguard *g);

#endif
