package helpers

import (
	"context"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/role"
)

// StartBlockedChild starts a process that only waits to be killed
// (internal/role, which the role binary shares); the caller reaps it.
var StartBlockedChild = role.StartBlockedChild

// StartBlockedPid starts a blocked child and registers a cleanup that kills
// and reaps it (ECHILD if the spec reaped it already), for specs that need
// only its pid.
func StartBlockedPid() int {
	GinkgoHelper()
	pid, err := StartBlockedChild()
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() {
		syscall.Kill(pid, syscall.SIGKILL)
		syscall.Wait4(pid, nil, 0, nil)
	})
	return pid
}

// A Blocked is a StartBlockedChild process with a pidfd: the cheapest
// target for specs that need a live process, a zombie or a reaped one but
// no cooperation (a clone against the start-up of a Go program for a
// StartChild helper). Only SIGKILL is sure to end it (it blocks every other
// signal, or handles it in Go once an exec'd copy has started); do not use
// it to observe delivery.
type Blocked struct {
	Pid   int
	Pidfd int // from pidfd_open(2); the Blocked owns it
}

// StartBlocked starts a blocked child (files become its fds 0, 1, …) and
// registers a cleanup that kills and reaps it (unless the spec did) and
// closes its pidfd.
func StartBlocked(files ...uintptr) *Blocked {
	GinkgoHelper()
	pid, err := StartBlockedChild(files...)
	Expect(err).NotTo(HaveOccurred())
	b := &Blocked{Pid: pid, Pidfd: -1}
	DeferCleanup(b.cleanup)
	b.Pidfd, err = unix.PidfdOpen(pid, 0)
	Expect(err).NotTo(HaveOccurred(), "pidfd_open of blocked child %d", pid)
	return b
}

// StartBlockedBornWithPidfd is StartBlocked whose Pidfd is the one the
// child was born with (CLONE_PIDFD), not one from pidfd_open(2), for specs
// that compare the routes to a pidfd. Where there is no raw clone
// (kernel.HavePausingChild) the child is a helper started with CLONE_PIDFD
// instead, and the Blocked borrows its pid and pidfd.
func StartBlockedBornWithPidfd(ctx context.Context) *Blocked {
	GinkgoHelper()
	if !kernel.HavePausingChild {
		c := StartChild(ctx, RoleProcess, nil)
		return &Blocked{Pid: c.Pid, Pidfd: c.Pidfd}
	}
	pid, pidfd, err := kernel.StartPausingChild()
	Expect(err).NotTo(HaveOccurred(), "clone(CLONE_PIDFD) of a pausing child")
	b := &Blocked{Pid: pid, Pidfd: pidfd}
	DeferCleanup(b.cleanup)
	return b
}

// Kill sends SIGKILL through the pidfd.
func (b *Blocked) Kill() {
	GinkgoHelper()
	Expect(unix.PidfdSendSignal(b.Pidfd, unix.SIGKILL, nil, 0)).To(Succeed())
}

// Reap kills the child and reaps it with waitid(P_PIDFD), requiring that
// SIGKILL is what ended it; it returns the wait status wait4(2) reports for
// that end.
func (b *Blocked) Reap(ctx context.Context) syscall.WaitStatus {
	GinkgoHelper()
	b.Kill()
	info, err := kernel.WaitidTimeout(ctx, b.Pidfd, unix.WEXITED, EventTimeout())
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Code).To(BeEquivalentTo(kernel.CLD_KILLED), "blocked child %d: %+v", b.Pid, info)
	Expect(info.Status).To(BeEquivalentTo(unix.SIGKILL), "blocked child %d: %+v", b.Pid, info)
	return syscall.WaitStatus(unix.SIGKILL)
}

// ExpectUnkilled requires that no SIGKILL has reached the child, with no
// window to wait out: it stops the child with SIGSTOP through the pidfd and
// requires waitid(2) to report CLD_STOPPED. A SIGKILL sent earlier has
// begun a group exit, and from then on every signal but SIGKILL is dropped
// (kernel/signal.c prepare_signal), so the child can only be reported
// killed. It stays stopped; SIGKILL (its cleanup) still ends it.
func (b *Blocked) ExpectUnkilled(ctx context.Context) {
	GinkgoHelper()
	Expect(unix.PidfdSendSignal(b.Pidfd, unix.SIGSTOP, nil, 0)).To(Succeed())
	info, err := kernel.WaitidTimeout(ctx, b.Pidfd, unix.WSTOPPED|unix.WEXITED, EventTimeout())
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Code).To(BeEquivalentTo(kernel.CLD_STOPPED), "blocked child %d did not stop: it was killed before (%+v)", b.Pid, info)
}

// forgotten marks a Blocked whose pidfd Forget closed.
const forgotten = -2

// Forget reaps the child (as Reap does) and closes its pidfd: nothing in
// the test refers to the process any more, the state in which what was
// taken from it before (a file handle, an inode number) must stand alone.
func (b *Blocked) Forget(ctx context.Context) {
	GinkgoHelper()
	b.Reap(ctx)
	Expect(unix.Close(b.Pidfd)).To(Succeed())
	b.Pidfd = forgotten
}

func (b *Blocked) cleanup() {
	if b.Pidfd == forgotten {
		return
	}
	if b.Pidfd < 0 {
		// pidfd_open failed: fall back to the pid, which is still ours.
		syscall.Kill(b.Pid, syscall.SIGKILL)
		var ws syscall.WaitStatus
		syscall.Wait4(b.Pid, &ws, 0, nil)
		return
	}
	unix.PidfdSendSignal(b.Pidfd, unix.SIGKILL, nil, 0)
	kernel.Waitid(b.Pidfd, unix.WEXITED) // ECHILD at once if the spec reaped it
	unix.Close(b.Pidfd)
}
