package uring

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// A Waitid is an IORING_OP_WAITID request (v6.7): waitid(2) that completes
// through the ring. Info is where the kernel writes the siginfo; it is on
// the heap, which Go never moves, and the Waitid keeps it alive: hold on to
// the Waitid until its completion has arrived (or the ring is closed).
type Waitid struct {
	Info *unix.Siginfo
	SQE  SQE
}

// NewWaitid prepares waitid(idtype, id, Info, options) with userData as the
// completion's user data. The CQE's res is 0 or -errno, as waitid's return.
func NewWaitid(idtype, id, options int, userData uint64) *Waitid {
	w := &Waitid{Info: new(unix.Siginfo)}
	w.SQE = SQE{
		Opcode:    OpWaitid,
		Fd:        int32(id),
		Len:       uint32(idtype),
		FileIndex: uint32(options),
		Off:       uint64(uintptr(unsafe.Pointer(w.Info))), // addr2: the siginfo
		UserData:  userData,
	}
	return w
}

// Cancel is an IORING_OP_ASYNC_CANCEL request for the request whose user
// data is target; its own completion's res is 0 when it found and
// cancelled that request, -ENOENT when nothing matched and -EALREADY when
// the request was already completing.
func Cancel(target, userData uint64) SQE {
	return SQE{Opcode: OpAsyncCancel, Addr: target, UserData: userData}
}

// Nop is an IORING_OP_NOP request, which completes with res 0.
func Nop(userData uint64) SQE { return SQE{Opcode: OpNop, UserData: userData} }
