//go:build amd64 || 386 || arm64

package kernel

import (
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawClone is the only raw clone of this architecture (rawclone_$GOARCH.s):
// system call nr (SYS_CLONE or SYS_CLONE3) with a0, a1 and a2, whose
// result, a pid or -errno, it returns to the parent as pid or errno. The
// child never returns into Go: rawClone jumps to body, the address of a
// child body (the *ChildPC functions), with arg0 and arg1 in registers.
//
// Why one prologue that jumps rather than one stub per child: the system
// call, the parent/child split and the -errno convention are the parts a
// child cannot get wrong, so each architecture has them once, and a body is
// only the system calls its child makes. Its arguments come in registers,
// not in memory, because a CLONE_VM child runs alongside its parent, which
// may have returned and reused any memory it gave the child by the time the
// child reads it.
//
// A body starts with the registers of the cloning thread (the kernel copies
// them), the body address and its arguments in:
//
//	amd64: BX body, R12 arg0, R13 arg1
//	386:   BP body, SI arg0, DI arg1 (clone's tls and child_tid: see cloneChild)
//	arm64: R19 body, R20 arg0, R21 arg1
//
// and its stack pointer is the stack the caller gave clone, or without one
// the parent's at the system call: a private copy of it without CLONE_VM; a
// stack the parent goes on using with CLONE_VM, which the body must then
// never touch. It is born with the signal mask of the cloning thread: every
// signal blocked (onSignalFreeThread, startChild), since a Go handler must
// never run in it. It runs no Go code, touches no Go memory it shares with
// the parent and no TLS, and ends in exit, exit_group or execve.
//
// Another architecture adds rawclone_$GOARCH.s (its registers in the table
// above), rawclone_exit_$GOARCH.s and joiner_$GOARCH.s, and its name to the
// build lines of rawclone.go, clone_thread_raw.go, joiner.go,
// rawclone_other.go and rawclone_test.go; raw clone3 and the pausing child
// need their bodies as well (clone3_$GOARCH.s, clone_pause_$GOARCH.s) and
// their name in the build lines of clone3_raw.go and clone_pause.go.
func rawClone(nr, a0, a1, a2, body, arg0, arg1 uintptr) (r1, errno uintptr)

// exitChildPC is the address of the body that calls exit(arg0), which ends
// only its own thread, so even a CLONE_THREAD child the kernel should have
// refused does no harm (rawclone_exit_$GOARCH.s).
func exitChildPC() uintptr

// argRegisterFlags make clone(2) read the registers that carry the body's
// arguments on 386 (tls and child_tid); no raw child needs them.
const argRegisterFlags = unix.CLONE_SETTLS | unix.CLONE_CHILD_SETTID | unix.CLONE_CHILD_CLEARTID

// childStack is the stack of the CLONE_VM children: clone(2) wants a stack
// pointer of their own, and no body ever writes to it, so all share it.
var childStack [256]uint64

// childStackTop is the stack pointer for a CLONE_VM child, 16-byte
// aligned: arm64 faults on any access through a misaligned stack pointer.
func childStackTop() uintptr {
	return uintptr(unsafe.Pointer(&childStack[len(childStack)-1])) &^ 15
}

// cloneChild calls clone(flags) for a child that starts in body with arg0
// and arg1, on stack (0: a copy of the caller's, never with CLONE_VM), and
// returns its pid and, with CLONE_PIDFD, its pidfd (-1 otherwise). The
// caller has blocked every signal on its locked thread.
func cloneChild(flags, stack, body, arg0, arg1 uintptr) (pid, pidfd int, err error) {
	if flags&argRegisterFlags != 0 {
		panic("cloneChild: CLONE_SETTLS and CLONE_CHILD_*TID would read the registers of the body's arguments")
	}
	fd := int32(-1) // CLONE_PIDFD stores the pidfd through parent_tid
	r, errno := rawClone(unix.SYS_CLONE, flags, stack, uintptr(unsafe.Pointer(&fd)), body, arg0, arg1)
	if errno != 0 {
		return -1, -1, unix.Errno(errno)
	}
	return int(r), int(fd), nil
}

// startChild is cloneChild on the calling thread, as fork(2) would do it: the
// child takes that thread's credentials (a Landlock domain is per thread).
// Every signal is blocked there meanwhile, so the child is born with all of
// them blocked and keeps them so.
func startChild(flags, stack, body, arg0, arg1 uintptr) (pid, pidfd int, err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	restore, err := blockAllSignals()
	if err != nil {
		return -1, -1, err
	}
	defer restore()
	return cloneChild(flags, stack, body, arg0, arg1)
}
