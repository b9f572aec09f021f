/* test_proc: children start in a new session, with no stray descriptors or key variables, and die as a group at their deadline. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "proc.h"
#include "unit.h"
#include "util.h"
#include "pid.h"

static bool
sink(void *arg, const char *p, size_t n)
{
	buf_add(arg, p, n);
	return true;
}

/* Run sh -c script with spec s (argv filled in); its output (malloc'd) and wait status in *st. */
static char *
sh(const char *script, struct proc_spec *s, int *st)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct proc p;
	struct buf b;
	char *cause = NULL;

	s->argv = argv;
	s->out = PROC_IO_PIPE;
	buf_init(&b, 1 << 20);
	if (proc_start(&p, s, &cause) != 0) {
		fprintf(stderr, "proc_start: %s\n", cause);
		free(cause);
		*st = -1;
		return buf_detach(&b);
	}
	proc_read(&p, sink, &b);
	*st = proc_wait(&p);
	return buf_detach(&b);
}

static void
test_output_and_status(void)
{
	struct proc_spec s = { 0 };
	int st;
	char *out = sh("echo hello; echo oops >&2; exit 3", &s, &st);

	CHECK_STR(out, "hello\n");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	free(out);
}

/* The child leads a new session and process group: fields 5 and 6 of its stat are its pid. */
static void
test_new_session(void)
{
	struct proc_spec s = { 0 };
	int st;
	char *out = sh("read -r a < /proc/self/stat; echo \"$$ $a\"", &s, &st);
	long pid = 0, pgrp = -1, sid = -2;
	char *rp = strrchr(out, ')');

	pid = strtol(out, NULL, 10);
	CHECK(rp != NULL && sscanf(rp + 2, "%*c %*d %ld %ld", &pgrp, &sid) == 2);
	/* read is a builtin: /proc/self is the shell itself */
	CHECK_INT(pgrp, pid);
	CHECK_INT(sid, pid);
	CHECK(sid != (long)getsid(0));
	free(out);
}

static void
test_tty_keeps_session(void)
{
	struct proc_spec s = { .tty = true };
	int st;
	char *out = sh("read -r a < /proc/self/stat; echo \"$a\"", &s, &st);
	long pgrp = -1, sid = -2;
	char *rp = strrchr(out, ')');

	CHECK(rp != NULL && sscanf(rp + 2, "%*c %*d %ld %ld", &pgrp, &sid) == 2);
	CHECK_INT(sid, getsid(0));
	CHECK_INT(pgrp, getpgrp());
	free(out);
}

/* A descriptor the caller left open without close-on-exec does not reach the child. */
static void
test_descriptors_closed(void)
{
	struct proc_spec s = { 0 };
	int st, fd = open("/dev/null", O_RDONLY), hi = dup2(fd, 100);
	/* test is a builtin: nothing but the shell's own descriptors is looked at */
	char *out = sh("for i in 0 1 2 3 4 5 6 7 8 9 100; do test -e /proc/$$/fd/$i && "
	    "printf '%s ' $i; done; echo", &s, &st);

	CHECK(fd >= 3 && fd < 10 && hi == 100);
	CHECK_STR(out, "0 1 2 \n");
	free(out);
	close(fd);
	close(hi);
}

/* A child's environment holds each of has and none of hasnt (both NULL-ended). */
static void
check_child_env(const char *const *has, const char *const *hasnt)
{
	struct proc_spec s = { 0 };
	int st;
	char *out = sh("env", &s, &st);

	for (; *has != NULL; has++) {
		if (strstr(out, *has) == NULL)
			fprintf(stderr, "missing from the child's environment: %s\n", *has);
		CHECK(strstr(out, *has) != NULL);
	}
	for (; *hasnt != NULL; hasnt++) {
		if (strstr(out, *hasnt) != NULL)
			fprintf(stderr, "in the child's environment: %s\n", *hasnt);
		CHECK(strstr(out, *hasnt) == NULL);
	}
	free(out);
}

static void
test_env_cleaned(void)
{
	static const char *const has[] = { "LLM_TEST_KEEP=kept\n", "PATH=", NULL };
	static const char *const hasnt[] = { "sk-one", "sk-two", NULL };

	setenv("OPENAI_API_KEY", "sk-one", 1);
	setenv("WORK_SECRET", "sk-two", 1);
	setenv("LLM_TEST_KEEP", "kept", 1);
	proc_hide_env("WORK_SECRET");
	check_child_env(has, hasnt);
	/* the caller keeps its own */
	CHECK_STR(getenv("OPENAI_API_KEY"), "sk-one");
	unsetenv("OPENAI_API_KEY");
	unsetenv("WORK_SECRET");
	unsetenv("LLM_TEST_KEEP");
	proc_hide_env_clear();
}

/* A pinned variable reaches children as it was when pinned, set or unset. */
static void
test_env_pinned(void)
{
	static const char *const has[] = { "LLM_TEST_ZONE=Europe/Paris\n", "PATH=", NULL };
	static const char *const hasnt[] = { "Asia/Tokyo", "LLM_TEST_NONE", NULL };

	setenv("LLM_TEST_ZONE", "Europe/Paris", 1);
	unsetenv("LLM_TEST_NONE");
	proc_env_pin("LLM_TEST_ZONE");
	proc_env_pin("LLM_TEST_NONE");
	setenv("LLM_TEST_ZONE", "Asia/Tokyo", 1);
	setenv("LLM_TEST_NONE", "set later", 1);
	check_child_env(has, hasnt);
	/* the caller keeps what it set */
	CHECK_STR(getenv("LLM_TEST_ZONE"), "Asia/Tokyo");
	unsetenv("LLM_TEST_ZONE");
	unsetenv("LLM_TEST_NONE");
	proc_hide_env_clear();
}

