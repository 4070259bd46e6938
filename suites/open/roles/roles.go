package openroles

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// SocketPeer creates a unix socketpair at start, so that it is the
// peer (SO_PEERPIDFD) of both ends, and answers "ready <pid>". Commands:
//
//	socket          → ok + the other end (once; the role keeps its own end)
//	say             → writes one byte on its end → ok
//	say-as <pid>    → the same with SCM_CREDENTIALS naming pid (and its own
//	                  uid and gid) → ok | err (EPERM without CAP_SYS_ADMIN
//	                  over its pid namespace)
//	keep            + a socket: keeps it for peer-pidfd → ok
//	peer-pidfd      [+ a socket] getsockopt(SO_PEERPIDFD) on the socket sent
//	                  along, or else the kept one → ok <this process's /proc
//	                  fdinfo of the pidfd> + the pidfd | err
//	exec <role>     the thread-group leader execs this binary in role (which
//	                  answers "ready" again on the same peer socket); only a
//	                  failure answers
//	exec-thread <role>  the same from a thread that is not the leader
var SocketPeer = role.RegisterWithC("open-socket-peer", func(p *role.Channel, _ []string) int {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		p.Send(role.Answer("", err))
		return 1
	}
	kept := -1
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"socket": func(req *role.Request) (string, error) {
			req.Attach(sp[1])
			return "", nil
		},
		"say": func(*role.Request) (string, error) {
			_, err := unix.Write(sp[0], []byte{'x'})
			return "", err
		},
		"say-as": func(req *role.Request) (string, error) {
			creds := unix.UnixCredentials(&unix.Ucred{Pid: int32(req.Int(0)), Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())})
			return "", unix.Sendmsg(sp[0], []byte{'x'}, creds, nil, 0)
		},
		"keep": func(req *role.Request) (string, error) {
			if err := req.Want(0, 1); err != nil {
				return "", err
			}
			var err error
			kept, err = unix.FcntlInt(uintptr(req.Fds[0]), unix.F_DUPFD_CLOEXEC, 0)
			return "", err
		},
		"peer-pidfd": func(req *role.Request) (string, error) {
			sock := kept
			if len(req.Fds) == 1 {
				sock = req.Fds[0]
			}
			pidfd, err := kernel.GetPeerPidfd(sock)
			if err != nil {
				return "", err
			}
			req.Attach(pidfd)
			data, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", pidfd))
			return string(data), err
		},
		"exec": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			return "", execRole(req.Args[0])
		},
		"exec-thread": func(req *role.Request) (string, error) {
			if err := req.Want(1, 0); err != nil {
				return "", err
			}
			failed := make(chan error)
			go func() {
				// The main goroutine holds the leader thread (internal/role),
				// so this one runs, and stays, on another thread.
				runtime.LockOSThread()
				failed <- execRole(req.Args[0])
			}()
			return "", <-failed
		},
	})
})

// BadPidfdAddress answers "ready <pid>" and serves "clone": clone3(
// CLONE_PIDFD) of a child that exits at once, with the pidfd to be written
// to a read-only page → ok <clone3 errno> <errno of waitid(P_ALL, __WALL,
// WNOHANG), which finds any child of this process> <same-fd | moved-fd: the
// lowest free fd before and after>. It runs in its own process so that it
// has no other child a wait could find.
var BadPidfdAddress = role.Register("open-bad-pidfd-address", func(p *role.Channel, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"clone": func(*role.Request) (string, error) {
			page, err := unix.Mmap(-1, 0, os.Getpagesize(), unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
			if err != nil {
				return "", err
			}
			defer unix.Munmap(page)
			before, err := lowestFreeFd()
			if err != nil {
				return "", err
			}
			_, cloneErr := kernel.Clone3ExitWith(kernel.Clone3Options{PidfdAddr: uintptr(unsafe.Pointer(&page[0]))}, unix.CLONE_PIDFD, unix.SIGCHLD, 0)
			var info unix.Siginfo
			waitErr := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WALL, nil)
			after, err := lowestFreeFd()
			if err != nil {
				return "", err
			}
			fd := "same-fd"
			if after != before {
				fd = fmt.Sprintf("moved-fd(%d→%d)", before, after)
			}
			return fmt.Sprintf("%s %s %s", kernel.ErrnoName(cloneErr), kernel.ErrnoName(waitErr), fd), nil
		},
	})
})

// lowestFreeFd is the fd number the next open would get.
func lowestFreeFd() (int, error) {
	fd, err := unix.Open("/", unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	return fd, unix.Close(fd)
}

// execRole execs this binary in role name; it returns only on failure.
func execRole(name string) error {
	exe, err := kernel.SelfExecutable()
	if err != nil {
		return err
	}
	return syscall.Exec(exe, []string{exe}, role.Environ(name))
}
