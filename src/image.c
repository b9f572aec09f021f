/* image: attached images: what a file is by its first bytes, its size in pixels and in tokens. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

/* Name the media type by content, never by name: a photo saved as .txt is still a photo. */
const char *
image_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return "image/gif";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

/* Tell whether the file at path starts as an image (a peek at its first bytes). */
int
image_probe(const char *path)
{
	char head[IMAGE_SNIFF_LEN];
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	/* only a regular file is read here: anything else is for the text reader to refuse */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, head, sizeof head);
	close(fd);
	return n > 0 && image_sniff(head, (size_t)n) != NULL;
}

/* Read all of regular file fd, st_size bytes long, into *out. */
static int
image_slurp(int fd, size_t size, char **out, const char *path, char **cause)
{
	char *data = xmalloc(size > 0 ? size : 1);
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = read(fd, data + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			xasprintf(cause, "%s: %s", path, n < 0 ? strerror(errno) : "shorter than its size");
			free(data);
			return -1;
		}
		got += (size_t)n;
	}
	*out = data;
	return 0;
}

/* Read the image at path whole, within IMAGE_MAX, into im. */
int
image_read(const char *path, struct image *im, char **cause)
{
	struct stat st;
	char *data = NULL;
	int fd, rc = -1;

	memset(im, 0, sizeof *im);
	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
		xasprintf(cause, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		xasprintf(cause, "%s: not a regular file", path);
	else if ((uint64_t)st.st_size > IMAGE_MAX)
		xasprintf(cause, "%s: an image of %.1f MiB, over the %s llm sends; scale it down or "
		    "save it as JPEG (e.g. convert %s -resize 2048x2048 -quality 85 small.jpg)", path,
		    (double)st.st_size / (1 << 20), IMAGE_MAX_TEXT, path);
	else
		rc = image_slurp(fd, (size_t)st.st_size, &data, path, cause);
	close(fd);
	if (rc != 0)
		return -1;
	im->media_type = image_sniff(data, (size_t)st.st_size);
	if (im->media_type == NULL) {
		xasprintf(cause, "%s: not a PNG, JPEG, GIF or WebP image", path);
		free(data);
		return -1;
	}
	im->data = data;
	im->len = (size_t)st.st_size;
	return 0;
}

int
image_take(const char *name, char *data, size_t len, struct image *im, char **cause)
{
	memset(im, 0, sizeof *im);
	if (len > IMAGE_MAX)
		xasprintf(cause, "%s: an image of %.1f MiB, over the %s llm sends; scale it down or "
		    "save it as JPEG", name, (double)len / (1 << 20), IMAGE_MAX_TEXT);
	else if ((im->media_type = image_sniff(data, len)) == NULL)
		xasprintf(cause, "%s: not a PNG, JPEG, GIF or WebP image", name);
	if (im->media_type == NULL || len > IMAGE_MAX) {
		im->media_type = NULL;
		free(data);
		return -1;
	}
	im->data = data;
	im->len = len;
	return 0;
}

/* Free the bytes image_read read; accepts NULL. */
void
image_done(struct image *im)
{
	if (im == NULL)
		return;
	free((void *)im->data);
	memset(im, 0, sizeof *im);
}

static long
be16(const unsigned char *p)
{
	return (long)p[0] << 8 | p[1];
}

static long
be32(const unsigned char *p)
{
	return (long)((unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	    (unsigned long)p[2] << 8 | p[3]);
}

static long
le16(const unsigned char *p)
{
	return (long)p[1] << 8 | p[0];
}

static long
le24(const unsigned char *p)
{
	return (long)p[2] << 16 | (long)p[1] << 8 | p[0];
}

/* JPEG: the first start-of-frame marker (SOF0..SOF15 but DHT, JPG, DAC) has the size. */
static bool
jpeg_dims(const unsigned char *p, size_t len, long *w, long *h)
{
	size_t i = 2;

	while (i + 9 < len) {
		unsigned m;

		if (p[i] != 0xff)
			return false;
		m = p[i + 1];
		if (m == 0xff) {         /* fill bytes */
			i++;
			continue;
		}
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			*h = be16(p + i + 5);
			*w = be16(p + i + 7);
			return true;
		}
		if (m == 0xd8 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		i += 2 + (size_t)be16(p + i + 2);
	}
	return false;
}

/* WebP: lossy (VP8), lossless (VP8L) or extended (VP8X) keep the size in different places. */
static bool
webp_dims(const unsigned char *p, size_t len, long *w, long *h)
{
	if (len >= 30 && memcmp(p + 12, "VP8 ", 4) == 0) {
		*w = le16(p + 26) & 0x3fff;
		*h = le16(p + 28) & 0x3fff;
		return true;
	}
	if (len >= 25 && memcmp(p + 12, "VP8L", 4) == 0 && p[20] == 0x2f) {
		unsigned long b = (unsigned long)p[21] | (unsigned long)p[22] << 8 |
		    (unsigned long)p[23] << 16 | (unsigned long)p[24] << 24;

		*w = (long)(b & 0x3fff) + 1;
		*h = (long)((b >> 14) & 0x3fff) + 1;
		return true;
	}
	if (len >= 30 && memcmp(p + 12, "VP8X", 4) == 0) {
		*w = le24(p + 24) + 1;
		*h = le24(p + 27) + 1;
		return true;
	}
	return false;
}

/* Read width and height from the image's header. */
bool
image_dims(const struct image *im, long *w, long *h)
{
	const unsigned char *p = (const unsigned char *)im->data;
	size_t len = im->len;
	bool ok = false;

	*w = *h = 0;
	if (p == NULL || im->media_type == NULL)
		return false;
	if (strcmp(im->media_type, "image/png") == 0 && len >= 24 && memcmp(p + 12, "IHDR", 4) == 0) {
		*w = be32(p + 16);
		*h = be32(p + 20);
		ok = true;
	} else if (strcmp(im->media_type, "image/gif") == 0 && len >= 10) {
		*w = le16(p + 6);
		*h = le16(p + 8);
		ok = true;
	} else if (strcmp(im->media_type, "image/jpeg") == 0) {
		ok = jpeg_dims(p, len, w, h);
	} else if (strcmp(im->media_type, "image/webp") == 0) {
		ok = webp_dims(p, len, w, h);
	}
	return ok && *w > 0 && *h > 0;
}

/* Scale w x h down (never up) to fit within max x max, keeping the shape. */
static void
fit(long *w, long *h, long max)
{
	if (*w <= max && *h <= max)
		return;
	if (*w >= *h) {
		*h = (long)((int64_t)*h * max / *w);
		*w = max;
	} else {
		*w = (long)((int64_t)*w * max / *h);
		*h = max;
	}
	if (*w < 1)
		*w = 1;
	if (*h < 1)
		*h = 1;
}

/* OpenAI (high detail): fit 2048 square, shortest side to 768, 170 per 512 px tile plus 85. */
static int64_t
openai_tokens(long w, long h)
{
	long s;

	fit(&w, &h, 2048);
	s = w < h ? w : h;
	if (s > 768) {
		w = (long)((int64_t)w * 768 / s);
		h = (long)((int64_t)h * 768 / s);
	}
	return 85 + 170 * (int64_t)((w + 511) / 512) * ((h + 511) / 512);
}

/* Anthropic: width x height / 750 after fitting the long edge to 1568 px, at most about 1600. */
static int64_t
anthropic_tokens(long w, long h)
{
	int64_t n;

	fit(&w, &h, 1568);
	n = ((int64_t)w * h + 749) / 750;
	return n < 1600 ? n : 1600;
}

/* Gemini: 258 for an image within 384 px both ways, else 258 per 768 px tile. */
static int64_t
gemini_tokens(long w, long h)
{
	if (w <= 384 && h <= 384)
		return 258;
	return 258 * (int64_t)((w + 767) / 768) * ((h + 767) / 768);
}

/* Estimate the input tokens of im on wire format api, by its provider's rule. */
int64_t
image_tokens(enum api api, const struct image *im)
{
	long w, h;

	/* a header that says nothing: the most a provider counts for one image */
	if (!image_dims(im, &w, &h))
		return api == API_GEMINI ? 1032 : api == API_ANTHROPIC ? 1600 : 1445;
	switch (api) {
	case API_ANTHROPIC:
		return anthropic_tokens(w, h);
	case API_GEMINI:
		return gemini_tokens(w, h);
	case API_OPENAI:
	case API_OLLAMA:
		break;
	}
	return openai_tokens(w, h);
}

/* Anthropic's limit for one image, and Gemini's for a request's inline data. */
#define IMAGE_ANTHROPIC_MAX ((size_t)5 << 20)
#define IMAGE_GEMINI_INLINE_MAX ((size_t)20 << 20)

/* Check the images against the limits of wire format api. */
bool
image_fits(enum api api, const struct image *v, size_t n, const char **why)
{
	size_t i, b64 = 0;

	*why = NULL;
	for (i = 0; i < n; i++) {
		if (api == API_ANTHROPIC && v[i].len > IMAGE_ANTHROPIC_MAX)
			*why = "Anthropic takes images of at most 5 MiB each";
		b64 += (v[i].len + 2) / 3 * 4;
	}
	if (api == API_GEMINI && b64 > IMAGE_GEMINI_INLINE_MAX)
		*why = "Gemini takes at most 20 MiB of images in a request, as base64";
	return *why == NULL;
}

/* Return text with a line per image after it (malloc'd). */
char *
image_note(const char *text, const struct image *v, size_t n)
{
	struct buf b;
	size_t i;
	long w, h;

	buf_init(&b, 0);
	buf_adds(&b, text);
	for (i = 0; i < n; i++) {
		buf_addf(&b, "%s[image: %s", i == 0 ? "\n\n" : "\n", v[i].media_type);
		if (image_dims(&v[i], &w, &h))
			buf_addf(&b, ", %ldx%ld", w, h);
		buf_addf(&b, ", %zu KB]", (v[i].len + 1023) / 1024);
	}
	return buf_detach(&b);
}
