package getfd_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
)

// roleHolder keeps a memfd open (O_RDWR|O_APPEND) for pidfd_getfd to fetch.
// With a uid argument it first becomes that user (uid and gid), staying
// dumpable so that only the uid decides ptrace access.
// Commands: fd → ok <n>; offset → ok <file offset>; nondumpable → ok.
var roleHolder = helpers.RegisterRole("getfd-holder", func(p *helpers.Peer, args []string) int {
	if len(args) == 1 {
		id, _ := strconv.Atoi(args[0])
		err := helpers.DropPrivileges(id, id)
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
	for {
		msg, _, err := p.RecvBlocking()
		if err != nil {
			return 0
		}
		switch msg {
		case "fd":
			p.Sendf("ok %d", fd)
		case "offset":
			off, err := unix.Seek(fd, 0, 1)
			p.Send(helpers.Answer(strconv.FormatInt(off, 10), err))
		case "nondumpable":
			p.Send(helpers.Answer("", unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)))
		default:
			p.Sendf("err EINVAL unknown command %q", msg)
		}
	}
})

// roleUnprivilegedCaller drops to the uid/gid in its args (all threads, as
// Go's Setresuid does) and answers "getfd <pid> <fd>" with the result of
// pidfd_open + pidfd_getfd as that user.
var roleUnprivilegedCaller = helpers.RegisterRole("getfd-unprivileged", func(p *helpers.Peer, args []string) int {
	id, _ := strconv.Atoi(args[0])
	if err := helpers.DropPrivileges(id, id); err != nil {
		fmt.Fprintln(os.Stderr, "drop privileges:", err)
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	for {
		msg, _, err := p.RecvBlocking()
		if err != nil {
			return 0
		}
		f := strings.Fields(msg)
		if len(f) != 3 || f[0] != "getfd" {
			p.Sendf("err EINVAL unknown command %q", msg)
			continue
		}
		pid, _ := strconv.Atoi(f[1])
		target, _ := strconv.Atoi(f[2])
		pidfd, err := unix.PidfdOpen(pid, 0)
		if err != nil {
			p.Send(helpers.Answer("", fmt.Errorf("pidfd_open: %w", err)))
			continue
		}
		got, err := unix.PidfdGetfd(pidfd, target, 0)
		unix.Close(pidfd)
		if err == nil {
			unix.Close(got)
		}
		p.Send(helpers.Answer("", err))
	}
})
