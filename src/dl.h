/* dl: optional libraries opened when first needed, their functions found by name. */
#ifndef LLM_DL_H
#define LLM_DL_H

#include <stddef.h>

/* A function to find: its name, and the pointer its address goes in. */
struct dl_sym {
	const char *name;
	void **slot;
};

/* A table row for function fn held in lib.fn, where lib's members are named after them. */
#define DL_SYM(lib, fn) { #fn, (void **)&(lib).fn },

/*
 * Fill each of the n slots with its function from the library h: NULL when
 * all are found. Otherwise every slot is cleared, h is closed, and the name of
 * the first function h lacks (from the table) is returned: a library that opens
 * but lacks a function is reported, never passed over.
 */
const char *dl_find(void *h, const struct dl_sym *syms, size_t n);

#endif
