/* held: a file, link or directory beneath a directory as it was: read, compared, put back. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "held.h"
#include "util.h"

/* A name as the model and the user are shown it: printable ASCII, the rest as \xNN. */
void
held_add_name(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 0x20 && *s < 0x7f && *s != '\\')
			buf_addc(b, *s);
		else
			buf_addf(b, "\\x%02x", (unsigned char)*s);
}

/* Open the directory holding name ("a", "a/b", ...) beneath dirfd, never through a link; *base its last part. */
int
held_open_parent(int dirfd, const char *name, const char **base)
{
	const char *slash;
	char *dir;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0), next;

	while (fd >= 0 && (slash = strchr(name, '/')) != NULL) {
		dir = xstrndup(name, (size_t)(slash - name));
		next = openat(fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(dir);
		close(fd);
		fd = next;
		name = slash + 1;
	}
	*base = name;
	return fd;
}

/* Read name beneath dirfd into h, as it is now. */
void
held_take(int dirfd, const char *name, struct held *h)
{
	const char *base;
	char *data;
	ssize_t r;
	size_t len = 0;
	int pfd = held_open_parent(dirfd, name, &base), fd = -1;

	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	if (pfd < 0 || fstatat(pfd, base, &h->st, AT_SYMLINK_NOFOLLOW) != 0)
		goto out;
	h->kind = h->st.st_mode & S_IFMT;
	if (S_ISLNK(h->st.st_mode)) {
		data = xmalloc(PATH_MAX);
		if ((r = readlinkat(pfd, base, data, PATH_MAX - 1)) >= 0) {
			data[r] = '\0';
			h->data = data;
			h->len = (size_t)r;
		} else
			free(data);
	} else if (S_ISREG(h->st.st_mode) && h->st.st_size <= HELD_FILE_MAX &&
	    (fd = openat(pfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) >= 0) {
		data = xmalloc(HELD_FILE_MAX + 1);
		while (len <= HELD_FILE_MAX &&
		    ((r = read(fd, data + len, HELD_FILE_MAX + 1 - len)) > 0 || (r < 0 && errno == EINTR)))
			len += r > 0 ? (size_t)r : 0;
		if (len <= HELD_FILE_MAX) {
			data[len] = '\0';
			h->data = data;
			h->len = len;
		} else
			free(data);
	}
out:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
}

void
held_done(struct held *h)
{
	free(h->name);
	free(h->data);
}

/* Whether a and b hold the same thing. */
bool
held_same(const struct held *a, const struct held *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == 0 || a->kind == S_IFDIR)
		return true;
	if ((a->data == NULL) != (b->data == NULL))
		return false;
	if (a->data == NULL)
		return a->st.st_ino == b->st.st_ino && a->st.st_size == b->st.st_size &&
		    a->st.st_mtim.tv_sec == b->st.st_mtim.tv_sec &&
		    a->st.st_mtim.tv_nsec == b->st.st_mtim.tv_nsec;
	return a->len == b->len && memcmp(a->data, b->data, a->len) == 0 &&
	    (a->kind != S_IFREG || (a->st.st_mode & 07777) == (b->st.st_mode & 07777));
}

/* Remove name beneath dirfd, a directory with all it holds; 0, or -1. */
static int
remove_at(int dirfd, const char *name, int depth)
{
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int fd, rc = 0;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0);
	if (depth > 32 || (fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((e = readdir(dir)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    remove_at(fd, e->d_name, depth + 1) != 0)
			rc = -1;
	closedir(dir);
	return rc == 0 ? unlinkat(dirfd, name, AT_REMOVEDIR) : -1;
}

int
held_remove(int dirfd, const char *name)
{
	return remove_at(dirfd, name, 0);
}

/* Make name beneath dirfd hold what h held; 0, or -1 when it cannot (a file too large to hold). */
int
held_restore(int dirfd, const struct held *h)
{
	const char *base;
	char tmp[64];
	int pfd = held_open_parent(dirfd, h->name, &base), fd, rc = -1;

	if (pfd < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), ".llm-restore.%ld", (long)getpid());
	if (h->kind == 0)
		rc = remove_at(pfd, base, 0);
	else if (h->kind == S_IFDIR)
		rc = remove_at(pfd, base, 0) == 0 && mkdirat(pfd, base, h->st.st_mode & 07777) == 0 ? 0 : -1;
	else if (h->data == NULL || (h->kind != S_IFREG && h->kind != S_IFLNK))
		rc = -1;
	else if (remove_at(pfd, tmp, 0) == 0 && h->kind == S_IFLNK) {
		if (symlinkat(h->data, pfd, tmp) == 0 && remove_at(pfd, base, 0) == 0)
			rc = renameat(pfd, tmp, pfd, base);
	} else if ((fd = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600)) >= 0) {
		rc = fd_write_all(fd, h->data, h->len) == 0 && fchmod(fd, h->st.st_mode & 07777) == 0 ?
		    0 : -1;
		if (close(fd) != 0)
			rc = -1;
		/* a directory where the file was is not replaced by rename */
		if (rc == 0 && (rc = renameat(pfd, tmp, pfd, base)) != 0 && errno == EISDIR &&
		    remove_at(pfd, base, 0) == 0)
			rc = renameat(pfd, tmp, pfd, base);
	}
	if (rc != 0)
		unlinkat(pfd, tmp, 0);
	close(pfd);
	return rc;
}

/* Open the directory name beneath dirfd, never through a link; -1 with errno set. */
int
held_open_dir(int dirfd, const char *name)
{
	const char *base;
	int pfd = held_open_parent(dirfd, name, &base), fd, err;

	if (pfd < 0)
		return -1;
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	err = errno;
	close(pfd);
	errno = err;
	return fd;
}
