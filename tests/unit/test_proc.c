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

/* Credentials by name, whatever the case, and by a URL with a password. */
static void
test_env_credential_names(void)
{
	static const char *const yes[] = {
		"GITHUB_TOKEN=x", "GH_TOKEN=x", "gh_token=x", "NPM_TOKEN", "AWS_SECRET_ACCESS_KEY=x",
		"AWS_SESSION_TOKEN=x", "AWS_ACCESS_KEY_ID=x", "PGPASSWORD=x", "DB_PASSWORD=x",
		"MYSQL_PWD=x", "CLIENT_SECRET=x", "SECRET=x", "STRIPE_SECRET_KEY=x",
		"DEPLOY_PRIVATE_KEY=x", "OPENAI_API_KEY=x", "GOOGLE_APIKEY=x", "SLACKTOKEN=x",
		"GPG_PASSPHRASE=x", "GOOGLE_APPLICATION_CREDENTIALS=/k.json", "TOKEN_1=x",
		"DATABASE_URL=postgres://app:pw@db/app", "X=see https://u:p@h.example/",
		"HTTPS_PROXY=http://me:pw@proxy:3128",
	};
	static const char *const no[] = {
		"TOKENIZERS_PARALLELISM=false", "SSH_AUTH_SOCK=/tmp/s", "PWD=/home/u",
		"OLDPWD=/tmp", "KEYTIMEOUT=1", "MONKEY=1", "PATH=/bin", "TOKENIZER=bpe",
		"DATABASE_URL=postgres://app@db/app", "REDIS_URL=redis://cache:6379/0",
		"HTTPS_PROXY=http://proxy:3128", "NOTE=a:b@c", "GNOME_KEYRING_CONTROL=/run",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!proc_env_credential(yes[i]))
			fprintf(stderr, "not a credential: %s\n", yes[i]);
		CHECK(proc_env_credential(yes[i]));
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		if (proc_env_credential(no[i]))
			fprintf(stderr, "a credential: %s\n", no[i]);
		CHECK(!proc_env_credential(no[i]));
	}
}

/* A child started with no_credentials gets none, and the rest; others keep theirs. */
static void
test_env_no_credentials(void)
{
	struct proc_spec s = { .no_credentials = true };
	int st;
	char *out;

	setenv("LLM_TEST_TOKEN", "cred-one", 1);
	setenv("LLM_TEST_URL", "https://u:cred-two@h/", 1);
	setenv("LLM_TEST_KEEP", "kept", 1);
	out = sh("env", &s, &st);
	CHECK(strstr(out, "cred-one") == NULL && strstr(out, "cred-two") == NULL);
	CHECK(strstr(out, "LLM_TEST_KEEP=kept\n") != NULL);
	free(out);
	s.no_credentials = false;
	out = sh("env", &s, &st);
	CHECK(strstr(out, "cred-one") != NULL && strstr(out, "cred-two") != NULL);
	free(out);
	unsetenv("LLM_TEST_TOKEN");
	unsetenv("LLM_TEST_URL");
	unsetenv("LLM_TEST_KEEP");
}

/* The way to the session's agents, by exact name. */
static void
test_env_agent_names(void)
{
	static const char *const yes[] = {
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus", "SSH_AUTH_SOCK=/tmp/s",
		"SSH_AGENT_PID=9", "GPG_AGENT_INFO=x", "GNUPGHOME=/g", "XDG_RUNTIME_DIR=/run/user/1",
		"DISPLAY=:0", "WAYLAND_DISPLAY=wayland-0", "TMUX=/tmp/tmux-1/default,1,0", "NVIM=/n",
		"GNOME_KEYRING_CONTROL=/run", "SSH_AUTH_SOCK",
	};
	static const char *const no[] = {
		"PATH=/bin", "HOME=/home/u", "SSH_AUTH_SOCKS=x", "ssh_auth_sock=x", "DISPLAYS=1",
		"XDG_CONFIG_HOME=/c", "TMUX_CONF=x", "LANG=C", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/s",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!proc_env_agent(yes[i]))
			fprintf(stderr, "no agent's: %s\n", yes[i]);
		CHECK(proc_env_agent(yes[i]));
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		if (proc_env_agent(no[i]))
			fprintf(stderr, "an agent's: %s\n", no[i]);
		CHECK(!proc_env_agent(no[i]));
	}
}

