#include "textflag.h"

// joinChild is the joiner's body (see rawclone.go, joiner.go), with ctrl in
// R12 and other in R13. It runs on its own copy of the parent's stack and
// memory (no CLONE_VM), and its 16-byte frame is its scratch (0: request,
// 8: answer).
TEXT joinChild<>(SB),NOSPLIT,$16
	MOVQ	$1, DI		// PR_SET_PDEATHSIG
	MOVQ	$9, SI		// SIGKILL
	MOVQ	$157, AX	// SYS_prctl
	SYSCALL
	MOVQ	R13, DI
	MOVQ	$3, AX		// SYS_close
	SYSCALL
serve:
	MOVQ	R12, DI
	LEAQ	0(SP), SI
	MOVQ	$8, DX
	MOVQ	$0, AX		// SYS_read
	SYSCALL
	CMPQ	AX, $8
	JNE	done
	MOVLQSX	0(SP), DI	// fd
	MOVLQSX	4(SP), SI	// flags
	MOVQ	$308, AX	// SYS_setns
	SYSCALL
	MOVQ	AX, 8(SP)
	MOVQ	R12, DI
	LEAQ	8(SP), SI
	MOVQ	$8, DX
	MOVQ	$1, AX		// SYS_write
	SYSCALL
	JMP	serve
done:
	MOVQ	$0, DI
	MOVQ	$231, AX	// SYS_exit_group
	SYSCALL
	JMP	done

// func joinChildPC() uintptr
TEXT ·joinChildPC(SB),NOSPLIT,$0-8
	LEAQ	joinChild<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
