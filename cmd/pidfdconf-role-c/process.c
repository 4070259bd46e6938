/*
 * The role "process" (internal/role/process.go): a process with n extra
 * threads that the test makes exit or exec one by one, and whose leader may
 * exit before them.
 */
#include "role.h"

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

int run_process(char **args, int nargs)
{
	serve_with_workers(args, nargs, process_commands);
	pthread_mutex_lock(&mu);
	while (!leader_may_exit)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	/* exit(2) of the leader alone: the other threads live on. */
	syscall(SYS_exit, 0);
	return 1;
}
