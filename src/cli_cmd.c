/* cli_cmd: llm cmd REQUEST: one shell command proposed by the cheap tier, run only on the user's key. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <readline/readline.h>

#include "buf.h"
#include "chat.h"
#include "cli.h"
#include "cred.h"
#include "cmd_check.h"
#include "fmt.h"
#include "input.h"
#include "ledger.h"
#include "pricing.h"
#include "proc.h"
#include "util.h"
#include "visible.h"

#define CMD_REPLY_TOKENS 400
#define CMD_EXPLAIN_TOKENS 1200
#define CMD_REQUEST_MAX (64 << 10)   /* a request is a sentence or two, not material */

const char cli_cmd_usage[] =
    "usage: llm cmd [-t TIER] [-m MODEL] [--print] REQUEST...\n"
    "       llm cmd --init bash|zsh|fish\n"
    "\n"
    "Ask the cheap tier for one command for your shell and system, show it with\n"
    "a one-line explanation and what the request cost, and wait: Enter (or y)\n"
    "runs it in $SHELL, e edits it, x explains it further, n (or q, Esc)\n"
    "cancels. Nothing runs without a key pressed after the command is shown. A\n"
    "command that deletes or overwrites is marked before the question. A script\n"
    "over several lines in a code fence is shown and run whole, and e edits it\n"
    "in $VISUAL (else $EDITOR, else vi). A reply that is talk, not a command\n"
    "(\"I can't help with that.\"), is shown, not offered. Text piped in is\n"
    "context for the request, as for llm PROMPT (ls -la | llm cmd \"delete the\n"
    "biggest file\"): sent after it, up to 16 MiB; the command itself runs with\n"
    "the terminal as its stdin. A REQUEST of - is read from stdin.\n"
    "  --print        print the command only, run nothing: $(llm cmd --print ...)\n"
    "  --init SHELL   print a snippet for ~/.bashrc, ~/.zshrc or config.fish that\n"
    "                 binds Ctrl-X Ctrl-L: the command line becomes the request, and\n"
    "                 the answer replaces it (then Enter runs it and keeps it in the\n"
    "                 history)\n"
    "  -t, --tier     the tier to ask (default cheap); -m, --model: a model\n";

/* The snippets --init prints: each binds C-x C-l to replace the line with a proposal. */
static const char init_bash[] =
    "# llm cmd: Ctrl-X Ctrl-L turns the command line into a request for one command\n"
    "__llm_cmd() {\n"
    "\tlocal out\n"
    "\t[ -n \"$READLINE_LINE\" ] || return\n"
    "\tout=$(command llm cmd --print -- \"$READLINE_LINE\" </dev/tty) || return\n"
    "\t[ -n \"$out\" ] || return\n"
    "\thistory -s -- \"$out\"\n"
    "\tREADLINE_LINE=$out\n"
    "\tREADLINE_POINT=${#out}\n"
    "}\n"
    "bind -x '\"\\C-x\\C-l\": __llm_cmd'\n";

static const char init_zsh[] =
    "# llm cmd: Ctrl-X Ctrl-L turns the command line into a request for one command\n"
    "__llm_cmd() {\n"
    "\tlocal out\n"
    "\t[[ -n $BUFFER ]] || return\n"
    "\tout=$(command llm cmd --print -- \"$BUFFER\" </dev/tty) || { zle reset-prompt; return }\n"
    "\tif [[ -n $out ]]; then\n"
    "\t\tprint -s -- \"$out\"\n"
    "\t\tBUFFER=$out\n"
    "\t\tCURSOR=${#BUFFER}\n"
    "\tfi\n"
    "\tzle reset-prompt\n"
    "}\n"
    "zle -N __llm_cmd\n"
    "bindkey '^X^L' __llm_cmd\n";

static const char init_fish[] =
    "# llm cmd: Ctrl-X Ctrl-L turns the command line into a request for one command\n"
    "function __llm_cmd\n"
    "    set -l line (commandline)\n"
    "    test -n \"$line\"; or return\n"
    "    set -l out (command llm cmd --print -- $line </dev/tty | string collect)\n"
    "    or begin; commandline -f repaint; return; end\n"
    "    if test -n \"$out\"\n"
    "        builtin history append -- $out 2>/dev/null\n"
    "        commandline -r -- $out\n"
    "    end\n"
    "    commandline -f repaint\n"
    "end\n"
    "bind \\cx\\cl __llm_cmd\n";

