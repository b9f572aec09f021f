/* cli_git: llm git commit-msg (the hook's own command), and the git queries the hook's files share. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "chat.h"
#include "cli.h"
#include "cli_git_priv.h"
#include "git_diff.h"
#include "git_hook.h"
#include "gitattr.h"
#include "ledger.h"
#include "pricing.h"
#include "proc.h"
#include "util.h"

/* Output of a git query such as `git config` (a path or a word). */
#define SMALL_OUT (64 * 1024)
/* A reply from the drafting process. */
#define REPLY_MAX (1024 * 1024)
/* The longest answer taken as a draft: DRAFT_TOKENS give a few KB; more is a runaway model's. */
#define DRAFT_MAX (16 * 1024)
#define DRAFT_MAX_TEXT "16 KB"
/* The message file git wrote (with `commit -v` it holds the whole diff). */
#define MSG_MAX (256 * 1024 * 1024)
/* Output cap asked of the model: a subject and a short body, with room to think. */
#define DRAFT_TOKENS 2048
/* How long a drafting process has to stop after it is told to. */
#define GRACE_MS 2000
/* What to do when the time limit keeps passing: the hook's, not llm's, setting. */
#define WAIT_LONGER "raise [git] timeout in config.ini to wait longer"

static const char system_prompt[] =
	"You write git commit messages from a staged diff. Reply with the commit message "
	"only: a subject line of at most 72 characters in the imperative mood, in the "
	"Conventional Commits form \"type(scope): summary\" when a type fits (feat, fix, "
	"docs, refactor, perf, test, build, ci, chore, style); then a blank line; then a "
	"short body of one to four lines wrapped at 72 columns that says what changed "
	"and why. No code fences, no quotes, no preamble.";

/* Append a child's output to the struct buf at arg. */
bool
git_sink_buf(void *arg, const char *p, size_t n)
{
	buf_add(arg, p, n);
	return true;
}

