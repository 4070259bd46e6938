package cloneroles

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/internal/timescale"
)

// ReportNNP exits with prctl(PR_GET_NO_NEW_PRIVS): 1 set, 0 unset.
var ReportNNP = role.Register("clone-report-nnp", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	v, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	if err != nil {
		return 100
	}
	return v
})

// roleExitCode exits with the code of its first argument.
var roleExitCode = role.Register("clone-exit-code", func(_ *role.Channel, args []string) int {
	if len(args) != 1 {
		return 2
	}
	code, _ := strconv.Atoi(args[0])
	return code
})

// ForkAndWait starts this binary as a plain child (fork and exec, exit
// signal SIGCHLD) that exits 77, waits for it and exits with its exit
// code; 254 when the wait finds no child (it was reaped by the kernel).
var ForkAndWait = role.Register("clone-fork-and-wait", func(p *role.Channel, _ []string) int {
	exe, err := kernel.SelfExecutable()
	if err != nil {
		return 253
	}
	cmd := exec.Command(exe, "77")
	cmd.Env = role.Environ(roleExitCode)
	if err := cmd.Start(); err != nil {
		return 253
	}
	p.Sendf("ready %d %d", os.Getpid(), cmd.Process.Pid)
	if cmd.Wait(); cmd.ProcessState == nil {
		return 254
	}
	return cmd.ProcessState.ExitCode()
})

// TryCloneParent answers "ready", calls clone3(CLONE_PARENT) for a
// child that exits at once, and exits with the errno (0: accepted).
var TryCloneParent = role.Register("clone-try-parent", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	_, err := kernel.Clone3Exit(unix.CLONE_PARENT, 0, 0)
	var errno unix.Errno
	if errors.As(err, &errno) {
		return int(errno)
	}
	if err != nil {
		return 255
	}
	return 0
})

const withoutCapSysAdminName = "clone-without-cap-sys-admin"

// WithoutCapSysAdmin keeps its uid (as root, uid 0, so a kernel that
// checked uid 0 instead of the capability would let it through) and runs
// without CAP_SYS_ADMIN in any thread: capabilities are per thread and the
// clone3 runs on a thread of its own (kernel.Clone3Exit), so the main
// thread drops the capability from its bounding set and execs the role
// anew, whose threads then all lack it (an exec gives root only what the
// bounding set allows: security/commoncap.c cap_bprm_creds_from_file). It
// answers "ready <pid>", then serves "euid" → ok <euid>, and "clone
// <flags>": clone3(flags) of a child that exits at once → "ok" (the child
// is released before the reply) or "err ERRNO".
var WithoutCapSysAdmin = role.Register(withoutCapSysAdminName, func(p *role.Channel, args []string) int {
	if kernel.HasCapability(unix.CAP_SYS_ADMIN) {
		err := unix.Prctl(unix.PR_CAPBSET_DROP, unix.CAP_SYS_ADMIN, 0, 0, 0)
		if err == nil {
			var exe string
			if exe, err = kernel.SelfExecutable(); err == nil {
				err = syscall.Exec(exe, append([]string{exe}, args...), role.Environ(withoutCapSysAdminName))
			}
		}
		p.Send(role.Answer("", fmt.Errorf("re-exec without CAP_SYS_ADMIN in the bounding set: %w", err)))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"euid": func(*role.Request) (string, error) { return strconv.Itoa(os.Geteuid()), nil },
		"clone": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			flags, _ := strconv.ParseUint(req.Args[0], 0, 64)
			return "", cloneAndRelease(flags)
		},
	})
})

// cloneAndRelease clone3s a child with flags that exits at once and,
// should that succeed, waits for it: wait4 reaps it, or for an autoreap
// child returns ECHILD once the kernel has released it.
func cloneAndRelease(flags uint64) error {
	c, err := kernel.Clone3Exit(flags, 0, 0)
	if err != nil {
		return err
	}
	if c.Pidfd >= 0 {
		unix.Close(c.Pidfd)
	}
	unix.Wait4(c.Pid, nil, unix.WALL, nil)
	return nil
}

// Subreaper is a child subreaper (PR_SET_CHILD_SUBREAPER) that answers
// "ready <pid>" and serves:
//
//	adopt  a middle process (a plain fork) clone3s an autoreap grandchild
//	       and exits, so the grandchild is reparented here
//	       → ok <grandchild pid> <its ppid once the middle is reaped>
//	kill   SIGKILL through a pidfd, then wait until the kernel releases
//	       the grandchild (POLLHUP) → ok | err ETIMEDOUT
//	wait   waitid(P_PID, grandchild, WEXITED|WNOHANG|__WALL) → ok | err ERRNO
var Subreaper = role.Register("clone-subreaper", func(p *role.Channel, _ []string) int {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	gc, gcPidfd := -1, -1
	return role.Serve(p, map[string]role.Command{
		"adopt": func(*role.Request) (string, error) {
			var ppid int
			var err error
			gc, ppid, err = adoptGrandchild()
			if err == nil {
				gcPidfd, err = unix.PidfdOpen(gc, 0)
			}
			return fmt.Sprintf("%d %d", gc, ppid), err
		},
		"kill": func(*role.Request) (string, error) { return "", killAndAwaitRelease(gcPidfd) },
		"wait": func(*role.Request) (string, error) {
			var info unix.Siginfo
			return "", unix.Waitid(unix.P_PID, gc, &info, unix.WEXITED|unix.WNOHANG|unix.WALL, nil)
		},
	})
})

// killAndAwaitRelease SIGKILLs through pidfd and waits for POLLHUP: the
// kernel has released the process, which for a zombie nobody reaps never
// happens (ETIMEDOUT).
func killAndAwaitRelease(pidfd int) error {
	if err := unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0); err != nil {
		return err
	}
	if _, err := kernel.WaitPollBits(context.Background(), pidfd, unix.POLLHUP, timescale.EventTimeout()); err != nil {
		return fmt.Errorf("%w: %w", unix.ETIMEDOUT, err)
	}
	return nil
}

// adoptGrandchild runs roleMiddle and reaps it; the grandchild's peer
// socket, which the middle hands over, stays open here so the grandchild
// (role.Process, which exits when its peer goes away) outlives the middle.
func adoptGrandchild() (gc, ppid int, err error) {
	mid, err := role.Clone3Role(0, unix.SIGCHLD, roleMiddle, nil)
	if err != nil {
		return -1, -1, err
	}
	defer mid.Channel.Close()
	msg, _, err := mid.Channel.Recv(context.Background(), timescale.EventTimeout())
	var ws unix.WaitStatus
	unix.Wait4(mid.Pid, &ws, 0, nil)
	if err != nil {
		return -1, -1, err
	}
	f := strings.Fields(msg)
	if len(f) != 2 || f[0] != "ok" {
		return -1, -1, fmt.Errorf("middle process answered %q: %w", msg, unix.EIO)
	}
	gc, _ = strconv.Atoi(f[1])
	fd, err := unix.PidfdOpen(gc, 0)
	if err != nil {
		return gc, -1, err
	}
	defer unix.Close(fd)
	info, err := kernel.GetPidfdInfo(fd, unix.PIDFD_INFO_PID)
	if err != nil {
		return gc, -1, err
	}
	return gc, int(info.Ppid), nil
}

// roleMiddle clone3s an autoreap grandchild (role.Process), waits for its
// "ready", sends "ok <pid>" with the grandchild's peer socket, and exits.
var roleMiddle = role.Register("clone-middle", func(p *role.Channel, _ []string) int {
	gc, err := role.Clone3Role(kernel.CLONE_AUTOREAP|unix.CLONE_PIDFD, 0, role.Process, nil)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	if _, _, err := gc.Channel.Recv(context.Background(), timescale.EventTimeout()); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Send(fmt.Sprintf("ok %d", gc.Pid), gc.Channel.Fd())
	return 0
})

// Holder holds pidfds for the test, as another process of a sandbox or
// session manager would. It answers "ready <pid>" and serves:
//
//	hold + fd              keeps a copy of fd (close-on-exec, as received)
//	                       → ok <its fd number here>
//	release <fd>           closes it → ok
//	exec <fd> <cloexec>    sets (1) or clears (0) FD_CLOEXEC on fd, then
//	                       executes role.Process, which answers
//	                       "ready <pid>" (nothing else answers on success)
//	exit <code>            exit_group(code)
//
// A copy it was born with (inherited at fork, fd 4) is released like one
// it holds.
var Holder = role.Register("clone-holder", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"hold": func(req *role.Request) (string, error) {
			if err := req.Want(0, 1); err != nil {
				return "", err
			}
			fd, err := unix.FcntlInt(uintptr(req.Fds[0]), unix.F_DUPFD_CLOEXEC, 0)
			return strconv.Itoa(fd), err
		},
		"release": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			return "", unix.Close(req.Int(0))
		},
		"exec": func(req *role.Request) (string, error) {
			if err := req.Want(2, 0); err != nil {
				return "", err
			}
			flags := 0
			if req.Int(1) == 1 {
				flags = unix.FD_CLOEXEC
			}
			if _, err := unix.FcntlInt(uintptr(req.Int(0)), unix.F_SETFD, flags); err != nil {
				return "", err
			}
			exe, err := role.Executable(role.Process)
			if err == nil {
				err = syscall.Exec(exe, []string{exe}, role.Environ(role.Process))
			}
			return "", err
		},
		"exit": func(req *role.Request) (string, error) {
			os.Exit(req.Int(0))
			return "", role.ErrNoReply
		},
	})
})
