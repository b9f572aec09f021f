/* tui_attach: what goes with the next message (/file) and what leaves by the clipboard (/copy). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "input.h"
#include "pricing.h"
#include "proc.h"
#include "tui_priv.h"
#include "util.h"
#include "wire.h"

#include <curses.h>

#define ATTACH_MAX (1 << 20)
/* How long the clipboard tool may take to read what it is given. */
#define CLIP_TIMEOUT_MS (10 * 1000)
/*
 * The longest OSC 52 sequence written: terminals drop a longer one whole and
 * say nothing (hterm and vim's osc52 plugin stop at 100,000 bytes, Termux
 * sooner), which is about 73 KiB of text.
 */
#define OSC52_MAX 100000
#define OSC52_HEAD "\033]52;c;"

static void
images_free(struct image *v, size_t n)
{
	while (n > 0)
		image_done(&v[--n]);
	free(v);
}

/* Drop the attachments. */
void
tui_attach_free(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->natt; i++) {
		free(t->att[i].label);
		free(t->att[i].text);
	}
	t->natt = 0;
	images_free(t->img, t->nimg);
	t->img = NULL;
	t->nimg = 0;
	t->route_dirty = true;
}

/* Put the attached images into o. */
void
tui_attach_images(const struct tui *t, struct chat_opts *o)
{
	o->images = t->img;
	o->nimages = t->nimg;
}

/* Keep the attached images as the turn just sent's. */
void
tui_attach_sent(struct tui *t)
{
	tui_attach_sent_free(t);
	t->sent_img = t->img;
	t->nsent_img = t->nimg;
	t->img = NULL;
	t->nimg = 0;
}

/* Free the images of the turn sent last. */
void
tui_attach_sent_free(struct tui *t)
{
	images_free(t->sent_img, t->nsent_img);
	t->sent_img = NULL;
	t->nsent_img = 0;
}

/*
 * Attach the image at path: it goes beside the next message's text, to a
 * model that takes images. who ("/file", "--file") heads an error.
 */
static int
attach_image(struct tui *t, const char *who, const char *path)
{
	char *cause = NULL;
	struct image im;

	if (t->nimg == 16) {
		tui_status(t, true, "%s: %s: at most 16 images go with one message", who, path);
		return -1;
	}
	if (image_read(path, &im, &cause) != 0) {
		tui_status(t, true, "%s: %s", who, cause);
		free(cause);
		return -1;
	}
	t->img = xreallocarray(t->img, t->nimg + 1, sizeof(*t->img));
	t->img[t->nimg++] = im;
	t->att = xreallocarray(t->att, t->natt + 1, sizeof(*t->att));
	t->att[t->natt].label = xstrdup(path);
	t->att[t->natt].text = NULL;    /* sent as an image, not as text */
	t->natt++;
	tui_status(t, false, "attached %s (%s, %zu KB): it goes with the next message, to a model "
	    "that takes images", path, im.media_type, (im.len + 1023) / 1024);
	t->route_dirty = true;
	return 0;
}
/* A code fence longer than any run of backticks in text, so the text cannot close it. */
char *
tui_fence(const char *text)
{
	size_t run = 0, longest = 2;

	for (; *text; text++) {
		run = *text == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	return xstrfmt("%.*s", (int)longest + 1, "````````````````````````````````````````");
}

/*
 * Read a regular file of at most max bytes into *out (malloc'd, NUL-ended).
 * The open never waits: a FIFO with no writer, a terminal or a device would
 * hold the screen for good, so anything but a regular file is refused.
 */
static int
attach_read(const char *path, size_t max, char **out, size_t *len, char **cause)
{
	struct stat st;
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&b, max);
	if (fstat(fd, &st) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: %s; attach a regular file", path, S_ISDIR(st.st_mode) ?
		    "a directory" : S_ISFIFO(st.st_mode) ? "a pipe (FIFO)" : S_ISSOCK(st.st_mode) ?
		    "a socket" : "a device");
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (buf_add(&b, chunk, (size_t)n) != 0) {
			xasprintf(cause, "%s: larger than %zu bytes", path, max);
			goto out;
		}
	}
	*len = b.len;
	*out = buf_detach(&b);
	rc = 0;
