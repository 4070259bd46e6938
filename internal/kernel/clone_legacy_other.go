//go:build !(amd64 || 386 || arm64)

package kernel

// CloneExiting needs the raw clone stub of amd64, 386 and arm64.
func CloneExiting(int) (pid, pidfd int, err error) { return -1, -1, ErrNoRawClone }
