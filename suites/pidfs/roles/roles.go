package pidfsroles

import (
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
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

// Landlocked answers "ready <pid>", confines its main thread (roles run
// there, see internal/role's init; cmd/pidfdconf-role-c's has one thread)
// with Landlock, then tries opening its own executable and each pidfd
// operation and answers "ok <op>=<ERRNO|success>;…".
var Landlocked = role.RegisterWithC("pidfs-landlocked", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	if err := confineWithLandlock(); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	results := []string{}
	record := func(op string, err error) { results = append(results, op+"="+kernel.ErrnoName(err)) }

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
	return role.Serve(p, nil) // until the test closes its end
})

// InfoAsker asks about the pidfd sent along from inside its own
// namespaces (a pid namespace, or a user namespace), answering the errno on
// failure. Commands:
//
//	info <mask>                PIDFD_GET_INFO → ok <pid>
//	creds                      PIDFD_GET_INFO → ok <ruid euid suid fsuid rgid egid sgid fsgid>
//	open-handle <type> <hex>   open_by_handle_at(pidfd, handle) → ok
var InfoAsker = role.Register("pidfs-info-asker", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"info": func(req *role.Request) (string, error) {
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
		"creds": func(req *role.Request) (string, error) {
			if err := req.Want(0, 1); err != nil {
				return "", err
			}
			info, err := kernel.GetPidfdInfo(req.Fds[0], unix.PIDFD_INFO_CREDS)
			if err != nil {
				return "", err
			}
			return fmt.Sprint(info.Ruid, info.Euid, info.Suid, info.Fsuid, info.Rgid, info.Egid, info.Sgid, info.Fsgid), nil
		},
		"open-handle": func(req *role.Request) (string, error) {
			if err := req.Want(2, 1); err != nil {
				return "", err
			}
			typ, _ := strconv.Atoi(req.Args[0])
			bytes, err := hex.DecodeString(req.Args[1])
			if err != nil {
				return "", err
			}
			fd, err := unix.OpenByHandleAt(req.Fds[0], unix.NewFileHandle(int32(typ), bytes), unix.O_CLOEXEC)
			if err != nil {
				return "", err
			}
			unix.Close(fd)
			return "", nil
		},
	})
})

// NamespaceAsker answers "ns <ioctl>" with that PIDFD_GET_*_NAMESPACE
// ioctl on the pidfd sent along: "ok" (the namespace fd is closed at once)
// or the errno. With a uid argument it first becomes that user (uid and
// gid), which leaves it no capability.
var NamespaceAsker = role.RegisterWithC("pidfs-namespace-asker", func(p *role.Channel, args []string) int {
	if len(args) == 1 {
		id, _ := strconv.Atoi(args[0])
		if err := role.DropPrivileges(id, id); err != nil {
			p.Send(role.Answer("", err))
			return 1
		}
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"ns": func(req *role.Request) (string, error) {
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

// PtraceTarget is a process to check ptrace access against. Args:
// <dumpable 0|1> [uid]: with a uid it first becomes that user (uid and gid);
// then it sets PR_SET_DUMPABLE as asked (non-dumpable: only CAP_SYS_PTRACE
// grants access), answers "ready <pid>" and waits to be killed.
var PtraceTarget = role.RegisterWithC("pidfs-ptrace-target", func(p *role.Channel, args []string) int {
	var err error
	if len(args) != 1 && len(args) != 2 {
		err = fmt.Errorf("usage: pidfs-ptrace-target <dumpable 0|1> [uid]: %w", unix.EINVAL)
	} else if len(args) == 2 {
		id, _ := strconv.Atoi(args[1])
		err = role.DropPrivileges(id, id)
	}
	if err == nil {
		dumpable, _ := strconv.Atoi(args[0])
		err = unix.Prctl(unix.PR_SET_DUMPABLE, uintptr(dumpable), 0, 0, 0)
	}
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, nil)
})

// roleExitWith exits at once with the code in its first argument.
var roleExitWith = role.Register("pidfs-exit-with", func(_ *role.Channel, args []string) int {
	code, _ := strconv.Atoi(args[0])
	return code
})

// SigchldIgnorer sets SIGCHLD to SIG_IGN, so the kernel reaps its
// children itself when they exit. "spawn-exit <code>" starts a child in
// roleExitWith and answers "ok <pid>" with the child's pidfd.
var SigchldIgnorer = role.Register("pidfs-sigchld-ignorer", func(p *role.Channel, _ []string) int {
	signal.Ignore(syscall.SIGCHLD)
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"spawn-exit": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			exe, err := kernel.SelfExecutable()
			if err != nil {
				return "", err
			}
			pidfd := -1
			proc, err := os.StartProcess(exe, []string{exe, req.Args[0]}, &os.ProcAttr{
				Env: role.Environ(roleExitWith),
				Sys: &syscall.SysProcAttr{PidFD: &pidfd},
			})
			if err != nil {
				return "", err
			}
			req.Attach(pidfd)
			return strconv.Itoa(proc.Pid), nil
		},
	})
})

