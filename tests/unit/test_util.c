/* test_util: string helpers, fixed-point parsing, files written atomically, directories, secrets and clocks. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"
#include "tmpdir.h"

static char tmpdir[] = "/tmp/llm-test-util.XXXXXX";

static void
test_str_copy(void)
{
	char d[4];

	CHECK(str_copy(d, sizeof d, "abc"));
	CHECK_STR(d, "abc");
	CHECK(!str_copy(d, sizeof d, "abcd"));
	CHECK_STR(d, "abc");
	CHECK(str_copy(d, sizeof d, ""));
	CHECK_STR(d, "");
	d[0] = 'x';
	CHECK(!str_copy(d, 0, "a"));
	CHECK(d[0] == 'x');
	CHECK(!str_copy(d, 1, "a"));
	CHECK_STR(d, "");
}

/* A cut at a byte count backs off to the start of the character it would split. */
static void
test_utf8_cut(void)
{
	const char *s = "ab\xc3\xa9" "cd";   /* "abécd": é is two bytes, 2 and 3 */

	CHECK_INT(utf8_cut(s, 6, 10), 6);
	CHECK_INT(utf8_cut(s, 6, 6), 6);
	CHECK_INT(utf8_cut(s, 6, 4), 4);
	CHECK_INT(utf8_cut(s, 6, 3), 2);
	CHECK_INT(utf8_cut(s, 6, 2), 2);
	CHECK_INT(utf8_cut(s, 6, 0), 0);
	CHECK_INT(utf8_cut("\xe2\x80\xa6", 3, 2), 0);
}

/* White space alone is blank, nothing at all too; a NUL or any letter is not. */
static void
test_str_blank(void)
{
	CHECK(str_blank("", 0));
	CHECK(str_blank(NULL, 0));
	CHECK(str_blank(" \t\r\n\v\f", 6));
	CHECK(!str_blank(" x ", 3));
	CHECK(!str_blank(" \0 ", 3));
	CHECK(str_blank("  x", 2));
}

static void
test_str_trim(void)
{
	char a[] = "  \t hello world \r\n", b[] = "   ", c[] = "x";

	CHECK_STR(str_trim(a), "hello world");
	CHECK_STR(str_trim(b), "");
	CHECK_STR(str_trim(c), "x");
}

static void
test_str_affixes(void)
{
	CHECK(str_startswith("prefix-rest", "prefix"));
	CHECK(str_startswith("abc", ""));
	CHECK(!str_startswith("ab", "abc"));
	CHECK(str_endswith("file.theme", ".theme"));
	CHECK(str_endswith("abc", ""));
	CHECK(!str_endswith("me", "theme"));
	CHECK(!str_endswith("file.themes", ".theme"));
	CHECK(str_ieq("Content-Type", "content-TYPE"));
	CHECK(str_ieq("", ""));
	CHECK(!str_ieq("abc", "abcd"));
	CHECK(!str_ieq("abcd", "abc"));
	CHECK(!str_ieq("abc", "abd"));
}

static void
test_str_to_i64(void)
{
	int64_t v = 7;

	CHECK(str_to_i64("0", &v));
	CHECK_INT(v, 0);
	CHECK(str_to_i64("-42", &v));
	CHECK_INT(v, -42);
	CHECK(str_to_i64("9223372036854775807", &v));
	CHECK(v == INT64_MAX);
	CHECK(str_to_i64("-9223372036854775808", &v));
	CHECK(v == INT64_MIN);
	v = 7;
	CHECK(!str_to_i64("9223372036854775808", &v));
	CHECK(!str_to_i64("-9223372036854775809", &v));
	CHECK(!str_to_i64("", &v));
	CHECK(!str_to_i64(NULL, &v));
	CHECK(!str_to_i64(" 5", &v));
	CHECK(!str_to_i64("5 ", &v));
	CHECK(!str_to_i64("12a", &v));
	CHECK(!str_to_i64("0x10", &v));
	CHECK_INT(v, 7);
}