static void
test_env_hidden_names(void)
{
	CHECK(proc_env_hidden("ANTHROPIC_API_KEY=x"));
	CHECK(proc_env_hidden("GROQ_API_KEY"));
	CHECK(!proc_env_hidden("API_KEY=x"));
	CHECK(!proc_env_hidden("OPENAI_API_KEYS=x"));
	CHECK(!proc_env_hidden("PATH=/bin"));
	CHECK(!proc_env_hidden("WORK_TOKEN=x"));
	proc_hide_env("WORK_TOKEN");
	proc_hide_env("WORK_TOKEN");
	CHECK(proc_env_hidden("WORK_TOKEN=x"));
	CHECK(!proc_env_hidden("WORK_TOKENS=x"));
	CHECK(!proc_env_hidden("WORK_TOKE=x"));
	proc_hide_env_clear();
	CHECK(!proc_env_hidden("WORK_TOKEN=x"));
}

/* At the deadline the whole group dies, a background grandchild too. */
static void
test_timeout_kills_group(void)
{
	struct proc_spec s = { .timeout_ms = 300, .grace_ms = 200 };
	int64_t t0 = clock_ms();
	int st;
	char *out = sh("sleep 30 & echo $!; wait", &s, &st);
	long bg = strtol(out, NULL, 10);

	CHECK(bg > 0);
	CHECK_INT(st, -1);
	CHECK(clock_ms() - t0 < 2000);
	CHECK(pid_gone_soon(bg));
	free(out);
}

/* A child that ignores SIGTERM is killed after the grace. */
static void
test_timeout_then_kill(void)
{
	const char *argv[] = { "sh", "-c", "trap '' TERM; while :; do sleep 0.05; done", NULL };
	struct proc_spec s = { .argv = argv, .timeout_ms = 100, .grace_ms = 200 };
	struct proc p;
	char *cause = NULL;
	int64_t t0 = clock_ms();

	CHECK_INT(proc_start(&p, &s, &cause), 0);
	CHECK_INT(proc_wait(&p), -1);
	CHECK(p.timed_out);
	CHECK(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
	CHECK(clock_ms() - t0 >= 300);
	CHECK(clock_ms() - t0 < 3000);
}

/* What the caller ignores, the child does not: SIGTERM ends it. */
static void
test_signals_default(void)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct proc_spec s = { .argv = argv };
	struct proc p;
	char *cause = NULL;

	signal(SIGTERM, SIG_IGN);
	CHECK_INT(proc_start(&p, &s, &cause), 0);
	proc_kill(&p, 2000);
	CHECK(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGTERM);
	CHECK_INT(p.pid, 0);
	signal(SIGTERM, SIG_DFL);
}

static void
test_stdin_pipe(void)
{
	const char *argv[] = { "cat", NULL };
	struct proc_spec s = { .argv = argv, .in = PROC_IO_PIPE, .out = PROC_IO_PIPE };
	struct proc p;
	struct buf b;
	char *cause = NULL;

	buf_init(&b, 1024);
	CHECK_INT(proc_start(&p, &s, &cause), 0);
	CHECK(write(p.in, "abc", 3) == 3);
	close(p.in);
	p.in = -1;
	CHECK_INT(proc_read(&p, sink, &b), 0);
	CHECK_INT(proc_wait(&p), 0);
	CHECK_STR(buf_str(&b), "abc");
	buf_done(&b);
}

static void
test_stderr_to_stdout(void)
{
	struct proc_spec s = { .err = PROC_IO_STDOUT };
	int st;
	char *out = sh("echo out; echo err >&2", &s, &st);

	CHECK_STR(out, "out\nerr\n");
	CHECK_INT(st, 0);
	free(out);
}

static void
test_missing_program(void)
{
	const char *argv[] = { "/nonexistent/llm-test-program", NULL };
	struct proc_spec s = { .argv = argv };
	struct proc p;
	char *cause = NULL;

	CHECK_INT(proc_start(&p, &s, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "No such file") != NULL);
	CHECK_INT(p.pid, 0);
	free(cause);
}

/* Fork only: both sides return, the child in its own session with stdout on the pipe. */
static void
test_fork_only(void)
{
	struct proc_spec s = { .out = PROC_IO_PIPE };
	struct proc p;
	struct buf b;
	char *cause = NULL, *want;

	CHECK_INT(proc_start(&p, &s, &cause), 0);
	if (p.pid == 0) {
		printf("%ld %ld", (long)getpid(), (long)getsid(0));
		fflush(stdout);
		_exit(0);
	}
	buf_init(&b, 1024);
	want = xstrfmt("%ld %ld", (long)p.pid, (long)p.pid);
	proc_read(&p, sink, &b);
	CHECK_INT(proc_wait(&p), 0);
	CHECK_STR(buf_str(&b), want);
	free(want);
	buf_done(&b);
}

int
main(void)
{
	RUN(test_output_and_status);
	RUN(test_new_session);
	RUN(test_tty_keeps_session);
	RUN(test_descriptors_closed);
	RUN(test_env_cleaned);
	RUN(test_env_pinned);
	RUN(test_env_hidden_names);
	RUN(test_timeout_kills_group);
	RUN(test_timeout_then_kill);
	RUN(test_signals_default);
	RUN(test_stdin_pipe);
	RUN(test_stderr_to_stdout);
	RUN(test_missing_program);
	RUN(test_fork_only);
	UNIT_EXIT();
}
