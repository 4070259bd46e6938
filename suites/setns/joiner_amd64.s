#include "textflag.h"

// func forkJoiner(ctrl, other uintptr, pidfd *int32) (pid uintptr, errno uintptr)
//
// The child runs only the instructions from "child" on, on its own copy of
// this stack, and never returns into Go: it makes system calls and uses the
// frame's 32 bytes as scratch (0: signal mask, 8: request, 16: answer).
TEXT ·forkJoiner(SB),NOSPLIT,$32-40
	MOVQ	ctrl+0(FP), R12
	MOVQ	other+8(FP), R13
	MOVQ	$0x1011, DI	// CLONE_PIDFD | SIGCHLD
	MOVQ	$0, SI		// no new stack: the child runs on its copy of this one
	MOVQ	pidfd+16(FP), DX	// the pidfd is stored through parent_tid
	MOVQ	$0, R10
	MOVQ	$0, R8
	MOVQ	$56, AX		// SYS_clone
	SYSCALL
	CMPQ	AX, $0
	JEQ	child
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok
	MOVQ	$-1, pid+24(FP)
	NEGQ	AX
	MOVQ	AX, errno+32(FP)
	RET
ok:
	MOVQ	AX, pid+24(FP)
	MOVQ	$0, errno+32(FP)
	RET
child:
	// Go's signal handlers cannot run here: block every signal.
	MOVQ	$-1, 0(SP)
	MOVQ	$2, DI		// SIG_SETMASK
	LEAQ	0(SP), SI
	MOVQ	$0, DX
	MOVQ	$8, R10
	MOVQ	$14, AX		// SYS_rt_sigprocmask
	SYSCALL
	MOVQ	$1, DI		// PR_SET_PDEATHSIG
	MOVQ	$9, SI		// SIGKILL
	MOVQ	$157, AX	// SYS_prctl
	SYSCALL
	MOVQ	R13, DI
	MOVQ	$3, AX		// SYS_close
	SYSCALL
serve:
	MOVQ	R12, DI
	LEAQ	8(SP), SI
	MOVQ	$8, DX
	MOVQ	$0, AX		// SYS_read
	SYSCALL
	CMPQ	AX, $8
	JNE	done
	MOVLQSX	8(SP), DI	// fd
	MOVLQSX	12(SP), SI	// flags
	MOVQ	$308, AX	// SYS_setns
	SYSCALL
	MOVQ	AX, 16(SP)
	MOVQ	R12, DI
	LEAQ	16(SP), SI
	MOVQ	$8, DX
	MOVQ	$1, AX		// SYS_write
	SYSCALL
	JMP	serve
done:
	MOVQ	$0, DI
	MOVQ	$231, AX	// SYS_exit_group
	SYSCALL
	JMP	done
