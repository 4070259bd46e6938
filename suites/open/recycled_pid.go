package open

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// recycledPid is the first number tried for the old and the new process to
// share; above RESERVED_PIDS (300), as in the selftest.
const recycledPid = 1000

// suites/signal checks the same property for every signal kind and scope
// ("pidfd_send_signal(2) after pid reuse"); here it is the pidfd_test.c case.
var _ = area.Describe("a pidfd to a reaped process whose pid number was reused", helpers.NeedsPidNS, func() {
	var ns *helpers.PidNS
	var old, reused *helpers.Child

	BeforeEach(func(ctx SpecContext) {
		// pid 1 passes the blocked HeldSignals on, so the RoleSigwait
		// successor keeps every signal sent to it queued and countable.
		helpers.WithHeldSignalsBlocked(func() { ns = helpers.NewPidNS(ctx) })
		old, _, reused = helpers.ReusePidNumber(ctx, ns, recycledPid, helpers.RoleSigwait, nil)
	})

	// Behavior: pidfd_send_signal(2) through the pidfd of a reaped process fails
	//           with ESRCH although its pid number now names another process.
	// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid" (SIGCONT; it
	//           requires ESRCH, any other result fails: pidfd_test.c:335-340 in v7.3)
	// Since:    v5.1
	It("fails pidfd_send_signal with ESRCH", helpers.ID("fails_pidfd_send_signal_with_esrch"), helpers.SyscallPidfdSendSignal, helpers.SelftestPidfdTest, func() {
		// v7.3 kernel/signal.c:4127 → kill_pid_info_type :1495-1505: the
		// stale struct pid has no task (pid_task() is NULL) → -ESRCH.
		Expect(unix.PidfdSendSignal(old.Pidfd, unix.SIGUSR2, nil, 0)).To(helpers.BeErrno(unix.ESRCH))
	})

	// Behavior: a signal sent through the stale pidfd never reaches the process that reuses the pid number.
	// Mirrors:  pidfd_test.c "pidfd_send_signal signal recycled pid"
	// Since:    v5.1
	It("does not deliver the signal to the process that reuses the number", helpers.ID("does_not_deliver_signal_to_process_that_reuses_number"), helpers.SyscallPidfdSendSignal, helpers.SelftestPidfdTest, func(ctx SpecContext) {
		unix.PidfdSendSignal(old.Pidfd, unix.SIGUSR2, nil, 0)
		Expect(helpers.PendingSignals(ctx, reused, reused.NsPid)).To(BeEmpty())
	})

	// Behavior: fdinfo of the stale pidfd shows Pid -1 although the number is in use again.
	// Mirrors:  pidfd_fdinfo_test.c "pidfd check fdinfo for dead process" (without reuse there)
	// Since:    v5.5
	It("shows Pid -1 in fdinfo", helpers.ID("shows_pid_minus_1_in_fdinfo"), helpers.FsFdinfo, helpers.SelftestPidfdFdinfo, helpers.Requires(kernel.FdinfoReaped), func() {
		info, err := kernel.Fdinfo(old.Pidfd)
		Expect(err).NotTo(HaveOccurred())
		Expect(info).To(HaveKeyWithValue("Pid", "-1"))
	})

	// Behavior: pidfd_open(2) of the reused number returns a pidfd to the new process, not to the old one.
	// Mirrors:  none
	// Since:    v5.3
	It("opens the new process when pidfd_open is given the number", helpers.ID("opens_the_new_process_when_pidfd_open_is_given_the_number"), helpers.SyscallPidfdOpen, helpers.ManPidfdOpen, helpers.Requires(kernel.PidfdOpen), func(ctx SpecContext) {
		fd, err := ns.OpenPidfd(ctx, reused.NsPid, 0)
		Expect(err).NotTo(HaveOccurred())
		info, err := kernel.Fdinfo(fd)
		Expect(err).NotTo(HaveOccurred())
		Expect(info).To(HaveKeyWithValue("Pid", strconv.Itoa(reused.Pid)))
	})

	// Behavior: on pidfs the pidfd for the reused number is a different inode from the stale pidfd's.
	// Mirrors:  none
	// Since:    v6.9
	It("gives the new process's pidfd a different pidfs inode", helpers.ID("gives_the_new_process_pidfd_a_different_pidfs_inode"), helpers.SyscallPidfdOpen, helpers.FsPidfs, helpers.ManPidfs, helpers.Requires(kernel.Pidfs), func(ctx SpecContext) {
		fd, err := ns.OpenPidfd(ctx, reused.NsPid, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(helpers.Inode(fd)).NotTo(Equal(helpers.Inode(old.Pidfd)))
		Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(reused.Pidfd)))
	})
})

// The same stale pidfd, asked by a caller that sees the number in use again
// in its own namespace: a kernel that looked the pidfd up through the
// caller's view of its pid number would answer about the successor here,
// while the specs above (asked from the parent, where the number is free)
// would still pass.
var _ = area.Describe("a pidfd to a reaped process whose pid number was reused", helpers.Requires(kernel.PidfdOpen, kernel.Procfs), func() {
	helpers.EachReuseShape(func(stage helpers.StageReuse) {
		// Behavior: fdinfo of the stale pidfd, read by a caller in whose namespace
		//           the number names a live process again, shows -1 in Pid and NSpid.
		// Mirrors:  pidfd_fdinfo_test.c "pidfd check fdinfo for dead process" (without reuse there)
		// Since:    v5.5
		It("shows -1 in Pid and NSpid", helpers.ID("shows_minus_1_in_pid_and_nspid"), helpers.FsFdinfo, helpers.SelftestPidfdFdinfo, helpers.Requires(kernel.FdinfoReaped), func(ctx SpecContext) {
			r := stage(ctx, helpers.RoleNone)
			Expect(r.Fdinfo(ctx)).To(haveFdinfoPid("-1", "-1"))
		})

		// Behavior: poll(2) on the stale pidfd, by a caller in whose namespace the number
		//           names a live process again, reports the reaped process (POLLIN|POLLHUP;
		//           POLLIN before v6.9), not the running successor (nothing).
		// Mirrors:  man pidfd_open(2) (readable once the process has
		//           terminated; no peer reuses the number first)
		// Since:    v5.3 (POLLHUP since v6.9)
		It("reports the reaped process's poll events", helpers.ID("reports_the_reaped_process_poll_events"), helpers.SyscallPoll, helpers.ManPidfdOpen, func(ctx SpecContext) {
			r := stage(ctx, helpers.RoleNone)
			Expect(r.Poll(ctx)).To(helpers.ReapedPollEvents())
		})
	})
})
