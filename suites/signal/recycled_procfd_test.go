package signal_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// procReusedPid is the number the reaped and the new process share inside
// the namespace (above RESERVED_PIDS, as in the selftest).
const procReusedPid = 1000

// pidfd_send_signal(2) also takes a /proc/<pid> directory fd, which names a
// struct pid just as a pidfd does: the fd keeps naming the process it was
// opened for, never whichever process holds that number later.
var _ = Describe("pidfd_send_signal(2) through a /proc/<pid> directory fd after pid reuse", helpers.SyscallPidfdSendSignal, helpers.NeedsPidNS, func() {
	var ns *helpers.PidNS
	var procDir int // the namespace's /proc/1000, opened while the first process had the number

	BeforeEach(func(ctx SpecContext) {
		helpers.RequireFeature(kernel.PidfdSendSignal, kernel.Procfs)
		// Born with HeldSignals blocked, pid 1 spawns RoleSigwait helpers
		// that need no re-exec.
		helpers.WithHeldSignalsBlocked(func() { ns = helpers.NewPidNS(ctx) })
		old := ns.Spawn(ctx, procReusedPid, helpers.RoleProcess)
		// The namespace's own procfs, reached through its pid 1's root:
		// the same path the selftest opens from inside.
		procDir = helpers.OpenFile(fmt.Sprintf("/proc/%d/root/proc/%d", ns.Init().Pid, procReusedPid), unix.O_DIRECTORY|unix.O_RDONLY)
		old.Kill()
		Expect(old.Reap(ctx).Signal()).To(Equal(unix.SIGKILL))
	})

	successor := func(ctx SpecContext, role string) *helpers.Child {
		GinkgoHelper()
		c := ns.Spawn(ctx, procReusedPid, role)
		Expect(c.NsPid).To(Equal(procReusedPid))
		return c
	}

	// Behavior: pidfd_send_signal(2) through a /proc/<pid> directory fd of a reaped process fails with ESRCH (SIGUSR2, SIGCONT, signal 0) while another process holds its pid number.
	// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid" (a /proc/1000 directory fd, SIGCONT); LTP pidfd_send_signal03
	// Since:    v5.1
	It("fails with ESRCH", helpers.SelftestPidfdTest, helpers.LTPPidfdSendSignal, func(ctx SpecContext) {
		successor(ctx, helpers.RoleProcess)
		for _, sig := range []unix.Signal{unix.SIGUSR2, unix.SIGCONT, 0} {
			Expect(unix.PidfdSendSignal(procDir, sig, nil, 0)).To(helpers.BeErrno(unix.ESRCH), "signal %d", sig)
		}
	})

	// Behavior: nothing sent through the stale /proc/<pid> directory fd reaches the process that now has the pid number.
	// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid"; LTP pidfd_send_signal03
	// Since:    v5.1
	It("leaves the process that took over the number unsignalled", helpers.SelftestPidfdTest, helpers.LTPPidfdSendSignal, func(ctx SpecContext) {
		c := successor(ctx, helpers.RoleSigwait)
		for _, sig := range helpers.HeldSignals {
			unix.PidfdSendSignal(procDir, sig, nil, 0)
		}
		Expect(helpers.PendingSignals(ctx, c, c.NsPid)).To(BeEmpty())
	})
})
