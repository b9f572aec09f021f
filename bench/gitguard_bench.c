/*
 * gitguard_bench: time the git guard around one command, and before one write, in a workspace
 * with 50,000 directories, and around one command in one of 100,000 files. Given a directory
 * (gitguard_bench DIR), time it around one command there instead: a real checkout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitguard.h"
#include "util.h"
#include "bench.h"

#define PACKAGES 2000  /* node_modules/pkgN, 25 directories each: 50,000 */
#define TOPS 50        /* src/dN/eM: 50 x 100 directories of 20 files each: 100,000 files */
#define SUBS 100
#define FILES 20
#define RUNS 21

/* Make dir/rel, and its parents under dir. */
static void
mk(const char *dir, const char *rel)
{
	char *p = xstrfmt("%s/%s", dir, rel), *s;

	for (s = p + strlen(dir) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
	free(p);
}

/* A repository's workspace as a JavaScript project's is, with an npm tree of 50,000 directories. */
static void
fill(const char *dir)
{
	static const char *const parts[] = { "lib", "dist", "dist/esm", "dist/cjs", "src", "src/a",
	    "src/b", "src/c", "test", "test/u", "test/v", "docs", "types", "bin", "node_modules",
	    "node_modules/dep", "node_modules/dep/lib", "node_modules/dep/src", "node_modules/dep/test",
	    "node_modules/dep/dist", "node_modules/dep/dist/x", "node_modules/dep/dist/y",
	    "node_modules/dep/docs", "node_modules/dep/types" };
	char *rel;
	size_t i, k;

	mk(dir, ".git/hooks");
	mk(dir, ".git/info");
	for (i = 0; i < PACKAGES; i++) {
		rel = xstrfmt("node_modules/pkg%zu", i);
		mk(dir, rel);
		free(rel);
		for (k = 0; k < sizeof(parts) / sizeof(*parts); k++) {
			rel = xstrfmt("node_modules/pkg%zu/%s", i, parts[k]);
			mk(dir, rel);
			free(rel);
		}
	}
}

/* A project's tree of TOPS * SUBS directories under src, each holding FILES files, in a repository. */
static void
fill_files(const char *dir)
{
	char *p;
	size_t i, k, f;
	FILE *fp;

	mk(dir, ".git/hooks");
	mk(dir, ".git/info");
	for (i = 0; i < TOPS; i++)
		for (k = 0; k < SUBS; k++) {
			p = xstrfmt("src/d%zu/e%zu", i, k);
			mk(dir, p);
			free(p);
			for (f = 0; f < FILES; f++) {
				p = xstrfmt("%s/src/d%zu/e%zu/f%zu.c", dir, i, k, f);
				if ((fp = fopen(p, "w")) != NULL)
					fclose(fp);
				free(p);
			}
		}
}

/*
 * Time the guard around one command in dir, what is felt before it (take)
 * and after it (check) apart, and print them under the name what.
 */
static void
command_case(const char *dir, const char *what)
{
	int64_t take[RUNS], check[RUNS], both[RUNS], ctake[RUNS], ccheck[RUNS], t, c;
	struct gitguard *g;
	char *un = NULL;
	int i;

	for (i = 0; i < RUNS; i++) {
		c = cpu_us();
		t = now_us();
		g = gitguard_take(dir);
		take[i] = now_us() - t;
		ctake[i] = cpu_us() - c;
		c = cpu_us();
		t = now_us();
		free(gitguard_check(g));
		check[i] = now_us() - t;
		ccheck[i] = cpu_us() - c;
		both[i] = take[i] + check[i];
		free(un);
		un = gitguard_unchecked(g);
		gitguard_free(g);
	}
	printf("gitguard around a command, %s: before %.1f ms (CPU %.1f), after %.1f ms (CPU %.1f),"
	    " both %.1f ms (medians over %d runs)%s\n", what, (double)median(take, RUNS) / 1000.0,
	    (double)median(ctake, RUNS) / 1000.0, (double)median(check, RUNS) / 1000.0,
	    (double)median(ccheck, RUNS) / 1000.0, (double)median(both, RUNS) / 1000.0, RUNS,
	    un != NULL ? " (not all looked into)" : "");
	free(un);
}

/* Remove dir and all it holds. */
static void
rm_tree(const char *dir)
{
	char *cmd = xstrfmt("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
}

/* Time the look before a write to rel in dir: the first of a task, and one after a command. */
static void
write_case(const char *dir, const char *rel)
{
	char *path = xstrfmt("%s/%s", dir, rel), **dots;
	int64_t v[RUNS], t;
	struct gitguard *g;
	int i;

	for (i = 0; i < RUNS; i++) {
		t = now_us();
		g = gitguard_take(dir);
		v[i] = now_us() - t;
		gitguard_free(g);
	}
	printf("gitguard before the first write of a task: median %.1f ms over %d runs\n",
	    (double)median(v, RUNS) / 1000.0, RUNS);
	g = gitguard_take(dir);
	free(gitguard_check(g));
	dots = gitguard_dots(g);
	gitguard_free(g);
	for (i = 0; i < RUNS; i++) {
		t = now_us();
		g = gitguard_take_known(dir, dots, path);
		v[i] = now_us() - t;
		if (gitguard_runs(g, path))
			fprintf(stderr, "%s taken for a hook\n", rel);
		gitguard_free(g);
	}
	printf("gitguard before a write after a command or another write: median %.3f ms over %d runs\n",
	    (double)median(v, RUNS) / 1000.0, RUNS);
	strv_free(dots);
	free(path);
}

int
main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], *cmd, *said, *un = NULL, *real;
	int64_t v[RUNS], t;
	struct gitguard *g;
	int i, pass;

	if (argc > 1) {
		if ((real = realpath(argv[1], NULL)) == NULL) {
			fprintf(stderr, "gitguard_bench: %s: no such directory\n", argv[1]);
			return 2;
		}
		command_case(real, real);
		free(real);
		return 0;
	}
	snprintf(dir, sizeof dir, "%s/llm-bench-XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	fill_files(dir);
	command_case(dir, "100,000 files in 5,000 directories");
	rm_tree(dir);
	snprintf(dir, sizeof dir, "%s/llm-bench-XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	fill(dir);
	/* as npm leaves it, then the same tree under another name: every directory looked into */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < RUNS; i++) {
			t = now_us();
			g = gitguard_take(dir);
			said = gitguard_check(g);
			v[i] = now_us() - t;
			free(said);
			free(un);
			un = gitguard_unchecked(g);
			gitguard_free(g);
		}
		printf("gitguard take+check, %d directories in %s: median %.1f ms over %d runs%s\n",
		    PACKAGES * 25 + 1, pass == 0 ? "node_modules" : "deps", (double)median(v, RUNS) / 1000.0,
		    RUNS, un != NULL ? " (not all looked into)" : "");
		free(un);
		un = NULL;
		cmd = xstrfmt("mv '%s/node_modules' '%s/deps'", dir, dir);
		if (pass == 0 && system(cmd) != 0)
			fprintf(stderr, "could not rename %s/node_modules\n", dir);
		free(cmd);
	}
	write_case(dir, "deps/pkg7/src/a/new.c");
	rm_tree(dir);
	return 0;
}
