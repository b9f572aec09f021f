/* ledger_pg_conn: the team ledger's connection: libpq loaded, dialled, calls given up in time. */
#include <assert.h>
#include <dlfcn.h>
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
#include "dl.h"
#include "keyring.h"
#include "ledger_pg.h"
#include "ledger_pg_priv.h"
#include "pgservice.h"
#include "resolve.h"
#include "store.h"
#include "util.h"

struct ledger_pq pq;

#define PQ_SYM(fn) DL_SYM(pq, fn)
static const struct dl_sym pq_syms[] = { PQ_SYMS(PQ_SYM) };
#undef PQ_SYM

/* What to install, said when libpq cannot be loaded. */
#define PQ_FIX "install libpq (Debian and Ubuntu: libpq5) to use [ledger] database"

/* Load libpq once: 0, or -1 with *cause. */
int
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

void
arg_str(struct pg_args *a, const char *s)
{
	assert(a->n < PG_ARGS_MAX);
	a->v[a->n++] = s;
}

void
arg_i64(struct pg_args *a, int64_t x)
{
	assert(a->n < PG_ARGS_MAX);
	snprintf(a->num[a->n], sizeof a->num[a->n], "%" PRId64, x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

/* x, or NULL when x < 0 (an unknown cost or price). */
void
arg_money(struct pg_args *a, int64_t x)
{
	if (x < 0)
		arg_str(a, NULL);
	else
		arg_i64(a, x);
}

void
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
void
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
bool
pg_denied(const PGresult *r)
{
	const char *state = r != NULL ? pq.PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return state != NULL && strcmp(state, "42501") == 0;
}

/* Add to *cause what to do about it: "; fix". */
void
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
int64_t
col_i64(const PGresult *r, int i, int c)
{
	if (pq.PQgetisnull(r, i, c))
		return 0;
	return strtoll(pq.PQgetvalue(r, i, c), NULL, 10);
}

/* Text in column c of row i, or NULL; borrowed from r. */
const char *
col_str(const PGresult *r, int i, int c)
{
	return pq.PQgetisnull(r, i, c) ? NULL : pq.PQgetvalue(r, i, c);
}

/* A new idempotent row id: 128 random bits in hex. */
void
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
	/* A server's refusal then carries its SQLSTATE (pg_conn_msg). */
	pq.PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
	while (s != PGRES_POLLING_OK && s != PGRES_POLLING_FAILED) {
		if (pg_poll(pq.PQsocket(c), s == PGRES_POLLING_READING ? POLLIN : POLLOUT,
		    deadline) <= 0) {
			pq.PQfinish(c);
			return NULL;
		}
		s = pq.PQconnectPoll(c);
	}
	if (s == PGRES_POLLING_OK)
		pq.PQsetErrorVerbosity(c, PQERRORS_DEFAULT);
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
PGresult *
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
int
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

/* Drop the server's notices: llm says what went wrong itself. */
static void
pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * A server's answers to a connection that are the setup's fault, by SQLSTATE
 * (or its class): they last until the setting or the database's roles are
 * put right, which is said. Others a server may answer with (starting up or
 * shutting down, 57P03; too many connections, 53300) pass: an outage.
 */
static const struct pg_login_fault {
	const char *state, *what, *fix;
} pg_login_faults[] = {
	/* A role that does not exist is refused the same way when a password is asked. */
	{ "28P01", "the database refused the login",
	    "check the login in [ledger] database (or LLM_DATABASE) and its password in "
	    PG_PASSWORD_FIX },
	/* No such role, a role that may not log in, no pg_hba.conf line for it. */
	{ "28", "the database refused the login",
	    "check the user in [ledger] database (or LLM_DATABASE); roles, and the hosts they may"
	    " connect from (pg_hba.conf), are the database server's owner's to add" },
	{ "3D000", "the database server has no such database",
	    "check the database's name in [ledger] database (or LLM_DATABASE)" },
	{ "42501", "the login may not connect to that database",
	    "the database's owner grants it with GRANT CONNECT ON DATABASE" },
};

/*
 * Where in line s..e a server's answer puts its SQLSTATE, written as libpq's
 * PQERRORS_VERBOSE writes it: the severity, two spaces, five digits or capital
 * letters and ": " ("FATAL:  28000: role ..."). NULL: none there.
 */
static const char *
pg_code(const char *s, const char *e)
{
	const char *m;
	size_t k;

	for (m = s; (m = strstr(m, ":  ")) != NULL && m + 10 <= e; m++) {
		for (k = 3; k < 8 && ((m[k] >= '0' && m[k] <= '9') || (m[k] >= 'A' && m[k] <= 'Z'));
		    k++)
			;
		if (k == 8 && m[8] == ':' && m[9] == ' ')
			return m + 3;
	}
	return NULL;
}

/*
 * Failed connection c's message as libpq gives it by default, and in state[6]
 * the SQLSTATE of the first of its servers' answers that is the setup's fault,
 * else of the first answer ("" none: no server answered). libpq keeps a connection's
 * SQLSTATE to itself, so pg_start has it written in the message
 * (PQERRORS_VERBOSE: "FATAL:  3D000: database ...\nLOCATION:  ..."); the
 * code is taken out here, the location dropped. Neither is translated, and
 * libpq's own failures carry no code.
 */
static char *
pg_conn_msg(PGconn *c, char state[6])
{
	const char *s = pq.PQerrorMessage(c), *e, *code;
	bool fault = false;
	struct buf b;
	size_t i;

	state[0] = '\0';
	buf_init(&b, 0);
	for (; *s != '\0'; s = *e != '\0' ? e + 1 : e) {
		e = s + strcspn(s, "\n");
		if (str_startswith(s, "LOCATION:  "))
			continue;
		if ((code = pg_code(s, e)) == NULL) {
			buf_add(&b, s, (size_t)(e - s));
		} else {
			for (i = 0; !fault && i < ARRAY_SIZE(pg_login_faults); i++)
				fault = str_startswith(code, pg_login_faults[i].state);
			/* the code's five characters */
			if (fault || state[0] == '\0')
				str_copy(state, 6, code);
			buf_add(&b, s, (size_t)(code - s));
			buf_add(&b, code + 7, (size_t)(e - (code + 7)));
		}
		buf_addc(&b, '\n');
	}
	return buf_detach(&b);
}

/*
 * Whether failed connection c, whose message is msg and state its SQLSTATE
 * (pg_conn_msg), was refused for its setup rather than not made: the server
 * wants a password and none was found, or it answered that the login, its
 * password or the database is wrong. That is no outage: it lasts until the
 * setting is put right, which is said.
 */
static bool
pg_refused(PGconn *c, const char *msg, const char *state, char **cause)
{
	size_t i;

	if (pq.PQconnectionNeedsPassword(c)) {
		store_cause(cause, "team ledger: the database wants a password for this login and"
		    " none was found: put it in " PG_PASSWORD_FIX);
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(pg_login_faults); i++)
		if (*state != '\0' && str_startswith(state, pg_login_faults[i].state)) {
			pg_cause(cause, pg_login_faults[i].what, msg);
			pg_hint(cause, pg_login_faults[i].fix);
			return true;
		}
	/*
	 * A password given and the connection failed with no such code: a pooler
	 * (PgBouncer) says a wrong password with a protocol error's code, 08P01.
	 * Only a server starting up, shutting down or out of connections is
	 * waited for.
	 */
	if (!pq.PQconnectionUsedPassword(c) || str_startswith(state, "53") ||
	    str_startswith(state, "57"))
		return false;
	pg_cause(cause, pg_login_faults[0].what, msg);
	pg_hint(cause, pg_login_faults[0].fix);
	return true;
}

/*
 * Whether a failed connection, whose message is msg, asked for SSL (sslmode
 * require, verify-ca or verify-full) of a server that does not offer it. The
 * server answered: no outage, which waiting would mend, but a setting to
 * change on one side or the other. libpq says so in words alone: no PQstatus, SQLSTATE or other
 * call tells it, so its text is matched. That text is libpq's own, never the
 * server's (whose lc_messages cannot change it), and English in llm, which
 * sets LC_CTYPE alone: with LC_MESSAGES "C", libpq's gettext keeps its
 * msgids whatever LANG, LC_ALL or LANGUAGE say (tests/sh/team_lang.sh).
 */
static bool
pg_no_ssl(const char *msg, char **cause)
{
	if (strstr(msg, "server does not support SSL") == NULL)
		return false;
	store_cause(cause, "team ledger: the database server does not accept SSL, and sslmode"
	    " asks for it: turn ssl on in the server's postgresql.conf, or, on a network you"
	    " trust, set sslmode=prefer in [ledger] database (or PGSSLMODE)");
	return true;
}

/*
 * Whether a failed connection, whose message is msg, was refused by libpq
 * itself for a setting that no server can satisfy: an option's value it does
 * not know ("invalid sslmode value"), or channel binding asked for without
 * SSL. No outage either: it lasts until the setting is put right. libpq says
 * so in words alone, in English as pg_no_ssl's are; the server's lc_messages
 * does not reach them.
 */
static bool
pg_bad_setting(const char *msg, char **cause)
{
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
int
pg_connect(struct ledger_pg *p, char **cause)
{
	char *why = NULL, state[6];

	if (p->conn != NULL)
		return 0;
	if (p->dial_failed != 0 && clock_ms() - p->dial_failed < PG_REDIAL_MS) {
		store_cause(cause, "%s", p->dial_cause);
		p->down = true;
		return -1;
	}
	p->conn = pg_dial(p, &why);
	if (p->conn != NULL && pq.PQstatus(p->conn) != CONNECTION_OK) {
		free(why);
		why = pg_conn_msg(p->conn, state);
		if (pg_refused(p->conn, why, state, cause) || pg_no_ssl(why, cause) ||
		    pg_bad_setting(why, cause)) {
			free(why);
			pq.PQfinish(p->conn);
			p->conn = NULL;
			return -2;
		}
	}
	if (p->conn == NULL || pq.PQstatus(p->conn) != CONNECTION_OK) {
		pg_drop(p, why, cause);
		free(why);
		return -1;
	}
	free(why);
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
PGresult *
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
