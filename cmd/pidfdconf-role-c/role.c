/*
 * pidfdconf-role-c: internal/role's roles "process" and "sigwait" in C.
 *
 * A Go helper sets up the Go runtime (heap, threads, signal handlers: about
 * 140 page faults) before its first line runs, which costs 15-20 ms of CPU
 * per helper in an emulated guest, and these two roles are most of the
 * helpers the suites start. They need nothing of Go, so the suites exec
 * this program for them when $PIDFDCONF_ROLE_C_BINARY names it
 * (role.CBinary); the Go roles stay the reference.
 * cmd/pidfdconf-role/croles_test.go runs the same commands against both
 * and compares their signal dispositions and how each signal ends them.
 *
 * The protocol is internal/role's (channel.go, serve.go): one message per
 * command on the SOCK_SEQPACKET socket at fd 3, answered "ok <text>" or
 * "err <ERRNO> <text>"; the commands are those of process.go and
 * sigwait.go.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "errnames.h"

_Static_assert(EAGAIN == 11 && ENOTSUP == 95 && EHWPOISON == 133, "errno numbers are not asm-generic's");

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define CHANNEL_FD 3
#define MAX_MESSAGE (64 << 10)
#define MAX_FDS 16
#define MAX_WORDS 64
#define MAX_THREADS 256
#define KERNEL_SIGSET_SIZE 8

extern char **environ;

/* ---- replies ---------------------------------------------------------- */

static void send_text(const char *text)
{
	/* A failed send means the test has gone; the next receive ends us. */
	send(CHANNEL_FD, text, strlen(text), 0);
}

static const char *errno_name(int err)
{
	if (err > 0 && err < (int)(sizeof(errno_names) / sizeof(errno_names[0])) && errno_names[err])
		return errno_names[err];
	return "EIO"; /* as role.replyErr names an error without an errno */
}

/* reply_err sends "err ERRNO what: strerror". */
static void reply_err(int err, const char *fmt, ...)
{
	char what[512], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "err %s %s: %s", errno_name(err), what, strerror(err));
	send_text(msg);
}

/* reply_ok sends "ok <text>" without trailing blanks, as role.Answer does. */
static void reply_ok(const char *text)
{
	char msg[1024];
	size_t n;

	snprintf(msg, sizeof(msg), "ok %s", text);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == ' ')
		msg[--n] = '\0';
	send_text(msg);
}

/* ---- a request -------------------------------------------------------- */

struct request {
	char *words[MAX_WORDS];
	int nwords; /* words[0] is the command */
	int nfds;
};

/* int_arg is word i after the command as an integer; 0 when absent or not
 * a number, as Request.Int. */
static int int_arg(const struct request *r, int i)
{
	char *end;
	long v;

	if (i + 1 >= r->nwords)
		return 0;
	errno = 0;
	v = strtol(r->words[i + 1], &end, 10);
	if (errno || *end || end == r->words[i + 1] || v != (int)v)
		return 0;
	return (int)v;
}

/* want is Request.Want: exactly args words after the command and no fds. */
static int want(const struct request *r, int args)
{
	if (r->nwords - 1 == args && r->nfds == 0)
		return 1;
	reply_err(EINVAL, "want %d arguments and 0 fds, got %d and %d", args, r->nwords - 1, r->nfds);
	return 0;
}

/* ---- threads that run commands ---------------------------------------- */

/* A worker is a thread of ours that runs the jobs a command gives it, as
 * role.OSThread does; quit makes it return, which ends the thread. */
