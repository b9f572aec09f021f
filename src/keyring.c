/* keyring: API keys in the OS keyring (Secret Service through libsecret), never in a file. */
#include <libsecret/secret.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dl.h"
#include "keyring.h"
#include "util.h"

/*
 * libsecret, and the GLib, GIO and D-Bus stack under it, are loaded when a
 * key is first wanted, not at start-up: linking them made every command pay
 * for a dozen more libraries, a third of `llm --version`. The calls below go
 * through these pointers, each named as the function it stands for.
 */
#define KEYRING_SYMS(X) \
	X(g_bus_get_sync) X(g_cancellable_cancel) X(g_cancellable_is_cancelled) \
	X(g_cancellable_new) X(g_clear_error) X(g_dbus_connection_set_exit_on_close) \
	X(g_dbus_error_is_remote_error) X(g_dbus_error_strip_remote_error) X(g_error_matches) \
	X(g_hash_table_lookup) X(g_hash_table_unref) X(g_list_free_full) X(g_list_length) \
	X(g_object_unref) X(g_io_error_quark) X(g_dbus_error_quark) X(secret_error_get_quark) \
	X(secret_password_clear_sync) X(secret_password_free) X(secret_password_lookup_sync) \
	X(secret_password_search_sync) X(secret_password_store_sync) \
	X(secret_retrievable_get_attributes)

#define KEYRING_PTR(name) __typeof__(name) *name;
static struct {
	KEYRING_SYMS(KEYRING_PTR)
} keyring_lib;
#define KEYRING_SYM(fn) DL_SYM(keyring_lib, fn)
static const struct dl_sym keyring_syms[] = { KEYRING_SYMS(KEYRING_SYM) };
#undef KEYRING_SYM

/* Whether the last failure was for want of a Secret Service, not one that failed to answer. */
static bool keyring_was_absent;

bool
keyring_absent(void)
{
	return keyring_was_absent;
}

/* Load libsecret once: 0, or -1 with *cause. */
static int
keyring_load(char **cause)
{
	static void *lib;
	const char *missing;
	void *h;

	if (lib != NULL)
		return 0;
	h = dlopen("libsecret-1.so.0", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		keyring_was_absent = true;
		xasprintf(cause, "keyring: cannot load libsecret (%s): install it (Debian and Ubuntu: "
		    "libsecret-1-0), or set key_env or key_command for the provider in config.ini",
		    dlerror());
		return -1;
	}
	if ((missing = dl_find(h, keyring_syms, ARRAY_SIZE(keyring_syms))) != NULL) {
		xasprintf(cause, "keyring: libsecret lacks %s: it is too old for llm", missing);
		return -1;
	}
	lib = h;
	return 0;
}

#define g_bus_get_sync (*keyring_lib.g_bus_get_sync)
#define g_cancellable_cancel (*keyring_lib.g_cancellable_cancel)
#define g_cancellable_is_cancelled (*keyring_lib.g_cancellable_is_cancelled)
#define g_cancellable_new (*keyring_lib.g_cancellable_new)
#define g_clear_error (*keyring_lib.g_clear_error)
#define g_dbus_connection_set_exit_on_close (*keyring_lib.g_dbus_connection_set_exit_on_close)
#define g_dbus_error_is_remote_error (*keyring_lib.g_dbus_error_is_remote_error)
#define g_dbus_error_strip_remote_error (*keyring_lib.g_dbus_error_strip_remote_error)
#define g_error_matches (*keyring_lib.g_error_matches)
#define g_hash_table_lookup (*keyring_lib.g_hash_table_lookup)
#define g_hash_table_unref (*keyring_lib.g_hash_table_unref)
#define g_list_free_full (*keyring_lib.g_list_free_full)
#define g_list_length (*keyring_lib.g_list_length)
#define g_object_unref (*keyring_lib.g_object_unref)
#define g_io_error_quark (*keyring_lib.g_io_error_quark)
#define g_dbus_error_quark (*keyring_lib.g_dbus_error_quark)
#define secret_error_get_quark (*keyring_lib.secret_error_get_quark)
#define secret_password_clear_sync (*keyring_lib.secret_password_clear_sync)
#define secret_password_free (*keyring_lib.secret_password_free)
#define secret_password_lookup_sync (*keyring_lib.secret_password_lookup_sync)
#define secret_password_search_sync (*keyring_lib.secret_password_search_sync)
#define secret_password_store_sync (*keyring_lib.secret_password_store_sync)
#define secret_retrievable_get_attributes (*keyring_lib.secret_retrievable_get_attributes)

#define KEYRING_APP "llm"

/* The fix for a missing Secret Service, shared by every message that needs it. */
#define KEYRING_FIX \
	"start a Secret Service (gnome-keyring-daemon, or KeePassXC with its Secret Service " \
	"integration), or set key_env or key_command for the provider in config.ini"

