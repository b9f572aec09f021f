/* Tests for confine: where the agent's commands may write (the plan; enforcement: agent_confine.sh). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "confine.h"
#include "tmpdir.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/llm-confine-XXXXXX";
static char *top; /* dir resolved */

/* Make the directories and files (a name ending in '/' is a directory) under dir. */
static void
make(const char *const *names)
{
	size_t i;
	char *p;

	for (i = 0; names[i] != NULL; i++) {
		p = xstrfmt("%s/%s", top, names[i]);
		if (str_endswith(p, "/")) {
			CHECK(mkdir_p(p) == 0);
		} else {
			FILE *f;

			*strrchr(p, '/') = '\0';
			CHECK(mkdir_p(p) == 0);
			p[strlen(p)] = '/';
			f = fopen(p, "w");

			CHECK(f != NULL);
			if (f != NULL)
				fclose(f);
		}
		free(p);
	}
}

/* The plan for roots and protect (names under dir, or absolute), as names under dir, one a line. */
static char *
plan(const char *const *roots, const char *const *protect)
{
	char *r[8] = { 0 }, *p[8] = { 0 }, **out;
	struct buf b;
	size_t i, n;

	for (i = 0; roots[i] != NULL; i++)
		r[i] = *roots[i] == '/' || *roots[i] == '\0' ? xstrdup(roots[i]) :
		    xstrfmt("%s/%s", top, roots[i]);
	for (i = 0; protect[i] != NULL; i++)
		p[i] = *protect[i] == '/' ? xstrdup(protect[i]) : xstrfmt("%s/%s", top, protect[i]);
	n = confine_plan((const char *const *)r, (const char *const *)p, &out);
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s\n", str_startswith(out[i], top) ? out[i] + strlen(top) + 1 : out[i]);
	CHECK(out[n] == NULL);
	strv_free(out);
	for (i = 0; i < 8; i++) {
		free(r[i]);
		free(p[i]);
	}
	return buf_detach(&b);
}

/* A root that holds nothing protected is one rule; missing and relative ones none; twice is once. */
static void
test_plain_roots(void)
{
	make((const char *const[]){ "ws/src/", "cache/", NULL });
	CHECK_STR_FREE(plan((const char *const[]){ "ws", "cache", "ws", "missing", "", NULL },
	    (const char *const[]){ "cfg", NULL }), "cache\nws\n");
}

/* A root holding a protected directory is given as its entries, down to it, but it and links. */
static void
test_split(void)
{
	make((const char *const[]){ "home/.bashrc", "home/proj/", "home/.config/llm/",
	    "home/.config/git/", "home/.config/gh.yml", "home/.local/share/llm/",
	    "home/.local/share/fonts/", "home/.local/bin/", NULL });
	{
		char *link = xstrfmt("%s/home/.config/all", top);

		CHECK(symlink(top, link) == 0);
		free(link);
	}
	CHECK_STR_FREE(plan((const char *const[]){ "home", NULL },
	    (const char *const[]){ "home/.config/llm", "home/.local/share/llm", NULL }),
	    "home/.bashrc\nhome/.config/gh.yml\nhome/.config/git\nhome/.local/bin\n"
	    "home/.local/share/fonts\nhome/proj\n");
}

/* A protected path that does not exist yet is kept from being made: its parents are split. */
static void
test_missing_protected(void)
{
	make((const char *const[]){ "h2/.config/other/", "h2/keep/", NULL });
	CHECK_STR_FREE(plan((const char *const[]){ "h2", NULL },
	    (const char *const[]){ "h2/.config/llm/", "h2/.local/share/llm", NULL }),
	    "h2/.config/other\nh2/keep\n");
}

/* A root at or beneath a protected path is left out; one reached by a link is resolved. */
static void
test_beneath_protected(void)
{
	char *link = xstrfmt("%s/to-data", top);

	make((const char *const[]){ "data/undo/", "ok/", NULL });
	CHECK(symlink("data/undo", link) == 0);
	CHECK_STR_FREE(plan((const char *const[]){ "data", "data/undo", "to-data", "ok", NULL },
	    (const char *const[]){ "data", NULL }), "ok\n");
	CHECK_STR_FREE(plan((const char *const[]){ "to-data", NULL }, (const char *const[]){ NULL }),
	    "data/undo\n");
	free(link);
}

