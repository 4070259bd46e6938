package getfdroles

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// Holder keeps a memfd open (O_RDWR|O_APPEND) for pidfd_getfd to fetch.
// With a uid argument it first becomes that user (uid and gid), staying
// dumpable so that only the uid decides ptrace access.
// Commands: fd → ok <n>; stat → ok <st_dev> <st_ino> of that memfd (fstat
// inside the holder); offset → ok <file offset>; nondumpable → ok.
var Holder = role.RegisterWithC("getfd-holder", func(p *role.Channel, args []string) int {
	if len(args) == 1 {
		id, _ := strconv.Atoi(args[0])
		err := role.DropPrivileges(id, id)
		if err == nil {
			// Changing credentials reset dumpable to fs.suid_dumpable.
			err = unix.Prctl(unix.PR_SET_DUMPABLE, 1, 0, 0, 0)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "become uid", id, ":", err)
			return 1
		}
	}
	fd, err := unix.MemfdCreate("pidfdconf-getfd", 0)
	if err == nil {
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, unix.O_APPEND)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "memfd:", err)
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"fd": func(*role.Request) (string, error) { return strconv.Itoa(fd), nil },
		"stat": func(*role.Request) (string, error) {
			var st unix.Stat_t
			err := unix.Fstat(fd, &st)
			return fmt.Sprintf("%d %d", st.Dev, st.Ino), err
		},
		"offset": func(*role.Request) (string, error) {
			off, err := unix.Seek(fd, 0, 1)
			return strconv.FormatInt(off, 10), err
		},
		"nondumpable": func(*role.Request) (string, error) {
			return "", unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
		},
	})
})

// UnprivilegedCaller drops to the uid/gid in its args, if any (all
// threads, as Go's Setresuid does; without one it stays the test's
// unprivileged user), and answers, as that user, "getfd <pid> <fd>" with
// the result of pidfd_open + pidfd_getfd, and "getfd-through <fd>" with
// that of pidfd_getfd on the pidfd sent along.
var UnprivilegedCaller = role.RegisterWithC("getfd-unprivileged", func(p *role.Channel, args []string) int {
	if len(args) == 1 {
		id, _ := strconv.Atoi(args[0])
		if err := role.DropPrivileges(id, id); err != nil {
			fmt.Fprintln(os.Stderr, "drop privileges:", err)
			return 1
		}
	}
	p.Sendf("ready %d", os.Getpid())
	return role.Serve(p, map[string]role.Command{
		"getfd": func(req *role.Request) (string, error) {
			if err := req.Want(2, 0); err != nil {
				return "", err
			}
			pidfd, err := unix.PidfdOpen(req.Int(0), 0)
			if err != nil {
				return "", fmt.Errorf("pidfd_open: %w", err)
			}
			err = getfdAndClose(pidfd, req.Int(1))
			unix.Close(pidfd)
			return "", err
		},
		"getfd-through": func(req *role.Request) (string, error) {
			if err := req.Want(1, 1); err != nil {
				return "", err
			}
			return "", getfdAndClose(req.Fds[0], req.Int(0))
		},
	})
})

// getfdAndClose is pidfd_getfd(pidfd, fd, 0), closing what it returns.
func getfdAndClose(pidfd, fd int) error {
	got, err := unix.PidfdGetfd(pidfd, fd, 0)
	if err == nil {
		unix.Close(got)
	}
	return err
}
