/* test_cmd_check: which proposed commands are marked as deleting or overwriting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_check.h"
#include "unit.h"
#include "util.h"

/* What cmd_check says of cmd is want ("": nothing); a case that fails names its command. */
static void
marked(const char *cmd, const char *want)
{
	char why[256];

	cmd_check(cmd, why, sizeof why);
	if (strcmp(why, want) != 0)
		fprintf(stderr, "command: %s\n", cmd);
	CHECK_STR(why, want);
}

/* Each of the NULL-ended cmds is marked as want. */
static void
marked_all(const char *const *cmds, const char *want)
{
	for (; *cmds != NULL; cmds++)
		marked(*cmds, want);
}

static void
test_destroyers(void)
{
	static const char *const rm[] = {
		"rm -rf build",
		"sudo rm -rf /tmp/x",
		"/bin/rm x",
		"ls -la | grep x; rm y",
		"cd build && rm -r out",
		"echo $(rm x)",
		NULL,
	};
	static const char *const force[] = {
		"git push --force origin main",
		"git push -f",
		"git push origin +main",
		NULL,
	};

	marked_all(rm, "rm");
	marked_all(force, "git push --force");
	marked("dd if=/dev/zero of=/dev/sda bs=1M", "dd");
	marked("mkfs.ext4 /dev/sdb1", "mkfs.ext4");
	marked("git reset --hard HEAD~1", "git reset --hard");
	marked("find . -name '*.o' -delete", "find -delete");
}

static void
test_harmless(void)
{
	static const char *const cmds[] = {
		"ls -la",
		"find . -size +1G -mtime -7",
		"git push origin main",
		"git reset HEAD file",
		"echo rm",
		"grep -r 'rm -rf' .",
		"cat x > /dev/null",
		"echo hi >> log.txt",
		NULL,
	};

	marked_all(cmds, "");
}

static void
test_redirect(void)
{
	char dir[] = "/tmp/cmdcheck.XXXXXX", *f, *cmd, why[256];
	FILE *fp;

	CHECK(mkdtemp(dir) != NULL);
	f = xstrfmt("%s/notes.txt", dir);
	cmd = xstrfmt("echo hi > %s", f);
	cmd_check(cmd, why, sizeof why);
	CHECK_STR(why, "");           /* not there yet: nothing is overwritten */
	fp = fopen(f, "w");
	CHECK(fp != NULL);
	if (fp)
		fclose(fp);
	cmd_check(cmd, why, sizeof why);
	CHECK(strstr(why, "> ") == why && strstr(why, "(exists)") != NULL);
	free(cmd);
	cmd = xstrfmt("sort x >'%s'", f);
	CHECK_INT(cmd_check(cmd, why, sizeof why), 1);
	free(cmd);
	cmd = xstrfmt("echo hi >> %s", f);
	CHECK_INT(cmd_check(cmd, why, sizeof why), 0);
	free(cmd);
	unlink(f);
	rmdir(dir);
	free(f);
}

int
main(void)
{
	RUN(test_destroyers);
	RUN(test_harmless);
	RUN(test_redirect);
	UNIT_EXIT();
}
