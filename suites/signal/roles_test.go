package signal_test

import (
	"os"
	"strconv"

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
	return helpers.Serve(p, map[string]helpers.Command{
		"send": func(req *helpers.Request) (string, error) {
			if err := req.Want(2, 1); err != nil {
				return "", err
			}
			return "", unix.PidfdSendSignal(req.Fds[0], unix.Signal(req.Int(0)), nil, req.Int(1))
		},
	})
}
