package kernel

import "golang.org/x/sys/unix"

// kcmpFile is KCMP_FILE (include/uapi/linux/kcmp.h).
const kcmpFile = 0

// KcmpFile is kcmp(pid1, pid2, KCMP_FILE, fd1, fd2): 0 when the two fds
// refer to the same open file description, else their order (1, 2 or 3).
func KcmpFile(pid1, pid2, fd1, fd2 int) (int, error) {
	r, _, errno := unix.Syscall6(unix.SYS_KCMP, uintptr(pid1), uintptr(pid2), kcmpFile, uintptr(fd1), uintptr(fd2), 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}
