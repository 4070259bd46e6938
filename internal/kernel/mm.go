package kernel

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// MreleasePidfd is process_mrelease(2): reap the memory of a process that
// is being killed, through its pidfd.
func MreleasePidfd(pidfd int, flags uint) error {
	if _, _, errno := unix.Syscall(unix.SYS_PROCESS_MRELEASE, uintptr(pidfd), uintptr(flags), 0); errno != 0 {
		return errno
	}
	return nil
}

// remoteIovec is struct iovec for an address in another process, which
// must not pass through a Go pointer.
type remoteIovec struct{ Base, Len uintptr }

// MadvisePidfd is process_madvise(2) over one range of another process's
// address space; it returns the number of bytes advised.
func MadvisePidfd(pidfd int, addr uintptr, length int, advice int, flags uint) (int, error) {
	iov := remoteIovec{Base: addr, Len: uintptr(length)}
	n, _, errno := unix.Syscall6(unix.SYS_PROCESS_MADVISE, uintptr(pidfd), uintptr(unsafe.Pointer(&iov)), 1, uintptr(advice), uintptr(flags), 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// answersEBADF turns a call made with fd -1 into a probe: EBADF means the
// syscall exists and looked the fd up.
func answersEBADF(call func() error) func() error {
	return func() error {
		if err := call(); !errors.Is(err, unix.EBADF) {
			return err
		}
		return nil
	}
}
