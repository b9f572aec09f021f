/* test_fuzz: replay the inputs fuzzing once broke (tests/fixtures/fuzz/TARGET/) as the fuzzers feed them. */
#include <dirent.h>
#include <locale.h>
#include <stdlib.h>

#include "md.h"
#include "provider.h"
#include "unit.h"
#include "util.h"
#include "visible.h"

/* Read every file of tests/fixtures/fuzz/target and hand it to fn; return how many. */
static int
replay(const char *target, void (*fn)(const char *name, const char *data, size_t len))
{
	const char *top = getenv("LLM_TOP");
	char *dir = xstrfmt("%s/tests/fixtures/fuzz/%s", top != NULL && *top ? top : ".", target);
	char *path, *data, *cause = NULL;
	struct dirent *e;
	size_t len;
	DIR *d = opendir(dir);
	int n = 0;

	CHECK(d != NULL);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path = xstrfmt("%s/%s", dir, e->d_name);
		if (file_read(path, 1 << 20, &data, &len, &cause) == 0) {
			fn(e->d_name, data, len);
			free(data);
			n++;
		} else {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			cause = NULL;
			CHECK(0);
		}
		free(path);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return n;
}

/* As fuzz_md: the first byte picks the width, the rest is made visible and rendered. */
static void
md_one(const char *name, const char *data, size_t len)
{
	struct md_doc d;
	char *text;
	size_t i, k;
	int width;

	if (len < 1)
		return;
	width = 8 + (unsigned char)data[0] % 128;
	text = visible_str(data + 1, len - 1);
	md_doc_init(&d);
	md_render(&d, text, strlen(text), width, THEME_ASSISTANT, 1, 0);
	CHECK_INT(d.ncodes, md_count_code(text, strlen(text)));
	for (i = 0; i < d.nlines; i++)
		for (k = 0; k < d.lines[i].nspans; k++)
			CHECK(d.lines[i].spans[k].off + d.lines[i].spans[k].len <= d.lines[i].len);
	md_doc_clear(&d);
	md_plain(&d, text, strlen(text), width, THEME_USER, 0);
	for (i = 0; i < d.nlines; i++)
		if (md_width(d.lines[i].text, d.lines[i].len) > width) {
			fprintf(stderr, "%s: plain line %zu wider than %d\n", name, i, width);
			CHECK(0);
		}
	md_doc_done(&d);
	free(text);
}

static void
ignore_text(void *arg, const char *s, size_t n)
{
	(void)arg;
	CHECK(n > 0 && strlen(s) >= n);
}

/* As fuzz_provider: the first byte picks the adapter and the entry point. */
static void
provider_one(const char *name, const char *data, size_t len)
{
	static const struct provider *const ps[] = {
		&provider_openai, &provider_anthropic, &provider_gemini, &provider_ollama,
	};
	const struct provider *p;
	struct pstate st;
	enum pev rc = PEV_OK;
	char *msg;
	long retry;

	if (len < 1)
		return;
	p = ps[(unsigned char)data[0] % 4];
	memset(&st, 0, sizeof st);
	st.on_text = ignore_text;
	switch (((unsigned char)data[0] / 4) % 3) {
	case 0:
		rc = p->event(&st, NULL, data + 1, len - 1);
		break;
	case 1:
		rc = p->whole(&st, data + 1, len - 1);
		break;
	default:
		msg = p->error(400 + (unsigned char)data[0], data + 1, len - 1, &retry);
		CHECK(msg != NULL && *msg != '\0' && strchr(msg, '\n') == NULL);
		free(msg);
		CHECK((unsigned)p->fault(data + 1, len - 1) <= FAULT_REQUEST);
		break;
	}
	if (rc == PEV_ERROR || rc == PEV_BAD) {
		if (st.error == NULL || *st.error == '\0')
			fprintf(stderr, "%s: an error without a message\n", name);
		CHECK(st.error != NULL && *st.error != '\0');
	}
	pstate_done(&st);
}

static void
test_fuzz_provider(void)
{
	CHECK(replay("provider", provider_one) >= 1);
}

static void
test_fuzz_md(void)
{
	CHECK(replay("md", md_one) >= 1);
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	RUN(test_fuzz_md);
	RUN(test_fuzz_provider);
	UNIT_EXIT();
}
