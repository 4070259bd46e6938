/*
 * The role "pidns-init" (internal/role/pidns_init.go): pid 1 of a new pid
 * and mount namespace, with a /proc of its own, that starts processes at
 * chosen pid numbers (ns_last_pid), reaps them and opens pidfds inside.
 *
 * Unlike the Go role it has no threads, so no runtime thread can take the
 * number between the ns_last_pid write and the fork. It does not know the
 * role registry: a spawn of a role that no binary has answers ok, and the
 * new process dies with the Go binary's "unknown helper role".
 */
#include "role.h"

#define MAX_SPAWNED 4096
#define SPAWN_TRIES 20

/* The processes spawn started and reap has not yet reaped. */
static pid_t spawned[MAX_SPAWNED];
static int nspawned;

/* set_last_pid makes want the next pid number of the namespace. It
 * returns 0 or an errno, with what failed in what. */
static int set_last_pid(int want, const char **what)
{
	char number[32];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC), err = 0;

	*what = "write ns_last_pid: open /proc/sys/kernel/ns_last_pid";
	if (fd < 0)
		return errno;
	snprintf(number, sizeof(number), "%d", want - 1);
	*what = "write ns_last_pid: write /proc/sys/kernel/ns_last_pid";
	if (write(fd, number, strlen(number)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* A spawn is what to start: a role with its peer socket, or (role NULL) a
 * process that only holds its pid number until it is killed. */
struct spawn {
	const char *role;
	char **args;
	int nargs;
	int peer;
};

/* child runs in the new process. A role gets the peer as fd 3, no fd 0 and
 * the namespace's stdout and stderr, as the Go role's os.StartProcess does;
 * a role of this program runs in this fork (become_role), any other is
 * exec'd, and an exec failure goes back to the parent through report. A
 * blocked process is role.StartBlockedChild's: every signal blocked, no
 * fds, dead with its parent. */
static void child(const struct spawn *s, int report)
{
	int err;

	if (!s->role)
		become_blocked();
	if (dup2(s->peer, CHANNEL_FD) < 0) {
		err = errno;
	} else {
		close(0);
		become_role(s->role, s->args, s->nargs);
		err = exec_role(s->role, s->args, s->nargs);
	}
	write(report, &err, sizeof(err));
	_exit(127);
}

/* start forks the process s asks for and returns its pid and a pidfd, or
 * -1 with an errno in *err. */
static pid_t start(const struct spawn *s, int *pidfd, int *err)
{
	int report[2], failed = 0;
	pid_t pid;

	if (pipe2(report, O_CLOEXEC) < 0) {
		*err = errno;
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child(s, report[1]);
	*err = errno;
	close(report[1]);
	if (pid > 0 && read(report[0], &failed, sizeof(failed)) == sizeof(failed)) {
		waitpid(pid, NULL, 0);
		*err = failed;
		pid = -1;
	}
	close(report[0]);
	if (pid > 0 && (*pidfd = pidfd_open(pid, 0)) < 0) {
		*err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	return pid;
}

/* spawn_at answers a spawn command: it starts s at pid number want (any
 * when 0) and replies with the number and the pidfd. A number that stays
 * taken is EBUSY, as in the Go role. */
static void spawn_at(int want, const struct spawn *s)
{
	if (nspawned == MAX_SPAWNED) {
		reply_err(EAGAIN, "pid 1 already has %d unreaped processes", MAX_SPAWNED);
		return;
	}
	for (int try = 0; try < SPAWN_TRIES; try++) {
		const char *what;
		char number[32];
		int pidfd, err;
		pid_t pid;

		if (want > 0 && (err = set_last_pid(want, &what))) {
			reply_err(err, "%s", what);
			return;
		}
		if ((pid = start(s, &pidfd, &err)) < 0) {
			reply_err(err, "start %s", s->role ? s->role : "a blocked process");
			return;
		}
		if (want == 0 || pid == want) {
			spawned[nspawned++] = pid;
			snprintf(number, sizeof(number), "%d", pid);
			reply_ok_fd(number, pidfd);
			return;
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(pidfd);
	}
	reply_err(EBUSY, "pid %d stayed taken in the namespace", want);
}

static void cmd_spawn(struct request *r)
{
	struct spawn s;

	if (r->nwords - 1 < 2 || r->nfds != 1) {
		reply_err(EINVAL, "usage: spawn <pid> <role> [args] + peer fd");
		return;
	}
	s.role = r->words[2];
	s.args = r->words + 3;
	s.nargs = r->nwords - 3;
	s.peer = r->fds[0];
	spawn_at(int_arg(r, 0), &s);
}

static void cmd_spawn_blocked(struct request *r)
{
	struct spawn s = {0};

	if (want(r, 1, 0))
		spawn_at(int_arg(r, 0), &s);
}

static void cmd_reap(struct request *r)
{
	int i, status, err;
	pid_t pid = int_arg(r, 0);
	char text[32];

	for (i = 0; i < nspawned && spawned[i] != pid; i++)
		;
	if (r->nwords != 2 || r->nfds != 0 || i == nspawned || pid <= 0) {
		reply_err(ECHILD, "reap %s: not a child of this pid 1", r->nwords > 1 ? r->words[1] : "");
		return;
	}
	spawned[i] = spawned[--nspawned];
	if ((err = wait_child(pid, &status))) {
		reply_err(err, "wait for %d", pid);
		return;
	}
	snprintf(text, sizeof(text), "%d", status);
	reply_ok(text);
}

static void cmd_pidfd_open(struct request *r)
{
	int fd;

	if (!want(r, 2, 0))
		return;
	if ((fd = pidfd_open(int_arg(r, 0), int_arg(r, 1))) < 0) {
		int err = errno; /* int_arg clears errno */

		reply_err(err, "pidfd_open %s", r->words[1]);
	} else
		reply_ok_fd("", fd);
}

static void cmd_fdinfo(struct request *r)
{
	char text[4000];
	int err;

	if (!want(r, 0, 1))
		return;
	if ((err = fdinfo_text(r->fds[0], text, sizeof(text))))
		reply_err(err, "read /proc/self/fdinfo/%d", r->fds[0]);
	else
		reply_ok(text);
}

static const struct command pidns_init_commands[] = {
	{"spawn", cmd_spawn},
	{"spawn-blocked", cmd_spawn_blocked},
	{"reap", cmd_reap},
	{"pidfd_open", cmd_pidfd_open},
	{"fdinfo", cmd_fdinfo},
	{NULL, NULL},
};

int run_pidns_init(char **args, int nargs)
{
	(void)args;
	(void)nargs;
	/* A /proc that shows the namespace's own pids, without touching the
	 * parent's mounts. */
	if (mount("", "/", "", MS_REC | MS_PRIVATE, "") < 0) {
		reply_err(errno, "make / private");
		return 1;
	}
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "") < 0) {
		reply_err(errno, "mount /proc");
		return 1;
	}
	serve_ready(pidns_init_commands);
	return 0;
}
