package helpers

// clone3 flags of v7.1 (include/uapi/linux/sched.h) that golang.org/x/sys/unix lacks.
const (
	CLONE_AUTOREAP       = 1 << 34 // the child is reaped by the kernel when it exits
	CLONE_NNP            = 1 << 35 // the child starts with no_new_privs set
	CLONE_PIDFD_AUTOKILL = 1 << 36 // closing the clone3 pidfd SIGKILLs the child
)

// The PIDFD_SELF_* sentinels (include/uapi/linux/fcntl.h), which a syscall
// taking a pidfd may accept in place of one. v6.15 numbered the thread group
// -20000; v6.17 moved it next to the thread (-10001) inside the range
// [-10000, -40000] that fcntl.h now reserves for such values.
const (
	PIDFD_SELF_THREAD           = -10000
	PIDFD_SELF_THREAD_GROUP     = -10001
	PIDFD_SELF_THREAD_GROUP_OLD = -20000 // v6.15 and v6.16
)
