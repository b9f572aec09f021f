/* http: requests over libcurl's multi interface (loaded by the first request), with capped bodies. */
#ifndef LLM_HTTP_H
#define LLM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct http;
struct http_req;

/* Body bytes of a 2xx response as they arrive; return nonzero to abort the transfer. */
typedef int (*http_data_fn)(void *arg, const char *p, size_t n);
/* The transfer ended, any way; the request stays valid until http_req_free. */
typedef void (*http_done_fn)(void *arg, struct http_req *r);

enum http_result {
	HTTP_OK,          /* a response arrived whole (any status) */
	HTTP_NETWORK,     /* could not connect, reset, or cut short */
	HTTP_TIMEOUT,     /* a stall: no byte for too long */
	HTTP_DEADLINE,    /* the whole request took longer than its timeout */
	HTTP_ABORTED,     /* the data callback asked to stop */
	HTTP_TOO_LARGE,   /* an error body passed its cap */
	HTTP_CANCELLED,
};

struct http_spec {
	const char *url;
	const char *body;            /* POST body; NULL: GET */
	const char *const *headers;  /* "Name: value", NULL-terminated; may hold a key */
	long timeout;                /* seconds for the whole request; 0: none */
	long stall;                  /* seconds without a byte before giving up; 0: none */
	http_data_fn data;
	http_done_fn done;
	void *arg;
};

/* A client; libcurl is loaded by its first request, not here. */
struct http *http_new(void);
void http_free(struct http *h);
/*
 * Load and initialise libcurl: 0, or -1 with *cause saying what to install.
 * Call it, and report its failure, before the first http_start.
 */
int http_load(char **cause);
/* A GET for a one-shot command, over libcurl's easy interface. */
struct http_get {
	const char *url;
	const char *const *headers;  /* "Name: value", NULL-terminated (NULL: none); may hold a key */
	long timeout;                /* seconds for the whole request */
	bool follow;                 /* follow up to 5 redirects, to http and https only */
};

/*
 * GET g->url into b, whose cap stops the transfer (HTTP_TOO_LARGE). HTTP_OK
 * with *status when a response came whole; else HTTP_NETWORK with *cause
 * ("URL: reason"). libcurl must have been loaded (http_load).
 */
enum http_result http_get(const struct http_get *g, struct buf *b, long *status, char **cause);
/*
 * Start a request; headers and body are copied (header copies are cleared
 * when freed). libcurl must have been loaded (http_load).
 */
struct http_req *http_start(struct http *h, const struct http_spec *spec);
/* Stop a running request; its done callback is not called. */
void http_cancel(struct http *h, struct http_req *r);
void http_req_free(struct http_req *r);
/*
 * Wait up to timeout_ms for network activity or one of extra_fds, move
 * transfers along and call done callbacks. Returns how many extra_fds are
 * readable.
 */
int http_poll(struct http *h, const int *extra_fds, size_t nfds, int timeout_ms);
/* Whether any request is running. */
bool http_busy(const struct http *h);

enum http_result http_req_result(const struct http_req *r);
long http_req_status(const struct http_req *r);
/* The body of a non-2xx response (capped), borrowed. */
const char *http_req_error_body(const struct http_req *r, size_t *len);
/* Delay the server asked for (Retry-After, retry-after-ms) in ms, or -1. */
long http_req_retry_after(const struct http_req *r);
/* x-should-retry: 1 yes, 0 no, -1 not sent. */
int http_req_should_retry(const struct http_req *r);
/* libcurl's one-line reason for a network failure, borrowed. */
const char *http_req_error(const struct http_req *r);
/* Whether any body byte of a 2xx response reached the data callback. */
bool http_req_got_data(const struct http_req *r);
/*
 * Whether the request ended before a byte of it could reach the server: it
 * failed to connect, or was cancelled while still connecting.
 */
bool http_req_unsent(const struct http_req *r);
/*
 * Whether the request failed because the server could not be reached at
 * all: its name (or the proxy's) did not resolve, the connection was
 * refused or had no route, or connecting timed out. Never for a server
 * that answered, however it failed after (TLS, a reset, a stall).
 */
bool http_req_unreachable(const struct http_req *r);

/*
 * Write url's origin, "scheme://host:port" with the scheme's port when none is
 * given, into out: two URLs with the same origin reach the same server.
 * False when url is not http:// or https:// or out is too small.
 */
bool http_url_origin(const char *url, char *out, size_t n);
/* Write url's server as a user names it: the host, and the port when not the scheme's. */
bool http_url_server(const char *url, char *out, size_t n);
/* Whether url is plain http:// (no TLS), whatever its host. */
bool http_url_plain(const char *url);
/*
 * Whether url is plain http:// to a host that is not this machine (anything
 * but localhost, *.localhost, 127.0.0.0/8 and ::1 written as such): what it
 * carries can be read on the way.
 */
bool http_url_plain_remote(const char *url);
/*
 * The variable naming the proxy libcurl would send url through (for
 * http://, http_proxy, all_proxy or ALL_PROXY; for https://, https_proxy or
 * HTTPS_PROXY first; unless no_proxy / NO_PROXY exempts the host), or NULL.
 * Its value may hold a password: not returned.
 */
const char *http_url_proxy(const char *url);

/*
 * A canned answer to one request, for the tests of what sits above http:
 * while a fake is set, requests get these instead of the network.
 */
struct http_canned {
	enum http_result result;     /* HTTP_OK by default: a response (any status) */
	long status;                 /* 200 by default */
	const char *body;            /* a 2xx body for the data callback, else the error body */
	long retry_after_ms;         /* what Retry-After said; -1 (default): nothing */
	bool hold;                   /* give the body, then run until http_cancel */
	bool unreachable;            /* with HTTP_NETWORK: the server could not be reached */
};
/* Fill *out, already set to the defaults, with the answer to spec. */
typedef void (*http_fake_fn)(void *arg, const struct http_spec *spec, struct http_canned *out);
/*
 * For tests only: answer every request of every client from fn, fed in small
 * pieces by the next http_poll, and load nothing; NULL: the network again.
 */
void http_set_fake(http_fake_fn fn, void *arg);

/* Parse a Retry-After value (seconds, fractional seconds or an HTTP date) into ms; -1 if bad. */
long http_parse_retry_after(const char *v, long now);

#endif
