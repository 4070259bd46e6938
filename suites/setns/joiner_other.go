//go:build !amd64 && !386

package setns

import "golang.org/x/sys/unix"

// ForkJoiner is only implemented on amd64 and 386, the architectures the
// VM matrix runs; elsewhere the specs that need it skip.
func ForkJoiner(ctrl, other int) (pid, pidfd int, err error) { return -1, -1, unix.ENOSYS }
