//go:build amd64 || 386 || arm64

package kernel

import "golang.org/x/sys/unix"

// joinChildPC is the address of the joiner's body (joiner_$GOARCH.s).
func joinChildPC() uintptr

// ForkJoiner forks the joiner, the process whose namespaces the setns
// suite changes (clone(CLONE_PIDFD), SIGCHLD on exit). setns(2) into a user
// or a time namespace needs a single-threaded caller with its own fs_struct
// and mm, and every Go process is multithreaded, so the joiner is a fork of
// the caller that runs only a few instructions: it is born with every
// signal blocked, dies with its parent, closes other (the caller's end of
// the control socket) and then serves ctrl, a SOCK_SEQPACKET socket, until
// EOF. Each request is two little-endian int32s, fd and flags; the joiner
// calls setns(fd, flags) and answers with the little-endian int64 return
// value (0, or -errno). It shares the fd numbers the caller had open when
// it was forked, and none opened later. The caller must SIGKILL and reap it.
func ForkJoiner(ctrl, other int) (pid, pidfd int, err error) {
	return startChild(unix.CLONE_PIDFD|uintptr(unix.SIGCHLD), 0, joinChildPC(), uintptr(ctrl), uintptr(other))
}
