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
 * "median_wall_us median_cpu_us runs".
 *
 * startup N A [ARGS...] -- B [ARGS...]: run A and B in turn, N times each,
 * so that both meet the same load, and print "A_wall A_cpu B_wall B_cpu runs
 * cpu_ratio_permille wall_diff_us": medians of each, then the medians of the
 * per-pair CPU ratio and wall difference. Exits 1 if any run failed.
 */
int
main(int argc, char **argv)
{
	int64_t *wall[2], *cpu[2], *ratio, *diff, w, c;
	char **cmd[2] = { NULL, NULL };
	int64_t n;
	int i, k, rc, ncmd = 1;

	if (argc < 3 || !str_to_i64(argv[1], &n) || n < 1 || n > 100000) {
		fprintf(stderr, "usage: startup N COMMAND [ARGS...] [-- COMMAND [ARGS...]]\n");
		return 2;
	}
	cmd[0] = argv + 2;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			argv[i] = NULL;
			cmd[1] = argv + i + 1;
			ncmd = 2;
			break;
		}
	}
	for (k = 0; k < 2; k++) {
		wall[k] = xcalloc((size_t)n, sizeof(int64_t));
		cpu[k] = xcalloc((size_t)n, sizeof(int64_t));
	}
	ratio = xcalloc((size_t)n, sizeof(int64_t));
	diff = xcalloc((size_t)n, sizeof(int64_t));
	for (k = 0; k < ncmd; k++) {
		if (run_once(cmd[k], &w, &c) != 0) {
			fprintf(stderr, "startup: %s failed\n", cmd[k][0]);
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < ncmd; k++) {
			rc = run_once(cmd[k], &wall[k][i], &cpu[k][i]);
			if (rc != 0) {
				fprintf(stderr, "startup: %s exited %d\n", cmd[k][0], rc);
				return 1;
			}
		}
		if (ncmd == 2) {
			ratio[i] = cpu[1][i] > 0 ? cpu[0][i] * 1000 / cpu[1][i] : 0;
			diff[i] = wall[0][i] - wall[1][i];
		}
	}
	if (ncmd == 1) {
		printf("%lld %lld %lld\n", (long long)median(wall[0], (size_t)n),
		    (long long)median(cpu[0], (size_t)n), (long long)n);
	} else {
		printf("%lld %lld %lld %lld %lld %lld %lld\n", (long long)median(wall[0], (size_t)n),
		    (long long)median(cpu[0], (size_t)n), (long long)median(wall[1], (size_t)n),
		    (long long)median(cpu[1], (size_t)n), (long long)n, (long long)median(ratio, (size_t)n),
		    (long long)median(diff, (size_t)n));
	}
	for (k = 0; k < 2; k++) {
		free(wall[k]);
		free(cpu[k]);
	}
	free(ratio);
	free(diff);
	return 0;
}
