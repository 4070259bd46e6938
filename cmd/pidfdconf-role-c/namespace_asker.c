/*
 * The role "pidfs-namespace-asker" (suites/pidfs/roles): a process that
 * asks for a PIDFD_GET_*_NAMESPACE fd of the pidfd the test sends, as the
 * user its argument names, if any (which leaves it no capability).
 */
#include "role.h"

/* ns <ioctl> + pidfd: the ioctl, whose namespace fd is closed at once. */
static void cmd_ns(struct request *r)
{
	unsigned long request;
	int nsfd;

	if (!want(r, 1, 1))
		return;
	request = strtoul(r->words[1], NULL, 0);
	if ((nsfd = ioctl(r->fds[0], request, 0)) < 0) {
		reply_err(errno, "ioctl(%s)", r->words[1]);
		return;
	}
	reply_done(close(nsfd), "close");
}

static const struct command namespace_asker_commands[] = {
	{"ns", cmd_ns},
	{NULL, NULL},
};

int run_namespace_asker(char **args, int nargs)
{
	if (nargs == 1) {
		const char *what;
		int err = become_user(args[0], &what);

		if (err) {
			reply_err(err, "%s", what);
			return 1;
		}
	}
	serve_ready(namespace_asker_commands);
	return 0;
}
