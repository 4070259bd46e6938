#include "textflag.h"

// func clonePausingChild(flags uintptr, stack uintptr, parentTid *int32) (r1 uintptr, errno uintptr)
//
// The child runs only the instructions below: prctl(PR_SET_PDEATHSIG,
// SIGKILL), then pause() forever. It never touches Go memory or TLS.
TEXT ·clonePausingChild(SB),NOSPLIT,$0-40
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
	MOVQ	$1, DI		// PR_SET_PDEATHSIG
	MOVQ	$9, SI		// SIGKILL
	MOVQ	$157, AX	// SYS_prctl
	SYSCALL
loop:
	MOVQ	$34, AX		// SYS_pause
	SYSCALL
	JMP	loop
