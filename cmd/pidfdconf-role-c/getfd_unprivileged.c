/*
 * The role "getfd-unprivileged" (suites/getfd/roles): a caller of
 * pidfd_getfd(2) without privileges, as the user its argument names, if
 * any, or as the test's unprivileged user it was started as.
 */
#include "role.h"

static void cmd_getfd(struct request *r)
{
	int pidfd, err;

	if (!want(r, 2, 0))
		return;
	if ((pidfd = pidfd_open(int_arg(r, 0), 0)) < 0) {
		reply_err(errno, "pidfd_open");
		return;
	}
	err = getfd_and_close(pidfd, int_arg(r, 1));
	close(pidfd);
	if (err)
		reply_err(err, "pidfd_getfd");
	else
		reply_ok("");
}

static void cmd_getfd_through(struct request *r)
{
	int err;

	if (!want(r, 1, 1))
		return;
	if ((err = getfd_and_close(r->fds[0], int_arg(r, 0))))
		reply_err(err, "pidfd_getfd");
	else
		reply_ok("");
}

static const struct command getfd_unprivileged_commands[] = {
	{"getfd", cmd_getfd},
	{"getfd-through", cmd_getfd_through},
	{NULL, NULL},
};

int run_getfd_unprivileged(char **args, int nargs)
{
	if (nargs == 1) {
		const char *what;
		int err = become_user(args[0], &what);

		if (err) {
			fprintf(stderr, "drop privileges: %s: %s\n", what, strerror(err));
			return 1;
		}
	}
	serve_ready(getfd_unprivileged_commands);
	return 0;
}
