/* test_ws: every file the workspace reads, writes, makes or lists is reached beneath its root, even when a directory is swapped for a link meanwhile. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "buf.h"
#include "tools.h"
#include "tools_priv.h"
#include "unit.h"
#include "util.h"
#include "tmpdir.h"

static char base[] = "/tmp/llm-ws-XXXXXX"; /* the workspace, and what lies outside it */
static char root[64];     /* base/ws */
static char out[64];      /* base/out: never read, written or listed */

/* The path of rel under base (malloc'd). */
static char *
at(const char *rel)
{
	return xstrfmt("%s/%s", base, rel);
}

/* Write a file under base. */
static void
put(const char *rel, const char *data)
{
	char *path = at(rel), *cause = NULL;

	if (file_write_atomic(path, data, strlen(data), 0644, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		abort();
	}
	free(path);
}

/* The contents of a file under base, or NULL. */
static char *
get(const char *rel)
{
	char *path = at(rel), *data = NULL, *cause = NULL;
	size_t len;

	if (file_read(path, 1 << 20, &data, &len, &cause) != 0)
		free(cause);
	free(path);
	return data;
}

/* Make the directory rel under base. */
static void
make(const char *rel)
{
	char *path = at(rel);

	if (mkdir_p(path) != 0)
		abort();
	free(path);
}

/* Remove rel under base and all below it. */
static void
rm(const char *rel)
{
	char *path = at(rel);

	tmpdir_remove(path);
	free(path);
}

/* The names in the directory rel under base, sorted, one a line (malloc'd). */
static char *
names(const char *rel)
{
	char *path = at(rel), *cmd = xstrfmt("ls -A '%s' 2>&1", path), line[256];
	FILE *f = popen(cmd, "r");
	struct buf b;

	buf_init(&b, 0);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		buf_adds(&b, line);
	if (f != NULL)
		pclose(f);
	free(cmd);
	free(path);
	return buf_detach(&b);
}

/* Nothing outside the workspace changed: out holds its two files as they were. */
static void
check_out(void)
{
	CHECK_STR_FREE(names("out"), "f.txt\nonly-out.txt\n");
	CHECK_STR_FREE(get("out/f.txt"), "OUTSIDE\n");
	CHECK_STR_FREE(get("out/only-out.txt"), "OUTSIDE\n");
}

/* Another process puts a link to out where the directory ws/dir was. */
static void
swap(const char *dir)
{
	char *d = xstrfmt("%s/%s", root, dir), *old = xstrfmt("%s.old", d);

	CHECK(rename(d, old) == 0 && symlink(out, d) == 0);
	free(old);
	free(d);
}

/* Put the directory ws/dir back in place of the link. */
static void
unswap(const char *dir)
{
	char *d = xstrfmt("%s/%s", root, dir), *old = xstrfmt("%s.old", d);

	CHECK(unlink(d) == 0 && rename(old, d) == 0);
	free(old);
	free(d);
}

/* The workspace, opened with openat2 where the kernel has it, or one component at a time. */
static struct ws *
open_ws(bool walk)
{
	struct ws *w = NULL;
	char *cause = NULL;

	if (ws_open(&w, root, NULL, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		abort();
	}
	w->walk = walk;
	return w;
}

/* Resolve path, which must be inside. */
static void
resolve(const struct ws *w, const char *path, struct ws_path *p)
{
	char *why = NULL;

	CHECK_INT(ws_resolve(w, path, p, &why), 0);
	free(why);
}

/* A file resolved, then its directory swapped for a link out: it is not read there. */
static void
test_read_swapped_dir(bool walk)
{
	struct ws *w = open_ws(walk);
	struct ws_path p;
	char *data = NULL, *why = NULL;
	size_t len;

	make("ws/sub");
	put("ws/sub/f.txt", "inside\n");
	resolve(w, "sub/f.txt", &p);
	swap("sub");
	CHECK_INT(ws_read(w, &p, &data, &len, &why), -1);
	CHECK(data == NULL);
	CHECK_CAUSE(why, "symbolic link: refused");
	free(data);
	unswap("sub");
	CHECK_INT(ws_read(w, &p, &data, &len, &why), 0);
	CHECK(data != NULL && len == 7 && memcmp(data, "inside\n", 7) == 0);
	free(data);
	ws_path_done(&p);
	rm("ws/sub");
	ws_close(w);
	check_out();
}

/* Files resolved, then their directory swapped for a link out: nothing is written there. */
static void
test_write_swapped_dir(bool walk)
{
	static const char *const paths[] = { "sub/f.txt", "sub/new.txt", "sub/a/b/c.txt" };
	struct ws *w = open_ws(walk);
	struct ws_path p[3];
	char *why = NULL;
	size_t i;

	make("ws/sub");
	put("ws/sub/f.txt", "inside\n");
	for (i = 0; i < 3; i++)
		resolve(w, paths[i], &p[i]);
	CHECK(p[0].exists && !p[1].exists && !p[2].exists);
	swap("sub");
	for (i = 0; i < 3; i++) {
		CHECK_INT(ws_write(w, &p[i], "NEW\n", 4, &why), -1);
		CHECK_CAUSE(why, "symbolic link");
		ws_path_done(&p[i]);
	}
	check_out();
	unswap("sub");
	CHECK_STR_FREE(names("ws/sub"), "f.txt\n");
	CHECK_STR_FREE(get("ws/sub/f.txt"), "inside\n");
	rm("ws/sub");
	ws_close(w);
	check_out();
}

/* What undo does, and what search and list do, go beneath the root too. */
static void
test_other_uses_swapped(bool walk)
{
	struct ws *w = open_ws(walk);
	char *data = NULL, *why = NULL;
	size_t len;
	int fd;

	make("ws/sub");
	put("ws/sub/f.txt", "inside\n");
	swap("sub");
	CHECK_INT(ws_read_raw(w, "sub/f.txt", &data, &len), -1);
	CHECK_INT(errno, ELOOP);
	CHECK(data == NULL);
	CHECK_INT(ws_replace(w, "sub/f.txt", "NEW\n", 4, 0644, &why), -1);
	CHECK_CAUSE(why, "symbolic link");
	CHECK_INT(ws_remove(w, "sub/f.txt"), -1);
	fd = ws_open_beneath(w, "sub", O_RDONLY | O_DIRECTORY, 0);
	CHECK(fd < 0 && errno == ELOOP);
	check_out();
	unswap("sub");
	rm("ws/sub");
	ws_close(w);
}

static int
collect(void *arg, const struct ws_entry *e)
{
	buf_addf(arg, "%s\n", e->rel);
	return 0;
}

/* The root itself renamed and a link put in its place: the workspace stays where it was. */
static void
test_root_swapped(bool walk)
{
	struct ws *w = open_ws(walk);
	char *moved = xstrfmt("%s.moved", root), *data = NULL, *why = NULL;
	struct ws_path p;
	struct buf b;
	size_t len;

	put("ws/top.txt", "top\n");
	resolve(w, "top.txt", &p);
	CHECK(rename(root, moved) == 0 && symlink(out, root) == 0);
	CHECK_INT(ws_read(w, &p, &data, &len, &why), 0);
	CHECK(data != NULL && len == 4 && memcmp(data, "top\n", 4) == 0);
	free(data);
	CHECK_INT(ws_read_raw(w, "only-out.txt", &data, &len), -1);
	buf_init(&b, 0);
	ws_walk(w, "", collect, &b);
	CHECK_STR(buf_str(&b), "top.txt\n");
	buf_done(&b);
	CHECK_INT(ws_write(w, &p, "top2\n", 5, &why), 0);
	check_out();
	CHECK(unlink(root) == 0 && rename(moved, root) == 0);
	CHECK_STR_FREE(get("ws/top.txt"), "top2\n");
	ws_path_done(&p);
	rm("ws/top.txt");
	free(moved);
	ws_close(w);
}

/* Reading, writing, new nested directories, undo's replace and remove: as before. */
static void
test_plain_use(bool walk)
{
	struct ws *w = open_ws(walk);
	struct ws_path p;
	struct stat st;
	char *data = NULL, *why = NULL, *path = at("ws/n1/n2/new.txt");
	size_t len;
	mode_t um = umask(022);
	struct buf b;

	umask(um);
	resolve(w, "n1//n2/new.txt", &p);
	CHECK_INT(ws_write(w, &p, "one\n", 4, &why), 0);
	ws_path_done(&p);
	CHECK_STR_FREE(get("ws/n1/n2/new.txt"), "one\n");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == (0666 & ~um));
	CHECK(chmod(path, 0750) == 0);
	resolve(w, "n1/n2/new.txt", &p);
	CHECK_INT(ws_read(w, &p, &data, &len, &why), 0);
	CHECK(len == 4 && memcmp(data, "one\n", 4) == 0);
	free(data);
	CHECK_INT(ws_write(w, &p, "two\n", 4, &why), 0);
	ws_path_done(&p);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0750);
	CHECK_STR_FREE(names("ws/n1/n2"), "new.txt\n"); /* no temporary file left */
	buf_init(&b, 0);
	ws_walk(w, "n1", collect, &b);
	CHECK_STR(buf_str(&b), "n1/n2\nn1/n2/new.txt\n");
	buf_done(&b);
	CHECK_INT(ws_replace(w, "n1/n2/new.txt", "three\n", 6, 0600, &why), 0);
	CHECK_STR_FREE(get("ws/n1/n2/new.txt"), "three\n");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	CHECK_INT(ws_remove(w, "n1/n2/new.txt"), 0);
	CHECK_STR_FREE(names("ws/n1/n2"), "");
	rm("ws/n1");
	free(path);
	ws_close(w);
	check_out();
}

