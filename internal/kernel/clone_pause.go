//go:build amd64 || arm64

package kernel

import "golang.org/x/sys/unix"

// pauseChildPC is the address of the pausing children's body
// (clone_pause_$GOARCH.s).
func pauseChildPC() uintptr

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

// startPausing starts a pausing child that shares our memory (it touches
// none of it), on the calling thread (see startChild).
func startPausing(flags uintptr, fd0, closeFrom int) (pid, pidfd int, err error) {
	return startChild(unix.CLONE_VM|flags|uintptr(unix.SIGCHLD), childStackTop(), pauseChildPC(), uintptr(fd0), uintptr(closeFrom))
}
