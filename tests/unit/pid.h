/* pid: whether a process a test started (and left to others to reap) has gone. */
#ifndef LLM_TEST_PID_H
#define LLM_TEST_PID_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Whether pid is gone: no such process, or a zombie nobody has reaped yet. */
static inline bool
pid_gone(long pid)
{
	char path[64], *stat = NULL, *cause = NULL, *rp;
	size_t len;
	bool dead;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (file_read(path, 4096, &stat, &len, &cause) != 0) {
		free(cause);
		return true;
	}
	rp = strrchr(stat, ')');
	dead = rp != NULL && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
	free(stat);
	return dead;
}

/* Wait up to a second for pid (> 0) to be gone. */
static inline bool
pid_gone_soon(long pid)
{
	int i;

	for (i = 0; i < 100 && pid > 0 && !pid_gone(pid); i++)
		usleep(10000);
	return pid > 0 && pid_gone(pid);
}

#endif
