package signal_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
)

// roleSender drops to the uid and gid of its args at start, answers
// "ready <pid>", then serves "send <sig> <flags>" with a pidfd attached:
// pidfd_send_signal(pidfd, sig, NULL, flags) → "ok" or "err ERRNO text".
// It starts as root and drops its ids itself because the go test binary
// sits in a 0700 directory that another user could not exec.
var roleSender = helpers.RegisterRole("signal-sender", runSender)

func runSender(p *helpers.Peer, args []string) int {
	if len(args) != 2 {
		p.Send("err EINVAL usage: signal-sender <uid> <gid>")
		return 2
	}
	uid, _ := strconv.Atoi(args[0])
	gid, _ := strconv.Atoi(args[1])
	for _, err := range []error{syscall.Setgroups(nil), syscall.Setresgid(gid, gid, gid), syscall.Setresuid(uid, uid, uid)} {
		if err != nil {
			p.Send(errReply(err))
			return 1
		}
	}
	p.Sendf("ready %d", os.Getpid())
	for {
		msg, fds, err := p.RecvBlocking()
		if err != nil {
			return 0
		}
		f := strings.Fields(msg)
		if len(f) != 3 || f[0] != "send" || len(fds) != 1 {
			p.Sendf("err EINVAL bad command %q", msg)
		} else {
			sig, _ := strconv.Atoi(f[1])
			flags, _ := strconv.Atoi(f[2])
			if err := unix.PidfdSendSignal(fds[0], unix.Signal(sig), nil, flags); err != nil {
				p.Send(errReply(err))
			} else {
				p.Send("ok")
			}
		}
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
}

func errReply(err error) string {
	name := "EIO"
	if errno, ok := err.(syscall.Errno); ok && unix.ErrnoName(errno) != "" {
		name = unix.ErrnoName(errno)
	}
	return fmt.Sprintf("err %s %v", name, err)
}
