/*
 * The role "getfd-holder" (suites/getfd/roles): a process that keeps a
 * memfd open (O_RDWR|O_APPEND) for pidfd_getfd(2) to fetch, as the user its
 * argument names, if any.
 */
#include "role.h"

static int memfd = -1;

static void cmd_fd(struct request *r)
{
	char text[32];

	(void)r;
	snprintf(text, sizeof(text), "%d", memfd);
	reply_ok(text);
}

static void cmd_stat(struct request *r)
{
	char text[64];
	int err;

	(void)r;
	if ((err = identity_text(memfd, text, sizeof(text))))
		reply_err(err, "fstat");
	else
		reply_ok(text);
}

static void cmd_offset(struct request *r)
{
	off_t off = lseek(memfd, 0, SEEK_CUR);
	char text[32];

	(void)r;
	if (off < 0) {
		reply_err(errno, "lseek");
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)off);
	reply_ok(text);
}

static const struct command getfd_holder_commands[] = {
	{"fd", cmd_fd},
	{"stat", cmd_stat},
	{"offset", cmd_offset},
	{"nondumpable", cmd_undumpable},
	{NULL, NULL},
};

int run_getfd_holder(char **args, int nargs)
{
	if (nargs == 1) {
		const char *what;
		int err = become_user(args[0], &what);

		if (!err && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
			/* Changing credentials reset dumpable to fs.suid_dumpable. */
			err = errno;
			what = "prctl(PR_SET_DUMPABLE, 1)";
		}
		if (err) {
			fprintf(stderr, "become uid %s: %s: %s\n", args[0], what, strerror(err));
			return 1;
		}
	}
	memfd = (int)syscall(SYS_memfd_create, "pidfdconf-getfd", 0);
	if (memfd < 0 || fcntl(memfd, F_SETFL, O_APPEND) < 0) {
		fprintf(stderr, "memfd: %s\n", strerror(errno));
		return 1;
	}
	serve_ready(getfd_holder_commands);
	return 0;
}
