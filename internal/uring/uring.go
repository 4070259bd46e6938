// Package uring is the little of io_uring(7) the suites need, without
// liburing (the suites are static Go): set a ring up, submit one SQE, wait
// for a CQE with a timeout, and ask which opcodes the kernel knows. It uses
// the SQ index array and the default setup flags, which every kernel since
// v5.1 understands.
package uring

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Opcodes (enum io_uring_op, include/uapi/linux/io_uring.h).
const (
	OpNop         = 0
	OpAsyncCancel = 14
	OpWaitid      = 50 // v6.7
)

const (
	offSqRing     = 0
	offCqRing     = 0x8000000
	offSqes       = 0x10000000
	enterGetevts  = 1 << 0
	enterExtArg   = 1 << 3
	featSingleMap = 1 << 0
	featExtArg    = 1 << 8
	registerProbe = 8
	opSupported   = 1 << 0
)

// SQE is struct io_uring_sqe (64 bytes); fields carry their generic names,
// each opcode gives them its own meaning.
type SQE struct {
	Opcode      uint8
	Flags       uint8
	Ioprio      uint16
	Fd          int32
	Off         uint64 // also addr2
	Addr        uint64
	Len         uint32
	OpFlags     uint32 // rw_flags, waitid_flags, cancel_flags, …
	UserData    uint64
	BufIndex    uint16
	Personality uint16
	FileIndex   uint32 // also splice_fd_in
	Addr3       uint64
	_           uint64
}

// CQE is struct io_uring_cqe.
type CQE struct {
	UserData uint64
	Res      int32
	Flags    uint32
}

type sqringOffsets struct {
	Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Resv1 uint32
	UserAddr                                                        uint64
}

type cqringOffsets struct {
	Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Resv1 uint32
	UserAddr                                                        uint64
}

type params struct {
	SqEntries, CqEntries, Flags, SqThreadCPU, SqThreadIdle, Features, WqFd uint32
	Resv                                                                   [3]uint32
	SqOff                                                                  sqringOffsets
	CqOff                                                                  cqringOffsets
}

// kernelTimespec is struct __kernel_timespec, which io_uring reads on every
// architecture, compat included: 64-bit seconds and nanoseconds, where
// unix.Timespec of a 32-bit program has 32-bit fields (a wait would then
// read its own nanoseconds as the high half of the seconds).
type kernelTimespec struct {
	Sec, Nsec int64
}

type getEventsArg struct {
	Sigmask     uint64
	SigmaskSz   uint32
	MinWaitUsec uint32
	Ts          uint64
}

// A Ring is one io_uring instance with its mapped queues. It is not safe
// for concurrent use.
type Ring struct {
	fd                     int
	sqRing, cqRing, sqes   []byte
	singleMap              bool // cqRing is sqRing
	sqHead, sqTail, sqMask *uint32
	sqArray                unsafe.Pointer
	sqEntries              uint32
	cqHead, cqTail, cqMask *uint32
	cqes                   unsafe.Pointer
}

// Setup is io_uring_setup(2) with entries SQEs and no flags, plus the
// mmaps of the rings. A kernel whose io_uring lacks IORING_FEAT_EXT_ARG
// (before v5.11) is refused with EOPNOTSUPP: WaitCQE needs it.
func Setup(entries uint32) (*Ring, error) {
	var p params
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, fmt.Errorf("io_uring_setup: %w", errno)
	}
	r := &Ring{fd: int(fd), sqEntries: p.SqEntries}
	if p.Features&featExtArg == 0 {
		r.Close()
		return nil, fmt.Errorf("io_uring without IORING_FEAT_EXT_ARG: %w", unix.EOPNOTSUPP)
	}
	if err := r.mapRings(&p); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Ring) mapRings(p *params) error {
	sqSize := int(p.SqOff.Array + p.SqEntries*4)
	cqSize := int(p.CqOff.Cqes + p.CqEntries*uint32(unsafe.Sizeof(CQE{})))
	single := p.Features&featSingleMap != 0
	r.singleMap = single
	if single {
		sqSize = max(sqSize, cqSize)
	}
	var err error
	if r.sqRing, err = mmap(r.fd, offSqRing, sqSize); err != nil {
		return err
	}
	r.cqRing = r.sqRing
	if !single {
		if r.cqRing, err = mmap(r.fd, offCqRing, cqSize); err != nil {
			return err
		}
	}
	if r.sqes, err = mmap(r.fd, offSqes, int(p.SqEntries)*int(unsafe.Sizeof(SQE{}))); err != nil {
		return err
	}
	at := func(ring []byte, off uint32) unsafe.Pointer { return unsafe.Pointer(&ring[off]) }
	r.sqHead, r.sqTail = (*uint32)(at(r.sqRing, p.SqOff.Head)), (*uint32)(at(r.sqRing, p.SqOff.Tail))
	r.sqMask, r.sqArray = (*uint32)(at(r.sqRing, p.SqOff.RingMask)), at(r.sqRing, p.SqOff.Array)
	r.cqHead, r.cqTail = (*uint32)(at(r.cqRing, p.CqOff.Head)), (*uint32)(at(r.cqRing, p.CqOff.Tail))
	r.cqMask, r.cqes = (*uint32)(at(r.cqRing, p.CqOff.RingMask)), at(r.cqRing, p.CqOff.Cqes)
	return nil
}

