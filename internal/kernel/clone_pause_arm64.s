#include "textflag.h"

// pauseChild is the body (see rawclone.go) of the pausing children, with
// fd0 in R20 and closeFrom in R21: prctl(PR_SET_PDEATHSIG, SIGKILL);
// dup3(fd0, 0, 0) when fd0 > 0 (arm64 has no dup2; an fd0 of 0 is already
// in place); close every fd from closeFrom up when closeFrom >= 0
// (close_range, or one close per fd below 1024 before v5.9); then sleeps
// forever in ppoll with no fds and no timeout (arm64 has no pause). It
// shares the parent's memory and touches none of it, nor its stack.
TEXT pauseChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVD	$1, R0		// PR_SET_PDEATHSIG
	MOVD	$9, R1		// SIGKILL
	MOVD	$167, R8	// SYS_prctl
	SVC
	CMP	$0, R20
	BLE	closefds
	MOVD	R20, R0
	MOVD	$0, R1
	MOVD	$0, R2
	MOVD	$24, R8		// SYS_dup3
	SVC
closefds:
	CMP	$0, R21
	BLT	loop
	MOVD	R21, R0
	MOVW	$0xffffffff, R1
	MOVD	$0, R2
	MOVD	$436, R8	// SYS_close_range
	SVC
	CBZ	R0, loop
closeone:
	MOVD	R21, R0
	MOVD	$57, R8		// SYS_close
	SVC
	ADD	$1, R21
	CMP	$1024, R21
	BLT	closeone
loop:
	MOVD	$0, R0
	MOVD	$0, R1
	MOVD	$0, R2
	MOVD	$0, R3
	MOVD	$73, R8		// SYS_ppoll
	SVC
	B	loop

// func pauseChildPC() uintptr
TEXT ·pauseChildPC(SB),NOSPLIT|NOFRAME,$0-8
	MOVD	$pauseChild<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET
