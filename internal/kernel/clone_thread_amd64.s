#include "textflag.h"

// func cloneExitingThread(flags uintptr, stack uintptr, parentTid *int32) (r1 uintptr, errno uintptr)
TEXT ·cloneExitingThread(SB),NOSPLIT,$0-40
	MOVQ	flags+0(FP), DI
	MOVQ	stack+8(FP), SI
	MOVQ	parentTid+16(FP), DX
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVQ	$56, AX		// SYS_clone
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
	MOVQ	$0, DI
	MOVQ	$60, AX		// SYS_exit: ends this thread only
	SYSCALL
	JMP	child
