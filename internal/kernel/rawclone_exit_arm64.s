#include "textflag.h"

// exitChild is the smallest child body (see rawclone.go): exit(arg0). It
// touches no memory, so it is safe on any stack and with any flags.
TEXT exitChild<>(SB),NOSPLIT|NOFRAME,$0
	MOVD	R20, R0
again:
	MOVD	$93, R8		// SYS_exit: this thread only
	SVC
	B	again

// func exitChildPC() uintptr
TEXT ·exitChildPC(SB),NOSPLIT|NOFRAME,$0-8
	MOVD	$exitChild<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET
