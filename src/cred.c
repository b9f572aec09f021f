/* cred: find a provider's API key: its key_env variable, then the keyring, then key_command. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cred.h"
#include "keyring.h"
#include "proc.h"
#include "util.h"

/* How long key_command may take; it may ask for a passphrase. */
#define CRED_COMMAND_TIMEOUT_MS (120 * 1000)

/*
 * How long a key key_command printed is kept. A session sends a request per
 * message and a task one per step; running the command for each would ask
 * for the passphrase, or wait on the password manager, every time.
 */
#define CRED_KEEP_MS (5 * 60 * 1000)

/* What the keyring said about one provider, asked once per process. */
struct cred_seen {
	char *name;
	bool has;
};

static struct cred_seen *cred_seen;
static size_t cred_nseen;

/* A key key_command printed, on locked pages as every copy of a key is. */
struct cred_kept {
	char *name;      /* the provider's */
	char *command;   /* the command that printed it: another one is run again */
	char *key;
	int64_t at;      /* clock_ms() when it was printed */
};

static struct cred_kept *cred_keys;
static size_t cred_nkeys;
/* Set by the caller's signal handler: a key_command running is stopped (cred_stop_on). */
static const volatile sig_atomic_t *cred_stop;
/* Called around a key_command that runs (cred_around). */
static void (*cred_around_fn)(void *arg, const char *provider, bool before);
static void *cred_around_arg;
static bool cred_was_stopped;   /* the last key_command ran until a stop (cred_stopped) */
static bool cred_keep_life;     /* keys kept as long as the process lives (cred_keep_for_life) */
static bool cred_keyring_down;   /* the keyring failed once: do not ask again */
static char *cred_keyring_why;   /* why it failed, when it did */

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
void
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

/* Collect what key_command prints, up to one byte past CRED_COMMAND_MAX. */
struct cred_out {
	char *data;     /* CRED_COMMAND_MAX + 1 bytes and a terminator */
	size_t len;
};

static bool
cred_sink(void *arg, const char *p, size_t n)
{
	struct cred_out *o = arg;
	size_t room = CRED_COMMAND_MAX + 1 - o->len;

	/* One byte of room past the cap tells "exactly full" from "over". */
	if (n > room)
		n = room;
	memcpy(o->data + o->len, p, n);
	o->len += n;
	return o->len <= CRED_COMMAND_MAX;
}

/*
 * Start /bin/sh -c cmd with stdout on a pipe and stdin on /dev/null (llm's
 * own stdin may be the user's material, and the command must not eat it).
 * It stays in llm's session and process group: it may ask for a passphrase
 * on the terminal, and when the group llm leads is killed (the git hook's
 * time limit) it goes too. Its stderr is llm's, for the same prompts.
 */
static int
cred_spawn(const char *cmd, struct proc *p, char **cause)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct proc_spec s = {
		.argv = argv,
		.out = PROC_IO_PIPE,
		.err = PROC_IO_INHERIT,
		.tty = true,
		.timeout_ms = CRED_COMMAND_TIMEOUT_MS,
		.stop = cred_stop,
	};
	char *why = NULL;

	if (proc_start(p, &s, &why) == 0)
		return 0;
	xasprintf(cause, "key_command: %s", why);
	free(why);
	return -1;
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

/*
 * Why text cannot be a key as it stands, or NULL: a line copied whole from a
 * shell profile or a .env file (OPENAI_API_KEY=sk-..., export ...), an
 * Authorization header's value (Bearer sk-...) or a key in quotes would be
 * sent as is, and every request would then fail as a rejected key with
 * nothing to say why.
 */
const char *
cred_not_a_key(const char *key)
{
	size_t n = strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), len = strlen(key);

	if (strncasecmp(key, "Bearer ", 7) == 0 || strncasecmp(key, "Basic ", 6) == 0)
		return "the text starts with the word of an Authorization header (Bearer), which "
		    "llm adds itself";
	if (strpbrk(key, " \t") != NULL)
		return "the key holds a space (a line such as `export NAME=KEY`?)";
	if (n > 0 && key[n] == '=' && key[n + 1] != '\0' && memchr(key, '_', n) != NULL)
		return "the text reads NAME=KEY (a line of a .env file?)";
	if (len > 1 && (key[0] == '"' || key[0] == '\'') && key[len - 1] == key[0])
		return "the key is in quotes";
	/* keys are ASCII; a chat app's curly quotes or an editor's byte order mark are not */
	for (; *key != '\0'; key++)
		if ((unsigned char)*key >= 0x80)
			return "the key holds a character that is not ASCII (curly quotes?)";
	return NULL;
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
	*key = secret_dup(line);
	return 0;
}

/* Stop a key_command running when *flag is set (NULL: never). */
void
cred_stop_on(const volatile sig_atomic_t *flag)
{
	cred_stop = flag;
}

void
cred_keep_for_life(void)
{
	cred_keep_life = true;
}

bool
cred_stopped(void)
{
	return cred_was_stopped;
}

void
cred_around(void (*fn)(void *arg, const char *provider, bool before), void *arg)
{
	cred_around_fn = fn;
	cred_around_arg = arg;
}

/* Why key_command was killed before its end: stopped, or past its time. */
static char *
cred_cut_msg(const struct proc *p)
{
	if (p->stopped)
		return xstrfmt("key_command was stopped");
	return xstrfmt("key_command took more than %d seconds", CRED_COMMAND_TIMEOUT_MS / 1000);
}

