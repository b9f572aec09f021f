/* ledger_pg: the team's ledger in PostgreSQL, with rows kept locally while it is unreachable. */
#include <assert.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "buf.h"
#include "config.h"
#include "dl.h"
#include "keyring.h"
#include "ledger_pg.h"
#include "ledger_schema.h"
#include "pgservice.h"
#include "resolve.h"
#include "store.h"
#include "util.h"

/*
 * libpq is loaded when a team ledger is configured, not linked: a single
 * user's llm never needs it installed, and commands pay nothing for it.
 */
#define PQ_SYMS(X) \
	X(PQconnectStartParams) X(PQconnectPoll) X(PQstatus) X(PQerrorMessage) X(PQfinish) \
	X(PQsendQuery) X(PQsendQueryParams) X(PQconsumeInput) X(PQisBusy) X(PQgetResult) \
	X(PQgetCancel) X(PQcancel) X(PQfreeCancel) X(PQresultStatus) X(PQresultErrorMessage) X(PQntuples) \
	X(PQgetvalue) X(PQgetisnull) X(PQclear) X(PQconnectionNeedsPassword) \
	X(PQresultErrorField) X(PQsetNoticeProcessor) X(PQsocket) X(PQconnectionUsedPassword) \
	X(PQconninfoParse) X(PQconninfoFree) X(PQfreemem) X(PQuser)
#define PQ_PTR(name) __typeof__(name) *name;
static struct {
	PQ_SYMS(PQ_PTR)
} pq;
#undef PQ_PTR
#define PQ_SYM(fn) DL_SYM(pq, fn)
static const struct dl_sym pq_syms[] = { PQ_SYMS(PQ_SYM) };
#undef PQ_SYM

/* What to install, said when libpq cannot be loaded. */
#define PQ_FIX "install libpq (Debian and Ubuntu: libpq5) to use [ledger] database"

/* Rows kept locally while offline have ids from here up, apart from the database's. */
#define PG_OFFLINE_ID (INT64_C(1) << 62)
/* Milliseconds connecting may take before the ledger counts as unreachable. */
#define PG_CONNECT_MS 10000
/* Milliseconds a call may take before the ledger counts as unreachable. */
#define PG_STATEMENT_TIMEOUT "10000"
/*
 * Milliseconds llm waits for a call's answer: the server's own statement
 * timeout, then a second for its error to arrive. A server that says nothing
 * by then (frozen, with its host still acknowledging every byte, which no TCP
 * timeout notices) is given up, as an unreachable one.
 */
#define PG_ANSWER_MS 11000
/* Milliseconds a cancel request may take: a frozen server does not answer it either. */
#define PG_CANCEL_MS 1000
/*
 * After a failed attempt, calls count the ledger as unreachable without
 * dialling again for this long: a command makes several calls, and each
 * waiting out a dead address would multiply the wait of one request.
 */
#define PG_REDIAL_MS 30000
/* Parameters of the largest call (llm.record). */
#define PG_ARGS_MAX 24
/* A task's key: its own key (or this ledger's instance key), then the task's number. */
#define PG_TASK_MAX 64
/* The keyring entry holding the database's password. */
#define PG_KEYRING_NAME "ledger"
/* What to do about a team the ledger does not know. */
#define PG_NO_TEAM_FIX "check [ledger] team, or have the schema's owner add the team with" \
	" llm ledger init"
/* Where the password goes, said when the database wants one or refuses it. */
#define PG_PASSWORD_FIX "~/.pgpass (or the file PGPASSFILE names), PGPASSWORD, or the keyring" \
	" (llm keys set ledger)"

struct ledger_pg {
	PGconn *conn;                   /* NULL: not connected (unreachable, or not tried yet) */
	const struct ledger_team *t;    /* borrowed: lives as long as the program */
	struct store *st;               /* the local ledger: the outbox while offline */
	sqlite3 *db;
	struct ledger_pg_self self;     /* strings borrowed from the struct ledger */
	int version;                    /* the schema's version; -1 not known yet */
	bool down;                      /* the last call found the database unreachable */
	bool denied;                    /* the last call lacked a privilege */
	bool asked;                     /* the last call was sent: the server may have done it */
	char state[6];                  /* the SQLSTATE of the last call's error; "" none */
	int64_t dial_failed;            /* clock_ms() of the last failed attempt; 0 none */
	char *dial_cause;               /* why it failed */
	bool outbox;                    /* the outbox table exists */
	char *refused;                  /* why the database refused an outbox row at the last flush */
	int sent;                       /* outbox rows this process has sent */
	char instance[33];              /* a key of this process's ledger: tasks' keys start with it */
	int64_t task_id, task_held;     /* the last task reserved for online, and its worst cases */
};

/* Text parameters for a call. */
struct pg_args {
	const char *v[PG_ARGS_MAX];
	char num[PG_ARGS_MAX][24];
	int n;
};

/* Load libpq once: 0, or -1 with *cause. */
static int
pq_load(char **cause)
{
	static void *lib;
	const char *missing;
	void *h;

	if (lib != NULL)
		return 0;
	if ((h = dlopen("libpq.so.5", RTLD_LAZY | RTLD_LOCAL)) == NULL) {
		store_cause(cause, "cannot load libpq (%s): " PQ_FIX, dlerror());
		return -1;
	}
	if ((missing = dl_find(h, pq_syms, ARRAY_SIZE(pq_syms))) != NULL) {
		store_cause(cause, "libpq.so.5 lacks %s: " PQ_FIX, missing);
		return -1;
	}
	lib = h;
	return 0;
}

static void
arg_str(struct pg_args *a, const char *s)
{
	assert(a->n < PG_ARGS_MAX);
	a->v[a->n++] = s;
}

