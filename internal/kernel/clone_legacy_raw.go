//go:build amd64 || 386 || arm64

package kernel

import (
	"golang.org/x/sys/unix"
)

// CloneExiting calls the legacy clone(2) with flags|CLONE_VM for a child
// whose only act is exit(0) (the raw clone's exit body, on a stack it never
// writes), with every signal blocked, and the pidfd slot as
// parent_tid: where CLONE_PIDFD returns the pidfd, and CLONE_PARENT_SETTID
// the child's tid. A child it creates is the caller's to reap (with
// __WALL when flags carry an exit signal other than SIGCHLD).
func CloneExiting(flags int) (pid, pidfd int, err error) {
	err = onSignalFreeThread(func() error {
		var cerr error
		pid, pidfd, cerr = cloneChild(uintptr(flags|unix.CLONE_VM), childStackTop(), exitChildPC(), 0, 0)
		return cerr
	})
	if err != nil {
		return -1, -1, err
	}
	return pid, pidfd, nil
}
