/* pgservice: where a PostgreSQL connection service's server is, read as libpq reads its files. */
#ifndef LLM_PGSERVICE_H
#define LLM_PGSERVICE_H

#include <stdbool.h>

/* The settings of a service that say where its server is; NULL: the service does not say. */
struct pgservice {
	char *host, *hostaddr, *port;
};

/*
 * Find service name's entry in text (a service file): 1 with its settings
 * added to s (those s has already are kept, as libpq keeps the first), 0 when
 * the file has no such entry, -1 when libpq would refuse the entry (a line
 * too long or without "=", a service inside it) or its settings cannot be
 * known from the file (an LDAP lookup).
 */
int pgservice_parse(const char *text, const char *name, struct pgservice *s);
/*
 * Read service name's settings as libpq does: from userfile (NULL:
 * ~/.pg_service.conf, when it exists), else from pg_service.conf in
 * PGSYSCONFDIR or the directory libpq was built with. Whether they were
 * found; when not (no such service, or a file libpq would refuse), s is
 * left empty and libpq's own attempt says why.
 */
bool pgservice_find(const char *name, const char *userfile, struct pgservice *s);
/* Free s's settings. */
void pgservice_done(struct pgservice *s);

#endif
