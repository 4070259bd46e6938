package signal

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// pidfd_send_signal(2) also takes a /proc/<pid> directory fd, which names a
// struct pid just as a pidfd does: the fd keeps naming the process it was
// opened for, never whichever process holds that number later.
var _ = area.Describe("pidfd_send_signal(2) through a /proc/<pid> directory fd after pid reuse", helpers.SyscallPidfdSendSignal, helpers.NeedsPidNS, helpers.Requires(kernel.PidfdSendSignal, kernel.Procfs), func() {
	var ns *helpers.PidNS

	BeforeEach(func(ctx SpecContext) {
		// Born with HeldSignals blocked, pid 1 spawns RoleSigwait helpers
		// that need no re-exec.
		helpers.WithHeldSignalsBlocked(func() { ns = helpers.NewPidNS(ctx) })
	})

	// reuse returns the namespace's /proc/<n> directory fd, opened while
	// the first process had number n, and the process in role that took n
	// after the first was killed and reaped.
	reuse := func(ctx SpecContext, role string) (procDir int, successor *helpers.Child) {
		GinkgoHelper()
		old, status, successor := helpers.ReusePidNumber(ctx, ns, reusedPid, role, func(n int) {
			// The namespace's own procfs, reached through its pid 1's
			// root: the same path the selftest opens from inside.
			procDir = helpers.OpenFile(fmt.Sprintf("/proc/%d/root/proc/%d", ns.Init().Pid, n), unix.O_DIRECTORY|unix.O_RDONLY)
		})
		Expect(status.Signal()).To(Equal(unix.SIGKILL))
		Expect(successor.NsPid).To(Equal(old.NsPid))
		return procDir, successor
	}

	// Behavior: pidfd_send_signal(2) through a /proc/<pid> directory fd of a reaped process fails
	//           with ESRCH (SIGUSR2, SIGCONT, signal 0) while another process holds its pid number.
	// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid" (a
	//           /proc/1000 directory fd, SIGCONT); LTP pidfd_send_signal03
	// Since:    v5.1
	It("fails with ESRCH", helpers.ID("proc_pid_fd_after_reuse_fails_with_esrch"), helpers.SelftestPidfdTest, helpers.LTPPidfdSendSignal, func(ctx SpecContext) {
		procDir, _ := reuse(ctx, helpers.RoleNone)
		for _, sig := range []unix.Signal{unix.SIGUSR2, unix.SIGCONT, 0} {
			Expect(unix.PidfdSendSignal(procDir, sig, nil, 0)).To(helpers.BeErrno(unix.ESRCH), "signal %d", sig)
		}
	})

	// Behavior: nothing sent through the stale /proc/<pid> directory
	//           fd reaches the process that now has the pid number.
	// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid"; LTP pidfd_send_signal03
	// Since:    v5.1
	It("leaves the process that took over the number unsignalled", helpers.ID("proc_pid_fd_after_reuse_leaves_process_that_took_over"), helpers.SelftestPidfdTest, helpers.LTPPidfdSendSignal, func(ctx SpecContext) {
		procDir, c := reuse(ctx, helpers.RoleSigwait)
		for _, sig := range helpers.HeldSignals {
			unix.PidfdSendSignal(procDir, sig, nil, 0)
		}
		Expect(helpers.PendingSignals(ctx, c, c.NsPid)).To(BeEmpty())
	})
})
