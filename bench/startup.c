/* startup: run a command many times and print the median wall and CPU time of one run. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "bench.h"

static int64_t
tv_us(struct timeval tv)
{
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* Run argv once with stdout on /dev/null; its wall and user+sys CPU in microseconds. */
static int
run_once(char **argv, int64_t *wall, int64_t *cpu)
{
	struct rusage ru;
	int64_t t0 = now_us();
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	*wall = now_us() - t0;
	*cpu = tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * startup N COMMAND [ARGS...]: run COMMAND N times (stdin and stdout on
 * /dev/null, stderr kept) after one warm-up run, and print
 * "median_wall_us median_cpu_us runs". Exits 1 if any run failed.
 */
int
main(int argc, char **argv)
{
	int64_t *wall, *cpu, w, c;
	int64_t n;
	int i, rc;

	if (argc < 3 || !str_to_i64(argv[1], &n) || n < 1 || n > 100000) {
		fprintf(stderr, "usage: startup N COMMAND [ARGS...]\n");
		return 2;
	}
	wall = xcalloc((size_t)n, sizeof *wall);
	cpu = xcalloc((size_t)n, sizeof *cpu);
	if (run_once(argv + 2, &w, &c) != 0) {
		fprintf(stderr, "startup: %s failed\n", argv[2]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		rc = run_once(argv + 2, &wall[i], &cpu[i]);
		if (rc != 0) {
			fprintf(stderr, "startup: %s exited %d\n", argv[2], rc);
			return 1;
		}
	}
	qsort(wall, (size_t)n, sizeof *wall, cmp_i64);
	qsort(cpu, (size_t)n, sizeof *cpu, cmp_i64);
	printf("%lld %lld %lld\n", (long long)wall[n / 2], (long long)cpu[n / 2], (long long)n);
	free(wall);
	free(cpu);
	return 0;
}
