package signal

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// reusedPid is the first number tried for the reaped and the new process to
// share (above RESERVED_PIDS, as in the selftest).
const reusedPid = 1000

var _ = area.Describe("pidfd_send_signal(2) after pid reuse", helpers.SyscallPidfdSendSignal, helpers.NeedsPidNS, helpers.Requires(kernel.PidfdSendSignal), func() {
	var ns *helpers.PidNS
	var stale *helpers.Child

	BeforeEach(func(ctx SpecContext) {
		// Born with HeldSignals blocked, pid 1 spawns RoleSigwait helpers
		// that need no re-exec.
		helpers.WithHeldSignalsBlocked(func() { ns = helpers.NewPidNS(ctx) })
	})

	// successor reaps a helper, keeping its pidfd as stale, and starts role
	// at its number.
	successor := func(ctx SpecContext, role string) *helpers.Child {
		GinkgoHelper()
		var c *helpers.Child
		stale, _, c = helpers.ReusePidNumber(ctx, ns, reusedPid, role, nil)
		Expect(c.NsPid).To(Equal(stale.NsPid))
		return c
	}

	Context("through the pidfd of the reaped process", func() {
		// Behavior: pidfd_send_signal(2) through a pidfd of a reaped process fails with ESRCH
		//           (SIGUSR2, SIGCONT, signal 0) while another process holds its pid number.
		// Mirrors:  LTP pidfd_send_signal03 (SIGUSR1); pidfd_test.c "pidfd_send_signal
		//           signal recycled pid" (a /proc/1000 directory fd and SIGCONT there)
		// Since:    v5.1
		It("fails with ESRCH", helpers.ID("pidfd_after_reuse_fails_with_esrch"), helpers.LTPPidfdSendSignal, helpers.SelftestPidfdTest, func(ctx SpecContext) {
			successor(ctx, helpers.RoleNone)
			for _, sig := range []unix.Signal{unix.SIGUSR2, unix.SIGCONT, 0} {
				Expect(unix.PidfdSendSignal(stale.Pidfd, sig, nil, 0)).To(helpers.BeErrno(unix.ESRCH), "signal %d", sig)
			}
		})

		// Behavior: nothing sent through the stale pidfd reaches the process that now has the pid number.
		// Mirrors:  LTP pidfd_send_signal03; pidfd_test.c "pidfd_send_signal signal recycled pid"
		// Since:    v5.1
		It("leaves the process that took over the number unsignalled", helpers.ID("pidfd_after_reuse_leaves_process_that_took_over_number"), helpers.LTPPidfdSendSignal, helpers.SelftestPidfdTest, func(ctx SpecContext) {
			c := successor(ctx, helpers.RoleSigwait)
			for _, sig := range helpers.HeldSignals {
				unix.PidfdSendSignal(stale.Pidfd, sig, nil, 0)
			}
			Expect(helpers.PendingSignals(ctx, c, c.NsPid)).To(BeEmpty())
		})
	})
})

// The same, with the sender in the namespace where the number comes back,
// as pidfd_test.c and LTP do it: a kernel that resolved the pidfd through
// the sender's view of its pid number would signal the successor here.
var _ = area.Describe("pidfd_send_signal(2) after pid reuse", helpers.SyscallPidfdSendSignal, helpers.Requires(kernel.PidfdSendSignal, kernel.PidfdOpen), func() {
	helpers.EachReuseShape(func(stage helpers.StageReuse) {
		// Behavior: pidfd_send_signal(2) through the stale pidfd fails with ESRCH (SIGUSR2,
		//           SIGCONT, signal 0) when the sender sees the number name a live process again.
		// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid" (the sender
		//           inside the namespace; it requires ESRCH, any other result fails:
		//           pidfd_test.c:335-340 in v7.3); LTP pidfd_send_signal03
		// Since:    v5.1
		It("fails with ESRCH", helpers.ID("fails_with_esrch"), helpers.LTPPidfdSendSignal, helpers.SelftestPidfdTest, func(ctx SpecContext) {
			r := stage(ctx, helpers.RoleNone)
			// v7.3 kernel/signal.c:4127 → kill_pid_info_type :1495-1505: the
			// stale struct pid has no task (pid_task() is NULL) → -ESRCH.
			for _, sig := range []unix.Signal{unix.SIGUSR2, unix.SIGCONT, 0} {
				Expect(r.SendSignal(ctx, sig)).To(helpers.BeErrno(unix.ESRCH), "signal %d", sig)
			}
		})

		// Behavior: nothing sent through the stale pidfd reaches the process
		//           that took over the number, when the sender sees that number.
		// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid"; LTP pidfd_send_signal03
		// Since:    v5.1
		It("leaves the process that took over the number unsignalled", helpers.ID("leaves_process_that_took_over_number"), helpers.LTPPidfdSendSignal, helpers.SelftestPidfdTest, func(ctx SpecContext) {
			r := stage(ctx, helpers.RoleSigwait)
			for _, sig := range helpers.HeldSignals {
				r.SendSignal(ctx, sig)
			}
			Expect(r.SuccessorPendingSignals(ctx)).To(BeEmpty())
		})
	})
})
