package clone

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// threadFlags are the flags the selftests add to CLONE_THREAD so that only
// the flag under test can make clone3 refuse.
const threadFlags = unix.CLONE_THREAD | unix.CLONE_SIGHAND | unix.CLONE_VM

// autoreapFlags make the child every autoreap spec starts from.
const autoreapFlags = kernel.CLONE_AUTOREAP | unix.CLONE_PIDFD

// autokillFlags make a child the selftests' way: unprivileged callers need
// CLONE_NNP with CLONE_PIDFD_AUTOKILL.
const autokillFlags = unix.CLONE_PIDFD | kernel.CLONE_PIDFD_AUTOKILL | kernel.CLONE_AUTOREAP | kernel.CLONE_NNP

// A cloned is what raw clone3 made; settle ends it at cleanup.
type cloned struct {
	helpers.Clone3Child
	flags uint64
}

// cloneExiting issues clone3 for a child whose only act is exit(code).
func cloneExiting(flags uint64, exitSignal unix.Signal, code int) (*cloned, error) {
	GinkgoHelper()
	helpers.RequireRawClone3()
	c, err := kernel.Clone3Exit(flags, exitSignal, code)
	if err != nil {
		return nil, err
	}
	return track(helpers.Clone3Child{Clone3Process: c}, flags), nil
}

// cloneRole issues clone3 for a child that executes this binary in role,
// and waits for its "ready".
func cloneRole(ctx SpecContext, flags uint64, role string, args ...string) (*cloned, *helpers.Child) {
	GinkgoHelper()
	helpers.RequireRawClone3()
	c, err := helpers.Clone3Role(flags, 0, role, args)
	Expect(err).NotTo(HaveOccurred(), "clone3 for role %s", role)
	cl := track(c, flags)
	// A Child without an exec.Cmd: only its Channel and Pidfd are used.
	child := &helpers.Child{Pid: c.Pid, Pidfd: c.Pidfd, Channel: c.Channel}
	Expect(child.Recv(ctx)).To(HavePrefix("ready "), "role %s in clone3 child %d", role, c.Pid)
	return cl, child
}

func track(c helpers.Clone3Child, flags uint64) *cloned {
	cl := &cloned{Clone3Child: c, flags: flags}
	DeferCleanup(cl.settle)
	return cl
}

// closePidfd closes the clone3 pidfd (with CLONE_PIDFD_AUTOKILL: kills).
func (c *cloned) closePidfd() {
	GinkgoHelper()
	Expect(unix.Close(c.Pidfd)).To(Succeed())
	c.Pidfd = -1
}

// settle kills what the spec created and waits until the kernel has
// released it: it reaps a child that is not autoreaped (__WALL, since an
// exit signal other than SIGCHLD makes a "clone" child).
func (c *cloned) settle(ctx SpecContext) {
	if c.Channel != nil {
		c.Channel.Close()
	}
	if c.flags&unix.CLONE_THREAD != 0 {
		// A thread of ours that exited at once: only its pidfd is left.
		if c.Pidfd >= 0 {
			unix.Close(c.Pidfd)
		}
		return
	}
	pidfd := c.Pidfd
	if pidfd < 0 {
		var err error
		if pidfd, err = unix.PidfdOpen(c.Pid, 0); err != nil {
			return // ESRCH: already released
		}
	}
	defer unix.Close(pidfd)
	unix.PidfdSendSignal(pidfd, unix.SIGKILL, nil, 0)
	kernel.WaitPollBits(ctx, pidfd, unix.POLLIN, helpers.EventTimeout())
	var ws unix.WaitStatus
	unix.Wait4(c.Pid, &ws, unix.WALL|unix.WNOHANG, nil)
	kernel.WaitPollBits(ctx, pidfd, unix.POLLHUP, helpers.EventTimeout())
}

// expectAutoreaped requires the kernel to release the process without a
// wait (POLLHUP on a pidfd of it) and waitid(2) then to find no child, not
// even a zombie. __WALL, because an autoreap child has no exit signal, and
// waitid without __WALL skips such children whatever their state.
func expectAutoreaped(ctx SpecContext, pid, pidfd int) {
	GinkgoHelper()
	revents, err := kernel.WaitPollBits(ctx, pidfd, unix.POLLHUP, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the kernel did not release process %d while nobody waited for it", pid)
	Expect(revents).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
	var info unix.Siginfo
	Expect(unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WALL, nil)).To(helpers.BeErrno(unix.ECHILD))
}

// exitStatus is the wait status PIDFD_GET_INFO reports for an exited process.
func exitStatus(pidfd int) unix.WaitStatus {
	GinkgoHelper()
	helpers.RequireFeature(kernel.PidfdInfoExit)
	info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_EXIT)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Mask&unix.PIDFD_INFO_EXIT).NotTo(BeZero(), "PIDFD_GET_INFO reports no exit status")
	return unix.WaitStatus(info.Exit_code)
}

// expectExited requires an exit(code) status.
func expectExited(pidfd, code int) {
	GinkgoHelper()
	ws := exitStatus(pidfd)
	Expect(ws.Exited()).To(BeTrue(), "wait status %#x is no exit", uint32(ws))
	Expect(ws.ExitStatus()).To(Equal(code))
}

// expectKilled requires death by sig.
func expectKilled(pidfd int, sig unix.Signal) {
	GinkgoHelper()
	ws := exitStatus(pidfd)
	Expect(ws.Signaled()).To(BeTrue(), "wait status %#x is no death by signal", uint32(ws))
	Expect(ws.Signal()).To(Equal(sig))
}

// noNewPrivs is prctl(PR_GET_NO_NEW_PRIVS) of the test process.
func noNewPrivs() int {
	GinkgoHelper()
	v, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	Expect(err).NotTo(HaveOccurred())
	return v
}

// requireNoNewPrivsUnset skips when the test process runs with
// no_new_privs already (a sandbox): no child could show the flag's effect.
func requireNoNewPrivsUnset() {
	GinkgoHelper()
	if noNewPrivs() != 0 {
		helpers.SkipFor(outcome.Environment, "the test process itself runs with no_new_privs set, which every child inherits")
	}
}