/* A child started with no_agents finds none, the bus and gpg's home lead nowhere; others keep them. */
static void
test_env_no_agents(void)
{
	struct proc_spec s = { .no_agents = true };
	int st;
	char *out;

	setenv("SSH_AUTH_SOCK", "/tmp/llm-test-ssh", 1);
	setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/llm-test-bus", 1);
	setenv("XDG_RUNTIME_DIR", "/tmp/llm-test-run", 1);
	setenv("LLM_TEST_KEEP", "kept", 1);
	out = sh("env", &s, &st);
	CHECK(strstr(out, "llm-test-ssh") == NULL && strstr(out, "llm-test-bus") == NULL &&
	    strstr(out, "llm-test-run") == NULL);
	CHECK(strstr(out, "DBUS_SESSION_BUS_ADDRESS=unix:path=/dev/null\n") != NULL);
	CHECK(strstr(out, "GNUPGHOME=/dev/null/gnupg\n") != NULL);
	CHECK(strstr(out, "LLM_TEST_KEEP=kept\n") != NULL);
	free(out);
	s.no_agents = false;
	out = sh("env", &s, &st);
	CHECK(strstr(out, "SSH_AUTH_SOCK=/tmp/llm-test-ssh\n") != NULL &&
	    strstr(out, "llm-test-bus") != NULL && strstr(out, "/dev/null") == NULL);
	free(out);
	unsetenv("SSH_AUTH_SOCK");
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("LLM_TEST_KEEP");
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

/* Fail unless pid (> 0) is gone within a second; one that is not is killed. */
static void
check_gone(long pid, const char *what)
{
	CHECK(pid > 0);
	if (pid > 0 && !pid_gone_soon(pid)) {
		fprintf(stderr, "still running: %s (pid %ld)\n", what, pid);
		CHECK(!"gone");
		kill((pid_t)pid, SIGKILL);
	}
}

/* Each number in out, one a line, into pids[n]; how many. */
static size_t
read_pids(const char *out, long *pids, size_t n)
{
	size_t i = 0;
	char *end;

	while (i < n && *out != '\0') {
		pids[i] = strtol(out, &end, 10);
		if (end == out)
			break;
		i++;
		out = end + strspn(end, "\n");
	}
	return i;
}

/*
 * Start sleepers in the background, in a session of its own, and by a
 * double fork, wait until they have started, and print their pids; run in
 * a directory of their own (tmp_dir).
 */
#define DAEMONS \
	"sleep 30 >/dev/null & echo $! >a; " \
	"setsid sh -c 'echo $$ >b; exec sleep 30' >/dev/null 2>&1 & " \
	"(setsid sh -c 'echo $$ >c; exec sleep 30' >/dev/null 2>&1 &); " \
	"until [ -s b ] && [ -s c ]; do sleep 0.01; done; cat a b c; "

/* A new empty directory (malloc'd). */
static char *
tmp_dir(void)
{
	char *d = xstrdup("/tmp/llm-test-proc-XXXXXX");

	if (mkdtemp(d) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return d;
}

/* Remove tmp_dir's directory d with what DAEMONS left in it, and free d. */
static void
tmp_done(char *d)
{
	static const char *const names[] = { "a", "b", "c" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		char *f = xstrfmt("%s/%s", d, names[i]);

		unlink(f);
		free(f);
	}
	rmdir(d);
	free(d);
}

/* A contained command's daemons, in its group or out of it, end with it; its status is its own. */
static void
test_contain_daemons(void)
{
	struct proc_spec s = { .contain = true, .dir = tmp_dir() };
	long pids[3] = { 0 };
	int st;
	char *out = sh(DAEMONS "exit 3", &s, &st);

	CHECK_INT(read_pids(out, pids, 3), 3);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	check_gone(pids[0], "the background child");
	check_gone(pids[1], "the child in a session of its own");
	check_gone(pids[2], "the double-forked child");
	free(out);
	tmp_done((char *)s.dir);
}

/* The command runs in a group of its own, under the child that leads the session. */
static void
test_contain_group(void)
{
	struct proc_spec s = { .contain = true };
	int st;
	char *out = sh("read -r a < /proc/self/stat; echo \"$$ $a\"", &s, &st);
	long pid = strtol(out, NULL, 10), ppid = -1, pgrp = -1, sid = -2;
	char *rp = strrchr(out, ')');

	CHECK(rp != NULL && sscanf(rp + 2, "%*c %ld %ld %ld", &ppid, &pgrp, &sid) == 3);
	CHECK_INT(pgrp, pid);
	CHECK_INT(sid, ppid);
	CHECK(sid != (long)getsid(0));
	CHECK_INT(st, 0);
	free(out);
}

/* A command killed by a signal: the status a shell reports, 128 + the signal. */
static void
test_contain_signal_status(void)
{
	struct proc_spec s = { .contain = true };
	int st;
	char *out = sh("kill -TERM $$", &s, &st);

	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGTERM);
	free(out);
}

/* At the deadline SIGTERM reaches the command, which ends at once: no grace is waited out. */
static void
test_contain_timeout_term(void)
{
	const char *argv[] = { "sh", "-c", "sleep 30 & wait", NULL };
	struct proc_spec s = { .argv = argv, .contain = true, .timeout_ms = 100, .grace_ms = 5000 };
	struct proc p;
	char *cause = NULL;
	int64_t t0 = clock_ms();

	CHECK_INT(proc_start(&p, &s, &cause), 0);
	CHECK_INT(proc_wait(&p), -1);
	CHECK(p.timed_out);
	CHECK(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 128 + SIGTERM);
	CHECK(clock_ms() - t0 < 2500);
}

/* What ignores SIGTERM, the command and a daemon it started, is killed after the grace. */
static void
test_contain_timeout_kill(void)
{
	struct proc_spec s = { .contain = true, .timeout_ms = 300, .grace_ms = 200 };
	int64_t t0 = clock_ms();
	long pid = 0;
	int st;
	char *out = sh("trap '' TERM; (setsid sh -c 'echo $$; exec sleep 30 >/dev/null 2>&1' &); "
	    "while :; do sleep 0.05; done", &s, &st);

	CHECK_INT(read_pids(out, &pid, 1), 1);
	CHECK_INT(st, -1);
	CHECK(clock_ms() - t0 >= 500);
	CHECK(clock_ms() - t0 < 3000);
	check_gone(pid, "the daemon that ignores SIGTERM");
	free(out);
}

/*
 * When the caller dies, even by SIGKILL, all the command started dies: a
 * forked caller starts it, with stdout on a pipe to here, and is killed.
 */
static void
test_contain_caller_killed(void)
{
	const char *argv[] = { "sh", "-c", "echo $$; " DAEMONS "wait", NULL };
	struct proc_spec s = { .argv = argv, .out = PROC_IO_INHERIT, .contain = true,
		.dir = tmp_dir() };
	struct proc p;
	struct buf b;
	char chunk[256], *cause = NULL;
	long pids[4] = { 0 };
	int fds[2], i;
	pid_t caller;
	ssize_t n;

	CHECK_INT(pipe(fds), 0);
	fflush(NULL);
	if ((caller = fork()) == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if (proc_start(&p, &s, &cause) != 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	buf_init(&b, 4096);
	/* the shell's pid and the three sleepers' (the shell keeps the pipe open) */
	while (read_pids(buf_str(&b), pids, 4) < 4 || b.data[b.len - 1] != '\n') {
		if ((n = read(fds[0], chunk, sizeof(chunk))) <= 0)
			break;
		buf_add(&b, chunk, (size_t)n);
	}
	CHECK_INT(read_pids(buf_str(&b), pids, 4), 4);
	kill(caller, SIGKILL);
	CHECK_INT(waitpid(caller, NULL, 0), caller);
	for (i = 0; i < 4; i++)
		check_gone(pids[i], i == 0 ? "the command" : "a process the command started");
	close(fds[0]);
	buf_done(&b);
	tmp_done((char *)s.dir);
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
	RUN(test_env_credential_names);
	RUN(test_env_no_credentials);
	RUN(test_env_agent_names);
	RUN(test_env_no_agents);
	RUN(test_timeout_kills_group);
	RUN(test_timeout_then_kill);
	RUN(test_signals_default);
	RUN(test_stdin_pipe);
	RUN(test_stderr_to_stdout);
	RUN(test_missing_program);
	RUN(test_fork_only);
	RUN(test_contain_daemons);
	RUN(test_contain_group);
	RUN(test_contain_signal_status);
	RUN(test_contain_timeout_term);
	RUN(test_contain_timeout_kill);
	RUN(test_contain_caller_killed);
	UNIT_EXIT();
}