static void
arg_i64(struct pg_args *a, int64_t x)
{
	assert(a->n < PG_ARGS_MAX);
	snprintf(a->num[a->n], sizeof a->num[a->n], "%" PRId64, x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

/* x, or NULL when x < 0 (an unknown cost or price). */
static void
arg_money(struct pg_args *a, int64_t x)
{
	if (x < 0)
		arg_str(a, NULL);
	else
		arg_i64(a, x);
}

static void
arg_bool(struct pg_args *a, bool b)
{
	arg_str(a, b ? "t" : "f");
}

/* Drop b's trailing spaces. */
static void
pg_trim(struct buf *b)
{
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
}

/*
 * The server's message as one line of plain text: libpq's lines ("Connection
 * refused\n\tIs the server running ...") are joined by "; " (one space after
 * a line that ends in punctuation), other control bytes become spaces.
 */
static void
pg_cause(char **cause, const char *what, const char *msg)
{
	const char *s = msg ? msg : "unknown error";
	struct buf b;

	buf_init(&b, 0);
	while (*s != '\0') {
		if (*s == '\n') {
			while (*s == '\n' || *s == '\t' || *s == ' ' || *s == '\r')
				s++;
			pg_trim(&b);
			if (*s != '\0' && b.len > 0)
				buf_adds(&b, strchr(".:;,", b.data[b.len - 1]) ? " " : "; ");
			continue;
		}
		buf_addc(&b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
		s++;
	}
	pg_trim(&b);
	store_cause(cause, "team ledger: %s: %s", what, b.len > 0 ? buf_str(&b) : "unknown error");
	buf_done(&b);
}

/* Whether failed result r lacks a privilege (SQLSTATE 42501): the login's roles are at fault. */
static bool
pg_denied(const PGresult *r)
{
	const char *state = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return state != NULL && strcmp(state, "42501") == 0;
}

/* Add to *cause what to do about it: "; fix". */
static void
pg_hint(char **cause, const char *fix)
{
	char *why;

	if (cause == NULL || *cause == NULL)
		return;
	why = *cause;
	*cause = NULL;
	store_cause(cause, "%s; %s", why, fix);
	free(why);
}

/* Integer in column c of row i; 0 when NULL. */
static int64_t
col_i64(const PGresult *r, int i, int c)
{
	if (pq.PQgetisnull(r, i, c))
		return 0;
	return strtoll(pq.PQgetvalue(r, i, c), NULL, 10);
}

/* Text in column c of row i, or NULL; borrowed from r. */
static const char *
col_str(const PGresult *r, int i, int c)
{
	return pq.PQgetisnull(r, i, c) ? NULL : pq.PQgetvalue(r, i, c);
}

/* A new idempotent row id: 128 random bits in hex. */
static void
pg_key(char out[33])
{
	unsigned char b[16];
	size_t i;

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* No entropy source at all: time and pid still make it unique enough per row. */
		int64_t t = clock_ms() ^ ((int64_t)getpid() << 40);

		memset(b, 0, sizeof b);
		memcpy(b, &t, sizeof t);
	}
	for (i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/*
 * Wait until fd is ready for events, or until clock_ms() reaches deadline
 * (INT64_MAX: no end): 1 ready, 0 not in time, -1 failed.
 */
static int
pg_poll(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int n;

	if (fd < 0)
		return -1;
	for (;;) {
		left = deadline - clock_ms();
		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n >= 0 || errno != EINTR)
			return n > 0 ? 1 : n;
	}
}

/*
 * Start a connection with k and v and see it through by deadline: the
 * connection (CONNECTION_BAD when it failed), or NULL when the server took
 * too long. libpq's own connect_timeout counts each address apart and is not
 * kept by the asynchronous calls, so the deadline is llm's.
 */
static PGconn *
pg_start(const char *const *k, const char *const *v, int64_t deadline)
{
	PGconn *c = pq.PQconnectStartParams(k, v, 1);
	PostgresPollingStatusType s = PGRES_POLLING_WRITING;

	if (c == NULL || pq.PQstatus(c) == CONNECTION_BAD)
		return c;
	while (s != PGRES_POLLING_OK && s != PGRES_POLLING_FAILED) {
		if (pg_poll(pq.PQsocket(c), s == PGRES_POLLING_READING ? POLLIN : POLLOUT,
		    deadline) <= 0) {
			pq.PQfinish(c);
			return NULL;
		}
		s = pq.PQconnectPoll(c);
	}
	return c;
}

/*
 * Host, hostaddr and port parameters that give libpq the addresses of the
 * host names it would look up itself; named: there were names to look up.
 */
struct pg_hosts {
	struct buf host, addr, port;
	int n;                          /* hosts in the lists */
	bool named;
};

/*
 * The value of keyword key in the parsed options o, else the service's (sv,
 * NULL: none), else of environment variable env: libpq's order.
 */
static const char *
pg_option(const PQconninfoOption *o, const char *key, const char *sv, const char *env)
{
	for (; o->keyword != NULL; o++)
		if (strcmp(o->keyword, key) == 0 && o->val != NULL && *o->val != '\0')
			return o->val;
	return sv != NULL ? sv : getenv(env);
}

/* Add one host of the list to h: its name, an address for it ("" none), and its port. */
static void
pg_host_add(struct pg_hosts *h, const char *host, size_t hlen, const char *addr,
    const char *port, size_t plen)
{
	const char *sep = h->n++ > 0 ? "," : "";

	buf_addf(&h->host, "%s%.*s", sep, (int)hlen, host);
	buf_addf(&h->addr, "%s%s", sep, addr);
	if (port != NULL)
		buf_addf(&h->port, "%s%.*s", sep, (int)plen, port);
}

/*
 * Look up the host names of database (or of its connection service, or of
 * PGHOST) under deadline, as libpq would look them up itself without one: 1
 * with h filled when there were names, 0 when there were none (addresses,
 * socket directories, hostaddr given, or a service not found); -1 with *why
 * when no host is left: every lookup failed or took too long. Each name is
 * kept as host, for TLS's check of the server's name and for ~/.pgpass, and
 * stands once for each of its addresses, which libpq tries in turn.
 */
static int
pg_hosts(const char *database, int64_t deadline, struct pg_hosts *h, char **why)
{
	PQconninfoOption *o = pq.PQconninfoParse(database, NULL);
	struct pgservice sv = { NULL, NULL, NULL };
	const char *hosts, *ports, *s, *p, *e, *pe;
	char **addrs, *name = NULL, *cause = NULL, *failed = NULL;
	int rc = 0, got;
	size_t i, nh = 1, np = 1, hl, pl;

	if (o == NULL)
		return 0;
	/*
	 * libpq has no call that reads a service, so its files are read here.
	 * One not found, or that libpq refuses, is left to libpq: it says why
	 * before it looks any name up.
	 */
	if ((s = pg_option(o, "service", NULL, "PGSERVICE")) != NULL &&
	    !pgservice_find(s, pg_option(o, "servicefile", NULL, "PGSERVICEFILE"), &sv))
		goto out;
	hosts = pg_option(o, "host", sv.host, "PGHOST");
	ports = pg_option(o, "port", sv.port, "PGPORT");
	if (hosts == NULL || *hosts == '\0' ||
	    pg_option(o, "hostaddr", sv.hostaddr, "PGHOSTADDR") != NULL)
		goto out;
	for (s = hosts; *s != '\0'; s++)
		nh += *s == ',';
	for (s = ports != NULL ? ports : ""; *s != '\0'; s++)
		np += *s == ',';
	/* One port for every host, else one for all: anything else is libpq's to refuse. */
	if (np > 1 && np != nh)
		goto out;
	for (s = hosts, p = np > 1 ? ports : NULL;; s = e + 1, p = p ? pe + 1 : NULL) {
		e = s + strcspn(s, ",");
		hl = (size_t)(e - s);
		pe = p != NULL ? p + strcspn(p, ",") : NULL;
		pl = p != NULL ? (size_t)(pe - p) : 0;
		free(name);
		name = xstrndup(s, hl);
		/* A socket directory ("/" or, on Linux, "@" abstract) or an address: nothing to look up. */
		if (hl == 0 || *s == '/' || *s == '@' || resolve_numeric(name)) {
			pg_host_add(h, s, hl, "", p, pl);
		} else if ((got = resolve_addrs(name, deadline, &addrs, &cause)) > 0) {
			for (i = 0; addrs[i] != NULL; i++)
				pg_host_add(h, s, hl, addrs[i], p, pl);
			strv_free(addrs);
			h->named = true;
		} else {
			/*
			 * As libpq, a host of a list whose name cannot be looked up is
			 * passed over for the others (in its words, should none be left):
			 * the list libpq is given leaves it out.
			 */
			if (failed == NULL)
				xasprintf(&failed, "could not translate host name \"%s\" to address: %s",
				    name, got < 0 ? cause : "no answer within 10 seconds");
			free(cause);
			cause = NULL;
			h->named = true;
		}
		if (*e == '\0')
			break;
	}
	if (h->n == 0) {
		*why = failed;
		failed = NULL;
		rc = -1;
	} else if (h->named) {
		rc = 1;
	}
out:
	free(failed);
	free(name);
	free(cause);
	pgservice_done(&sv);
	pq.PQconninfoFree(o);
	return rc;
}

/*
 * Connect (the password from the keyring when the server wants one and none
 * was found), the host names' lookups and both attempts within PG_CONNECT_MS:
 * NULL with *why when that was not enough. libpq looks names up with no
 * deadline (a name server that does not answer holds it for minutes), so they
 * are looked up here and libpq given their addresses. A connection whose peer
 * stops answering (a network gone) is given up by TCP within about
 * PG_STATEMENT_TIMEOUT; the connection string comes after these and may set
 * its own, and the looked-up hosts after it.
 */
static PGconn *
pg_dial(const struct ledger_pg *p, char **why)
{
	const char *k[12] = { "application_name", "keepalives_idle", "keepalives_interval",
	    "keepalives_count", "tcp_user_timeout", "dbname" };
	const char *v[12] = { "llm", "5", "2", "3", PG_STATEMENT_TIMEOUT, p->t->database };
	int64_t deadline = clock_ms() + PG_CONNECT_MS;
	struct pg_hosts h = { .n = 0, .named = false };
	PGconn *c = NULL;
	char *pw = NULL, *kr = NULL;
	size_t n = 6;

	buf_init(&h.host, 0);
	buf_init(&h.addr, 0);
	buf_init(&h.port, 0);
	if (pg_hosts(p->t->database, deadline, &h, why) < 0)
		goto out;
	if (h.named) {
		k[n] = "host";
		v[n++] = buf_str(&h.host);
		k[n] = "hostaddr";
		v[n++] = buf_str(&h.addr);
		if (h.port.len > 0) {
			k[n] = "port";
			v[n++] = buf_str(&h.port);
		}
	}
	c = pg_start(k, v, deadline);
	if (c == NULL || pq.PQstatus(c) == CONNECTION_OK || !pq.PQconnectionNeedsPassword(c))
		goto out;
	/* No key there (or no keyring) is no error: libpq's own message says what is missing. */
	if (keyring_get(PG_KEYRING_NAME, &pw, &kr) != 0 || pw == NULL) {
		free(kr);
		goto out;
	}
	pq.PQfinish(c);
	k[n] = "password";
	v[n] = pw;
	c = pg_start(k, v, deadline);
	explicit_bzero(pw, strlen(pw));
	free(pw);
out:
	if (c == NULL && *why == NULL)
		*why = xstrdup("no answer within 10 seconds");
	buf_done(&h.host);
	buf_done(&h.addr);
	buf_done(&h.port);
	return c;
}

/*
 * Drop a connection that failed, or could not be made, for reason msg (into
 * *cause too): calls count the ledger unreachable until PG_REDIAL_MS have passed.
 */
static void
pg_drop(struct ledger_pg *p, const char *msg, char **cause)
{
	free(p->dial_cause);
	p->dial_cause = NULL;
	pg_cause(&p->dial_cause, "unreachable", msg);
	store_cause(cause, "%s", p->dial_cause);
	if (p->conn != NULL)
		pq.PQfinish(p->conn);
	p->conn = NULL;
	p->down = true;
	p->dial_failed = clock_ms();
}

/* Send a cancel request for p's running statement (run on a thread of its own). */
static void *
pg_cancel_send(void *arg)
{
	char err[256];

	pq.PQcancel(arg, err, sizeof err);
	pq.PQfreeCancel(arg);
	return NULL;
}

/*
 * Ask the server to give up p's running statement, waiting at most
 * PG_CANCEL_MS: libpq's PQcancel waits for the server to close the request's
 * connection with no end, and a server that did not answer the call may not
 * answer that either. Left waiting, the request ends with the process.
 */
static void
pg_cancel(struct ledger_pg *p)
{
	PGcancel *c = pq.PQgetCancel(p->conn);
	struct timespec ts;
	pthread_t th;

	if (c == NULL)
		return;
	if (pthread_create(&th, NULL, pg_cancel_send, c) != 0) {
		pq.PQfreeCancel(c);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (long)(PG_CANCEL_MS % 1000) * 1000000;
	ts.tv_sec += PG_CANCEL_MS / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	if (pthread_timedjoin_np(th, NULL, &ts) != 0)
		pthread_detach(th);
}

/*
 * Run sql with a's parameters (a NULL: none, and sql may hold several
 * statements, as a migration does), waiting at most ms for the answer (0: as
 * long as it takes): its result as PQexec gives it (the first error, else the
 * last result; the caller clears it). When the server says nothing in time the
 * statement is cancelled and the connection dropped: NULL, p->conn NULL,
 * p->down and *cause. NULL with p->conn kept: it could not be sent.
 */
static PGresult *
pg_run(struct ledger_pg *p, const char *sql, const struct pg_args *a, int64_t ms, char **cause)
{
	int64_t deadline = ms > 0 ? clock_ms() + ms : INT64_MAX;
	PGresult *r, *last = NULL;
	int ready;

	if (!(a != NULL ? pq.PQsendQueryParams(p->conn, sql, a->n, NULL, a->v, NULL, NULL, 0) :
	    pq.PQsendQuery(p->conn, sql)))
		return NULL;
	p->asked = true;
	for (;;) {
		while (pq.PQisBusy(p->conn)) {
			if ((ready = pg_poll(pq.PQsocket(p->conn), POLLIN, deadline)) <= 0) {
				char msg[64];

				if (ready == 0)
					pg_cancel(p);
				snprintf(msg, sizeof msg, "no answer within %d seconds", PG_ANSWER_MS / 1000);
				pq.PQclear(last);
				pg_drop(p, ready == 0 ? msg : "the connection failed", cause);
				return NULL;
			}
			/* A failure leaves the connection bad: PQgetResult then says why. */
			if (!pq.PQconsumeInput(p->conn))
				break;
		}
		if ((r = pq.PQgetResult(p->conn)) == NULL)
			break;
		if (last != NULL && pq.PQresultStatus(last) == PGRES_FATAL_ERROR) {
			pq.PQclear(r);
		} else {
			pq.PQclear(last);
			last = r;
		}
	}
	return last;
}

/*
 * Read the schema's version: 0 when there is none yet; -1 with *cause when it
 * cannot be read (p->conn NULL: no answer in time), -2 when the login may not
 * read it (not in llm_member).
 */
static int
pg_version(struct ledger_pg *p, char **cause)
{
	PGresult *r = pg_run(p, "SELECT to_regclass('llm.meta') IS NOT NULL", NULL, PG_ANSWER_MS,
	    cause);
	int v = -1;

	if (p->conn == NULL)
		return -1;
	if (pq.PQresultStatus(r) == PGRES_TUPLES_OK && pq.PQntuples(r) == 1 &&
	    strcmp(pq.PQgetvalue(r, 0, 0), "f") == 0) {
		pq.PQclear(r);
		return 0;
	}
	pq.PQclear(r);
	r = pg_run(p, "SELECT value FROM llm.meta WHERE key = 'version'", NULL, PG_ANSWER_MS, cause);
	if (p->conn == NULL)
		return -1;
	if (pq.PQresultStatus(r) == PGRES_TUPLES_OK && pq.PQntuples(r) == 1) {
		v = (int)col_i64(r, 0, 0);
	} else if (pg_denied(r)) {
		char fix[160];

		snprintf(fix, sizeof fix, "the schema's owner grants it with GRANT llm_member TO %s"
		    " (see scripts/ledger-roles.sql)", pq.PQuser(p->conn));
		pg_cause(cause, "this login may not use the ledger",
		    pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
		pg_hint(cause, fix);
		v = -2;
	} else {
		pg_cause(cause, "schema", pq.PQresultErrorMessage(r));
	}
	pq.PQclear(r);
	return v;
}

static int pg_flush_outbox(struct ledger_pg *p, char **cause);
static void pg_outbox_expire(struct ledger_pg *p);

/* Drop the server's notices: llm says what went wrong itself. */
static void
pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * Whether failed connection c was refused for its login rather than not made:
 * the server wants a password and none was found, or it refused the one given.
 * That is no outage: it lasts until the password is put right, which is said.
 */
static bool
pg_refused(PGconn *c, char **cause)
{
	char *why = NULL;

	if (pq.PQconnectionNeedsPassword(c)) {
		store_cause(cause, "team ledger: the database wants a password for this login and"
		    " none was found: put it in " PG_PASSWORD_FIX);
		return true;
	}
	if (!pq.PQconnectionUsedPassword(c))
		return false;
	pg_cause(&why, "the database refused the login", pq.PQerrorMessage(c));
	/* most likely the password; a missing role or database is refused the same way */
	store_cause(cause, "%s; check the login in [ledger] database and its password in "
	    PG_PASSWORD_FIX, why);
	free(why);
	return true;
}

/*
 * Whether failed connection c asked for SSL (sslmode require, verify-ca or
 * verify-full) of a server that does not offer it. The server answered: no
 * outage, which waiting would mend, but a setting to change on one side or
 * the other. libpq says so in words alone.
 */
static bool
pg_no_ssl(PGconn *c, char **cause)
{
	if (strstr(pq.PQerrorMessage(c), "server does not support SSL") == NULL)
		return false;
	store_cause(cause, "team ledger: the database server does not accept SSL, and sslmode"
	    " asks for it: turn ssl on in the server's postgresql.conf, or, on a network you"
	    " trust, set sslmode=prefer in [ledger] database (or PGSSLMODE)");
	return true;
}

/*
 * Whether failed connection c was refused by libpq itself for a setting that
 * no server can satisfy: an option's value it does not know ("invalid sslmode
 * value"), or channel binding asked for without SSL. No outage either: it
 * lasts until the setting is put right. libpq says so in words alone.
 */
static bool
pg_bad_setting(PGconn *c, char **cause)
{
	const char *msg = pq.PQerrorMessage(c);

	/*
	 * libpq's checks of the options start a line with "invalid" (a server's
	 * failures do not), but for numbers checked as each host is tried.
	 */
	if (!str_startswith(msg, "invalid ") && strstr(msg, "\ninvalid ") == NULL &&
	    strstr(msg, "invalid integer value") == NULL &&
	    strstr(msg, "channel binding required") == NULL)
		return false;
	pg_cause(cause, "libpq refuses a setting of [ledger] database (or LLM_DATABASE, or a PG*"
	    " variable)", msg);
	return true;
}

/*
 * Connect if not connected: 0; -1 with p->down and *cause when unreachable;
 * -2 with *cause when the schema is newer than this llm's, the login is refused
 * or may not use the ledger, SSL is asked of a server without it, or libpq
 * refuses a setting: no outage, a setup to put right.
 */
static int
pg_connect(struct ledger_pg *p, char **cause)
{
	char *why = NULL;

	if (p->conn != NULL)
		return 0;
	if (p->dial_failed != 0 && clock_ms() - p->dial_failed < PG_REDIAL_MS) {
		store_cause(cause, "%s", p->dial_cause);
		p->down = true;
		return -1;
	}
	p->conn = pg_dial(p, &why);
	if (p->conn != NULL && pq.PQstatus(p->conn) != CONNECTION_OK &&
	    (pg_refused(p->conn, cause) || pg_no_ssl(p->conn, cause) ||
	    pg_bad_setting(p->conn, cause))) {
		pq.PQfinish(p->conn);
		p->conn = NULL;
		return -2;
	}
	if (p->conn == NULL || pq.PQstatus(p->conn) != CONNECTION_OK) {
		pg_drop(p, p->conn != NULL ? pq.PQerrorMessage(p->conn) : why, cause);
		free(why);
		return -1;
	}
	p->down = false;
	p->dial_failed = 0;
	/* The server's notices (a shutdown's warning) would reach the terminal raw. */
	pq.PQsetNoticeProcessor(p->conn, pg_quiet, NULL);
	/*
	 * No call may wait long for the server (a lock held elsewhere, a server too
	 * slow): it cancels a statement after PG_STATEMENT_TIMEOUT. Set here, not
	 * as a startup option, which connection poolers (PgBouncer) refuse.
	 */
	pq.PQclear(pg_run(p, "SET statement_timeout = " PG_STATEMENT_TIMEOUT, NULL, PG_ANSWER_MS,
	    cause));
	if (p->conn == NULL)
		return -1;
	p->version = pg_version(p, cause);
	if (p->conn == NULL)
		return -1;
	if (p->version == -2) {
		pq.PQfinish(p->conn);
		p->conn = NULL;
		return -2;
	}
	if (p->version > LEDGER_PG_VERSION) {
		free(cause ? *cause : NULL);
		if (cause != NULL)
			*cause = NULL;
		store_cause(cause, "team ledger: its schema is version %d, newer than this llm's (%d):"
		    " upgrade llm", p->version, LEDGER_PG_VERSION);
		return -2;
	}
	/* Rows made while it was unreachable go now: best effort, they are kept until sent. */
	if (p->version == LEDGER_PG_VERSION)
		pg_flush_outbox(p, NULL);
	return 0;
}

/*
 * Whether failed result r means the database went away rather than an error
 * in SQL: the connection is down, or the error is a connection failure (class
 * 08), a shutdown (class 57), or has no SQLSTATE (libpq's own, as when the
 * server closed the connection).
 */
static bool
pg_lost(struct ledger_pg *p, const PGresult *r)
{
	const char *state = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return pq.PQstatus(p->conn) != CONNECTION_OK || state == NULL ||
	    strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0;
}

/*
 * Run sql with a's parameters: the result (the caller clears it), or NULL with
 * *cause; p->down tells an unreachable database from an error in SQL.
 */
static PGresult *
pg_call(struct ledger_pg *p, const char *what, const char *sql, const struct pg_args *a,
    char **cause)
{
	PGresult *r;
	ExecStatusType s;

	p->down = p->denied = p->asked = false;
	p->state[0] = '\0';
	if (pg_connect(p, cause) != 0)
		return NULL;
	if (p->version != LEDGER_PG_VERSION) {
		store_cause(cause, "team ledger: %s: the schema is version %d, this llm's is %d;"
		    " the schema's owner upgrades it with llm ledger init", what, p->version,
		    LEDGER_PG_VERSION);
		return NULL;
	}
	/* Set by this call alone, not by connecting's own. */
	p->asked = false;
	/* Given up, the connection is dropped already and the ledger counts as unreachable. */
	if ((r = pg_run(p, sql, a, PG_ANSWER_MS, cause)) == NULL && p->conn == NULL)
		return NULL;
	s = pq.PQresultStatus(r);
	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
		return r;
	if (pg_lost(p, r)) {
		const char *msg = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

		pg_drop(p, msg != NULL ? msg : pq.PQerrorMessage(p->conn), cause);
	} else {
		/* The primary message alone: the context a function adds is no help on one line. */
		const char *msg = pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

		const char *state = pq.PQresultErrorField(r, PG_DIAG_SQLSTATE);

		pg_cause(cause, what, msg != NULL ? msg : pq.PQresultErrorMessage(r));
		p->denied = pg_denied(r);
		str_copy(p->state, sizeof p->state, state != NULL ? state : "");
	}
	pq.PQclear(r);
	return NULL;
}

/* The local outbox: rows made while offline, and settlements the database missed. */
static int
pg_outbox(struct ledger_pg *p)
{
	if (p->outbox)
		return 0;
	if (sqlite3_exec(p->db, "CREATE TABLE IF NOT EXISTS team_outbox (id INTEGER PRIMARY KEY,"
	    " kind TEXT NOT NULL, pg_id INTEGER, row_key TEXT, team TEXT, user TEXT, time INTEGER,"
	    " conversation_id INTEGER, provider TEXT, model TEXT, tier TEXT, route_mode TEXT,"
	    " route_reason TEXT, input_tokens INTEGER DEFAULT 0,"
	    " cached_input_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0,"
	    " cache_write_1h_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0,"
	    " reasoning_tokens INTEGER DEFAULT 0, cost_pico INTEGER, worst_case_pico INTEGER,"
	    " estimated INTEGER DEFAULT 0, status TEXT, latency_ms INTEGER, pid INTEGER,"
	    " pid_start INTEGER, owner TEXT)", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	/* An outbox made before rows carried their task gets the columns. */
	if (sqlite3_exec(p->db, "SELECT task, task_id FROM team_outbox LIMIT 0", NULL, NULL,
	    NULL) != SQLITE_OK && (sqlite3_exec(p->db, "ALTER TABLE team_outbox ADD COLUMN task TEXT",
	    NULL, NULL, NULL) != SQLITE_OK || sqlite3_exec(p->db, "ALTER TABLE team_outbox"
	    " ADD COLUMN task_id INTEGER", NULL, NULL, NULL) != SQLITE_OK))
		return -1;
	/* ... and before offline rows kept what their requests had received. */
	if (sqlite3_exec(p->db, "SELECT received_cost FROM team_outbox LIMIT 0", NULL, NULL,
	    NULL) != SQLITE_OK && sqlite3_exec(p->db, "ALTER TABLE team_outbox ADD COLUMN"
	    " received_input INTEGER; ALTER TABLE team_outbox ADD COLUMN received_output INTEGER;"
	    " ALTER TABLE team_outbox ADD COLUMN received_cost INTEGER", NULL, NULL,
	    NULL) != SQLITE_OK)
		return -1;
	p->outbox = true;
	return 0;
}

/*
 * Check that the connection string is one libpq takes: a typo is no outage.
 * libpq's reason may quote the string, so it is left out when that holds a password.
 */
static int
pg_parse(const char *database, char **cause)
{
	PQconninfoOption *o;
	char *err = NULL;

	if ((o = pq.PQconninfoParse(database, &err)) != NULL) {
		pq.PQconninfoFree(o);
		return 0;
	}
	if (err == NULL || config_has_password(database))
		store_cause(cause, "team ledger: [ledger] database (or LLM_DATABASE) is not a"
		    " connection string: write postgresql://HOST/DB?user=NAME or host=HOST dbname=DB");
	else
		pg_cause(cause, "[ledger] database (or LLM_DATABASE) is not a connection string", err);
	pq.PQfreemem(err);
	return -1;
}

/* Open the team ledger; an unreachable database leaves it offline, not failed. */
struct ledger_pg *
ledger_pg_open(const struct ledger_team *t, struct store *st, const struct ledger_pg_self *self,
    char **cause)
{
	struct ledger_pg *p;
	char *why = NULL;

	if (pq_load(cause) < 0 || pg_parse(t->database, cause) < 0)
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->t = t;
	p->st = st;
	p->db = store_db(st);
	p->self = *self;
	p->version = -1;
	pg_key(p->instance);
	if (pg_connect(p, &why) == -2) {
		if (cause != NULL)
			*cause = why;
		else
			free(why);
		ledger_pg_close(p);
		return NULL;
	}
	free(why);
	return p;
}

/*
 * Let go of a connection this process inherited across fork, leaving the
 * session to the parent: its socket is swapped for /dev/null first, so the
 * goodbye PQfinish sends never reaches the server. Accepts NULL.
 */
void
ledger_pg_forget(struct ledger_pg *p)
{
	int fd, null;

	if (p == NULL)
		return;
	if (p->conn != NULL && (fd = pq.PQsocket(p->conn)) >= 0 &&
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(null, fd);
		close(null);
	}
	ledger_pg_close(p);
}

/* Close it; accepts NULL. */
void
ledger_pg_close(struct ledger_pg *p)
{
	if (p == NULL)
		return;
	if (p->conn != NULL)
		pq.PQfinish(p->conn);
	free(p->dial_cause);
	free(p->refused);
	free(p);
}

/* Tell whether the last call found the database unreachable. */
bool
ledger_pg_down(const struct ledger_pg *p)
{
	return p != NULL && p->down;
}

/* Fill m from the figures in columns c.. of row 0 (as llm.figures returns them). */
static void
pg_fill(const PGresult *r, int c, struct meter *m)
{
	const char *mon = col_str(r, 0, c);

	memset(m, 0, sizeof *m);
	m->team = true;
	str_copy(m->month, sizeof m->month, mon ? mon : "");
	m->month_start = col_i64(r, 0, c + 1);
	m->month_end = col_i64(r, 0, c + 2);
	m->limit = col_i64(r, 0, c + 3);
	m->spent = col_i64(r, 0, c + 4);
	m->expired = col_i64(r, 0, c + 5);
	m->unknown_worst = col_i64(r, 0, c + 6);
	m->reserved = col_i64(r, 0, c + 7);
	m->unknown_count = col_i64(r, 0, c + 8);
	m->requests = col_i64(r, 0, c + 9);
	m->estimated = col_i64(r, 0, c + 10) > 0 || m->expired > 0;
	m->user_limit = col_i64(r, 0, c + 11);
	m->user_spent = col_i64(r, 0, c + 12);
	m->user_reserved = col_i64(r, 0, c + 13);
}

/* Settle this host's reservations whose processes are gone; best effort. */
static void
pg_reap(struct ledger_pg *p)
{
	struct pg_args a = { .n = 0 }, b;
	PGresult *r;
	int i;

	if (p->self.host == NULL || *p->self.host == '\0')
		return;
	arg_str(&a, p->t->team);
	arg_str(&a, p->self.host);
	if ((r = pg_call(p, "reap", "SELECT id, pid, pid_start, owner FROM llm.holders($1, $2)",
	    &a, NULL)) == NULL)
		return;
	for (i = 0; i < pq.PQntuples(r); i++) {
		PGresult *x;

		if (!p->self.gone(p->self.arg, col_i64(r, i, 1), col_i64(r, i, 2), col_str(r, i, 3),
		    p->self.host))
			continue;
		b.n = 0;
		arg_i64(&b, col_i64(r, i, 0));
		if ((x = pg_call(p, "reap", "SELECT llm.release($1)", &b, NULL)) != NULL)
			pq.PQclear(x);
	}
	pq.PQclear(r);
}

/* What the offline rows hold against the allowance: settled costs and live worst cases. */
static int64_t
pg_offline_held(struct ledger_pg *p)
{
	sqlite3_stmt *st;
	int64_t held = -1;

	if (sqlite3_prepare_v2(p->db, "SELECT coalesce(sum(CASE WHEN status = 'reserved'"
	    " THEN coalesce(worst_case_pico, 0) ELSE coalesce(cost_pico, worst_case_pico, 0) END), 0)"
	    " FROM team_outbox WHERE kind = 'row'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		held = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return held;
}

/*
 * The key of task id in the team's rows: the one made with the task (in
 * llm.db, as the task is), the same in every process that goes on with it;
 * for a task made before tasks had one, unique to this ledger's process.
 * Whether it is the task's own.
 */
static bool
pg_task_key(const struct ledger_pg *p, int64_t id, char out[PG_TASK_MAX])
{
	const char *k = NULL;
	sqlite3_stmt *st;

	if (id > 0 && sqlite3_prepare_v2(p->db, "SELECT team_key FROM tasks WHERE id = ?1", -1, &st,
	    NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (k = (const char *)sqlite3_column_text(st, 0)) != NULL)
			snprintf(out, PG_TASK_MAX, "%s:%" PRId64, k, id);
		sqlite3_finalize(st);
	}
	if (k == NULL)
		snprintf(out, PG_TASK_MAX, "%s:%" PRId64, p->instance, id);
	return k != NULL;
}

/* Task id's own key in the team's rows into out (PG_TASK_MAX bytes); false: it has none. */
bool
ledger_pg_task_key(struct ledger_pg *p, int64_t id, char *out, size_t n)
{
	char key[PG_TASK_MAX];

	return pg_task_key(p, id, key) && str_copy(out, n, key);
}

/* What the outbox holds of task id's key: settled costs and live worst cases; -1 on error. */
static int64_t
pg_offline_task(struct ledger_pg *p, const char *key)
{
	sqlite3_stmt *st;
	int64_t held = -1;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT coalesce(sum(CASE WHEN"
	    " status = 'reserved' THEN coalesce(worst_case_pico, 0) ELSE coalesce(cost_pico,"
	    " worst_case_pico, 0) END), 0) FROM team_outbox WHERE kind = 'row' AND task = ?1", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		held = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return held;
}

/* Keep a reservation locally, under key, while the database is unreachable. */
static int
pg_offline_insert(struct ledger_pg *p, const struct ledger_entry *e, const char *key,
    int64_t now, int64_t worst, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	char task[PG_TASK_MAX];

	if (sqlite3_prepare_v2(p->db, "INSERT INTO team_outbox (kind, row_key, team, user, time,"
	    " conversation_id, provider, model, tier, route_mode, route_reason, worst_case_pico,"
	    " status, pid, pid_start, owner, task, task_id) VALUES ('row', ?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, 'reserved', ?12, ?13, ?14, ?15, ?16)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	pg_task_key(p, e->task_id, task);
	if (e->task_id > 0) {
		sqlite3_bind_text(st, 15, task, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 16, e->task_id);
	}
	store_bind_str(st, 1, key);
	store_bind_str(st, 2, p->t->team);
	store_bind_str(st, 3, p->t->user);
	sqlite3_bind_int64(st, 4, now);
	ledger_bind_entry(st, 5, e, worst);
	sqlite3_bind_int64(st, 12, p->self.pid);
	if (p->self.start >= 0)
		sqlite3_bind_int64(st, 13, p->self.start);
	store_bind_str(st, 14, p->self.owner);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	*id = PG_OFFLINE_ID + sqlite3_last_insert_rowid(p->db);
	return 0;
}

/*
 * The database is unreachable: under block, refuse; else reserve locally
 * within the offline allowance, to be sent when it is back.
 */
static int
pg_offline_reserve(struct ledger_pg *p, const struct ledger_entry *e, const char *key,
    int64_t now, int64_t worst, int64_t *id, struct meter *m, char **cause)
{
	int64_t held;

	memset(m, 0, sizeof *m);
	m->team = m->offline = true;
	ledger_month(now, &m->month_start, &m->month_end, m->month);
	if (p->t->fail_closed)
		return LEDGER_UNREACHABLE;
	/* a killed process's row holds what it had received, not its worst case */
	if (pg_outbox(p) == 0)
		pg_outbox_expire(p);
	if (pg_outbox(p) < 0 || (held = pg_offline_held(p)) < 0) {
		store_cause(cause, "team ledger unreachable, and the local outbox failed: %s",
		    sqlite3_errmsg(p->db));
		return -1;
	}
	m->limit = p->t->offline_allowance;
	m->spent = held;
	if (worst != 0 && (worst < 0 || held + worst > p->t->offline_allowance))
		return LEDGER_OVER_BUDGET;
	if (e->task_id > 0 && e->task_cap > 0) {
		/*
		 * Of the task's rows in the database, this process knows its own
		 * (at their worst cases); an earlier run's are not seen until it is back.
		 */
		char task[PG_TASK_MAX];
		int64_t t;

		pg_task_key(p, e->task_id, task);
		if ((t = pg_offline_task(p, task)) < 0) {
			store_cause(cause, "team ledger unreachable, and the local outbox failed: %s",
			    sqlite3_errmsg(p->db));
			return -1;
		}
		if (p->task_id == e->task_id)
			t += p->task_held;
		if (worst < 0 || worst > e->task_cap - t) {
			/* Refused for the task, not for the database: its reason is not wanted. */
			free(cause != NULL ? *cause : NULL);
			if (cause != NULL)
				*cause = NULL;
			return LEDGER_OVER_TASK;
		}
	}
	if (pg_offline_insert(p, e, key, now, worst, id) < 0) {
		store_cause(cause, "team ledger unreachable, and the local outbox failed: %s",
		    sqlite3_errmsg(p->db));
		return -1;
	}
	if (worst > 0)
		m->reserved = worst;
	/* Going on is said by the caller; the reason stays in *cause for it. */
	return LEDGER_RESERVED;
}

/*
 * Keep in the outbox that the reservation under key may hold the budget on
 * the server: its call was sent and its answer lost. Sent when the database is
 * back, it releases that reservation, if the server made it.
 */
static void
pg_lost_keep(struct ledger_pg *p, const char *key, int64_t now)
{
	sqlite3_stmt *st;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "INSERT INTO team_outbox (kind, row_key,"
	    " team, user, time) VALUES ('release', ?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
		return;
	store_bind_str(st, 1, key);
	store_bind_str(st, 2, p->t->team);
	store_bind_str(st, 3, p->t->user);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/*
 * The reservation under key got no answer: reserve offline. When its call
 * was sent, the server may have made the reservation all the same: the row
 * kept offline carries the same key, and sent when the database is back it
 * settles that reservation; with no row kept (refused, or block), the outbox
 * keeps the key to release it.
 */
static int
pg_reserve_lost(struct ledger_pg *p, const struct ledger_entry *e, const char *key,
    int64_t now, int64_t worst, int64_t *id, struct meter *m, char **cause)
{
	bool asked = p->asked;
	int rc = pg_offline_reserve(p, e, key, now, worst, id, m, cause);

	if (asked && rc != LEDGER_RESERVED)
		pg_lost_keep(p, key, now);
	return rc;
}

/*
 * The schema's reserve says "run llm ledger init" for a team it does not
 * know: a member may not, and the owner would make the misspelt team, with
 * no budget. Put in *cause what llm budget says instead.
 */
static void
pg_no_team(const struct ledger_pg *p, char **cause)
{
	if (cause == NULL || *cause == NULL ||
	    strstr(*cause, "in the ledger: run llm ledger init") == NULL)
		return;
	free(*cause);
	*cause = NULL;
	store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX, p->t->team);
}

/* Check the team's and the user's budgets and reserve, in one transaction on the server. */
int
ledger_pg_reserve(struct ledger_pg *p, const struct ledger_entry *e, int64_t worst_case,
    bool enforce, int64_t *id, struct meter *m, char **cause)
{
	struct pg_args a = { .n = 0 };
	char key[33], task[PG_TASK_MAX];
	int64_t now = clock_now();
	PGresult *r;
	int verdict;

	*id = 0;
	pg_key(key);
	pg_reap(p);
	arg_str(&a, p->t->team);
	arg_str(&a, p->t->user);
	arg_str(&a, key);
	arg_i64(&a, now);
	arg_money(&a, worst_case);
	arg_bool(&a, enforce);
	if (e->conversation_id > 0)
		arg_i64(&a, e->conversation_id);
	else
		arg_str(&a, NULL);
	arg_str(&a, e->provider);
	arg_str(&a, e->model);
	arg_str(&a, e->tier);
	arg_str(&a, e->route_mode);
	arg_str(&a, e->route_reason);
	arg_i64(&a, p->self.pid);
	arg_money(&a, p->self.start);
	arg_str(&a, *p->self.owner ? p->self.owner : NULL);
	arg_str(&a, *p->self.host ? p->self.host : NULL);
	arg_i64(&a, now + LEDGER_EXPIRY);
	pg_task_key(p, e->task_id, task);
	arg_str(&a, e->task_id > 0 ? task : NULL);
	arg_i64(&a, e->task_id);
	arg_i64(&a, e->task_cap);
	r = pg_call(p, "reserve", "SELECT * FROM llm.reserve($1, $2, $3, $4, $5, $6, $7, $8, $9,"
	    " $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)", &a, cause);
	if (r == NULL && p->denied && p->conn != NULL &&
	    strcmp(pq.PQuser(p->conn), p->t->user) != 0) {
		char fix[160];

		snprintf(fix, sizeof fix, "a member's rows carry its database login: set [ledger]"
		    " user = %s", pq.PQuser(p->conn));
		pg_hint(cause, fix);
	}
	if (r == NULL && !p->down)
		pg_no_team(p, cause);
	if (r == NULL && p->down)
		return pg_reserve_lost(p, e, key, now, worst_case, id, m, cause);
	if (r == NULL)
		return -1;
	if (pq.PQntuples(r) != 1) {
		pq.PQclear(r);
		store_cause(cause, "team ledger: reserve: no answer");
		return -1;
	}
	verdict = (int)col_i64(r, 0, 0);
	*id = col_i64(r, 0, 1);
	pg_fill(r, 2, m);
	pq.PQclear(r);
	if (verdict != 0) {
		*id = 0;
		return verdict == 2 ? LEDGER_OVER_TASK : LEDGER_OVER_BUDGET;
	}
	if (e->task_id > 0) {
		if (p->task_id != e->task_id)
			p->task_held = 0;
		p->task_id = e->task_id;
		p->task_held += worst_case > 0 ? worst_case : 0;
	}
	if (worst_case > 0) {
		m->reserved += worst_case;
		m->user_reserved += worst_case;
	} else if (worst_case < 0) {
		m->unknown_count++;
	}
	return LEDGER_RESERVED;
}

/* Write a settlement into the outbox: of an offline row (pg_id 0), or one the database missed. */
static int
pg_offline_settle(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	sqlite3_stmt *st;
	bool local = id >= PG_OFFLINE_ID;
	int rc;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, local ?
	    "UPDATE team_outbox SET input_tokens = ?2, cached_input_tokens = ?3,"
	    " cache_write_tokens = ?4, cache_write_1h_tokens = ?5, output_tokens = ?6,"
	    " reasoning_tokens = ?7, cost_pico = ?8, estimated = ?9, status = ?10, latency_ms = ?11"
	    " WHERE id = ?1 AND kind = 'row' AND status = 'reserved'" :
	    "INSERT INTO team_outbox (kind, pg_id, input_tokens, cached_input_tokens,"
	    " cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens,"
	    " cost_pico, estimated, status, latency_ms) VALUES ('settle', ?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11)", -1, &st, NULL) != SQLITE_OK) {
		store_cause(cause, "team ledger: settle offline: %s", sqlite3_errmsg(p->db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, local ? id - PG_OFFLINE_ID : id);
	ledger_bind_usage(st, 2, u, cost, estimated);
	sqlite3_bind_text(st, 10, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, latency_ms);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_changes(p->db) != 1) {
		store_cause(cause, "team ledger: settle: no reservation %" PRId64, id);
		return -1;
	}
	return 0;
}

/*
 * A settlement the database did not take: when it is unreachable, the
 * settlement was lost on the way and is sent when it is back; else -1.
 */
static int
pg_settle_lost(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	if (!p->down)
		return -1;
	free(cause ? *cause : NULL);
	if (cause != NULL)
		*cause = NULL;
	return pg_offline_settle(p, id, u, cost, estimated, status, latency_ms, cause);
}

/* Parameters of llm.settle after the id. */
static void
pg_settle_args(struct pg_args *a, const char *status, const struct usage *u, int64_t cost,
    bool estimated, int64_t latency_ms)
{
	arg_str(a, status);
	arg_i64(a, u ? u->input : 0);
	arg_i64(a, u ? u->cached_input : 0);
	arg_i64(a, u ? u->cache_write : 0);
	arg_i64(a, u ? u->cache_write_1h : 0);
	arg_i64(a, u ? u->output : 0);
	arg_i64(a, u ? u->reasoning : 0);
	arg_money(a, cost);
	arg_bool(a, estimated);
	arg_i64(a, latency_ms);
}

/* Turn a reservation into the real row. */
int
ledger_pg_settle(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;
	int64_t n;

	if (id >= PG_OFFLINE_ID)
		return pg_offline_settle(p, id, u, cost, estimated, status, latency_ms, cause);
	arg_i64(&a, id);
	pg_settle_args(&a, status, u, cost, estimated, latency_ms);
	r = pg_call(p, "settle", "SELECT llm.settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	    &a, cause);
	if (r == NULL)
		return pg_settle_lost(p, id, u, cost, estimated, status, latency_ms, cause);
	n = col_i64(r, 0, 0);
	pq.PQclear(r);
	if (n != 1) {
		store_cause(cause, "team ledger: settle: no reservation %" PRId64 " of yours", id);
		return -1;
	}
	return 0;
}

/* The thresholds as a PostgreSQL array literal, "{50,80,100}". */
static void
pg_thresholds(const struct ledger_warn *w, char *out, size_t n)
{
	size_t i, len = 0;

	len += (size_t)snprintf(out, n, "{");
	for (i = 0; i < w->n && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%d", i > 0 ? "," : "", w->at[i]);
	if (len < n)
		snprintf(out + len, n - len, "}");
}

/* Settle, and in the same transaction record the team's budget thresholds first passed. */
int
ledger_pg_settle_warn(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost,
    bool estimated, const char *status, int64_t latency_ms, struct ledger_warn *w,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	char at[256];
	PGresult *r;
	int64_t n;

	if (w == NULL || w->n == 0 || id >= PG_OFFLINE_ID)
		return ledger_pg_settle(p, id, u, cost, estimated, status, latency_ms, cause);
	w->passed = 0;
	arg_i64(&a, id);
	pg_settle_args(&a, status, u, cost, estimated, latency_ms);
	arg_i64(&a, clock_now());
	pg_thresholds(w, at, sizeof at);
	arg_str(&a, at);
	r = pg_call(p, "settle", "SELECT * FROM llm.settle_warn($1, $2, $3, $4, $5, $6, $7, $8,"
	    " $9, $10, $11, $12, $13)", &a, cause);
	/* A settlement lost on the way gives no warning when the database is back. */
	if (r == NULL)
		return pg_settle_lost(p, id, u, cost, estimated, status, latency_ms, cause);
	n = pq.PQntuples(r) == 1 ? col_i64(r, 0, 0) : 0;
	if (n == 1) {
		w->passed = (int)col_i64(r, 0, 1);
		pg_fill(r, 2, &w->m);
		/* The thresholds are of the team's budget, which the database holds. */
		w->limit = w->m.limit;
	}
	pq.PQclear(r);
	if (n != 1) {
		store_cause(cause, "team ledger: settle: no reservation %" PRId64 " of yours", id);
		return -1;
	}
	return 0;
}

/* What a task has cost in the team's rows, and in the outbox while it is unreachable. */
int
ledger_pg_task_spent(struct ledger_pg *p, int64_t task_id, int64_t *spent, char **cause)
{
	struct pg_args a = { .n = 0 };
	char task[PG_TASK_MAX];
	PGresult *r;
	int64_t off;

	*spent = 0;
	pg_task_key(p, task_id, task);
	if ((off = pg_offline_task(p, task)) < 0) {
		store_cause(cause, "team ledger: task: the local outbox failed: %s",
		    sqlite3_errmsg(p->db));
		return -1;
	}
	arg_str(&a, p->t->team);
	arg_str(&a, task);
	r = pg_call(p, "task", "SELECT llm.task_spent($1, $2)", &a, cause);
	if (r == NULL) {
		if (!p->down)
			return -1;
		free(cause ? *cause : NULL);
		if (cause != NULL)
			*cause = NULL;
		/* Unreachable: of its rows there, this process's own, at their worst cases. */
		*spent = off + (p->task_id == task_id ? p->task_held : 0);
		return 0;
	}
	*spent = off + col_i64(r, 0, 0);
	pq.PQclear(r);
	return 0;
}

/* The team's time zone, as its database holds it. */
int
ledger_pg_zone(struct ledger_pg *p, char *zone, size_t n, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;
	const char *z;
	int rc = -1;

	*zone = '\0';
	/* Not connected (unreachable when opened): no second wait for a connection here. */
	if (p->conn == NULL) {
		store_cause(cause, "team ledger unreachable");
		return -1;
	}
	arg_str(&a, p->t->team);
	if ((r = pg_call(p, "zone", "SELECT llm.team_zone($1)", &a, cause)) == NULL)
		return -1;
	z = pq.PQntuples(r) == 1 ? col_str(r, 0, 0) : NULL;
	if (z == NULL)
		store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX,
		    p->t->team);
	else if (strlen(z) >= n)
		store_cause(cause, "team ledger: the team's time zone is too long");
	else
		rc = 0;
	if (rc == 0)
		str_copy(zone, n, z);
	pq.PQclear(r);
	return rc;
}

/* Record in the outbox what an offline row's request has received so far. */
static int
pg_offline_progress(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost)
{
	sqlite3_stmt *st;
	int rc;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "UPDATE team_outbox SET"
	    " received_input = ?2, received_output = ?3, received_cost = ?4 WHERE id = ?1"
	    " AND kind = 'row' AND status = 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id - PG_OFFLINE_ID);
	sqlite3_bind_int64(st, 2, u->input);
	sqlite3_bind_int64(st, 3, u->output);
	if (cost >= 0)
		sqlite3_bind_int64(st, 4, cost);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Record what a reservation's request has received so far; best effort. */
int
ledger_pg_progress(struct ledger_pg *p, int64_t id, const struct usage *u, int64_t cost)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;

	if (id >= PG_OFFLINE_ID)
		return pg_offline_progress(p, id, u, cost);
	if (p->conn == NULL)
		return -1;
	arg_i64(&a, id);
	arg_i64(&a, u->input);
	arg_i64(&a, u->output);
	arg_money(&a, cost);
	if ((r = pg_call(p, "progress", "SELECT llm.progress($1, $2, $3, $4)", &a, NULL)) == NULL)
		return -1;
	pq.PQclear(r);
	return 0;
}

/* The one row a call about the team returns, or NULL with *cause: no such team. */
static PGresult *
pg_team_row(struct ledger_pg *p, PGresult *r, char **cause)
{
	/* llm.meter answers a team it does not know with one row of NULLs */
	if (r == NULL || (pq.PQntuples(r) == 1 && !pq.PQgetisnull(r, 0, 0)))
		return r;
	pq.PQclear(r);
	store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX, p->t->team);
	return NULL;
}

/*
 * Add to m the settled rows the outbox still keeps: with the database there,
 * rows it refused (made for a team it does not know), which stay on this
 * machine and count against its offline allowance.
 */
static void
pg_kept(struct ledger_pg *p, struct meter *m)
{
	sqlite3_stmt *st;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT count(*), coalesce(sum("
	    "coalesce(cost_pico, worst_case_pico, 0)), 0) FROM team_outbox WHERE kind = 'row'"
	    " AND status <> 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW) {
		m->kept_rows = sqlite3_column_int64(st, 0);
		m->kept = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (m->kept_rows > 0 && p->refused != NULL)
		str_copy(m->kept_why, sizeof m->kept_why, p->refused);
}

/* The team's month and the user's share. */
int
ledger_pg_meter(struct ledger_pg *p, struct meter *m, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;

	pg_reap(p);
	arg_str(&a, p->t->team);
	arg_str(&a, p->t->user);
	arg_i64(&a, clock_now());
	arg_str(&a, *p->self.owner ? p->self.owner : NULL);
	r = pg_team_row(p, pg_call(p, "meter", "SELECT * FROM llm.meter($1, $2, $3, $4)", &a,
	    cause), cause);
	if (r == NULL)
		return -1;
	pg_fill(r, 0, m);
	/* the meter's alone: llm.reserve and llm.settle_warn return version 3's figures */
	m->user_unknown = col_i64(r, 0, 14);
	pq.PQclear(r);
	pg_kept(p, m);
	return 0;
}

/* Fill row r from row i of the llm.rows query below. */
static void
pg_row_read(const PGresult *x, int i, struct ledger_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = col_i64(x, i, 0);
	r->time = col_i64(x, i, 1);
	r->conversation_id = col_i64(x, i, 2);
	r->provider = col_str(x, i, 3);
	r->model = col_str(x, i, 4);
	r->tier = col_str(x, i, 5);
	r->route_mode = col_str(x, i, 6);
	r->route_reason = col_str(x, i, 7);
	r->usage.input = col_i64(x, i, 8);
	r->usage.cached_input = col_i64(x, i, 9);
	r->usage.cache_write = col_i64(x, i, 10);
	r->usage.cache_write_1h = col_i64(x, i, 11);
	r->usage.output = col_i64(x, i, 12);
	r->usage.reasoning = col_i64(x, i, 13);
	r->cost = pq.PQgetisnull(x, i, 14) ? -1 : col_i64(x, i, 14);
	r->worst_case = pq.PQgetisnull(x, i, 15) ? -1 : col_i64(x, i, 15);
	r->estimated = strcmp(pq.PQgetvalue(x, i, 16), "t") == 0;
	r->status = col_str(x, i, 17);
	r->latency_ms = col_i64(x, i, 18);
	r->team = col_str(x, i, 19);
	r->user = col_str(x, i, 20);
	r->task_id = col_i64(x, i, 21);
	r->task = col_str(x, i, 22);
	r->usage.reported = !r->estimated;
	if (r->status == NULL)
		r->status = "?";
}

/* Walk the rows the caller may read in [from, to), oldest first. */
int
ledger_pg_rows(struct ledger_pg *p, int64_t from, int64_t to, ledger_row_fn fn, void *arg,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	struct ledger_row row;
	PGresult *r;
	struct meter m;
	int i, n;

	/* The meter expires dead reservations first: a report shows them as the meter counts them. */
	if (ledger_pg_meter(p, &m, cause) < 0)
		return -1;
	arg_str(&a, p->t->team);
	arg_i64(&a, from);
	arg_i64(&a, to);
	r = pg_call(p, "report", "SELECT id, time, coalesce(conversation_id, 0), provider, model,"
	    " tier, route_mode, route_reason, input_tokens, cached_input_tokens,"
	    " cache_write_tokens, cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_pico,"
	    " worst_case_pico, estimated, status, coalesce(latency_ms, 0), team, \"user\","
	    " coalesce(task_id, 0), task FROM llm.rows($1, $2, $3)", &a, cause);
	if (r == NULL)
		return -1;
	n = pq.PQntuples(r);
	for (i = 0; i < n; i++) {
		pg_row_read(r, i, &row);
		if (fn(arg, &row) != 0)
			break;
	}
	pq.PQclear(r);
	return 0;
}

/* The team's spend on each day (of its time zone) of the month [start, end). */
int
ledger_pg_days(struct ledger_pg *p, int64_t start, int64_t end, int64_t *spent, int ndays,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	struct meter m;
	PGresult *r;
	int64_t d;
	int i;

	memset(spent, 0, (size_t)ndays * sizeof *spent);
	/* The meter expires dead reservations first: the days count them as the meter does. */
	if (ledger_pg_meter(p, &m, cause) < 0)
		return -1;
	arg_str(&a, p->t->team);
	arg_i64(&a, start);
	arg_i64(&a, end);
	r = pg_call(p, "days", "SELECT day, spent FROM llm.team_days($1, $2, $3)", &a, cause);
	if (r == NULL)
		return -1;
	for (i = 0; i < pq.PQntuples(r); i++) {
		d = col_i64(r, i, 0);
		if (d >= 1 && d <= ndays)
			spent[d - 1] += col_i64(r, i, 1);
	}
	pq.PQclear(r);
	return 0;
}

/* Each user's totals of the team's month mon, as the view members may read holds them. */
int
ledger_pg_totals(struct ledger_pg *p, const char *mon, ledger_total_fn fn, void *arg,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	struct ledger_total t;
	PGresult *r;
	int i;

	arg_str(&a, p->t->team);
	arg_str(&a, mon);
	r = pg_call(p, "totals", "SELECT \"user\", requests, spent_pico, unknown_cost_requests,"
	    " estimated_requests FROM llm.usage_by_user WHERE team = $1 AND month = $2"
	    " ORDER BY \"user\"", &a, cause);
	if (r == NULL)
		return -1;
	for (i = 0; i < pq.PQntuples(r); i++) {
		t.user = col_str(r, i, 0);
		t.requests = col_i64(r, i, 1);
		t.spent = col_i64(r, i, 2);
		t.unknown = col_i64(r, i, 3);
		t.estimated = col_i64(r, i, 4) > 0 || t.unknown > 0;
		if (t.user != NULL && fn(arg, &t) != 0)
			break;
	}
	pq.PQclear(r);
	return 0;
}

/* Run one statement of the upgrade with no parameters. */
static int
pg_exec(struct ledger_pg *p, const char *what, const char *sql, char **cause)
{
	PGresult *r = pg_run(p, sql, NULL, 0, NULL);
	ExecStatusType s = pq.PQresultStatus(r);
	int rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? 0 : -1;
	/* The primary message alone, as pg_call gives: not "ERROR:" and the statement's text. */
	const char *msg = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (rc < 0)
		pg_cause(cause, what, msg != NULL ? msg : r != NULL ? pq.PQresultErrorMessage(r) :
		    pq.PQerrorMessage(p->conn));
	if (rc < 0 && pg_denied(r))
		pg_hint(cause, "llm ledger init runs as the owner of the llm schema");
	pq.PQclear(r);
	return rc;
}

/* Apply the migrations after version v and record the new version; in a transaction. */
static int
pg_upgrade(struct ledger_pg *p, int v, char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;
	char sql[128];
	size_t i;

	for (i = (size_t)v; i < ledger_schema_count; i++)
		if (pg_exec(p, "init", ledger_schema[i], cause) < 0)
			return -1;
	snprintf(sql, sizeof sql, "INSERT INTO llm.meta VALUES ('version', '%zu') ON CONFLICT (key)"
	    " DO UPDATE SET value = EXCLUDED.value", ledger_schema_count);
	if (pg_exec(p, "init", sql, cause) < 0)
		return -1;
	/*
	 * The team's row; its time zone is checked by the server's own list. Without
	 * one configured the team's stays: an upgrade run from elsewhere keeps its months.
	 */
	arg_str(&a, p->t->team);
	arg_str(&a, p->t->timezone);
	r = pg_run(p, "INSERT INTO llm.teams (team, timezone)"
	    " SELECT $1, coalesce($2, 'UTC') WHERE now() AT TIME ZONE coalesce($2, 'UTC') IS NOT NULL"
	    " ON CONFLICT (team) DO UPDATE SET timezone = coalesce($2, llm.teams.timezone)", &a, 0,
	    NULL);
	if (pq.PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *msg = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		const char *state = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

		pg_cause(cause, "init", msg != NULL ? msg : pq.PQresultErrorMessage(r));
		/* 22023: a time zone the server does not know */
		if (state != NULL && strcmp(state, "22023") == 0)
			pg_hint(cause, "check [ledger] timezone, a name such as Europe/Paris");
		pq.PQclear(r);
		return -1;
	}
	pq.PQclear(r);
	return 0;
}

/* Create or upgrade the schema and the team's row. */
int
ledger_pg_init(struct ledger_pg *p, int *version, char **cause)
{
	int v, rc;

	*version = -1;
	if ((rc = pg_connect(p, cause)) != 0)
		return -1;
	/* One upgrader at a time: the lock is held until the transaction ends. */
	if (pg_exec(p, "init", "BEGIN", cause) < 0)
		return -1;
	/* An upgrade of a large ledger may take longer than a request's call. */
	if (pg_exec(p, "init", "SET LOCAL statement_timeout = 0", cause) < 0 ||
	    pg_exec(p, "init", "SELECT pg_advisory_xact_lock(7146252)", cause) < 0 ||
	    (v = pg_version(p, cause)) < 0)
		goto fail;
	*version = v;
	if (v > LEDGER_PG_VERSION) {
		store_cause(cause, "team ledger: its schema is version %d, newer than this llm's (%d):"
		    " upgrade llm", v, LEDGER_PG_VERSION);
		goto fail;
	}
	if (pg_upgrade(p, v, cause) < 0 || pg_exec(p, "init", "COMMIT", cause) < 0)
		goto fail;
	p->version = LEDGER_PG_VERSION;
	return 0;
fail:
	pg_exec(p, "init", "ROLLBACK", NULL);
	return -1;
}

/* Set the team's budget, or a user's. */
int
ledger_pg_set_budget(struct ledger_pg *p, const char *user, int64_t pico, bool *known,
    char **cause)
{
	struct pg_args a = { .n = 0 };
	PGresult *r;

	arg_str(&a, p->t->team);
	if (user != NULL)
		arg_str(&a, user);
	arg_i64(&a, pico);
	r = pg_call(p, "budget", user != NULL ?
	    "INSERT INTO llm.user_budgets (team, \"user\", budget_pico) VALUES ($1, $2, $3)"
	    " ON CONFLICT (team, \"user\") DO UPDATE SET budget_pico = EXCLUDED.budget_pico"
	    /* a user is a login, or has made requests (an admin's rows may bear any name) */
	    " RETURNING 1, EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $2)"
	    " OR EXISTS (SELECT 1 FROM llm.usage u WHERE u.team = $1 AND u.\"user\" = $2)" :
	    "UPDATE llm.teams SET budget_pico = $2 WHERE team = $1 RETURNING 1", &a, cause);
	/* A user's budget names its team by a foreign key (23503): the team is unknown. */
	if (r == NULL && strcmp(p->state, "23503") == 0 && cause != NULL) {
		free(*cause);
		*cause = NULL;
		store_cause(cause, "team ledger: no team \"%s\" in the ledger: " PG_NO_TEAM_FIX,
		    p->t->team);
	}
	r = pg_team_row(p, r, cause);
	if (r == NULL && p->denied)
		pg_hint(cause, "budgets are set by a login in llm_admin, or the schema's owner");
	if (r == NULL)
		return -1;
	if (known != NULL)
		*known = user == NULL || strcmp(pq.PQgetvalue(r, 0, 1), "t") == 0;
	pq.PQclear(r);
	return 0;
}

/* Columns of the outbox as pg_send reads them. */
#define PG_OUTBOX_COLS "id, kind, pg_id, row_key, team, user, time, conversation_id, provider," \
	" model, tier, route_mode, input_tokens, cached_input_tokens, cache_write_tokens," \
	" cache_write_1h_tokens, output_tokens, reasoning_tokens, cost_pico, worst_case_pico," \
	" estimated, status, latency_ms, route_reason, pid, pid_start, owner, task, task_id"

/* Column c of st as text, or NULL. */
static const char *
ob_str(sqlite3_stmt *st, int c)
{
	return (const char *)sqlite3_column_text(st, c);
}

/* Column c of st as money: -1 when NULL (unknown). */
static int64_t
ob_money(sqlite3_stmt *st, int c)
{
	return sqlite3_column_type(st, c) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, c);
}

/*
 * The id of the reservation made on the server under outbox row st's key, whose
 * answer was lost, when it still holds the budget (status reserved, or expired
 * there meanwhile: llm.settle takes both): 1 with *id, and *live when still
 * reserved; 0 none; -1 with *cause.
 */
static int
pg_twin(struct ledger_pg *p, sqlite3_stmt *st, int64_t *id, bool *live, char **cause)
{
	struct pg_args a = { .n = 0 };
	int64_t t = sqlite3_column_int64(st, 6);
	PGresult *r;
	int rc = 0;

	arg_str(&a, ob_str(st, 4));
	arg_i64(&a, t);
	arg_i64(&a, t + 1);
	arg_str(&a, ob_str(st, 3));
	r = pg_call(p, "send", "SELECT id, status = 'reserved' FROM llm.rows($1, $2, $3)"
	    " WHERE row_key = $4 AND status IN ('reserved', 'expired') AND NOT offline", &a, cause);
	if (r == NULL)
		return -1;
	if (pq.PQntuples(r) == 1) {
		*id = col_i64(r, 0, 0);
		*live = strcmp(pq.PQgetvalue(r, 0, 1), "t") == 0;
		rc = 1;
	}
	pq.PQclear(r);
	return rc;
}

/*
 * Settle the server's reservation under outbox row st's key, whose answer was
 * lost, as st says (kind release, or an expired row: released, as for a
 * holder gone; else st's figures). 0 when done or there is none, -1.
 */
static int
pg_send_twin(struct ledger_pg *p, sqlite3_stmt *st, const struct usage *u, char **cause)
{
	struct pg_args a = { .n = 0 };
	const char *kind = ob_str(st, 1), *status = ob_str(st, 21);
	bool live = false, release;
	int64_t id = 0;
	PGresult *r;
	int got;

	if ((got = pg_twin(p, st, &id, &live, cause)) <= 0)
		return got;
	release = strcmp(kind, "release") == 0 || status == NULL || strcmp(status, "expired") == 0;
	if (release && !live)
		return 0;
	arg_i64(&a, id);
	if (release) {
		r = pg_call(p, "send", "SELECT llm.release($1)", &a, cause);
	} else {
		pg_settle_args(&a, status, u, ob_money(st, 18), sqlite3_column_int(st, 20) != 0,
		    sqlite3_column_int64(st, 22));
		r = pg_call(p, "send", "SELECT llm.settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		    " $11)", &a, cause);
	}
	if (r == NULL)
		return -1;
	pq.PQclear(r);
	return 0;
}

/*
 * Send one outbox row: a whole offline row (llm.record), a missed settlement,
 * or the release of a reservation whose answer was lost. 0 or -1.
 */
static int
pg_send(struct ledger_pg *p, sqlite3_stmt *st, char **cause)
{
	struct pg_args a = { .n = 0 };
	struct usage u;
	const char *kind = ob_str(st, 1);
	PGresult *r;
	bool kept;

	memset(&u, 0, sizeof u);
	u.input = sqlite3_column_int64(st, 12);
	u.cached_input = sqlite3_column_int64(st, 13);
	u.cache_write = sqlite3_column_int64(st, 14);
	u.cache_write_1h = sqlite3_column_int64(st, 15);
	u.output = sqlite3_column_int64(st, 16);
	u.reasoning = sqlite3_column_int64(st, 17);
	if (kind != NULL && strcmp(kind, "settle") == 0) {
		arg_i64(&a, sqlite3_column_int64(st, 2));
		pg_settle_args(&a, ob_str(st, 21), &u, ob_money(st, 18),
		    sqlite3_column_int(st, 20) != 0, sqlite3_column_int64(st, 22));
		r = pg_call(p, "send", "SELECT llm.settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		    " $11)", &a, cause);
	} else if (kind != NULL && strcmp(kind, "release") == 0) {
		return pg_send_twin(p, st, &u, cause);
	} else {
		arg_str(&a, ob_str(st, 4));     /* team */
		arg_str(&a, ob_str(st, 5));     /* user */
		arg_str(&a, ob_str(st, 3));     /* the row's key: sent twice, kept once */
		arg_i64(&a, sqlite3_column_int64(st, 6));
		if (sqlite3_column_type(st, 7) == SQLITE_NULL)
			arg_str(&a, NULL);
		else
			arg_i64(&a, sqlite3_column_int64(st, 7));
		arg_str(&a, *p->self.host ? p->self.host : NULL);
		arg_str(&a, ob_str(st, 8));
		arg_str(&a, ob_str(st, 9));
		arg_str(&a, ob_str(st, 10));
		arg_str(&a, ob_str(st, 11));
		arg_str(&a, ob_str(st, 23));
		arg_i64(&a, u.input);
		arg_i64(&a, u.cached_input);
		arg_i64(&a, u.cache_write);
		arg_i64(&a, u.cache_write_1h);
		arg_i64(&a, u.output);
		arg_i64(&a, u.reasoning);
		arg_money(&a, ob_money(st, 18));
		arg_money(&a, ob_money(st, 19));
		arg_bool(&a, sqlite3_column_int(st, 20) != 0);
		arg_str(&a, ob_str(st, 21));
		arg_i64(&a, sqlite3_column_int64(st, 22));
		arg_str(&a, ob_str(st, 27));
		if (sqlite3_column_type(st, 28) == SQLITE_NULL)
			arg_str(&a, NULL);
		else
			arg_i64(&a, sqlite3_column_int64(st, 28));
		r = pg_call(p, "send", "SELECT llm.record($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
		    " $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)", &a, cause);
		if (r == NULL)
			return -1;
		/*
		 * The server has a row under this key already: this row's, sent before,
		 * or the reservation whose answer was lost when this row was made, which
		 * becomes this row.
		 */
		kept = col_i64(r, 0, 0) == 1;
		pq.PQclear(r);
		return kept ? 0 : pg_send_twin(p, st, &u, cause);
	}
	if (r == NULL)
		return -1;
	pq.PQclear(r);
	return 0;
}

/*
 * Settle the offline reservations whose process is gone, at what they had
 * received, and those past the expiry, at their worst case, as the database
 * would settle them.
 */
static void
pg_outbox_expire(struct ledger_pg *p)
{
	sqlite3_stmt *st, *up;
	int64_t now = clock_now();

	if (sqlite3_prepare_v2(p->db, "SELECT id, time, pid, pid_start, owner FROM team_outbox"
	    " WHERE kind = 'row' AND status = 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return;
	/*
	 * Its process gone (?2): what it had received, as the database releases a
	 * dead process's reservation; nothing when no reply had come. Else its
	 * hour is up: its worst case.
	 */
	if (sqlite3_prepare_v2(p->db, "UPDATE team_outbox SET"
	    " status = CASE WHEN ?2 THEN 'cancelled' ELSE 'expired' END,"
	    " input_tokens = CASE WHEN ?2 THEN coalesce(received_input, 0) ELSE input_tokens END,"
	    " output_tokens = CASE WHEN ?2 THEN coalesce(received_output, 0) ELSE output_tokens END,"
	    " cost_pico = CASE WHEN NOT ?2 THEN worst_case_pico"
	    "  WHEN received_output IS NULL THEN 0 ELSE received_cost END,"
	    " estimated = 1 WHERE id = ?1", -1, &up, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		bool dead = sqlite3_column_type(st, 3) != SQLITE_NULL &&
		    p->self.gone(p->self.arg, sqlite3_column_int64(st, 2),
		    sqlite3_column_int64(st, 3), ob_str(st, 4), p->self.host);

		if (!dead && sqlite3_column_int64(st, 1) + LEDGER_EXPIRY > now)
			continue;
		sqlite3_reset(up);
		sqlite3_bind_int64(up, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int(up, 2, dead);
		sqlite3_step(up);
	}
	sqlite3_finalize(up);
	sqlite3_finalize(st);
}

/*
 * Why the database refused outbox row st, for the user: a row made under
 * another team's name (a misspelt [ledger] team), or for a team the database
 * does not know (its foreign key, SQLSTATE 23503), is named so; else its error.
 */
static char *
pg_refused_why(const struct ledger_pg *p, sqlite3_stmt *st, const char *why)
{
	const char *team = ob_str(st, 4);

	if (team != NULL && p->t->team != NULL && strcmp(team, p->t->team) != 0)
		return xstrfmt("made for team \"%s\", which it does not know", team);
	if (team != NULL && strcmp(p->state, "23503") == 0)
		return xstrfmt("it does not know team \"%s\"", team);
	return xstrdup(why != NULL ? why : "refused");
}

/* Send what the outbox holds, removing each row once the database has it. */
static int
pg_flush_outbox(struct ledger_pg *p, char **cause)
{
	sqlite3_stmt *st, *del;
	int sent = 0, rc = 0;

	if (pg_outbox(p) < 0)
		return -1;
	pg_outbox_expire(p);
	free(p->refused);
	p->refused = NULL;
	if (sqlite3_prepare_v2(p->db, "SELECT " PG_OUTBOX_COLS " FROM team_outbox WHERE"
	    " kind <> 'row' OR status <> 'reserved' ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(p->db, "DELETE FROM team_outbox WHERE id = ?1", -1, &del,
	    NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *why = NULL;

		if (pg_send(p, st, &why) < 0) {
			if (!p->down && p->refused == NULL)
				p->refused = pg_refused_why(p, st, why);
			if (cause != NULL && *cause == NULL)
				*cause = why;
			else
				free(why);
			rc = -1;
			/*
			 * Unreachable again: the rest waits too. A row the database refuses
			 * (its team unknown there) stays, and holds back none after it.
			 */
			if (p->down)
				break;
			continue;
		}
		/* Sent: a crash before this delete sends it again, and the server keeps it once. */
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = -1;
			break;
		}
		sent++;
		p->sent++;
	}
	sqlite3_finalize(del);
	sqlite3_finalize(st);
	return rc < 0 ? -1 : sent;
}

/* How many rows the outbox holds to send (live offline reservations are not yet); -1 on error. */
static int
pg_kept_count(struct ledger_pg *p)
{
	sqlite3_stmt *st;
	int n = -1;

	if (pg_outbox(p) < 0 || sqlite3_prepare_v2(p->db, "SELECT count(*) FROM team_outbox WHERE"
	    " kind <> 'row' OR status <> 'reserved'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Put the settled rows the outbox keeps under this configuration's team and user. */
static int
pg_kept_move(struct ledger_pg *p)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(p->db, "UPDATE team_outbox SET team = ?1, user = ?2 WHERE"
	    " kind = 'row' AND status <> 'reserved' AND (team IS NOT ?1 OR user IS NOT ?2)", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	store_bind_str(st, 1, p->t->team);
	store_bind_str(st, 2, p->t->user);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Send the rows kept here; those the database refuses, as this configuration's team and user. */
int
ledger_pg_send(struct ledger_pg *p, int *sent, char **cause)
{
	int left;

	*sent = 0;
	if (pg_connect(p, cause) != 0)
		return -1;
	if (p->version != LEDGER_PG_VERSION) {
		store_cause(cause, "team ledger: the schema is version %d; the schema's owner"
		    " upgrades it with llm ledger init", p->version);
		return -1;
	}
	/* As they are first: the database may know their team by now. */
	pg_flush_outbox(p, NULL);
	if (!p->down && (left = pg_kept_count(p)) != 0) {
		if (left < 0)
			goto local;
		if (pg_kept_move(p) < 0)
			goto local;
		pg_flush_outbox(p, NULL);
	}
	if (p->down) {
		store_cause(cause, "%s", p->dial_cause);
		return -1;
	}
	if ((left = pg_kept_count(p)) < 0)
		goto local;
	/* Those sent when the ledger was opened count too: this command sent them. */
	*sent = p->sent;
	if (left > 0)
		store_cause(cause, "%s", p->refused != NULL ? p->refused : "refused");
	return left;
local:
	store_cause(cause, "team ledger: the local outbox failed: %s", sqlite3_errmsg(p->db));
	return -1;
}
