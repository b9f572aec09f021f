/* role: named system prompts with defaults, read from roles/NAME.md files. */
#include "role.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

size_t
role_dirs(const char *config_dir, char **dirs, size_t max)
{
	/*
	 * The shipped roles of a build tree or a moved install; never the current
	 * directory, whose files would become a system prompt unasked.
	 */
	return data_dirs(config_dir, "roles", false, dirs, max);
}

/* What a role's name may hold, for the messages that refuse one. */
#define ROLE_NAME_RULE "a role's name (its file name without .md) holds only letters a-z" \
	" and A-Z, digits, '-', '_' and '.', at most 64 of them"

/* A role is named by its file name without .md: a plain word. */
static bool
name_ok(const char *name)
{
	const char *p;

	if (*name == '\0' || *name == '.' || strlen(name) > 64)
		return false;
	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_' && *p != '.')
			return false;
	return true;
}

/* Take one "key: value" line of the front matter; 0 or -1 with *cause. */
static int
front_line(struct role *r, const char *path, int line, char *s, char **cause)
{
	char *colon = strchr(s, ':'), *key, *val;
	int64_t n;

	if (colon == NULL) {
		xasprintf(cause, "%s:%d: expected 'key: value'", path, line);
		return -1;
	}
	*colon = '\0';
	key = str_trim(s);
	val = str_trim(colon + 1);
	if (strcmp(key, "tier") == 0) {
		if (!tier_parse(val, &r->tier)) {
			xasprintf(cause, "%s:%d: unknown tier '%s'", path, line, val);
			return -1;
		}
	} else if (strcmp(key, "model") == 0) {
		free(r->model);
		r->model = *val ? xstrdup(val) : NULL;
	} else if (strcmp(key, "description") == 0) {
		free(r->description);
		r->description = xstrdup(val);
	} else if (strcmp(key, "temperature") == 0) {
		if (!str_to_fixed(val, 3, &n) || n > 2000) {
			xasprintf(cause, "%s:%d: temperature '%s' is not between 0 and 2", path, line,
			    val);
			return -1;
		}
		r->temperature_set = true;
		r->temperature_milli = (int)n;
	} else if (strcmp(key, "max_tokens") == 0) {
		if (!str_to_i64(val, &n) || n <= 0 || n > 10000000) {
			xasprintf(cause, "%s:%d: max_tokens '%s' is not a positive number", path, line,
			    val);
			return -1;
		}
		r->max_tokens = (long)n;
	} else {
		xasprintf(cause, "%s:%d: unknown key '%s' (tier, model, temperature, max_tokens, "
		    "description)", path, line, key);
		return -1;
	}
	return 0;
}

/* The front matter from text (after its opening line); where the body starts, or NULL. */
static const char *
front_matter(struct role *r, const char *path, const char *text, char **cause)
{
	const char *p = text;
	int line = 2;

	while (*p) {
		size_t len = strcspn(p, "\n");
		char *s = xstrndup(p, len);
		int rc = 0;

		p += len + (p[len] == '\n');
		if (strcmp(str_trim(s), "---") == 0) {
			free(s);
			return p;
		}
		if (*str_trim(s) != '\0' && *str_trim(s) != '#')
			rc = front_line(r, path, line, s, cause);
		free(s);
		if (rc != 0)
			return NULL;
		line++;
	}
	xasprintf(cause, "%s: the front matter has no closing '---'", path);
	return NULL;
}

int
role_parse(struct role *r, const char *name, const char *path, const char *text, char **cause)
{
	const char *body = text;
	char *copy, *sys;

	memset(r, 0, sizeof(*r));
	r->tier = TIER_AUTO;
	r->name = xstrdup(name);
	r->path = xstrdup(path);
	if (strncmp(text, "---\n", 4) == 0 || strncmp(text, "---\r\n", 5) == 0) {
		body = front_matter(r, path, text + strcspn(text, "\n") + 1, cause);
		if (body == NULL) {
			role_done(r);
			return -1;
		}
	}
	/* a blank line after the front matter: trimmed, the copy is what is freed */
	sys = str_trim(copy = xstrdup(body));
	r->system = *sys ? xstrdup(sys) : NULL;
	free(copy);
	/* a prompt with nothing to say, and no defaults, is most likely a mistake */
	if (r->system == NULL && r->tier == TIER_AUTO && r->model == NULL) {
		xasprintf(cause, "%s: no system prompt and no defaults", path);
		role_done(r);
		return -1;
	}
	return 0;
}

