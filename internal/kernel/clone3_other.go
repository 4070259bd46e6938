//go:build !amd64

package kernel

import "unsafe"

// HaveRawClone3 says whether this architecture has the clone3 stub.
const HaveRawClone3 = false

func clone3Asm(args unsafe.Pointer, size uintptr, child unsafe.Pointer) (r1 uintptr, errno uintptr) {
	panic("no raw clone3 stub on this architecture")
}