/* How to unlock a collection when the service could not prompt. */
#define KEYRING_UNLOCK \
	"the collection is locked and the Secret Service could not ask for its password: " \
	"unlock it from the desktop session or a keyring manager (Seahorse, KeePassXC), or " \
	"without a desktop restart the daemon with `gnome-keyring-daemon --replace --unlock " \
	"--components=secrets`, which reads the password on stdin"

/* How to get a default collection when the service has none. */
#define KEYRING_CREATE \
	"create one and make it the default from the desktop session or a keyring manager " \
	"(Seahorse: File, New, Password Keyring), or without a desktop restart the daemon with " \
	"`gnome-keyring-daemon --replace --unlock --components=secrets`, which reads the new " \
	"collection's password on stdin; or set key_env or key_command for the provider in " \
	"config.ini"

static const SecretSchema keyring_schema = {
	.name = "org.llm.Key",
	.flags = SECRET_SCHEMA_NONE,
	.attributes = {
		{ .name = "application", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ .name = "provider", .type = SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ .name = NULL, .type = 0 },
	},
};

/*
 * How long one keyring operation may take, in seconds. A bus that accepts and
 * never answers, a stuck daemon, or an unlock prompt shown on a screen nobody
 * looks at (a desktop session while the user is on SSH) would otherwise hang
 * every command that needs a key. A lookup may put up an unlock prompt, so it
 * gets long enough to type a password; the rest never prompts.
 */
#define KEYRING_WAIT_S 5
#define KEYRING_PROMPT_WAIT_S 30

/* Why a timed-out operation failed, and what to do. */
#define KEYRING_TIMEOUT_FMT \
	"keyring: the Secret Service did not answer within %d seconds: if the keyring is " \
	"locked, unlock it (its unlock prompt may be waiting on another screen, such as the " \
	"desktop session when you are on SSH), check that its daemon is running and not " \
	"stuck, or set key_env or key_command for the provider in config.ini"

/*
 * A watchdog: a thread that cancels the operation's GCancellable when its
 * time is up (g_cancellable_cancel is thread-safe), so the synchronous
 * libsecret and GDBus calls return G_IO_ERROR_CANCELLED instead of waiting on.
 */
struct keyring_watch {
	GCancellable *cancel;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int secs;
	bool done;
	bool started;
};

static void *
keyring_watch_run(void *arg)
{
	struct keyring_watch *w = arg;
	struct timespec until;
	int rc = 0;

	cond_deadline(&until, (int64_t)w->secs * 1000);
	pthread_mutex_lock(&w->mu);
	while (!w->done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w->cv, &w->mu, &until);
	pthread_mutex_unlock(&w->mu);
	if (rc == ETIMEDOUT)
		g_cancellable_cancel(w->cancel);
	return NULL;
}

/* Start the clock on an operation of at most secs seconds. */
static void
keyring_watch_start(struct keyring_watch *w, int secs)
{
	memset(w, 0, sizeof(*w));
	w->cancel = g_cancellable_new();
	w->secs = secs;
	pthread_mutex_init(&w->mu, NULL);
	cond_init_monotonic(&w->cv);
	w->started = pthread_create(&w->thread, NULL, keyring_watch_run, w) == 0;
}

/* Stop the clock: true when the time ran out (the operation was cancelled). */
static bool
keyring_watch_stop(struct keyring_watch *w)
{
	bool expired;

	pthread_mutex_lock(&w->mu);
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	if (w->started)
		pthread_join(w->thread, NULL);
	expired = g_cancellable_is_cancelled(w->cancel);
	g_object_unref(w->cancel);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	return expired;
}

static void keyring_error(GError *err, const char *what, char **cause);

/*
 * Report a failed operation: the timeout's message when the watchdog ran
 * out, else the error's. Clears err.
 */
static void
keyring_fail(GError **err, bool expired, int secs, const char *what, char **cause)
{
	if (expired)
		xasprintf(cause, KEYRING_TIMEOUT_FMT, secs);
	else
		keyring_error(*err, what, cause);
	g_clear_error(err);
}

/*
 * Refuse early when there is no session bus: GLib would otherwise try to
 * autolaunch one (dbus-launch), starting a daemon behind the user's back.
 */
static int
keyring_bus_check(char **cause)
{
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	char *path;
	bool ok;

	if (addr != NULL && *addr != '\0')
		return 0;
	if (rt != NULL && *rt != '\0') {
		path = xstrfmt("%s/bus", rt);
		ok = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
		free(path);
		if (ok)
			return 0;
	}
	keyring_was_absent = true;
	xasprintf(cause, "keyring: no session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no "
	    "Secret Service: " KEYRING_FIX);
	return -1;
}

