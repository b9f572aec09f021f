/* http: requests over libcurl's multi interface, with capped bodies. */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "curl_load.h"
#include "log.h"
#include "util.h"

#define ERROR_BODY_MAX (64 * 1024)
#define CONNECT_TIMEOUT 15L     /* seconds to resolve the name and connect */

/*
 * libcurl is loaded, and the multi handle made, when the first request
 * starts: a front end that never sends one (llm route, or the TUI before
 * the first prompt) never loads it.
 */
struct http {
	CURLM *multi;        /* NULL until the first request */
	int running;
	size_t active;
	struct http_req *fakes;  /* running requests of a fake transport */
};

struct http_req {
	struct http *h;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	http_data_fn data;
	http_done_fn done;
	void *arg;
	long status;
	struct buf err;
	long retry_after_ms;
	int should_retry;
	bool got_data;
	bool unsent;         /* failed before the request could reach the server */
	bool unreachable;    /* the server could not be reached: no name, no connection */
	bool stalled;        /* stall_ms passed without a byte */
	int64_t last_byte;   /* clock_ms() of the last byte received, or of the start */
	long stall_ms;
	long timeout_s;      /* the whole request's limit; 0: none */
	bool aborted;
	bool too_large;
	bool running;
	enum http_result result;
	char errbuf[CURL_ERROR_SIZE];
	char *canned;        /* a fake transport's answer, fed by http_poll */
	bool hold;           /* fake: running after its answer, until cancelled */
	bool fed;
	struct http_req *fake_next;
};

/* Set by tests only: requests are answered by fake_fn and never sent. */
static http_fake_fn fake_fn;
static void *fake_arg;

/* Make an idle client; nothing is loaded until the first request. */
struct http *
http_new(void)
{
	return xcalloc(1, sizeof(struct http));
}

/* Free a client with no request running; NULL is fine. */
void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	free(h);
}

/* Load libcurl and initialise it once: 0, or -1 with *cause. */
int
http_load(char **cause)
{
	static bool inited;

	if (fake_fn != NULL)
		return 0;
	if (curl_load(cause) < 0)
		return -1;
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			die("cannot initialise libcurl");
		inited = true;
	}
	return 0;
}

/* Ready h for its first transfer; the caller has loaded libcurl (http_load). */
static void
http_ready(struct http *h)
{
	char *cause = NULL;

	if (h->multi != NULL)
		return;
	if (http_load(&cause) < 0)
		die("%s", cause);
	h->multi = curl_multi_init();
	if (h->multi == NULL)
		die("cannot initialise libcurl");
}

static size_t
on_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;

	r->last_byte = clock_ms();
	if (r->status == 0)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->status >= 200 && r->status < 300) {
		if (n > 0)
			r->got_data = true;
		if (r->data != NULL && r->data(r->arg, p, n) != 0) {
			r->aborted = true;
			return 0;
		}
		return n;
	}
	if (buf_add(&r->err, p, n) != 0) {
		r->too_large = true;
		return 0;
	}
	return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct http_req *r = arg;
	size_t n = size * nmemb;
	char line[256], *v;

	r->last_byte = clock_ms();
	if (n >= sizeof line)
		return n;
	memcpy(line, p, n);
	line[n] = '\0';
	/* a new status line starts a new response (after 100 Continue, redirects) */
	if (strncmp(line, "HTTP/", 5) == 0) {
		r->retry_after_ms = -1;
		r->should_retry = -1;
		return n;
	}
	if ((v = strchr(line, ':')) == NULL)
		return n;
	*v++ = '\0';
	v = str_trim(v);
	if (strcasecmp(line, "retry-after-ms") == 0) {
		int64_t ms;
		char *dot = strchr(v, '.');

		if (dot != NULL)
			*dot = '\0';
		if (str_to_i64(v, &ms) && ms >= 0)
			r->retry_after_ms = (long)ms;
	} else if (strcasecmp(line, "retry-after") == 0 && r->retry_after_ms < 0) {
		r->retry_after_ms = http_parse_retry_after(v, (long)time(NULL));
	} else if (strcasecmp(line, "x-should-retry") == 0) {
		r->should_retry = strcasecmp(v, "true") == 0 ? 1 : strcasecmp(v, "false") == 0 ? 0 : -1;
	}
	return n;
}

