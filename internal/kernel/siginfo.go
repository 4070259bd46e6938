package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
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
