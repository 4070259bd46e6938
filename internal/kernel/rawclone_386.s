#include "textflag.h"

// func rawClone(nr, a0, a1, a2, body, arg0, arg1 uintptr) (r1, errno uintptr)
//
// See rawclone.go. INT $0x80 changes no register but AX, so the body
// address and its arguments, loaded before the system call, reach the
// child in BP, SI and DI. SI and DI are also clone's tls and child_tid,
// which the kernel reads only with the flags cloneChild refuses (clone3
// takes two arguments and leaves them alone).
TEXT ·rawClone(SB),NOSPLIT,$0-36
	MOVL	nr+0(FP), AX	// SYS_clone or SYS_clone3
	MOVL	a0+4(FP), BX
	MOVL	a1+8(FP), CX
	MOVL	a2+12(FP), DX
	MOVL	body+16(FP), BP
	MOVL	arg0+20(FP), SI
	MOVL	arg1+24(FP), DI
	INT	$0x80
	CMPL	AX, $0
	JEQ	child
	CMPL	AX, $0xfffff001
	JLS	ok
	MOVL	$-1, r1+28(FP)
	NEGL	AX
	MOVL	AX, errno+32(FP)
	RET
ok:
	MOVL	AX, r1+28(FP)
	MOVL	$0, errno+32(FP)
	RET
child:
	JMP	BP