/*
 * Give up on a transfer that has gone stall_ms without a byte. curl's own
 * low-speed check averages over a window of seconds, so a reply that stops
 * after its first bytes would be held several seconds past the limit.
 */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct http_req *r = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (r->stall_ms > 0 && clock_ms() - r->last_byte > r->stall_ms) {
		r->stalled = true;
		return 1;
	}
	return 0;
}

long
http_parse_retry_after(const char *v, long now)
{
	int64_t secs;
	struct tm tm;
	const char *end;
	char whole[32];
	size_t i;

	/* seconds, possibly fractional: "2", "1.5" */
	for (i = 0; v[i] != '\0' && v[i] != '.' && i + 1 < sizeof whole; i++)
		whole[i] = v[i];
	whole[i] = '\0';
	if (str_to_i64(whole, &secs) && secs >= 0) {
		long ms = (long)(secs > 86400 ? 86400 : secs) * 1000;

		if (v[i] == '.' && v[i + 1] >= '0' && v[i + 1] <= '9')
			ms += (v[i + 1] - '0') * 100;
		return ms;
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL)
		return -1;
	secs = (int64_t)timegm(&tm) - now;
	return secs <= 0 ? 0 : (long)(secs > 86400 ? 86400 : secs) * 1000;
}

/* The request in the debug log: method and URL, never a header or the body. */
static void
log_start(const struct http_spec *spec)
{
	char u[512];

	log_url(spec->url, u, sizeof u);
	log_msg("http", "%s %s", spec->body != NULL ? "POST" : "GET", u);
}

static const char *const result_names[] = {
	[HTTP_OK] = "done", [HTTP_NETWORK] = "network error", [HTTP_TIMEOUT] = "stalled",
	[HTTP_DEADLINE] = "past its deadline", [HTTP_ABORTED] = "stopped by the reader",
	[HTTP_TOO_LARGE] = "error body too large", [HTTP_CANCELLED] = "cancelled",
};

/* The outcome in the debug log: status, result, timings and size. */
static void
log_done(const struct http_req *r)
{
	char *eff = NULL, u[512] = "";
	curl_off_t total = 0, first = 0, size = 0;

	curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(r->easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
	curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &size);
	if (eff != NULL)
		log_url(eff, u, sizeof u);
	log_msg("http", "%s: status %ld, %s%s%s, first byte %lld ms, total %lld ms, %lld bytes", u,
	    r->status, result_names[r->result], r->result != HTTP_OK ? ": " : "",
	    r->result != HTTP_OK ? r->errbuf : "", (long long)first / 1000, (long long)total / 1000,
	    (long long)size);
}

void
http_set_fake(http_fake_fn fn, void *arg)
{
	fake_fn = fn;
	fake_arg = arg;
}

/* Ask the fake for spec's answer; the next http_poll gives it. */
static struct http_req *
fake_start(struct http *h, struct http_req *r, const struct http_spec *spec)
{
	struct http_canned c = { .result = HTTP_OK, .status = 200, .retry_after_ms = -1 };

	fake_fn(fake_arg, spec, &c);
	r->result = c.result;
	r->status = c.result == HTTP_OK ? c.status : 0;
	r->retry_after_ms = c.retry_after_ms;
	r->canned = xstrdup(c.body != NULL ? c.body : "");
	r->hold = c.hold;
	r->unreachable = c.unreachable;
	r->unsent = c.unreachable;
	if (c.result != HTTP_OK)
		snprintf(r->errbuf, sizeof r->errbuf, "fake transport: %s", result_names[c.result]);
	r->fake_next = h->fakes;
	h->fakes = r;
	r->running = true;
	h->active++;
	return r;
}

static void
fake_unlink(struct http *h, struct http_req *r)
{
	struct http_req **p;

	for (p = &h->fakes; *p != NULL; p = &(*p)->fake_next) {
		if (*p == r) {
			*p = r->fake_next;
			return;
		}
	}
}

