/* input: read what the user hands llm (stdin, attached files, price lists) whole, as text, within one cap. */
#ifndef LLM_INPUT_H
#define LLM_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The one cap on input, in bytes: a prompt with its piped stdin and attached
 * files together, `llm route`'s stdin, and a price list to import. 16 MiB is
 * about four million tokens, past every model's context window.
 */
#define INPUT_MAX ((size_t)16 << 20)
#define INPUT_MAX_TEXT "16 MiB"

/* Replace bytes that are not UTF-8 with U+FFFD (text for a request body). */
#define INPUT_UTF8 1u

/*
 * Input read whole. Binary data (a NUL byte, or a start that is mostly not
 * text) is refused, never cut at the NUL or sent as raw bytes.
 */
struct input {
	char *data;        /* malloc'd, NUL-terminated, no NUL inside */
	size_t len;
	size_t replaced;   /* sequences that were not UTF-8, now U+FFFD (INPUT_UTF8) */
	char *note;        /* "NAME: ... replaced with U+FFFD" to tell the user, or NULL */
};

/*
 * Read all of fd (name is how messages call it, "stdin") into in: at most max
 * bytes, or an error that says so. 0, or -1 with *cause ("NAME: why; what to do").
 */
int input_fd(int fd, const char *name, size_t max, unsigned flags, struct input *in, char **cause);
/*
 * Read all of fd as input_fd does, but as bytes, unchecked: *data (malloc'd,
 * NUL-terminated) and *len. For a caller that looks at them first (an image
 * on stdin), then hands them to input_take. 0, or -1 with *cause.
 */
int input_bytes(int fd, const char *name, size_t max, char **data, size_t *len, char **cause);
/*
 * Take data[0..len) (malloc'd by input_bytes; in owns it from now, or it is
 * freed on failure) as input_fd would have read it. 0, or -1 with *cause.
 */
int input_take(const char *name, char *data, size_t len, unsigned flags, struct input *in,
    char **cause);
/*
 * Read the file at path as input_fd does. It is opened without blocking or
 * taking a controlling terminal, and anything but a regular file or a pipe a
 * command writes into (process substitution; not stdin's) is refused before a
 * byte is read: a named FIFO, a device, a directory, a socket.
 */
int input_file(const char *path, size_t max, unsigned flags, struct input *in, char **cause);
/*
 * Read the file at path as input_file does, but as bytes, unchecked (as
 * input_bytes reads fd): for a caller that looks at them first (an image
 * from -f <(cmd)), then hands them to input_take. 0, or -1 with *cause.
 */
int input_file_bytes(const char *path, size_t max, char **data, size_t *len, char **cause);
/*
 * Return s[0..n) with every sequence that is not UTF-8 replaced by U+FFFD
 * (malloc'd, *len bytes), or NULL when all of it is UTF-8; *replaced counts them.
 */
char *input_utf8(const char *s, size_t n, size_t *len, size_t *replaced);
/* Return the note that tells the user name had replaced sequences (malloc'd). */
char *input_note(const char *name, size_t replaced);
/*
 * Whether the file at path is prose by its name: .txt, .md, .rst, .org,
 * .adoc and their kin, in any case. Anything else may be code or data.
 */
bool input_prose(const char *path);
/*
 * Write into fence (size bytes, at least 5) the fence that frames text[0..n)
 * attached from path: tildes for prose (input_prose), backticks for the rest;
 * three, or one more than the longest run of that mark in text.
 */
void input_fence(const char *path, const char *text, size_t n, char *fence, size_t size);
/* Free what in holds; accepts one never filled. */
void input_done(struct input *in);

#endif
