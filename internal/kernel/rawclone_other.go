//go:build !(amd64 || 386)

package kernel

// This architecture has no rawClone yet (rawclone.go says what one needs),
// so the children that need one are missing.

func rawCloneExitingThread(int) (int, error) { return -1, ErrNoRawClone }
