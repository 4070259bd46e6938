//go:build amd64 || 386 || arm64

package kernel

// rawCloneExitingThread clones a thread of ours that calls exit(0) at once;
// the caller has blocked every signal on its locked thread
// (onSignalFreeThread).
func rawCloneExitingThread(flags int) (int, error) {
	_, pidfd, err := cloneChild(uintptr(flags), childStackTop(), exitChildPC(), 0, 0)
	return pidfd, err
}
