/* test_log: the debug log keeps a URL's host and path, and nothing after them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "unit.h"

static void
check_url(const char *url, const char *want)
{
	char out[128];

	log_url(url, out, sizeof out);
	CHECK_STR(out, want);
}

static void
test_url(void)
{
	check_url("https://api.example.com/v1/chat?key=SECRET", "https://api.example.com/v1/chat");
	check_url("https://u:SECRET@h.example:8443/p#frag", "https://h.example:8443/p");
	check_url("http://127.0.0.1:9/v1beta/models/x:streamGenerateContent?alt=sse&key=K",
	    "http://127.0.0.1:9/v1beta/models/x:streamGenerateContent");
	check_url("https://h.example?key=K", "https://h.example");
	check_url("no-scheme/path?q", "no-scheme/path");
	check_url("https://h/a@b/c", "https://h/a@b/c");
}

static void
test_file(void)
{
	char path[] = "/tmp/llm-test-log-XXXXXX", text[512] = "";
	int fd = mkstemp(path);
	FILE *f;
	size_t n;

	CHECK(fd >= 0);
	close(fd);
	CHECK(!log_enabled());
	setenv("LLM_LOG", path, 1);
	log_init();
	CHECK(log_enabled());
	log_msg("test", "one %d\nforged line\x1b[2J", 1);
	f = fopen(path, "r");
	CHECK(f != NULL);
	n = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
	text[n] = '\0';
	if (f != NULL)
		fclose(f);
	unlink(path);
	CHECK(strstr(text, " test: one 1?forged line?[2J\n") != NULL);
	CHECK(strchr(text, '\n') == text + n - 1);
	CHECK(strchr(text, '\x1b') == NULL);
}

int
main(void)
{
	RUN(test_url);
	RUN(test_file);
	UNIT_EXIT();
}
