#include "textflag.h"

// execChild is the body (see rawclone.go) of Clone3Exec's child, with its
// clone3Child block in SI, kept in BP (INT $0x80 changes only AX): it sets
// its signal mask, moves the peer fd to 3 (without FD_CLOEXEC) and
// executes the role, or exits with 127. It only reads the block, from its
// own copy of the parent's memory: Clone3Exec's callers never pass
// CLONE_VM.
TEXT execChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVL	SI, BP
	MOVL	$2, BX		// SIG_SETMASK
	MOVL	12(BP), CX
	MOVL	$0, DX
	MOVL	$8, SI
	MOVL	$175, AX	// SYS_rt_sigprocmask
	INT	$0x80
	MOVL	16(BP), BX	// the peer fd's low half (little-endian int64)
	MOVL	$3, CX
	MOVL	$63, AX		// SYS_dup2
	INT	$0x80
	MOVL	$3, BX
	MOVL	$2, CX		// F_SETFD
	MOVL	$0, DX
	MOVL	$55, AX		// SYS_fcntl
	INT	$0x80
	MOVL	0(BP), BX
	MOVL	4(BP), CX
	MOVL	8(BP), DX
	MOVL	$11, AX		// SYS_execve
	INT	$0x80
	MOVL	$127, BX
again:
	MOVL	$1, AX		// SYS_exit
	INT	$0x80
	JMP	again

// func execChildPC() uintptr
TEXT ·execChildPC(SB),NOSPLIT,$0-4
	LEAL	execChild<>(SB), AX
	MOVL	AX, ret+0(FP)
	RET
