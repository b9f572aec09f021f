/* cred: find a provider's API key: its key_env variable, then the keyring, then key_command. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cred.h"
#include "keyring.h"
#include "util.h"

extern char **environ;

/* How long key_command may take; it may ask for a passphrase. */
#define CRED_COMMAND_TIMEOUT_MS (120 * 1000)

/* What the keyring said about one provider, asked once per process. */
struct cred_seen {
	char *name;
	bool has;
};

static struct cred_seen *cred_seen;
static size_t cred_nseen;
static bool cred_keyring_down;   /* the keyring failed once: do not ask again */

/* "none", "env", "keyring" or "command". */
const char *
cred_source_str(enum cred_source s)
{
	switch (s) {
	case CRED_ENV:
		return "env";
	case CRED_KEYRING:
		return "keyring";
	case CRED_COMMAND:
		return "command";
	case CRED_NONE:
		break;
	}
	return "none";
}

/* Tell whether key is usable in a header: not empty, no control characters. */
bool
cred_key_valid(const char *key)
{
	const unsigned char *s;

	if (key == NULL || *key == '\0')
		return false;
	for (s = (const unsigned char *)key; *s != '\0'; s++)
		if (*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Keep keys out of core dumps and away from other processes' ptrace, once. */
static void
cred_protect(void)
{
	static bool done;
	struct rlimit rl = { 0, 0 };

	if (done)
		return;
	done = true;
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Wait for pid, retrying on EINTR; the raw status, or -1. */
static int
cred_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return status;
}

/*
 * Start /bin/sh -c cmd with stdout on wfd and an empty stdin (a pipe already
 * at end of file: llm's own stdin may be the user's material, and the command
 * must not eat it).
 */
static int
cred_spawn(const char *cmd, int rfd, int wfd, pid_t *pid)
{
	int in[2];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	int rc;

	if (pipe2(in, O_CLOEXEC) < 0)
		return errno;
	close(in[1]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, rfd);
	posix_spawn_file_actions_adddup2(&fa, wfd, STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, wfd);
	/* The command gets default signal handling whatever llm ignores (SIGPIPE). */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	close(in[0]);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/*
 * Read the child's output into out (CRED_COMMAND_MAX + 1 bytes) until end of
 * file: the length, or -1 with *cause when it is too long or too slow.
 */
static ssize_t
cred_read_all(int fd, char *out, char **cause)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int64_t deadline = clock_ms() + CRED_COMMAND_TIMEOUT_MS;
	size_t len = 0;
	ssize_t r;
	int left;

	for (;;) {
		left = (int)(deadline - clock_ms());
		if (left <= 0) {
			xasprintf(cause, "key_command took more than %d seconds",
			    CRED_COMMAND_TIMEOUT_MS / 1000);
			return -1;
		}
		r = poll(&pfd, 1, left);
		if (r < 0 && errno != EINTR) {
			xasprintf(cause, "key_command: poll: %s", strerror(errno));
			return -1;
		}
		if (r <= 0)
			continue;
		/* One byte of room past the cap tells "exactly full" from "over". */
		r = read(fd, out + len, CRED_COMMAND_MAX + 1 - len);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			xasprintf(cause, "key_command: read: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			return (ssize_t)len;
		len += (size_t)r;
		if (len > CRED_COMMAND_MAX) {
			xasprintf(cause, "key_command printed more than %d KiB",
			    CRED_COMMAND_MAX / 1024);
			return -1;
		}
	}
}

/* Describe a wait status that is not a clean exit 0; NULL when it is. */
static char *
cred_status_msg(int status)
{
	if (status < 0)
		return xstrfmt("key_command: cannot wait for it: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return xstrfmt("key_command exited with status 127 (command not found?)");
	if (WIFEXITED(status))
		return xstrfmt("key_command exited with status %d", WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return xstrfmt("key_command was killed by signal %d", WTERMSIG(status));
	return xstrfmt("key_command ended abnormally (status %d)", status);
}

/* Take the first line of out, trimmed, as the key. */
static int
cred_first_line(char *out, size_t len, char **key, char **cause)
{
	char *nl, *line;

	out[len] = '\0';
	if (strlen(out) != len) {
		xasprintf(cause, "key_command printed a NUL byte");
		return -1;
	}
	nl = strchr(out, '\n');
	if (nl != NULL)
		*nl = '\0';
	line = str_trim(out);
	if (*line == '\0') {
		xasprintf(cause, "key_command printed no key");
		return -1;
	}
	if (!cred_key_valid(line)) {
		xasprintf(cause, "key_command printed a key with control characters");
		return -1;
	}
	*key = xstrdup(line);
	return 0;
}

/* Run cmd with /bin/sh -c and return the first line it prints, trimmed. */
int
cred_run_command(const char *cmd, char **key, char **cause)
{
	char *out = NULL;
	char *msg = NULL;
	ssize_t len = -1;
	int fds[2];
	pid_t pid;
	int rc, status, ret = -1;

	*key = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		xasprintf(cause, "key_command: pipe: %s", strerror(errno));
		return -1;
	}
	rc = cred_spawn(cmd, fds[0], fds[1], &pid);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		xasprintf(cause, "key_command: cannot start /bin/sh: %s", strerror(rc));
		return -1;
	}
	out = xmalloc(CRED_COMMAND_MAX + 1);
	len = cred_read_all(fds[0], out, &msg);
	if (len < 0)
		kill(pid, SIGKILL);
	close(fds[0]);
	status = cred_wait(pid);
	if (len < 0) {
		*cause = msg;
		goto out;
	}
	if ((msg = cred_status_msg(status)) != NULL) {
		*cause = msg;
		goto out;
	}
	ret = cred_first_line(out, (size_t)len, key, cause);
out:
	secure_clear(out, CRED_COMMAND_MAX + 1);
	free(out);
	return ret;
}

/* What the keyring holds for name: 0 yes, 1 no, -1 cannot ask; cached. */
static int
cred_keyring_has(const char *name)
{
	char *cause = NULL;
	size_t i;
	int r;

	if (cred_keyring_down)
		return -1;
	for (i = 0; i < cred_nseen; i++)
		if (strcmp(cred_seen[i].name, name) == 0)
			return cred_seen[i].has ? 0 : 1;
	r = keyring_has(name, &cause);
	free(cause);
	if (r < 0) {
		cred_keyring_down = true;
		return -1;
	}
	cred_seen = xreallocarray(cred_seen, cred_nseen + 1, sizeof(*cred_seen));
	cred_seen[cred_nseen].name = xstrdup(name);
	cred_seen[cred_nseen].has = r == 0;
	cred_nseen++;
	return r;
}

/* The key_env variable when it is set and not empty, or NULL. */
static const char *
cred_env(const struct provider_conf *p)
{
	const char *v;

	if (p->key_env == NULL || *p->key_env == '\0')
		return NULL;
	v = getenv(p->key_env);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* Tell where p's key would come from without reading a secret or running a command. */
enum cred_source
cred_probe(const struct provider_conf *p)
{
	if (cred_env(p) != NULL)
		return CRED_ENV;
	if (cred_keyring_has(p->name) == 0)
		return CRED_KEYRING;
	if (p->key_command != NULL && *p->key_command != '\0')
		return CRED_COMMAND;
	return CRED_NONE;
}

/* Tell whether a key can be had for p without running key_command. */
bool
cred_available(const struct provider_conf *p)
{
	enum cred_source s;

	if (!p->requires_key)
		return true;
	s = cred_probe(p);
	return s == CRED_ENV || s == CRED_KEYRING;
}

/* Run key_command for p: 0 with *key, or -1 with a cause naming the provider. */
static int
cred_from_command(const struct provider_conf *p, char **key, char **cause)
{
	char *why = NULL;

	if (cred_run_command(p->key_command, key, &why) == 0)
		return 0;
	xasprintf(cause, "provider %s: %s", p->name, why);
	free(why);
	return -1;
}

/* Find p's key: key_env, then the keyring, then key_command. */
int
cred_get(const struct provider_conf *p, char **key, enum cred_source *src, char **cause)
{
	const char *v = cred_env(p);
	bool has_cmd = p->key_command != NULL && *p->key_command != '\0';
	char *why = NULL;
	int r;

	*key = NULL;
	*src = CRED_NONE;
	cred_protect();
	if (v != NULL) {
		if (!cred_key_valid(v)) {
			xasprintf(cause, "provider %s: $%s holds control characters (a stray newline?)",
			    p->name, p->key_env);
			return -1;
		}
		*key = xstrdup(v);
		*src = CRED_ENV;
		return 0;
	}
	r = keyring_get(p->name, key, &why);
	if (r == 0 && !cred_key_valid(*key)) {
		secret_free(*key);
		*key = NULL;
		free(why);
		xasprintf(cause, "provider %s: the keyring's key holds control characters; store it "
		    "again with `llm keys set %s`", p->name, p->name);
		return -1;
	}
	if (r == 0) {
		*src = CRED_KEYRING;
		return 0;
	}
	if (r < 0 && !has_cmd && p->requires_key) {
		if (p->key_env != NULL && *p->key_env != '\0')
			xasprintf(cause, "provider %s: $%s is not set, and %s", p->name, p->key_env, why);
		else
			xasprintf(cause, "provider %s: %s", p->name, why);
		free(why);
		return -1;
	}
	free(why);
	if (!has_cmd)
		return 1;
	if (cred_from_command(p, key, cause) < 0)
		return -1;
	*src = CRED_COMMAND;
	return 0;
}

/* The message for a provider with no key: names key_env, `llm keys set NAME` and key_command. */
char *
cred_missing_msg(const struct provider_conf *p)
{
	if (p->key_env != NULL && *p->key_env != '\0')
		return xstrfmt("no API key for provider %s: set the environment variable %s, "
		    "store one in the keyring with `llm keys set %s`, or set key_command under "
		    "[provider.%s] in config.ini", p->name, p->key_env, p->name, p->name);
	return xstrfmt("no API key for provider %s: store one in the keyring with "
	    "`llm keys set %s`, or set key_env or key_command under [provider.%s] in config.ini",
	    p->name, p->name, p->name);
}