out:
	buf_done(&b);
	close(fd);
	return rc;
}

/* Read a file into an attachment; who ("/file", "--file") heads an error. */
int
tui_attach_file(struct tui *t, const char *who, const char *path)
{
	char *text = NULL, *cause = NULL, *full, fence[64];
	size_t len = 0;
	char tok[16];

	if (image_probe(path))
		return attach_image(t, who, path);
	if (attach_read(path, ATTACH_MAX, &text, &len, &cause) != 0) {
		tui_status(t, true, "%s: %s", who, cause);
		free(cause);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		tui_status(t, true, "%s: %s: a binary file; attach text", who, path);
		free(text);
		return -1;
	}
	input_fence(path, text, len, fence, sizeof fence);
	full = xstrfmt("File: %s\n%s\n%s%s%s\n", path, fence, text, len && text[len - 1] != '\n' ?
	    "\n" : "", fence);
	free(text);
	t->att = xreallocarray(t->att, t->natt + 1, sizeof(*t->att));
	t->att[t->natt].label = xstrdup(path);
	t->att[t->natt].text = full;
	t->natt++;
	fmt_tokens(pricing_estimate_tokens(full, strlen(full)), tok, sizeof(tok));
	tui_status(t, false, "attached %s (%s tok): it goes with the next message", path, tok);
	t->route_dirty = true;
	return 0;
}


/* The clipboard command: LLM_CLIPBOARD, wl-copy on Wayland, xclip on X; NULL if none. */
static char *
clipboard_cmd(void)
{
	const char *env = getenv("LLM_CLIPBOARD");

	if (env != NULL && *env)
		return xstrdup(env);
	if (getenv("WAYLAND_DISPLAY") && path_has("wl-copy"))
		return xstrdup("wl-copy");
	if (getenv("DISPLAY") && path_has("xclip"))
		return xstrdup("xclip -selection clipboard");
	return NULL;
}

/*
 * Give text to the clipboard command on its stdin (proc: a session of its
 * own, no key variables; a tool that keeps serving the selection carries on
 * after it returns). 0 when it took it and exited 0, else -1 with *cause.
 */
static int
clipboard_put(const char *cmd, const char *text, char **cause)
{
	const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct proc_spec s = { .argv = argv, .in = PROC_IO_PIPE, .timeout_ms = CLIP_TIMEOUT_MS };
	struct proc p;
	size_t len = strlen(text), off = 0;
	ssize_t n;
	int st;

	if (proc_start(&p, &s, cause) != 0)
		return -1;
	while (off < len && ((n = write(p.in, text + off, len - off)) > 0 || errno == EINTR))
		off += n > 0 ? (size_t)n : 0;
	close(p.in);
	p.in = -1;
	st = proc_wait(&p);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	xasprintf(cause, "%s failed", cmd);
	return -1;
}

void
tui_no_code(struct tui *t, const char *cmd, long long n)
{
	int have = t->view.codes - 1;

	if (have <= 0)
		tui_status(t, true, "%s: there is no code block %lld: no reply has one yet", cmd, n);
	else if (have == 1)
		tui_status(t, true, "%s: there is no code block %lld: the only one is 1", cmd, n);
	else
		tui_status(t, true, "%s: there is no code block %lld: they are numbered 1 to %d", cmd,
		    n, have);
}

