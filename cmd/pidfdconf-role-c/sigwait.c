/*
 * The role "sigwait" (internal/role/sigwait.go): a process with n extra
 * threads, born with role.HeldSignals blocked, that reports the signals
 * pending for it or one thread and takes them with their siginfo.
 */
#include "role.h"

/* role.HeldSignals */
static const int held_signals[] = {SIGUSR2, 35, 36, 37, 38, 39, 40, 41};
#define NHELD (int)(sizeof(held_signals) / sizeof(held_signals[0]))

static uint64_t sigbit(int sig) { return sig >= 1 && sig <= 64 ? (uint64_t)1 << (sig - 1) : 0; }

static struct worker leader;

/* named is the thread a command names by tid, the leader by the pid. */
static struct worker *named(struct request *r, int args)
{
	struct worker *w;

	if (!want(r, args, 0))
		return NULL;
	w = int_arg(r, 0) == getpid() ? &leader : worker_of(int_arg(r, 0));
	if (!w)
		reply_err(EINVAL, "no helper thread %d", int_arg(r, 0));
	return w;
}

struct take_job {
	int sig, ms, err;
	siginfo_t si;
};

static void take_on_thread(struct worker *w, void *arg)
{
	struct take_job *j = arg;
	uint64_t set = sigbit(j->sig);
	struct timespec ts = {j->ms / 1000, (long)(j->ms % 1000) * 1000000};

	(void)w;
	memset(&j->si, 0, sizeof(j->si));
	while (syscall(SYS_rt_sigtimedwait, &set, &j->si, &ts, KERNEL_SIGSET_SIZE) < 0) {
		if (errno != EINTR) {
			j->err = errno;
			return;
		}
	}
	j->err = 0;
}

static void cmd_take(struct request *r)
{
	struct worker *w = named(r, 3);
	struct take_job j = {.sig = int_arg(r, 1), .ms = int_arg(r, 2)};
	char text[128];

	if (!w)
		return;
	post(w, take_on_thread, &j, 1);
	if (j.err) {
		reply_err(j.err, "rt_sigtimedwait(%d)", j.sig);
		return;
	}
	snprintf(text, sizeof(text), "%d %d %d %u %d", j.si.si_signo, j.si.si_code, j.si.si_pid, (unsigned)j.si.si_uid,
		 j.si.si_value.sival_int);
	reply_ok(text);
}

struct pending_job {
	uint64_t set;
	int err;
};

static void pending_on_thread(struct worker *w, void *arg)
{
	struct pending_job *j = arg;

	(void)w;
	j->err = syscall(SYS_rt_sigpending, &j->set, KERNEL_SIGSET_SIZE) < 0 ? errno : 0;
}

static void cmd_pending(struct request *r)
{
	struct worker *w = named(r, 1);
	struct pending_job j = {0};
	char text[128] = "";

	if (!w)
		return;
	post(w, pending_on_thread, &j, 1);
	if (j.err) {
		reply_err(j.err, "rt_sigpending");
		return;
	}
	for (int i = 0; i < NHELD; i++)
		if (j.set & sigbit(held_signals[i]))
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s%d", *text ? " " : "", held_signals[i]);
	reply_ok(text);
}

struct send_self_job {
	int sig, code, flags, err;
};

static void send_self_on_thread(struct worker *w, void *arg)
{
	struct send_self_job *j = arg;
	siginfo_t si;
	int fd;

	(void)w;
	if ((fd = syscall(SYS_pidfd_open, getpid(), 0)) < 0) {
		j->err = errno;
		return;
	}
	memset(&si, 0, sizeof(si));
	si.si_signo = j->sig;
	si.si_code = j->code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	j->err = syscall(SYS_pidfd_send_signal, fd, j->sig, &si, j->flags) < 0 ? errno : 0;
	close(fd);
}

static void cmd_send_self(struct request *r)
{
	struct send_self_job j = {.sig = int_arg(r, 0), .code = int_arg(r, 1), .flags = int_arg(r, 2)};

	if (!want(r, 3, 0))
		return;
	post(&leader, send_self_on_thread, &j, 1);
	if (j.err)
		reply_err(j.err, "pidfd_send_signal(%d)", j.sig);
	else
		reply_ok("");
}

static const struct command sigwait_commands[] = {
	{"take", cmd_take},
	{"pending", cmd_pending},
	{"send-self", cmd_send_self},
	{NULL, NULL},
};

int run_sigwait(char **args, int nargs)
{
	sigset_t held;

	/* Blocked before any other thread exists, so every thread blocks them:
	 * what the Go role needs its starter (or a second exec) for. */
	sigemptyset(&held);
	for (int i = 0; i < NHELD; i++)
		sigaddset(&held, held_signals[i]);
	pthread_sigmask(SIG_BLOCK, &held, NULL);
	serve_with_workers(args, nargs, sigwait_commands);
	/* The leader runs its share of the commands. */
	serve_jobs(&leader);
	return 0;
}

