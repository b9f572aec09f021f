/* githooks: where git finds the hooks it runs, read from git's files without running git. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "githooks.h"
#include "util.h"

#define CONFIG_MAX (1 << 20) /* a config file read up to this */
#define INCLUDES 4           /* levels of include.path followed in the user's and the system's config */

/*
 * The entries of a config text, each "section.name=value" or
 * "section.*.name=value" with the subsection after a tab; NULL when a line
 * is not one git's plain syntax allows (a continued value, an entry on a
 * section's line) and so cannot be looked through.
 */
char **
git_config_entries(const char *text, size_t len)
{
	char **v = xcalloc(1, sizeof(*v)), *sec = NULL, *sub = NULL, *line;
	const char *p = text, *end = text + len, *nl, *s, *q;
	size_t n = 0, k;
	bool bad = memchr(text, '\0', len) != NULL;

	for (; !bad && p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line = xstrndup(p, (size_t)(nl - p));
		s = line + strspn(line, " \t\r");
		k = strlen(s);
		while (k > 0 && (s[k - 1] == '\r' || s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k > 0 && s[k - 1] == '\\')
			bad = true;
		else if (*s == '\0' || *s == '#' || *s == ';')
			;
		else if (*s == '[') {
			free(sec);
			free(sub);
			sec = sub = NULL;
			k = strcspn(++s, " \t.\"]");
			sec = xstrndup(s, k);
			s += k;
			if (*s == '.') {
				k = strcspn(++s, "]");
				sub = xstrndup(s, k);
				s += k;
			} else if (*s == ' ' || *s == '\t') {
				s += strspn(s, " \t");
				if (*s != '"' || (q = strrchr(s, '"')) == s)
					bad = true;
				else {
					sub = xstrndup(s + 1, (size_t)(q - s - 1));
					s = q + 1;
				}
			}
			/* nothing but a comment after the header: "[core] pager = x" is an entry too */
			if (!bad && *s == ']')
				s += 1 + strspn(s + 1, " \t\r");
			else
				bad = true;
			if (*sec == '\0' || (*s != '\0' && *s != '#' && *s != ';'))
				bad = true;
		} else {
			k = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");
			q = s + k + strspn(s + k, " \t\r");
			if (sec == NULL || k == 0 || (*q != '=' && *q != '\0' && *q != '#' && *q != ';'))
				bad = true;
			else {
				char *e = xstrfmt("%s.%s%.*s=%s", sec, sub != NULL ? "*." : "", (int)k, s,
				    *q == '=' ? q + 1 : "");
				char *t;

				for (t = e; *t != '=' ; t++)
					if (*t >= 'A' && *t <= 'Z')
						*t = (char)(*t - 'A' + 'a');
				if (sub != NULL) {
					char *full = xstrfmt("%s\t%s", e, sub);

					free(e);
					e = full;
				}
				v = xreallocarray(v, n + 2, sizeof(*v));
				v[n++] = e;
				v[n] = NULL;
			}
		}
		free(line);
		if (nl == end)
			break;
	}
	free(sec);
	free(sub);
	if (bad) {
		strv_free(v);
		return NULL;
	}
	return v;
}

/*
 * path resolved; when it is not there, the nearest directory above it that
 * is, resolved, with the names on the way (empty ones dropped): a hooks
 * directory not made yet (husky 9's .husky/_ after a git clean, tools/hooks
 * with no tools) is held as none, so that one a command makes is emptied,
 * and only what lands in it counts. NULL when neither resolves, or the first
 * name on the way is a link to nowhere. Malloc'd.
 */
static char *
resolve(const char *path)
{
	char *real = realpath(path, NULL), *dir, *slash, *up = NULL, *first;
	const char *rest;
	struct buf b;
	struct stat st;

	if (real != NULL || errno != ENOENT)
		return real;
	dir = xstrdup(path);
	while (up == NULL && (slash = strrchr(dir, '/')) != NULL && slash != dir) {
		if (strcmp(slash + 1, ".") == 0 || strcmp(slash + 1, "..") == 0)
			break;
		*slash = '\0';
		up = realpath(dir, NULL);
		if (up == NULL && errno != ENOENT)
			break;
	}
	if (up != NULL) {
		buf_init(&b, 0);
		buf_adds(&b, up);
		for (rest = path + strlen(dir); *rest != '\0'; rest += strcspn(rest, "/")) {
			rest += strspn(rest, "/");
			if (*rest != '\0')
				buf_addf(&b, "/%.*s", (int)strcspn(rest, "/"), rest);
		}
		first = xstrndup(b.data, strlen(up) + 1 + strcspn(b.data + strlen(up) + 1, "/"));
		/* a link to nowhere where the first name is: not a hooks directory to hold */
		if (lstat(first, &st) != 0 && b.len > strlen(up))
			real = buf_detach(&b);
		else
			buf_done(&b);
		free(first);
	}
	free(up);
	free(dir);
	return real;
}

static char *hooks_value_of(const char *path, char *val, int depth);

/* A config value as git reads a plain one: up to a comment or a quote, trimmed (in place). */
static char *
plain_value(char *s)
{
	size_t k;

	s += strspn(s, " \t");
	k = strcspn(s, "\r#;\\\"");
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	s[k] = '\0';
	return s;
}

/*
 * The value core.hooksPath is given last in config text data (len bytes):
 * "" when it is reset; else val, freed when replaced. With from, the path
 * of a config file outside the workspace, what its include.path names is
 * read where it stands, as git does (relative to from's directory, "~/"
 * from HOME), depth levels down so far; includeIf is not followed.
 */
char *
githooks_value(const char *data, size_t len, char *val, const char *from, int depth)
{
	const char *home = getenv("HOME"), *slash;
	char **v, *s, *path;
	size_t i;

	if (data == NULL || (v = git_config_entries(data, len)) == NULL)
		return val;
	for (i = 0; v[i] != NULL; i++) {
		if (str_startswith(v[i], "core.hookspath=")) {
			s = plain_value(v[i] + strlen("core.hookspath="));
			free(val);
			val = xstrdup(s);
		} else if (from != NULL && depth < INCLUDES && str_startswith(v[i], "include.path=")) {
			s = plain_value(v[i] + strlen("include.path="));
			slash = strrchr(from, '/');
			if (*s == '/')
				path = xstrdup(s);
			else if (str_startswith(s, "~/"))
				path = home != NULL && *home == '/' ? xstrfmt("%s/%s", home, s + 2) : NULL;
			else if (*s != '\0' && *s != '~' && slash != NULL)
				path = xstrfmt("%.*s/%s", (int)(slash - from), from, s);
			else
				path = NULL;
			val = hooks_value_of(path, val, depth + 1);
			free(path);
		}
	}
	strv_free(v);
	return val;
}

/* As githooks_value, for the config file at path outside the workspace (the user's, the system's). */
static char *
hooks_value_of(const char *path, char *val, int depth)
{
	char *data = NULL, *cause = NULL;
	size_t len = 0;

	if (path != NULL && file_read(path, CONFIG_MAX, &data, &len, &cause) == 0)
		val = githooks_value(data, len, val, path, depth);
	free(data);
	free(cause);
	return val;
}

/* Whether environment variable name holds a true value, as git reads one ("1", "true", "yes", "on"). */
static bool
env_true(const char *name)
{
	const char *s = getenv(name);

	return s != NULL && (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0);
}

/*
 * core.hooksPath as the config files git reads before a repository's give
 * it, in git's order: the system's (/etc/gitconfig, GIT_CONFIG_SYSTEM; none
 * under GIT_CONFIG_NOSYSTEM), then the user's (GIT_CONFIG_GLOBAL alone, or
 * $XDG_CONFIG_HOME/git/config then ~/.gitconfig), with the files their
 * include.path names. "git config --global
 * core.hooksPath .githooks" makes git run each work tree's .githooks. NULL
 * when none gives it. Malloc'd.
 */
char *
githooks_outer(void)
{
	const char *sys = getenv("GIT_CONFIG_SYSTEM"), *global = getenv("GIT_CONFIG_GLOBAL");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *val = NULL, *path;

	if (!env_true("GIT_CONFIG_NOSYSTEM"))
		val = hooks_value_of(sys != NULL ? sys : "/etc/gitconfig", val, 0);
	if (global != NULL)
		return hooks_value_of(global, val, 0);
	if (xdg != NULL && *xdg != '\0')
		path = xstrfmt("%s/git/config", xdg);
	else
		path = home != NULL && *home != '\0' ? xstrfmt("%s/.config/git/config", home) : NULL;
	val = hooks_value_of(path, val, 0);
	free(path);
	if (home != NULL && *home != '\0') {
		path = xstrfmt("%s/.gitconfig", home);
		val = hooks_value_of(path, val, 0);
		free(path);
	}
	return val;
}

/* Give val, freed when replaced, the value of config entry key=value when key is core.hooksPath. */
static char *
hooks_entry(char *val, const char *key, size_t klen, const char *value)
{
	if (klen != strlen("core.hookspath") || strncasecmp(key, "core.hookspath", klen) != 0 ||
	    value == NULL)
		return val;
	free(val);
	return xstrdup(value);
}

/*
 * One word of GIT_CONFIG_PARAMETERS at *s as git quotes it: in single
 * quotes, a quote written '\'' and a ! '\!'. Malloc'd, *s moved past it;
 * NULL when *s does not start one.
 */
static char *
sq_word(const char **s)
{
	const char *p = *s;
	struct buf b;

	if (*p != '\'')
		return NULL;
	buf_init(&b, 0);
	for (p++;;) {
		if (*p == '\0') {
			buf_done(&b);
			return NULL;
		}
		if (*p != '\'') {
			buf_addc(&b, *p++);
			continue;
		}
		if (p[1] == '\\' && p[2] != '\0' && p[3] == '\'') {
			buf_addc(&b, p[2]);
			p += 4;
			continue;
		}
		break;
	}
	*s = p + 1;
	buf_addc(&b, '\0');
	return buf_detach(&b);
}

/*
 * core.hooksPath as the environment gives it after val, git's files', in
 * git's order: GIT_CONFIG_COUNT's GIT_CONFIG_KEY_<n> and GIT_CONFIG_VALUE_<n>,
 * then GIT_CONFIG_PARAMETERS (git -c, each word 'key=value' or, since git
 * 2.31, 'key'='value'), which override every file. val is freed when
 * replaced; malloc'd.
 */
char *
githooks_env(char *val)
{
	const char *count = getenv("GIT_CONFIG_COUNT"), *params = getenv("GIT_CONFIG_PARAMETERS");
	const char *key, *value, *eq;
	char name[64], *word, *w2;
	long i, n;

	n = count != NULL && *count != '\0' ? strtol(count, NULL, 10) : 0;
	for (i = 0; i < n && i < 1000000; i++) {
		snprintf(name, sizeof(name), "GIT_CONFIG_KEY_%ld", i);
		key = getenv(name);
		snprintf(name, sizeof(name), "GIT_CONFIG_VALUE_%ld", i);
		value = getenv(name);
		if (key != NULL)
			val = hooks_entry(val, key, strlen(key), value);
	}
	while (params != NULL && *(params += strspn(params, " ")) != '\0' &&
	    (word = sq_word(&params)) != NULL) {
		w2 = NULL;
		if (*params == '=') {
			params++;
			w2 = sq_word(&params);
			val = hooks_entry(val, word, strlen(word), w2 != NULL ? w2 : "");
		} else if ((eq = strchr(word, '=')) != NULL)
			val = hooks_entry(val, word, (size_t)(eq - word), eq + 1);
		free(w2);
		free(word);
	}
	return val;
}

/*
 * The hooks directory a core.hooksPath value val names for the work tree at
 * top, resolved (see resolve): git takes a relative one from the top, and
 * "~/" from HOME. NULL when val is NULL or "", or names a user's home.
 */
char *
githooks_dir(const char *val, const char *top)
{
	const char *home = getenv("HOME");
	char *to, *real;

	if (val == NULL || *val == '\0')
		return NULL;
	if (*val == '/')
		to = xstrdup(val);
	else if (str_startswith(val, "~/") && home != NULL && *home == '/')
		to = xstrfmt("%s/%s", home, val + 2);
	else if (*val == '~')
		return NULL;
	else
		to = xstrfmt("%s/%s", top, val);
	real = resolve(to);
	free(to);
	return real;
}

/* Whether dir is husky 9's hooks directory, .husky/_: named _, with husky's runner h in it. */
bool
githooks_husky9(const char *dir)
{
	const char *base = strrchr(dir, '/');
	char *h, *data = NULL, *cause = NULL;
	size_t len = 0;
	bool yes = false;

	if (base == NULL || strcmp(base, "/_") != 0)
		return false;
	h = xstrfmt("%s/h", dir);
	if (file_read(h, 64 * 1024, &data, &len, &cause) == 0)
		yes = memmem(data, len, "husky", 5) != NULL;
	free(data);
	free(cause);
	free(h);
	return yes;
}
