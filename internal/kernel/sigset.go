package kernel

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// SigsetOf is a sigset_t holding sigs.
func SigsetOf(sigs ...unix.Signal) *unix.Sigset_t {
	var set unix.Sigset_t
	bits := uint(unsafe.Sizeof(set.Val[0]) * 8)
	for _, s := range sigs {
		n := uint(s) - 1
		set.Val[n/bits] |= 1 << (n % bits)
	}
	return &set
}

// SigsetHas reports whether set holds sig.
func SigsetHas(set *unix.Sigset_t, sig unix.Signal) bool {
	bits := uint(unsafe.Sizeof(set.Val[0]) * 8)
	n := uint(sig) - 1
	return set.Val[n/bits]&(1<<(n%bits)) != 0
}

// Sigtimedwait is rt_sigtimedwait(2) on the calling thread: it dequeues one
// of set (which the thread must block), from the thread's own queue first,
// then the process's. EAGAIN means none arrived within timeout.
func Sigtimedwait(set *unix.Sigset_t, timeout time.Duration) (SigInfo, error) {
	ts := unix.NsecToTimespec(int64(timeout))
	for {
		var si unix.Siginfo
		_, _, errno := unix.Syscall6(unix.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(set)),
			uintptr(unsafe.Pointer(&si)), uintptr(unsafe.Pointer(&ts)), kernelSigsetSize, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return SigInfo{}, errno
		}
		return DecodeSiginfo(&si), nil
	}
}

// Sigpending is rt_sigpending(2) on the calling thread: the blocked signals
// queued for it or for its process.
func Sigpending() (*unix.Sigset_t, error) {
	var set unix.Sigset_t
	if _, _, errno := unix.RawSyscall(unix.SYS_RT_SIGPENDING, uintptr(unsafe.Pointer(&set)), kernelSigsetSize, 0); errno != 0 {
		return nil, errno
	}
	return &set, nil
}