/* Feed r's answer through on_write, in pieces as a stream comes; false if the reader stopped it. */
static bool
fake_write(struct http_req *r)
{
	const char *p = r->canned;
	size_t left = strlen(p), n;

	while (left > 0 && r->status != 0) {
		n = left < 16 ? left : 16;
		if (on_write((char *)p, 1, n, r) != n)
			return false;
		p += n;
		left -= n;
	}
	return true;
}

/* Give each fake request started before this call its answer; true if any was given. */
static bool
fake_feed(struct http *h)
{
	struct http_req *r, *next;
	bool any = false;

	for (r = h->fakes; r != NULL; r = next) {
		next = r->fake_next;
		if (r->fed)
			continue;
		r->fed = any = true;
		if (!fake_write(r))
			r->result = r->aborted ? HTTP_ABORTED : HTTP_TOO_LARGE;
		else if (r->hold)
			continue;
		fake_unlink(h, r);
		r->running = false;
		h->active--;
		if (r->done != NULL)
			r->done(r->arg, r);
	}
	return any;
}

struct http_req *
http_start(struct http *h, const struct http_spec *spec)
{
	struct http_req *r = xcalloc(1, sizeof *r);
	const char *const *hp;

	r->h = h;
	r->data = spec->data;
	r->done = spec->done;
	r->arg = spec->arg;
	r->retry_after_ms = -1;
	r->should_retry = -1;
	buf_init(&r->err, ERROR_BODY_MAX);
	if (fake_fn != NULL)
		return fake_start(h, r, spec);
	http_ready(h);
	r->easy = curl_easy_init();
	if (r->easy == NULL)
		die("cannot initialise libcurl");
	for (hp = spec->headers; hp != NULL && *hp != NULL; hp++)
		r->headers = curl_slist_append(r->headers, *hp);
	r->headers = curl_slist_append(r->headers, "Expect:");
	if (log_enabled())
		log_start(spec);
	curl_easy_setopt(r->easy, CURLOPT_URL, spec->url);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	if (spec->body != NULL) {
		r->body = xstrdup(spec->body);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(r->body));
	}
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_write);
	/* a fast stream arrives in fewer, larger reads; recv returns what has come, so nothing waits */
	curl_easy_setopt(r->easy, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "llm/" LLM_VERSION);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	if (spec->timeout > 0) {
		r->timeout_s = spec->timeout;
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, spec->timeout);
	}
	if (spec->stall > 0) {
		r->stall_ms = spec->stall * 1000;
		r->last_byte = clock_ms();
		curl_easy_setopt(r->easy, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(r->easy, CURLOPT_XFERINFODATA, r);
		curl_easy_setopt(r->easy, CURLOPT_NOPROGRESS, 0L);
	}
	if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK)
		die("cannot start a transfer");
	r->running = true;
	h->active++;
	return r;
}

/*
 * Whether r, still running, was yet connecting: libcurl stamps the
 * pre-transfer time once the name, the connection and any TLS session are
 * done, just before it writes the request, so without that stamp not a byte
 * of the request has gone out. (A stamp is never 0: it counts at least 1 us.)
 */
static bool
still_connecting(struct http_req *r)
{
	curl_off_t pre = -1;

	return curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &pre) == CURLE_OK && pre == 0;
}

void
http_cancel(struct http *h, struct http_req *r)
{
	if (r == NULL || !r->running)
		return;
	if (r->easy != NULL) {
		r->unsent = still_connecting(r);
		curl_multi_remove_handle(h->multi, r->easy);
	} else {
		fake_unlink(h, r);
	}
	r->running = false;
	r->result = HTTP_CANCELLED;
	h->active--;
}

void
http_req_free(struct http_req *r)
{
	struct curl_slist *s;

	if (r == NULL)
		return;
	if (r->running)
		http_cancel(r->h, r);
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	/* header lines may carry a key */
	for (s = r->headers; s != NULL; s = s->next)
		secure_clear(s->data, strlen(s->data));
	if (r->headers != NULL)
		curl_slist_free_all(r->headers);
	free(r->body);
	free(r->canned);
	buf_done(&r->err);
	free(r);
}

/* Whether r never got a connection to the server (or the proxy): no connect time stamped. */
static bool
never_connected(struct http_req *r)
{
	curl_off_t t = -1;

	return curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK && t == 0;
}

