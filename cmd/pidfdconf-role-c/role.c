/*
 * pidfdconf-role-c: the helper roles the suites start most, in C: those
 * registered with role.RegisterWithC, and named in the table below.
 *
 * A Go helper sets up the Go runtime (heap, threads, signal handlers: about
 * 140 page faults) before its first line runs: 38 ms of CPU from exec to
 * exit in an emulated guest, against 11 ms for this program, and the
 * suites start a few hundred helpers. These roles need nothing of Go, so
 * the suites exec this program for them when $PIDFDCONF_ROLE_C_BINARY
 * names it (role.CBinary); the Go roles stay the reference.
 * cmd/pidfdconf-role/croles_test.go and croles_suites_test.go run the same
 * commands against both and compare their answers, signal dispositions
 * and how each signal ends them.
 *
 * The protocol is internal/role's (channel.go, serve.go): one message per
 * command on the SOCK_SEQPACKET socket at fd 3, answered "ok <text>" or
 * "err <ERRNO> <text>"; the commands are those of the Go roles. This file
 * has what the roles share (role.h), each role is in a file of its own.
 */
#include "role.h"

#include "errnames.h"

_Static_assert(EAGAIN == 11 && ENOTSUP == 95 && EHWPOISON == 133, "errno numbers are not asm-generic's");

/* ---- replies ---------------------------------------------------------- */

void send_text(const char *text)
{
	/* A failed send means the test has gone; the next receive ends us. */
	send(CHANNEL_FD, text, strlen(text), 0);
}

/* errno_named is err's name in errnames.h, or NULL. */
static const char *errno_named(int err)
{
	if (err > 0 && err < (int)(sizeof(errno_names) / sizeof(errno_names[0])))
		return errno_names[err];
	return NULL;
}

static const char *errno_name(int err)
{
	const char *name = errno_named(err);

	return name ? name : "EIO"; /* as role.replyErr names an error without an errno */
}

/* errno_result names err as kernel.ErrnoName does: "success" for none. */
const char *errno_result(int err)
{
	static char unnamed[32];
	const char *name = errno_named(err);

	if (!err)
		return "success";
	if (name)
		return name;
	snprintf(unnamed, sizeof(unnamed), "errno %d", err);
	return unnamed;
}

/* reply_err sends "err ERRNO what: strerror". */
void reply_err(int err, const char *fmt, ...)
{
	char what[512], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "err %s %s: %s", errno_name(err), what, strerror(err));
	send_text(msg);
}

/* ok_text writes "ok <text>" to msg without trailing white space, as
 * role.Answer does. */
static void ok_text(char *msg, size_t size, const char *text)
{
	size_t n;

	snprintf(msg, size, "ok %s", text);
	n = strlen(msg);
	while (n > 0 && isspace((unsigned char)msg[n - 1]))
		msg[--n] = '\0';
}

void reply_ok(const char *text)
{
	char msg[4096];

	ok_text(msg, sizeof(msg), text);
	send_text(msg);
}