/* A file can be a root ([agent] writable = ~/.bashrc). */
static void
test_file_root(void)
{
	make((const char *const[]){ "f/rc", NULL });
	CHECK_STR_FREE(plan((const char *const[]){ "f/rc", NULL }, (const char *const[]){ NULL }),
	    "f/rc\n");
}

/* The caches come from the environment where it names them, else from the home. */
static void
test_caches(void)
{
	char **c;
	struct buf b;
	size_t i;

	setenv("HOME", "/h", 1);
	unsetenv("XDG_CACHE_HOME");
	unsetenv("CARGO_HOME");
	unsetenv("GOMODCACHE");
	unsetenv("GOCACHE");
	unsetenv("npm_config_cache");
	setenv("GOPATH", "/gp:/other", 1);
	buf_init(&b, 0);
	c = confine_caches();
	for (i = 0; c[i] != NULL; i++)
		buf_addf(&b, "%s\n", c[i]);
	strv_free(c);
	CHECK_STR(buf_str(&b), "/h/.cache\n/h/.cargo/registry\n/h/.cargo/git\n/gp/pkg/mod\n/h/.npm\n");
	buf_done(&b);
	setenv("XDG_CACHE_HOME", "/x", 1);
	setenv("CARGO_HOME", "/c", 1);
	setenv("GOMODCACHE", "/m", 1);
	setenv("GOCACHE", "/gc", 1);
	setenv("npm_config_cache", "relative", 1);
	buf_init(&b, 0);
	c = confine_caches();
	for (i = 0; c[i] != NULL; i++)
		buf_addf(&b, "%s\n", c[i]);
	strv_free(c);
	CHECK_STR(buf_str(&b), "/x\n/c/registry\n/c/git\n/m\n/gc\n/h/.npm\n");
	buf_done(&b);
}

/* Whether name is under dir. */
static bool
there(const char *name)
{
	char *p = xstrfmt("%s/%s", top, name);
	struct stat st;
	bool yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

/*
 * The temporary directory of an llm killed before it could remove it is
 * swept once its process is gone and an hour has passed, with what a
 * command left in it; a live process's, a recent one and other names stay.
 */
static void
test_sweep(void)
{
	char dead[64], live[64], *p;
	pid_t pid = fork();
	int64_t now = (int64_t)time(NULL);

	if (pid == 0)
		_exit(0);
	CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid);
	snprintf(dead, sizeof dead, "sweep/llm-tmp.%ld.aB3xY9/", (long)pid);
	snprintf(live, sizeof live, "sweep/llm-tmp.%ld.Qw12Er/", (long)getpid());
	make((const char *const[]){ dead, live, "sweep/llm-tmp.abcdef/", "sweep/llm-tmp.1.ab/x",
	    "sweep/notes/", NULL });
	p = xstrfmt("%s/%sro/f", top, dead);
	*strrchr(p, '/') = '\0';
	CHECK(mkdir(p, 0700) == 0);
	CHECK(chmod(p, 0500) == 0);
	free(p);
	p = xstrfmt("%s/sweep", top);
	/* within the hour: all kept */
	confine_sweep(p, now + 60);
	CHECK(there(dead));
	confine_sweep(p, now + CONFINE_STALE_S + 60);
	CHECK(!there(dead));
	CHECK(there(live));
	CHECK(there("sweep/llm-tmp.abcdef"));
	CHECK(there("sweep/llm-tmp.1.ab/x"));
	CHECK(there("sweep/notes"));
	free(p);
}

int
main(void)
{
	tmpdir_make(dir);
	top = realpath(dir, NULL);
	RUN(test_plain_roots);
	RUN(test_split);
	RUN(test_missing_protected);
	RUN(test_beneath_protected);
	RUN(test_file_root);
	RUN(test_caches);
	RUN(test_sweep);
	free(top);
	UNIT_EXIT();
}
