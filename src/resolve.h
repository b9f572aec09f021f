/* resolve: look up a host name's addresses with a deadline, which getaddrinfo does not keep. */
#ifndef LLM_RESOLVE_H
#define LLM_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether host is an address already (IPv4 or IPv6), which needs no lookup. */
bool resolve_numeric(const char *host);
/*
 * Look up host's addresses for a TCP connection, waiting until clock_ms()
 * reaches deadline at most: 1 with *addrs (a NULL-ended list of numeric
 * addresses in the resolver's order, no repeats; free with strv_free), 0 when
 * the answer did not come in time, -1 with *cause (the resolver's reason) when
 * it failed. A lookup not answered in time goes on in a thread of its own,
 * which ends with it, or with the process.
 */
int resolve_addrs(const char *host, int64_t deadline, char ***addrs, char **cause);

#endif
