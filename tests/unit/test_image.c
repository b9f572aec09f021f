/* test_image: images known by their first bytes, their size in pixels and in tokens, read within a cap. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"
#include "unit.h"
#include "util.h"
#include "tmpdir.h"

static char dir[] = "/tmp/llm-test-image.XXXXXX";

/* A PNG's signature and IHDR chunk for w x h (enough for image_dims). */
static size_t
png_head(unsigned char *p, unsigned long w, unsigned long h)
{
	static const unsigned char sig[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";

	memcpy(p, sig, 16);
	p[16] = (unsigned char)(w >> 24);
	p[17] = (unsigned char)(w >> 16);
	p[18] = (unsigned char)(w >> 8);
	p[19] = (unsigned char)w;
	p[20] = (unsigned char)(h >> 24);
	p[21] = (unsigned char)(h >> 16);
	p[22] = (unsigned char)(h >> 8);
	p[23] = (unsigned char)h;
	return 24;
}

static void
test_sniff(void)
{
	unsigned char png[24];

	png_head(png, 1, 1);
	CHECK_STR(image_sniff(png, sizeof png), "image/png");
	CHECK_STR(image_sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
	CHECK_STR(image_sniff("GIF87a", 6), "image/gif");
	CHECK_STR(image_sniff("GIF89a\x01\x00", 8), "image/gif");
	CHECK_STR(image_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
	/* near misses: a WAV is RIFF too, a cut signature is nothing */
	CHECK(image_sniff("RIFF\0\0\0\0WAVEfmt ", 16) == NULL);
	CHECK(image_sniff(png, 7) == NULL);
	CHECK(image_sniff("GIF88a", 6) == NULL);
	CHECK(image_sniff("\xff\xd8", 2) == NULL);
	CHECK(image_sniff("hello, world", 12) == NULL);
	CHECK(image_sniff("", 0) == NULL);
}

static void
dims_of(const char *type, const void *data, size_t len, long want_w, long want_h)
{
	struct image im = { .media_type = type, .data = data, .len = len };
	long w, h;

	CHECK(image_dims(&im, &w, &h));
	CHECK_INT(w, want_w);
	CHECK_INT(h, want_h);
}

static void
test_dims(void)
{
	unsigned char png[24];
	/* SOI, an APP0 of 4 bytes, fill bytes, then SOF2 (progressive) of 640x480 */
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 'J', 'F',
		0xff, 0xff, 0xc2, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, 0, 0, 0 };
	/* a DHT (0xc4) is no frame: its length is skipped, the SOF0 after it read */
	static const unsigned char jpeg_dht[] = { 0xff, 0xd8, 0xff, 0xc4, 0x00, 0x03, 0x00,
		0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20, 0x03, 0, 0, 0 };
	static const unsigned char gif[] = "GIF89a\x05\x00\x04\x00";
	static const unsigned char vp8[30] = "RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\0\0\0\x64\x00\x32\x00";
	static const unsigned char vp8x[30] = "RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0\xff\x03\x00\x57\x02\x00";
	unsigned char vp8l[25] = "RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f";
	unsigned long bits = 6 | 8ul << 14;   /* 7 x 9, each stored less one */
	struct image none = { .media_type = "image/jpeg", .data = "\xff\xd8\xff\xd9", .len = 4 };
	long w, h;

	dims_of("image/png", png, png_head(png, 1920, 1080), 1920, 1080);
	dims_of("image/jpeg", jpeg, sizeof jpeg, 640, 480);
	dims_of("image/jpeg", jpeg_dht, sizeof jpeg_dht, 32, 16);
	dims_of("image/gif", gif, sizeof gif - 1, 5, 4);
	dims_of("image/webp", vp8, sizeof vp8, 100, 50);
	dims_of("image/webp", vp8x, sizeof vp8x, 1024, 600);
	vp8l[21] = (unsigned char)bits;
	vp8l[22] = (unsigned char)(bits >> 8);
	vp8l[23] = (unsigned char)(bits >> 16);
	vp8l[24] = (unsigned char)(bits >> 24);
	dims_of("image/webp", vp8l, sizeof vp8l, 7, 9);
	/* a JPEG that ends before any frame, and a PNG cut in its header, say nothing */
	CHECK(!image_dims(&none, &w, &h));
	none.media_type = "image/png";
	none.data = (const char *)png;
	none.len = 20;
	CHECK(!image_dims(&none, &w, &h));
}

/* Every prefix of a header, in a buffer of its own size: read within it, sizes only when whole. */
static void
test_prefixes(void)
{
	static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 'J', 'F',
		0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03 };
	static const unsigned char vp8x[30] = "RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0\xff\x03\x00\x57\x02\x00";
	static const unsigned char gif[10] = "GIF89a\x05\x00\x04\x00";
	static const struct {
		const char *type;
		const unsigned char *data;
		size_t len;
	} v[] = {
		{ "image/jpeg", jpeg, sizeof jpeg },
		{ "image/webp", vp8x, sizeof vp8x },
		{ "image/gif", gif, sizeof gif },
	};
	size_t i, n;
	long w, h;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (n = 0; n <= v[i].len; n++) {
			char *copy = xmalloc(n > 0 ? n : 1);
			struct image im = { .media_type = v[i].type, .data = copy, .len = n };
			bool ok;

			memcpy(copy, v[i].data, n);
			ok = image_dims(&im, &w, &h);
			if (ok != (n == v[i].len)) {
				fprintf(stderr, "%s cut at %zu of %zu: %s\n", v[i].type, n, v[i].len,
				    ok ? "sizes" : "none");
				unit_bad = 1;
			}
			free(copy);
		}
	}
}

