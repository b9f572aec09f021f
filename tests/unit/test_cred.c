/* test_cred: the credential lookup order, key_command and the keyring's answer with no Secret Service. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cred.h"
#include "keyring.h"
#include "unit.h"
#include "util.h"

/* A provider with the given variable and command; no keyring is reachable in this test. */
static struct provider_conf
prov(const char *name, const char *env, const char *cmd)
{
	struct provider_conf p = {
		.name = (char *)name,
		.key_env = (char *)env,
		.key_command = (char *)cmd,
		.requires_key = true,
	};
	return p;
}

static bool
has(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

/* With LLM_TEST_KEY set to env, cred_get gives want from src, and cred_probe names the same source. */
static void
check_env_then_command(const char *name, const char *env, const char *cmd, const char *want,
    enum cred_source want_src, bool available)
{
	struct provider_conf p = prov(name, "LLM_TEST_KEY", cmd);
	enum cred_source src = CRED_NONE;
	char *key = NULL, *cause = NULL;

	setenv("LLM_TEST_KEY", env, 1);
	CHECK_INT(cred_get(&p, &key, &src, &cause), 0);
	CHECK_STR(key, want);
	CHECK_INT(src, want_src);
	CHECK(cause == NULL);
	CHECK_INT(cred_probe(&p), want_src);
	CHECK(cred_available(&p) == available);
	secret_free(key);
	unsetenv("LLM_TEST_KEY");
}

static void
test_env_wins_over_command(void)
{
	check_env_then_command("t1", "sk-from-env", "printf sk-from-command", "sk-from-env", CRED_ENV,
	    true);
}

static void
test_empty_env_falls_through(void)
{
	/* A command is configured, but it is not run to answer "available". */
	check_env_then_command("t2", "", "printf 'sk-cmd-1234\\n'", "sk-cmd-1234", CRED_COMMAND,
	    false);
}

static void
test_env_with_newline_is_refused(void)
{
	struct provider_conf p = prov("t3", "LLM_TEST_KEY", NULL);
	enum cred_source src;
	char *key = NULL, *cause = NULL;

	setenv("LLM_TEST_KEY", "sk-abc\nX-Injected: 1", 1);
	CHECK_INT(cred_get(&p, &key, &src, &cause), -1);
	CHECK(key == NULL);
	CHECK(has(cause, "LLM_TEST_KEY"));
	CHECK(!has(cause, "sk-abc"));
	free(cause);
	unsetenv("LLM_TEST_KEY");
}

static void
test_command_first_line_trimmed(void)
{
	char *key = NULL, *cause = NULL;

	CHECK_INT(cred_run_command("printf '  sk-first \\r\\nsecond line\\n'", &key, &cause), 0);
	CHECK_STR(key, "sk-first");
	secret_free(key);
	CHECK_INT(cred_run_command("printf sk-no-newline", &key, &cause), 0);
	CHECK_STR(key, "sk-no-newline");
	secret_free(key);
}

/* A command that cred_run_command must refuse, and a part of the reason it gives. */
struct cmd_fail {
	const char *cmd;
	const char *cause;
};

/* Each command gives no key and a reason naming what went wrong. */
static void
check_commands_fail(const struct cmd_fail *c, size_t n)
{
	char *key = NULL, *cause = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		CHECK_INT(cred_run_command(c[i].cmd, &key, &cause), -1);
		CHECK(key == NULL);
		if (!has(cause, c[i].cause))
			fprintf(stderr, "command: %s\n", c[i].cmd);
		CHECK_CAUSE(cause, c[i].cause);
	}
}

static void
test_command_failure_names_status_not_output(void)
{
	static const struct cmd_fail fails[] = {
		{ "kill -9 $$", "signal 9" },
		{ "no-such-command-for-llm-tests 2>/dev/null", "127" },
	};
	char *key = NULL, *cause = NULL;

	CHECK_INT(cred_run_command("printf sk-leaked-secret; exit 3", &key, &cause), -1);
	CHECK(key == NULL);
	CHECK(has(cause, "status 3"));
	CHECK(!has(cause, "sk-leaked"));
	free(cause);
	check_commands_fail(fails, ARRAY_SIZE(fails));
}

