#include "textflag.h"

// pauseChild is the body (see rawclone.go) of the pausing children, with
// fd0 in R12 and closeFrom in R13: prctl(PR_SET_PDEATHSIG, SIGKILL);
// dup2(fd0, 0) when fd0 >= 0; close every fd from closeFrom up when
// closeFrom >= 0 (close_range, or one close per fd below 1024 before
// v5.9); then pause() forever. It shares the parent's memory and touches
// none of it, nor its stack.
TEXT pauseChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVQ	$1, DI		// PR_SET_PDEATHSIG
	MOVQ	$9, SI		// SIGKILL
	MOVQ	$157, AX	// SYS_prctl
	SYSCALL
	CMPQ	R12, $0
	JLT	closefds
	MOVQ	R12, DI
	MOVQ	$0, SI
	MOVQ	$33, AX		// SYS_dup2
	SYSCALL
closefds:
	CMPQ	R13, $0
	JLT	loop
	MOVQ	R13, DI
	MOVL	$0xffffffff, SI
	MOVQ	$0, DX
	MOVQ	$436, AX	// SYS_close_range
	SYSCALL
	CMPQ	AX, $0
	JEQ	loop
closeone:
	MOVQ	R13, DI
	MOVQ	$3, AX		// SYS_close
	SYSCALL
	INCQ	R13
	CMPQ	R13, $1024
	JLT	closeone
loop:
	MOVQ	$34, AX		// SYS_pause
	SYSCALL
	JMP	loop

// func pauseChildPC() uintptr
TEXT ·pauseChildPC(SB),NOSPLIT,$0-8
	LEAQ	pauseChild<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
