package helpers

import (
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// A Clone3Child is a raw clone3 child that executes this binary in a role,
// with the Peer to talk to it.
type Clone3Child struct {
	kernel.Clone3Process
	Peer *Peer
}

// Clone3Role calls clone3(flags, exitSignal) for a child process that
// executes the binary of roleName in that role with args at once, its Peer
// at fd 3.
func Clone3Role(flags uint64, exitSignal unix.Signal, roleName string, args []string) (Clone3Child, error) {
	failed := Clone3Child{Clone3Process: kernel.Clone3Process{Pid: -1, Pidfd: -1}}
	exe, err := role.Executable(roleName)
	if err != nil {
		return failed, err
	}
	peer, theirs, err := NewPeerPair()
	if err != nil {
		return failed, err
	}
	defer theirs.Close()
	c, err := kernel.Clone3Exec(flags, exitSignal, exe, append([]string{exe}, args...), role.Environ(roleName), int(theirs.Fd()))
	if err != nil {
		peer.Close()
		return Clone3Child{Clone3Process: c}, err
	}
	return Clone3Child{Clone3Process: c, Peer: peer}, nil
}
