package kernel

import "unsafe"

// HaveRawClone3 says whether this architecture has the clone3 stub.
const HaveRawClone3 = true

// clone3Asm is implemented in clone3_amd64.s.
func clone3Asm(args unsafe.Pointer, size uintptr, child unsafe.Pointer) (r1 uintptr, errno uintptr)
