/* test_pgservice: a connection service's host, hostaddr and port, read as libpq reads them. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgservice.h"
#include "tmpdir.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/llm-test-pgservice.XXXXXX";

/* Write text to dir/name; its path, to free. */
static char *
put(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", dir, name), *cause = NULL;

	if (file_write_atomic(path, text, strlen(text), 0600, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		exit(1);
	}
	return path;
}

/* The entry is found among others; the first value of a setting counts, as in libpq. */
static void
test_entry(void)
{
	struct pgservice s = { NULL, NULL, NULL };

	CHECK_INT(pgservice_parse("# team\n[teamx]\nhost=wrong\n\n  [team]  \n"
	    "\tdbname=llm\n  host=db.example.com\t\r\nport=5433,5434\nhost=later\n"
	    "[other]\nhostaddr=192.0.2.1\n", "team", &s), 1);
	CHECK_STR(s.host, "db.example.com");
	CHECK_STR(s.port, "5433,5434");
	CHECK(s.hostaddr == NULL);
	pgservice_done(&s);
	CHECK(s.host == NULL && s.port == NULL);
	/* What follows "]" is not looked at; the last entry ends with the file. */
	CHECK_INT(pgservice_parse("[a]\nhost=x\n[team] # the team's\nhostaddr=192.0.2.9", "team", &s), 1);
	CHECK_STR(s.hostaddr, "192.0.2.9");
	CHECK(s.host == NULL);
	pgservice_done(&s);
	/* An entry with nothing in it is still the service. */
	CHECK_INT(pgservice_parse("[team]\n[b]\nhost=x\n", "team", &s), 1);
	CHECK(s.host == NULL);
}

/* No entry, or one libpq refuses or fills from elsewhere: 0 and -1. */
static void
test_not_known(void)
{
	struct pgservice s = { NULL, NULL, NULL };
	char xs[1100], *text;

	CHECK_INT(pgservice_parse("", "team", &s), 0);
	CHECK_INT(pgservice_parse("[teams]\nhost=x\n[tea]\nhost=y\n", "team", &s), 0);
	/* Lines outside the entry are not read as settings. */
	CHECK_INT(pgservice_parse("host=x\nno equals sign\n", "team", &s), 0);
	CHECK_INT(pgservice_parse("[team]\nhost=x\nno equals sign\n", "team", &s), -1);
	CHECK_INT(pgservice_parse("[team]\nservice=other\n", "team", &s), -1);
	CHECK_INT(pgservice_parse("[team]\nldap://ldap.example.com/dc=example?x?one\n", "team", &s), -1);
	pgservice_done(&s);
	/* libpq's line is 1,022 bytes at most, its newline included ("host=" and 1,016 more). */
	memset(xs, 'x', sizeof xs - 1);
	xs[sizeof xs - 1] = '\0';
	text = xstrfmt("[team]\nhost=%.1016s\n", xs);
	CHECK_INT(pgservice_parse(text, "team", &s), 1);
	CHECK_INT(strlen(s.host), 1016);
	pgservice_done(&s);
	free(text);
	text = xstrfmt("[team]\nhost=%.1017s\n", xs);
	CHECK_INT(pgservice_parse(text, "team", &s), -1);
	free(text);
	/* And a line too long before the entry is refused too. */
	text = xstrfmt("[a]\nhost=%.1017s\n[team]\nhost=x\n", xs);
	CHECK_INT(pgservice_parse(text, "team", &s), -1);
	pgservice_done(&s);
	free(text);
}

/* The user's file (PGSERVICEFILE or ~/.pg_service.conf) first, then PGSYSCONFDIR's. */
static void
test_files(void)
{
	struct pgservice s = { NULL, NULL, NULL };
	char *user = put("user.conf", "[mine]\nhost=user.example\n[both]\nport=1\n");
	char *home = xstrfmt("%s/home", dir), *sys = xstrfmt("%s/etc", dir), *f;

	if (mkdir_p(home) != 0 || mkdir_p(sys) != 0)
		exit(1);
	f = put("etc/pg_service.conf", "[both]\nhost=sys.example\n[sys]\nhost=sys.example\n");
	free(f);
	setenv("PGSYSCONFDIR", sys, 1);
	setenv("HOME", home, 1);
	CHECK(pgservice_find("mine", user, &s));
	CHECK_STR(s.host, "user.example");
	pgservice_done(&s);
	/* The user's entry is the whole service: the system file's is not merged in. */
	CHECK(pgservice_find("both", user, &s));
	CHECK(s.host == NULL);
	CHECK_STR(s.port, "1");
	pgservice_done(&s);
	CHECK(pgservice_find("sys", user, &s));
	CHECK_STR(s.host, "sys.example");
	pgservice_done(&s);
	CHECK(!pgservice_find("none", user, &s));
	/* A named user file that is missing is libpq's error, not a reason to look further. */
	f = xstrfmt("%s/missing.conf", dir);
	CHECK(!pgservice_find("sys", f, &s));
	free(f);
	/* Without one, ~/.pg_service.conf when it exists. */
	CHECK(pgservice_find("sys", NULL, &s));
	CHECK_STR(s.host, "sys.example");
	pgservice_done(&s);
	f = put("home/.pg_service.conf", "[sys]\nhost=home.example\n");
	free(f);
	CHECK(pgservice_find("sys", NULL, &s));
	CHECK_STR(s.host, "home.example");
	pgservice_done(&s);
	/* An entry libpq refuses leaves s empty. */
	f = put("bad.conf", "[mine]\nhost=x\nbad line\n");
	CHECK(!pgservice_find("mine", f, &s));
	CHECK(s.host == NULL);
	free(f);
	free(user);
	free(home);
	free(sys);
}

int
main(void)
{
	tmpdir_make(dir);
	RUN(test_entry);
	RUN(test_not_known);
	RUN(test_files);
	UNIT_EXIT();
}
