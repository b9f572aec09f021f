/* ledger_open: opening and closing the ledger: who this process is, its lock, the team's zone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ledger.h"
#include "ledger_pg.h"
#include "ledger_priv.h"
#include "proc.h"
#include "store.h"
#include "util.h"

/*
 * The start time of process pid (clock ticks after boot, field 22 of
 * /proc/PID/stat): 1 with *start, 0 when there is no such live process (none,
 * or a zombie: killed, not yet reaped), -1 when it cannot be told.
 */
static int
ledger_proc_start(int64_t pid, int64_t *start)
{
	char path[64], buf[1024], *p, *end;
	ssize_t n;
	int fd, field;

	if (pid <= 0 || pid > INT32_MAX)
		return -1;
	snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return n == 0 || errno == ESRCH ? 0 : -1;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields start after the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return -1;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return 0;
	for (field = 3; field < 22; field++) {
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		p++;
	}
	errno = 0;
	*start = strtoll(p, &end, 10);
	return errno == 0 && end != p && *start >= 0 ? 1 : -1;
}

/* Read the first line of a small file into out; false when it cannot be read. */
static bool
ledger_line(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(out, (int)n, f) != NULL;
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	return ok && *out != '\0';
}

/*
 * Who this process is, for the reservations it writes: its start time, the
 * boot and pid namespace its pid means something in, and the machine (its
 * systemd or D-Bus machine id, when there is one), which outlives a boot.
 * Unknown parts stay empty, and rows without them are left to expire.
 */
static void
ledger_whoami(struct ledger *l)
{
	char boot[64], ns[64], machine[64];
	ssize_t k;

	l->start = -1;
	l->owner[0] = l->host[0] = '\0';
	if (ledger_proc_start((int64_t)getpid(), &l->start) != 1)
		l->start = -1;
	k = readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
	if (k > 0 && ledger_line("/proc/sys/kernel/random/boot_id", boot, sizeof boot)) {
		ns[k] = '\0';
		if ((ledger_line("/etc/machine-id", machine, sizeof machine) ||
		    ledger_line("/var/lib/dbus/machine-id", machine, sizeof machine)) &&
		    strchr(machine, ' ') == NULL)
			snprintf(l->owner, sizeof l->owner, "%s %s %s", boot, ns, machine);
		else
			snprintf(l->owner, sizeof l->owner, "%s %s", boot, ns);
	}
	if (gethostname(l->host, sizeof l->host) != 0)
		l->host[0] = '\0';
	l->host[sizeof l->host - 1] = '\0';
}

/* Length of an owner's boot and pid namespace, the words before its machine's. */
static size_t
owner_len(const char *owner)
{
	size_t b = strcspn(owner, " ");

	return owner[b] == ' ' ? b + 1 + strcspn(owner + b + 1, " ") : b;
}

/*
 * Whether owners a and b may be one machine: the same machine id, or one
 * of them (written by an earlier llm, or where there is no id) has none.
 */
static bool
owner_same_machine(const char *a, const char *b)
{
	size_t na = owner_len(a), nb = owner_len(b);

	return a[na] == '\0' || b[nb] == '\0' || strcmp(a + na, b + nb) == 0;
}

/*
 * Whether the process holding a reservation is known to be gone: in this boot
 * and pid namespace, its pid is free, a zombie or another process (a different
 * start time); or the same host has booted since. Elsewhere it cannot be told,
 * nor on another machine of the same host name (their machine ids differ):
 * its reservation is alive for all this process knows.
 */
bool
ledger_gone(const struct ledger *l, int64_t pid, int64_t start, const char *owner,
    const char *host)
{
	size_t b = strcspn(l->owner, " "), n = owner_len(l->owner);
	int64_t now_start;

	if (l->owner[0] == '\0' || owner == NULL)
		return false;
	if (owner_len(owner) == n && strncmp(owner, l->owner, n) == 0) {
		switch (ledger_proc_start(pid, &now_start)) {
		case 0:
			return true;
		case 1:
			return now_start != start;
		default:
			return false;
		}
	}
	return host != NULL && l->host[0] != '\0' && strcmp(host, l->host) == 0 &&
	    owner_same_machine(owner, l->owner) &&
	    (strncmp(owner, l->owner, b) != 0 || (owner[b] != ' ' && owner[b] != '\0'));
}

