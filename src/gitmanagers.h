/* gitmanagers: the project files whose commands a hook manager installed in git runs on commit. */
#ifndef LLM_GITMANAGERS_H
#define LLM_GITMANAGERS_H

/*
 * Hook managers (pre-commit, lefthook) install a hook in git that runs what
 * an ordinary project file names (.pre-commit-config.yaml, lefthook.yml, the
 * .lefthook tree, the scripts their entry: and run: name by path). A command
 * may change those: they are the project's and stay, but the user is told.
 */
struct gitmanagers;

/* Make an empty set of managed files for the workspace root (resolved, absolute). */
struct gitmanagers *gitmanagers_new(const char *root);
/*
 * Hold the files whose commands a hook manager runs on commit in the work
 * tree whose .git is dot (rel to the root, open as rootfd), when its hook is
 * in ran, the directory git runs hooks from there.
 */
void gitmanagers_take(struct gitmanagers *ms, int rootfd, const char *dot, const char *ran);
/* The manager ("pre-commit", "lefthook") that runs what path (absolute) is or is under; NULL when none. */
const char *gitmanagers_of(const struct gitmanagers *ms, const char *path);
/* NULL when none of the files held was changed, else a sentence naming those that were, the caller's. */
char *gitmanagers_changed(const struct gitmanagers *ms);
void gitmanagers_free(struct gitmanagers *ms);

#endif