/* Only plain names beneath the root: no "..", ".", absolute path or link on the way. */
static void
test_plain_names_only(bool walk)
{
	static const char *const bad[] = { "../out/f.txt", "/etc/passwd", "sub/../../out/f.txt",
		"./top.txt", "sub/./f.txt", "..", NULL };
	struct ws *w = open_ws(walk);
	char *l = xstrfmt("%s/inlink", root);
	int fd;
	size_t i;

	make("ws/sub");
	put("ws/sub/f.txt", "inside\n");
	CHECK(symlink("sub", l) == 0);
	for (i = 0; bad[i] != NULL; i++) {
		errno = 0;
		fd = ws_open_beneath(w, bad[i], O_RDONLY, 0);
		CHECK(fd < 0 && errno == EINVAL);
	}
	/* a link on the way is refused even when it stays inside */
	fd = ws_open_beneath(w, "inlink/f.txt", O_RDONLY, 0);
	CHECK(fd < 0 && errno == ELOOP);
	fd = ws_open_beneath(w, "inlink", O_RDONLY, 0);
	CHECK(fd < 0 && errno == ELOOP);
	fd = ws_open_beneath(w, "sub/f.txt", O_RDONLY, 0);
	CHECK(fd >= 0);
	close(fd);
	fd = ws_open_beneath(w, "", O_RDONLY | O_DIRECTORY, 0);
	CHECK(fd >= 0);
	close(fd);
	unlink(l);
	free(l);
	rm("ws/sub");
	ws_close(w);
}

