//go:build !(amd64 || 386)

package kernel

// CloneExiting needs the raw clone stub of amd64 and 386.
func CloneExiting(int) (pid, pidfd int, err error) { return -1, -1, ErrNoRawClone }
