//go:build amd64

package kernel

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// clonePausingChild is implemented in clone_pause_amd64.s.
//
//go:noescape
func clonePausingChild(flags, stack uintptr, parentTid *int32, fd0, closeFrom int) (r1 uintptr, errno uintptr)

// pauseStack is the pausing children's stack; it is never written (a child
// only makes syscalls), but CLONE_VM wants its own stack pointer.
var pauseStack [256]uint64

// HavePausingChild says whether StartPausingChild and StartBlockedProcess
// work on this architecture.
const HavePausingChild = true

// StartPausingChild creates a child process (clone(CLONE_VM|CLONE_PIDFD),
// SIGCHLD on exit) that only sleeps in pause() until killed, and dies with
// its parent. It runs no Go code, so it needs no exec: the SELinux battery
// uses it in domains that may not execute any file (syslogd_t). It keeps
// copies of every fd. The caller must SIGKILL and reap it.
func StartPausingChild() (pid, pidfd int, err error) {
	return startPausing(unix.CLONE_PIDFD, -1, -1)
}

// StartBlockedProcess is the cheapest live process: a StartPausingChild
// without a pidfd whose only fd is fd0 as its fd 0 (none when fd0 < 0),
// like a freshly exec'd process given just that file. It costs a clone,
// not the start-up of a Go program. It is born with every signal blocked
// and keeps them so (its memory is ours: no Go handler may run in it), so
// only SIGKILL ends it and SIGSTOP stops it.
func StartBlockedProcess(fd0 int) (pid int, err error) {
	closeFrom := 0
	if fd0 >= 0 {
		closeFrom = 1
	}
	pid, _, err = startPausing(0, fd0, closeFrom)
	return pid, err
}

// startPausing clones on the calling thread, as fork(2) would: a child
// takes that thread's credentials (a Landlock domain is per thread). Every
// signal is blocked there meanwhile, so the child is born with all blocked.
func startPausing(flags uintptr, fd0, closeFrom int) (pid, pidfd int, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	restore, err := blockAllSignals()
	if err != nil {
		return -1, -1, err
	}
	defer restore()
	fd := int32(-1)
	top := uintptr(unsafe.Pointer(&pauseStack[len(pauseStack)-1]))
	r, errno := clonePausingChild(unix.CLONE_VM|flags|uintptr(unix.SIGCHLD), top, &fd, fd0, closeFrom)
	if errno != 0 {
		return -1, -1, unix.Errno(errno)
	}
	return int(r), int(fd), nil
}
