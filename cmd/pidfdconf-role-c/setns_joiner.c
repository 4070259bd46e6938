/*
 * The role "setns-joiner" (internal/role.Joiner): the process that calls
 * setns(2) for the setns suite, so that the test process's namespaces never
 * change. setns(2) into a user or a time namespace wants a single-threaded
 * caller with an mm and an fs_struct of its own: this program is one, no
 * Go process is, which is why the role has no Go twin.
 */
#include "role.h"

/* setns <flags> + fd: setns(fd, flags), flags a 32-bit nstype in decimal. */
static void cmd_setns(struct request *r)
{
	if (!want(r, 1, 1))
		return;
	reply_done(setns(r->fds[0], int_arg(r, 0)), "setns");
}

static const struct command joiner_commands[] = {
	{"setns", cmd_setns},
	{NULL, NULL},
};

int run_setns_joiner(char **args, int nargs)
{
	(void)args;
	(void)nargs;
	serve_ready(joiner_commands);
	return 0;
}
