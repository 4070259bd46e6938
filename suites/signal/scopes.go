package signal

import (
	"os"
	"os/exec"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// withPgid starts a helper in process group pgid (0: a new group it leads).
func withPgid(pgid int) helpers.ChildOption {
	return func(c *exec.Cmd) {
		c.SysProcAttr.Setpgid = true
		c.SysProcAttr.Pgid = pgid
	}
}

// threadPidfd is pidfd_open(tid, PIDFD_THREAD), closed at cleanup.
func threadPidfd(tid int) int {
	GinkgoHelper()
	fd, err := unix.PidfdOpen(tid, unix.PIDFD_THREAD)
	Expect(err).NotTo(HaveOccurred(), "pidfd_open(%d, PIDFD_THREAD)", tid)
	DeferCleanup(unix.Close, fd)
	return fd
}

// Where a signal went is read back from a RoleSigwait helper, in which the
// signal stays queued (blocked in every thread) until a thread takes it with
// rt_sigtimedwait(2). A thread can take a signal from its own queue and from
// the process's shared queue, never from another thread's queue. So: when
// only the addressed thread can take it, the kernel queued it for that
// thread (tgkill-like); when another thread can, for the process (kill-like).
// The siginfo adds the kernel's own word: si_code SI_TKILL for a thread,
// SI_USER for a process.
var _ = area.Describe("pidfd_send_signal(2) signal scopes", helpers.SyscallPidfdSendSignal, helpers.Requires(kernel.PidfdSendSignal), func() {
	var target *helpers.Child
	var leader, t1, t2 int

	BeforeEach(func(ctx SpecContext) {
		target = helpers.StartSigwait(ctx, []string{"2"})
		leader, t1, t2 = target.Pid, target.Tids[0], target.Tids[1]
	})

	// takenBy requires that thread `by` can take sig and each of `notBy`
	// cannot (asked first, without waiting: the send already queued it), and
	// returns the siginfo.
	takenBy := func(ctx SpecContext, sig unix.Signal, by int, notBy ...int) kernel.SigInfo {
		GinkgoHelper()
		for _, tid := range notBy {
			_, err := helpers.TakeSignal(ctx, target, tid, sig, 0)
			Expect(err).To(helpers.BeErrno(unix.EAGAIN), "thread %d must not be able to take signal %d", tid, sig)
		}
		info, err := helpers.TakeSignal(ctx, target, by, sig, 0)
		Expect(err).NotTo(HaveOccurred(), "thread %d must be able to take signal %d", by, sig)
		Expect(info.Signo).To(Equal(sig))
		Expect(info.Pid).To(BeEquivalentTo(os.Getpid()))
		return info
	}

	Context("through a thread-group pidfd without flags", func() {
		// Behavior: a pidfd without PIDFD_THREAD signals the whole process like
		//           kill(2): any thread can take the signal and si_code is SI_USER.
		// Mirrors:  man pidfd_send_signal(2) (scope inferred from the pidfd)
		// Since:    v5.1
		It("queues the signal for the process with si_code SI_USER", helpers.ID("queues_the_signal_for_the_process_with_si_code_si_user"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(target.Pidfd, sigRT1, nil, 0)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, t2).Code).To(BeEquivalentTo(kernel.SI_USER))
		})
	})

	Context("through a PIDFD_THREAD pidfd without flags", helpers.FlagPidfdThread, helpers.Requires(kernel.PidfdThread), func() {

		// Behavior: a PIDFD_THREAD pidfd of a non-leader thread signals only
		//           that thread, like tgkill(2), with si_code SI_TKILL.
		// Mirrors:  man pidfd_send_signal(2) (scope inferred from a PIDFD_THREAD pidfd)
		// Since:    v6.9
		It("queues the signal for that thread only with si_code SI_TKILL", helpers.ID("queues_the_signal_for_that_thread_only_with_si_code_si_tkill"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(threadPidfd(t1), sigRT1, nil, 0)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, t1, leader, t2).Code).To(BeEquivalentTo(kernel.SI_TKILL))
		})

		// Behavior: a PIDFD_THREAD pidfd of the thread-group leader
		//           signals only the leader thread, not the process.
		// Mirrors:  man pidfd_send_signal(2)
		// Since:    v6.9
		It("queues the signal for the leader thread only when it names the leader", helpers.ID("queues_signal_for_leader_thread_only_when_pidfd_names_leader"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(threadPidfd(leader), sigRT1, nil, 0)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, leader, t1, t2).Code).To(BeEquivalentTo(kernel.SI_TKILL))
		})
	})

	Context("with a scope flag that overrides the pidfd's", helpers.FlagSignalScope, helpers.Requires(kernel.SignalScopes, kernel.PidfdThread), func() {
		// Behavior: PIDFD_SIGNAL_THREAD on a thread-group pidfd signals
		//           only the thread the pidfd names (the leader).
		// Mirrors:  man pidfd_send_signal(2) (PIDFD_SIGNAL_THREAD)
		// Since:    v6.9
		It("signals only the leader thread with PIDFD_SIGNAL_THREAD on a thread-group pidfd", helpers.ID("thread_flag_signals_only_leader_on_thread_group_pidfd"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(target.Pidfd, sigRT1, nil, unix.PIDFD_SIGNAL_THREAD)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, leader, t1, t2).Code).To(BeEquivalentTo(kernel.SI_TKILL))
		})

		// Behavior: PIDFD_SIGNAL_THREAD_GROUP on a PIDFD_THREAD pidfd of the leader signals the whole process.
		// Mirrors:  man pidfd_send_signal(2) (PIDFD_SIGNAL_THREAD_GROUP)
		// Since:    v6.9
		It("signals the process with PIDFD_SIGNAL_THREAD_GROUP on the leader's PIDFD_THREAD pidfd", helpers.ID("thread_group_flag_signals_process_on_leader_thread_pidfd"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(threadPidfd(leader), sigRT1, nil, unix.PIDFD_SIGNAL_THREAD_GROUP)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, t1).Code).To(BeEquivalentTo(kernel.SI_USER))
		})

		// Behavior: PIDFD_SIGNAL_THREAD on the PIDFD_THREAD pidfd of a non-leader
		//           signals that thread (the flag agrees with the pidfd).
		// Mirrors:  man pidfd_send_signal(2)
		// Since:    v6.9
		It("signals only that thread with PIDFD_SIGNAL_THREAD on a non-leader's PIDFD_THREAD pidfd", helpers.ID("thread_flag_signals_only_non_leader_on_pidfd_thread_pidfd"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(threadPidfd(t2), sigRT1, nil, unix.PIDFD_SIGNAL_THREAD)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, t2, leader, t1).Code).To(BeEquivalentTo(kernel.SI_TKILL))
		})

		// Behavior: PIDFD_SIGNAL_THREAD_GROUP on the PIDFD_THREAD pidfd of a
		//           non-leader signals the thread group that thread belongs to.
		// Mirrors:  man pidfd_send_signal(2) (PIDFD_SIGNAL_THREAD_GROUP: "the thread-group of the target")
		// Since:    v6.9
		It("signals the process with PIDFD_SIGNAL_THREAD_GROUP on a non-leader's PIDFD_THREAD pidfd", helpers.ID("thread_group_flag_signals_process_on_non_leader_thread_pidfd"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(threadPidfd(t1), sigRT1, nil, unix.PIDFD_SIGNAL_THREAD_GROUP)).To(Succeed())
			Expect(takenBy(ctx, sigRT1, t2).Code).To(BeEquivalentTo(kernel.SI_USER))
		})

		// Behavior: PIDFD_SIGNAL_PROCESS_GROUP is refused with ESRCH and queues nothing when the pidfd's pid
		//           is no process-group id: a non-leader thread's pid, or a process that leads no group.
		// Mirrors:  none (kernel/signal.c __kill_pgrp_info: no task in that group → ESRCH)
		// Since:    v6.9
		DescribeTable("refuses PIDFD_SIGNAL_PROCESS_GROUP with ESRCH when the pid is no process group",
			func(ctx SpecContext, pidfd func() int, flags int) {
				Expect(unix.PidfdSendSignal(pidfd(), sigRT1, nil, flags)).To(helpers.BeErrno(unix.ESRCH))
				for _, tid := range []int{leader, t1, t2} {
					_, err := helpers.TakeSignal(ctx, target, tid, sigRT1, 0)
					Expect(err).To(helpers.BeErrno(unix.EAGAIN), "signal queued for thread %d after all", tid)
				}
			},
			Entry("PIDFD_SIGNAL_PROCESS_GROUP on a non-leader thread", helpers.ID("process_group_flag_fails_with_esrch_on_non_leader_thread"), helpers.ManPidfdSendSignal,
				func() int { return threadPidfd(t1) }, unix.PIDFD_SIGNAL_PROCESS_GROUP),
			Entry("PIDFD_SIGNAL_PROCESS_GROUP on a process that leads no group", helpers.ID("process_group_flag_esrch_on_process_that_leads_no_group"), helpers.ManPidfdSendSignal,
				func() int { return target.Pidfd }, unix.PIDFD_SIGNAL_PROCESS_GROUP),
		)
	})
})