/* Whether this kernel, and any filter in front of it, has openat2. */
static bool
has_openat2(void)
{
#ifdef SYS_openat2
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC };
	long fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));

	if (fd >= 0)
		close((int)fd);
	return fd >= 0;
#else
	return false;
#endif
}

int
main(void)
{
	static const struct {
		const char *name;
		void (*fn)(bool walk);
	} tests[] = {
		{ "read_swapped_dir", test_read_swapped_dir },
		{ "write_swapped_dir", test_write_swapped_dir },
		{ "other_uses_swapped", test_other_uses_swapped },
		{ "root_swapped", test_root_swapped },
		{ "plain_use", test_plain_use },
		{ "plain_names_only", test_plain_names_only },
	};
	char name[96];
	size_t i;
	int walk;

	tmpdir_make(base);
	snprintf(root, sizeof(root), "%s/ws", base);
	snprintf(out, sizeof(out), "%s/out", base);
	make("ws/.git");
	make("out");
	put("out/f.txt", "OUTSIDE\n");
	put("out/only-out.txt", "OUTSIDE\n");
	printf("# openat2: %s\n", has_openat2() ? "yes" : "no: both runs walk");
	for (walk = 0; walk <= 1; walk++)
		for (i = 0; i < ARRAY_SIZE(tests); i++) {
			snprintf(name, sizeof(name), "test_%s (%s)", tests[i].name,
			    walk ? "walk" : "openat2");
			RUN_CASE(name, tests[i].fn, walk);
		}
	UNIT_EXIT();
}