/* Run cmd with /bin/sh -c and return the first line it prints, trimmed. */
int
cred_run_command(const char *cmd, char **key, char **cause)
{
	struct cred_out out = { .data = NULL, .len = 0 };
	struct proc p;
	char *msg;
	int status, ret = -1;

	*key = NULL;
	if (cred_spawn(cmd, &p, cause) != 0)
		return -1;
	out.data = secret_alloc(CRED_COMMAND_MAX + 1);
	if (proc_read(&p, cred_sink, &out) < 0) {
		*cause = cred_cut_msg(&p);
		goto out;
	}
	if (out.len > CRED_COMMAND_MAX) {
		proc_kill(&p, 0);
		xasprintf(cause, "key_command printed more than %d KiB", CRED_COMMAND_MAX / 1024);
		goto out;
	}
	status = proc_wait(&p);
	if (p.timed_out) {
		*cause = cred_cut_msg(&p);
		goto out;
	}
	if ((msg = cred_status_msg(status)) != NULL) {
		*cause = msg;
		goto out;
	}
	ret = cred_first_line(out.data, out.len, key, cause);
out:
	/* killed by llm or by the Ctrl-C itself: a stop either way */
	cred_was_stopped = ret != 0 && cred_stop != NULL && *cred_stop != 0;
	secure_clear(out.data, CRED_COMMAND_MAX + 1);
	free(out.data);
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
	if (r < 0) {
		cred_keyring_down = true;
		if (!keyring_absent())
			cred_keyring_why = cause;
		else
			free(cause);
		return -1;
	}
	free(cause);
	cred_seen = xreallocarray(cred_seen, cred_nseen + 1, sizeof(*cred_seen));
	cred_seen[cred_nseen].name = xstrdup(name);
	cred_seen[cred_nseen].has = r == 0;
	cred_nseen++;
	return r;
}

/*
 * Why a keyring that is there could not be asked (no answer, locked), or NULL
 * when it could, was not asked, or is not there at all.
 */
const char *
cred_keyring_error(void)
{
	return cred_keyring_why;
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

/* The kept key of p's provider, or NULL. */
static struct cred_kept *
cred_kept_of(const struct provider_conf *p)
{
	size_t i;

	for (i = 0; i < cred_nkeys; i++)
		if (strcmp(cred_keys[i].name, p->name) == 0)
			return &cred_keys[i];
	return NULL;
}

/* Forget the key key_command printed for p, if one is kept. */
void
cred_forget(const struct provider_conf *p)
{
	struct cred_kept *k = cred_kept_of(p);

	if (k == NULL)
		return;
	secret_free(k->key);
	free(k->name);
	free(k->command);
	*k = cred_keys[--cred_nkeys];
}

/* Keep key, which p's key_command printed just now. */
static void
cred_keep(const struct provider_conf *p, const char *key)
{
	struct cred_kept *k;

	cred_forget(p);
	cred_keys = xreallocarray(cred_keys, cred_nkeys + 1, sizeof(*cred_keys));
	k = &cred_keys[cred_nkeys++];
	k->name = xstrdup(p->name);
	k->command = xstrdup(p->key_command);
	k->key = secret_dup(key);
	k->at = clock_ms();
}

/*
 * Run key_command for p, or take the key it printed less than CRED_KEEP_MS
 * ago: 0 with *key, or -1 with a cause naming the provider.
 */
static int
cred_from_command(const struct provider_conf *p, char **key, char **cause)
{
	struct cred_kept *k = cred_kept_of(p);
	const char *wrong;
	char *why = NULL;
	int rc;

	if (k != NULL && strcmp(k->command, p->key_command) == 0 &&
	    (cred_keep_life || clock_ms() - k->at < CRED_KEEP_MS)) {
		*key = secret_dup(k->key);
		return 0;
	}
	if (cred_around_fn != NULL)
		cred_around_fn(cred_around_arg, p->name, true);
	rc = cred_run_command(p->key_command, key, &why);
	if (cred_around_fn != NULL)
		cred_around_fn(cred_around_arg, p->name, false);
	if (rc == 0) {
		/* the same check as llm keys set; the message never holds the text */
		if ((wrong = cred_not_a_key(*key)) == NULL) {
			cred_keep(p, *key);
			return 0;
		}
		secret_free(*key);
		*key = NULL;
		xasprintf(cause, "provider %s: key_command printed something other than a key: %s; "
		    "make it print the key alone, as the provider shows it", p->name, wrong);
		return -1;
	}
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
		*key = secret_dup(v);
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
	if (r < 0 && !keyring_absent() && cred_keyring_why == NULL)
		cred_keyring_why = xstrdup(why);
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

/* The message a request fails with when p's key cannot be had: every way to give one, then why. */
char *
cred_fail_msg(const struct provider_conf *p, const char *why)
{
	char *msg, *out;

	/*
	 * The keyring could not be asked (no bus, locked, no answer): its own
	 * message says what to do, and "store one with llm keys set" would not.
	 */
	if (why != NULL && cred_keyring_why != NULL && strstr(why, cred_keyring_why) != NULL)
		return xstrdup(why);
	msg = cred_missing_msg(p);
	if (why == NULL)
		return msg;
	out = xstrfmt("%s (%s)", msg, why);
	free(msg);
	return out;
}

/* Get p's key as a request would, and let it go. */
int
cred_check(const struct provider_conf *p, char **cause)
{
	enum cred_source src;
	char *key = NULL, *why = NULL;
	int rc;

	if (!p->requires_key && p->key_env == NULL && p->key_command == NULL)
		return 0;
	if (p->requires_key && cred_probe(p) == CRED_NONE) {
		*cause = cred_missing_msg(p);
		return -1;
	}
	rc = cred_get(p, &key, &src, &why);
	secret_free(key);
	if (rc < 0 || (rc == 1 && p->requires_key)) {
		*cause = cred_fail_msg(p, rc < 0 ? why : NULL);
		free(why);
		return -1;
	}
	free(why);
	return 0;
}