/* reply_ok_fd is reply_ok with fd sent along (Request.Attach), then closed. */
void reply_ok_fd(const char *text, int fd)
{
	char msg[4096], control[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {msg, 0};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	ok_text(msg, sizeof(msg), text);
	iov.iov_len = strlen(msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	sendmsg(CHANNEL_FD, &mh, 0);
	close(fd);
}

/* ---- a request -------------------------------------------------------- */

/* parse_int is s as an integer; 0 when it is not one, as the Go roles
 * take strconv.Atoi's result. errno is left as it was. */
int parse_int(const char *s)
{
	int saved = errno;
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v != (int)v)
		v = 0;
	errno = saved;
	return (int)v;
}

/* int_arg is word i after the command as an integer; 0 when absent or not
 * a number, as Request.Int. */
int int_arg(const struct request *r, int i)
{
	return i + 1 < r->nwords ? parse_int(r->words[i + 1]) : 0;
}

/* want is Request.Want: exactly args words after the command and fds fds. */
int want(const struct request *r, int args, int fds)
{
	if (r->nwords - 1 == args && r->nfds == fds)
		return 1;
	reply_err(EINVAL, "want %d arguments and %d fds, got %d and %d", args, fds, r->nwords - 1, r->nfds);
	return 0;
}

/* ---- threads that run commands ---------------------------------------- */

pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

void serve_jobs(struct worker *w)
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

void fatal(const char *what, int err)
{
	fprintf(stderr, "pidfdconf-role-c: %s: %s\n", what, strerror(err));
	_exit(1);
}

/* start_thread runs fn(arg) on a detached thread of its own. */
void start_thread(void *(*fn)(void *), void *arg)
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
struct worker *start_worker(void)
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
void post(struct worker *w, void (*job)(struct worker *, void *), void *arg, int wait)
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

void end_worker(struct worker *w)
{
	pthread_mutex_lock(&mu);
	w->quit = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* The workers the test may name, by tid; only the serving thread uses it. */
static struct worker *workers[MAX_THREADS];
static int nworkers;

struct worker *worker_of(int tid)
{
	for (int i = 0; i < nworkers; i++)
		if (workers[i] && workers[i]->tid == tid)
			return workers[i];
	return NULL;
}

void forget_worker(struct worker *w)
{
	for (int i = 0; i < nworkers; i++)
		if (workers[i] == w)
			workers[i] = NULL;
}

/* thread_count is the extra threads a role's first argument asks for: 0
 * when absent, not a number or over MAX_THREADS. */
static int thread_count(char **args, int nargs)
{
	int n = nargs > 0 ? parse_int(args[0]) : 0;

	return n >= 0 && n <= MAX_THREADS ? n : 0;
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

static char message[MAX_MESSAGE + 1];

/* serve answers commands until the test closes its end, then exits 0, as
 * role.Serve's caller does. */
void serve(const struct command *commands)
{
	for (;;) {
		char control[CMSG_SPACE(MAX_FDS * sizeof(int))];
		struct iovec iov = {message, MAX_MESSAGE};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)};
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
				for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) && req.nfds < MAX_FDS; i++)
					memcpy(&req.fds[req.nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
		message[n] = '\0';
		char copy[sizeof(message)];
		memcpy(copy, message, n + 1);
		for (word = strtok_r(copy, " \t\n\r\v\f", &save); word && req.nwords < MAX_WORDS; word = strtok_r(NULL, " \t\n\r\v\f", &save))
			req.words[req.nwords++] = word;
		for (c = commands; req.nwords && c->name && strcmp(c->name, req.words[0]); c++)
			;
		if (req.nwords && c->name)
			c->fn(&req);
		else
			reply_err(EINVAL, "unknown command \"%s\"", message);
		for (int i = 0; i < req.nfds; i++)
			close(req.fds[i]);
	}
}

/* no_commands is the table of a role that serves none: it only ends
 * when the test closes its end. */
const struct command no_commands[] = {{NULL, NULL}};

/* say_ready says "ready <pid>". */
void say_ready(void)
{
	char ready[32];

	snprintf(ready, sizeof(ready), "ready %d", getpid());
	send_text(ready);
}

/* serve_ready says "ready <pid>", then serves commands on this thread. */
void serve_ready(const struct command *commands)
{
	say_ready();
	serve(commands);
}

/* reply_done answers "ok" for a call that returned rc, or the errno it
 * set with what failed. */
void reply_done(int rc, const char *what)
{
	if (rc < 0)
		reply_err(errno, "%s", what);
	else
		reply_ok("");
}

/* cmd_undumpable is a command of the roles whose memory only
 * CAP_SYS_PTRACE may reach once asked: prctl(PR_SET_DUMPABLE, 0). */
void cmd_undumpable(struct request *r)
{
	(void)r;
	reply_done(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(PR_SET_DUMPABLE, 0)");
}

static void *serve_main(void *commands)
{
	serve(commands);
	return NULL;
}

/* serve_with_workers starts the extra threads the role's arguments ask for
 * and a thread that serves commands, so they are still served after the
 * leader is gone, then says "ready <pid> <tid>…". */
void serve_with_workers(char **args, int nargs, const struct command *commands)
{
	char ready[64 + MAX_THREADS * 12];

	snprintf(ready, sizeof(ready), "ready %d ", getpid());
	start_workers(thread_count(args, nargs), ready, sizeof(ready));
	start_thread(serve_main, (void *)commands);
	send_text(ready);
}

/* ---- the roles, and the exec of one, as role.Executable and role.Environ */

/* The roles this program has, by the name $PIDFDCONF_ROLE gives
 * (role.CBinary names the same). */
static const struct role {
	const char *name;
	int (*run)(char **args, int nargs);
} roles[] = {
	{"process", run_process},
	{"sigwait", run_sigwait},
	{"pidns-init", run_pidns_init},
	{"mm-hog", run_mm_hog},
	{"getfd-holder", run_getfd_holder},
	{"signal-sender", run_signal_sender},
	{"open-socket-peer", run_socket_peer},
	{"getfd-unprivileged", run_getfd_unprivileged},
	{"pidfs-namespace-asker", run_namespace_asker},
	{"pidfs-ptrace-target", run_ptrace_target},
	{"pidns-reuse-witness", run_reuse_witness},
	{"fanotify-opener", run_fanotify_opener},
	{"signal-scoped-sender", run_signal_scoped_sender},
	{"pidfs-landlocked", run_pidfs_landlocked},
	{"seccomp-target", run_seccomp_target},
	{"setns-joiner", run_setns_joiner},
};
#define NROLES (int)(sizeof(roles) / sizeof(roles[0]))

static const struct role *role_named(const char *name)
{
	for (int i = 0; name && i < NROLES; i++)
		if (!strcmp(roles[i].name, name))
			return &roles[i];
	return NULL;
}

static const char *executable(const char *role)
{
	const char *c = getenv("PIDFDCONF_ROLE_C_BINARY");
	const char *go = getenv("PIDFDCONF_ROLE_BINARY");

	if (c && *c && role_named(role))
		return c;
	if (go && *go)
		return go;
	return getenv("PIDFDCONF_SUITE_BINARY");
}

int exec_role(const char *role, char **args, int nargs)
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

/* become_role makes this process, a fork of one of this program's roles,
 * the helper in role without the exec that exec_role would do, when that
 * exec would run this program: it keeps the standard fds and the channel
 * and closes the rest, as the exec would have (they are all close-on-exec).
 * The dispositions are this program's already (take_go_dispositions), and
 * the exec would only set them again. It saves the exec and the C
 * library's start, ~10 ms of system time a process under TCG. For any
 * other role it returns, and the caller execs. */
void become_role(const char *role, char **args, int nargs)
{
	const struct role *r = role_named(role);
	const char *c = getenv("PIDFDCONF_ROLE_C_BINARY");

	if (!r || !c || !*c)
		return;
	if (syscall(SYS_close_range, CHANNEL_FD + 1, ~0U, 0) < 0)
		for (int fd = CHANNEL_FD + 1; fd < 1024; fd++)
			close(fd);
	exit(r->run(args, nargs));
}

/* ---- what several roles do ------------------------------------------- */

/* wait_child waits for pid, through EINTR; 0 or an errno. */
int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

/* drop_privileges is role.DropPrivileges: no supplementary groups, then
 * gid, then uid. It returns 0 or an errno, with what failed in what. */
int drop_privileges(int uid, int gid, const char **what)
{
	*what = "setgroups";
	if (setgroups(0, NULL) < 0)
		return errno;
	*what = "setresgid";
	if (setresgid(gid, gid, gid) < 0)
		return errno;
	*what = "setresuid";
	if (setresuid(uid, uid, uid) < 0)
		return errno;
	return 0;
}

/* become_user is drop_privileges to the uid and gid that id names, as the
 * Go roles that take one id do. */
int become_user(const char *id, const char **what)
{
	return drop_privileges(parse_int(id), parse_int(id), what);
}

/* become_blocked makes this new process role.StartBlockedChild's without
 * files: every signal blocked, no fds, dead with its parent, pausing until
 * it is killed. */
void become_blocked(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (syscall(SYS_close_range, 0, ~0U, 0) < 0)
		for (int fd = 0; fd < 1024; fd++)
			close(fd);
	for (;;)
		pause();
}

/* start_blocked forks a blocked process (become_blocked); the pid, or -1
 * with errno set. */
pid_t start_blocked(void)
{
	pid_t pid = fork();

	if (pid == 0)
		become_blocked();
	return pid;
}

/* fdinfo_text reads /proc/self/fdinfo/<fd> into text; 0 or an errno. */
int fdinfo_text(int fd, char *text, size_t size)
{
	char path[64];
	ssize_t n;
	int in, err = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno;
	if ((n = read(in, text, size - 1)) < 0)
		err = errno;
	else
		text[n] = '\0';
	close(in);
	return err;
}

/* identity_text writes "<dev> <ino>" of fd to text, as Go prints a
 * FileID; 0 or an errno. */
int identity_text(int fd, char *text, size_t size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errno;
	snprintf(text, size, "%llu %llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	return 0;
}

/* getfd_and_close is pidfd_getfd(pidfd, fd, 0), closing what it returns;
 * 0 or an errno. */
int getfd_and_close(int pidfd, int fd)
{
	int got = pidfd_getfd(pidfd, fd, 0);

	if (got < 0)
		return errno;
	close(got);
	return 0;
}

/* poll_now polls fd for POLLIN without waiting, through EINTR, and sets
 * *revents (0 when nothing is ready); 0 or an errno. */
int poll_now(int fd, short *revents)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n;

	while ((n = poll(&p, 1, 0)) < 0)
		if (errno != EINTR)
			return errno;
	*revents = n ? p.revents : 0;
	return 0;
}

/* landlock_confine restricts the calling thread, and what it starts, by a
 * ruleset made from size bytes of attr, as kernel.RestrictSignalScope and
 * the pidfs roles' confineWithLandlock do. no_new_privs is what lets a
 * process without CAP_SYS_ADMIN restrict itself. 0 or an errno, with what
 * failed in what. */
int landlock_confine(const struct landlock_attr *attr, size_t size, const char **what)
{
	int ruleset = (int)syscall(SYS_landlock_create_ruleset, attr, size, 0);
	int err = 0;

	*what = "landlock_create_ruleset";
	if (ruleset < 0)
		return errno;
	*what = "no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		err = errno;
	} else if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) {
		err = errno;
		*what = "landlock_restrict_self";
	}
	close(ruleset);
	return err;
}

/* ---- signal dispositions of a Go program ------------------------------ */

/* A Go program without signal.Notify exits on SIGHUP, SIGINT and SIGTERM
 * (killed by the signal), exits with status 2 on the signals it reports
 * with a stack dump, and catches the rest but SIGCONT, the job control
 * stops, SIGKILL, SIGSTOP, 32 and 34 (runtime/sigtab_linux_generic.go);
 * the helpers must end, or live on, alike. 33 is the C library's own,
 * which catches it as Go does. A SIGHUP or SIGINT ignored when the program
 * starts (nohup) stays ignored (runtime.sigInstallGoHandler). */
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

/* ignored_at_start says whether sig came ignored from our parent. */
static int ignored_at_start(int sig)
{
	struct sigaction old;

	return sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN;
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
		if ((sig == SIGHUP || sig == SIGINT) && ignored_at_start(sig))
			fn = NULL;
		if (fn)
			handle(sig, fn);
	}
}

int main(int argc, char **argv)
{
	const char *name = getenv("PIDFDCONF_ROLE");
	const struct role *role = role_named(name);

	take_go_dispositions();
	if (role)
		return role->run(argv + 1, argc > 0 ? argc - 1 : 0);
	fprintf(stderr, "pidfdconf-role-c runs the helper role named in $PIDFDCONF_ROLE, one of");
	for (int i = 0; i < NROLES; i++)
		fprintf(stderr, " %s", roles[i].name);
	fprintf(stderr, "; not %s\n", name ? name : "(unset)");
	return name ? 125 : 2;
}
