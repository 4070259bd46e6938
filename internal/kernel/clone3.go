package kernel

import (
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// clone3Args is struct clone_args up to CLONE_ARGS_SIZE_VER2.
type clone3Args struct {
	Flags, Pidfd, ChildTid, ParentTid, ExitSignal uint64
	Stack, StackSize, TLS, SetTid, SetTidSize     uint64
	Cgroup                                        uint64
}

// A Clone3Process is what a raw clone3 made: a process (or, where the
// kernel wrongly accepts CLONE_THREAD, a thread). Pidfd is -1 without
// CLONE_PIDFD.
type Clone3Process struct {
	Pid   int
	Pidfd int
}

// clone3Child is the block Clone3Exec's child body reads: the fields are at
// the offsets clone3_$GOARCH.s uses, so keep their order and sizes.
type clone3Child struct {
	path   *byte   // 0 (amd64 and arm64), 0 (386)
	argv   **byte  // 8, 4
	envp   **byte  // 16, 8
	mask   *uint64 // 24, 12: the signal mask the exec'd role starts with
	peerFd int64   // 32, 16: becomes fd 3 in the role
}

// clone3Call lives on the heap (its address goes to assembly), so the
// pidfd the kernel writes and everything the child reads stay put.
type clone3Call struct {
	args     clone3Args
	child    clone3Child
	exitCode int // without a child.path: the child only calls exit(exitCode)
	opts     Clone3Options
	pidfd    int32
	mask     uint64
	keep     [][]*byte
}

// Clone3Exit calls clone3(flags, exitSignal). The child runs no Go code:
// its only instruction is exit(code), the thread-scoped exit, so even a
// CLONE_THREAD clone the kernel should have refused ends only the new
// thread. It returns the pid (tid) and the pidfd where CLONE_PIDFD asked.
func Clone3Exit(flags uint64, exitSignal unix.Signal, code int) (Clone3Process, error) {
	return Clone3ExitWith(Clone3Options{}, flags, exitSignal, code)
}

// Clone3Exec calls clone3(flags, exitSignal) for a child that executes
// path with argv and envp at once, fd3 (when not -1) as its fd 3 and no
// signal blocked. Go cannot run in a child it did not fork itself, so the
// child never leaves the assembly stub before execve(2).
func Clone3Exec(flags uint64, exitSignal unix.Signal, path string, argv, envp []string, fd3 int) (Clone3Process, error) {
	return Clone3ExecWith(Clone3Options{}, flags, exitSignal, path, argv, envp, fd3)
}

func (call *clone3Call) prepareExec(path string, argv, envp []string) error {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return err
	}
	a, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return err
	}
	e, err := syscall.SlicePtrFromStrings(envp)
	if err != nil {
		return err
	}
	call.keep = [][]*byte{{p}, a, e}
	call.child.path, call.child.argv, call.child.envp = p, &a[0], &e[0]
	call.child.mask = &call.mask
	return nil
}

func (call *clone3Call) run(flags uint64, exitSignal unix.Signal) (Clone3Process, error) {
	c := Clone3Process{Pid: -1, Pidfd: -1}
	if !HaveRawClone3 {
		return c, ErrNoRawClone3
	}
	call.pidfd = -1
	call.args = clone3Args{Flags: flags, ExitSignal: uint64(exitSignal), Cgroup: call.opts.Cgroup}
	if flags&unix.CLONE_PIDFD != 0 {
		call.args.Pidfd = uint64(uintptr(unsafe.Pointer(&call.pidfd)))
	}
	if call.opts.PidfdAddr != 0 {
		call.args.Pidfd = uint64(call.opts.PidfdAddr)
	}
	var pid uintptr
	// With every signal blocked, no Go handler can run in the child before
	// it exits or execs; the exec'd role gets call.mask (empty) back.
	err := onSignalFreeThread(func() error {
		var errno uintptr
		pid, errno = clone3Raw(call)
		if errno != 0 {
			return unix.Errno(errno)
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	c.Pid, c.Pidfd = int(pid), int(call.pidfd)
	return c, nil
}

// ErrNoRawClone3 is returned where there is no assembly stub for clone3.
var ErrNoRawClone3 = fmt.Errorf("raw clone3 is implemented for amd64, 386 and arm64 only: %w", ErrNotProbeable)
