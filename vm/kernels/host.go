package kernels

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// HostRelease is the running kernel's release (uname -r).
func HostRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return "unknown"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// HostArch is the GOARCH of the host column: the runner's own.
func HostArch() string { return runtime.GOARCH }