static void
test_str_to_fixed(void)
{
	static const struct {
		const char *s;
		int scale;
		int64_t want;
	} ok[] = {
		{ "0.14", 6, 140000 }, { "50", 6, 50000000 }, { "12.5", 2, 1250 }, { ".5", 1, 5 },
		{ "3.", 2, 300 },
		/* digits past the scale are allowed only when they are zeros */
		{ "1.2500", 2, 125 },
	};
	int64_t v = 7;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		v = 7;
		CHECK(str_to_fixed(ok[i].s, ok[i].scale, &v));
		CHECK_INT(v, ok[i].want);
	}
	v = 7;
	CHECK(!str_to_fixed("1.255", 2, &v));
	CHECK(!str_to_fixed("", 2, &v));
	CHECK(!str_to_fixed(".", 2, &v));
	CHECK(!str_to_fixed(NULL, 2, &v));
	CHECK(!str_to_fixed("-1", 2, &v));
	CHECK(!str_to_fixed("1.2.3", 2, &v));
	CHECK(!str_to_fixed("1e3", 2, &v));
	CHECK(!str_to_fixed(" 1", 2, &v));
	CHECK_INT(v, 7);
	/* dollars, with or without the sign, as picodollars */
	CHECK(str_to_usd("0.05", &v) && v == 50000000000);
	CHECK(str_to_usd("$0.05", &v) && v == 50000000000);
	CHECK(!str_to_usd("$$1", &v));
	CHECK(!str_to_usd("$", &v));
	CHECK(!str_to_usd("1$", &v));
	CHECK(!str_to_usd(NULL, &v));
	/* overflow: in the digits, and in the scaling after them */
	CHECK(str_to_fixed("9223372036854775807", 0, &v));
	CHECK(v == INT64_MAX);
	CHECK(!str_to_fixed("9223372036854775808", 0, &v));
	CHECK(!str_to_fixed("9223372036854775807", 1, &v));
	CHECK(str_to_fixed("9223372036854775.807", 3, &v));
	CHECK(v == INT64_MAX);
	CHECK(!str_to_fixed("9223372036854775.808", 3, &v));
}

static void
test_alloc_and_format(void)
{
	char *s, *t;
	int n;

	CHECK_STR_FREE(xstrfmt("%s-%03d", "id", 7), "id-007");
	n = xasprintf(&s, "%d%%", 50);
	CHECK_INT(n, 3);
	CHECK_STR(s, "50%");
	free(s);
	CHECK_STR_FREE(xstrndup("abcdef", 3), "abc");
	/* n bytes exactly, a NUL among them kept: callers pass lengths they track */
	s = xstrndup("ab\0cd", 5);
	CHECK(memcmp(s, "ab\0cd", 6) == 0);
	free(s);
	s = xstrndup("ab", 2);
	CHECK_STR(s, "ab");
	t = xstrdup(s);
	CHECK(t != s);
	CHECK_STR(t, "ab");
	free(s);
	free(t);
	s = xcalloc(4, 8);
	CHECK(memcmp(s, "\0\0\0\0\0\0\0\0", 8) == 0);
	s = xreallocarray(s, 16, 8);
	s[127] = 'x';
	free(s);
}

static void
test_secret(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *p = secret_alloc(10);
	char *s;
	size_t i;

	CHECK(p != NULL);
	CHECK(pg <= 0 || (uintptr_t)p % (uintptr_t)pg == 0);
	for (i = 0; i < 10 && p[i] == 0; i++)
		;
	CHECK_INT(i, 10);
	secure_clear(p, 10);
	free(p);
	secure_clear(NULL, 10);
	s = secret_dup("sk-test-123");
	CHECK_STR(s, "sk-test-123");
	secret_free(s);
	secret_free(NULL);
}

static void
test_clock(void)
{
	int64_t a, b;

	setenv("LLM_NOW", "1700000000", 1);
	CHECK_INT(clock_now(), 1700000000);
	setenv("LLM_NOW", "junk", 1);
	CHECK(clock_now() > 1700000000);
	unsetenv("LLM_NOW");
	CHECK(clock_now() > 1700000000);
	a = clock_ms();
	b = clock_ms();
	CHECK(b >= a);
}

/* A deadline on a monotonic condition: reached when its time is up, never before. */
static void
test_cond_deadline(void)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv;
	struct timespec ts;
	int64_t t0, waited;

	cond_deadline(&ts, 1999);
	CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	cond_init_monotonic(&cv);
	pthread_mutex_lock(&mu);
	t0 = clock_ms();
	cond_deadline(&ts, 120);
	while (pthread_cond_timedwait(&cv, &mu, &ts) != ETIMEDOUT)
		;
	waited = clock_ms() - t0;
	pthread_mutex_unlock(&mu);
	CHECK(waited >= 119 && waited < 5000);
	pthread_cond_destroy(&cv);
}

