#include "textflag.h"

// func rawClone(nr, a0, a1, a2, body, arg0, arg1 uintptr) (r1, errno uintptr)
//
// See rawclone.go. The kernel hands the child every register but R0 (the
// result), so the body address and its arguments, loaded before the
// system call, reach it in R19, R20 and R21; it jumps there without
// touching its stack. clone's fourth and fifth arguments (tls, child_tid
// on arm64) are 0.
TEXT ·rawClone(SB),NOSPLIT|NOFRAME,$0-72
	MOVD	nr+0(FP), R8	// SYS_clone or SYS_clone3
	MOVD	a0+8(FP), R0
	MOVD	a1+16(FP), R1
	MOVD	a2+24(FP), R2
	MOVD	$0, R3		// clone: tls
	MOVD	$0, R4		// clone: child_tid
	MOVD	body+32(FP), R19
	MOVD	arg0+40(FP), R20
	MOVD	arg1+48(FP), R21
	SVC
	CBZ	R0, child
	CMN	$4095, R0
	BCC	ok
	MOVD	$-1, R4
	MOVD	R4, r1+56(FP)
	NEG	R0, R0
	MOVD	R0, errno+64(FP)
	RET
ok:
	MOVD	R0, r1+56(FP)
	MOVD	ZR, errno+64(FP)
	RET
child:
	B	(R19)
