/* dl: optional libraries opened when first needed, their functions found by name. */
#include "dl.h"

#include <dlfcn.h>

/* Find every function of the table in h; on a missing one, undo and name it. */
const char *
dl_find(void *h, const struct dl_sym *syms, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if ((*syms[i].slot = dlsym(h, syms[i].name)) != NULL)
			continue;
		for (k = 0; k < i; k++)
			*syms[k].slot = NULL;
		dlclose(h);
		return syms[i].name;
	}
	return NULL;
}
