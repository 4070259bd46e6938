/*
 * The role "pidfs-ptrace-target" (suites/pidfs/roles): a process to check
 * ptrace access against. Its arguments are <dumpable 0|1> [uid]: it becomes
 * that user (uid and gid), if given, sets PR_SET_DUMPABLE as asked, says
 * ready and waits to be killed.
 */
#include "role.h"

int run_ptrace_target(char **args, int nargs)
{
	const char *what = "usage: pidfs-ptrace-target <dumpable 0|1> [uid]";
	int err = nargs == 1 || nargs == 2 ? 0 : EINVAL;

	if (!err && nargs == 2)
		err = become_user(args[1], &what);
	if (!err && prctl(PR_SET_DUMPABLE, parse_int(args[0]), 0, 0, 0) < 0) {
		err = errno;
		what = "prctl(PR_SET_DUMPABLE)";
	}
	if (err) {
		reply_err(err, "%s", what);
		return 1;
	}
	serve_ready(no_commands);
	return 0;
}
