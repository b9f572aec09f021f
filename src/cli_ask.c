/* cli_ask: the one-shot command line: a prompt in, the answer on stdout, the rest on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "catalog.h"
#include "chat.h"
#include "cli.h"
#include "cli_ask_priv.h"
#include "cli_learn.h"
#include "cli_opts.h"
#include "cred.h"
#include "fmt.h"
#include "image.h"
#include "input.h"
#include "ledger.h"
#include "util.h"
#include "visible.h"

/* The whole message, PROMPT with stdin and files, is within one cap (input.h). */
#define STDIN_MAX INPUT_MAX

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t sig_seen;   /* a key_command running stops (cred_stop_on) */

static void
on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	sig_seen = sig;
	if (write(sig_pipe[1], &c, 1) < 0) {
		/* nothing to do: the pipe is full, a wake-up is already pending */
	}
	errno = saved;
}

static void
signals_setup(void)
{
	struct sigaction sa;

	if (pipe(sig_pipe) != 0)
		die("pipe: %s", strerror(errno));
	fcntl(sig_pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
	fcntl(sig_pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sig_pipe[1], F_SETFD, FD_CLOEXEC);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);   /* the terminal closed: what was spent is still booked */
	cred_stop_on(&sig_seen);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* stdout cannot take more: remember whether its reader went away. */
static void
out_failed(struct ask *a)
{
	a->out_broken = true;
	a->out_gone = cli_out_error() == EPIPE;
}

/* Write all of s to stdout now, so that a pipe sees the answer as it arrives. */
void
ask_out_write(struct ask *a, const char *s, size_t n)
{
	if (a->out_broken)
		return;
	if (fwrite(s, 1, n, stdout) != n)
		out_failed(a);
}

/*
 * Hand what was written to the pipe or terminal: once per network wake-up,
 * not once per token, so a fast stream costs a few thousand writes, not one
 * per event.
 */
void
ask_out_flush(struct ask *a)
{
	if (!a->out_broken && fflush(stdout) != 0)
		out_failed(a);
}

static void
on_text(void *arg, const char *s, size_t n)
{
	struct ask *a = arg;

	if (a->p.json || a->p.output != NULL)
		return;
	if (!a->out_tty) {
		ask_out_write(a, s, n);
		return;
	}
	/* a terminal gets model text as data: no raw escape sequences */
	buf_reset(&a->vbuf);
	visible_feed(&a->vis, s, n, &a->vbuf);
	ask_out_write(a, a->vbuf.data ? a->vbuf.data : "", a->vbuf.len);
}

static void
on_note(void *arg, const char *line)
{
	struct ask *a = arg;

	ask_out_flush(a);
	fprintf(stderr, "llm: %s\n", line);
}

/*
 * A budget warning comes as the request is settled, before the answer's last
 * newline: kept until then, so that with 2>&1 it does not land inside the
 * answer's last line.
 */
static void
on_warn(void *arg, const char *line)
{
	struct ask *a = arg;

	buf_addf(&a->warns, "llm: %s\n", line);
}

static int add_image_from(struct ask *a, const char *path, char *data, size_t len);

/*
 * Read stdin, or the file at path (a command's output too: -f <(cmd)), into
 * in as text, or, when it starts as an image (a screenshot piped in), attach
 * it as -f attaches one (*image set): the bytes say what it is, never the
 * name. 0, or -1 with *cause.
 */
static int
read_source(struct ask *a, const char *path, size_t room, struct input *in, bool *image,
    char **cause)
{
	char *data;
	size_t len;

	*image = false;
	memset(in, 0, sizeof *in);
	if ((path != NULL ? input_file_bytes(path, room, &data, &len, cause) :
	    input_bytes(STDIN_FILENO, "stdin", room, &data, &len, cause)) != 0)
		return -1;
	if (image_sniff(data, len) == NULL)
		return input_take(path != NULL ? path : "stdin", data, len, INPUT_UTF8, in, cause);
	*image = true;
	return add_image_from(a, path, data, len);
}

/*
 * Append the input read from stdin or path to msg, after head; it and msg
 * together stay within the input cap. 0, or -1 with the reason printed.
 */
static int
read_input(struct ask *a, struct buf *msg, const char *path, const char *head)
{
	struct input in;
	char *cause = NULL;
	size_t room = msg->len < INPUT_MAX ? INPUT_MAX - msg->len : 0;
	bool image = false;
	int rc = read_source(a, path, room, &in, &image, &cause);

	if (image)
		return rc;
	if (rc != 0) {
		fprintf(stderr, "llm: %s%s\n", path ? "--file " : "", cause);
		free(cause);
		return -1;
	}
	if (in.note != NULL)
		fprintf(stderr, "llm: %s%s\n", path ? "--file " : "", in.note);
	if (in.len > 0 || path != NULL) {
		char fence[64] = "";

		if (path != NULL)
			input_fence(path, in.data, in.len, fence, sizeof fence);
		rc = buf_adds(msg, msg->len > 0 ? "\n\n" : "") | buf_adds(msg, head);
		if (path != NULL)
			rc |= buf_addf(msg, "%s\n", fence);
		rc |= buf_add(msg, in.data, in.len);
		if (path != NULL)
			rc |= buf_addf(msg, "%s%s", in.len > 0 && in.data[in.len - 1] == '\n' ? "" :
			    "\n", fence);
	}
	input_done(&in);
	if (rc != 0 || msg->len > INPUT_MAX) {
		fprintf(stderr, "llm: %s: over the %s input limit with the prompt and the input "
		    "before it; send less\n", path ? path : "stdin", INPUT_MAX_TEXT);
		return -1;
	}
	return 0;
}

/* Images a message may carry: more is rarely meant, and every one is paid for. */
#define ASK_IMAGES_MAX 16

/*
 * Attach to the message (sent beside its text) the image data[0..len) read
 * from path (NULL: stdin), or with data NULL the image at path, a regular
 * file; 0, or -1 said why.
 */
static int
add_image_from(struct ask *a, const char *path, char *data, size_t len)
{
	const char *opt = path ? "--file " : "";
	char *cause = NULL;
	int rc;

	if (a->nimages == ASK_IMAGES_MAX) {
		fprintf(stderr, "llm: %s%s: at most %d images go with one message\n", opt,
		    path ? path : "stdin", ASK_IMAGES_MAX);
		free(data);
		return -1;
	}
	a->images = xreallocarray(a->images, a->nimages + 1, sizeof *a->images);
	rc = data == NULL ? image_read(path, &a->images[a->nimages], &cause) :
	    image_take(path ? path : "stdin", data, len, &a->images[a->nimages], &cause);
	if (rc != 0) {
		fprintf(stderr, "llm: %s%s\n", opt, cause);
		free(cause);
		return -1;
	}
	a->nimages++;
	a->p.o.images = a->images;
	a->p.o.nimages = a->nimages;
	return 0;
}

/* Attach the image at path to the message; 0, or -1 said why. */
static int
add_image(struct ask *a, const char *path)
{
	return add_image_from(a, path, NULL, 0);
}


/* Build the user message: PROMPT, a blank line, piped material, then attached files (images apart). */
static int
compose(struct ask *a, int argc, char **argv, struct buf *msg)
{
	char *fixed;
	size_t i, len, n;
	int k;

	for (k = 0; k < argc; k++)
		buf_addf(msg, "%s%s", k ? " " : "", argv[k]);
	len = msg->len;
	n = a->nimages;
	if (!isatty(STDIN_FILENO) && read_input(a, msg, NULL, "") != 0)
		return -1;
	/* `git diff | llm "review"` with nothing to diff: an answer to nothing, paid for */
	if (argc > 0 && a->nimages == n && cli_stdin_piped() &&
	    (msg->len == len || str_blank(msg->data + len, msg->len - len))) {
		cli_stdin_empty(a->face == CLI_FACE_ROUTE ? "route" : NULL, "prompt");
		return -1;
	}
	for (i = 0; i < a->nfiles; i++) {
		char *head;
		int rc;

		/* "-f -", stdin in other tools: piped input is read above without it */
		if (strcmp(a->files[i], "-") == 0) {
			if (!isatty(STDIN_FILENO))
				continue;
			fprintf(stderr, "llm: --file -: nothing is piped in (cmd | llm \"PROMPT\")\n");
			return -1;
		}
		/* an image by its content, whatever its name: sent as an image, not as text */
		if (image_probe(a->files[i])) {
			if (add_image(a, a->files[i]) != 0)
				return -1;
			continue;
		}
		head = xstrfmt("File %s:\n", a->files[i]);
		rc = read_input(a, msg, a->files[i], head);

		free(head);
		if (rc != 0)
			return -1;
	}
	/* stdin and files are UTF-8 now; the prompt's words and file names may not be */
	if (msg->len > 0 && (fixed = input_utf8(msg->data, msg->len, &len, &n)) != NULL) {
		char *note = input_note("prompt", n);

		fprintf(stderr, "llm: %s\n", note);
		buf_reset(msg);
		k = buf_add(msg, fixed, len);
		free(fixed);
		free(note);
		if (k != 0) {
			fprintf(stderr, "llm: prompt: over the %s input limit; send less\n",
			    INPUT_MAX_TEXT);
			return -1;
		}
	}
	return 0;
}

/* Say what is wrong with the line, as llm or llm route; the usage exit code. */
static int
usage_error(const struct ask *a, const char *what)
{
	const char *cmd = a->face == CLI_FACE_ROUTE ? "route" : NULL;

	fprintf(stderr, "llm: %s%s%s\n", cmd ? cmd : "", cmd ? ": " : "", what);
	cli_opts_hint(a->face);
	return EXIT_USAGE;
}

/* Note in a->sig the last signal that came; whether one did. */
static bool
take_signal(struct ask *a)
{
	char drain[16];
	ssize_t n;
	bool got = false;

	while ((n = read(sig_pipe[0], drain, sizeof drain)) > 0) {
		a->sig = drain[n - 1];
		got = true;
	}
	return got;
}

/* Run the turn, cancelling on Ctrl-C; the exit code. */
static int
run(struct ask *a, struct chat *c, const char *msg)
{
	struct chat_cb cb = { .text = on_text, .note = on_note, .warn = on_warn, .arg = a };
	enum chat_status rc;

	/* --json prints the answer at the end: nothing is shown before it is final */
	if (a->p.json)
		cb.text = NULL;

	signals_setup();
	rc = chat_send(c, &a->p.o, msg, &cb);
	if (rc != CHAT_OK) {
		/*
		 * Ctrl-C at key_command's passphrase prompt stops the command, and
		 * the request with it: that is an interruption, not a missing key.
		 */
		if (take_signal(a)) {
			a->fail = xstrfmt("%s before the request was sent", signal_words(a->sig));
			return cli_exit_code(CHAT_CANCELLED);
		}
		return cli_exit_code(rc);
	}
	if (a->p.verbose)
		ask_explain(a, &chat_last(c)->route);
	while (chat_busy(c)) {
		int ready = chat_poll(c, &sig_pipe[0], 1, 1000);

		ask_out_flush(a);
		if (ready > 0 || a->out_broken) {
			take_signal(a);
			chat_cancel_why(c, signal_words(a->sig));
		}
	}
	if (a->out_tty && !a->p.json) {
		buf_reset(&a->vbuf);
		visible_flush(&a->vis, &a->vbuf);
		ask_out_write(a, buf_str(&a->vbuf), a->vbuf.len);
	}
	ask_out_flush(a);
	return cli_exit_code(chat_last(c)->status);
}

/* How a stopped turn ends: 143 for SIGTERM, 129 for SIGHUP, 141 when stdout's reader left. */
static int
exit_code(const struct ask *a, int rc)
{
	if (a->sig == SIGTERM)
		return EXIT_SIGTERM;
	if (a->sig == SIGHUP)
		return EXIT_SIGHUP;
	if (a->out_gone)
		return EXIT_SIGPIPE;
	return rc;
}

/*
 * Whether -o names something written into, never replaced: a device, a FIFO
 * or a socket, through links too (/dev/null, /dev/stderr). Replacing one by
 * a rename would put a regular file in its place (as root, /dev/null's).
 */
static bool
output_special(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

/*
 * Write data into the device or FIFO at path; 0, or -1 with *cause. A
 * terminal (-o /dev/tty, -o /dev/stdout on one) gets the text as stdout on a
 * terminal does: escape sequences from the model shown, never obeyed.
 */
static int
output_into(const char *path, const char *data, char **cause)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	char *shown = fd >= 0 && isatty(fd) ? visible_str(data, strlen(data)) : NULL;
	const char *out = shown != NULL ? shown : data;
	int rc = fd < 0 ? -1 : fd_write_all(fd, out, strlen(out)), err = errno;

	free(shown);
	if (rc != 0) {
		xasprintf(cause, "%s: %s", path, strerror(err));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The answer is written to a temporary file beside path: a directory that is
 * missing or read-only is said now, not after the answer is paid for.
 */
static int
output_dir_check(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(*path ? "." : "") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	int rc = 0;

	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "llm: -o %s: %s\n", path, strerror(errno));
		rc = EXIT_USAGE;
	}
	free(dir);
	return rc;
}

/* -o FILE, no directory, with --force or none there yet: 0, or an exit code after why not. */
static int
output_check(const struct ask *a)
{
	struct stat st;

	/* alone it would replace nothing, and a file meant to be kept safe is not named */
	if (a->p.force && !a->p.output_set) {
		fprintf(stderr, "llm: --force goes with -o FILE: it lets -o replace an existing "
		    "file\n");
		cli_opts_hint(CLI_FACE_ASK);
		return EXIT_USAGE;
	}
	if (a->p.output != NULL && lstat(a->p.output, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* not replaced even with --force: found now, not after the answer is paid for */
		fprintf(stderr, "llm: -o %s: a directory; name a file\n", a->p.output);
		return EXIT_USAGE;
	}
	if (a->p.output == NULL || output_special(a->p.output))
		return 0;
	if (!a->p.force && lstat(a->p.output, &st) == 0) {
		fprintf(stderr, "llm: -o %s: the file exists; --force replaces it\n", a->p.output);
		return EXIT_USAGE;
	}
	return output_dir_check(a->p.output);
}

/* Write the answer to -o's file as stdout would get it: whole, or not at all. */
static int
output_write(const struct ask *a, const struct chat_turn *t)
{
	char *data = xstrfmt("%.*s%s", (int)t->len, t->text ? t->text : "",
	    t->len > 0 && t->text[t->len - 1] != '\n' ? "\n" : "");
	mode_t um = umask(0);
	char *cause = NULL;
	int rc;

	umask(um);
	rc = output_special(a->p.output) ? output_into(a->p.output, data, &cause) :
	    a->p.force ? file_write_atomic(a->p.output, data, strlen(data), 0666 & ~um, &cause) :
	    file_write_new(a->p.output, data, strlen(data), 0666 & ~um, &cause);
	if (rc != 0) {
		fprintf(stderr, "llm: -o %s%s", cause, strstr(cause, "exists") ?
		    "; --force replaces it" : "");
		/* paid for and kept: say where, as for a stdout that could not take it */
		if (t->conversation_id > 0)
			fprintf(stderr, " (the answer is kept: llm logs show %" PRId64 ")",
			    t->conversation_id);
		fputc('\n', stderr);
		free(cause);
	}
	free(data);
	return rc;
}

/*
 * Whether the turn stopped only because stdout's reader went away (`| head`):
 * not an interruption to report, as for any command in such a pipe; 141 says it.
 */
static bool
reader_left(const struct ask *a, const struct chat_turn *t)
{
	return a->out_gone && a->sig == 0 && t->status == CHAT_CANCELLED;
}

/*
 * Without the summary line, say on stderr that the answer is not whole: exit 0
 * and a short or empty stdout would otherwise pass in a script as complete.
 */
static void
finish_note(const struct chat_turn *t)
{
	if (chat_turn_window_cut(t))
		fprintf(stderr, "llm: the answer was cut off at the end of %s's context window (send "
		    "less, or a new conversation)\n", t->route.model->name);
	else if (t->finish == CHAT_FINISH_LENGTH)
		fputs("llm: the answer was cut off at the length limit (raise --max-tokens)\n", stderr);
	else if (t->finish == CHAT_FINISH_FILTER)
		fputs("llm: the answer was stopped by the provider's filter\n", stderr);
}

/*
 * An answer the model ended with nothing in it fails: exit 0 and an empty
 * stdout would pass in a script as an answer. Not a cut-off or filtered one,
 * which are said and exit 0 as documented. Sets a->fail; the exit code.
 */
static int
empty_check(struct ask *a, const struct chat_turn *t, int rc)
{
	const struct chat_step *last = t->nsteps ? &t->steps[t->nsteps - 1] : NULL;
	const struct model *m = last ? last->model : t->route.model;
	enum tier tier = last ? last->tier : t->route.tier;

	if (rc != EXIT_OK || t->len > 0 || t->ncalls > 0 || t->finish != CHAT_FINISH_STOP ||
	    m == NULL)
		return rc;
	if (tier >= TIER_CHEAP && tier < TIER_FRONTIER)
		a->fail = xstrfmt("%s gave an empty answer; ask again one tier up with -t %s",
		    m->name, tier_str((enum tier)(tier + 1)));
	else
		a->fail = xstrfmt("%s gave an empty answer; ask again, or another model with -m",
		    m->name);
	return EXIT_PROVIDER;
}

static int
finish_output(struct ask *a, struct chat *c, struct ledger *l, int rc)
{
	const struct chat_turn *t = chat_last(c);

	rc = empty_check(a, t, rc);
	if (a->p.output != NULL && rc == EXIT_OK && output_write(a, t) != 0)
		rc = EXIT_USAGE;
	if (a->p.json) {
		ask_print_json(a, c, l, exit_code(a, rc));
	} else if (a->p.output == NULL && t->len > 0 && !a->out_broken && t->text[t->len - 1] != '\n' &&
	    (a->out_tty || rc == EXIT_OK)) {
		ask_out_write(a, "\n", 1);
	}
	ask_out_flush(a);
	if (a->warns.len > 0)
		fputs(buf_str(&a->warns), stderr);
	if (a->out_broken && !a->out_gone) {
		/* a full disk or a closed stdout stopped the turn, not the user */
		char kept[64] = "";

		if (t->conversation_id > 0)
			snprintf(kept, sizeof kept, " (the answer is kept: llm logs show %" PRId64 ")",
			    t->conversation_id);
		rc = cli_out_end(rc, kept);
	} else if (a->fail != NULL) {
		fprintf(stderr, "llm: %s\n", a->fail);
	} else if (t->error != NULL && rc != EXIT_OK && !reader_left(a, t)) {
		fprintf(stderr, "llm: %s\n", t->error);
		/* -o gets whole answers only: say where the part is */
		if (a->p.output != NULL && !a->p.json && t->len > 0 && t->conversation_id > 0)
			fprintf(stderr, "llm: -o %s: not written, the answer is not whole; its part: "
			    "llm logs show %" PRId64 "\n", a->p.output, t->conversation_id);
	}
	/* a request that failed before any answer has nothing to sum up: the error said it */
	if (!a->p.quiet && (a->cli->err_tty || a->p.verbose) && (rc == EXIT_OK || t->len > 0 ||
	    (a->fail != NULL && a->sig == 0)))
		ask_summary(a, c, l);
	else if (rc == EXIT_OK && !a->p.json)
		finish_note(t);
	return rc;
}

/* Open the ledger and the controller, and continue a conversation if asked; an exit code or -1. */
/* Whether the router may have learnt something: learning is on and llm.db exists. */
static bool
learnt_any(const struct app *cli)
{
	char *path;
	bool there;

	if (!cli->cfg.learn || cli->cfg.data_dir == NULL)
		return false;
	path = xstrfmt("%s/llm.db", cli->cfg.data_dir);
	there = access(path, F_OK) == 0;
	free(path);
	return there;
}

static int
open_chat(struct ask *a, struct ledger **l, struct chat **c)
{
	struct app *cli = a->cli;
	char *cause = NULL;
	int64_t id;

	/*
	 * A dry run without a budget, a conversation to continue or anything learnt
	 * reads nothing from the ledger.
	 */
	if (a->p.dry_run && cli->cfg.budget <= 0 && !a->p.cont && a->p.cid == 0 &&
	    !learnt_any(cli)) {
		*c = chat_new(&cli->cfg, cli->cat, NULL);
		return -1;
	}
	if ((*l = cli_ledger_open(cli, &cause)) == NULL) {
		fprintf(stderr, "llm: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	*c = chat_new(&cli->cfg, cli->cat, *l);
	if (!a->p.cont && a->p.cid == 0)
		return -1;
	id = a->p.cid ? a->p.cid : ledger_conv_latest(*l);
	if (id == 0 && a->p.cont) {
		fprintf(stderr, "llm: --continue: no conversation yet; starting a new one\n");
	} else if (chat_resume(*c, id, &cause) != 0) {
		fprintf(stderr, "llm: --cid: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	} else if (a->p.role_name == NULL && chat_role(*c) != NULL) {
		/* the conversation's role: its defaults again; its system prompt is the conversation's */
		cli_opts_role(&a->p, chat_role(*c), &cli->cfg, true);
	}
	return -1;
}

/*
 * llm route --explain or --forget with no prompt routes nothing: an option
 * that shapes a request would be silently ignored, so it is refused. An exit
 * code, or -1 to go on.
 */
static int
learn_alone_check(const struct cli_opts *p)
{
	const char *opt = p->tier_set ? "--tier" : p->model_set ? "--model" :
	    p->system_set ? "--system" : p->role_name ? "--role" : p->max_tokens_set ?
	    "--max-tokens" : p->o.max_cost > 0 ? "--max-cost" : p->cont ? "--continue" :
	    p->cid > 0 ? "--cid" : NULL;

	if (opt == NULL)
		return -1;
	fprintf(stderr, "llm: route: %s shapes a request, and --%s alone routes none: give the "
	    "PROMPT to route after it\n", opt, p->explain ? "explain" : "forget");
	cli_opts_hint(CLI_FACE_ROUTE);
	return EXIT_USAGE;
}

/* The message from the prompt's words, stdin and files; an exit code, or -1 to go on. */
static int
prompt_read(struct ask *a, struct buf *msg)
{
	/* "-" is stdin in other tools (cat notes | llm -): never a one-character prompt, paid for */
	if (a->p.nwords == 1 && strcmp(a->p.words[0], "-") == 0) {
		if (isatty(STDIN_FILENO))
			return usage_error(a, "-: nothing is piped in (cmd | llm -)");
		a->p.nwords = 0;
	}
	if (a->p.nwords == 0 && isatty(STDIN_FILENO) && !a->p.dry_run) {
		if (isatty(STDOUT_FILENO))
			return cli_chat_start(a->cli, &a->p);
		return usage_error(a, "no prompt: give one as arguments or on stdin");
	}
	if (compose(a, a->p.nwords, a->p.words, msg) != 0)
		return EXIT_USAGE;
	/* nothing to ask: refused before anything is sent or billed */
	if (str_blank(msg->data, msg->len) && a->nimages > 0)
		return usage_error(a, "an image needs a question with it: llm -f IMAGE 'what is "
		    "this?'");
	if (str_blank(msg->data, msg->len))
		return usage_error(a, "empty prompt: give one as arguments or on stdin (a prompt that "
		    "starts with '-' goes after --)");
	return -1;
}

/*
 * "llm --json budget": a command's name as the whole prompt, after an option.
 * A command is taken from the first word only, so this would go to a model as
 * a one-word prompt and be paid for; it is refused, saying where the command
 * goes. After "--" the word is a prompt. -1 to go on, or the usage exit code.
 */
static int
command_prompt(const struct ask *a, int argc, char **argv)
{
	const char *w = a->p.nwords == 1 ? a->p.words[0] : NULL;
	int i;

	if (w == NULL || a->face != CLI_FACE_ASK || !cli_command_name(w))
		return -1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return -1;
	fprintf(stderr, "llm: '%s' is a command: it goes first, its options after it (llm %s "
	    "...)\nllm: to send it to a model as a prompt, put -- before it\n", w, w);
	return EXIT_USAGE;
}

/* llm PROMPT (face ask), llm route and llm --dry-run (face route): one way in. */
static int
ask_main(struct app *cli, enum cli_face face, int argc, char **argv)
{
	struct ask a;
	struct buf msg;
	struct ledger *l = NULL;
	struct chat *c = NULL;
	bool alone;
	int rc;

	memset(&a, 0, sizeof a);
	a.cli = cli;
	a.face = face;
	a.utf8 = fmt_glyphs()->utf8;
	buf_init(&a.vbuf, 0);
	buf_init(&a.warns, 0);
	buf_init(&msg, STDIN_MAX + 1024);
	if ((rc = cli_opts_parse(&a.p, face, &cli->cfg, argc, argv)) >= 0 ||
	    (rc = command_prompt(&a, argc, argv)) >= 0)
		goto out;
	a.files = a.p.files;
	a.nfiles = a.p.nfiles;
	if (face == CLI_FACE_ROUTE && a.p.help) {
		cli_route_help();
		rc = EXIT_OK;
		goto out;
	}
	/* --forget or --explain alone: no prompt to route (piped text is one) */
	alone = face == CLI_FACE_ROUTE && (a.p.forget || a.p.explain) && a.p.nwords == 0 &&
	    a.nfiles == 0 && !cli_stdin_piped();
	if (alone && (rc = learn_alone_check(&a.p)) >= 0)
		goto out;
	if (face == CLI_FACE_ROUTE && a.p.forget && (rc = cli_learn_forget(cli, a.p.json,
	    alone && !a.p.explain)) != EXIT_OK)
		goto out;
	if (alone) {
		rc = a.p.explain ? cli_learn_explain_alone(cli, a.p.json) : EXIT_OK;
		goto out;
	}
	a.p.dry_run |= face == CLI_FACE_ROUTE;
	if ((rc = output_check(&a)) != 0)
		goto out;
	if ((rc = prompt_read(&a, &msg)) >= 0 || (rc = open_chat(&a, &l, &c)) >= 0)
		goto out;
	if (a.p.dry_run) {
		rc = cli_route_report(cli, &a.p, c, l, msg.data);
		goto out;
	}
	a.out_tty = isatty(STDOUT_FILENO);
	visible_init(&a.vis);
	rc = run(&a, c, msg.data);
	rc = finish_output(&a, c, l, rc);
	rc = exit_code(&a, rc);
out:
	chat_free(c);
	ledger_close(l);
	buf_done(&msg);
	buf_done(&a.vbuf);
	free(a.fail);
	buf_done(&a.warns);
	cli_opts_done(&a.p);
	while (a.nimages > 0)
		image_done(&a.images[--a.nimages]);
	free(a.images);
	return rc;
}

/* llm [OPTIONS] PROMPT...: ask, the answer on stdout. */
int
cli_ask(struct app *cli, int argc, char **argv)
{
	return ask_main(cli, CLI_FACE_ASK, argc, argv);
}

/* llm route [OPTIONS] PROMPT...: the decision the same request would get; no request. */
int
cli_route(struct app *cli, int argc, char **argv)
{
	return ask_main(cli, CLI_FACE_ROUTE, argc, argv);
}
