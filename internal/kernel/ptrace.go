package kernel

import "golang.org/x/sys/unix"

// SeizeAtExit attaches to pid with PTRACE_SEIZE so that it stops at
// PTRACE_EVENT_EXIT: early in do_exit, before exit_mm, even when SIGKILL
// ended it (get_signal takes the SIGKILL off the pending set before the
// stop). A process killed that way holds its memory until the tracer lets
// it go, which makes a "process that is being killed" last as long as a
// spec needs. PTRACE_O_EXITKILL kills it should the tracer die first.
//
// ptrace(2) binds the tracee to the calling thread: call it, and
// PtraceDetach, on one locked thread.
func SeizeAtExit(pid int) error {
	_, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_SEIZE, uintptr(pid), 0,
		unix.PTRACE_O_TRACEEXIT|unix.PTRACE_O_EXITKILL, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// PtraceEventStatus is the si_status waitid(2) reports for a ptrace event
// stop: SIGTRAP | event << 8.
func PtraceEventStatus(event int) int32 { return int32(unix.SIGTRAP) | int32(event)<<8 }
