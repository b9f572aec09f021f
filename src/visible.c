/* visible: turn controls and escape sequences in untrusted text into visible characters. */
#include "visible.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* Start a fresh stream. */
void
visible_init(struct visible *v)
{
	memset(v, 0, sizeof(*v));
}

/* Append code point cp as UTF-8. */
static void
put_cp(struct buf *out, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_add(out, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, u, 4);
	}
}

/*
 * Whether cp reorders the text around it: the embeddings and overrides
 * U+202A-202E, the isolates U+2066-2069 and the marks U+200E, U+200F and
 * U+061C. Shown as they are, they make a terminal display text in an order
 * other than the bytes' ("trojan source"): code that reads one way and runs
 * another.
 */
bool
visible_is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* Append "<U+202E>": plain ASCII, so it is as wide as it looks everywhere. */
static void
put_placeholder(struct buf *out, uint32_t cp)
{
	buf_addf(out, "<U+%04" PRIX32 ">", cp);
}

/* Append one decoded code point, made visible if it is a control. */
static void
put_visible(struct buf *out, uint32_t cp)
{
	if (cp == '\n' || cp == '\t')
		put_cp(out, cp);
	else if (visible_is_bidi(cp))
		put_placeholder(out, cp);
	else if (cp < 0x20)
		put_cp(out, 0x2400 + cp);
	else if (cp == 0x7f)
		put_cp(out, 0x2421);
	else if (cp >= 0x80 && cp <= 0x9f) {
		put_cp(out, 0x241b);
		put_cp(out, cp - 0x40);
	} else
		put_cp(out, cp);
}

/* The length of a sequence led by byte c, or 0 if c cannot lead one. */
static unsigned
lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Whether byte c may come at position i of the sequence led by lead. */
static int
cont_ok(unsigned char lead, unsigned i, unsigned char c)
{
	if ((c & 0xc0) != 0x80)
		return 0;
	if (i != 1)
		return 1;
	/* Exclude overlongs, surrogates and code points past U+10FFFF early. */
	if (lead == 0xe0)
		return c >= 0xa0;
	if (lead == 0xed)
		return c <= 0x9f;
	if (lead == 0xf0)
		return c >= 0x90;
	if (lead == 0xf4)
		return c <= 0x8f;
	return 1;
}

/* Decode the complete sequence held in v. */
static uint32_t
decode(const struct visible *v)
{
	const unsigned char *p = v->pend;

	switch (v->need) {
	case 2:
		return ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	case 3:
		return ((uint32_t)(p[0] & 0x0f) << 12) | ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
	default:
		return ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3f) << 12) |
		    ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
	}
}

/* Append the visible form of s[0..n) to out, holding an incomplete character. */
void
visible_feed(struct visible *v, const char *s, size_t n, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];

		if (v->npend > 0) {
			if (!cont_ok(v->pend[0], v->npend, c)) {
				/* The held bytes were a broken character; c starts afresh. */
				buf_adds(out, REPLACEMENT);
				v->npend = 0;
				continue;
			}
			v->pend[v->npend++] = c;
			i++;
			if (v->npend == v->need) {
				put_visible(out, decode(v));
				v->npend = 0;
			}
			continue;
		}
		if (v->cr) {
			v->cr = false;
			if (c != '\n')
				put_visible(out, '\r');
		}
		if (c == '\r') {
			v->cr = true;
			i++;
			continue;
		}
		v->need = lead_len(c);
		if (v->need == 0)
			buf_adds(out, REPLACEMENT);
		else if (v->need == 1)
			put_visible(out, c);
		else {
			v->pend[0] = c;
			v->npend = 1;
		}
		i++;
	}
}

/* End the stream: a character left incomplete becomes U+FFFD. */
void
visible_flush(struct visible *v, struct buf *out)
{
	if (v->npend > 0)
		buf_adds(out, REPLACEMENT);
	v->npend = 0;
	if (v->cr)
		put_visible(out, '\r');
	v->cr = false;
}

/* Return the visible form of a whole string (malloc'd). */
char *
visible_str(const char *s, size_t n)
{
	struct visible v;
	struct buf b;

	buf_init(&b, 0);
	visible_init(&v);
	visible_feed(&v, s, n, &b);
	visible_flush(&v, &b);
	return buf_detach(&b);
}

/*
 * Return the visible form of the command s[0..n) (malloc'd): as visible_str
 * gives it, but a carriage return shows as "\u240d" before a newline too. A
 * shell takes it as part of the word it ends, so "cd sub\r\nrm -f *" fails
 * to enter sub and removes what is where it runs: shown as a line end, the
 * command approved would not be the one that runs.
 */
char *
visible_command(const char *s, size_t n)
{
	struct visible v;
	struct buf b;
	const char *cr;

	buf_init(&b, 0);
	visible_init(&v);
	while ((cr = memchr(s, '\r', n)) != NULL) {
		visible_feed(&v, s, (size_t)(cr - s), &b);
		visible_flush(&v, &b);   /* a character cut by the CR is broken, as it is alone */
		buf_adds(&b, "\xe2\x90\x8d");
		n -= (size_t)(cr - s) + 1;
		s = cr + 1;
	}
	visible_feed(&v, s, n, &b);
	visible_flush(&v, &b);
	return buf_detach(&b);
}

/*
 * Decode the character at s[0..n), n > 0: its length, with *cp the code point,
 * or -1 for a byte that leads nothing or a sequence broken off (its maximal
 * valid prefix is what the length covers, as visible_feed replaces it).
 */
size_t
visible_decode(const char *s, size_t n, int32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	struct visible v = { .need = lead_len(p[0]) };
	size_t i;

	if (v.need <= 1) {
		*cp = v.need == 1 ? p[0] : -1;
		return 1;
	}
	for (i = 1; i < v.need; i++) {
		if (i >= n || !cont_ok(p[0], (unsigned)i, p[i])) {
			*cp = -1;
			return i;
		}
		v.pend[i] = p[i];
	}
	v.pend[0] = p[0];
	*cp = (int32_t)decode(&v);
	return v.need;
}

/* Whether s[0..n) is all UTF-8: no bytes that visible_feed shows as U+FFFD. */
bool
visible_utf8(const char *s, size_t n)
{
	size_t i = 0;
	int32_t cp = 0;

	while (i < n && cp >= 0)
		i += visible_decode(s + i, n - i, &cp);
	return cp >= 0;
}

/* Whether cp separates words or shows as nothing: spaces, zero widths, separators. */
static bool
is_space(uint32_t cp)
{
	return cp == ' ' || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202f) || (cp >= 0x205f && cp <= 0x206f) ||
	    cp == 0x3000 || cp == 0xfeff;
}

/* Whether s is one word that prints as itself: valid UTF-8, no controls, bidi or spaces. */
bool
visible_word(const char *s)
{
	size_t n = strlen(s), i = 0, k;
	int32_t cp;

	if (n == 0)
		return false;
	while (i < n) {
		k = visible_decode(s + i, n - i, &cp);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || visible_is_bidi((uint32_t)cp) ||
		    is_space((uint32_t)cp))
			return false;
		i += k;
	}
	return true;
}

/* Whether cp shows as nothing at all: a blank filler, a joiner, a selector, a tag. */
static bool
is_blank(uint32_t cp)
{
	return is_space(cp) || cp < 0x21 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    cp == 0xad || cp == 0x34f || cp == 0x61c || cp == 0x115f || cp == 0x1160 ||
	    cp == 0x17b4 || cp == 0x17b5 || cp == 0x180e || cp == 0x2800 || cp == 0x3164 ||
	    cp == 0xffa0 || (cp >= 0x180b && cp <= 0x180f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xfff0 && cp <= 0xfff8) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
	    (cp >= 0xe0000 && cp <= 0xe0fff);
}

bool
visible_any(const char *s, size_t n)
{
	size_t i = 0, k;
	int32_t cp;

	while (i < n) {
		k = visible_decode(s + i, n - i, &cp);
		/* bytes that are not UTF-8 show as U+FFFD: visible */
		if (cp < 0 || !is_blank((uint32_t)cp))
			return true;
		i += k;
	}
	return false;
}

/* Whether cp shows as itself in a name: no control, C1 control or bidirectional control. */
static bool
name_char(int32_t cp)
{
	return cp >= 0x20 && cp != 0x7f && (cp < 0x80 || cp > 0x9f) && !visible_is_bidi((uint32_t)cp);
}

/* The escaped form of the file name s, which visible_name_parse takes back. */
char *
visible_name(const char *s)
{
	size_t n = strlen(s), i = 0, k, j;
	struct buf b;
	int32_t cp;

	buf_init(&b, 0);
	while (i < n) {
		k = visible_decode(s + i, n - i, &cp);
		if (cp == '\\')
			buf_adds(&b, "\\\\");
		else if (name_char(cp))
			buf_add(&b, s + i, k);
		else
			for (j = 0; j < k; j++)
				buf_addf(&b, "\\x%02x", (unsigned char)s[i + j]);
		i += k;
	}
	return buf_detach(&b);
}

/* The value of the hexadecimal digit c, or -1. */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The bytes of the name visible_name escaped as s; NULL when they would hold a NUL. */
char *
visible_name_parse(const char *s)
{
	struct buf b;
	int hi, lo;

	buf_init(&b, 0);
	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == '\\') {
			buf_addc(&b, '\\');
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && (hi = hex_digit(s[2])) >= 0 &&
		    (lo = hex_digit(s[3])) >= 0) {
			if (hi == 0 && lo == 0) {
				buf_done(&b);
				return NULL;
			}
			buf_addc(&b, (char)(hi << 4 | lo));
			s += 4;
		} else {
			buf_addc(&b, *s++);
		}
	}
	return buf_detach(&b);
}
