//go:build !amd64

package kernel

import "golang.org/x/sys/unix"

// StartPausingChild is only implemented on amd64 (the lsm-selinux config).
func StartPausingChild() (pid, pidfd int, err error) { return -1, -1, unix.ENOSYS }