func mmap(fd int, off int64, size int) ([]byte, error) {
	b, err := unix.Mmap(fd, off, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		return nil, fmt.Errorf("mmap io_uring offset %#x: %w", off, err)
	}
	return b, nil
}

// Close unmaps the rings and closes the ring fd, which cancels whatever is
// still in flight.
func (r *Ring) Close() error {
	if r.sqes != nil {
		unix.Munmap(r.sqes)
	}
	if r.cqRing != nil && !r.singleMap {
		unix.Munmap(r.cqRing)
	}
	if r.sqRing != nil {
		unix.Munmap(r.sqRing)
	}
	r.sqes, r.cqRing, r.sqRing = nil, nil, nil
	return unix.Close(r.fd)
}

// Submit queues sqe and enters the kernel to submit it.
func (r *Ring) Submit(sqe SQE) error {
	tail := atomic.LoadUint32(r.sqTail)
	if tail-atomic.LoadUint32(r.sqHead) >= r.sqEntries {
		return fmt.Errorf("submission queue full: %w", unix.EBUSY)
	}
	idx := tail & *r.sqMask
	*(*SQE)(unsafe.Pointer(&r.sqes[uintptr(idx)*unsafe.Sizeof(SQE{})])) = sqe
	*(*uint32)(unsafe.Add(r.sqArray, idx*4)) = idx
	atomic.StoreUint32(r.sqTail, tail+1)
	for {
		n, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), 1, 0, 0, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 {
			return fmt.Errorf("io_uring_enter(submit): %w", errno)
		}
		if n != 1 {
			return fmt.Errorf("io_uring_enter submitted %d SQEs, want 1", n)
		}
		return nil
	}
}

// TryCQE takes the next completion if there is one.
func (r *Ring) TryCQE() (CQE, bool) {
	head := atomic.LoadUint32(r.cqHead)
	if head == atomic.LoadUint32(r.cqTail) {
		return CQE{}, false
	}
	cqe := *(*CQE)(unsafe.Add(r.cqes, uintptr(head&*r.cqMask)*unsafe.Sizeof(CQE{})))
	atomic.StoreUint32(r.cqHead, head+1)
	return cqe, true
}

// ErrNoCompletion is WaitCQE's error when nothing completed in time.
var ErrNoCompletion = errors.New("no io_uring completion")

// WaitCQE waits up to timeout for the next completion, in slices of at most
// 100 ms so that a cancelled ctx ends the wait.
func (r *Ring) WaitCQE(ctx context.Context, timeout time.Duration) (CQE, error) {
	deadline := time.Now().Add(timeout)
	for {
		if cqe, ok := r.TryCQE(); ok {
			return cqe, nil
		}
		if err := ctx.Err(); err != nil {
			return CQE{}, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return CQE{}, fmt.Errorf("%w within %v", ErrNoCompletion, timeout)
		}
		ts := kernelTimespec{Nsec: min(left, 100*time.Millisecond).Nanoseconds()}
		arg := getEventsArg{Ts: uint64(uintptr(unsafe.Pointer(&ts)))}
		_, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), 0, 1, enterGetevts|enterExtArg,
			uintptr(unsafe.Pointer(&arg)), unsafe.Sizeof(arg))
		runtime.KeepAlive(&ts)
		if errno != 0 && errno != unix.ETIME && errno != unix.EINTR {
			return CQE{}, fmt.Errorf("io_uring_enter(getevents): %w", errno)
		}
	}
}

// Supports asks the kernel (IORING_REGISTER_PROBE, v5.6) whether it knows
// opcode op.
func (r *Ring) Supports(op uint8) (bool, error) {
	const maxOps = 256
	// struct io_uring_probe: last_op, ops_len, resv, resv2[3], then
	// struct io_uring_probe_op {op, resv, flags, resv2} per opcode.
	buf := make([]byte, 16+maxOps*8)
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerProbe, uintptr(unsafe.Pointer(&buf[0])), maxOps, 0, 0)
	if errno != 0 {
		return false, fmt.Errorf("io_uring_register(IORING_REGISTER_PROBE): %w", errno)
	}
	opsLen := int(buf[1])
	if int(op) >= opsLen {
		return false, nil
	}
	flags := binary.NativeEndian.Uint16(buf[16+int(op)*8+2:])
	return flags&opSupported != 0, nil
}

// The kernel's layouts, checked wherever the package compiles (make vet
// builds it for 386 too, where Go aligns 64-bit fields to 4 bytes): a size
// that differs does not compile.
var (
	_ [64]byte  = [unsafe.Sizeof(SQE{})]byte{}
	_ [16]byte  = [unsafe.Sizeof(CQE{})]byte{}
	_ [120]byte = [unsafe.Sizeof(params{})]byte{}
	_ [24]byte  = [unsafe.Sizeof(getEventsArg{})]byte{}
	_ [16]byte  = [unsafe.Sizeof(kernelTimespec{})]byte{}
)
