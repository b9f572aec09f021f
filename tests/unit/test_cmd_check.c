/* test_cmd_check: which proposed commands are marked as deleting or overwriting. */
#include <locale.h>
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
		/* the command another runs: find's -exec, a shell's -c, a wrapper's options */
		"find . -name '*.pyc' -exec rm {} +",
		"find . -type d -name __pycache__ -exec rm -rf {} \\;",
		"find /tmp -mtime +7 -execdir rm -f {} ';'",
		"sudo -u www-data rm -rf /var/cache/app",
		"sudo -E -u root rm x",
		"xargs -n 1 rm",
		"find . -name '*.o' -print0 | xargs -0 -P 4 rm -f",
		"ls | xargs -I{} rm {}",
		"env -u HOME rm x",
		"timeout 10 rm -rf build",
		"nice -n 19 rm -rf build",
		"sh -c 'rm -rf build'",
		"bash -lc 'rm -rf build'",
		"bash -c \"cd out && rm -r *\"",
		/* every line of a script, a command after the shell's words */
		"for f in *.log; do\n  gzip \"$f\"\n  rm \"$f.bak\"\ndone",
		"for f in *.log; do rm \"$f\"; done",
		"if test -d out; then rm -r out; fi",
		"while read -r f; do\n  rm -- \"$f\"\ndone < list",
		"# don't keep the old ones\nrm old",
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
		"find . -name '*.c' -exec grep -l main {} +",
		"sudo -u www-data ls /var/www",
		"command -v rm",
		"xargs -n 1 echo",
		"sh -c 'ls -la'",
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

/* The command read from reply (cut off when cut) is want, its explanation want_explain (NULL: none). */
static void
reply_reads_cut(const char *reply, bool cut, const char *want, const char *want_explain)
{
	char *explain = NULL;
	char *cmd = cmd_parse_reply(reply, cut, &explain);

	if (want == NULL)
		CHECK(cmd == NULL);
	else
		CHECK_STR(cmd ? cmd : "(none)", want);
	if (want_explain == NULL)
		CHECK(explain == NULL);
	else
		CHECK_STR(explain ? explain : "(none)", want_explain);
	free(cmd);
	free(explain);
}

/* The command read from a whole reply is want, its explanation want_explain (NULL: none). */
static void
reply_reads(const char *reply, const char *want, const char *want_explain)
{
	reply_reads_cut(reply, false, want, want_explain);
}

