/* util: allocation that never fails, formatted strings, clocks and small string helpers. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static die_hook_fn die_hook;

void
util_set_die_hook(die_hook_fn fn)
{
	die_hook = fn;
}

void
die(const char *fmt, ...)
{
	va_list ap;

	if (die_hook != NULL) {
		die_hook_fn fn = die_hook;
		die_hook = NULL;
		fn();
	}
	fputs("llm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		die("out of memory");
	return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
xvasprintf(char **out, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		die("bad format string");
	*out = xmalloc((size_t)n + 1);
	vsnprintf(*out, (size_t)n + 1, fmt, ap);
	return n;
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xvasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

char *
xstrfmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	return s;
}

bool
str_copy(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);

	if (n == 0)
		return false;
	if (len >= n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = '\0';
		return false;
	}
	memcpy(dst, src, len + 1);
	return true;
}

char *
str_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

bool
str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether a and b differ by one letter added, dropped, changed or two swapped. */
bool
str_one_edit(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0;

	if (la < lb)
		return str_one_edit(b, a);
	if (la - lb > 1)
		return false;
	while (i < lb && a[i] == b[i])
		i++;
	if (la > lb)
		return strcmp(a + i + 1, b + i) == 0;
	if (i == la)
		return false;
	return strcmp(a + i + 1, b + i + 1) == 0 ||
	    (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && strcmp(a + i + 2, b + i + 2) == 0);
}