/* Wait for another process's write lock, saying so once when it lasts. */
static int
ledger_busy(void *arg, int count)
{
	struct ledger *l = arg;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int64_t now = clock_ms();

	if (count == 0) {
		l->busy_since = now;
		/* A wait ran out a moment ago: the next statement gives up at once, not after as long. */
		if (l->gave_up != 0 && now - l->gave_up < STORE_BUSY_MS)
			return 0;
	}
	if (now - l->busy_since >= l->busy_max) {
		if (l->busy_max == STORE_BUSY_MS)
			l->gave_up = now;
		return 0;
	}
	if (!l->told && l->wait_fn != NULL && now - l->busy_since >= LEDGER_WAIT_SAY_MS) {
		l->told = true;
		l->wait_fn(l->wait_arg, store_path(l->st));
	}
	nanosleep(&ts, NULL);
	return 1;
}

/*
 * When the file at path is not an SQLite database at all, say so in *cause with
 * the way out: llm makes a new ledger when the file is moved aside.
 */
static void
ledger_not_db(const char *path, char **cause)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	ssize_t n;
	int fd;

	if (cause == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, head, sizeof head);
	close(fd);
	if (n <= 0 || (n == (ssize_t)sizeof head && memcmp(head, magic, sizeof head) == 0))
		return;
	free(*cause);
	*cause = NULL;
	store_cause(cause, "%s is not an llm ledger (not an SQLite database); move it aside"
	    " (mv %s %s.bad) and llm starts a new one", path, path, path);
}

/* The team ledger configured for ledger_open (its strings owned here); database NULL: none. */
static struct ledger_team ledger_team_conf;

/* Use team ledger t from now on. */
void
ledger_use_team(const struct ledger_team *t)
{
	struct ledger_team *c = &ledger_team_conf;

	free((char *)c->database);
	free((char *)c->team);
	free((char *)c->user);
	free((char *)c->timezone);
	memset(c, 0, sizeof *c);
	if (t == NULL || t->database == NULL)
		return;
	*c = *t;
	c->database = xstrdup(t->database);
	c->team = xstrdup(t->team ? t->team : "default");
	c->user = xstrdup(t->user ? t->user : "unknown");
	c->timezone = t->timezone ? xstrdup(t->timezone) : NULL;
}

/* The team ledger configured, or NULL. */
const struct ledger_team *
ledger_team(void)
{
	return ledger_team_conf.database != NULL ? &ledger_team_conf : NULL;
}

/* The team ledger under l, or NULL. */
struct ledger_pg *
ledger_pg(struct ledger *l)
{
	return l->pg;
}

/* ledger_gone for the team ledger, which holds no struct ledger. */
static bool
ledger_gone_cb(void *arg, int64_t pid, int64_t start, const char *owner, const char *host)
{
	return ledger_gone(arg, pid, start, owner, host);
}

/*
 * The user's own TZ when the team's zone has replaced it: "has" set once it
 * has, "set" whether TZ was set at all, and its value.
 */
static struct {
	bool has, set;
	char *value;
} ledger_user_tz;

/* Have TZ name the user's own zone (own) or the team's again, and the C library read it. */
static void
ledger_tz_swap(bool own, const char *team)
{
	if (own && !ledger_user_tz.set)
		unsetenv("TZ");
	else
		setenv("TZ", own ? ledger_user_tz.value : team, 1);
	tzset();
}

/*
 * Break t down in the user's own time zone: the times of things (a
 * conversation, a request) are shown in it, whatever the zone the team's
 * months are counted in. NULL when it cannot be.
 */
struct tm *
ledger_user_time(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;
	char *team;
	struct tm *r;

	if (!ledger_user_tz.has)
		return localtime_r(&tt, tm);
	team = xstrdup(getenv("TZ") ? getenv("TZ") : "UTC");
	ledger_tz_swap(true, NULL);
	r = localtime_r(&tt, tm);
	ledger_tz_swap(false, team);
	free(team);
	return r;
}

