#include "textflag.h"

// execChild is the body (see rawclone.go) of Clone3Exec's child, with its
// clone3Child block in R12: it sets its signal mask, moves the peer fd to 3
// (without FD_CLOEXEC) and executes the role, or exits with 127. It only
// reads the block, from its own copy of the parent's memory: Clone3Exec's
// callers never pass CLONE_VM.
TEXT execChild<>(SB),NOSPLIT|NOFRAME,$0
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
again:
	MOVQ	$60, AX		// SYS_exit
	SYSCALL
	JMP	again

// func execChildPC() uintptr
TEXT ·execChildPC(SB),NOSPLIT,$0-8
	LEAQ	execChild<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
