//go:build !amd64

package helpers

import "golang.org/x/sys/unix"

// startPausingChild is only implemented on amd64 (the lsm-selinux config).
func startPausingChild() (pid, pidfd int, err error) { return -1, -1, unix.ENOSYS }
