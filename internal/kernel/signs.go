package kernel

import (
	"errors"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The independent signs of the options in option.go: what a kernel built
// with or without an option shows somewhere no feature probe looks. Source
// lines are linux-source-7.3's; 6.1 and 6.12 have the same code (the copy
// stubs in include/linux/utsname.h there).

// syscallCompiledOut: a syscall whose code the option leaves out answers
// ENOSYS to every call, from sys_ni_syscall (kernel/sys_ni.c:20, through
// COND_SYSCALL: name_to_handle_at :229, kcmp :241, process_madvise :187;
// fs/Makefile:50 builds fhandle.o only with CONFIG_FHANDLE, kernel/Makefile:63
// kcmp.o only with CONFIG_KCMP, mm/Makefile:75 madvise.o only with
// CONFIG_ADVISE_SYSCALLS) or, for process_mrelease without CONFIG_MMU, from
// its own body (mm/oom_kill.c:1257). The call is made with arguments no
// feature probe uses, and its only use is the errno: any other answer means
// the syscall is there. A seccomp filter could fake ENOSYS, so with one
// installed the sign says nothing.
func syscallCompiledOut(name string, call func() error) func() Sign {
	return func() Sign {
		if filtered, how := seccompFiltered(); filtered {
			return unknown("%s(2) cannot tell: %s", name, how)
		}
		if err := call(); errors.Is(err, unix.ENOSYS) {
			return off("%s(2) is ENOSYS with no seccomp filter installed", name)
		}
		return on("%s(2) exists (not ENOSYS)", name)
	}
}

// seccompFiltered: prctl(PR_GET_SECCOMP) is the caller's seccomp mode, 0
// without a filter (kernel/seccomp.c:1414), EINVAL on a kernel without
// CONFIG_SECCOMP (include/linux/seccomp.h:59).
func seccompFiltered() (bool, string) {
	mode, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0)
	if err == nil && mode != 0 {
		return true, "this process runs under a seccomp filter, which may answer ENOSYS itself"
	}
	return false, ""
}

func probeNameToHandleAt() error {
	_, _, err := unix.NameToHandleAt(unix.AT_FDCWD, "/", 0)
	return err
}

func probeKcmp() error {
	_, err := KcmpFile(os.Getpid(), os.Getpid(), 0, 0)
	return err
}