// Undumpable clears its dumpable flag (prctl PR_SET_DUMPABLE 0), as a
// process holding secrets does, and waits.
var Undumpable = role.Register("pidfs-undumpable", func(p *role.Channel, _ []string) int {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, nil)
})

// BindMounter runs in a mount namespace of its own. "bind" + pidfd
// bind-mounts the pidfd as the selftest does (open_tree with
// OPEN_TREE_CLONE, move_mount onto a new empty file) and opens the mounted
// path; it answers "ok reopen=<success|ERRNO>" with the open_tree fd and, when
// the open succeeded, the reopened fd.
var BindMounter = role.Register("pidfs-bind-mounter", func(p *role.Channel, _ []string) int {
	// Mounts made here must not propagate to the test's namespace.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		p.Send(role.Answer("", fmt.Errorf("make / private: %w", err)))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{"bind": bindMountPidfd})
})

func bindMountPidfd(req *role.Request) (string, error) {
	if err := req.Want(0, 1); err != nil {
		return "", err
	}
	tree, err := unix.OpenTree(req.Fds[0], "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH)
	if err != nil {
		return "", fmt.Errorf("open_tree(pidfd): %w", err)
	}
	req.Attach(tree)
	target, err := os.CreateTemp("", "pidfd_bind_mount_")
	if err != nil {
		return "", err
	}
	// Gone before the answer: the test may kill this helper as soon as it
	// has it, and a removal left for after the answer leaked the file into
	// /tmp about every other run. The fds sent keep the inode.
	defer func() {
		unix.Unmount(target.Name(), unix.MNT_DETACH)
		os.Remove(target.Name())
		target.Close()
	}()
	if err := unix.MoveMount(tree, "", int(target.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return "", fmt.Errorf("move_mount: %w", err)
	}
	reopened, err := unix.Open(target.Name(), unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err == nil {
		req.Attach(reopened)
	}
	return "reopen=" + kernel.ErrnoName(err), nil
}

// OtherUser switches every id to the uid and gid in its arguments
// (needs root), so the test has a process whose ids differ from its own.
var OtherUser = role.Register("pidfs-other-user", func(p *role.Channel, args []string) int {
	id, _ := strconv.Atoi(args[0])
	if err := syscall.Setresgid(id, id, id); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	if err := syscall.Setresuid(id, id, id); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, nil)
})

// TakenIDs are the ruid, euid, suid, fsuid, rgid, egid, sgid and fsgid
// DistinctIDs takes: no two alike.
var TakenIDs = [8]uint32{1001, 1002, 1003, 1004, 2001, 2002, 2003, 2004}

// DistinctIDs (needs root) gives its main thread, where it serves and
// whose credentials /proc/<pid>/status and PIDFD_GET_INFO show, the eight
// TakenIDs, and answers "ids" with the eight as it reads them itself
// (getresuid, getresgid, and setfsuid/setfsgid of an invalid id, which
// return the current one).
var DistinctIDs = role.Register("pidfs-distinct-ids", func(p *role.Channel, _ []string) int {
	if err := takeDistinctIDs(); err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"ids": func(*role.Request) (string, error) {
			ru, eu, su := unix.Getresuid()
			rg, eg, sg := unix.Getresgid()
			fu, _ := unix.SetfsuidRetUid(-1)
			fg, _ := unix.SetfsgidRetGid(-1)
			return fmt.Sprint(ru, eu, su, fu, rg, eg, sg, fg), nil
		},
	})
})

// takeDistinctIDs: the gids while root may still set any; the fs ids are
// per thread (setfsuid/setfsgid act on the calling one), the others go to
// every thread (Go's Setresuid/Setresgid). setresuid sets fsuid to the new
// euid and, leaving uid 0, empties the effective capabilities; the main
// thread keeps them permitted (PR_SET_KEEPCAPS) and raises CAP_SETUID once
// more to set its fsuid.
func takeDistinctIDs() error {
	id := func(i int) int { return int(TakenIDs[i]) }
	steps := []struct {
		what string
		do   func() error
	}{
		{"setresgid", func() error { return unix.Setresgid(id(4), id(5), id(6)) }},
		{"setfsgid", func() error { return unix.Setfsgid(id(7)) }},
		{"PR_SET_KEEPCAPS", func() error { return unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0) }},
		{"setresuid", func() error { return unix.Setresuid(id(0), id(1), id(2)) }},
		{"raise CAP_SETUID", func() error { return kernel.RaiseCapability(unix.CAP_SETUID) }},
		{"setfsuid", func() error { return unix.Setfsuid(id(3)) }},
		{"lower CAP_SETUID", func() error { return kernel.LowerCapability(unix.CAP_SETUID) }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	return nil
}
