package signal

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

// A pidfd crosses pid namespaces freely (SCM_RIGHTS), but signalling through
// it does not: the target must live in the sender's pid namespace or in one
// below it, so that a process in a container cannot signal the host through
// a pidfd it was handed.
var _ = area.Describe("pidfd_send_signal(2) across pid namespaces", helpers.SyscallPidfdSendSignal, helpers.NeedsPidNS, helpers.Requires(kernel.PidfdSendSignal), func() {
	var ns *helpers.PidNS
	var sender *helpers.Child // inside ns

	BeforeEach(func(ctx SpecContext) {
		ns = helpers.NewPidNS(ctx)
		sender = ns.Spawn(ctx, 0, signalroles.Sender)
	})

	Context("when the target is outside the caller's pid namespace", func() {
		var target *helpers.Blocked
		BeforeEach(func() { target = helpers.StartBlocked() })

		// Behavior: a caller in a child pid namespace that was handed (SCM_RIGHTS) a pidfd of a
		//           process in the parent namespace fails with EINVAL, for signal 0 and SIGKILL alike.
		// Mirrors:  none (kernel/signal.c pidfd_send_signal: !access_pidfd_pidns(pid) → -EINVAL)
		// Since:    v5.1
		It("fails with EINVAL", helpers.ID("target_outside_caller_pidns_fails_with_einval"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			for _, sig := range []unix.Signal{0, unix.SIGKILL} {
				_, err := sender.Call(ctx, fmt.Sprintf("send %d 0", sig), target.Pidfd)
				Expect(err).To(helpers.BeErrno(unix.EINVAL), "signal %d", sig)
			}
		})

		// Behavior: the refused SIGKILL never reaches the process outside the namespace: a SIGSTOP sent
		//           after it still stops the process (a SIGKILL queued first would have dropped it).
		// Mirrors:  none (kernel/signal.c pidfd_send_signal returns before any signal is queued)
		// Since:    v5.1
		It("leaves the process unsignalled", helpers.ID("leaves_target_outside_caller_pidns_unsignalled"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			sender.Call(ctx, fmt.Sprintf("send %d 0", unix.SIGKILL), target.Pidfd)
			target.ExpectUnkilled(ctx)
		})
	})

	// Behavior: the same caller signals a process of its own pid namespace
	//           through a pidfd it was handed (the control for the EINVAL above).
	// Mirrors:  none
	// Since:    v5.1
	It("succeeds for a process in the caller's own pid namespace", helpers.ID("succeeds_for_a_process_in_the_caller_own_pid_namespace"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
		neighbour := ns.Spawn(ctx, 0, helpers.RoleProcess)
		_, err := sender.Call(ctx, "send 0 0", neighbour.Pidfd)
		Expect(err).NotTo(HaveOccurred())
	})

	// Behavior: a caller signals a process in a descendant pid namespace: the
	//           namespace check walks up from the target to the caller's namespace.
	// Mirrors:  none (kernel/signal.c access_pidfd_pidns)
	// Since:    v5.1
	It("succeeds for a process in a descendant pid namespace", helpers.ID("succeeds_for_a_process_in_a_descendant_pid_namespace"), helpers.ManPidfdSendSignal, func() {
		Expect(unix.PidfdSendSignal(sender.Pidfd, 0, nil, 0)).To(Succeed())
	})
})
