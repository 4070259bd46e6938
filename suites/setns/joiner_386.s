#include "textflag.h"

// func forkJoiner(ctrl, other uintptr, pidfd *int32) (pid uintptr, errno uintptr)
//
// The 386 twin of joiner_amd64.s: the child runs only the instructions from
// "child" on, on its own copy of this stack, and uses the frame's 32 bytes
// as scratch (0: signal mask, 8: request, 16: answer, sign-extended to 64
// bits so both architectures answer alike).
TEXT ·forkJoiner(SB),NOSPLIT,$32-20
	MOVL	ctrl+0(FP), SI
	MOVL	SI, 24(SP)
	MOVL	other+4(FP), DI
	MOVL	DI, 28(SP)
	MOVL	$0x1011, BX	// CLONE_PIDFD | SIGCHLD
	MOVL	$0, CX		// no new stack: the child runs on its copy of this one
	MOVL	pidfd+8(FP), DX	// the pidfd is stored through parent_tid
	MOVL	$0, SI
	MOVL	$0, DI
	MOVL	$120, AX	// SYS_clone
	INT	$0x80
	CMPL	AX, $0
	JEQ	child
	CMPL	AX, $0xfffff001
	JLS	ok
	MOVL	$-1, pid+12(FP)
	NEGL	AX
	MOVL	AX, errno+16(FP)
	RET
ok:
	MOVL	AX, pid+12(FP)
	MOVL	$0, errno+16(FP)
	RET
child:
	// Go's signal handlers cannot run here: block every signal.
	MOVL	$-1, 0(SP)
	MOVL	$-1, 4(SP)
	MOVL	$2, BX		// SIG_SETMASK
	LEAL	0(SP), CX
	MOVL	$0, DX
	MOVL	$8, SI
	MOVL	$175, AX	// SYS_rt_sigprocmask
	INT	$0x80
	MOVL	$1, BX		// PR_SET_PDEATHSIG
	MOVL	$9, CX		// SIGKILL
	MOVL	$172, AX	// SYS_prctl
	INT	$0x80
	MOVL	28(SP), BX
	MOVL	$6, AX		// SYS_close
	INT	$0x80
serve:
	MOVL	24(SP), BX
	LEAL	8(SP), CX
	MOVL	$8, DX
	MOVL	$3, AX		// SYS_read
	INT	$0x80
	CMPL	AX, $8
	JNE	done
	MOVL	8(SP), BX	// fd
	MOVL	12(SP), CX	// flags
	MOVL	$346, AX	// SYS_setns
	INT	$0x80
	MOVL	AX, 16(SP)
	SARL	$31, AX
	MOVL	AX, 20(SP)
	MOVL	24(SP), BX
	LEAL	16(SP), CX
	MOVL	$8, DX
	MOVL	$4, AX		// SYS_write
	INT	$0x80
	JMP	serve
done:
	MOVL	$0, BX
	MOVL	$252, AX	// SYS_exit_group
	INT	$0x80
	JMP	done