/* Turn a libsecret or D-Bus error into a message that says what to do. */
static void
keyring_error(GError *err, const char *what, char **cause)
{
	const char *msg;

	/* "GDBus.Error:org.freedesktop...: text" reads better as "text". */
	if (err != NULL && g_dbus_error_is_remote_error(err))
		g_dbus_error_strip_remote_error(err);
	msg = err != NULL ? err->message : "unknown error";
	if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)) {
		xasprintf(cause, "keyring: the Secret Service did not answer (%s); check that its "
		    "daemon is running and not stuck, or set key_env or key_command for the provider "
		    "in config.ini", msg);
	} else if (err != NULL && err->domain == G_IO_ERROR && err->code != G_IO_ERROR_CANCELLED) {
		keyring_was_absent = true;
		xasprintf(cause, "keyring: cannot reach the session bus (%s), so no Secret Service: "
		    KEYRING_FIX, msg);
	} else if (err != NULL && (g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND)
	    || g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_NO_SERVER))) {
		keyring_was_absent = true;
		xasprintf(cause, "keyring: no Secret Service on the session bus (%s): " KEYRING_FIX, msg);
	} else if (err != NULL && (g_error_matches(err, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT)
	    || strstr(msg, "/collection/") != NULL)) {
		/* A daemon started without --unlock, never logged in to: no "login" collection. */
		xasprintf(cause, "keyring: the Secret Service has no collection to keep keys in (%s): "
		    KEYRING_CREATE, msg);
	} else if (err != NULL && (g_error_matches(err, SECRET_ERROR, SECRET_ERROR_IS_LOCKED)
	    || g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED))) {
		xasprintf(cause, "keyring: %s; " KEYRING_UNLOCK, msg);
	} else {
		xasprintf(cause, "keyring: cannot %s: %s", what, msg);
	}
}

/* Connect to the session bus within secs seconds; the connection is shared and kept by GLib. */
static int
keyring_connect(int secs, char **cause)
{
	struct keyring_watch w;
	GError *err = NULL;
	GDBusConnection *bus;
	bool expired;

	keyring_was_absent = false;
	if (keyring_bus_check(cause) < 0 || keyring_load(cause) < 0)
		return -1;
	keyring_watch_start(&w, secs);
	bus = g_bus_get_sync(G_BUS_TYPE_SESSION, w.cancel, &err);
	expired = keyring_watch_stop(&w);
	if (bus == NULL) {
		keyring_fail(&err, expired, secs, "connect", cause);
		return -1;
	}
	/* Ours must not end the process when the bus goes away. */
	g_dbus_connection_set_exit_on_close(bus, FALSE);
	g_object_unref(bus);
	return 0;
}

/* Say whether a provider name is fit for an attribute and a label. */
static bool
keyring_name_ok(const char *provider, char **cause)
{
	const unsigned char *s;

	if (provider == NULL || *provider == '\0') {
		xasprintf(cause, "keyring: empty provider name");
		return false;
	}
	for (s = (const unsigned char *)provider; *s != '\0'; s++) {
		if (*s < 0x20 || *s == 0x7f) {
			xasprintf(cause, "keyring: bad provider name");
			return false;
		}
	}
	return true;
}

/*
 * A lookup or a delete that finds nothing also means "locked and the prompt
 * failed" (libsecret reports a dismissed prompt as no result): tell them apart.
 */
static int
keyring_get_missing(const char *provider, char **cause)
{
	int rc = keyring_has(provider, cause);

	if (rc != 0)
		return rc;
	xasprintf(cause, "keyring: there is a key for %s, but " KEYRING_UNLOCK, provider);
	return -1;
}

/* Fetch provider's key: 0 and *key (free with secret_free), 1 none, -1 error. */
int
keyring_get(const char *provider, char **key, char **cause)
{
	struct keyring_watch w;
	GError *err = NULL;
	gchar *pw;
	bool expired;

	*key = NULL;
	if (!keyring_name_ok(provider, cause) || keyring_connect(KEYRING_WAIT_S, cause) < 0)
		return -1;
	keyring_watch_start(&w, KEYRING_PROMPT_WAIT_S);
	pw = secret_password_lookup_sync(&keyring_schema, w.cancel, &err,
	    "application", KEYRING_APP, "provider", provider, NULL);
	expired = keyring_watch_stop(&w);
	if (err != NULL || expired) {
		secret_password_free(pw);
		keyring_fail(&err, expired, KEYRING_PROMPT_WAIT_S, "read the key", cause);
		return -1;
	}
	if (pw == NULL)
		return keyring_get_missing(provider, cause);
	*key = secret_dup(pw);
	secret_password_free(pw);
	return 0;
}

