#include "textflag.h"

// func clone3Asm(args unsafe.Pointer, size uintptr, child unsafe.Pointer) (r1 uintptr, errno uintptr)
//
// The child (and a thread, should the kernel accept CLONE_THREAD) runs
// only the instructions after the syscall, with the pointer to its
// clone3Child block in R12, which the kernel copies into it. It touches no
// stack, so sharing the parent's stack under CLONE_VM is harmless. It
// either exits at once, or sets its signal mask, moves the peer fd to 3
// (without FD_CLOEXEC) and executes the role.
TEXT ·clone3Asm(SB),NOSPLIT,$0-40
	MOVQ	args+0(FP), DI
	MOVQ	size+8(FP), SI
	MOVQ	child+16(FP), R12
	MOVQ	$435, AX	// SYS_clone3
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok
	MOVQ	$-1, r1+24(FP)
	NEGQ	AX
	MOVQ	AX, errno+32(FP)
	RET
ok:
	MOVQ	AX, r1+24(FP)
	MOVQ	$0, errno+32(FP)
	RET
child:
	MOVQ	0(R12), DI
	TESTQ	DI, DI
	JZ	justexit
	MOVQ	$2, DI		// SIG_SETMASK
	MOVQ	24(R12), SI
	MOVQ	$0, DX
	MOVQ	$8, R10
	MOVQ	$14, AX		// SYS_rt_sigprocmask
	SYSCALL
	MOVQ	32(R12), DI
	MOVQ	$3, SI
	MOVQ	$33, AX		// SYS_dup2
	SYSCALL
	MOVQ	$3, DI
	MOVQ	$2, SI		// F_SETFD
	MOVQ	$0, DX
	MOVQ	$72, AX		// SYS_fcntl
	SYSCALL
	MOVQ	0(R12), DI
	MOVQ	8(R12), SI
	MOVQ	16(R12), DX
	MOVQ	$59, AX		// SYS_execve
	SYSCALL
	MOVQ	$127, DI
	JMP	exit
justexit:
	MOVQ	40(R12), DI
exit:
	MOVQ	$60, AX		// SYS_exit: this thread only
	SYSCALL
	JMP	exit
