//go:build !(amd64 || 386)

package kernel

func rawCloneExitingThread(int) (int, error) { return -1, ErrNoRawClone }
