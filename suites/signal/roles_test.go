package signal_test

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
)

// roleSender drops to the uid and gid of its args at start, answers
// "ready <pid>", then serves "send <sig> <flags>" with a pidfd attached:
// pidfd_send_signal(pidfd, sig, NULL, flags) → "ok" or "err ERRNO text".
var roleSender = helpers.RegisterRole("signal-sender", runSender)

func runSender(p *helpers.Peer, args []string) int {
	if len(args) != 2 {
		p.Send("err EINVAL usage: signal-sender <uid> <gid>")
		return 2
	}
	uid, _ := strconv.Atoi(args[0])
	gid, _ := strconv.Atoi(args[1])
	if err := helpers.DropPrivileges(uid, gid); err != nil {
		p.Send(helpers.Answer("", err))
		return 1
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
			p.Send(helpers.Answer("", unix.PidfdSendSignal(fds[0], unix.Signal(sig), nil, flags)))
		}
		for _, fd := range fds {
			unix.Close(fd)
		}
	}
}
