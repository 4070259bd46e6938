package kernel

import "unsafe"

// Is32BitBuild reports whether this binary is 32-bit. The matrix runs 386
// binaries only on its i386 kernel, so specs use it for "the kernel is
// 32-bit"; a 386 binary on a 64-bit kernel would be misjudged.
func Is32BitBuild() bool { return unsafe.Sizeof(uintptr(0)) == 4 }
