//go:build amd64 || 386

package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// cloneExitingThread is implemented in clone_thread_$GOARCH.s.
//
//go:noescape
func cloneExitingThread(flags uintptr, stack uintptr, parentTid *int32) (r1 uintptr, errno uintptr)

// threadStack is never written: the thread's only instructions are the exit
// syscall; the kernel still wants a separate stack pointer for CLONE_VM.
var threadStack [256]uint64

func rawCloneExitingThread(flags int) (int, error) {
	pidfd := int32(-1)
	top := uintptr(unsafe.Pointer(&threadStack[len(threadStack)-1]))
	_, errno := cloneExitingThread(uintptr(flags), top, &pidfd)
	if errno != 0 {
		return -1, unix.Errno(errno)
	}
	return int(pidfd), nil
}
