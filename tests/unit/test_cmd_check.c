/* test_cmd_check: which proposed commands are marked as deleting or overwriting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_check.h"
#include "unit.h"
#include "util.h"

static void
marked(const char *cmd, const char *want)
{
	char why[256];

	cmd_check(cmd, why, sizeof why);
	CHECK_STR(why, want);
}

static void
test_destroyers(void)
{
	marked("rm -rf build", "rm");
	marked("sudo rm -rf /tmp/x", "rm");
	marked("/bin/rm x", "rm");
	marked("dd if=/dev/zero of=/dev/sda bs=1M", "dd");
	marked("mkfs.ext4 /dev/sdb1", "mkfs.ext4");
	marked("git reset --hard HEAD~1", "git reset --hard");
	marked("git push --force origin main", "git push --force");
	marked("git push -f", "git push --force");
	marked("git push origin +main", "git push --force");
	marked("find . -name '*.o' -delete", "find -delete");
	marked("ls -la | grep x; rm y", "rm");
	marked("cd build && rm -r out", "rm");
	marked("echo $(rm x)", "rm");
}

static void
test_harmless(void)
{
	marked("ls -la", "");
	marked("find . -size +1G -mtime -7", "");
	marked("git push origin main", "");
	marked("git reset HEAD file", "");
	marked("echo rm", "");
	marked("grep -r 'rm -rf' .", "");
	marked("cat x > /dev/null", "");
	marked("echo hi >> log.txt", "");
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
