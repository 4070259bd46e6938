/*
 * The role "seccomp-target" (suites/seccomp/roles): a process whose
 * openat(…, TRAP_MODE) a seccomp filter sends to a listener, as a
 * container's init does for its supervisor. The Go role installs the filter
 * on its leader thread and serves on another; this program has one thread,
 * which does both, so the filter, and the task that traps, are the leader
 * all the same.
 */
#include "role.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* seccomproles.TrapMode: openat ignores the mode without O_CREAT. */
#define TRAP_MODE 0x5ecc

#if defined(__x86_64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#endif

static int memfd = -1;

/* fd_text writes "<fd> <dev> <ino>" to text; 0 or an errno. */
static int fd_text(int fd, char *text, size_t size)
{
	int n = snprintf(text, size, "%d ", fd);

	return identity_text(fd, text + n, size - n);
}

#ifdef AUDIT_ARCH_SELF
/* install_listener is kernel.InstallListener of kernel.TrapFilter(openat,
 * 3, TRAP_MODE): openat with that mode (the low half of its fourth
 * argument, on these little-endian machines) goes to the listener, all
 * else is allowed. The listener, or -1 with errno set and what failed in
 * what. */
static int install_listener(const char **what)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[3])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRAP_MODE, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};

	*what = "prctl(PR_SET_NO_NEW_PRIVS)";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	*what = "seccomp(SECCOMP_SET_MODE_FILTER, NEW_LISTENER)";
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static void cmd_listen(struct request *r)
{
	const char *what;
	int listener = install_listener(&what), err;
	char text[96];

	(void)r;
	if (listener < 0) {
		reply_err(errno, "%s", what);
		return;
	}
	if ((err = fd_text(memfd, text, sizeof(text)))) {
		close(listener);
		reply_err(err, "fstat");
		return;
	}
	reply_ok_fd(text, listener);
}
#else
static void cmd_listen(struct request *r)
{
	(void)r;
	reply_err(EOPNOTSUPP, "no seccomp filter for this architecture");
}
#endif

/* open makes the call the filter traps, which waits for the supervisor.
 * The C library's openat passes no mode without O_CREAT: the syscall. */
static void cmd_open(struct request *r)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_CLOEXEC, TRAP_MODE), err;
	char text[96];

	(void)r;
	if (fd < 0)
		reply_err(errno, "openat");
	else if ((err = fd_text(fd, text, sizeof(text))))
		reply_err(err, "fstat");
	else
		reply_ok(text);
}

static const struct command seccomp_target_commands[] = {
	{"listen", cmd_listen},
	{"open", cmd_open},
	{NULL, NULL},
};

int run_seccomp_target(char **args, int nargs)
{
	(void)args;
	(void)nargs;
	if ((memfd = (int)syscall(SYS_memfd_create, "pidfdconf-seccomp-target", 0)) < 0) {
		reply_err(errno, "memfd_create");
		return 1;
	}
	serve_ready(seccomp_target_commands);
	return 0;
}
