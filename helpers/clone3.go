package helpers

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// A Clone3Child is a raw clone3 child that executes a helper in a role,
// with the Channel to talk to it (internal/role).
type Clone3Child = role.Clone3Child

var (
	// Clone3Role calls clone3(flags, exitSignal) for a child that executes
	// the binary of a role in that role at once, its Channel at fd 3.
	Clone3Role = role.Clone3Role
	// Clone3RoleWith is Clone3Role with more clone_args fields set.
	Clone3RoleWith = role.Clone3RoleWith
)

// SettleClone3 registers a cleanup that kills a raw clone3 child of the
// test, waits until the kernel has released it (reaping it with __WALL,
// which finds a child of any exit signal), and closes its pidfd and peer.
// A child the spec reaped itself is merely gone.
func SettleClone3(c Clone3Child) {
	DeferCleanup(func(ctx SpecContext) {
		if c.Channel != nil {
			c.Channel.Close()
		}
		pidfd := c.Pidfd
		if pidfd < 0 {
			var err error
			if pidfd, err = unix.PidfdOpen(c.Pid, 0); err != nil {
				return // released already
			}
		}
		defer unix.Close(pidfd)
		unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
		kernel.WaitPollBits(ctx, pidfd, unix.POLLIN, EventTimeout())
		unix.Wait4(c.Pid, nil, unix.WALL|unix.WNOHANG, nil)
	})
}

// StartClone3Role is Clone3RoleWith for a child that must start: it
// settles the child at cleanup and waits for the role's "ready". The Child
// it returns has no exec.Cmd: use its Channel, Pidfd and Kill, not Reap.
func StartClone3Role(ctx context.Context, opts kernel.Clone3Options, flags uint64, exitSignal unix.Signal, roleName string, args ...string) *Child {
	GinkgoHelper()
	RequireRawClone3()
	c, err := Clone3RoleWith(opts, flags, exitSignal, roleName, args)
	Expect(err).NotTo(HaveOccurred(), "clone3 for role %s", roleName)
	SettleClone3(c)
	child := &Child{Pid: c.Pid, Pidfd: c.Pidfd, Channel: c.Channel}
	Expect(child.Recv(ctx)).To(HavePrefix("ready "), "role %s in clone3 child %d", roleName, c.Pid)
	return child
}