static void
test_command_empty_or_reading_stdin(void)
{
	static const struct cmd_fail fails[] = {
		{ "true", "no key" },
		/* stdin is empty: a command that reads it ends instead of hanging. */
		{ "cat", "no key" },
		{ "printf 'sk-a\\001b\\n'", "control" },
	};

	check_commands_fail(fails, ARRAY_SIZE(fails));
}

static void
test_command_output_cap(void)
{
	char *key = NULL, *cause = NULL;
	char *cmd;

	/* Exactly at the cap: 65535 bytes of key and a newline. */
	cmd = xstrfmt("head -c %d /dev/zero | tr '\\000' a; echo", CRED_COMMAND_MAX - 1);
	CHECK_INT(cred_run_command(cmd, &key, &cause), 0);
	CHECK_INT(key != NULL ? strlen(key) : 0, CRED_COMMAND_MAX - 1);
	secret_free(key);
	free(cmd);
	key = NULL;
	cmd = xstrfmt("head -c %d /dev/zero | tr '\\000' a", CRED_COMMAND_MAX + 1);
	CHECK_INT(cred_run_command(cmd, &key, &cause), -1);
	CHECK(key == NULL);
	CHECK_CAUSE(cause, "64 KiB");
	free(cmd);
	cause = NULL;
	/* An endless writer is stopped, not waited for. */
	CHECK_INT(cred_run_command("yes sk-endless", &key, &cause), -1);
	CHECK_CAUSE(cause, "64 KiB");
}

static void
test_command_error_names_provider(void)
{
	struct provider_conf p = prov("work", NULL, "exit 5");
	enum cred_source src;
	char *key = NULL, *cause = NULL;

	CHECK_INT(cred_get(&p, &key, &src, &cause), -1);
	CHECK(has(cause, "provider work"));
	CHECK_CAUSE(cause, "status 5");
}

static void
test_no_key_anywhere(void)
{
	struct provider_conf p = prov("nokey", "LLM_TEST_UNSET_KEY", NULL);
	struct provider_conf local = prov("local", NULL, NULL);
	enum cred_source src = CRED_ENV;
	char *key = NULL, *cause = NULL;

	unsetenv("LLM_TEST_UNSET_KEY");
	/* No keyring here: the error names the variable and the fixes. */
	CHECK_INT(cred_get(&p, &key, &src, &cause), -1);
	CHECK_INT(src, CRED_NONE);
	CHECK(has(cause, "LLM_TEST_UNSET_KEY"));
	CHECK(has(cause, "gnome-keyring-daemon"));
	CHECK_CAUSE(cause, "key_command");
	CHECK(!cred_available(&p));
	CHECK_INT(cred_probe(&p), CRED_NONE);
	/* A local server needs no key: nothing found is no error. */
	local.requires_key = false;
	CHECK_INT(cred_get(&local, &key, &src, &cause), 1);
	CHECK(cause == NULL);
	CHECK(cred_available(&local));
}

static void
test_missing_msg(void)
{
	struct provider_conf p = prov("openai", "OPENAI_API_KEY", NULL);
	struct provider_conf q = prov("work", NULL, NULL);
	char *m;

	m = cred_missing_msg(&p);
	CHECK(has(m, "OPENAI_API_KEY"));
	CHECK(has(m, "llm keys set openai"));
	CHECK_CAUSE(m, "key_command");
	m = cred_missing_msg(&q);
	CHECK(has(m, "llm keys set work"));
	CHECK(has(m, "key_env"));
	CHECK(has(m, "key_command"));
	CHECK_CAUSE(m, "[provider.work]");
}

static void
test_source_str(void)
{
	CHECK_STR(cred_source_str(CRED_NONE), "none");
	CHECK_STR(cred_source_str(CRED_ENV), "env");
	CHECK_STR(cred_source_str(CRED_KEYRING), "keyring");
	CHECK_STR(cred_source_str(CRED_COMMAND), "command");
}

