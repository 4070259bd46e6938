//go:build !(amd64 || 386 || arm64)

package kernel

import "golang.org/x/sys/unix"

// This architecture has no rawClone yet (rawclone.go says what one needs),
// so the children that need one are missing.

func rawCloneExitingThread(int) (int, error) { return -1, ErrNoRawClone }

// ForkJoiner is only implemented where rawClone is; elsewhere the specs
// that need it skip.
func ForkJoiner(ctrl, other int) (pid, pidfd int, err error) { return -1, -1, unix.ENOSYS }
