package helpers

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/role"
)

// A Child is a helper process: the role binary or this test binary, in a
// role; or, for RoleNone, a blocked process with no Channel.
type Child struct {
	Pid     int   // in the test's pid namespace
	NsPid   int   // inside its PidNS, when started by one
	Pidfd   int   // from CLONE_PIDFD; the Child owns it (a blocked child: its Blocked)
	Tids    []int // extra threads the role reported, if any
	Channel *Channel
	cmd     *exec.Cmd // nil when a PidNS started it
	ns      *PidNS
	blocked *Blocked // the process, when it is the test's own blocked child
}

// blockedChild is b as a Child without a role; b keeps owning the process
// and its pidfd (its cleanup ends both).
func blockedChild(b *Blocked) *Child { return &Child{Pid: b.Pid, Pidfd: b.Pidfd, blocked: b} }

// ChildOption adjusts how a helper is started.
type ChildOption func(*exec.Cmd)

// WithCloneflags starts the helper in new namespaces.
func WithCloneflags(flags uintptr) ChildOption {
	return func(c *exec.Cmd) { c.SysProcAttr.Cloneflags |= flags }
}

// StartChild starts a helper in role, waits for its "ready" message and
// registers a cleanup that kills and reaps it and closes its fds.
func StartChild(ctx context.Context, roleName string, args []string, opts ...ChildOption) *Child {
	GinkgoHelper()
	c, err := tryStartChild(ctx, roleName, args, opts...)
	Expect(err).NotTo(HaveOccurred(), "start helper role %s", roleName)
	return c
}

// tryStartChild is StartChild for callers that turn a failed start (say,
// EPERM creating a namespace) into a Skip.
func tryStartChild(ctx context.Context, roleName string, args []string, opts ...ChildOption) (*Child, error) {
	GinkgoHelper()
	exe, err := role.Executable(roleName)
	if err != nil {
		return nil, err
	}
	peer, theirs, err := NewChannelPair()
	if err != nil {
		return nil, err
	}
	c := &Child{Pidfd: -1, Channel: peer}
	c.cmd = exec.Command(exe, args...)
	c.cmd.Env = role.Environ(roleName)
	c.cmd.Stdout, c.cmd.Stderr = GinkgoWriter, GinkgoWriter
	c.cmd.ExtraFiles = []*os.File{theirs}
	c.cmd.WaitDelay = EventTimeout()
	c.cmd.SysProcAttr = &syscall.SysProcAttr{PidFD: &c.Pidfd, Pdeathsig: syscall.SIGKILL}
	for _, o := range opts {
		o(c.cmd)
	}
	err = c.cmd.Start()
	theirs.Close()
	if err != nil {
		peer.Close()
		return nil, err
	}
	c.Pid = c.cmd.Process.Pid
	DeferCleanup(c.cleanup)
	c.awaitReady(ctx)
	return c, nil
}

func (c *Child) awaitReady(ctx context.Context) {
	GinkgoHelper()
	ready := c.Recv(ctx)
	Expect(ready).To(HavePrefix("ready "), "helper %d did not report ready", c.Pid)
	for _, f := range strings.Fields(ready)[2:] {
		tid, _ := strconv.Atoi(f)
		c.Tids = append(c.Tids, tid)
	}
}

// Recv waits for the helper's next message.
func (c *Child) Recv(ctx context.Context) string {
	GinkgoHelper()
	Expect(c.Channel).NotTo(BeNil(), "process %d has no role to send anything", c.Pid)
	msg, fds, err := c.Channel.Recv(ctx, EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "helper %d", c.Pid)
	role.CloseAll(fds)
	return msg
}

// Call sends a command and returns the helper's reply; a reply of the form
// "err ERRNO …" comes back as an error matching BeErrno.
func (c *Child) Call(ctx context.Context, cmd string, fds ...int) (Reply, error) {
	GinkgoHelper()
	r, err := c.exchange(ctx, cmd, fds...)
	// Most replies carry no fd, and a cleanup node is no free lunch
	// under TCG (a stack walk for its location, a goroutine to run it).
	if len(r.Fds) > 0 {
		DeferCleanup(role.CloseAll, r.Fds)
	}
	return r, err
}

// exchange is Call without the cleanup registration, for use in cleanups;
// the caller owns the fds of the reply.
func (c *Child) exchange(ctx context.Context, cmd string, fds ...int) (Reply, error) {
	GinkgoHelper()
	Expect(c.Channel).NotTo(BeNil(), "process %d has no role to answer %q", c.Pid, cmd)
	Expect(c.Channel.Send(cmd, fds...)).To(Succeed())
	msg, got, err := c.Channel.Recv(ctx, EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "helper %d did not answer %q", c.Pid, cmd)
	r, err := ParseReply(msg, got)
	r.Fds = got
	return r, err
}

// MustCall is Call for commands that must succeed.
func (c *Child) MustCall(ctx context.Context, cmd string, fds ...int) Reply {
	GinkgoHelper()
	r, err := c.Call(ctx, cmd, fds...)
	Expect(err).NotTo(HaveOccurred(), "helper command %q", cmd)
	return r
}

// Kill sends SIGKILL through the helper's pidfd.
func (c *Child) Kill() {
	GinkgoHelper()
	Expect(unix.PidfdSendSignal(c.Pidfd, unix.SIGKILL, nil, 0)).To(Succeed())
}

// Reap waits for the helper to exit and returns its wait status. Specs that
// reap the helper themselves (waitid) must not call it.
func (c *Child) Reap(ctx context.Context) syscall.WaitStatus {
	GinkgoHelper()
	if c.blocked != nil {
		return c.blocked.Reap(ctx)
	}
	if c.ns != nil {
		status, err := c.ns.reap(ctx, c.NsPid)
		Expect(err).NotTo(HaveOccurred(), "reap %d in its pid namespace", c.NsPid)
		return status
	}
	c.cmd.Wait()
	Expect(c.cmd.ProcessState).NotTo(BeNil(), "helper %d was not reaped", c.Pid)
	return c.cmd.ProcessState.Sys().(syscall.WaitStatus)
}

func (c *Child) cleanup(ctx SpecContext) {
	if c.ns != nil {
		// Its pid 1 reaps it; if the namespace is already gone, so is it.
		if unix.PidfdSendSignal(c.Pidfd, unix.SIGKILL, nil, 0) == nil {
			c.ns.reap(ctx, c.NsPid)
		}
	} else {
		c.cmd.Process.Kill()
		// Wait fails with ECHILD when the spec reaped the helper itself;
		// Release then closes the pidfd os.Process keeps, which only a
		// successful Wait would have closed.
		c.cmd.Wait()
		c.cmd.Process.Release()
	}
	if c.Channel != nil {
		c.Channel.Close()
	}
	if c.Pidfd >= 0 {
		unix.Close(c.Pidfd)
	}
}
