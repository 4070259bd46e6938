package open_test

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
)

// roleSocketPeer creates a unix socketpair at start, so that it is the
// peer (SO_PEERPIDFD) of both ends, and answers "ready <pid>". Commands:
//
//	socket  → ok + the other end (once; the role keeps its own end)
//	say     → writes one byte on its end → ok
var roleSocketPeer = helpers.RegisterRole("open-socket-peer", func(p *helpers.Peer, _ []string) int {
	sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		p.Send(helpers.Answer("", err))
		return 1
	}
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, map[string]helpers.Command{
		"socket": func(req *helpers.Request) (string, error) {
			req.Attach(sp[1])
			return "", nil
		},
		"say": func(*helpers.Request) (string, error) {
			_, err := unix.Write(sp[0], []byte{'x'})
			return "", err
		},
	})
})