/* Load path as role name: 1 loaded, 0 not there, -1 broken (with *cause). */
static int
try_path(struct role *r, const char *name, const char *path, char **cause)
{
	char *text = NULL;
	size_t len;
	int rc;

	if (access(path, F_OK) != 0)
		return 0;
	if (file_read(path, ROLE_FILE_MAX, &text, &len, cause) != 0)
		return -1;
	if (strlen(text) != len) {
		xasprintf(cause, "%s: not a text file", path);
		free(text);
		return -1;
	}
	rc = role_parse(r, name, path, text, cause) == 0 ? 1 : -1;
	free(text);
	return rc;
}

int
role_load(struct role *r, const char *name, const char *config_dir, char **cause)
{
	char *dirs[ROLE_DIRS_MAX], *path;
	size_t i, n;
	int found = 0;

	memset(r, 0, sizeof(*r));
	if (!name_ok(name)) {
		xasprintf(cause, "role '%s': %s", name, ROLE_NAME_RULE);
		return -1;
	}
	n = role_dirs(config_dir, dirs, ARRAY_SIZE(dirs));
	for (i = 0; i < n && found == 0; i++) {
		path = xstrfmt("%s/%s.md", dirs[i], name);
		found = try_path(r, name, path, cause);
		free(path);
	}
	if (found == 0)
		xasprintf(cause, "no role '%s' (llm roles lists them; add %s/roles/%s.md)", name,
		    config_dir ? config_dir : "$LLM_CONFIG_DIR", name);
	for (i = 0; i < n; i++)
		free(dirs[i]);
	return found > 0 ? 0 : -1;
}

void
role_done(struct role *r)
{
	free(r->name);
	free(r->path);
	free(r->description);
	free(r->system);
	free(r->model);
	memset(r, 0, sizeof(*r));
}

static int
role_cmp(const void *a, const void *b)
{
	return strcmp(((const struct role *)a)->name, ((const struct role *)b)->name);
}

/* Whether list already holds a role called name. */
static bool
listed(const struct role *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return true;
	return false;
}

/* Add the roles of dir that list does not hold yet. */
static void
list_dir(const char *dir, struct role **list, size_t *n, struct buf *warn)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *name, *path, *cause = NULL;
		struct role r;

		if (len < 4 || strcmp(e->d_name + len - 3, ".md") != 0)
			continue;
		name = xstrndup(e->d_name, len - 3);
		path = xstrfmt("%s/%s", dir, e->d_name);
		if (!name_ok(name)) {
			/* a hidden file is no role; any other is one its user meant */
			if (name[0] != '.')
				buf_addf(warn, "%s%s: not read: %s; rename it", warn->len ? "\n" : "",
				    path, ROLE_NAME_RULE);
		} else if (!listed(*list, *n, name)) {
			if (try_path(&r, name, path, &cause) > 0) {
				*list = xreallocarray(*list, *n + 1, sizeof(**list));
				(*list)[(*n)++] = r;
			} else if (cause != NULL) {
				buf_addf(warn, "%s%s", warn->len ? "\n" : "", cause);
			}
		}
		free(cause);
		free(name);
		free(path);
	}
	closedir(d);
}

size_t
role_list(const char *config_dir, struct role **out, char **warn)
{
	char *dirs[ROLE_DIRS_MAX];
	struct buf w;
	size_t i, nd, n = 0;

	*out = NULL;
	buf_init(&w, 0);
	nd = role_dirs(config_dir, dirs, ARRAY_SIZE(dirs));
	for (i = 0; i < nd; i++) {
		list_dir(dirs[i], out, &n, &w);
		free(dirs[i]);
	}
	if (n > 1)
		qsort(*out, n, sizeof(**out), role_cmp);
	*warn = w.len ? buf_detach(&w) : NULL;
	buf_done(&w);
	return n;
}

void
roles_free(struct role *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++)
		role_done(&r[i]);
	free(r);
}
