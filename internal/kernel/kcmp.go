package kernel

import "golang.org/x/sys/unix"

// kcmp types (include/uapi/linux/kcmp.h).
const (
	kcmpFile = 0
	kcmpVM   = 1
)

// KcmpFile is kcmp(pid1, pid2, KCMP_FILE, fd1, fd2): 0 when the two fds
// refer to the same open file description, else their order (1, 2 or 3).
func KcmpFile(pid1, pid2, fd1, fd2 int) (int, error) {
	return kcmp(pid1, pid2, kcmpFile, fd1, fd2)
}

// KcmpVM is kcmp(pid1, pid2, KCMP_VM): 0 when the two processes share one
// address space (a CLONE_VM child before it executes a program).
func KcmpVM(pid1, pid2 int) (int, error) { return kcmp(pid1, pid2, kcmpVM, 0, 0) }

func kcmp(pid1, pid2, kind, idx1, idx2 int) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_KCMP, uintptr(pid1), uintptr(pid2), uintptr(kind), uintptr(idx1), uintptr(idx2), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}
