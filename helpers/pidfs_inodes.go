package helpers

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ThreadPidfdInodes creates n threads one after the other, each a raw
// clone(CLONE_THREAD|CLONE_PIDFD) that exits at once (see
// CloneThreadWithPidfd), and returns the st_ino of each one's pidfd in
// creation order. It locks one OS thread and blocks signals once for the
// whole batch, so a few thousand tasks cost milliseconds, not a second:
// the cheapest way to make the kernel allocate many struct pids.
func ThreadPidfdInodes(n int) ([]uint64, error) {
	return ThreadPidfdStamps(n, func(fd int) (uint64, error) {
		var st unix.Stat_t
		err := unix.Fstat(fd, &st)
		return st.Ino, err
	})
}

// ThreadPidfdStamps is ThreadPidfdInodes with the value taken from each
// thread's pidfd (before it is closed) chosen by stamp.
func ThreadPidfdStamps(n int, stamp func(pidfd int) (uint64, error)) ([]uint64, error) {
	out := make([]uint64, 0, n)
	err := onSignalFreeThread(func() error {
		for range n {
			fd, err := rawCloneExitingThread(threadCloneFlags | unix.CLONE_PIDFD)
			if err != nil {
				return err
			}
			v, err := stamp(fd)
			unix.Close(fd)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// fsIocGetversion is FS_IOC_GETVERSION, _IOR('v', 1, long): its size is
// the C long of this binary's ABI.
const fsIocGetversion = 2<<30 | uintptr(unsafe.Sizeof(uintptr(0)))<<16 | 'v'<<8 | 1

// PidfsGeneration is FS_IOC_GETVERSION on a pidfd: pidfs's inode
// generation, the upper 32 bits of the 64-bit inode counter on 32-bit
// kernels (where st_ino holds only the lower 32).
func PidfsGeneration(pidfd int) (uint64, error) {
	var gen uintptr // a C long
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(pidfd), fsIocGetversion, uintptr(unsafe.Pointer(&gen)))
	if errno != 0 {
		return 0, errno
	}
	return uint64(gen), nil
}

// PidfsID is the full 64-bit pidfs inode number behind a pidfd: st_ino on
// 64-bit kernels, generation<<32 | st_ino on 32-bit ones (v6.14+).
func PidfsID(pidfd int) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(pidfd, &st); err != nil {
		return 0, err
	}
	if !Is32BitBuild() {
		return uint64(st.Ino), nil
	}
	gen, err := PidfsGeneration(pidfd)
	if err != nil {
		return 0, err
	}
	return gen<<32 | uint64(uint32(st.Ino)), nil
}
