//go:build amd64 || 386 || arm64

package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// HaveRawClone3 says whether this architecture has the clone3 child bodies.
const HaveRawClone3 = true

// execChildPC is the address of Clone3Exec's child body (clone3_$GOARCH.s).
func execChildPC() uintptr

// clone3Raw issues clone3 with call.args through rawClone, for a child that
// executes call.child.path or, without one, calls exit(call.exitCode).
func clone3Raw(call *clone3Call) (pid uintptr, errno uintptr) {
	if call.child.path == nil {
		return rawClone(unix.SYS_CLONE3, uintptr(unsafe.Pointer(&call.args)), unsafe.Sizeof(call.args), 0,
			exitChildPC(), uintptr(call.exitCode), 0)
	}
	return rawClone(unix.SYS_CLONE3, uintptr(unsafe.Pointer(&call.args)), unsafe.Sizeof(call.args), 0,
		execChildPC(), uintptr(unsafe.Pointer(&call.child)), 0)
}

// execChild (clone3_$GOARCH.s) reads the block at these offsets: a word
// per pointer, then the peer fd.
var (
	_ [3 * unsafe.Sizeof(uintptr(0))]byte = [unsafe.Offsetof(clone3Child{}.mask)]byte{}
	_ [4 * unsafe.Sizeof(uintptr(0))]byte = [unsafe.Offsetof(clone3Child{}.peerFd)]byte{}
)