static int64_t
tokens(enum api api, unsigned long w, unsigned long h)
{
	unsigned char png[24];
	struct image im = { .media_type = "image/png", .data = (const char *)png };

	im.len = png_head(png, w, h);
	return image_tokens(api, &im);
}

/* The providers' published rules, with their own worked examples where they give them. */
static void
test_tokens(void)
{
	/* OpenAI: 1024 square -> 768 square, 4 tiles: 765; 2048x4096 -> 768x1536, 6 tiles: 1105 */
	CHECK_INT(tokens(API_OPENAI, 1024, 1024), 765);
	CHECK_INT(tokens(API_OPENAI, 2048, 4096), 1105);
	CHECK_INT(tokens(API_OPENAI, 2, 3), 255);
	/* Anthropic: w x h / 750; 1000x1000 is 1334; past 1568 px it is scaled, about 1600 at most */
	CHECK_INT(tokens(API_ANTHROPIC, 1000, 1000), 1334);
	CHECK_INT(tokens(API_ANTHROPIC, 200, 200), 54);
	CHECK_INT(tokens(API_ANTHROPIC, 4000, 3000), 1600);
	/* Gemini: 258 within 384 px both ways, else 258 per 768 px tile */
	CHECK_INT(tokens(API_GEMINI, 384, 384), 258);
	CHECK_INT(tokens(API_GEMINI, 1000, 1000), 1032);
	CHECK_INT(tokens(API_GEMINI, 1536, 768), 516);
	/* Ollama publishes none: counted as OpenAI counts */
	CHECK_INT(tokens(API_OLLAMA, 1024, 1024), 765);
}

/* What each wire format takes: Anthropic 5 MiB an image, Gemini 20 MiB of base64 a request. */
static void
test_fits(void)
{
	struct image v[2] = { { .media_type = "image/png", .len = ((size_t)5 << 20) },
		{ .media_type = "image/png", .len = ((size_t)10 << 20) } };
	const char *why;

	CHECK(image_fits(API_ANTHROPIC, v, 1, &why) && why == NULL);
	CHECK(!image_fits(API_ANTHROPIC, v, 2, &why));
	CHECK(why != NULL && strstr(why, "5 MiB each") != NULL);
	/* 6 + 9 MiB is 20 MiB of base64: at the limit */
	v[0].len = (size_t)6 << 20;
	v[1].len = (size_t)9 << 20;
	CHECK(image_fits(API_GEMINI, v, 2, &why) && why == NULL);
	v[1].len++;
	CHECK(!image_fits(API_GEMINI, v, 2, &why));
	CHECK(why != NULL && strstr(why, "20 MiB") != NULL);
	CHECK(image_fits(API_OPENAI, v, 2, &why));
	CHECK(image_fits(API_OLLAMA, v, 2, &why));
	CHECK(image_fits(API_GEMINI, v, 0, &why));
}

static char *
write_file(const char *name, const void *data, size_t len)
{
	char *path = xstrfmt("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, data, len) == (ssize_t)len);
		close(fd);
	}
	return path;
}

static void
test_read(void)
{
	unsigned char png[24];
	size_t n = png_head(png, 3, 2);
	char *path = write_file("notes.txt", png, n), *cause = NULL;
	struct image im;

	/* by content, whatever the name */
	CHECK(image_probe(path));
	CHECK_INT(image_read(path, &im, &cause), 0);
	CHECK_STR(im.media_type, "image/png");
	CHECK_INT(im.len, n);
	CHECK(im.data != NULL && memcmp(im.data, png, n) == 0);
	CHECK_STR_FREE(image_note("what is it?", &im, 1), "what is it?\n\n[image: image/png, 3x2, 1 KB]");
	image_done(&im);
	free(path);

	path = write_file("text.png", "just words, no picture", 22);
	CHECK(!image_probe(path));
	CHECK_INT(image_read(path, &im, &cause), -1);
	CHECK_CAUSE(cause, "not a PNG, JPEG, GIF or WebP image");
	free(path);

	/* a directory is no image, and a missing file says so */
	CHECK(!image_probe(dir));
	CHECK_INT(image_read(dir, &im, &cause), -1);
	CHECK_CAUSE(cause, "not a regular file");
	path = xstrfmt("%s/missing.png", dir);
	CHECK(!image_probe(path));
	CHECK_INT(image_read(path, &im, &cause), -1);
	CHECK_CAUSE(cause, "No such file");
	free(path);
}

static void
test_cap(void)
{
	unsigned char png[24];
	char *path = write_file("big.png", png, png_head(png, 1, 1)), *cause = NULL;
	struct image im;

	/* one byte over the cap: refused before it is read, with what to do */
	CHECK(truncate(path, (off_t)IMAGE_MAX + 1) == 0);
	CHECK(image_probe(path));
	CHECK_INT(image_read(path, &im, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "over the " IMAGE_MAX_TEXT " llm sends") != NULL);
	CHECK(cause != NULL && strstr(cause, "scale it down") != NULL);
	CHECK(im.data == NULL);
	free(cause);
	cause = NULL;
	/* at the cap: taken */
	CHECK(truncate(path, (off_t)IMAGE_MAX) == 0);
	CHECK_INT(image_read(path, &im, &cause), 0);
	CHECK_INT(im.len, IMAGE_MAX);
	image_done(&im);
	CHECK(im.data == NULL);
	image_done(NULL);
	free(path);
}

int
main(void)
{
	tmpdir_make(dir);
	RUN(test_sniff);
	RUN(test_dims);
	RUN(test_prefixes);
	RUN(test_tokens);
	RUN(test_fits);
	RUN(test_read);
	RUN(test_cap);
	UNIT_EXIT();
}
