/*
 * The role "signal-sender" (suites/signal/roles): a process that sends
 * signals through the pidfds the test gives it, as the user its arguments
 * name, if any.
 */
#include "role.h"

static void cmd_send(struct request *r)
{
	if (!want(r, 2, 1))
		return;
	reply_done(pidfd_send_signal(r->fds[0], int_arg(r, 0), NULL, int_arg(r, 1)), "pidfd_send_signal");
}

/* queue sends the siginfo sigqueue(3) makes: SI_QUEUE, our own pid and uid
 * as we see them, sival_int the value. */
static void cmd_queue(struct request *r)
{
	siginfo_t info;

	if (!want(r, 2, 1))
		return;
	memset(&info, 0, sizeof(info));
	info.si_signo = int_arg(r, 0);
	info.si_code = SI_QUEUE;
	info.si_pid = getpid();
	info.si_uid = getuid();
	info.si_value.sival_int = int_arg(r, 1);
	reply_done(pidfd_send_signal(r->fds[0], info.si_signo, &info, 0), "pidfd_send_signal");
}

/* kill_own_child starts a blocked child, sends it SIGKILL through a pidfd
 * and reaps it, answering its wait status. A refused send is the answer;
 * the child is then killed by pid and reaped all the same. */
static void cmd_kill_own_child(struct request *r)
{
	int pidfd, status = 0, err = 0, waited;
	const char *what = "pidfd_open";
	char text[32];
	pid_t pid;

	if (!want(r, 0, 0))
		return;
	if ((pid = start_blocked()) < 0) {
		reply_err(errno, "start blocked child");
		return;
	}
	if ((pidfd = pidfd_open(pid, 0)) < 0) {
		err = errno;
	} else {
		if (pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0) {
			err = errno;
			what = "pidfd_send_signal";
		}
		close(pidfd);
	}
	if (err)
		kill(pid, SIGKILL);
	if ((waited = wait_child(pid, &status)) && !err) {
		err = waited;
		what = "wait4";
	}
	if (err) {
		reply_err(err, "%s", what);
		return;
	}
	snprintf(text, sizeof(text), "%d", status);
	reply_ok(text);
}

const struct command signal_sender_commands[] = {
	{"send", cmd_send},
	{"queue", cmd_queue},
	{"kill-own-child", cmd_kill_own_child},
	{NULL, NULL},
};

int run_signal_sender(char **args, int nargs)
{
	if (nargs != 0 && nargs != 2) {
		send_text("err EINVAL usage: signal-sender [<uid> <gid>]");
		return 2;
	}
	if (nargs == 2) {
		const char *what;
		int err = drop_privileges(parse_int(args[0]), parse_int(args[1]), &what);

		if (err) {
			reply_err(err, "%s", what);
			return 1;
		}
	}
	serve_ready(signal_sender_commands);
	return 0;
}
