//go:build !(amd64 || 386)

package helpers

func rawCloneExitingThread(int) (int, error) { return -1, ErrNoRawClone }
