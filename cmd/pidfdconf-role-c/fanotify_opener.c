/*
 * The role "fanotify-opener" (suites/fanotify/roles): the process whose
 * opens a fanotify group reports.
 */
#include "role.h"

static void cmd_open(struct request *r)
{
	int fd;

	if (!want(r, 1, 0))
		return;
	if ((fd = open(r->words[1], O_RDONLY | O_CLOEXEC)) < 0) {
		reply_err(errno, "open");
		return;
	}
	reply_done(close(fd), "close");
}

static const struct command fanotify_opener_commands[] = {
	{"open", cmd_open},
	{NULL, NULL},
};

int run_fanotify_opener(char **args, int nargs)
{
	(void)args;
	(void)nargs;
	serve_ready(fanotify_opener_commands);
	return 0;
}
