/* visible: make text from a model or server safe to show on a terminal. */
#ifndef LLM_VISIBLE_H
#define LLM_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Text from the network is data, never terminal commands. visible_feed copies
 * UTF-8 text to out with every control made visible:
 *   - "\n" and "\t" are kept, and so is a line end written "\r\n", as "\n";
 *   - other C0 controls (0x00-0x1f) become their Unicode control pictures
 *     (ESC -> "␛", BEL -> "␇", CR -> "␍"), DEL becomes "␡";
 *   - C1 controls (U+0080-U+009F) become "␛" and their 7-bit form
 *     (U+009B CSI -> "␛[");
 *   - bidirectional controls (U+202A-202E, U+2066-2069, U+200E, U+200F,
 *     U+061C), which make a terminal show text in another order than it is
 *     ("trojan source"), become the ASCII placeholder "<U+202E>";
 *   - bytes that are not UTF-8 (a lone 0x9b, overlongs, surrogates) become
 *     U+FFFD "�", one per byte.
 * So ESC [2J shows as "␛[2J" and nothing reaches the terminal as a command.
 * A character split across two feeds is held in the state until it completes.
 */
struct visible {
	unsigned char pend[4];   /* bytes of an incomplete character */
	unsigned npend;          /* how many are held */
	unsigned need;           /* its full length */
	bool cr;                 /* a "\r" held: a line end if "\n" follows */
};

/* Start a fresh stream. */
void visible_init(struct visible *v);
/* Append the visible form of s[0..n) to out. */
void visible_feed(struct visible *v, const char *s, size_t n, struct buf *out);
/* End the stream: an incomplete character left over becomes "�". */
void visible_flush(struct visible *v, struct buf *out);
/* Return the visible form of a whole string (malloc'd). */
char *visible_str(const char *s, size_t n);
/*
 * Return the visible form of a command (malloc'd): as visible_str, but a
 * carriage return is "\u240d" before a newline too, since a shell takes it
 * as part of a word.
 */
char *visible_command(const char *s, size_t n);
/*
 * Decode the character at s[0..n), n > 0: return its length, with *cp the
 * code point, or -1 for bytes that are not UTF-8 (the length then covers the
 * bytes one U+FFFD stands for).
 */
size_t visible_decode(const char *s, size_t n, int32_t *cp);
/* Whether cp is a bidirectional control (the list above), which reorders what follows it. */
bool visible_is_bidi(uint32_t cp);
/* Whether s[0..n) is all UTF-8: no bytes that visible_feed shows as U+FFFD. */
bool visible_utf8(const char *s, size_t n);
/* Whether s is one non-empty word that prints as itself: valid UTF-8, no controls, bidi or spaces. */
bool visible_word(const char *s);
/*
 * Whether s[0..n) holds a character that shows: not only spaces (U+00A0,
 * U+2000-U+200A, U+3000...), zero widths (U+200B-U+200D, U+2060, U+FEFF),
 * controls, blank fillers (U+3164, U+2800), variation selectors or tags.
 */
bool visible_any(const char *s, size_t n);
/*
 * A file name in a form that shows as itself and maps back to its bytes,
 * since a name need not be UTF-8 and tool arguments are JSON strings: each
 * byte that is not part of a printable UTF-8 character (not UTF-8 at all, a
 * control, a bidirectional control) as \xNN, and a backslash as \\, so that
 * "caf\xe9.txt" names the Latin-1 file and "a\\x41" the file a\x41
 * (malloc'd).
 */
char *visible_name(const char *s);
/*
 * Take such a name back to its bytes: \\ and \xNN are decoded, any other
 * backslash is itself ("a\b" names a\b as before). Malloc'd, or NULL when
 * the name would hold a NUL (\x00).
 */
char *visible_name_parse(const char *s);

#endif