static void
test_key_valid(void)
{
	CHECK(cred_key_valid("sk-abc"));
	CHECK(!cred_key_valid(""));
	CHECK(!cred_key_valid(NULL));
	CHECK(!cred_key_valid("sk\tabc"));
	CHECK(!cred_key_valid("sk\x7f"));
}

static void
test_keyring_without_bus(void)
{
	char *key = NULL, *cause = NULL;
	char **names = NULL;
	size_t n = 9;

	CHECK_INT(keyring_set("openai", "sk-never-stored", &cause), -1);
	CHECK(has(cause, "no session bus"));
	CHECK(has(cause, "gnome-keyring-daemon"));
	CHECK(has(cause, "KeePassXC"));
	CHECK(has(cause, "key_env"));
	CHECK(has(cause, "key_command"));
	CHECK(!has(cause, "sk-never"));
	free(cause);
	cause = NULL;
	CHECK_INT(keyring_get("openai", &key, &cause), -1);
	CHECK(key == NULL);
	free(cause);
	cause = NULL;
	CHECK_INT(keyring_list(&names, &n, &cause), -1);
	CHECK(names == NULL);
	CHECK_INT(n, 0);
	free(cause);
	cause = NULL;
	/* A bus address that leads nowhere is the same story. */
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/llm-test-bus", 1);
	CHECK_INT(keyring_rm("openai", &cause), -1);
	CHECK(has(cause, "gnome-keyring-daemon"));
	CHECK_CAUSE(cause, "key_command");
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
}

/* AddressSanitizer turns mlock into a no-op: lock flags cannot be seen under it. */
#if defined(__SANITIZE_ADDRESS__)
#define LOCKED(flags) true
#else
#define LOCKED(flags) ((flags) != NULL && strstr((flags), " lo") != NULL)
#endif

/* The VmFlags of the mapping holding p, from /proc/self/smaps (malloc'd), or NULL. */
static char *
vm_flags(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512], *flags = NULL;
	bool in = false;
	unsigned long lo, hi, a = (unsigned long)(uintptr_t)p;

	if (f == NULL)
		return NULL;
	while (flags == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			flags = xstrdup(line + 8);
	}
	fclose(f);
	return flags;
}

/* A key llm holds sits on pages of its own, locked (never swapped) and left out of dumps. */
static void
test_key_memory_locked(void)
{
	struct provider_conf p = prov("t9", "LLM_TEST_KEY", "printf 'sk-cmd-locked\n'");
	enum cred_source src = CRED_NONE;
	char *key = NULL, *cause = NULL, *flags;
	long page = sysconf(_SC_PAGESIZE);

	setenv("LLM_TEST_KEY", "sk-env-locked", 1);
	CHECK_INT(cred_get(&p, &key, &src, &cause), 0);
	CHECK_STR(key, "sk-env-locked");
	CHECK_INT((uintptr_t)key % (uintptr_t)page, 0);
	flags = vm_flags(key);
	CHECK(flags != NULL && strstr(flags, " dd") != NULL);
	CHECK(LOCKED(flags));
	free(flags);
	secret_free(key);
	unsetenv("LLM_TEST_KEY");
	CHECK_INT(cred_get(&p, &key, &src, &cause), 0);
	CHECK_STR(key, "sk-cmd-locked");
	CHECK_INT(src, CRED_COMMAND);
	flags = vm_flags(key);
	CHECK(flags != NULL && strstr(flags, " dd") != NULL);
	CHECK(LOCKED(flags));
	free(flags);
	secret_free(key);
}

int
main(void)
{
	/* Never touch the keyring of whoever runs the tests. */
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("DISPLAY");
	RUN(test_env_wins_over_command);
	RUN(test_empty_env_falls_through);
	RUN(test_env_with_newline_is_refused);
	RUN(test_command_first_line_trimmed);
	RUN(test_command_failure_names_status_not_output);
	RUN(test_command_empty_or_reading_stdin);
	RUN(test_command_output_cap);
	RUN(test_command_error_names_provider);
	RUN(test_no_key_anywhere);
	RUN(test_missing_msg);
	RUN(test_source_str);
	RUN(test_key_valid);
	RUN(test_key_memory_locked);
	RUN(test_keyring_without_bus);
	UNIT_EXIT();
}
