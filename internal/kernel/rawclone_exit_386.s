#include "textflag.h"

// exitChild is the smallest child body (see rawclone.go): exit(arg0). It
// touches no memory, so it is safe on any stack and with any flags.
TEXT exitChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVL	SI, BX
again:
	MOVL	$1, AX		// SYS_exit: this thread only
	INT	$0x80
	JMP	again

// func exitChildPC() uintptr
TEXT ·exitChildPC(SB),NOSPLIT,$0-4
	LEAL	exitChild<>(SB), AX
	MOVL	AX, ret+0(FP)
	RET
