/*
 * The role "pidns-reuse-witness" (internal/role/reuse_witness.go): a
 * process in a pid namespace beside the process whose number comes back,
 * that holds a pidfd of it and asks the kernel about it from inside.
 */
#include "role.h"

/* struct pidfd_info as x/sys v0.49 has it (PidfdInfo, 88 bytes), so that
 * PIDFD_GET_INFO is the request the Go role makes. */
struct pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, coredump_signal, coredump_code, coredump_pad;
	uint64_t supported_mask;
};
_Static_assert(sizeof(struct pidfd_info) == 88, "x/sys's PidfdInfo is 88 bytes");
#define PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info)

static int held = -1;

/* with_held checks a command's words, and that a pidfd is held (EBADF
 * before hold). */
static int with_held(struct request *r, int args)
{
	if (!want(r, args, 0))
		return 0;
	if (held < 0) {
		reply_err(EBADF, "no pidfd held yet");
		return 0;
	}
	return 1;
}

/* hold makes a pidfd of the number given the held one and answers the Pid
 * line of its fdinfo here. */
static void cmd_hold(struct request *r)
{
	char text[4000], *pid;
	int fd, err;

	if (!want(r, 1, 0))
		return;
	if ((fd = pidfd_open(int_arg(r, 0), 0)) < 0) {
		reply_err(errno, "pidfd_open");
		return;
	}
	if (held >= 0)
		close(held);
	held = fd;
	if ((err = fdinfo_text(held, text, sizeof(text)))) {
		reply_err(err, "read /proc/self/fdinfo/%d", held);
		return;
	}
	if (!(pid = strstr(text, "\nPid:"))) {
		reply_ok("");
		return;
	}
	pid += strlen("\nPid:");
	pid += strspn(pid, " \t");
	pid[strcspn(pid, "\n")] = '\0';
	reply_ok(pid);
}

static void cmd_signal(struct request *r)
{
	if (with_held(r, 1))
		reply_done(pidfd_send_signal(held, int_arg(r, 0), NULL, 0), "pidfd_send_signal");
}

static void cmd_fdinfo(struct request *r)
{
	char text[4000];
	int err;

	if (!with_held(r, 0))
		return;
	if ((err = fdinfo_text(held, text, sizeof(text))))
		reply_err(err, "read /proc/self/fdinfo/%d", held);
	else
		reply_ok(text);
}

static void cmd_poll(struct request *r)
{
	char text[16];
	short revents;
	int err;

	if (!with_held(r, 0))
		return;
	if ((err = poll_now(held, &revents))) {
		reply_err(err, "poll");
		return;
	}
	snprintf(text, sizeof(text), "%d", revents);
	reply_ok(text);
}

static void cmd_info(struct request *r)
{
	struct pidfd_info info = {0};
	char text[96];

	if (!with_held(r, 1))
		return;
	info.mask = strtoull(r->words[1], NULL, 10);
	if (ioctl(held, PIDFD_GET_INFO, &info) < 0) {
		reply_err(errno, "ioctl(PIDFD_GET_INFO)");
		return;
	}
	snprintf(text, sizeof(text), "%llu %u %d", (unsigned long long)info.mask, info.pid, info.exit_code);
	reply_ok(text);
}

/* inodes answers the identity of the held pidfd and of a pidfd opened now
 * for the number given. */
static void cmd_inodes(struct request *r)
{
	char stale[64], reopened[64], text[130];
	int fd, err;

	if (!with_held(r, 1))
		return;
	if ((err = identity_text(held, stale, sizeof(stale)))) {
		reply_err(err, "fstat(%d)", held);
		return;
	}
	if ((fd = pidfd_open(int_arg(r, 0), 0)) < 0) {
		reply_err(errno, "pidfd_open(%d)", int_arg(r, 0));
		return;
	}
	if ((err = identity_text(fd, reopened, sizeof(reopened)))) {
		reply_err(err, "fstat(%d)", fd);
		close(fd);
		return;
	}
	close(fd);
	snprintf(text, sizeof(text), "%s %s", stale, reopened);
	reply_ok(text);
}

static const struct command reuse_witness_commands[] = {
	{"hold", cmd_hold},
	{"signal", cmd_signal},
	{"fdinfo", cmd_fdinfo},
	{"poll", cmd_poll},
	{"info", cmd_info},
	{"inodes", cmd_inodes},
	{NULL, NULL},
};

int run_reuse_witness(char **args, int nargs)
{
	(void)args;
	(void)nargs;
	serve_ready(reuse_witness_commands);
	return 0;
}
