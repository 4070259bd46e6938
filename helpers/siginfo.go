package helpers

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// si_code values (uapi asm-generic/siginfo.h) that x/sys/unix lacks.
const (
	SI_USER  = 0  // kill(2), or pidfd_send_signal(2) without info to a process
	SI_QUEUE = -1 // sigqueue(3)
	SI_TKILL = -6 // tkill(2)/tgkill(2), or pidfd_send_signal(2) without info to a thread
)

// SIGCHLD si_code values (uapi asm-generic/siginfo.h).
const (
	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6
)

// SigInfo is the part of a siginfo_t the suites look at. Pid and Uid are the
// _kill/_rt/_sigchld pid and uid; Value is _rt's sigval.sival_int and Status
// _sigchld's si_status (they share an offset in the union).
type SigInfo struct {
	Signo  unix.Signal
	Errno  int32
	Code   int32
	Pid    int32
	Uid    uint32
	Value  int32
	Status int32
}

// siUnion is where the siginfo union starts: after three ints, aligned to a
// pointer (__ARCH_SI_PREAMBLE_SIZE: 16 on 64-bit, 12 on 32-bit).
const siUnion = (3*4 + unsafe.Sizeof(uintptr(0)) - 1) &^ (unsafe.Sizeof(uintptr(0)) - 1)

func siField[T int32 | uint32](si *unix.Siginfo, off uintptr) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(si), off))
}

// Raw encodes the fields as a siginfo_t for pidfd_send_signal(2): signo,
// errno, code, then pid, uid and sival_int (the _rt layout).
func (s SigInfo) Raw() *unix.Siginfo {
	si := &unix.Siginfo{Signo: int32(s.Signo), Errno: s.Errno, Code: s.Code}
	*siField[int32](si, siUnion) = s.Pid
	*siField[uint32](si, siUnion+4) = s.Uid
	*siField[int32](si, siUnion+8) = s.Value
	return si
}

// DecodeSiginfo reads the fields of a siginfo_t the kernel filled in.
func DecodeSiginfo(si *unix.Siginfo) SigInfo {
	return SigInfo{
		Signo:  unix.Signal(si.Signo),
		Errno:  si.Errno,
		Code:   si.Code,
		Pid:    *siField[int32](si, siUnion),
		Uid:    *siField[uint32](si, siUnion+4),
		Value:  *siField[int32](si, siUnion+8),
		Status: *siField[int32](si, siUnion+8),
	}
}

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

// kernelSigsetSize is _NSIG/8, the only sigsetsize the rt_sig* calls accept.
const kernelSigsetSize = 8

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

// Waitid is waitid(P_PIDFD, pidfd, …, options) retried on EINTR.
func Waitid(pidfd, options int) (SigInfo, error) {
	for {
		var si unix.Siginfo
		err := unix.Waitid(unix.P_PIDFD, pidfd, &si, options, nil)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return DecodeSiginfo(&si), err
	}
}

// WaitidTimeout is a blocking waitid(P_PIDFD) that the spec stops waiting
// for after timeout or when ctx ends. The call itself runs on its own
// goroutine: if it is abandoned, it returns once the child is killed and
// reaped by its cleanup.
func WaitidTimeout(ctx context.Context, pidfd, options int, timeout time.Duration) (SigInfo, error) {
	type result struct {
		info SigInfo
		err  error
	}
	done := make(chan result, 1)
	go func() {
		info, err := Waitid(pidfd, options)
		done <- result{info, err}
	}()
	select {
	case r := <-done:
		return r.info, r.err
	case <-ctx.Done():
		return SigInfo{}, ctx.Err()
	case <-time.After(timeout):
		return SigInfo{}, fmt.Errorf("waitid(P_PIDFD, %d, %#x): no state change within %v", pidfd, options, timeout)
	}
}
