package kernel

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ResetSignalToDefault sets sig's disposition to SIG_DFL in the kernel,
// behind the Go runtime's back: a fault then takes the kernel's default
// action (for SIGSEGV, a core dump) instead of becoming a Go panic. Only a
// helper that is meant to die by the signal may call it.
func ResetSignalToDefault(sig unix.Signal) error {
	// An all-zero struct sigaction is SIG_DFL with no flags and an empty
	// mask on every ABI; 32 bytes cover the largest (64-bit) layout.
	var act [32]byte
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act[0])), 0, kernelSigsetSize, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