/* Search llm's items (locked or not, secrets not loaded); NULL with *failed on error. */
static GList *
keyring_search(const char *provider, bool *failed, char **cause)
{
	struct keyring_watch w;
	GError *err = NULL;
	GList *items;
	bool expired;

	*failed = false;
	if (keyring_connect(KEYRING_WAIT_S, cause) < 0) {
		*failed = true;
		return NULL;
	}
	keyring_watch_start(&w, KEYRING_WAIT_S);
	if (provider != NULL)
		items = secret_password_search_sync(&keyring_schema, SECRET_SEARCH_ALL, w.cancel,
		    &err, "application", KEYRING_APP, "provider", provider, NULL);
	else
		items = secret_password_search_sync(&keyring_schema, SECRET_SEARCH_ALL, w.cancel,
		    &err, "application", KEYRING_APP, NULL);
	expired = keyring_watch_stop(&w);
	if (err != NULL || expired) {
		g_list_free_full(items, g_object_unref);
		keyring_fail(&err, expired, KEYRING_WAIT_S, "search the keyring", cause);
		*failed = true;
		return NULL;
	}
	return items;
}

/* Tell whether provider has a key without reading it: 0 yes, 1 no, -1 error. */
int
keyring_has(const char *provider, char **cause)
{
	GList *items;
	bool failed;

	if (!keyring_name_ok(provider, cause))
		return -1;
	items = keyring_search(provider, &failed, cause);
	if (failed)
		return -1;
	if (items == NULL)
		return 1;
	g_list_free_full(items, g_object_unref);
	return 0;
}

/* Store (or replace) provider's key: 0 or -1. */
int
keyring_set(const char *provider, const char *key, char **cause)
{
	struct keyring_watch w;
	GError *err = NULL;
	char *label;
	gboolean ok;
	bool expired;

	if (!keyring_name_ok(provider, cause) || keyring_connect(KEYRING_WAIT_S, cause) < 0)
		return -1;
	label = xstrfmt("llm: %s API key", provider);
	keyring_watch_start(&w, KEYRING_PROMPT_WAIT_S);
	ok = secret_password_store_sync(&keyring_schema, SECRET_COLLECTION_DEFAULT, label, key,
	    w.cancel, &err, "application", KEYRING_APP, "provider", provider, NULL);
	expired = keyring_watch_stop(&w);
	free(label);
	if (!ok || err != NULL || expired) {
		keyring_fail(&err, expired, KEYRING_PROMPT_WAIT_S, "store the key", cause);
		return -1;
	}
	return 0;
}

/* Delete provider's key: 0 deleted, 1 there was none, -1 error. */
int
keyring_rm(const char *provider, char **cause)
{
	struct keyring_watch w;
	GError *err = NULL;
	gboolean removed;
	bool expired;

	if (!keyring_name_ok(provider, cause) || keyring_connect(KEYRING_WAIT_S, cause) < 0)
		return -1;
	keyring_watch_start(&w, KEYRING_PROMPT_WAIT_S);
	removed = secret_password_clear_sync(&keyring_schema, w.cancel, &err,
	    "application", KEYRING_APP, "provider", provider, NULL);
	expired = keyring_watch_stop(&w);
	if (err != NULL || expired) {
		keyring_fail(&err, expired, KEYRING_PROMPT_WAIT_S, "delete the key", cause);
		return -1;
	}
	return removed ? 0 : keyring_get_missing(provider, cause);
}

static int
keyring_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* List the providers that have a key, sorted; 0 or -1. */
int
keyring_list(char ***names, size_t *n, char **cause)
{
	GList *items, *l;
	GHashTable *attrs;
	const char *name;
	bool failed;
	size_t i, count = 0;
	char **out;

	*names = NULL;
	*n = 0;
	items = keyring_search(NULL, &failed, cause);
	if (failed)
		return -1;
	out = xcalloc(g_list_length(items) + 1, sizeof(*out));
	for (l = items; l != NULL; l = l->next) {
		attrs = secret_retrievable_get_attributes((SecretRetrievable *)l->data);
		name = attrs != NULL ? g_hash_table_lookup(attrs, "provider") : NULL;
		if (name != NULL && *name != '\0') {
			for (i = 0; i < count && strcmp(out[i], name) != 0; i++)
				;
			if (i == count)
				out[count++] = xstrdup(name);
		}
		if (attrs != NULL)
			g_hash_table_unref(attrs);
	}
	g_list_free_full(items, g_object_unref);
	qsort(out, count, sizeof(*out), keyring_name_cmp);
	*names = out;
	*n = count;
	return 0;
}

/* Free what keyring_list returned. */
void
keyring_list_free(char **names, size_t n)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
