/* role: named system prompts with defaults, read from roles/NAME.md files. */
#ifndef LLM_ROLE_H
#define LLM_ROLE_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"

/* The most roles directories role_dirs names. */
#define ROLE_DIRS_MAX 8
/* A role file is a prompt, not material: this is plenty. */
#define ROLE_FILE_MAX (256u << 10)

/*
 * A role: its file's front matter (between "---" lines, "key: value") gives
 * the defaults, the rest is the system prompt. Strings malloc'd; NULL unset.
 */
struct role {
	char *name;
	char *path;            /* the file it came from */
	char *description;     /* description: one line for llm roles */
	char *system;          /* the body, trimmed; NULL: none */
	enum tier tier;        /* tier: (TIER_AUTO: not set) */
	char *model;           /* model: a pin */
	bool temperature_set;
	int temperature_milli; /* temperature: 0.2 -> 200 */
	long max_tokens;       /* max_tokens: 0 not set */
};

/*
 * Fill dirs with the roles directories in the order they are searched:
 * config_dir/roles, the installed share/llm/roles, then beside the binary
 * (a build tree or a moved install). Malloc'd strings; return how many.
 */
size_t role_dirs(const char *config_dir, char **dirs, size_t max);
/* Load role name from the first directory that has it. 0, or -1 with *cause. */
int role_load(struct role *r, const char *name, const char *config_dir, char **cause);
/* Parse a role file's text (path for messages). 0, or -1 with *cause. */
int role_parse(struct role *r, const char *name, const char *path, const char *text,
    char **cause);
/* Free what a role holds, not the struct; accepts a zeroed one. */
void role_done(struct role *r);
/*
 * Every role found, one per name (the first directory wins), sorted by name;
 * broken files are skipped with their reason in *warn (malloc'd, may be NULL).
 */
size_t role_list(const char *config_dir, struct role **out, char **warn);
/* Free a list from role_list; accepts NULL. */
void roles_free(struct role *r, size_t n);

#endif
