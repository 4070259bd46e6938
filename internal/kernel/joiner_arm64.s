#include "textflag.h"

// joinChild is the joiner's body (see rawclone.go, joiner.go), with ctrl in
// R20 and other in R21. It runs on its own copy of the parent's stack and
// memory (no CLONE_VM); 16 bytes below the stack pointer it inherited are
// its scratch (0: request, 8: answer), which keeps RSP 16-byte aligned as
// arm64 requires of every access through it.
TEXT joinChild<>(SB),NOSPLIT|NOFRAME,$0
	SUB	$16, RSP
	MOVD	$1, R0		// PR_SET_PDEATHSIG
	MOVD	$9, R1		// SIGKILL
	MOVD	$167, R8	// SYS_prctl
	SVC
	MOVD	R21, R0
	MOVD	$57, R8		// SYS_close
	SVC
serve:
	MOVD	R20, R0
	MOVD	RSP, R1
	MOVD	$8, R2
	MOVD	$63, R8		// SYS_read
	SVC
	CMP	$8, R0
	BNE	done
	MOVW	0(RSP), R0	// fd, sign-extended
	MOVW	4(RSP), R1	// flags
	MOVD	$268, R8	// SYS_setns
	SVC
	MOVD	R0, 8(RSP)
	MOVD	R20, R0
	ADD	$8, RSP, R1
	MOVD	$8, R2
	MOVD	$64, R8		// SYS_write
	SVC
	B	serve
done:
	MOVD	$0, R0
	MOVD	$94, R8		// SYS_exit_group
	SVC
	B	done

// func joinChildPC() uintptr
TEXT ·joinChildPC(SB),NOSPLIT|NOFRAME,$0-8
	MOVD	$joinChild<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET
