package pidfs_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// handledFS is every filesystem access right up to Landlock ABI 5, trimmed
// to what the running ABI knows (the kernel rejects unknown bits).
func handledFS(abi uintptr) uint64 {
	rights := uint64(unix.LANDLOCK_ACCESS_FS_MAKE_SYM<<1 - 1) // ABI 1: bits 0..12
	if abi >= 2 {
		rights |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		rights |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		rights |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	return rights
}

// confineWithLandlock restricts the calling thread (and what it starts) by a
// ruleset that handles every filesystem right and grants none.
func confineWithLandlock() error {
	abi, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */)
	if errno != 0 {
		return fmt.Errorf("landlock ABI: %w", errno)
	}
	handled := handledFS(abi)
	// Pass only handled_access_fs: every ABI accepts that size.
	ruleset, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&handled)), unsafe.Sizeof(handled), 0)
	if errno != 0 {
		return fmt.Errorf("landlock_create_ruleset: %w", errno)
	}
	defer unix.Close(int(ruleset))
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0, 0); errno != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return nil
}

// roleLandlocked confines its main thread (roles run there, see helpers'
// init) with Landlock, then tries each of landlockOps and answers
// "ready <pid>" followed by one reply "ok <op>=<ERRNO|ok>;…".
var roleLandlocked = helpers.RegisterRole("pidfs-landlocked", func(p *helpers.Peer, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	if err := confineWithLandlock(); err != nil {
		p.Send(helpers.Answer("", err))
		return 1
	}
	results := []string{}
	record := func(op string, err error) { results = append(results, op+"="+helpers.ErrnoName(err)) }

	exe, _ := kernel.SelfExecutable()
	fd, err := unix.Open(exe, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		unix.Close(fd)
	}
	record("open file", err)

	pidfd, err := unix.PidfdOpen(os.Getpid(), 0)
	record("pidfd_open", err)
	_, err = kernel.PollOnce(pidfd, 0)
	record("poll", err)
	record("pidfd_send_signal", unix.PidfdSendSignal(pidfd, 0, nil, 0))
	var pipe [2]int
	if err = unix.Pipe2(pipe[:], unix.O_CLOEXEC); err == nil {
		var got int
		if got, err = unix.PidfdGetfd(pidfd, pipe[0], 0); err == nil {
			unix.Close(got)
		}
	}
	record("pidfd_getfd", err)
	p.Send("ok " + strings.Join(results, ";"))
	return helpers.Serve(p, nil) // until the test closes its end
})

// roleInfoAsker answers "info <mask>" with PIDFD_GET_INFO on the pidfd sent
// along: "ok <pid>" or the errno. Run inside a pid namespace, it asks about
// processes outside its namespace hierarchy.
var roleInfoAsker = helpers.RegisterRole("pidfs-info-asker", func(p *helpers.Peer, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, map[string]helpers.Command{
		"info": func(req *helpers.Request) (string, error) {
			if err := req.Want(1, 1); err != nil {
				return "", err
			}
			mask, _ := strconv.ParseUint(req.Args[0], 0, 64)
			info, err := kernel.GetPidfdInfo(req.Fds[0], mask)
			if err != nil {
				return "", err
			}
			return strconv.Itoa(int(info.Pid)), nil
		},
	})
})

// roleNamespaceAsker answers "ns <ioctl>" with that PIDFD_GET_*_NAMESPACE
// ioctl on the pidfd sent along: "ok" (the namespace fd is closed at once)
// or the errno. With a uid argument it first becomes that user (uid and
// gid), which leaves it no capability.
var roleNamespaceAsker = helpers.RegisterRole("pidfs-namespace-asker", func(p *helpers.Peer, args []string) int {
	if len(args) == 1 {
		id, _ := strconv.Atoi(args[0])
		if err := helpers.DropPrivileges(id, id); err != nil {
			p.Send(helpers.Answer("", err))
			return 1
		}
	}
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, map[string]helpers.Command{
		"ns": func(req *helpers.Request) (string, error) {
			if err := req.Want(1, 1); err != nil {
				return "", err
			}
			ioctl, _ := strconv.ParseUint(req.Args[0], 0, 64)
			nsfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(req.Fds[0]), uintptr(ioctl), 0)
			if errno != 0 {
				return "", errno
			}
			return "", unix.Close(int(nsfd))
		},
	})
})

// rolePtraceTarget is a process to check ptrace access against. Args:
// <dumpable 0|1> [uid]: with a uid it first becomes that user (uid and gid);
// then it sets PR_SET_DUMPABLE as asked (non-dumpable: only CAP_SYS_PTRACE
// grants access), answers "ready <pid>" and waits to be killed.
var rolePtraceTarget = helpers.RegisterRole("pidfs-ptrace-target", func(p *helpers.Peer, args []string) int {
	var err error
	if len(args) == 2 {
		id, _ := strconv.Atoi(args[1])
		err = helpers.DropPrivileges(id, id)
	}
	if err == nil {
		dumpable, _ := strconv.Atoi(args[0])
		err = unix.Prctl(unix.PR_SET_DUMPABLE, uintptr(dumpable), 0, 0, 0)
	}
	if err != nil {
		p.Send(helpers.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, nil)
})