static void
test_parse_reply(void)
{
	reply_reads("ls -la\n# list every file", "ls -la", "list every file");
	reply_reads("$ du -sh .\n", "du -sh .", NULL);
	/* a quote, a zsh prompt sign or inline code around it: the command inside */
	reply_reads("> ls -la\n# list every file", "ls -la", "list every file");
	reply_reads("> $ ls -la\n", "ls -la", NULL);
	reply_reads("% du -sh .\n", "du -sh .", NULL);
	reply_reads("`du -sh .`\n# sizes", "du -sh .", "sizes");
	reply_reads("`du -sh .` and `ls`\n", "`du -sh .` and `ls`", NULL);
	reply_reads("echo a > b\n", "echo a > b", NULL);
	reply_reads("```sh\nfind . -size +1G\n```\n# big files", "find . -size +1G", "big files");
	/* a model that talks first: the command is in the fence, not the talk */
	reply_reads("Sure! Here is the command:\n\n```bash\nfind . -name '*.o' -delete\n```\n"
	    "This deletes the object files.", "find . -name '*.o' -delete",
	    "This deletes the object files.");
	/* the sentence after the fence is its explanation: the first one, one line */
	reply_reads("```sh\nls -la\n```\nLists files.", "ls -la", "Lists files.");
	reply_reads("```sh\nls -la\n```\n\nLists files.\nHidden ones too.\n", "ls -la", "Lists files.");
	reply_reads("```sh\nls -la\n# every file\n```\nLists files.", "ls -la", "every file");
	reply_reads("```sh\nls -la\n```\nOr, with find:\n```sh\nfind .\n```\n", "ls -la", NULL);
	reply_reads_cut("```sh\nls -la\n```\nLists fi", true, "ls -la", NULL);
	{
		/* cut on a character's boundary, never inside one */
		char reply[256], want[256], as[160];

		memset(as, 'a', 153);
		as[153] = '\0';
		snprintf(reply, sizeof reply, "ls\nLists %s\xc3\xa9.", as);
		snprintf(want, sizeof want, "Lists %s\xe2\x80\xa6", as);
		reply_reads(reply, "ls", want);
	}
	reply_reads("```sh\nls\n```\nLists every file in this directory, and this sentence runs on "
	    "well past what one line under a command should hold, so it is cut at its limit with an "
	    "ellipsis to show it.",
	    "ls", "Lists every file in this directory, and this sentence runs on well past what one "
	    "line under a command should hold, so it is cut at its limit with an ellipsis to\xe2\x80\xa6");
	/* outside a UTF-8 locale the ellipsis is three dots, as every glyph llm writes */
	CHECK(setlocale(LC_CTYPE, "C") != NULL);
	reply_reads("```sh\nls\n```\nLists every file in this directory, and this sentence runs on "
	    "well past what one line under a command should hold, so it is cut at its limit with an "
	    "ellipsis to show it.",
	    "ls", "Lists every file in this directory, and this sentence runs on well past what one "
	    "line under a command should hold, so it is cut at its limit with an ellipsis to...");
	CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
	reply_reads("To list them:\n```\n# every file, hidden ones too\nls -la\n```\n",
	    "ls -la", "every file, hidden ones too");
	reply_reads("", NULL, NULL);
	reply_reads("```sh\n```\n", NULL, NULL);
	/* indented lines, as a model lays out a fence or a list */
	reply_reads("```bash\n  ls -la\n```\n  # list every file", "ls -la", "list every file");
	reply_reads("\tdu -sh .\n\t# sizes", "du -sh .", "sizes");
	/* a command wrapped over lines is all of it, on one line */
	reply_reads("```sh\nfind . -name '*.tmp' \\\n  -mtime +7 \\\n  -delete\n```\n# old temp files",
	    "find . -name '*.tmp' -mtime +7 -delete", "old temp files");
	reply_reads("tar czf backup.tgz \\\n    src docs\n# archives the sources",
	    "tar czf backup.tgz src docs", "archives the sources");
	reply_reads("echo a\\\\\nls\n", "echo a\\\\\nls", NULL);
	/* a script over lines is all of it, never its first line alone */
	reply_reads("```bash\nfor f in *.log; do\n  gzip \"$f\"\ndone\n```\n# compress the logs",
	    "for f in *.log; do\n  gzip \"$f\"\ndone", "compress the logs");
	reply_reads("```sh\n  cd build\n  make\n\n```\n", "cd build\nmake", NULL);
	reply_reads("```sh\nmkdir out\ncp a out/\n# copies a into out\n```\n", "mkdir out\ncp a out/",
	    "copies a into out");
	reply_reads("for f in *.log; do\n  gzip \"$f\"\ndone\n# compress the logs",
	    "for f in *.log; do\n  gzip \"$f\"\ndone", "compress the logs");
	reply_reads("ls\n\nThat lists them.", "ls", "That lists them.");
	/* a session shown with prompt signs: the commands, not their output */
	reply_reads("```\n$ cd src\n$ ls\nmain.c\n```\n", "cd src\nls", NULL);
	/* talk is no command: a sentence whose first word is nothing the shell runs */
	reply_reads("I can't help with that.", NULL, NULL);
	reply_reads("Sorry, I can't do that.\nIt would delete your home directory.", NULL, NULL);
	reply_reads("Paris.\n", NULL, NULL);
	reply_reads("..\n", NULL, NULL);
	reply_reads("# no command can undo a sent mail\n", NULL, "no command can undo a sent mail");
	reply_reads("Here is the command:\nls -la\n# list every file", "ls -la", "list every file");
	reply_reads("ls -la\nThat lists every file, hidden ones too.", "ls -la",
	    "That lists every file, hidden ones too.");
	/* a command that ends as a sentence does is still one */
	reply_reads("du -sh .\n", "du -sh .", NULL);
	reply_reads("cp notes.txt ..", "cp notes.txt ..", NULL);
	reply_reads("cd /tmp && ls .", "cd /tmp && ls .", NULL);
	reply_reads("./configure --prefix=/opt.", "./configure --prefix=/opt.", NULL);
	reply_reads("echo Done.", "echo Done.", NULL);
	reply_reads("Make a directory", "Make a directory", NULL);
	/* a reply cut off: a line it may have ended early is not read */
	reply_reads_cut("```sh\nfor f in *.log; do\n  gzip \"$f\"\n", true, NULL, NULL);
	reply_reads_cut("for f in *.log; do\n  gzip \"$f\"\n", true, NULL, NULL);
	reply_reads_cut("```sh\ncd build\nmake\n```", true, "cd build\nmake", NULL);
	reply_reads_cut("ls -la\n# lists every fi", true, "ls -la", NULL);
	reply_reads_cut("rm -rf /tmp/bu", true, NULL, NULL);
	reply_reads_cut("```sh\nrm -rf /tmp/build/cache\n```\n# removes the ca", true,
	    "rm -rf /tmp/build/cache", NULL);
	reply_reads_cut("find . -name '*.tmp' \\\n  -mti", true, NULL, NULL);
	reply_reads_cut("ls -la\n# lists every file\n", true, "ls -la", "lists every file");
}

int
main(void)
{
	/* llm's own setlocale: what it shows is UTF-8 unless a test sets another locale */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		fprintf(stderr, "test_cmd_check: no C.UTF-8 locale\n");
		return 1;
	}
	RUN(test_parse_reply);
	RUN(test_destroyers);
	RUN(test_harmless);
	RUN(test_redirect);
	UNIT_EXIT();
}
