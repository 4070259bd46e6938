#include "textflag.h"

// execChild is the body (see rawclone.go) of Clone3Exec's child, with its
// clone3Child block in R20: it sets its signal mask, moves the peer fd to 3
// (without FD_CLOEXEC) and executes the role, or exits with 127. It only
// reads the block, from its own copy of the parent's memory: Clone3Exec's
// callers never pass CLONE_VM. arm64 has no dup2: dup3 with flags 0 is
// the same call except when the peer fd is already 3, where dup3 fails
// with EINVAL and the fd stays where it is, as dup2 would leave it.
TEXT execChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVD	$2, R0		// SIG_SETMASK
	MOVD	24(R20), R1
	MOVD	$0, R2
	MOVD	$8, R3
	MOVD	$135, R8	// SYS_rt_sigprocmask
	SVC
	MOVD	32(R20), R0
	MOVD	$3, R1
	MOVD	$0, R2
	MOVD	$24, R8		// SYS_dup3
	SVC
	MOVD	$3, R0
	MOVD	$2, R1		// F_SETFD
	MOVD	$0, R2
	MOVD	$25, R8		// SYS_fcntl
	SVC
	MOVD	0(R20), R0
	MOVD	8(R20), R1
	MOVD	16(R20), R2
	MOVD	$221, R8	// SYS_execve
	SVC
	MOVD	$127, R0
again:
	MOVD	$93, R8		// SYS_exit
	SVC
	B	again

// func execChildPC() uintptr
TEXT ·execChildPC(SB),NOSPLIT|NOFRAME,$0-8
	MOVD	$execChild<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET
