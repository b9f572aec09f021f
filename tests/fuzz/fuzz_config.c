/* fuzz_config: config_load on a config.ini holding the input, in a directory of its own. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[] = "/tmp/llm-fuzz-config.XXXXXX";
static char fuzz_path[sizeof fuzz_dir + 16];

static void
fuzz_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

/* Point LLM_CONFIG_DIR and LLM_DATA_DIR at a fresh temporary directory. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	snprintf(fuzz_path, sizeof fuzz_path, "%s/config.ini", fuzz_dir);
	setenv("LLM_CONFIG_DIR", fuzz_dir, 1);
	setenv("LLM_DATA_DIR", fuzz_dir, 1);
	atexit(fuzz_cleanup);
	return 0;
}

/* Write the input as config.ini, load it, dump it and free it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *cause = NULL;
	FILE *f = fopen(fuzz_path, "wb");
	int rc;

	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	memset(&cfg, 0, sizeof cfg);
	rc = config_load(&cfg, &cause);
	if (rc != 0 && (cause == NULL || *cause == '\0'))
		abort();
	f = fopen("/dev/null", "w");
	if (f != NULL) {
		config_dump(&cfg, f);
		fclose(f);
	}
	config_done(&cfg);
	free(cause);
	return 0;
}
