/* test_chat: the controller's statuses, and the exit codes the command line gives them. */
#include <string.h>

#include "chat.h"
#include "cli.h"
#include "unit.h"

#define NSTATUS (CHAT_CANCELLED + 1)

/* Every status has its own name; a value out of range reads "unknown". */
static void
test_status_names(void)
{
	int i, j;

	CHECK_STR(chat_status_str(CHAT_OK), "ok");
	CHECK_STR(chat_status_str(CHAT_PROVIDER), "provider");
	CHECK_STR(chat_status_str(CHAT_USAGE), "usage");
	CHECK_STR(chat_status_str(CHAT_BUDGET), "budget");
	CHECK_STR(chat_status_str(CHAT_AUTH), "auth");
	CHECK_STR(chat_status_str(CHAT_CANCELLED), "cancelled");
	for (i = 0; i < NSTATUS; i++) {
		CHECK(strcmp(chat_status_str((enum chat_status)i), "unknown") != 0);
		for (j = i + 1; j < NSTATUS; j++)
			CHECK(strcmp(chat_status_str((enum chat_status)i),
			    chat_status_str((enum chat_status)j)) != 0);
	}
	CHECK_STR(chat_status_str((enum chat_status)NSTATUS), "unknown");
	CHECK_STR(chat_status_str((enum chat_status)-1), "unknown");
}

/* The exit codes llm(1) documents, one for each status. */
static void
test_status_exit_codes(void)
{
	CHECK_INT(cli_exit_code(CHAT_OK), 0);
	CHECK_INT(cli_exit_code(CHAT_PROVIDER), 1);
	CHECK_INT(cli_exit_code(CHAT_USAGE), 2);
	CHECK_INT(cli_exit_code(CHAT_BUDGET), 3);
	CHECK_INT(cli_exit_code(CHAT_AUTH), 4);
	CHECK_INT(cli_exit_code(CHAT_CANCELLED), 130);
	/* only success is 0: a failure never reads as success to a script */
	for (int i = 1; i < NSTATUS; i++)
		CHECK(cli_exit_code((enum chat_status)i) != 0);
}

int
main(void)
{
	RUN(test_status_names);
	RUN(test_status_exit_codes);
	UNIT_EXIT();
}