static void
test_file_write_read(void)
{
	char *path = xstrfmt("%s/f.txt", tmpdir), *data = NULL, *cause = NULL;
	struct stat st;
	size_t len = 0;

	CHECK_INT(file_write_atomic(path, "first", 5, 0600, &cause), 0);
	CHECK_INT(file_write_atomic(path, "sec\0nd", 6, 0640, &cause), 0);
	CHECK(cause == NULL);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0640);
	CHECK_INT(file_read(path, 100, &data, &len, &cause), 0);
	CHECK_INT(len, 6);
	CHECK(memcmp(data, "sec\0nd", 7) == 0);
	free(data);
	data = NULL;
	/* one byte under the size: refused, with the path in the reason */
	CHECK_INT(file_read(path, 5, &data, &len, &cause), -1);
	CHECK(data == NULL);
	CHECK_CAUSE(cause, "larger than 5 bytes");
	CHECK_INT(file_read(path, 6, &data, NULL, &cause), 0);
	free(data);
	free(path);
	path = xstrfmt("%s/missing", tmpdir);
	CHECK_INT(file_read(path, 100, &data, &len, &cause), -1);
	CHECK_CAUSE(cause, "missing");
	free(path);
	/* into a directory that does not exist: a reason, and no file */
	path = xstrfmt("%s/no/such/dir/f", tmpdir);
	CHECK_INT(file_write_atomic(path, "x", 1, 0600, &cause), -1);
	CHECK_CAUSE(cause, path);
	free(path);
}

/* The temporary file beside the target is gone after the rename. */
static void
test_file_write_leaves_nothing(void)
{
	char *path = xstrfmt("%s/clean/out", tmpdir), *cmd, *cause = NULL;

	CHECK_INT(mkdir_p(path), 0);
	CHECK_INT(rmdir(path), 0);
	CHECK_INT(file_write_atomic(path, "x", 1, 0600, &cause), 0);
	cmd = xstrfmt("test \"$(ls -A %s/clean)\" = out", tmpdir);
	CHECK_INT(system(cmd), 0);
	free(cmd);
	free(path);
}

static void
test_mkdir_p(void)
{
	char *path = xstrfmt("%s/a/b/c", tmpdir), *file, long_path[5000];
	struct stat st;

	CHECK_INT(mkdir_p(path), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0700);
	CHECK_INT(mkdir_p(path), 0);
	/* a file in the way */
	file = xstrfmt("%s/a/file", tmpdir);
	CHECK_INT(file_write_atomic(file, "", 0, 0600, NULL), 0);
	free(path);
	path = xstrfmt("%s/sub", file);
	CHECK_INT(mkdir_p(path), -1);
	free(path);
	free(file);
	memset(long_path, 'a', sizeof long_path - 1);
	long_path[0] = '/';
	long_path[sizeof long_path - 1] = '\0';
	errno = 0;
	CHECK_INT(mkdir_p(long_path), -1);
	CHECK_INT(errno, ENAMETOOLONG);
}

/* A stop is said as what it was; SIGHUP is 1, so a bare "stopped" flag of 1 would be a hang-up. */
static void
test_signal_words(void)
{
	CHECK_STR(signal_words(SIGINT), "interrupted");
	CHECK_STR(signal_words(SIGTERM), "terminated");
	CHECK_STR(signal_words(SIGHUP), "hung up");
	CHECK_STR(signal_words(0), "interrupted");
}

int
main(void)
{
	tmpdir_make(tmpdir);
	RUN(test_str_copy);
	RUN(test_str_trim);
	RUN(test_str_blank);
	RUN(test_utf8_cut);
	RUN(test_str_affixes);
	RUN(test_str_to_i64);
	RUN(test_str_to_fixed);
	RUN(test_alloc_and_format);
	RUN(test_secret);
	RUN(test_clock);
	RUN(test_cond_deadline);
	RUN(test_file_write_read);
	RUN(test_file_write_leaves_nothing);
	RUN(test_mkdir_p);
	RUN(test_signal_words);
	UNIT_EXIT();
}
