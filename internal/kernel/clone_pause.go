//go:build amd64

package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// clonePausingChild is implemented in clone_pause_amd64.s.
//
//go:noescape
func clonePausingChild(flags uintptr, stack uintptr, parentTid *int32) (r1 uintptr, errno uintptr)

// pauseStack is the pausing child's stack; it is never written (the child
// only makes syscalls), but CLONE_VM wants its own stack pointer.
var pauseStack [256]uint64

// StartPausingChild creates a child process (clone(CLONE_VM|CLONE_PIDFD),
// SIGCHLD on exit) that only sleeps in pause() until killed, and dies with
// its parent. It runs no Go code, so it needs no exec: the SELinux battery
// uses it in domains that may not execute any file (syslogd_t). The caller
// must SIGKILL and reap it.
func StartPausingChild() (pid, pidfd int, err error) {
	fd := int32(-1)
	top := uintptr(unsafe.Pointer(&pauseStack[len(pauseStack)-1]))
	r, errno := clonePausingChild(uintptr(unix.CLONE_VM|unix.CLONE_PIDFD|uintptr(unix.SIGCHLD)), top, &fd)
	if errno != 0 {
		return -1, -1, unix.Errno(errno)
	}
	return int(r), int(fd), nil
}
