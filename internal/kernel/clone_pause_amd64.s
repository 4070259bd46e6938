#include "textflag.h"

// func clonePausingChild(flags, stack uintptr, parentTid *int32, fd0, closeFrom int) (r1 uintptr, errno uintptr)
//
// The child runs only the instructions below, with fd0 in R12 and
// closeFrom in R13 (the kernel copies registers into it): prctl(
// PR_SET_PDEATHSIG, SIGKILL); dup2(fd0, 0) when fd0 >= 0; close every fd
// from closeFrom up when closeFrom >= 0 (close_range, or one close per fd
// below 1024 before v5.9); then pause() forever. It never touches Go
// memory, TLS or its stack, so sharing the parent's memory is harmless.
TEXT ·clonePausingChild(SB),NOSPLIT,$0-56
	MOVQ	flags+0(FP), DI
	MOVQ	stack+8(FP), SI
	MOVQ	parentTid+16(FP), DX
	MOVQ	fd0+24(FP), R12
	MOVQ	closeFrom+32(FP), R13
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVQ	$56, AX		// SYS_clone
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok
	MOVQ	$-1, r1+40(FP)
	NEGQ	AX
	MOVQ	AX, errno+48(FP)
	RET
ok:
	MOVQ	AX, r1+40(FP)
	MOVQ	$0, errno+48(FP)
	RET
child:
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
