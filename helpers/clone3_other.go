//go:build !amd64

package helpers

import "unsafe"

const haveRawClone3 = false

func clone3Asm(args unsafe.Pointer, size uintptr, child unsafe.Pointer) (r1 uintptr, errno uintptr) {
	panic("no raw clone3 stub on this architecture")
}
