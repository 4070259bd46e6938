#include "textflag.h"

// func cloneExitingThread(flags uintptr, stack uintptr, parentTid *int32) (r1 uintptr, errno uintptr)
TEXT ·cloneExitingThread(SB),NOSPLIT,$0-20
	MOVL	flags+0(FP), BX
	MOVL	stack+4(FP), CX
	MOVL	parentTid+8(FP), DX
	MOVL	$0, SI
	MOVL	$0, DI
	MOVL	$120, AX	// SYS_clone
	INT	$0x80
	CMPL	AX, $0
	JEQ	child
	CMPL	AX, $0xfffff001
	JLS	ok
	MOVL	$-1, r1+12(FP)
	NEGL	AX
	MOVL	AX, errno+16(FP)
	RET
ok:
	MOVL	AX, r1+12(FP)
	MOVL	$0, errno+16(FP)
	RET
child:
	MOVL	$0, BX
	MOVL	$1, AX		// SYS_exit: ends this thread only
	INT	$0x80
	JMP	child