/*
 * Whether rc says the server could not be reached at all: its name (or the
 * proxy's) did not resolve, nothing took the connection (refused, no route,
 * network down), or connecting took longer than CONNECT_TIMEOUT, or than
 * the stall limit when that is shorter. A request's own deadline, when it
 * is no longer than CONNECT_TIMEOUT, is the deadline's to report.
 */
static bool
unreachable(struct http_req *r, CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return true;
	case CURLE_OPERATION_TIMEDOUT:
		return (r->timeout_s == 0 || r->timeout_s > CONNECT_TIMEOUT) && never_connected(r);
	case CURLE_ABORTED_BY_CALLBACK:
		return r->stalled && never_connected(r);
	default:
		return false;
	}
}

static enum http_result
classify(struct http_req *r, CURLcode rc)
{
	if (r->unreachable)
		return HTTP_NETWORK;   /* a connect timeout is no stall, nor the deadline */
	if (r->stalled)
		return HTTP_TIMEOUT;
	if (r->aborted)
		return HTTP_ABORTED;
	if (r->too_large)
		return HTTP_TOO_LARGE;
	switch (rc) {
	case CURLE_OK:
		return HTTP_OK;
	case CURLE_OPERATION_TIMEDOUT:
		return r->timeout_s > 0 ? HTTP_DEADLINE : HTTP_TIMEOUT;
	default:
		return HTTP_NETWORK;
	}
}

/*
 * Whether rc says the transfer failed before a byte of the request reached
 * the server: no name, no connection, no TLS session, or a URL not sent.
 */
static bool
never_sent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		return true;
	default:
		return false;
	}
}

static void
http_collect(struct http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct http_req *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		if (r == NULL || !r->running)
			continue;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
		r->unreachable = unreachable(r, m->data.result);
		r->result = classify(r, m->data.result);
		r->unsent = never_sent(m->data.result) || r->unreachable;
		if (r->stalled && r->unreachable)
			snprintf(r->errbuf, sizeof r->errbuf, "no connection after %ld s",
			    r->stall_ms / 1000);
		else if (r->stalled)
			snprintf(r->errbuf, sizeof r->errbuf, "no data for %ld s", r->stall_ms / 1000);
		else if (r->result == HTTP_DEADLINE)
			snprintf(r->errbuf, sizeof r->errbuf, "not done after %ld s", r->timeout_s);
		else if (r->errbuf[0] == '\0')
			str_copy(r->errbuf, sizeof r->errbuf, curl_easy_strerror(m->data.result));
		if (log_enabled())
			log_done(r);
		curl_multi_remove_handle(h->multi, r->easy);
		r->running = false;
		h->active--;
		if (r->done != NULL)
			r->done(r->arg, r);
	}
}

