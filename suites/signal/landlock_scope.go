package signal

import (
	"fmt"
	"strconv"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

// A Landlock domain that scopes signals (LANDLOCK_SCOPE_SIGNAL) lets its
// processes signal only inside the domain (itself, and what it started after
// the restriction); pidfd_send_signal goes through the same LSM hook as
// kill(2), so a pidfd is no way around the scope.
var _ = area.Describe("pidfd_send_signal(2) from a Landlock domain that scopes signals", helpers.SyscallPidfdSendSignal, helpers.NeedsLandlock, func() {
	var sandboxed *helpers.Child

	BeforeEach(func(ctx SpecContext) {
		helpers.RequireFeature(kernel.PidfdSendSignal, kernel.LandlockScopeSignal)
		AddReportEntry("active LSMs", kernel.ActiveLSMs())
		sandboxed = helpers.StartChild(ctx, signalroles.ScopedSender, nil)
	})

	// Behavior: a process confined by a LANDLOCK_SCOPE_SIGNAL domain fails with EPERM to signal (signal 0 or
	//           SIGKILL) a process outside its domain through a pidfd it was handed, and the process lives on.
	// Mirrors:  none (security/landlock/task.c hook_task_kill: a
	//           target outside the sender's domain is scoped → -EPERM)
	// Since:    v6.12
	It("fails with EPERM for a process outside the domain", helpers.ID("fails_with_eperm_for_a_process_outside_the_domain"), helpers.ManLandlock, func(ctx SpecContext) {
		outside := helpers.StartBlocked()
		for _, sig := range []unix.Signal{0, unix.SIGKILL} {
			_, err := sandboxed.Call(ctx, fmt.Sprintf("send %d 0", sig), outside.Pidfd)
			Expect(err).To(helpers.BeErrno(unix.EPERM), "signal %d", sig)
		}
		outside.ExpectUnkilled(ctx)
	})

	// Behavior: the same confined process kills, through a pidfd, a child it started after the
	//           restriction (inside its domain): the scope stops only signals leaving the domain.
	// Mirrors:  none (security/landlock/task.c hook_task_kill: same domain → allowed)
	// Since:    v6.12
	It("succeeds for a process inside the domain", helpers.ID("succeeds_for_a_process_inside_the_domain"), helpers.ManLandlock, func(ctx SpecContext) {
		r, err := sandboxed.Call(ctx, "kill-own-child")
		Expect(err).NotTo(HaveOccurred())
		status, _ := strconv.Atoi(r.Text)
		ws := syscall.WaitStatus(status)
		Expect(ws.Signaled() && ws.Signal() == syscall.SIGKILL).To(BeTrue(), "wait status %#x", status)
	})

	// Behavior: the confined process signals itself through a pidfd of
	//           its own: a process is always inside its own domain.
	// Mirrors:  none (security/landlock/task.c hook_task_kill: same thread group → allowed)
	// Since:    v6.12
	It("succeeds for the process itself", helpers.ID("succeeds_for_the_process_itself"), helpers.ManLandlock, func(ctx SpecContext) {
		_, err := sandboxed.Call(ctx, "send 0 0", sandboxed.Pidfd)
		Expect(err).NotTo(HaveOccurred())
	})
})
