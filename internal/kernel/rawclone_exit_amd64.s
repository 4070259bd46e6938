#include "textflag.h"

// exitChild is the smallest child body (see rawclone.go): exit(arg0). It
// touches no memory, so it is safe on any stack and with any flags.
TEXT exitChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVQ	R12, DI
again:
	MOVQ	$60, AX		// SYS_exit: this thread only
	SYSCALL
	JMP	again

// func exitChildPC() uintptr
TEXT ·exitChildPC(SB),NOSPLIT,$0-8
	LEAQ	exitChild<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
