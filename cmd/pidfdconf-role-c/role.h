/*
 * role.h: what the C roles share: internal/role's protocol on the channel
 * at fd 3 (requests, replies, serving commands), the threads that run
 * commands, and the exec of another role.
 */
#ifndef ROLE_H
#define ROLE_H

#define _GNU_SOURCE
/* 64-bit file offsets and inode numbers on 32-bit builds too, as Go has. */
#define _FILE_OFFSET_BITS 64
#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

#define CHANNEL_FD 3
#define MAX_MESSAGE (64 << 10)
#define MAX_FDS 16
#define MAX_WORDS 64
#define MAX_THREADS 256
#define KERNEL_SIGSET_SIZE 8

extern char **environ;

/* A request is one received command: its words (words[0] is the command)
 * and the fds that came with it, which serve closes after the command. */
struct request {
	char *words[MAX_WORDS];
	int nwords;
	int fds[MAX_FDS];
	int nfds;
};

/* A worker is a thread of ours that runs the jobs a command gives it, as
 * role.OSThread does; quit makes it return, which ends the thread. */
struct worker {
	pid_t tid;
	void (*job)(struct worker *, void *);
	void *arg;
	int quit;
};

typedef void (*command_fn)(struct request *);

/* struct landlock_ruleset_attr as of Landlock ABI 6 (v6.12, which added
 * scoped), whatever the headers of the build have. A role passes only the
 * size that holds the fields it sets, as the Go roles do: every kernel
 * that knows those fields accepts it. */
struct landlock_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct command {
	const char *name;
	command_fn fn;
};

/* mu and cv guard the workers' jobs and a role's own waits. */
extern pthread_mutex_t mu;
extern pthread_cond_t cv;

void send_text(const char *text);
void reply_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void reply_ok(const char *text);
void reply_ok_fd(const char *text, int fd);
int parse_int(const char *s);
int int_arg(const struct request *r, int i);
int want(const struct request *r, int args, int fds);
void fatal(const char *what, int err);
void start_thread(void *(*fn)(void *), void *arg);
void serve_jobs(struct worker *w);
struct worker *start_worker(void);
void post(struct worker *w, void (*job)(struct worker *, void *), void *arg, int wait);
void end_worker(struct worker *w);
struct worker *worker_of(int tid);
void forget_worker(struct worker *w);
void serve(const struct command *commands);
void say_ready(void);
void serve_ready(const struct command *commands);
void reply_done(int rc, const char *what);
void cmd_undumpable(struct request *r);
void serve_with_workers(char **args, int nargs, const struct command *commands);
int exec_role(const char *role, char **args, int nargs);
void become_role(const char *role, char **args, int nargs);
int drop_privileges(int uid, int gid, const char **what);
int become_user(const char *id, const char **what);
void become_blocked(void) __attribute__((noreturn));
pid_t start_blocked(void);
int fdinfo_text(int fd, char *text, size_t size);
int identity_text(int fd, char *text, size_t size);
int getfd_and_close(int pidfd, int fd);
int poll_now(int fd, short *revents);
const char *errno_result(int err);
int landlock_confine(const struct landlock_attr *attr, size_t size, const char **what);
int wait_child(pid_t pid, int *status);

static inline int pidfd_open(pid_t pid, unsigned int flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

static inline int pidfd_getfd(int pidfd, int fd, unsigned int flags) { return (int)syscall(SYS_pidfd_getfd, pidfd, fd, flags); }

static inline int pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

/* The roles, each in a file of its own, with the arguments they were
 * started with. */
int run_process(char **args, int nargs);
int run_sigwait(char **args, int nargs);
int run_pidns_init(char **args, int nargs);
int run_mm_hog(char **args, int nargs);
int run_getfd_holder(char **args, int nargs);
int run_signal_sender(char **args, int nargs);
int run_socket_peer(char **args, int nargs);
int run_getfd_unprivileged(char **args, int nargs);
int run_namespace_asker(char **args, int nargs);
int run_ptrace_target(char **args, int nargs);
int run_reuse_witness(char **args, int nargs);
int run_fanotify_opener(char **args, int nargs);
int run_signal_scoped_sender(char **args, int nargs);
int run_pidfs_landlocked(char **args, int nargs);
int run_seccomp_target(char **args, int nargs);
int run_setns_joiner(char **args, int nargs);

extern const struct command no_commands[];

/* The commands of signal-sender, which signal-scoped-sender serves too. */
extern const struct command signal_sender_commands[];

#endif