func probeProcessMadvise() error {
	// No pidfd (-1): EBADF where the syscall exists.
	_, _, errno := unix.Syscall6(unix.SYS_PROCESS_MADVISE, ^uintptr(0), 0, 0, 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

func probeProcessMrelease() error {
	// No pidfd (-1): EBADF where the syscall exists.
	_, _, errno := unix.Syscall(unix.SYS_PROCESS_MRELEASE, ^uintptr(0), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// tidAddressReadable: prctl(PR_GET_TID_ADDRESS) answers only with
// CONFIG_CHECKPOINT_RESTORE and is EINVAL without (kernel/sys.c:2344), with
// no privilege needed and nothing to do with ns_last_pid.
func tidAddressReadable() Sign {
	var addr uintptr
	_, _, errno := unix.Syscall6(unix.SYS_PRCTL, unix.PR_GET_TID_ADDRESS, uintptr(unsafe.Pointer(&addr)), 0, 0, 0, 0)
	switch errno {
	case 0:
		return on("prctl(PR_GET_TID_ADDRESS) answers")
	case unix.EINVAL:
		return off("prctl(PR_GET_TID_ADDRESS) is EINVAL (kernel/sys.c prctl_get_tid_address without CONFIG_CHECKPOINT_RESTORE)")
	}
	return unknown("prctl(PR_GET_TID_ADDRESS): %v", errno)
}

// procEntry: procfs shows the file at path exactly when the option is on
// (where, in the kernel source, says why). Without procfs it cannot tell.
func procEntry(path, where string) func() Sign {
	return func() Sign {
		_, err := os.Stat(path)
		switch {
		case err == nil:
			return on("%s exists", path)
		case probeProcfs() != nil:
			return unknown("%s cannot tell: /proc is not procfs", path)
		case errors.Is(err, os.ErrNotExist):
			return off("%s does not exist (%s)", path, where)
		}
		return unknown("stat %s: %v", path, err)
	}
}

// statusHasNSpid: /proc/<pid>/status has the NStgid/NSpid/NSpgid/NSsid
// lines only with CONFIG_PID_NS (fs/proc/array.c:207 task_state), a file
// the pid namespace probe (/proc/self/ns/pid, fs/proc/namespaces.c) never
// reads.
func statusHasNSpid() Sign {
	_, err := StatusField("self", "NSpid")
	switch {
	case err == nil:
		return on("/proc/self/status has an NSpid line")
	case errors.Is(err, ErrNoStatusField):
		return off("/proc/self/status has no NSpid line (fs/proc/array.c task_state: #ifdef CONFIG_PID_NS)")
	}
	return unknown("/proc/self/status cannot tell: %v", err)
}

// cloneRefused: a kernel without a namespace type refuses clone with its
// flag with EINVAL from the type's copy stub (where names it), while
// /proc/<pid>/ns comes from fs/proc/namespaces.c: a different path. The
// probe child needs the privilege to make the namespace: root, or an
// unprivileged user namespace around it.
func cloneRefused(flag uintptr, name, where string) func() Sign {
	return func() Sign {
		attr := &syscall.SysProcAttr{Cloneflags: flag}
		if os.Geteuid() != 0 {
			if err := startAndReap(&syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER}); err != nil {
				return unknown("clone(%s) cannot tell: an unprivileged run cannot create the user namespace to try it in: %v", name, err)
			}
			attr.Cloneflags |= unix.CLONE_NEWUSER
		}
		err := startAndReap(attr)
		switch {
		case err == nil:
			return on("clone(%s) succeeds", name)
		case errors.Is(err, unix.EINVAL):
			return off("clone(%s) is EINVAL (the stub of %s)", name, where)
		}
		return unknown("clone(%s) cannot tell: %v", name, err)
	}
}

func startAndReap(attr *syscall.SysProcAttr) error {
	p, err := startProbeChild(attr)
	if err != nil {
		return err
	}
	p.close()
	return nil
}

// coredumpSysctl: the kernel.core_pattern sysctl is registered only by
// fs/coredump.c (its kern_table, register_sysctl_init "kernel"), which
// fs/Makefile:47 builds only with CONFIG_COREDUMP; the coredump specs read
// core_pattern only to restore it. Without procfs or sysctls (no
// /proc/sys/kernel) it cannot tell.
func coredumpSysctl() Sign {
	if _, err := os.Stat("/proc/sys/kernel"); err != nil {
		return unknown("/proc/sys/kernel cannot tell: %v", err)
	}
	return procEntry("/proc/sys/kernel/core_pattern", "fs/coredump.c registers kernel.core_pattern, built with CONFIG_COREDUMP only")()
}

// seccompFiltersCompiled: seccomp(SECCOMP_SET_MODE_FILTER) with no program
// faults copying it (EFAULT) where filters are built in; without
// CONFIG_SECCOMP_FILTER the mode is EINVAL (kernel/seccomp.c's stub), and
// without CONFIG_SECCOMP the syscall is ENOSYS. Nothing is installed, and
// no seccomp spec's probe makes this call.
func seccompFiltersCompiled() Sign {
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, 0)
	switch errno {
	case unix.EINVAL:
		return off("seccomp(SECCOMP_SET_MODE_FILTER) is EINVAL")
	case unix.ENOSYS:
		return off("seccomp(2) is ENOSYS (no CONFIG_SECCOMP)")
	case unix.EFAULT:
		return on("seccomp(SECCOMP_SET_MODE_FILTER) reads its program (EFAULT)")
	}
	return unknown("seccomp(SECCOMP_SET_MODE_FILTER): %v", errno)
}

// probeFanotifyInit asks for no valid group: EINVAL (or EPERM without
// CAP_SYS_ADMIN) where fanotify is built in.
func probeFanotifyInit() error {
	fd, err := unix.FanotifyInit(^uint(0), 0)
	if err == nil {
		unix.Close(fd)
	}
	return err
}

// probeIOUringSetup passes no parameters: EFAULT (or EPERM where the
// io_uring_disabled sysctl refuses it) where io_uring is built in.
func probeIOUringSetup() error {
	_, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
