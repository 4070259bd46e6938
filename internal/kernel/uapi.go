package kernel

import "unsafe"

// Constants the kernel uapi has and golang.org/x/sys/unix lacks. Values are
// the generic ones (x86, arm, arm64, riscv); alpha/mips/sparc differ and are
// not in the matrix.

// poll(2) bits (asm-generic/poll.h).
const (
	POLLRDNORM = 0x040
	POLLRDBAND = 0x080
	POLLWRNORM = 0x100
	POLLWRBAND = 0x200
)

// si_code values (asm-generic/siginfo.h).
const (
	SI_USER  = 0  // kill(2), or pidfd_send_signal(2) without info to a process
	SI_QUEUE = -1 // sigqueue(3)
	SI_TKILL = -6 // tkill(2)/tgkill(2), or pidfd_send_signal(2) without info to a thread
)

// SIGCHLD si_code values (asm-generic/siginfo.h).
const (
	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6
)

// FdPidfsRoot is FD_PIDFS_ROOT (linux/fcntl.h, v6.17): open_by_handle_at(2)
// decodes a pidfs handle without any pidfd as the mount fd.
const FdPidfsRoot = -10002

// SO_PEERPIDFD (asm-generic/socket.h, v6.5): a pidfd of a socket's peer.
const SO_PEERPIDFD = 77

// fsIocGetversion is FS_IOC_GETVERSION, _IOR('v', 1, long): its size is
// the C long of this binary's ABI.
const fsIocGetversion = 2<<30 | uintptr(unsafe.Sizeof(uintptr(0)))<<16 | 'v'<<8 | 1

// kernelSigsetSize is _NSIG/8, the only sigsetsize the rt_sig* calls accept.
const kernelSigsetSize = 8

// landlockCreateRulesetVersion is LANDLOCK_CREATE_RULESET_VERSION.
const landlockCreateRulesetVersion = 1

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

// SO_PASSPIDFD (asm-generic/socket.h, v6.5): ask for an SCM_PIDFD of each
// message's sender.
const SO_PASSPIDFD = 76

// landlockRulesetAttrV6 is struct landlock_ruleset_attr as of Landlock ABI 6
// (v6.12, which added scoped): passing exactly this size lets every kernel
// that knows scoped accept it, whatever later fields x/sys/unix carries.
type landlockRulesetAttrV6 struct {
	HandledAccessFS  uint64
	HandledAccessNet uint64
	Scoped           uint64
}

// PIDFD_GET_INFO request and reply bits (include/uapi/linux/pidfd.h) that
// golang.org/x/sys/unix lacks.
const (
	PIDFD_INFO_SUPPORTED_MASK  = 1 << 5 // v6.19: reply carries supported_mask
	PIDFD_INFO_COREDUMP_SIGNAL = 1 << 6 // v6.19: coredump_signal is valid
	PIDFD_INFO_COREDUMP_CODE   = 1 << 7 // v7.1: coredump_code is valid
)

// SYS_MEMFD_SECRET is memfd_secret(2)'s number in the unified syscall table
// (v5.14); architectures that do not wire it up answer ENOSYS.
const SYS_MEMFD_SECRET = 447