/* Wait for extra_fds alone, without libcurl: how many are readable. */
static int
http_poll_fds(const int *extra_fds, size_t nfds, int timeout_ms)
{
	struct pollfd p[8];
	int ready = 0;
	size_t i;

	for (i = 0; i < nfds; i++) {
		p[i].fd = extra_fds[i];
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	if (poll(p, nfds, timeout_ms) < 0) {
		if (errno != EINTR)
			die("waiting for input failed: %s", strerror(errno));
		return 0;
	}
	for (i = 0; i < nfds; i++)
		if (p[i].revents & POLLIN)   /* as curl_multi_poll counts them */
			ready++;
	return ready;
}

int
http_poll(struct http *h, const int *extra_fds, size_t nfds, int timeout_ms)
{
	struct curl_waitfd w[8];
	int ready = 0, n;
	size_t i;

	if (nfds > ARRAY_SIZE(w))
		nfds = ARRAY_SIZE(w);
	if (timeout_ms < 0)
		timeout_ms = 1000;
	if (fake_fn != NULL)
		return http_poll_fds(extra_fds, nfds, fake_feed(h) ? 0 : timeout_ms);
	if (h->multi == NULL)
		return http_poll_fds(extra_fds, nfds, timeout_ms);
	for (i = 0; i < nfds; i++) {
		w[i].fd = extra_fds[i];
		w[i].events = CURL_WAIT_POLLIN;
		w[i].revents = 0;
	}
	if (curl_multi_poll(h->multi, w, (unsigned)nfds, timeout_ms, &n) != CURLM_OK)
		die("waiting for the network failed");
	for (i = 0; i < nfds; i++)
		if (w[i].revents & CURL_WAIT_POLLIN)
			ready++;
	curl_multi_perform(h->multi, &h->running);
	http_collect(h);
	return ready;
}

bool
http_busy(const struct http *h)
{
	return h->active > 0;
}

enum http_result
http_req_result(const struct http_req *r)
{
	return r->result;
}

long
http_req_status(const struct http_req *r)
{
	return r->status;
}

const char *
http_req_error_body(const struct http_req *r, size_t *len)
{
	*len = r->err.len;
	return buf_str(&r->err);
}

long
http_req_retry_after(const struct http_req *r)
{
	return r->retry_after_ms;
}

int
http_req_should_retry(const struct http_req *r)
{
	return r->should_retry;
}

const char *
http_req_error(const struct http_req *r)
{
	return r->errbuf;
}

bool
http_req_got_data(const struct http_req *r)
{
	return r->got_data;
}

bool
http_req_unsent(const struct http_req *r)
{
	return r->unsent;
}

bool
http_req_unreachable(const struct http_req *r)
{
	return r->unreachable;
}

/*
 * Copy the host of url, an http:// or https:// one, into host (lower case,
 * without brackets, userinfo or port) and its port, given or the scheme's,
 * into *port; *tls says https. False when url is neither, or the host or
 * the port is bad or does not fit.
 */
static bool
url_split(const char *url, char *host, size_t size, long *port, bool *tls)
{
	const char *p, *end, *at, *colon = NULL;
	size_t n, i;
	int64_t v;

	if (url != NULL && strncasecmp(url, "http://", 7) == 0)
		p = url + 7, *tls = false;
	else if (url != NULL && strncasecmp(url, "https://", 8) == 0)
		p = url + 8, *tls = true;
	else
		return false;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return false;
		if (close + 1 < end && close[1] == ':')
			colon = close + 1;
		p++;
		n = (size_t)(close - p);
	} else {
		colon = memchr(p, ':', (size_t)(end - p));
		n = (size_t)((colon != NULL ? colon : end) - p);
	}
	if (n == 0 || n >= size)
		return false;
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)p[i]);
	host[n] = '\0';
	*port = *tls ? 443 : 80;
	if (colon != NULL && colon + 1 < end) {
		char digits[8];
		size_t k = (size_t)(end - colon - 1);

		if (k >= sizeof digits)
			return false;
		memcpy(digits, colon + 1, k);
		digits[k] = '\0';
		if (!str_to_i64(digits, &v) || v < 1 || v > 65535)
			return false;
		*port = (long)v;
	}
	return true;
}

/* Copy url's host into host as url_split does, for http:// alone. */
static bool
url_host(const char *url, char *host, size_t size)
{
	long port;
	bool tls;

	return url_split(url, host, size, &port, &tls) && !tls;
}

bool
http_url_origin(const char *url, char *out, size_t n)
{
	char host[256];
	long port;
	bool tls;

	if (!url_split(url, host, sizeof host, &port, &tls))
		return false;
	return (size_t)snprintf(out, n, "%s://%s%s%s:%ld", tls ? "https" : "http",
	    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port) < n;
}

bool
http_url_server(const char *url, char *out, size_t n)
{
	char host[256], port_text[16] = "";
	long port;
	bool tls;

	if (!url_split(url, host, sizeof host, &port, &tls))
		return false;
	if (port != (tls ? 443 : 80))
		snprintf(port_text, sizeof port_text, ":%ld", port);
	return (size_t)snprintf(out, n, "%s%s%s%s", strchr(host, ':') ? "[" : "", host,
	    strchr(host, ':') ? "]" : "", port_text) < n;
}

