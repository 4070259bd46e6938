//go:build !amd64 && !arm64

package kernel

import "golang.org/x/sys/unix"

// HavePausingChild says whether StartPausingChild and StartBlockedProcess
// work on this architecture.
const HavePausingChild = false

// StartPausingChild is only implemented on amd64 and arm64.
func StartPausingChild() (pid, pidfd int, err error) { return -1, -1, unix.ENOSYS }

// StartBlockedProcess is only implemented on amd64 and arm64; elsewhere the suites
// exec a blocked copy of themselves.
func StartBlockedProcess(int) (int, error) { return -1, unix.ENOSYS }