/* Run a git query; its output trimmed (malloc'd), or NULL if it failed or printed nothing. */
char *
git_query(const char *const *argv)
{
	struct buf b;
	char *s;

	buf_init(&b, SMALL_OUT);
	if (proc_run(argv, -1, git_sink_buf, &b) != 0) {
		buf_done(&b);
		return NULL;
	}
	s = buf_detach(&b);
	str_trim(s);
	if (*s == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

/* Write text to path atomically, with mode. 0, or -1 with *cause. */
int
git_write_file(const char *path, const char *text, size_t len, mode_t mode, char **cause)
{
	char *tmp = xstrfmt("%s.llm-XXXXXX", path);
	int fd = mkstemp(tmp), rc = -1;

	if (fd == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fd_write_all(fd, text, len) != 0)
		goto out;
	if (fchmod(fd, mode) == -1 || close(fd) == -1) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) == 0)
		rc = 0;
out:
	if (rc == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* What is at path: 0 nothing, 1 llm's hook, 2 something else. */

/* Ask git which staged paths are marked linguist-generated or linguist-vendored. */
static void
attrs_load(struct gitattr *a)
{
	static const char *const names[] = { "git", "diff", "--cached", "--name-only", "-z", NULL };
	static const char *const check[] = { "git", "check-attr", "-z", "--stdin",
		"linguist-generated", "linguist-vendored", NULL };
	struct buf list, raw;
	FILE *in;

	gitattr_init(a);
	buf_init(&raw, 0);
	buf_init(&list, 0);
	if (proc_run(names, -1, git_sink_buf, &list) != 0 || list.len == 0)
		goto out;
	in = tmpfile();
	if (in == NULL)
		goto out;
	if (fwrite(list.data, 1, list.len, in) == list.len && fflush(in) == 0 &&
	    fseek(in, 0, SEEK_SET) == 0 && proc_run(check, fileno(in), git_sink_buf, &raw) == 0)
		gitattr_parse(a, raw.data, raw.len);
	fclose(in);
out:
	buf_done(&raw);
	buf_done(&list);
}

static bool
sink_diff(void *arg, const char *p, size_t n)
{
	git_diff_feed(arg, p, n);
	return true;
}

/*
 * Run a git command, its output fed to sink, killed at deadline: its exit
 * code, or -1 when it could not run, did not exit, or ran out of time (*late).
 */
static int
git_run_until(const char *const *argv, proc_sink_fn sink, void *arg, int64_t deadline, bool *late)
{
	int64_t left = deadline - clock_ms();

	*late = left <= 0;
	if (*late)
		return -1;
	return proc_run_for(argv, -1, sink, arg, left > INT_MAX ? INT_MAX : (int)left, late);
}

/*
 * The staged diff, filtered and cut to the budget (malloc'd), or NULL with
 * *why (malloc'd). A diff of gigabytes takes its time: it is read within the
 * hook's time limit (timeout seconds, ending at deadline) too.
 */
static char *
staged_diff(const struct config *cfg, int64_t deadline, long timeout, char **why)
{
	static const char *const diff[] = { "git", "-c", "core.quotePath=false", "diff", "--cached",
		"--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/",
		"--submodule=short", NULL };
	long tokens = cfg->git_max_tokens > 0 ? cfg->git_max_tokens : 6000;
	size_t max = (size_t)tokens * GIT_BYTES_PER_TOKEN;
	struct git_diff d;
	struct gitattr a;
	char *text = NULL;
	bool late;

	attrs_load(&a);
	git_diff_init(&d, max, gitattr_lookup, &a);
	if (git_run_until(diff, sink_diff, &d, deadline, &late) != 0) {
		if (late)
			xasprintf(why, "git diff --cached did not finish within %ld s; " WAIT_LONGER,
			    timeout);
		else
			*why = xstrdup("git diff failed");
		goto out;
	}
	git_diff_finish(&d);
	if (d.n == 0)
		*why = xstrdup("nothing is staged");
	else if (git_diff_kept(&d) == 0)
		*why = xstrdup("only lock, binary or generated files are staged");
	else
		text = git_diff_render(&d, max, NULL);
out:
	git_diff_done(&d);
	gitattr_done(&a);
	return text;
}

static volatile sig_atomic_t draft_stop;

static void
on_term(int sig)
{
	(void)sig;
	draft_stop = 1;
}

static void
collect(void *arg, const char *s, size_t n)
{
	buf_add(arg, s, n);
}

/* A budget threshold first passed: the one line the hook says beside its draft. */
static void
warn_line(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "llm: %s\n", line);
}

/*
 * What a draft's request cost, for the line the hook says (malloc'd): "on
 * cheap (model), $0.00014", "~$" when estimated; after "drafted" when the
 * draft was written, after "billed" when it was not. Nothing of the reply
 * is in it; a model's name is one printable word (config and catalog
 * imports check it).
 */
static char *
draft_note(const struct chat_turn *t)
{
	const struct chat_step *s;
	char cost[32];

	assert(t->nsteps > 0); /* an answer came from a request */
	s = &t->steps[t->nsteps - 1];
	pricing_format(t->cost, t->estimated, cost, sizeof cost);
	return xstrfmt("on %s (%s), %s%s", tier_str(s->tier), s->model->name, cost,
	    t->cost < 0 ? " (unknown price)" : "");
}

/*
 * Send "status\npayload" to the parent: when status is 0, the payload is
 * the draft_note line and the answer, else a reason.
 */
static void
report(int fd, int status, const char *payload)
{
	char *s = xstrfmt("%d\n%s", status, payload ? payload : "");

	(void)fd_write_all(fd, s, strlen(s)); /* when the parent has gone, no one is told */
	free(s);
}

/* The drafting process: ask the model, stop at the deadline or on SIGTERM, report on fd. */
static void
draft_child(struct app *cli, const char *prompt, int fd, int64_t deadline)
{
	struct sigaction sa;
	struct ledger *l;
	struct chat *c;
	struct chat_opts o;
	struct chat_cb cb;
	struct buf text;
	const struct chat_turn *t;
	char *cause = NULL;
	bool late = false;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	l = ledger_open(cli->cfg.data_dir, &cause);
	if (l == NULL) {
		report(fd, EXIT_PROVIDER, cause);
		free(cause);
		return;
	}
	c = chat_new(&cli->cfg, cli->cat, l);
	memset(&o, 0, sizeof o);
	o.tier = cli->cfg.git_tier;
	o.model = cli->cfg.git_model;
	o.system = system_prompt;
	o.max_tokens = DRAFT_TOKENS;
	o.stream = true;
	o.draft = true;      /* billed, listed by llm logs --all, never continued */
	o.tier_how = "[git] tier in config.ini"; /* the user runs git commit, not llm -t */
	o.deadline = deadline; /* a Retry-After past it fails now, saying so */
	memset(&cb, 0, sizeof cb);
	buf_init(&text, REPLY_MAX);
	cb.text = collect;
	cb.warn = warn_line;
	cb.arg = &text;
	if (chat_send(c, &o, prompt, &cb) == 0) {
		while (chat_busy(c)) {
			if (draft_stop || clock_ms() >= deadline) {
				chat_cancel(c);
				late = true;
				break;
			}
			chat_poll(c, NULL, 0, 100);
		}
	}
	t = chat_last(c);
	if (late)
		report(fd, EXIT_INTERRUPT, NULL);
	else if (t == NULL)
		report(fd, EXIT_PROVIDER, "no reply");
	else if (t->status != CHAT_OK && (t->nsteps == 0 || t->cost == 0))
		report(fd, cli_exit_code(t->status), t->error ? t->error : "the request failed");
	else {
		char *note = draft_note(t), *s;

		if (t->status != CHAT_OK) {
			s = xstrfmt("%s; billed %s", t->error ? t->error : "the request failed", note);
			report(fd, cli_exit_code(t->status), s);
		} else if (t->finish == CHAT_FINISH_LENGTH || t->finish == CHAT_FINISH_FILTER) {
			/* what came may end mid-sentence, and the message may be committed unread */
			s = xstrfmt("the reply was %s; billed %s",
			    t->finish == CHAT_FINISH_LENGTH ? "cut off at the length limit" :
			    "stopped by the provider's filter", note);
			report(fd, EXIT_PROVIDER, s);
		} else if ((t->text && t->len ? t->len : text.len) > DRAFT_MAX) {
			s = xstrfmt("the reply was over " DRAFT_MAX_TEXT ", too long for a commit message;"
			    " billed %s", note);
			report(fd, EXIT_PROVIDER, s);
		} else {
			s = xstrfmt("%s\n%s", note, t->text && t->len ? t->text : buf_str(&text));
			report(fd, EXIT_OK, s);
		}
		free(s);
		free(note);
	}
	buf_done(&text);
	chat_free(c);
	ledger_close(l);
}

/* A signal that stops the hook while it waits: the draft's group goes with it. */
static volatile sig_atomic_t hook_signal;

static void
on_hook_signal(int sig)
{
	hook_signal = sig;
}

/* Catch (on) or restore (off) the signals that end the hook while it waits. */
static void
hook_signals(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? on_hook_signal : SIG_DFL;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * Read the child's report until EOF or the deadline. False on timeout or,
 * unless in the grace after the child was told to stop, a signal.
 */
static bool
read_report(int fd, struct buf *out, int64_t deadline, bool grace)
{
	char chunk[8192];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - clock_ms();
		ssize_t n;

		if (left <= 0 || (hook_signal != 0 && !grace))
			return false;
		if (poll(&p, 1, left > 1000 ? 1000 : (int)left) <= 0)
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		if (buf_add(out, chunk, (size_t)n) == -1)
			return true;
	}
}

/*
 * Wait for the drafting process's report. When time is up or a signal
 * comes, it is told to stop (so that it settles its ledger row) and, after a
 * grace, its whole process group is killed: a key_command it started (a
 * pinentry waiting for a passphrase) goes too, instead of living on after
 * the commit.
 */
static bool
await_draft(struct proc *p, struct buf *rep, int64_t deadline)
{
	bool in_time;

	hook_signals(true);
	in_time = read_report(p->out, rep, deadline, false);
	if (!in_time) {
		/* after Ctrl-C too: the request was sent, and its row should say what it cost */
		proc_signal(p, SIGTERM);
		read_report(p->out, rep, clock_ms() + GRACE_MS, true);
		/* not reaped yet, so the group id is still the draft's own */
		proc_signal(p, SIGKILL);
	}
	close(p->out);
	p->out = -1;
	proc_wait(p);
	hook_signals(false);
	if (hook_signal != 0)
		raise(hook_signal);
	return in_time;
}

/*
 * Ask for a draft in a child process, by deadline (timeout seconds after the
 * hook started, for the message), cleaned for comment (git's comment
 * prefix, NULL for "auto"). The draft (malloc'd), with *note the line
 * that says what it cost (malloc'd), or NULL with *why. In
 * the child it returns NULL with *child set, once the request is over, so
 * that the child unwinds and frees as any run. The child leads a session of
 * its own and reports on its stdout.
 */
static char *
ask(struct app *cli, const char *prompt, const char *comment, int64_t deadline, long timeout,
    char **note, char **why, bool *child)
{
	struct proc_spec s = { .out = PROC_IO_PIPE, .err = PROC_IO_INHERIT };
	struct proc p;
	struct buf rep;
	char *nl, *eol, *draft = NULL;
	bool in_time;

	if (proc_start(&p, &s, why) != 0)
		return NULL;
	if (p.pid == 0) {
		draft_child(cli, prompt, STDOUT_FILENO, deadline);
		close(STDOUT_FILENO);
		*child = true;
		return NULL;
	}
	buf_init(&rep, REPLY_MAX);
	in_time = await_draft(&p, &rep, deadline);
	nl = memchr(buf_str(&rep), '\n', rep.len);
	if (!in_time || (nl != NULL && strncmp(buf_str(&rep), "130\n", 4) == 0))
		xasprintf(why, "no reply within %ld s; " WAIT_LONGER, timeout);
	else if (nl == NULL)
		*why = xstrdup("the drafting process failed");
	else if (strncmp(buf_str(&rep), "0\n", 2) != 0)
		*why = xstrdup(nl + 1);
	else if ((eol = strchr(nl + 1, '\n')) == NULL)
		*why = xstrdup("the drafting process failed");
	else if ((draft = git_msg_clean(eol + 1, comment)) == NULL)
		xasprintf(why, "the reply was empty; billed %.*s", (int)(eol - nl - 1), nl + 1);
	else
		*note = xstrndup(nl + 1, (size_t)(eol - nl - 1));
	buf_done(&rep);
	return draft;
}

/* The comment prefix git uses in message files; NULL for "auto". */
static char *
comment_prefix(void)
{
	static const char *const str[] = { "git", "config", "core.commentString", NULL };
	static const char *const chr[] = { "git", "config", "core.commentChar", NULL };
	char *s = git_query(str);

	if (s == NULL)
		s = git_query(chr);
	if (s == NULL)
		return xstrdup("#");
	if (strcmp(s, "auto") == 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Print the one line a failed draft leaves, on one line whatever the reason holds. */
static void
not_drafted(const char *reason)
{
	char *s = xstrdup(reason), *p;

	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	fprintf(stderr, "llm: commit message not drafted: %s\n", str_trim(s));
	free(s);
}

/*
 * Say what a written draft cost: every message's cost is shown, the hook's
 * too (git passes a hook's stderr through). Dim, as the CLI's summary line,
 * where colour is allowed.
 */
static void
drafted(const struct app *cli, const char *note)
{
	fprintf(stderr, "%sllm: drafted %s%s\n", cli->color ? "\033[2m" : "", note,
	    cli->color ? "\033[0m" : "");
}

static int
commit_msg(struct app *cli, int argc, char **argv)
{
	const char *file, *source;
	char *msg = NULL, *comment = NULL, *diff = NULL, *prompt = NULL, *draft = NULL, *text = NULL;
	char *why = NULL, *note = NULL;
	long timeout = cli->cfg.git_timeout;   /* at least 1: config refuses 0 */
	int64_t deadline = clock_ms() + (int64_t)timeout * 1000;
	size_t len;
	struct stat st;
	bool child = false;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "llm: git commit-msg: %s\n", argc < 3 ? "needs the message FILE" :
		    "takes FILE [SOURCE [SHA]], no more");
		cli_usage_hint("git", GIT_USAGE);
		return EXIT_USAGE;
	}
	file = argv[2];
	source = argc > 3 ? argv[3] : NULL;
	/* pre-commit passes the message file alone, and the source in its environment */
	if (source == NULL)
		source = getenv("PRE_COMMIT_COMMIT_MSG_SOURCE");
	/* The user gave or chose the message: nothing to draft, nothing to say. */
	if (git_source_skips(source))
		return EXIT_OK;
	if (stat(file, &st) == -1 || file_read(file, MSG_MAX, &msg, &len, &why) == -1) {
		free(why);
		xasprintf(&why, "cannot read %s", file);
		goto out;
	}
	comment = comment_prefix();
	if (git_msg_has_text(msg, comment))
		goto out;
	diff = staged_diff(&cli->cfg, deadline, timeout, &why);
	if (diff == NULL)
		goto out;
	prompt = xstrfmt("Write the commit message for this staged diff.\n\n%s", diff);
	draft = ask(cli, prompt, comment, deadline, timeout, &note, &why, &child);
	if (draft == NULL)
		goto out;
	text = git_msg_insert(msg, draft);
	if (git_write_file(file, text, strlen(text), st.st_mode & 07777, &why) == 0)
		drafted(cli, note);
out:
	if (why != NULL && !child)
		not_drafted(why);
	free(note);
	free(why);
	free(text);
	free(draft);
	free(prompt);
	free(diff);
	free(comment);
	free(msg);
	return EXIT_OK;
}

const char cli_git_usage[] = GIT_USAGE;

int
cli_git(struct app *cli, int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd != NULL && strcmp(cmd, "install-hook") == 0)
		return cli_git_install(argc, argv);
	if (cmd != NULL && strcmp(cmd, "uninstall-hook") == 0)
		return cli_git_uninstall(argc, argv);
	if (cmd != NULL && strcmp(cmd, "commit-msg") == 0)
		return commit_msg(cli, argc, argv);
	if (cmd != NULL && (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)) {
		printf("%s\n"
		    "install-hook writes a prepare-commit-msg hook that runs this llm by its\n"
		    "absolute path (llm on PATH only when that file is gone); -f (--force) moves\n"
		    "a hook that is not llm's aside, and uninstall-hook puts it back. With husky\n"
		    "(5 to 9) it adds a line that runs llm to .husky/prepare-commit-msg; with\n"
		    "pre-commit's hook it prints the .pre-commit-config.yaml entry to add instead.\n"
		    "commit-msg (what the hook runs) drafts a message into FILE, says on stderr\n"
		    "what the draft cost, and exits 0 whatever happens.\n", cli_git_usage);
		return EXIT_OK;
	}
	/* said as llm keys and llm ledger say it: what is wrong, then the usage */
	if (cmd == NULL)
		fprintf(stderr, "llm: git: no command given (install-hook, uninstall-hook or "
		    "commit-msg)\n");
	else
		fprintf(stderr, "llm: git: unknown %s '%s'\n", cmd[0] == '-' ? "option" : "command",
		    cmd);
	cli_usage_hint("git", cli_git_usage);
	return EXIT_USAGE;
}