/* Whether host is a dotted quad in 127.0.0.0/8. */
static bool
ipv4_loopback(const char *host)
{
	unsigned a, b, c, d;
	char tail;

	return sscanf(host, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 &&
	    b < 256 && c < 256 && d < 256;
}

static bool
host_loopback(const char *host)
{
	size_t n = strlen(host);

	if (strcmp(host, "localhost") == 0 || strcmp(host, "localhost.") == 0 ||
	    (n > 10 && strcmp(host + n - 10, ".localhost") == 0))
		return true;
	if (strcmp(host, "::1") == 0 || strcmp(host, "0:0:0:0:0:0:0:1") == 0)
		return true;
	if (strncmp(host, "::ffff:", 7) == 0)
		return ipv4_loopback(host + 7);
	return ipv4_loopback(host);
}

bool
http_url_plain(const char *url)
{
	return url != NULL && strncasecmp(url, "http://", 7) == 0;
}

bool
http_url_plain_remote(const char *url)
{
	char host[256];

	if (!http_url_plain(url))
		return false;
	/* a host that cannot be read is not known to be this machine */
	if (!url_host(url, host, sizeof host))
		return true;
	return !host_loopback(host);
}

/* Whether no_proxy's list exempts host: "*", the host, or a domain it is in. */
static bool
no_proxy_match(const char *list, const char *host)
{
	size_t hn = strlen(host);

	while (list != NULL && *list != '\0') {
		size_t n = strcspn(list, ", ");
		const char *e = list;

		if (n > 0 && *e == '.')
			e++, n--;
		if ((n == 1 && *e == '*') || (n == hn && strncasecmp(e, host, n) == 0) ||
		    (n > 0 && n < hn && host[hn - n - 1] == '.' && strncasecmp(e, host + hn - n, n) == 0))
			return true;
		list += strcspn(list, ", ");
		list += strspn(list, ", ");
	}
	return false;
}

const char *
http_url_proxy(const char *url)
{
	/* libcurl reads only the lower-case http_proxy: HTTP_PROXY can come from a request (httpoxy) */
	static const char *const plain[] = { "http_proxy", "all_proxy", "ALL_PROXY", NULL };
	static const char *const tls[] = { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", NULL };
	const char *const *vars;
	const char *v, *np;
	char host[256];
	long port;
	bool https;
	size_t i;

	if (!url_split(url, host, sizeof host, &port, &https))
		return NULL;
	vars = https ? tls : plain;
	np = getenv("no_proxy");
	if (np == NULL || *np == '\0')
		np = getenv("NO_PROXY");
	if (no_proxy_match(np, host))
		return NULL;
	for (i = 0; vars[i] != NULL; i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return vars[i];
	return NULL;
}

static size_t
http_get_write(char *p, size_t size, size_t nmemb, void *arg)
{
	/* Over the cap: a short count makes curl stop with CURLE_WRITE_ERROR. */
	return buf_add(arg, p, size * nmemb) != 0 ? 0 : size * nmemb;
}

/* The header list of a GET; its copies may hold a key, so they are cleared before they are freed. */
static void
http_get_headers_free(struct curl_slist *hdrs)
{
	struct curl_slist *s;

	for (s = hdrs; s != NULL; s = s->next)
		secure_clear(s->data, strlen(s->data));
	curl_slist_free_all(hdrs);
}

enum http_result
http_get(const struct http_get *g, struct buf *b, long *status, char **cause)
{
	char err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	const char *const *hp;
	CURLcode rc;
	CURL *h;

	*status = 0;
	h = curl_easy_init();
	if (h == NULL) {
		xasprintf(cause, "%s: cannot start a transfer", g->url);
		return HTTP_NETWORK;
	}
	for (hp = g->headers; hp != NULL && *hp != NULL; hp++)
		hdrs = curl_slist_append(hdrs, *hp);
	curl_easy_setopt(h, CURLOPT_URL, g->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (g->follow) {
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
		curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	}
	if (b->max > 0)
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)b->max);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, g->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "llm/" LLM_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, http_get_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(h);
	http_get_headers_free(hdrs);
	if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED)
		return HTTP_TOO_LARGE;
	if (rc != CURLE_OK) {
		xasprintf(cause, "%s: %s", g->url, *err ? err : curl_easy_strerror(rc));
		return HTTP_NETWORK;
	}
	return HTTP_OK;
}