/*
 * Count months and days in the team's time zone, which its database holds:
 * TZ is set to it when this system knows the zone. Best effort: unreachable,
 * the local zone stays. The user's own is kept for the times of things,
 * which are the user's whether the database is up or down (ledger_user_time).
 */
static void
ledger_team_zone(struct ledger *l)
{
	const char *dir = getenv("TZDIR");
	char zone[128], *path;
	bool known;

	if (ledger_pg_zone(l->pg, zone, sizeof zone, NULL) < 0 || zone[0] == '/' ||
	    strstr(zone, "..") != NULL)
		return;
	path = xstrfmt("%s/%s", dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo", zone);
	known = access(path, R_OK) == 0;
	free(path);
	/* the team's zone is for the month's bounds: commands run still get the user's */
	if (known)
		proc_env_pin("TZ");
	if (known && !ledger_user_tz.has) {
		const char *own = getenv("TZ");

		ledger_user_tz.has = true;
		ledger_user_tz.set = own != NULL;
		ledger_user_tz.value = own != NULL ? xstrdup(own) : NULL;
	}
	if (known && setenv("TZ", zone, 1) == 0)
		tzset();
}

/* Open the team's ledger beside l's local store, which keeps rows made offline. */
static int
ledger_open_team(struct ledger *l, char **cause)
{
	struct ledger_pg_self self = {
		.pid = (int64_t)getpid(), .start = l->start, .owner = l->owner, .host = l->host,
		.gone = ledger_gone_cb, .arg = l,
	};

	l->pg = ledger_pg_open(&ledger_team_conf, l->st, &self, cause);
	if (l->pg != NULL)
		ledger_team_zone(l);
	return l->pg != NULL ? 0 : -1;
}

/* Open the ledger in the database at path. */
struct ledger *
ledger_open_path(const char *path, char **cause)
{
	struct ledger *l;
	struct store *st = store_open(path, cause);

	if (st == NULL) {
		ledger_not_db(path, cause);
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	l->st = st;
	l->db = store_db(st);
	l->busy_max = STORE_BUSY_MS;
	sqlite3_busy_handler(l->db, ledger_busy, l);
	ledger_whoami(l);
	return l;
}

/* Have fn called once, with the database's path, when a wait for its lock lasts. */
void
ledger_on_wait(struct ledger *l, ledger_wait_fn fn, void *arg)
{
	l->wait_fn = fn;
	l->wait_arg = arg;
}

/* Open the ledger in data_dir/llm.db, making the directory. */
struct ledger *
ledger_open(const char *data_dir, char **cause)
{
	struct ledger *l;
	char *path;

	if (data_dir == NULL || *data_dir == '\0') {
		store_cause(cause, "no data directory");
		return NULL;
	}
	if (mkdir_p(data_dir) < 0) {
		store_cause(cause, "%s: %s", data_dir, strerror(errno));
		return NULL;
	}
	path = xstrfmt("%s/llm.db", data_dir);
	l = ledger_open_path(path, cause);
	free(path);
	if (l != NULL && ledger_team() != NULL && ledger_open_team(l, cause) < 0) {
		ledger_close(l);
		return NULL;
	}
	return l;
}

/* Close the ledger, or with forget (a forked child's copy) leave a team session to the parent. */
static void
ledger_free(struct ledger *l, bool forget)
{
	size_t i;

	if (l == NULL)
		return;
	if (forget)
		ledger_pg_forget(l->pg);
	else
		ledger_pg_close(l->pg);
	for (i = 0; i < SQL_COUNT; i++)
		sqlite3_finalize(l->sql[i]);
	store_close(l->st);
	free(l->pg_model);
	free(l);
}

/* Close the ledger; accepts NULL. */
void
ledger_close(struct ledger *l)
{
	ledger_free(l, false);
}

/* Close a ledger inherited across fork without ending the parent's team session; accepts NULL. */
void
ledger_forget(struct ledger *l)
{
	ledger_free(l, true);
}

/* Return the store underneath, borrowed. */
struct store *
ledger_store(struct ledger *l)
{
	return l->st;
}
