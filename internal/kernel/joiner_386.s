#include "textflag.h"

// joinChild is the 386 twin of joiner_amd64.s, with ctrl in SI and other in
// DI, which it keeps in its frame (the system calls take their arguments in
// BX to DI): 0: request, 8: answer (sign-extended to 64 bits so both
// architectures answer alike), 16: ctrl, 20: other.
TEXT joinChild<>(SB),NOSPLIT,$24
	MOVL	SI, 16(SP)
	MOVL	DI, 20(SP)
	MOVL	$1, BX		// PR_SET_PDEATHSIG
	MOVL	$9, CX		// SIGKILL
	MOVL	$0, SI
	MOVL	$0, DI
	MOVL	$172, AX	// SYS_prctl
	INT	$0x80
	MOVL	20(SP), BX
	MOVL	$6, AX		// SYS_close
	INT	$0x80
serve:
	MOVL	16(SP), BX
	LEAL	0(SP), CX
	MOVL	$8, DX
	MOVL	$3, AX		// SYS_read
	INT	$0x80
	CMPL	AX, $8
	JNE	done
	MOVL	0(SP), BX	// fd
	MOVL	4(SP), CX	// flags
	MOVL	$346, AX	// SYS_setns
	INT	$0x80
	MOVL	AX, 8(SP)
	SARL	$31, AX
	MOVL	AX, 12(SP)
	MOVL	16(SP), BX
	LEAL	8(SP), CX
	MOVL	$8, DX
	MOVL	$4, AX		// SYS_write
	INT	$0x80
	JMP	serve
done:
	MOVL	$0, BX
	MOVL	$252, AX	// SYS_exit_group
	INT	$0x80
	JMP	done

// func joinChildPC() uintptr
TEXT ·joinChildPC(SB),NOSPLIT,$0-4
	LEAL	joinChild<>(SB), AX
	MOVL	AX, ret+0(FP)
	RET
