package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ExecveatEmptyPath is execveat(fd, "", {NULL}, {NULL}, AT_EMPTY_PATH); it
// only returns on failure (or replaces the process).
func ExecveatEmptyPath(fd int) error {
	empty := []byte{0}
	none := []*byte{nil}
	_, _, errno := unix.Syscall6(unix.SYS_EXECVEAT, uintptr(fd), uintptr(unsafe.Pointer(&empty[0])),
		uintptr(unsafe.Pointer(&none[0])), uintptr(unsafe.Pointer(&none[0])), unix.AT_EMPTY_PATH, 0)
	return errno
}
