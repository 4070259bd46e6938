package kernel

import "golang.org/x/sys/unix"

// Clone3Options are the struct clone_args fields a caller may set beyond
// the flags and the exit signal.
type Clone3Options struct {
	// PidfdAddr, when not 0, is where the kernel is to write the
	// CLONE_PIDFD pidfd instead of the call's own field: an address it
	// cannot write gives EFAULT (the pidfd then stays -1).
	PidfdAddr uintptr
	// Cgroup is the CLONE_INTO_CGROUP target: a cgroup2 directory fd (a
	// value above INT_MAX is refused before any lookup).
	Cgroup uint64
}

// Clone3ExitWith is Clone3Exit with opts.
func Clone3ExitWith(opts Clone3Options, flags uint64, exitSignal unix.Signal, code int) (Clone3Process, error) {
	call := &clone3Call{exitCode: code, opts: opts}
	return call.run(flags, exitSignal)
}

// Clone3ExecWith is Clone3Exec with opts.
func Clone3ExecWith(opts Clone3Options, flags uint64, exitSignal unix.Signal, path string, argv, envp []string, fd3 int) (Clone3Process, error) {
	call := &clone3Call{child: clone3Child{peerFd: int64(fd3)}, opts: opts}
	if err := call.prepareExec(path, argv, envp); err != nil {
		return Clone3Process{Pid: -1, Pidfd: -1}, err
	}
	return call.run(flags, exitSignal)
}