struct cmd_args {
	bool print;
	const char *init;
	const char *model;
	enum tier tier;
	bool tier_set;
	struct buf request;
};

/*
 * Said to the model when text was piped in: it is what the user saw (a
 * listing, a log), so the command names what it needs from it; the command
 * will not get it on its stdin.
 */
static const char cmd_context_prompt[] =
    " The text after the request, past a blank line, is output the user piped in as "
    "context; the command will not receive it on its stdin, so name any file or value "
    "it needs from that text directly.";

/* The signal that stopped the last turn, or 0. */
static volatile sig_atomic_t ask_signal;

static void
on_ask_signal(int sig)
{
	ask_signal = sig;
}

/*
 * Send prompt and wait for the whole answer. Ctrl-C, SIGTERM or SIGHUP (the
 * terminal closed) meanwhile cancels the request, so that its row is settled with what it cost (not left
 * reserved) and the turn ends CHAT_CANCELLED; ask_signal says which.
 */
static const struct chat_turn *
ask(struct chat *c, const struct chat_opts *o, const char *prompt, const struct chat_cb *cb)
{
	struct sigaction sa, old_int, old_term, old_hup;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_ask_signal;
	sigemptyset(&sa.sa_mask);
	ask_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	cred_stop_on(&ask_signal);
	if (chat_send(c, o, prompt, cb) == 0)
		while (chat_busy(c)) {
			chat_poll(c, NULL, 0, 200);
			if (ask_signal != 0)
				chat_cancel_why(c, signal_words(ask_signal));
		}
	cred_stop_on(NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return chat_last(c);
}

/* The exit code of the signal ask_signal holds. */
static int
signal_exit_code(void)
{
	return ask_signal == SIGTERM ? EXIT_SIGTERM : ask_signal == SIGHUP ? EXIT_SIGHUP :
	    EXIT_INTERRUPT;
}

/* The exit code of a turn that failed: a signal's own for one that was stopped. */
static int
ask_exit_code(const struct chat_turn *t)
{
	if (t->status == CHAT_CANCELLED)
		return signal_exit_code();
	return cli_exit_code(t->status);
}

/* Write s to the terminal as data: escape sequences from a model are shown, not obeyed. */
static void
tty_text(FILE *tty, const char *s)
{
	char *v = visible_str(s, strlen(s));

	fputs(v, tty);
	free(v);
	fflush(tty);
}

/*
 * A retry, fallback, downgrade or budget warning: said on stderr, as llm PROMPT
 * says it. A threshold's warning is given once a month, so one not said is lost.
 */
static void
on_line(void *arg, const char *line)
{
	char *v = visible_str(line, strlen(line));

	(void)arg;
	fprintf(stderr, "llm: %s\n", v);
	free(v);
}

static void
on_text(void *arg, const char *s, size_t n)
{
	char *v = visible_str(s, n);

	fputs(v, arg);
	fflush(arg);
	free(v);
}

/*
 * One key from the terminal, without echo or waiting for Enter; -1 on end of
 * input, -2 when Ctrl-C, SIGTERM or SIGHUP came instead (ask_signal says
 * which): the terminal gets its modes back either way, where dying of the
 * signal would leave it without echo. Keys typed before the question was
 * shown are dropped: an Enter pressed while the model was still answering
 * must not run a command nobody has read. So is the rest of a key that sends
 * more than one byte (an arrow's escape sequence), which would otherwise be
 * typed at the shell's prompt.
 */
static int
read_key(int fd)
{
	struct sigaction sa, old_int, old_term, old_hup;
	struct termios old, raw;
	unsigned char c;
	ssize_t n = -1;

	if (tcgetattr(fd, &old) != 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_ask_signal;   /* no SA_RESTART: the read returns */
	sigemptyset(&sa.sa_mask);
	ask_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSAFLUSH, &raw);
	while (ask_signal == 0 && (n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	tcsetattr(fd, TCSAFLUSH, &old);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	if (ask_signal != 0)
		return -2;
	return n == 1 ? c : -1;
}

static const char *edit_text;

static int
edit_prefill(void)
{
	if (edit_text != NULL)
		rl_insert_text(edit_text);
	return 0;
}

/* Edit cmd on the terminal with readline, prefilled; the new text (malloc'd) or NULL. */
static char *
edit(FILE *tty, const char *cmd)
{
	char *line;

	rl_instream = tty;
	rl_outstream = tty;
	edit_text = cmd;
	rl_startup_hook = edit_prefill;
	line = readline("edit> ");
	rl_startup_hook = NULL;
	edit_text = NULL;
	if (line != NULL && *str_trim(line) == '\0') {
		free(line);
		line = NULL;
	}
	return line;
}

/* The user's editor: $VISUAL, $EDITOR, else vi, as git and the shells' fc take it. */
static const char *
editor(void)
{
	const char *e = getenv("VISUAL");

	if (e == NULL || *e == '\0')
		e = getenv("EDITOR");
	return e != NULL && *e != '\0' ? e : "vi";
}

/* Wait for p, run on this terminal: Ctrl-C is the child's to take, as in a shell. */
static int
wait_foreground(struct proc *p)
{
	struct sigaction ign, old_int, old_quit;
	int st;

	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	st = proc_wait(p);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return st;
}

/* Run the editor on path on this terminal, Ctrl-C its own; its wait status, or -1. */
static int
run_editor(const char *path)
{
	/* the variable may hold arguments ("code --wait"): the shell splits them, as git does */
	char *line = xstrfmt("%s \"$1\"", editor());
	const char *argv[] = { "/bin/sh", "-c", line, "sh", path, NULL };
	struct proc_spec s = { .argv = argv, .in = PROC_IO_INHERIT, .out = PROC_IO_INHERIT,
		.err = PROC_IO_INHERIT, .tty = true };
	struct proc p;
	char *cause = NULL;
	int st = -1;

	if (proc_start(&p, &s, &cause) != 0) {
		free(cause);
		free(line);
		return -1;
	}
	st = wait_foreground(&p);
	free(line);
	return st;
}

/*
 * Edit a script of several lines in the user's editor, on a file of its own
 * (0600, removed after): readline edits one line, where a script's line
 * breaks are neither shown as such nor moved through. The new text
 * (malloc'd), or NULL to keep cmd, said on tty when the editor failed.
 */
static char *
edit_script(FILE *tty, const char *who, const char *cmd)
{
	const char *dir = getenv("TMPDIR");
	char *path, *text = NULL, *cause = NULL;
	int fd, st;

	/* .sh: the editor shows it as shell */
	path = xstrfmt("%s/llm-cmd-XXXXXX.sh", dir != NULL && *dir != '\0' ? dir : "/tmp");
	if ((fd = mkostemps(path, 3, O_CLOEXEC)) < 0) {
		fprintf(tty, "llm: %s: %s: %s; the command is unchanged\n", who, path,
		    strerror(errno));
		free(path);
		return NULL;
	}
	if (fd_write_all(fd, cmd, strlen(cmd)) != 0 || fd_write_all(fd, "\n", 1) != 0 ||
	    close(fd) != 0) {
		fprintf(tty, "llm: %s: %s: %s; the command is unchanged\n", who, path,
		    strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	fflush(tty);
	st = run_editor(path);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fprintf(tty, "llm: %s: the editor (%s) failed; the command is unchanged\n", who, editor());
	else if (file_read(path, CMD_REQUEST_MAX, &text, NULL, &cause) != 0)
		fprintf(tty, "llm: %s: %s; the command is unchanged\n", who, cause);
	unlink(path);
	free(path);
	free(cause);
	if (text != NULL) {
		/* the editor's last line break and any blank lines after the script go */
		size_t n = strlen(text);

		while (n > 0 && strchr(" \t\r\n", text[n - 1]) != NULL)
			text[--n] = '\0';
		if (n == 0 || strcmp(text, cmd) == 0) {
			free(text);
			text = NULL;
		}
	}
	return text;
}

/* Edit command cmd on tty for llm who: one line with readline, a script in the user's editor. */
char *
cli_cmd_edit(FILE *tty, const char *who, const char *cmd)
{
	return strchr(cmd, '\n') != NULL ? edit_script(tty, who, cmd) : edit(tty, cmd);
}

/*
 * Run cmd in the user's shell on this terminal, its stdin from in_fd (-1:
 * llm's own); the exit code to return.
 */
static int
run(const char *cmd, int in_fd)
{
	const char *argv[] = { cmd_shell(), "-c", cmd, NULL };
	struct proc_spec s = { .argv = argv, .in = in_fd >= 0 ? PROC_IO_FD : PROC_IO_INHERIT,
		.in_fd = in_fd, .out = PROC_IO_INHERIT, .err = PROC_IO_INHERIT, .tty = true };
	struct proc p;
	char *cause = NULL;
	int st;

	if (proc_start(&p, &s, &cause) != 0) {
		fprintf(stderr, "llm: cmd: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	/* Ctrl-C is the command's to take, as in a shell; llm waits it out */
	st = wait_foreground(&p);
	if (st < 0)
		return EXIT_PROVIDER;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * What turn t cost, as every answer's cost is shown (malloc'd): "cheap ·
 * model · $0.0000162", "~$" when estimated, "$? (unknown price)".
 */
static char *
turn_cost(const struct chat_turn *t)
{
	const struct chat_step *s;
	char cost[32];

	if (t->nsteps == 0)
		return NULL;
	s = &t->steps[t->nsteps - 1];
	pricing_format(t->cost, t->estimated, cost, sizeof cost);
	return xstrfmt("%s%s%s%s%s%s", tier_str(s->tier), fmt_glyphs()->dot, s->model->name,
	    fmt_glyphs()->dot, cost, t->cost < 0 ? " (unknown price)" : "");
}

/* Show the proposal, the destructive marker, its cost (NULL: not again) and the question. */
static void
show(FILE *tty, const char *cmd, const char *explain, const char *cost)
{
	char why[256];

	fputs("\n", tty);
	/* a script's every line indented as its first: the command stands apart, whole */
	for (const char *p = cmd; *p != '\0';) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);

		fputs("  ", tty);
		tty_text(tty, line);
		fputs("\n", tty);
		free(line);
		p += len + (p[len] == '\n');
	}
	if (explain != NULL) {
		fputs("  # ", tty);
		tty_text(tty, explain);
		fputs("\n", tty);
	}
	if (cmd_check(cmd, why, sizeof why) > 0) {
		fputs("  !! deletes or overwrites: ", tty);
		tty_text(tty, why);
		fputs("\n", tty);
	}
	if (cost != NULL)
		fprintf(tty, "  %s\n", cost);
	fprintf(tty, "\nRun it? Enter/y run%se edit%sx explain%sn cancel ", fmt_glyphs()->dot,
	    fmt_glyphs()->dot, fmt_glyphs()->dot);
	fflush(tty);
}

/*
 * The question, until the user runs or cancels; the exit code. With piped set,
 * stdin was read as context: the command gets the terminal instead.
 */
static int
decide(struct chat *c, struct chat_opts *o, FILE *tty, char *cmd, char *explain, bool piped)
{
	struct chat_cb cb = { .text = on_text, .note = on_line, .warn = on_line, .arg = tty };
	char *cost = turn_cost(chat_last(c));
	int key, rc = EXIT_OK;

	for (;;) {
		show(tty, cmd, explain, cost);
		free(cost);
		cost = NULL;
		key = read_key(fileno(tty));
		fputs("\n", tty);
		if (key == -2) {
			fputs("cancelled: nothing was run\n", tty);
			rc = signal_exit_code();
			break;
		} else if (key == '\r' || key == '\n' || key == 'y' || key == 'Y') {
			fflush(tty);
			rc = run(cmd, piped ? fileno(tty) : -1);
			break;
		} else if (key == 'e' || key == 'E') {
			char *line = cli_cmd_edit(tty, "cmd", cmd);

			if (line != NULL) {
				free(cmd);
				cmd = line;
				free(explain);
				explain = NULL;
			}
		} else if (key == 'x' || key == 'X' || key == '?') {
			char *q = xstrfmt("Explain this command in detail: what each part does, and "
			    "what it reads, changes or deletes. Plain text, no more than 15 lines.\n\n%s",
			    cmd);

			o->max_tokens = CMD_EXPLAIN_TOKENS;
			fputs("\n", tty);
			if (ask(c, o, q, &cb)->status != CHAT_OK)
				fprintf(tty, "llm: %s\n", chat_last(c)->error ? chat_last(c)->error :
				    "the request failed");
			fputs("\n", tty);
			if ((cost = turn_cost(chat_last(c))) != NULL)
				fprintf(tty, "  %s\n", cost);
			free(cost);
			cost = NULL;
			free(q);
		} else {
			fputs("cancelled: nothing was run\n", tty);
			rc = EXIT_OK;
			break;
		}
	}
	fflush(tty);
	free(cmd);
	free(explain);
	return rc;
}

/* Say that option opt is missing its value; the exit code. */
static int
needs_value(const char *opt)
{
	fprintf(stderr, "llm: cmd: option %s needs an argument\n", opt);
	cli_usage_hint("cmd", cli_cmd_usage);
	return EXIT_USAGE;
}

/* Parse llm cmd's arguments; -1 to go on, or an exit code. */
static int
parse(struct cmd_args *a, int argc, char **argv)
{
	int i;
	bool words = false;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i], *v;

		/* -tmid, -t mid, --tier=mid and --tier mid, as llm itself takes them */
		if (!words && cli_opt_value(argc, argv, &i, 't', "tier", &v)) {
			if (v == NULL)
				return needs_value(s);
			a->tier_set = true;
			if (!tier_parse(v, &a->tier)) {
				fprintf(stderr, "llm: cmd: unknown tier '%s'; tiers: auto, cheap, mid, "
				    "frontier\n", v);
				return EXIT_USAGE;
			}
		} else if (!words && cli_opt_value(argc, argv, &i, 'm', "model", &v)) {
			if (v == NULL)
				return needs_value(s);
			a->model = v;
		} else if (!words && cli_opt_value(argc, argv, &i, '\0', "init", &v)) {
			if (v == NULL)
				return needs_value(s);
			a->init = v;
		} else if (!words && strcmp(s, "--") == 0) {
			words = true;
		} else if (!words && (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)) {
			fputs(cli_cmd_usage, stdout);
			return EXIT_OK;
		} else if (!words && strcmp(s, "--print") == 0) {
			a->print = true;
		} else if (!words && s[0] == '-' && s[1] != '\0') {
			if (cli_flag_value("cmd", s, (const char *const[]){ "--print", "--help", NULL }))
				cli_usage_hint("cmd", cli_cmd_usage);
			else {
				fprintf(stderr, "llm: cmd: unknown option '%s'%s\n", s,
				    cli_option_hint("cmd", s));
				cli_usage_hint("cmd", cli_cmd_usage);
			}
			return EXIT_USAGE;
		} else if (buf_addf(&a->request, "%s%s", a->request.len ? " " : "", s) != 0) {
			fprintf(stderr, "llm: cmd: the request is over %d KiB; say in a sentence what "
			    "the command should do\n", CMD_REQUEST_MAX >> 10);
			return EXIT_USAGE;
		}
	}
	return -1;
}

/* llm cmd --init SHELL: print the snippet. */
static int
print_init(const char *shell)
{
	const char *s = strcmp(shell, "bash") == 0 ? init_bash : strcmp(shell, "zsh") == 0 ?
	    init_zsh : strcmp(shell, "fish") == 0 ? init_fish : NULL;

	if (s == NULL) {
		fprintf(stderr, "llm: cmd: --init takes bash, zsh or fish, not '%s'\n", shell);
		return EXIT_USAGE;
	}
	fputs(s, stdout);
	return EXIT_OK;
}

/*
 * Say that a reply held no command, and what it said instead: its "# why"
 * when it gave one, else its text ("I can't help with that."), so that a
 * refusal or a question reads as what it is.
 */
static void
no_command(const char *text, const char *why)
{
	char *copy = xstrdup(text), *said = str_trim(copy), *v;

	if (why != NULL && *why != '\0')
		said = (char *)why;
	v = visible_str(said, strlen(said));
	if (*v != '\0')
		fprintf(stderr, "llm: cmd: the reply held no command; it said:\n%s\n", v);
	else
		fprintf(stderr, "llm: cmd: the reply held no command\n");
	free(v);
	free(copy);
}

/* Read the whole request from stdin into msg, within the request's cap; 0, or -1 said why. */
static int
request_stdin(struct buf *msg, bool *read)
{
	struct input in;
	char *cause = NULL;
	int rc = 0;

	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "llm: cmd: -: nothing is piped in (cmd | llm cmd -)\n");
		return -1;
	}
	*read = true;
	if (input_fd(STDIN_FILENO, "stdin", CMD_REQUEST_MAX, INPUT_UTF8, &in, &cause) != 0) {
		fprintf(stderr, "llm: cmd: %s; say in a sentence what the command should do\n",
		    cause);
		free(cause);
		return -1;
	}
	if (in.note != NULL)
		fprintf(stderr, "llm: cmd: %s\n", in.note);
	if (str_blank(in.data, in.len)) {
		fprintf(stderr, "llm: cmd: what should the command do? nothing came on stdin\n");
		rc = -1;
	} else {
		buf_add(msg, in.data, in.len);   /* within INPUT_MAX: the cap above is smaller */
	}
	input_done(&in);
	return rc;
}

/*
 * Put the request in msg, then what stdin holds when it is not a terminal,
 * after a blank line, as llm PROMPT sends them: context such as a listing to
 * pick a file from. Within the input cap, text only, never cut. *read says
 * whether stdin was read, *context whether it went in as context. 0, or -1
 * said why.
 */
static int
compose(struct buf *msg, const char *request, bool *read, bool *context)
{
	struct input in;
	char *cause = NULL;
	int rc;

	*read = *context = false;
	/* "-" is stdin in other tools (echo "list big files" | llm cmd -): the request itself */
	if (strcmp(request, "-") == 0)
		return request_stdin(msg, read);
	if (buf_adds(msg, request) != 0 || isatty(STDIN_FILENO))
		return 0;   /* the request is within its own, smaller cap */
	*read = true;
	if (input_fd(STDIN_FILENO, "stdin", INPUT_MAX - msg->len, INPUT_UTF8, &in, &cause) != 0) {
		fprintf(stderr, "llm: cmd: %s\n", cause);
		free(cause);
		return -1;
	}
	if (in.note != NULL)
		fprintf(stderr, "llm: cmd: %s\n", in.note);
	/* `find ... | llm cmd "delete these"` that found nothing: refused, as llm PROMPT is */
	if (str_blank(in.data, in.len) && cli_stdin_piped()) {
		input_done(&in);
		cli_stdin_empty("cmd", "request");
		return -1;
	}
	rc = in.len > 0 ? buf_adds(msg, "\n\n") | buf_add(msg, in.data, in.len) : 0;
	*context = in.len > 0;
	input_done(&in);
	if (rc != 0) {
		fprintf(stderr, "llm: cmd: stdin: over the %s input limit with the request; send "
		    "less\n", INPUT_MAX_TEXT);
		return -1;
	}
	return 0;
}

/* Ask for the command; the turn's exit code, with *cmd and *explain on success. */
static int
propose(struct chat *c, struct chat_opts *o, const char *request, char **cmd, char **explain)
{
	const struct chat_cb cb = { .note = on_line, .warn = on_line };
	const struct chat_turn *t = ask(c, o, request, &cb);
	bool cut = t->finish == CHAT_FINISH_LENGTH || t->finish == CHAT_FINISH_FILTER;

	*cmd = NULL;
	*explain = NULL;
	if (t->status != CHAT_OK && t->status != CHAT_CANCELLED && ask_signal != 0) {
		/* Ctrl-C at key_command's passphrase prompt: an interruption, not a missing key */
		fprintf(stderr, "llm: cmd: %s before the request was sent\n",
		    signal_words(ask_signal));
		return signal_exit_code();
	}
	if (t->status != CHAT_OK) {
		fprintf(stderr, "llm: cmd: %s\n", t->error ? t->error : "the request failed");
		return ask_exit_code(t);
	}
	/* a reply cut off may have cut its command: a shorter path to rm is another command */
	*cmd = cmd_parse_reply(t->text ? t->text : "", cut, explain);
	if (*cmd == NULL && cut) {
		fprintf(stderr, "llm: cmd: the reply was %s before its command ended; nothing to "
		    "run\n", t->finish == CHAT_FINISH_LENGTH ? "cut off at the length limit" :
		    "stopped by the provider's filter");
		return EXIT_PROVIDER;
	}
	if (*cmd == NULL) {
		no_command(t->text ? t->text : "", *explain);
		return EXIT_PROVIDER;
	}
	return EXIT_OK;
}

/* --print: the command alone on stdout; EXIT_OK, or cli_out_end's code when it is not there. */
static int
print_cmd(const char *cmd)
{
	if (isatty(STDOUT_FILENO))
		tty_text(stdout, cmd);
	else
		fputs(cmd, stdout);
	fputs("\n", stdout);
	/* a full disk or a closed descriptor: nothing the provider did */
	return cli_out_end(EXIT_OK, NULL);
}

int
cli_cmd(struct app *cli, int argc, char **argv)
{
	struct cmd_args a = { .tier = TIER_CHEAP };
	struct buf msg;
	struct ledger *l = NULL;
	struct chat *c = NULL;
	struct chat_opts o;
	char *sys = NULL, *cmd = NULL, *explain = NULL, *cause = NULL;
	FILE *tty = NULL;
	bool piped = false, context = false;
	int rc;

	buf_init(&a.request, CMD_REQUEST_MAX);
	buf_init(&msg, INPUT_MAX);
	if ((rc = parse(&a, argc, argv)) >= 0)
		goto out;
	if (a.init != NULL) {
		/* the snippet asks nothing: a request or an option for one would be dropped unsaid */
		const char *other = a.request.len > 0 ? "a request" : a.print ? "--print" :
		    a.tier_set ? "--tier" : a.model != NULL ? "--model" : NULL;

		if (other != NULL) {
			fprintf(stderr, "llm: cmd: --init prints the shell snippet alone; %s does not go "
			    "with it\n", other);
			cli_usage_hint("cmd", cli_cmd_usage);
			rc = EXIT_USAGE;
			goto out;
		}
		rc = print_init(a.init);
		goto out;
	}
	/* a blank request, such as the snippet's line of spaces, is refused before it is billed */
	if (str_blank(buf_str(&a.request), a.request.len)) {
		fputs("llm: cmd: what should the command do?\n", stderr);
		cli_usage_hint("cmd", cli_cmd_usage);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!a.print && (tty = fopen("/dev/tty", "r+e")) == NULL) {
		fprintf(stderr, "llm: cmd: needs a terminal to ask before running (or --print)\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if (compose(&msg, buf_str(&a.request), &piped, &context) != 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if ((l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: %s\n", cause);
		free(cause);
		rc = EXIT_USAGE;
		goto out;
	}
	c = chat_new(&cli->cfg, cli->cat, l);
	memset(&o, 0, sizeof o);
	o.tier = a.model ? TIER_AUTO : a.tier;
	o.model = a.model;
	sys = cmd_prompt(cmd_shell());
	if (context) {
		char *with = xstrfmt("%s%s", sys, cmd_context_prompt);

		free(sys);
		sys = with;
	}
	o.system = sys;
	o.max_tokens = CMD_REPLY_TOKENS;
	o.stream = true;
	o.cmd = true;
	if ((rc = propose(c, &o, buf_str(&msg), &cmd, &explain)) != EXIT_OK)
		goto out;
	if (a.print) {
		rc = print_cmd(cmd);
		goto out;
	}
	rc = decide(c, &o, tty, cmd, explain, piped);
	cmd = explain = NULL;   /* decide took them */
out:
	free(cmd);
	free(explain);
	free(sys);
	if (tty != NULL)
		fclose(tty);
	chat_free(c);
	ledger_close(l);
	buf_done(&a.request);
	buf_done(&msg);
	return rc;
}
