#include "textflag.h"

// func rawClone(nr, a0, a1, a2, body, arg0, arg1 uintptr) (r1, errno uintptr)
//
// See rawclone.go. The child keeps every register but AX, CX and R11, so
// the body address and its arguments, loaded before the system call, reach
// it in BX, R12 and R13; it jumps there without touching its stack.
TEXT ·rawClone(SB),NOSPLIT,$0-72
	MOVQ	nr+0(FP), AX	// SYS_clone or SYS_clone3
	MOVQ	a0+8(FP), DI
	MOVQ	a1+16(FP), SI
	MOVQ	a2+24(FP), DX
	MOVQ	$0, R10		// clone: child_tid
	MOVQ	$0, R8		// clone: tls
	MOVQ	body+32(FP), BX
	MOVQ	arg0+40(FP), R12
	MOVQ	arg1+48(FP), R13
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok
	MOVQ	$-1, r1+56(FP)
	NEGQ	AX
	MOVQ	AX, errno+64(FP)
	RET
ok:
	MOVQ	AX, r1+56(FP)
	MOVQ	$0, errno+64(FP)
	RET
child:
	JMP	BX