struct worker {
	pid_t tid;
	void (*job)(struct worker *, void *);
	void *arg;
	int quit;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void serve_jobs(struct worker *w)
{
	pthread_mutex_lock(&mu);
	w->tid = gettid();
	pthread_cond_broadcast(&cv);
	for (;;) {
		while (!w->job && !w->quit)
			pthread_cond_wait(&cv, &mu);
		if (w->quit)
			break;
		pthread_mutex_unlock(&mu);
		w->job(w, w->arg);
		pthread_mutex_lock(&mu);
		w->job = NULL;
		pthread_cond_broadcast(&cv);
	}
	pthread_mutex_unlock(&mu);
}

static void *worker_main(void *arg)
{
	serve_jobs(arg);
	return NULL;
}

static void fatal(const char *what, int err)
{
	fprintf(stderr, "pidfdconf-role-c: %s: %s\n", what, strerror(err));
	_exit(1);
}

/* start_thread runs fn(arg) on a detached thread of its own. */
static void start_thread(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if ((err = pthread_create(&t, &attr, fn, arg)))
		fatal("pthread_create", err);
}

/* start_worker starts a thread and waits until it knows its tid. */
static struct worker *start_worker(void)
{
	struct worker *w = calloc(1, sizeof(*w));

	if (!w)
		fatal("calloc", ENOMEM);
	start_thread(worker_main, w);
	pthread_mutex_lock(&mu);
	while (!w->tid)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return w;
}

/* post gives w a job; with wait, it returns once the job is done. Only the
 * serving thread posts, so w's job is this one until the worker clears it. */
static void post(struct worker *w, void (*job)(struct worker *, void *), void *arg, int wait)
{
	pthread_mutex_lock(&mu);
	while (w->job)
		pthread_cond_wait(&cv, &mu);
	w->job = job;
	w->arg = arg;
	pthread_cond_broadcast(&cv);
	while (wait && w->job)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void end_worker(struct worker *w)
{
	pthread_mutex_lock(&mu);
	w->quit = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* The workers the test may name, by tid; only the serving thread uses it. */
static struct worker *workers[MAX_THREADS];
static int nworkers;

static struct worker *worker_of(int tid)
{
	for (int i = 0; i < nworkers; i++)
		if (workers[i] && workers[i]->tid == tid)
			return workers[i];
	return NULL;
}

static void forget_worker(struct worker *w)
{
	for (int i = 0; i < nworkers; i++)
		if (workers[i] == w)
			workers[i] = NULL;
}

/* start_workers starts the n extra threads the role's argument asks for and
 * appends their tids to line. */
static void start_workers(int n, char *line, size_t size)
{
	for (int i = 0; i < n && nworkers < MAX_THREADS; i++) {
		struct worker *w = start_worker();
		size_t len = strlen(line);

		workers[nworkers++] = w;
		snprintf(line + len, size - len, "%s%d", i ? " " : "", w->tid);
	}
}

/* ---- the channel ------------------------------------------------------ */

typedef void (*command_fn)(struct request *);

struct command {
	const char *name;
	command_fn fn;
};

static char message[MAX_MESSAGE + 1];

/* serve answers commands until the test closes its end, then exits 0, as
 * role.Serve's caller does. */
static void serve(const struct command *commands)
{
	for (;;) {
		char control[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct iovec iov = {message, MAX_MESSAGE};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
		int fds[MAX_FDS], nfds = 0;
		struct request req = {0};
		const struct command *c;
		ssize_t n = recvmsg(CHANNEL_FD, &mh, MSG_CMSG_CLOEXEC);
		char *save, *word;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 && (n < 0 || mh.msg_controllen == 0))
			_exit(0);
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
				for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) && nfds < MAX_FDS; i++)
					memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
		message[n] = '\0';
		char copy[sizeof(message)];
		memcpy(copy, message, n + 1);
		for (word = strtok_r(copy, " \t\n\r\v\f", &save); word && req.nwords < MAX_WORDS; word = strtok_r(NULL, " \t\n\r\v\f", &save))
			req.words[req.nwords++] = word;
		req.nfds = nfds;
		for (c = commands; req.nwords && c->name && strcmp(c->name, req.words[0]); c++)
			;
		if (req.nwords && c->name)
			c->fn(&req);
		else
			reply_err(EINVAL, "unknown command \"%s\"", message);
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
	}
}

static void *serve_main(void *commands)
{
	serve(commands);
	return NULL;
}

/* start_server serves commands on a thread of its own, so they are still
 * served after the leader is gone. */
static void start_server(const struct command *commands) { start_thread(serve_main, (void *)commands); }

/* ---- exec of another role, as role.Executable and role.Environ -------- */

static const char *executable(const char *role)
{
	const char *c = getenv("PIDFDCONF_ROLE_C_BINARY");
	const char *go = getenv("PIDFDCONF_ROLE_BINARY");

	if (c && *c && (!strcmp(role, "process") || !strcmp(role, "sigwait")))
		return c;
	if (go && *go)
		return go;
	return getenv("PIDFDCONF_SUITE_BINARY");
}

static int exec_role(const char *role, char **args, int nargs)
{
	const char *exe = executable(role);
	char *argv[MAX_WORDS + 1], **envp;
	char rolevar[256];
	int n = 0, e = 0;

	if (!exe || !*exe)
		return ENOENT;
	for (char **p = environ; *p; p++)
		n++;
	envp = calloc(n + 3, sizeof(*envp));
	if (!envp)
		return ENOMEM;
	snprintf(rolevar, sizeof(rolevar), "PIDFDCONF_ROLE=%s", role);
	envp[e++] = rolevar;
	envp[e++] = "GOMAXPROCS=1";
	for (char **p = environ; *p; p++)
		if (strncmp(*p, "PIDFDCONF_ROLE=", 15) && strncmp(*p, "GOMAXPROCS=", 11))
			envp[e++] = *p;
	argv[0] = (char *)exe;
	for (int i = 0; i < nargs && i < MAX_WORDS - 1; i++)
		argv[i + 1] = args[i];
	argv[nargs < MAX_WORDS - 1 ? nargs + 1 : MAX_WORDS] = NULL;
	execve(exe, argv, envp);
	e = errno;
	free(envp);
	return e;
}

/* ---- process ---------------------------------------------------------- */

static int leader_may_exit;

static void cmd_ping(struct request *r)
{
	char pid[32];

	(void)r;
	snprintf(pid, sizeof(pid), "%d", getpid());
	reply_ok(pid);
}

static void cmd_exit(struct request *r) { _exit(int_arg(r, 0)); }

static void cmd_exit_leader(struct request *r)
{
	(void)r;
	reply_ok("");
	pthread_mutex_lock(&mu);
	leader_may_exit = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* take_worker removes the thread a command names from the served set. */
static struct worker *take_worker(struct request *r)
{
	struct worker *w = worker_of(int_arg(r, 0));

	if (!w)
		reply_err(ESRCH, "no helper thread %d", int_arg(r, 0));
	else
		forget_worker(w);
	return w;
}

static void cmd_exit_thread(struct request *r)
{
	struct worker *w = take_worker(r);

	if (w) {
		end_worker(w);
		reply_ok("");
	}
}

struct exec_job {
	char *role;
	char **args;
	int nargs;
};

static void exec_on_thread(struct worker *w, void *arg)
{
	struct exec_job *j = arg;
	int err = exec_role(j->role, j->args, j->nargs);

	(void)w;
	reply_err(err, "exec %s", j->role);
}

static void cmd_exec_thread(struct request *r)
{
	static struct exec_job job;
	static char words[MAX_MESSAGE + 1];
	static char *args[MAX_WORDS];
	struct worker *w;
	char *p = words;

	if (r->nwords - 1 < 2) {
		reply_err(EINVAL, "usage: exec-thread <tid> <role> [args]");
		return;
	}
	if (!(w = take_worker(r)))
		return;
	/* The request's words die with the next message; the thread's exec
	 * may still be on its way. */
	job.nargs = 0;
	for (int i = 2; i < r->nwords; i++) {
		size_t len = strlen(r->words[i]) + 1;

		memcpy(p, r->words[i], len);
		if (i == 2)
			job.role = p;
		else
			args[job.nargs++] = p;
		p += len;
	}
	job.args = args;
	post(w, exec_on_thread, &job, 0);
}

static const struct command process_commands[] = {
	{"ping", cmd_ping},
	{"exit", cmd_exit},
	{"exit-leader", cmd_exit_leader},
	{"exit-thread", cmd_exit_thread},
	{"exec-thread", cmd_exec_thread},
	{NULL, NULL},
};

static int run_process(int n)
{
	char ready[64 + MAX_THREADS * 12];

	snprintf(ready, sizeof(ready), "ready %d ", getpid());
	start_workers(n, ready, sizeof(ready));
	start_server(process_commands);
	send_text(ready);
	pthread_mutex_lock(&mu);
	while (!leader_may_exit)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	/* exit(2) of the leader alone: the other threads live on. */
	syscall(SYS_exit, 0);
	return 1;
}

/* ---- sigwait ---------------------------------------------------------- */

/* role.HeldSignals */
static const int held_signals[] = {SIGUSR2, 35, 36, 37, 38, 39, 40, 41};
#define NHELD (int)(sizeof(held_signals) / sizeof(held_signals[0]))

static uint64_t sigbit(int sig) { return sig >= 1 && sig <= 64 ? (uint64_t)1 << (sig - 1) : 0; }

static struct worker leader;

/* named is the thread a command names by tid, the leader by the pid. */
static struct worker *named(struct request *r, int args)
{
	struct worker *w;

	if (!want(r, args))
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

	if (!want(r, 3))
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

static int run_sigwait(int n)
{
	char ready[64 + MAX_THREADS * 12];
	sigset_t held;

	/* Blocked before any other thread exists, so every thread blocks them:
	 * what the Go role needs its starter (or a second exec) for. */
	sigemptyset(&held);
	for (int i = 0; i < NHELD; i++)
		sigaddset(&held, held_signals[i]);
	pthread_sigmask(SIG_BLOCK, &held, NULL);
	snprintf(ready, sizeof(ready), "ready %d ", getpid());
	start_workers(n, ready, sizeof(ready));
	start_server(sigwait_commands);
	send_text(ready);
	/* The leader runs its share of the commands. */
	serve_jobs(&leader);
	return 0;
}

/* ---- signal dispositions of a Go program ------------------------------ */

/* A Go program without signal.Notify exits on SIGHUP, SIGINT and SIGTERM
 * (killed by the signal), exits with status 2 on the signals it reports
 * with a stack dump, and catches the rest but SIGCONT, the job control
 * stops, SIGKILL, SIGSTOP, 32 and 34 (runtime/sigtab_linux_generic.go);
 * the helpers must end, or live on, alike. 33 is the C library's own,
 * which catches it as Go does. */
static void die(int sig)
{
	sigset_t s;

	signal(sig, SIG_DFL);
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
	_exit(2);
}

static void crash(int sig)
{
	static const char msg[] = "pidfdconf-role-c: fatal signal; exit status 2, as a Go program's\n";

	(void)sig;
	write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

static void ignore(int sig) { (void)sig; }

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa = {0};

	sa.sa_handler = fn;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void take_go_dispositions(void)
{
	static const int dies[] = {SIGHUP, SIGINT, SIGTERM};
	static const int crashes[] = {SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSTKFLT, SIGSYS};
	static const int untouched[] = {SIGKILL, SIGSTOP, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, 32, 33, 34};

	for (int sig = 1; sig <= 64; sig++) {
		void (*fn)(int) = ignore;

		for (size_t i = 0; i < sizeof(untouched) / sizeof(untouched[0]); i++)
			if (sig == untouched[i])
				fn = NULL;
		for (size_t i = 0; i < sizeof(dies) / sizeof(dies[0]); i++)
			if (sig == dies[i])
				fn = die;
		for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
			if (sig == crashes[i])
				fn = crash;
		if (fn)
			handle(sig, fn);
	}
}

int main(int argc, char **argv)
{
	const char *role = getenv("PIDFDCONF_ROLE");
	int n = 0;

	take_go_dispositions();
	if (argc > 1) {
		char *end;
		long v = strtol(argv[1], &end, 10);

		if (!*end && end != argv[1] && v >= 0 && v <= MAX_THREADS)
			n = (int)v;
	}
	if (role && !strcmp(role, "process"))
		return run_process(n);
	if (role && !strcmp(role, "sigwait"))
		return run_sigwait(n);
	fprintf(stderr, "pidfdconf-role-c runs the helper roles process and sigwait named in $PIDFDCONF_ROLE, not %s\n",
		role ? role : "(unset)");
	return role ? 125 : 2;
}
