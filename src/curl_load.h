/* curl_load: libcurl, loaded when the first request is made rather than at start-up. */
#ifndef LLM_CURL_LOAD_H
#define LLM_CURL_LOAD_H

/*
 * curl.h wraps curl_easy_setopt and curl_easy_getinfo in macros (type checks,
 * or a check of the argument count); the calls below go through pointers
 * instead, so those macros are turned off and removed.
 */
#ifndef CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_TYPECHECK
#endif
#include <curl/curl.h>
#undef curl_easy_setopt
#undef curl_easy_getinfo

/* Every libcurl function llm calls. */
#define CURL_LOAD_SYMS(X) \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_getinfo) \
	X(curl_easy_perform) X(curl_easy_cleanup) X(curl_easy_strerror) X(curl_slist_append) \
	X(curl_slist_free_all) X(curl_multi_init) X(curl_multi_cleanup) X(curl_multi_add_handle) \
	X(curl_multi_remove_handle) X(curl_multi_info_read) X(curl_multi_poll) \
	X(curl_multi_perform)

#define CURL_LOAD_PTR(name) __typeof__(name) *name;
/* The loaded functions, each named as the one it stands for; set by curl_load. */
struct curl_load_lib {
	CURL_LOAD_SYMS(CURL_LOAD_PTR)
};
#undef CURL_LOAD_PTR
extern struct curl_load_lib curl_load_lib;

/*
 * Load libcurl once (libcurl.so.4, else libcurl-gnutls.so.4): 0, or -1 with
 * *cause saying what to install. It does not call curl_global_init.
 */
int curl_load(char **cause);

/* Call sites read as plain libcurl; only valid after curl_load succeeded. */
#ifndef CURL_LOAD_IMPL
#define curl_global_init (*curl_load_lib.curl_global_init)
#define curl_easy_init (*curl_load_lib.curl_easy_init)
#define curl_easy_setopt (*curl_load_lib.curl_easy_setopt)
#define curl_easy_getinfo (*curl_load_lib.curl_easy_getinfo)
#define curl_easy_perform (*curl_load_lib.curl_easy_perform)
#define curl_easy_cleanup (*curl_load_lib.curl_easy_cleanup)
#define curl_easy_strerror (*curl_load_lib.curl_easy_strerror)
#define curl_slist_append (*curl_load_lib.curl_slist_append)
#define curl_slist_free_all (*curl_load_lib.curl_slist_free_all)
#define curl_multi_init (*curl_load_lib.curl_multi_init)
#define curl_multi_cleanup (*curl_load_lib.curl_multi_cleanup)
#define curl_multi_add_handle (*curl_load_lib.curl_multi_add_handle)
#define curl_multi_remove_handle (*curl_load_lib.curl_multi_remove_handle)
#define curl_multi_info_read (*curl_load_lib.curl_multi_info_read)
#define curl_multi_poll (*curl_load_lib.curl_multi_poll)
#define curl_multi_perform (*curl_load_lib.curl_multi_perform)
#endif

#endif
