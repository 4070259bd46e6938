//go:build amd64 || 386

package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// CloneExiting calls the legacy clone(2) with flags|CLONE_VM for a child
// whose only act is exit(0) (the stub of CloneThreadWithPidfd, on a stack it
// never writes), with every signal blocked, and the pidfd slot as
// parent_tid: where CLONE_PIDFD returns the pidfd, and CLONE_PARENT_SETTID
// the child's tid. A child it creates is the caller's to reap (with
// __WALL when flags carry an exit signal other than SIGCHLD).
func CloneExiting(flags int) (pid, pidfd int, err error) {
	slot := int32(-1)
	err = onSignalFreeThread(func() error {
		top := uintptr(unsafe.Pointer(&threadStack[len(threadStack)-1]))
		r, errno := cloneExitingThread(uintptr(flags|unix.CLONE_VM), top, &slot)
		if errno != 0 {
			return unix.Errno(errno)
		}
		pid = int(r)
		return nil
	})
	if err != nil {
		return -1, -1, err
	}
	return pid, int(slot), nil
}
