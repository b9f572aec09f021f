/* test_http: which addresses a key may go to in clear, the proxy that would see it, Retry-After. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "unit.h"

static void
test_plain_remote(void)
{
	static const char *const local[] = {
		"http://localhost:11434", "http://LOCALHOST/v1", "http://127.0.0.1:8080/v1",
		"http://127.1.2.3/", "http://[::1]:8000/v1", "http://user:pw@127.0.0.1/v1",
		"http://ollama.localhost:11434", "http://[::ffff:127.0.0.1]/",
	};
	static const char *const remote[] = {
		"http://192.0.2.10:8080/v1", "http://llm-gateway.example.com/v1", "http://10.0.0.5",
		"http://127.0.0.1.example.com/v1", "http://localhost.example.com/", "http://[::2]/",
		"http://128.0.0.1/", "http://127.0.0.1@evil.example/v1", "HTTP://example.com",
	};
	size_t i;

	for (i = 0; i < sizeof local / sizeof local[0]; i++) {
		CHECK(http_url_plain(local[i]));
		CHECK(!http_url_plain_remote(local[i]));
	}
	for (i = 0; i < sizeof remote / sizeof remote[0]; i++)
		CHECK(http_url_plain_remote(remote[i]));
	CHECK(!http_url_plain("https://api.openai.com/v1"));
	CHECK(!http_url_plain_remote("https://api.openai.com/v1"));
	CHECK(!http_url_plain_remote(NULL));
}

static void
test_proxy(void)
{
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	unsetenv("http_proxy");
	CHECK(http_url_proxy("http://gw.example.com/v1") == NULL);
	setenv("http_proxy", "http://user:secret@proxy.example:3128", 1);
	CHECK_STR(http_url_proxy("http://gw.example.com/v1"), "http_proxy");
	setenv("no_proxy", "localhost, .example.com", 1);
	CHECK(http_url_proxy("http://gw.example.com/v1") == NULL);
	CHECK_STR(http_url_proxy("http://gw.example.org/v1"), "http_proxy");
	setenv("no_proxy", "*", 1);
	CHECK(http_url_proxy("http://gw.example.org/v1") == NULL);
	unsetenv("no_proxy");
	unsetenv("http_proxy");
	setenv("ALL_PROXY", "socks5://proxy.example:1080", 1);
	CHECK_STR(http_url_proxy("http://gw.example.org/v1"), "ALL_PROXY");
	/* https:// reads https_proxy, then HTTPS_PROXY, before all_proxy */
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	CHECK_STR(http_url_proxy("https://api.openai.com/v1"), "ALL_PROXY");
	setenv("HTTPS_PROXY", "http://proxy.example:3128", 1);
	CHECK_STR(http_url_proxy("https://api.openai.com/v1"), "HTTPS_PROXY");
	CHECK_STR(http_url_proxy("http://gw.example.org/v1"), "ALL_PROXY");
	setenv("https_proxy", "http://proxy.example:3128", 1);
	CHECK_STR(http_url_proxy("HTTPS://api.openai.com/v1"), "https_proxy");
	setenv("NO_PROXY", "openai.com", 1);
	CHECK(http_url_proxy("https://api.openai.com/v1") == NULL);
	unsetenv("NO_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
}

/* Two URLs reach one server when scheme, host and port match, the port given or the scheme's. */
static void
test_origin(void)
{
	char a[128], b[128];

	CHECK(http_url_origin("https://API.openai.com/v1", a, sizeof a));
	CHECK_STR(a, "https://api.openai.com:443");
	CHECK(http_url_origin("https://api.openai.com:443/other?x=1", b, sizeof b));
	CHECK_STR(a, b);
	CHECK(http_url_origin("http://user:pw@127.0.0.1:9/v1", a, sizeof a));
	CHECK_STR(a, "http://127.0.0.1:9");
	CHECK(http_url_origin("http://[::1]:8000/v1", a, sizeof a));
	CHECK_STR(a, "http://[::1]:8000");
	CHECK(http_url_origin("http://example.com", a, sizeof a));
	CHECK_STR(a, "http://example.com:80");
	CHECK(!http_url_origin("ftp://example.com/", a, sizeof a));
	CHECK(!http_url_origin("http://example.com:99999/", a, sizeof a));
	CHECK(!http_url_origin("http://example.com:x/", a, sizeof a));
	CHECK(!http_url_origin(NULL, a, sizeof a));
	CHECK(!http_url_origin("https://api.openai.com/v1", a, 8));
	/* as a user names it: no userinfo, no path, the port only when not the scheme's */
	CHECK(http_url_server("https://generativelanguage.googleapis.com/v1beta", a, sizeof a));
	CHECK_STR(a, "generativelanguage.googleapis.com");
	CHECK(http_url_server("http://user:secret@llm-test.invalid:8080/v1?token=t", a, sizeof a));
	CHECK_STR(a, "llm-test.invalid:8080");
	CHECK(http_url_server("http://[::1]:11434", a, sizeof a));
	CHECK_STR(a, "[::1]:11434");
}

static void
test_retry_after(void)
{
	CHECK_INT(http_parse_retry_after("2", 0), 2000);
	CHECK_INT(http_parse_retry_after("1.5", 0), 1500);
	CHECK_INT(http_parse_retry_after("soon", 0), -1);
}

int
main(void)
{
	RUN(test_plain_remote);
	RUN(test_proxy);
	RUN(test_origin);
	RUN(test_retry_after);
	UNIT_EXIT();
}