bool
str_endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* Whether s[0..n) holds nothing but white space (none at all too). */
bool
str_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr(" \t\n\r\v\f", s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

bool
str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

bool
str_to_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

bool
str_to_fixed(const char *s, int scale, int64_t *out)
{
	int64_t v = 0;
	int frac = -1, digits = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		digits++;
		if (frac >= 0 && frac >= scale) {
			if (*s != '0')
				return false;
			continue;
		}
		if (v > (INT64_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
	}
	if (digits == 0)
		return false;
	for (frac = frac < 0 ? 0 : frac; frac < scale; frac++) {
		if (v > INT64_MAX / 10)
			return false;
		v *= 10;
	}
	*out = v;
	return true;
}

bool
str_to_usd(const char *s, int64_t *pico)
{
	return s != NULL && str_to_fixed(*s == '$' ? s + 1 : s, 12, pico);
}

void
secure_clear(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	secure_clear(s, strlen(s));
	free(s);
}

void *
secret_alloc(size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t page = pg > 0 ? (size_t)pg : 4096, size;
	void *p;

	if (n > SIZE_MAX - page)
		die("out of memory");
	size = (n + page - 1) / page * page;
	if (size == 0)
		size = page;
	if (posix_memalign(&p, page, size) != 0)
		die("out of memory");
	/* best effort: RLIMIT_MEMLOCK may refuse, and the secret is still cleared on free */
	(void)mlock(p, size);
	(void)madvise(p, size, MADV_DONTDUMP);
	memset(p, 0, size);
	return p;
}

char *
secret_dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = secret_alloc(n);

	memcpy(p, s, n);
	return p;
}

int64_t
clock_now(void)
{
	const char *e = getenv("LLM_NOW");
	int64_t v;

	if (e != NULL && str_to_i64(e, &v))
		return v;
	return (int64_t)time(NULL);
}

int64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
cond_init_monotonic(pthread_cond_t *cv)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

void
cond_deadline(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	ts->tv_sec += ts->tv_nsec / 1000000000;
	ts->tv_nsec %= 1000000000;
}

int
file_read(const char *path, size_t max, char **out, size_t *len, char **cause)
{
	FILE *f;
	char *buf = NULL;
	size_t n = 0, cap = 0, r;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - n < 8192) {
			cap = cap ? cap * 2 : 16384;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n > max) {
			xasprintf(cause, "%s: larger than %zu bytes", path, max);
			goto out;
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	buf = NULL;
	if (len != NULL)
		*len = n;
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

int
tty_columns(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	int64_t v;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col > 400 ? 400 : ws.ws_col;
	if (c != NULL && str_to_i64(c, &v) && v > 0)
		return v > 400 ? 400 : (int)v;
	return 80;
}

void
strv_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
strv_add_unique(char ***v, size_t *n, char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0) {
			free(s);
			return;
		}
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

int
fd_write_all(int fd, const char *data, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Sync the directory holding path, so that a rename in it survives a crash. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Write a temporary file beside path and move it there: over path, or only where none is. */
static int
write_beside(const char *path, const char *data, size_t len, mode_t mode, bool replace,
    char **cause)
{
	char *tmp = xstrfmt("%s.XXXXXX", path);
	int fd, rc = -1;

	/* mkstemp creates a new file, 0600, with O_EXCL: never through a link planted there. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fd_write_all(fd, data, len) != 0 || fchmod(fd, mode) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	/* link() fails with EEXIST where rename() would replace: the check and the move are one */
	if (replace ? rename(tmp, path) != 0 : link(tmp, path) != 0)
		goto out;
	if (!replace)
		unlink(tmp);
	sync_dir(path);
	rc = 0;
out:
	if (rc != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

int
file_write_atomic(const char *path, const char *data, size_t len, mode_t mode, char **cause)
{
	return write_beside(path, data, len, mode, true, cause);
}

int
file_write_new(const char *path, const char *data, size_t len, mode_t mode, char **cause)
{
	return write_beside(path, data, len, mode, false, cause);
}

int
mkdir_p(const char *path)
{
	char tmp[4096];
	char *p;

	if (!str_copy(tmp, sizeof tmp, path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Whether prog is a program in a directory of $PATH (a regular file we may run). */
bool
path_has(const char *prog)
{
	const char *p = getenv("PATH");
	bool found = false;
	struct stat st;

	for (p = p != NULL ? p : "/usr/bin:/bin"; !found && *p;) {
		size_t len = strcspn(p, ":");
		char *f = xstrfmt("%.*s/%s", (int)len, len ? p : ".", prog);

		found = stat(f, &st) == 0 && S_ISREG(st.st_mode) && access(f, X_OK) == 0;
		free(f);
		p += len + (p[len] == ':');
	}
	return found;
}

#ifndef LLM_DATADIR
#define LLM_DATADIR "/usr/local/share/llm"
#endif

/* Add dir to the list of n (at most max) unless it is there already; it takes dir. */
static void
dirs_add(char **dirs, size_t *n, size_t max, char *dir)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (strcmp(dirs[i], dir) == 0) {
			free(dir);
			return;
		}
	}
	if (*n < max)
		dirs[(*n)++] = dir;
	else
		free(dir);
}

/* Cut path at its last slash (it names the directory then); false if it has none. */
static bool
dir_up(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == NULL)
		return false;
	*slash = '\0';
	return true;
}

size_t
data_dirs(const char *config_dir, const char *kind, bool near, char **dirs, size_t max)
{
	char exe[4096];
	ssize_t n;
	size_t count = 0;

	if (config_dir != NULL)
		dirs_add(dirs, &count, max, xstrfmt("%s/%s", config_dir, kind));
	dirs_add(dirs, &count, max, xstrfmt("%s/%s", LLM_DATADIR, kind));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0 && (size_t)n < sizeof(exe) - 1) {
		exe[n] = '\0';
		if (dir_up(exe)) {
			/* "make" leaves ./llm at the top of the tree, beside themes/ and roles/ */
			dirs_add(dirs, &count, max, xstrfmt("%s/%s", exe, kind));
			if (dir_up(exe)) {
				dirs_add(dirs, &count, max, xstrfmt("%s/share/llm/%s", exe, kind));
				dirs_add(dirs, &count, max, xstrfmt("%s/%s", exe, kind));
			}
		}
	}
	if (near)
		dirs_add(dirs, &count, max, xstrfmt("./%s", kind));
	return count;
}

const char *
signal_words(int sig)
{
	return sig == SIGTERM ? "terminated" : sig == SIGHUP ? "hung up" : "interrupted";
}
