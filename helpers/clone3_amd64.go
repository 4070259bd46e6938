package helpers

import "unsafe"

const haveRawClone3 = true

// clone3Asm is implemented in clone3_amd64.s.
func clone3Asm(args unsafe.Pointer, size uintptr, child unsafe.Pointer) (r1 uintptr, errno uintptr)