/* Say that text of len bytes is more than a terminal takes by OSC 52, after why no tool took it. */
static void
osc52_refuse(struct tui *t, size_t len, const char *what, const char *before)
{
	size_t kib = (len + 1023) >> 10;   /* rounded up: never "73 KiB, over the 73 KiB" */
	char *f[3];

	f[0] = xstrfmt("/copy: %s, and %s is %zu KiB, over the %d KiB a terminal takes (OSC 52): "
	    "nothing copied; /save writes it to a file", before, what, kib,
	    OSC52_MAX * 3 / 4 >> 10);
	f[1] = xstrfmt("/copy: %s is %zu KiB, over the %d KiB a terminal takes (OSC 52): nothing "
	    "copied", what, kib, OSC52_MAX * 3 / 4 >> 10);
	f[2] = xstrfmt("/copy: %zu KiB is too much for the terminal: nothing copied", kib);
	tui_status_forms(t, true, (const char *const *)f, ARRAY_SIZE(f));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		free(f[i]);
}

/*
 * The terminal's own clipboard: OSC 52 (ESC ] 52 ; c ; base64 BEL), which
 * works over ssh and needs no display. tmux takes it into its buffer and
 * passes it on to the terminal outside when its set-clipboard is on (with
 * external, its default, it drops it): said with the copy, as nothing comes
 * back to say whether it was taken. The Linux console has no clipboard and
 * would print the sequence. failed: why the clipboard tool did not, or NULL.
 */
static void
copy_osc52(struct tui *t, const char *text, const char *what, const char *failed)
{
	size_t len = strlen(text), seq = strlen(OSC52_HEAD) + 4 * ((len + 2) / 3) + 1;
	const char *before = failed != NULL ? failed : "no clipboard tool (wl-copy, xclip)";
	char *f[2], *b64, *out;
	int rc, err;

	if (str_startswith(termname(), "linux")) {
		if (failed != NULL)
			tui_status(t, true, "/copy: %s", failed);
		else
			tui_status(t, true, "/copy: no clipboard tool: install wl-copy or xclip (or set "
			    "LLM_CLIPBOARD)");
		return;
	}
	if (seq > OSC52_MAX) {
		osc52_refuse(t, len, what, before);
		return;
	}
	b64 = wire_base64(text, len);
	out = xstrfmt("%s%s\a", OSC52_HEAD, b64);
	rc = tui_tty_write(t, out, strlen(out));
	err = errno;
	free(out);
	free(b64);
	if (rc != 0) {
		tui_status(t, true, "/copy: %s, and the terminal: %s", before, strerror(err));
		return;
	}
	f[0] = xstrfmt("/copy: %s%scopied %s via the terminal (OSC 52%s)", failed != NULL ? failed :
	    "", failed != NULL ? "; " : "", what, getenv("TMUX") != NULL ?
	    "; tmux passes it on with set-clipboard on" : "");
	f[1] = xstrfmt("/copy: copied %s via the terminal (OSC 52)", what);
	tui_status_forms(t, false, (const char *const *)f, ARRAY_SIZE(f));
	free(f[0]);
	free(f[1]);
}

/*
 * Copy code block n (0: the last reply) to the clipboard, by the clipboard
 * tool, else by the terminal; its key says what it did as /copy.
 */
void
tui_copy(struct tui *t, int n)
{
	const char *text = NULL, *what = "the last reply";
	char *cmd, *cause = NULL, label[32];
	size_t i;

	if (n > 0) {
		const struct md_code *c = tui_view_code(&t->view, n);

		if (c == NULL) {
			tui_no_code(t, "/copy", n);
			return;
		}
		text = c->text;
		snprintf(label, sizeof(label), "code block %d", n);
		what = label;
	} else {
		for (i = t->view.n; i > 0 && text == NULL; i--)
			if (t->view.msgs[i - 1]->role == TUI_ASSISTANT)
				text = t->view.msgs[i - 1]->text.data;
	}
	if (text == NULL) {
		tui_status(t, true, "/copy: nothing to copy yet");
		return;
	}
	cmd = clipboard_cmd();
	if (cmd != NULL && clipboard_put(cmd, text, &cause) == 0)
		tui_status(t, false, "/copy: copied %s", what);
	else
		copy_osc52(t, text, what, cause);
	free(cause);
	free(cmd);
}
