package poll

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/uring"
)

// newRing sets up an io_uring for the spec. It skips where the
// io_uring_disabled sysctl refuses rings to this caller, and otherwise
// requires IORING_OP_WAITID. A waitid completion is task work queued to
// the thread that submitted it, which the kernel wakes for it (TWA_SIGNAL)
// wherever the Go runtime has parked it; no thread is locked, since a
// locked thread whose goroutine ends exits, and its children with it
// (Pdeathsig), and its ring requests are cancelled.
func newRing() *uring.Ring {
	GinkgoHelper()
	r, err := uring.Setup(8)
	if errors.Is(err, unix.EPERM) {
		if v, ok := uring.DisabledSysctl(); ok && v > 0 {
			helpers.SkipFor(outcome.Environment, "io_uring is refused to this caller (uid %d): sysctl kernel.io_uring_disabled is %d", unix.Geteuid(), v)
		}
	}
	helpers.RequireFeature(kernel.UringWaitid)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(r.Close)
	return r
}

// Event loops wait for their children through the ring that carries the
// rest of their I/O: IORING_OP_WAITID is waitid(2) whose result arrives as
// a completion.
var _ = area.Describe("io_uring IORING_OP_WAITID with P_PIDFD", helpers.SyscallIOUring, helpers.SyscallWaitid, helpers.ManIOUringPrepWaitid, func() {
	const waitUserData, cancelUserData = 1, 2
	var ring *uring.Ring
	var child *helpers.Child

	BeforeEach(func(ctx SpecContext) {
		ring = newRing()
		child = helpers.StartChild(ctx, helpers.RoleProcess, nil)
	})

	// submitWait queues waitid(P_PIDFD, child, options) on the ring.
	submitWait := func(options int) *uring.Waitid {
		GinkgoHelper()
		w := uring.NewWaitid(unix.P_PIDFD, child.Pidfd, options, waitUserData)
		Expect(ring.Submit(w.SQE)).To(Succeed())
		return w
	}

	// Behavior: IORING_OP_WAITID(P_PIDFD, WEXITED) stays pending while the child runs and completes (res 0) once
	//           it exits, with the siginfo of waitid(2): SIGCHLD, CLD_EXITED, the child's pid and its exit status.
	// Mirrors:  man io_uring_prep_waitid(3) (liburing's test/waitid.c checks the same)
	// Since:    v6.7
	// Relied on by: liburing io_uring_prep_waitid (event loops that reap children through the ring)
	It("completes when the child exits with its exit status", helpers.ID("uring_waitid_completes_when_child_exits_with_status"), func(ctx SpecContext) {
		w := submitWait(unix.WEXITED)
		early, err := ring.WaitCQE(ctx, helpers.QuietWindow())
		Expect(err).To(MatchError(uring.ErrNoCompletion), "a completion while the child still runs: %+v, siginfo %+v", early, kernel.DecodeSiginfo(w.Info))
		Expect(child.Channel.Send("exit 3")).To(Succeed())
		Expect(ring.WaitCQE(ctx, helpers.EventTimeout())).To(Equal(uring.CQE{UserData: waitUserData, Res: 0}))
		Expect(childState(kernel.DecodeSiginfo(w.Info))).To(Equal(state{kernel.CLD_EXITED, child.Pid, 3}))
	})

	// Behavior: for a child killed by SIGKILL, IORING_OP_WAITID(P_PIDFD, WEXITED|WNOWAIT) fills in
	//           the siginfo that waitid(2) then reports for the same child, field by field (signo,
	//           errno, code, pid, uid, status), and leaves the child for waitid(2) to reap.
	// Mirrors:  man io_uring_prep_waitid(3)
	// Since:    v6.7
	// Relied on by: liburing io_uring_prep_waitid (a drop-in for waitid(2) in an event loop)
	It("reports the same siginfo as the waitid(2) syscall", helpers.ID("uring_waitid_reports_same_siginfo_as_waitid_syscall"), func(ctx SpecContext) {
		w := submitWait(unix.WEXITED | unix.WNOWAIT)
		child.Kill()
		Expect(ring.WaitCQE(ctx, helpers.EventTimeout())).To(Equal(uring.CQE{UserData: waitUserData, Res: 0}))
		viaRing := kernel.DecodeSiginfo(w.Info)
		viaSyscall, err := kernel.Waitid(child.Pidfd, unix.WEXITED|unix.WNOHANG)
		Expect(err).NotTo(HaveOccurred(), "waitid(2) after the ring's WNOWAIT")
		Expect(viaRing).To(Equal(viaSyscall))
		Expect(childState(viaRing)).To(Equal(state{kernel.CLD_KILLED, child.Pid, int(unix.SIGKILL)}))
	})

	// Behavior: IORING_OP_ASYNC_CANCEL of a pending IORING_OP_WAITID completes with res 1 (the waitid canceller
	//           counts the requests it cancelled, where other cancels answer 0) and the waitid with -ECANCELED,
	//           and the child is not consumed: after it is killed, waitid(2) reaps it (CLD_KILLED).
	// Mirrors:  man io_uring_prep_waitid(3)
	// Since:    v6.7
	// Relied on by: liburing io_uring_prep_waitid (event loops cancel waits they no longer need)
	It("is cancelled without consuming the child", helpers.ID("uring_waitid_cancelled_without_consuming_child"), func(ctx SpecContext) {
		submitWait(unix.WEXITED)
		Expect(ring.Submit(uring.Cancel(waitUserData, cancelUserData))).To(Succeed())
		got := map[uint64]int32{}
		for range 2 {
			cqe, err := ring.WaitCQE(ctx, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred(), "completions so far: %v", got)
			got[cqe.UserData] = cqe.Res
		}
		Expect(got).To(Equal(map[uint64]int32{cancelUserData: 1, waitUserData: -int32(unix.ECANCELED)}))
		child.Kill()
		info := waitFor(ctx, child.Pidfd, unix.WEXITED)
		Expect(childState(info)).To(Equal(state{kernel.CLD_KILLED, child.Pid, int(unix.SIGKILL)}))
	})
})
