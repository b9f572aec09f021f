/* pgservice: where a PostgreSQL connection service's server is, read as libpq reads its files. */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pgservice.h"
#include "util.h"

/* The directory of the system-wide file when PGSYSCONFDIR is unset (`pg_config --sysconfdir`). */
#ifndef LLM_PG_SYSCONFDIR
#define LLM_PG_SYSCONFDIR ""
#endif
/* libpq reads a line with fgets into this many bytes, and refuses one that fills them. */
#define PGSERVICE_LINE 1024
/* The largest service file read: libpq sets no limit, a real file is a few lines. */
#define PGSERVICE_MAX (1024 * 1024)

/* Keep setting key = v when it is one of s's and s has none yet. */
static void
pgservice_set(struct pgservice *s, const char *key, const char *v)
{
	char **slot = strcmp(key, "host") == 0 ? &s->host :
	    strcmp(key, "hostaddr") == 0 ? &s->hostaddr :
	    strcmp(key, "port") == 0 ? &s->port : NULL;

	if (slot != NULL && *slot == NULL)
		*slot = xstrdup(v);
}

int
pgservice_parse(const char *text, const char *name, struct pgservice *s)
{
	size_t nlen = strlen(name);
	const char *p, *e;
	char *line = NULL, *l, *eq;
	int rc = 0;                     /* 1: inside the entry */

	for (p = text; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if ((size_t)(e - p) + (*e == '\n') >= PGSERVICE_LINE - 1) {
			rc = -1;
			break;
		}
		free(line);
		l = str_trim(line = xstrndup(p, (size_t)(e - p)));
		if (*l == '\0' || *l == '#')
			continue;
		if (*l == '[') {
			/* The entry ends at the next one; what follows "]" is not looked at. */
			if (rc == 1)
				break;
			rc = strncmp(l + 1, name, nlen) == 0 && l[nlen + 1] == ']';
		} else if (rc == 1) {
			/* libpq, built with LDAP, asks its server for the settings of an ldap:// line. */
			if (strncmp(l, "ldap", 4) == 0 || (eq = strchr(l, '=')) == NULL) {
				rc = -1;
				break;
			}
			/* Nothing is trimmed around "=": "host = x" is a keyword libpq refuses. */
			*eq = '\0';
			if (strcmp(l, "service") == 0) {
				rc = -1;
				break;
			}
			pgservice_set(s, l, eq + 1);
		}
	}
	free(line);
	return rc;
}

/* pgservice_parse on the file at path; 0 too when it does not exist and need not. */
static int
pgservice_read(const char *path, const char *name, bool must, struct pgservice *s)
{
	struct stat st;
	char *text = NULL, *cause = NULL;
	size_t len;
	int rc = -1;

	if (!must && stat(path, &st) != 0)
		return 0;
	/* A NUL byte would end a line for fgets but not the text here: not worth telling apart. */
	if (file_read(path, PGSERVICE_MAX, &text, &len, &cause) == 0 &&
	    memchr(text, '\0', len) == NULL)
		rc = pgservice_parse(text, name, s);
	free(text);
	free(cause);
	return rc;
}

/*
 * The home directory as libpq 18 finds it: HOME, else the password
 * database's (older versions ask only the password database).
 */
static const char *
pgservice_home(void)
{
	const char *home = getenv("HOME");
	const struct passwd *pw;

	if (home != NULL && *home != '\0')
		return home;
	pw = getpwuid(geteuid());
	return pw != NULL ? pw->pw_dir : NULL;
}

bool
pgservice_find(const char *name, const char *userfile, struct pgservice *s)
{
	const char *dir = getenv("PGSYSCONFDIR"), *home;
	char *path;
	int rc = 0;

	if (userfile != NULL) {
		rc = pgservice_read(userfile, name, true, s);
	} else if ((home = pgservice_home()) != NULL) {
		path = xstrfmt("%s/.pg_service.conf", home);
		rc = pgservice_read(path, name, false, s);
		free(path);
	}
	if (dir == NULL && *LLM_PG_SYSCONFDIR != '\0')
		dir = LLM_PG_SYSCONFDIR;
	/* The user's entry, when there is one, is the whole service: the two are not merged. */
	if (rc == 0 && dir != NULL) {
		path = xstrfmt("%s/pg_service.conf", dir);
		rc = pgservice_read(path, name, false, s);
		free(path);
	}
	if (rc != 1)
		pgservice_done(s);
	return rc == 1;
}

void
pgservice_done(struct pgservice *s)
{
	free(s->host);
	free(s->hostaddr);
	free(s->port);
	s->host = s->hostaddr = s->port = NULL;
}
