/* image: attached images: what a file is by its first bytes, its size in pixels and in tokens. */
#ifndef LLM_IMAGE_H
#define LLM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "provider.h"

/*
 * The largest image llm sends, in bytes: OpenAI's limit per image, and what
 * Gemini takes inline in a whole request. Anthropic takes 5 MB.
 */
#define IMAGE_MAX ((size_t)20 << 20)
#define IMAGE_MAX_TEXT "20 MiB"

/* Bytes image_sniff needs to tell every format it knows. */
#define IMAGE_SNIFF_LEN 12

/*
 * The media type of an image by its first bytes (PNG, JPEG, GIF, WebP):
 * "image/png", ..., or NULL when data starts as none of them.
 */
const char *image_sniff(const void *data, size_t len);
/*
 * Whether the file at path starts as an image: 1 yes, 0 no (or it cannot be
 * read: reading it as text says why).
 */
int image_probe(const char *path);
/*
 * Read the image at path whole into im (data malloc'd, free with image_done):
 * a regular file of at most IMAGE_MAX bytes in a format image_sniff knows.
 * 0, or -1 with *cause ("PATH: why; what to do").
 */
int image_read(const char *path, struct image *im, char **cause);
/*
 * Make im of data[0..len) (malloc'd; im owns it from now, or it is freed on
 * failure), read from name (such as stdin): at most IMAGE_MAX bytes in a
 * format image_sniff knows. 0, or -1 with *cause.
 */
int image_take(const char *name, char *data, size_t len, struct image *im, char **cause);
/* Free what image_read put in im. */
void image_done(struct image *im);
/* Width and height in pixels from the image's header; false when it does not say. */
bool image_dims(const struct image *im, long *w, long *h);
/*
 * Input tokens the image costs on wire format api, by the provider's
 * published rule for its size (an estimate: the provider's count is final).
 */
int64_t image_tokens(enum api api, const struct image *im);

/*
 * Whether wire format api takes images v[0..n) as they are: Anthropic takes
 * at most 5 MB an image, Gemini at most 20 MB of inline data in a request
 * (as base64). When not, *why says the limit (static text), else NULL.
 */
bool image_fits(enum api api, const struct image *v, size_t n, const char **why);
/*
 * text with a line per image after it ("[image: image/png, 640x480, 24 KB]"),
 * as a conversation keeps a turn whose images are not sent again (malloc'd).
 */
char *image_note(const char *text, const struct image *v, size_t n);

#endif
