//go:build amd64 || 386

// Package setns holds the one part of the setns suite that cannot be Go:
// the process whose namespaces the specs change. setns(2) into a user or a
// time namespace needs a single-threaded caller with its own fs_struct and
// mm, and every Go process is multithreaded, so the caller is a fork of the
// test process that runs only the few instructions of forkJoiner.
package setns

import "golang.org/x/sys/unix"

// forkJoiner is implemented in joiner_$GOARCH.s.
//
//go:noescape
func forkJoiner(ctrl, other uintptr, pidfd *int32) (pid uintptr, errno uintptr)

// ForkJoiner forks the joiner (clone(CLONE_PIDFD), SIGCHLD on exit): a
// process that blocks every signal, dies with its parent, closes other (the
// test's end of the control socket) and then serves ctrl, a SOCK_SEQPACKET
// socket, until EOF. Each request is two little-endian int32s, fd and flags;
// the joiner calls setns(fd, flags) and answers with the little-endian int64
// return value (0, or -errno). It shares the fd numbers the test process had
// open when it was forked, and none opened later. The caller must SIGKILL
// and reap it.
func ForkJoiner(ctrl, other int) (pid, pidfd int, err error) {
	fd := int32(-1)
	r, errno := forkJoiner(uintptr(ctrl), uintptr(other), &fd)
	if errno != 0 {
		return -1, -1, unix.Errno(errno)
	}
	return int(r), int(fd), nil
}
