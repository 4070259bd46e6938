package role

import (
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// A Clone3Child is a raw clone3 child that executes a helper in a role,
// with the Channel to talk to it.
type Clone3Child struct {
	kernel.Clone3Process
	Channel *Channel
}

// Clone3Role calls clone3(flags, exitSignal) for a child that executes
// the binary of roleName (Executable) in that role with args at once, its
// Channel at fd 3.
func Clone3Role(flags uint64, exitSignal unix.Signal, roleName string, args []string) (Clone3Child, error) {
	return Clone3RoleWith(kernel.Clone3Options{}, flags, exitSignal, roleName, args)
}

// Clone3RoleWith is Clone3Role with more clone_args fields set.
func Clone3RoleWith(opts kernel.Clone3Options, flags uint64, exitSignal unix.Signal, roleName string, args []string) (Clone3Child, error) {
	failed := Clone3Child{Clone3Process: kernel.Clone3Process{Pid: -1, Pidfd: -1}}
	exe, err := Executable(roleName)
	if err != nil {
		return failed, err
	}
	peer, theirs, err := NewChannelPair()
	if err != nil {
		return failed, err
	}
	defer theirs.Close()
	c, err := kernel.Clone3ExecWith(opts, flags, exitSignal, exe, append([]string{exe}, args...), Environ(roleName), int(theirs.Fd()))
	if err != nil {
		peer.Close()
		return Clone3Child{Clone3Process: c}, err
	}
	return Clone3Child{Clone3Process: c, Channel: peer}, nil
}
