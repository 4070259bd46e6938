/*
 * The role "pidfs-landlocked" (suites/pidfs/roles): a process confined by
 * a Landlock ruleset that handles every filesystem right and grants none.
 * It says ready, confines itself, tries opening its own executable and
 * each pidfd operation, and answers "ok <op>=<ERRNO|success>;…".
 */
#include "role.h"

#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12)
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)

/* handled_fs is every filesystem right up to ABI 5, trimmed to what the
 * running ABI knows: the kernel rejects unknown bits. */
static uint64_t handled_fs(long abi)
{
	uint64_t rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1 */

	if (abi >= 2)
		rights |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return rights;
}

static int confine(const char **what)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	struct landlock_attr attr = {0};

	if (abi < 0) {
		*what = "landlock ABI";
		return errno;
	}
	attr.handled_access_fs = handled_fs(abi);
	/* Only handled_access_fs: every ABI accepts that size. */
	return landlock_confine(&attr, sizeof(attr.handled_access_fs), what);
}

/* The program's own file, as kernel.SelfExecutable names it in the Go
 * role: /proc/self/exe's target read at start (os.Executable reads it in
 * its init) without the " (deleted)" of a replaced file, else argv[0]
 * when absolute, else none. */
static char exe[4096];

static void find_exe(void)
{
	static const char deleted[] = " (deleted)";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len;

	if (n < 0) {
		snprintf(exe, sizeof(exe), "%s", program_invocation_name[0] == '/' ? program_invocation_name : "");
		return;
	}
	exe[n] = '\0';
	len = strlen(exe);
	if (len >= sizeof(deleted) - 1 && !strcmp(exe + len - (sizeof(deleted) - 1), deleted))
		exe[len - (sizeof(deleted) - 1)] = '\0';
}

/* record appends "op=<result>" for err, an errno or 0, to line. */
static void record(char *line, size_t size, const char *op, int err)
{
	size_t len = strlen(line);

	snprintf(line + len, size - len, "%s%s=%s", len > 3 ? ";" : "", op, errno_result(err));
}

static int open_exe(void)
{
	int fd = open(exe, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int getfd_of_pipe(int pidfd)
{
	int pipe[2], err;

	if (pipe2(pipe, O_CLOEXEC) < 0)
		return errno;
	err = getfd_and_close(pidfd, pipe[0]);
	close(pipe[0]);
	close(pipe[1]);
	return err;
}

int run_pidfs_landlocked(char **args, int nargs)
{
	char line[512] = "ok ";
	const char *what;
	int err, pidfd;
	short revents;

	(void)args;
	(void)nargs;
	find_exe();
	say_ready();
	if ((err = confine(&what))) {
		reply_err(err, "%s", what);
		return 1;
	}
	record(line, sizeof(line), "open file", open_exe());
	pidfd = pidfd_open(getpid(), 0);
	record(line, sizeof(line), "pidfd_open", pidfd < 0 ? errno : 0);
	record(line, sizeof(line), "poll", poll_now(pidfd, &revents));
	record(line, sizeof(line), "pidfd_send_signal", pidfd_send_signal(pidfd, 0, NULL, 0) < 0 ? errno : 0);
	record(line, sizeof(line), "pidfd_getfd", getfd_of_pipe(pidfd));
	send_text(line);
	serve(no_commands);
	return 0;
}
