/* curl_load: libcurl, loaded when the first request is made rather than at start-up. */
#define CURL_LOAD_IMPL
#include "curl_load.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"
#include "util.h"

/*
 * Linked, libcurl made every command load thirty more libraries (TLS, krb5,
 * LDAP, SASL, HTTP/2, SSH) and took most of `llm --version`'s start-up;
 * commands that send no request have no use for it.
 */
struct curl_load_lib curl_load_lib;

/* What to install, said by every failure. */
#define CURL_LOAD_FIX \
	"install libcurl 7.85 or later (Debian and Ubuntu: libcurl4, or libcurl3-gnutls)"

/* Where each function llm calls is found. */
#define CURL_LOAD_SYM(fn) DL_SYM(curl_load_lib, fn)
static const struct dl_sym curl_load_syms[] = { CURL_LOAD_SYMS(CURL_LOAD_SYM) };
#undef CURL_LOAD_SYM

/* The SONAMEs tried in turn: Debian's OpenSSL build, then its GnuTLS one. */
static const char *const curl_load_names[] = { "libcurl.so.4", "libcurl-gnutls.so.4" };

/* Open the first libcurl found: the handle and its *name, or NULL with *cause. */
static void *
curl_load_open(const char **name, char **cause)
{
	char *tried = NULL, *t;
	void *h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(curl_load_names); i++) {
		/*
		 * Lazy where a library allows it: a libcurl built to bind late
		 * binds its calls into the libraries under it when first made.
		 * Debian's libcurl, libssl and libcrypto are linked to bind at
		 * load (BIND_NOW), and there this changes nothing. The functions
		 * llm calls are looked up one by one below, so a missing one is
		 * still found here, not at the call.
		 */
		h = dlopen(curl_load_names[i], RTLD_LAZY | RTLD_LOCAL);
		if (h != NULL) {
			*name = curl_load_names[i];
			free(tried);
			return h;
		}
		t = xstrfmt("%s%s%s", tried ? tried : "", tried ? "; " : "", dlerror());
		free(tried);
		tried = t;
	}
	xasprintf(cause, "cannot load libcurl (%s): " CURL_LOAD_FIX, tried);
	free(tried);
	return NULL;
}

/* Load libcurl once and find its functions: 0, or -1 with *cause. */
int
curl_load(char **cause)
{
	static void *lib;
	const char *name = NULL, *missing;
	void *h;

	if (lib != NULL)
		return 0;
	if ((h = curl_load_open(&name, cause)) == NULL)
		return -1;
	if ((missing = dl_find(h, curl_load_syms, ARRAY_SIZE(curl_load_syms))) != NULL) {
		xasprintf(cause, "%s lacks %s: " CURL_LOAD_FIX, name, missing);
		return -1;
	}
	lib = h;
	return 0;
}
