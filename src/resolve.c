/* resolve: look up a host name's addresses with a deadline, which getaddrinfo does not keep. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "resolve.h"
#include "util.h"

/* Most addresses taken of one name: libpq tries each in turn. */
#define RESOLVE_MAX 16

/*
 * One lookup, shared by its thread and the caller: whichever lets go of it
 * last frees it, so a caller that stops waiting leaves the thread nothing
 * dangling.
 */
struct lookup {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	bool done;
	int err;                        /* getaddrinfo's answer */
	int sys;                        /* its errno, for EAI_SYSTEM */
	struct addrinfo *res;
	char host[];
};

bool
resolve_numeric(const char *host)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

static void
lookup_unref(struct lookup *l)
{
	bool last;

	pthread_mutex_lock(&l->mu);
	last = --l->refs == 0;
	pthread_mutex_unlock(&l->mu);
	if (!last)
		return;
	if (l->res != NULL)
		freeaddrinfo(l->res);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

/* The lookup itself, on a thread of its own: the resolver may wait on a server for minutes. */
static void *
lookup_run(void *arg)
{
	struct lookup *l = arg;
	/* As libpq asks: every family, stream sockets. */
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int err = getaddrinfo(l->host, NULL, &hints, &res);

	pthread_mutex_lock(&l->mu);
	l->err = err;
	l->sys = errno;
	l->res = err == 0 ? res : NULL;
	l->done = true;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	lookup_unref(l);
	return NULL;
}

/* Wait for l's answer until deadline (clock_ms()): whether it came. */
static bool
lookup_wait(struct lookup *l, int64_t deadline)
{
	struct timespec ts;
	int64_t left;
	bool done;

	pthread_mutex_lock(&l->mu);
	while (!l->done && (left = deadline - clock_ms()) > 0) {
		cond_deadline(&ts, left);
		pthread_cond_timedwait(&l->cv, &l->mu, &ts);
	}
	done = l->done;
	pthread_mutex_unlock(&l->mu);
	return done;
}

/* The numeric addresses of res, without repeats (one per socket type the resolver gave). */
static char **
lookup_list(const struct addrinfo *res)
{
	char **v = xcalloc(RESOLVE_MAX + 1, sizeof *v), text[INET6_ADDRSTRLEN];
	size_t n = 0, i;

	for (; res != NULL && n < RESOLVE_MAX; res = res->ai_next) {
		if ((res->ai_family != AF_INET && res->ai_family != AF_INET6) ||
		    getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, NULL, 0,
		    NI_NUMERICHOST) != 0)
			continue;
		for (i = 0; i < n && strcmp(v[i], text) != 0; i++)
			;
		if (i == n)
			v[n++] = xstrdup(text);
	}
	return v;
}

int
resolve_addrs(const char *host, int64_t deadline, char ***addrs, char **cause)
{
	size_t len = strlen(host) + 1;
	struct lookup *l = xmalloc(sizeof *l + len);
	pthread_t th;
	int rc, err;

	*addrs = NULL;
	memcpy(l->host, host, len);
	l->refs = 2;
	l->done = false;
	l->err = l->sys = 0;
	l->res = NULL;
	pthread_mutex_init(&l->mu, NULL);
	cond_init_monotonic(&l->cv);
	if ((err = pthread_create(&th, NULL, lookup_run, l)) != 0) {
		l->refs = 1;
		lookup_unref(l);
		xasprintf(cause, "cannot start a lookup: %s", strerror(err));
		return -1;
	}
	pthread_detach(th);
	if (!lookup_wait(l, deadline)) {
		rc = 0;
	} else if (l->err != 0) {
		xasprintf(cause, "%s", l->err == EAI_SYSTEM ? strerror(l->sys) : gai_strerror(l->err));
		rc = -1;
	} else if ((*addrs = lookup_list(l->res))[0] == NULL) {
		strv_free(*addrs);
		*addrs = NULL;
		xasprintf(cause, "no address");
		rc = -1;
	} else {
		rc = 1;
	}
	lookup_unref(l);
	return rc;
}
