/*
 * The role "open-socket-peer" (suites/open/roles): the process that made a
 * unix socketpair, so that SO_PEERPIDFD on either end names it, and that
 * asks for the peer pidfd of sockets itself.
 */
#include "role.h"

static int pair[2];
static int kept = -1;

static void cmd_socket(struct request *r)
{
	(void)r;
	reply_ok_fd("", pair[1]);
}

static void cmd_say(struct request *r)
{
	(void)r;
	reply_done(write(pair[0], "x", 1), "write");
}

/* say-as writes a byte with SCM_CREDENTIALS naming the pid given, and our
 * own uid and gid. */
static void cmd_say_as(struct request *r)
{
	char control[CMSG_SPACE(sizeof(struct ucred))] = {0};
	struct ucred cred = {.pid = int_arg(r, 0), .uid = getuid(), .gid = getgid()};
	struct iovec iov = {"x", 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	reply_done(sendmsg(pair[0], &mh, 0), "sendmsg");
}

static void cmd_keep(struct request *r)
{
	if (!want(r, 0, 1))
		return;
	kept = fcntl(r->fds[0], F_DUPFD_CLOEXEC, 0);
	reply_done(kept, "fcntl(F_DUPFD_CLOEXEC)");
}

/* peer-pidfd answers with our /proc fdinfo of the socket's peer pidfd, and
 * the pidfd: of the socket sent along, or else of the kept one. */
static void cmd_peer_pidfd(struct request *r)
{
	int sock = r->nfds == 1 ? r->fds[0] : kept, pidfd, err;
	socklen_t len = sizeof(pidfd);
	char text[4000];

	if (getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0) {
		reply_err(errno, "getsockopt(SO_PEERPIDFD)");
		return;
	}
	if ((err = fdinfo_text(pidfd, text, sizeof(text)))) {
		close(pidfd);
		reply_err(err, "read /proc/self/fdinfo/%d", pidfd);
		return;
	}
	reply_ok_fd(text, pidfd);
}

/* The leader's exec answers only when it fails; the new image says ready. */
static void cmd_exec(struct request *r)
{
	if (want(r, 1, 0))
		reply_err(exec_role(r->words[1], NULL, 0), "exec %s", r->words[1]);
}

struct exec_job {
	const char *role;
	int err;
};

static void exec_on_thread(struct worker *w, void *arg)
{
	struct exec_job *j = arg;

	(void)w;
	j->err = exec_role(j->role, NULL, 0);
}

/* exec-thread is exec from a thread that is not the leader; the leader
 * waits for it, and answers if it fails. */
static void cmd_exec_thread(struct request *r)
{
	struct exec_job j = {r->nwords > 1 ? r->words[1] : "", 0};
	struct worker *w;

	if (!want(r, 1, 0))
		return;
	w = start_worker();
	post(w, exec_on_thread, &j, 1);
	end_worker(w);
	reply_err(j.err, "exec %s", j.role);
}

static const struct command socket_peer_commands[] = {
	{"socket", cmd_socket},
	{"say", cmd_say},
	{"say-as", cmd_say_as},
	{"keep", cmd_keep},
	{"peer-pidfd", cmd_peer_pidfd},
	{"exec", cmd_exec},
	{"exec-thread", cmd_exec_thread},
	{NULL, NULL},
};

int run_socket_peer(char **args, int nargs)
{
	(void)args;
	(void)nargs;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		reply_err(errno, "socketpair");
		return 1;
	}
	serve_ready(socket_peer_commands);
	return 0;
}
