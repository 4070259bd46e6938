package signal

import (
	"fmt"
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

// pidfd_send_signal(2), state by state and field by field. What arrives is
// read back by a helper that holds the signal blocked and takes it with
// rt_sigtimedwait(2) (RoleSigwait), or, for a thread signalling itself,
// from its own pending masks and signal disposition.
//
//	state of the target             outcome                          spec
//	live process                    delivered, siginfo of kill(2)    delivers_the_signal_with_si_code_si_user_*
//	a thread signalling itself      handled before the call returns  self_signal_through_*_handled_before_return
//	exiting                         –                                not tried: a window no spec can hold open
//	zombie                          0, nothing changes               exited_not_reaped_succeeds_and_leaves_zombie
//	reaped, the pidfd held          ESRCH                            fails_with_esrch_through_its_pidfd, fails_with_esrch_through_its_proc_pid_directory_fd
//	reaped and forgotten            –                                nothing to send through
//	pid number reused               ESRCH, the successor untouched   recycled_pid_test.go:*, recycled_procfd_test.go:*
//	outside the caller's pid ns     EINVAL, untouched                pidns_boundary_test.go:fails_with_einval, leaves_the_process_unsignalled
//	in a descendant pid namespace   delivered                        pidns_boundary_test.go:succeeds_for_a_process_in_a_descendant_pid_namespace
//	non-leader thread               that thread only (SI_TKILL)      scopes_test.go:queues_the_signal_for_that_thread_only_with_si_code_si_tkill
//	after exec                      –                                not tried (gap): a signal through the leader's pidfd to the image
//	                                                                 a non-leader's exec left
//	another user's process          EPERM                            fails_with_eperm
//	a Landlock scope                EPERM outside, delivered inside  landlock_scope_test.go:*
//
//	field of what arrives           compared with                    spec
//	si_signo, si_code SI_USER,      the signal sent, the sender's    delivers_the_signal_with_si_code_si_user_*
//	  si_pid, si_uid                getpid(2) and getuid(2)
//	an SI_QUEUE siginfo and its     the siginfo sent, field by field delivers_an_si_queue_siginfo_and_its_value_intact
//	  value
//	which thread may take it        the thread set the scope names   scopes_test.go:*
//	each scope flag both ways       without: the pidfd's own scope   scopes_test.go:* (every override and none)
//	every undefined flag bit        EINVAL                           rejects_undefined_flag_bit_*

// sigRT1 is signal 35, glibc's SIGRTMIN+1: a real-time signal both helper
// roles handle (RoleProcess records it, RoleSigwait holds it).
const sigRT1 = unix.Signal(35)

// scopeFlags are the PIDFD_SIGNAL_* scope flags (v6.9).
const scopeFlags = unix.PIDFD_SIGNAL_THREAD | unix.PIDFD_SIGNAL_THREAD_GROUP | unix.PIDFD_SIGNAL_PROCESS_GROUP

// ltpBadFlags is the invalid flag value of LTP pidfd_send_signal02.
const ltpBadFlags = 99999

// procDir opens /proc/<pid> as a directory, the pre-pidfd "pidfd".
func procDir(pid int) int {
	GinkgoHelper()
	helpers.RequireFeature(kernel.Procfs)
	return helpers.OpenFile(fmt.Sprintf("/proc/%d", pid), unix.O_DIRECTORY|unix.O_RDONLY)
}

var _ = area.Describe("pidfd_send_signal(2)", helpers.SyscallPidfdSendSignal, helpers.Requires(kernel.PidfdSendSignal), func() {
	Context("with invalid flags", func() {
		DescribeTable("fails with EINVAL for an undefined flag bit",
			func(flags int) {
				Expect(unix.PidfdSendSignal(helpers.SelfPidfd(), 0, nil, flags)).To(helpers.BeErrno(unix.EINVAL))
			},
			helpers.UndefinedFlagEntries(scopeFlags, func(name string, flag int) TableEntry {
				// Behavior: pidfd_send_signal(2) fails with EINVAL for each
				//           flag bit outside the PIDFD_SIGNAL_* scopes.
				// Mirrors:  man pidfd_send_signal(2) (no selftest checks flags)
				// Since:    v5.1
				return Entry(name, helpers.FlagBitID("rejects_undefined_signal_flag", flag), helpers.ManPidfdSendSignal, flag)
			}),
		)

		// Behavior: pidfd_send_signal(2) fails with EINVAL when more than one PIDFD_SIGNAL_*
		//           scope flag is set (before v6.9 every non-zero flags value is EINVAL).
		// Mirrors:  LTP pidfd_send_signal02 (flags 99999); man pidfd_send_signal(2)
		// Since:    v5.1
		DescribeTable("fails with EINVAL for more than one scope flag",
			func(flags int) {
				Expect(unix.PidfdSendSignal(helpers.SelfPidfd(), 0, nil, flags)).To(helpers.BeErrno(unix.EINVAL))
			},
			Entry("THREAD|THREAD_GROUP", helpers.ID("fails_with_einval_for_more_than_one_thread_thread_group"), helpers.FlagSignalScope, helpers.ManPidfdSendSignal, unix.PIDFD_SIGNAL_THREAD|unix.PIDFD_SIGNAL_THREAD_GROUP),
			Entry("THREAD|PROCESS_GROUP", helpers.ID("fails_with_einval_for_more_than_one_thread_process_group"), helpers.FlagSignalScope, helpers.ManPidfdSendSignal, unix.PIDFD_SIGNAL_THREAD|unix.PIDFD_SIGNAL_PROCESS_GROUP),
			Entry("THREAD_GROUP|PROCESS_GROUP", helpers.ID("fails_with_einval_for_more_thread_group_process_group"), helpers.FlagSignalScope, helpers.ManPidfdSendSignal, unix.PIDFD_SIGNAL_THREAD_GROUP|unix.PIDFD_SIGNAL_PROCESS_GROUP),
			Entry("all three scopes", helpers.ID("fails_with_einval_for_more_than_one_scope_all_three_scopes"), helpers.FlagSignalScope, helpers.ManPidfdSendSignal, scopeFlags),
			Entry("LTP's 99999", helpers.ID("fails_with_einval_for_more_than_one_scope_flag_ltp_99999"), helpers.LTPPidfdSendSignal, ltpBadFlags),
		)
	})

	// Behavior: pidfd_send_signal(2) fails with EBADF for an fd that
	//           is neither a pidfd nor a /proc/<pid> directory.
	// Mirrors:  LTP pidfd_send_signal02 (regular file); man pidfd_send_signal(2)
	// Since:    v5.1
	DescribeTable("fails with EBADF for an fd that is not a pidfd",
		func(open func() int) {
			Expect(unix.PidfdSendSignal(open(), 0, nil, 0)).To(helpers.BeErrno(unix.EBADF))
		},
		Entry("a regular file", helpers.ID("fails_with_ebadf_for_fd_that_is_not_pidfd_a_regular_file"), helpers.LTPPidfdSendSignal, func() int {
			exe, err := kernel.SelfExecutable()
			Expect(err).NotTo(HaveOccurred())
			return helpers.OpenFile(exe, unix.O_RDONLY)
		}),
		Entry("/dev/null", helpers.ID("fails_with_ebadf_for_an_fd_that_is_not_a_pidfd_dev_null"), helpers.ManPidfdSendSignal, func() int { return helpers.OpenFile("/dev/null", unix.O_RDWR) }),
		Entry("fd -1", helpers.ID("fails_with_ebadf_for_an_fd_that_is_not_a_pidfd_fd_minus_1"), helpers.ManPidfdSendSignal, func() int { return -1 }),
		Entry("the root directory", helpers.ID("fails_with_ebadf_for_fd_that_is_not_pidfd_the_root_directory"), helpers.ManPidfdSendSignal, func() int { return helpers.OpenFile("/", unix.O_DIRECTORY|unix.O_RDONLY) }),
		Entry("a /proc/<pid>/task/<tid> directory", helpers.ID("fails_with_ebadf_for_fd_a_proc_pid_task_tid_directory"), helpers.ManPidfdSendSignal, func() int {
			helpers.RequireFeature(kernel.Procfs)
			return helpers.OpenFile(fmt.Sprintf("/proc/%d/task/%d", os.Getpid(), os.Getpid()), unix.O_DIRECTORY|unix.O_RDONLY)
		}),
	)

	Context("with a siginfo", func() {
		var target *helpers.Blocked
		BeforeEach(func() { target = helpers.StartBlocked() })

		// Behavior: pidfd_send_signal(2) fails with EINVAL when sig differs from info.si_signo.
		// Mirrors:  LTP pidfd_send_signal02 (SIGUSR2 against an SI_QUEUE
		//           siginfo for SIGUSR1); man pidfd_send_signal(2)
		// Since:    v5.1
		It("fails with EINVAL when sig differs from si_signo", helpers.ID("fails_with_einval_when_sig_differs_from_si_signo"), helpers.LTPPidfdSendSignal, func() {
			info := kernel.SigInfo{Signo: sigRT1, Code: kernel.SI_QUEUE, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid())}
			Expect(unix.PidfdSendSignal(target.Pidfd, unix.SIGUSR2, info.Raw(), 0)).To(helpers.BeErrno(unix.EINVAL))
		})

		// Behavior: pidfd_send_signal(2) refuses with EPERM a siginfo whose si_code is SI_USER or above,
		//           or SI_TKILL, for a process other than the caller (the rt_sigqueueinfo(2) rule).
		// Mirrors:  man pidfd_send_signal(2) ("same restrictions as rt_sigqueueinfo(2)"; no selftest checks it)
		// Since:    v5.1
		DescribeTable("fails with EPERM for a kernel-reserved si_code sent to another process",
			func(code int32) {
				info := kernel.SigInfo{Signo: sigRT1, Code: code, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid())}
				Expect(unix.PidfdSendSignal(target.Pidfd, sigRT1, info.Raw(), 0)).To(helpers.BeErrno(unix.EPERM))
			},
			Entry("SI_USER (0)", helpers.ID("fails_with_eperm_for_kernel_reserved_si_code_sent_si_user"), helpers.ManPidfdSendSignal, int32(kernel.SI_USER)),
			Entry("SI_KERNEL (0x80)", helpers.ID("fails_with_eperm_for_kernel_reserved_si_code_si_kernel_0x80"), helpers.ManPidfdSendSignal, int32(0x80)),
			Entry("SI_TKILL (-6)", helpers.ID("fails_with_eperm_for_kernel_reserved_si_si_tkill_minus_6"), helpers.ManPidfdSendSignal, int32(kernel.SI_TKILL)),
		)
	})

	Context("with a siginfo to a process that takes it", func() {
		var target *helpers.Child
		BeforeEach(func(ctx SpecContext) { target = helpers.StartSigwait(ctx, nil) })

		// Behavior: a signal sent with an SI_QUEUE siginfo arrives with
		//           its signo, code, pid, uid and sival_int unchanged.
		// Mirrors:  LTP pidfd_send_signal01 (to itself through /proc/self; here to a helper through its pidfd)
		// Since:    v5.1
		It("delivers an SI_QUEUE siginfo and its value intact", helpers.ID("delivers_an_si_queue_siginfo_and_the_value_intact"), helpers.LTPPidfdSendSignal, func(ctx SpecContext) {
			sent := kernel.SigInfo{Signo: sigRT1, Code: kernel.SI_QUEUE, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid()), Value: 777}
			Expect(unix.PidfdSendSignal(target.Pidfd, sigRT1, sent.Raw(), 0)).To(Succeed())
			got, err := helpers.TakeSignal(ctx, target, target.Pid, sigRT1, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal(sent))
		})

		// Behavior: a process may send itself a siginfo with any si_code, SI_USER included.
		// Mirrors:  man pidfd_send_signal(2); man rt_sigqueueinfo(2); LTP pidfd_send_signal01 (sends to itself)
		// Since:    v5.1
		It("lets a process send itself a siginfo with si_code SI_USER", helpers.ID("lets_a_process_send_itself_a_siginfo_with_si_code_si_user"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			target.MustCall(ctx, fmt.Sprintf("send-self %d %d 0", sigRT1, kernel.SI_USER))
			got, err := helpers.TakeSignal(ctx, target, target.Pid, sigRT1, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			Expect(got.Code).To(BeEquivalentTo(kernel.SI_USER))
		})

		// Behavior: with PIDFD_SIGNAL_PROCESS_GROUP a siginfo with si_code SI_USER
		//           is refused with EPERM even when the caller signals itself.
		// Mirrors:  none (kernel/signal.c: "type > PIDTYPE_TGID" check)
		// Since:    v6.9
		It("refuses a self-sent SI_USER siginfo with EPERM under PIDFD_SIGNAL_PROCESS_GROUP", helpers.ID("refuses_self_sent_si_user_siginfo_with_eperm_under_pidfd"), helpers.FlagSignalScope, helpers.ManPidfdSendSignal, helpers.Requires(kernel.SignalScopes), func(ctx SpecContext) {
			_, err := target.Call(ctx, fmt.Sprintf("send-self %d %d %d", sigRT1, kernel.SI_USER, unix.PIDFD_SIGNAL_PROCESS_GROUP))
			Expect(err).To(helpers.BeErrno(unix.EPERM))
		})
	})

	Context("from an unprivileged process to a process of another user", func() {
		// Behavior: pidfd_send_signal(2) fails with EPERM when the
		//           caller may not signal the target (uid 65534 → root).
		// Mirrors:  LTP pidfd_send_signal02 (nobody → init)
		// Since:    v5.1
		It("fails with EPERM", helpers.ID("fails_with_eperm_from_unprivileged_process_to_another_user"), helpers.LTPPidfdSendSignal, func(ctx SpecContext) {
			target := helpers.TargetOfAnotherUser()
			if os.Geteuid() != 0 {
				// The unprivileged test is the sender and pid 1 the target:
				// signal 0 makes the same permission check
				// (kernel/signal.c check_kill_permission) and would deliver
				// nothing to pid 1 should the check be broken.
				Expect(unix.PidfdSendSignal(target, 0, nil, 0)).To(helpers.BeErrno(unix.EPERM))
				return
			}
			nobody := helpers.StartChild(ctx, signalroles.Sender, []string{"65534", "65534"})
			_, err := nobody.Call(ctx, fmt.Sprintf("send %d 0", unix.SIGUSR2), target)
			Expect(err).To(helpers.BeErrno(unix.EPERM))
		})
	})

	Context("to a live process", func() {
		// Behavior: signal 0 succeeds for a live process.
		// Mirrors:  pidfd_test.c "pidfd_send_signal check for support" (signal 0 through a /proc/self fd)
		// Since:    v5.1
		It("succeeds with signal 0", helpers.ID("succeeds_with_signal_0"), helpers.SelftestPidfdTest, func() {
			Expect(unix.PidfdSendSignal(helpers.StartBlocked().Pidfd, 0, nil, 0)).To(Succeed())
		})
	})

	Context("to a live process that takes its signals", func() {
		var target *helpers.Child
		BeforeEach(func(ctx SpecContext) { target = helpers.StartSigwait(ctx, nil) })

		// Behavior: signal 0 only probes: nothing is queued for the process.
		// Mirrors:  man pidfd_send_signal(2); man kill(2)
		// Since:    v5.1
		It("queues nothing for signal 0", helpers.ID("queues_nothing_for_signal_0"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(target.Pidfd, 0, nil, 0)).To(Succeed())
			Expect(helpers.PendingSignals(ctx, target, target.Pid)).To(BeEmpty())
		})

		// Behavior: a standard and a real-time signal sent through the pidfd reach the
		//           process with the siginfo of kill(2): SI_USER, the sender's pid and uid.
		// Mirrors:  pidfd_test.c "pidfd_send_signal send SIGUSR1" (to
		//           itself there); man pidfd_send_signal(2) (info NULL)
		// Since:    v5.1
		DescribeTable("delivers the signal with si_code SI_USER",
			func(ctx SpecContext, sig unix.Signal) {
				Expect(unix.PidfdSendSignal(target.Pidfd, sig, nil, 0)).To(Succeed())
				Expect(helpers.TakeSignal(ctx, target, target.Pid, sig, helpers.EventTimeout())).To(Equal(
					kernel.SigInfo{Signo: sig, Code: kernel.SI_USER, Pid: int32(os.Getpid()), Uid: uint32(os.Getuid())}))
			},
			Entry("SIGUSR2", helpers.ID("delivers_the_signal_with_si_code_si_user_sigusr2"), helpers.SelftestPidfdTest, unix.SIGUSR2),
			Entry("SIGRTMIN+1", helpers.ID("delivers_the_signal_with_si_code_si_user_sigrtmin_1"), helpers.ManPidfdSendSignal, sigRT1),
		)

		// Behavior: an fd of the /proc/<pid> directory is accepted in place of a pidfd and the signal
		//           reaches the process (accepted on every version since v5.1, still in mainline).
		// Mirrors:  pidfd_test.c "pidfd_send_signal send SIGUSR1" (/proc/self fd); LTP pidfd_send_signal01
		// Since:    v5.1
		It("accepts a /proc/<pid> directory fd and delivers the signal", helpers.ID("accepts_a_proc_pid_directory_fd_and_delivers_the_signal"), helpers.SelftestPidfdTest, helpers.LTPPidfdSendSignal, helpers.ManProc, func(ctx SpecContext) {
			Expect(unix.PidfdSendSignal(procDir(target.Pid), unix.SIGUSR2, nil, 0)).To(Succeed())
			Expect(helpers.TakeSignal(ctx, target, target.Pid, unix.SIGUSR2, helpers.EventTimeout())).To(
				HaveField("Signo", unix.SIGUSR2))
		})
	})

	// A signal a thread sends itself is pending for it before the call
	// returns, so the kernel delivers it on that return: complete_signal
	// picks the sending thread when it does not block the signal (v7.3
	// kernel/signal.c:979-980 "if (wants_signal(sig, p)) t = p;", p being
	// the leader for a process pidfd, the thread itself for
	// PIDFD_SELF_THREAD) and signal_wake_up (:1037) sets TIF_SIGPENDING on
	// it. The helper unblocks the signal on the sending thread only (every
	// other thread blocks it, HeldSignals) and reads that thread's SigPnd
	// and ShdPnd right after the call, with no other system call between.
	Context("when a thread signals itself", helpers.Requires(kernel.Procfs), func() { // /proc/thread-self/status
		var self *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			helpers.WithHeldSignalsBlocked(func() { self = helpers.StartChild(ctx, signalroles.SelfSignal, nil) })
		})
		leader := func() int { return self.Pid }
		other := func() int { return self.Tids[0] }

		// Behavior: a signal a thread sends itself through pidfd_send_signal(2) is handled before the
		//           call returns: right after it, the signal is pending neither for the thread
		//           (SigPnd) nor for the process (ShdPnd), and the handler has seen it; through a
		//           pidfd of its own process and a /proc/self directory fd from the leader,
		//           PIDFD_SELF_THREAD_GROUP from the leader and PIDFD_SELF_THREAD from another thread.
		// Mirrors:  pidfd_test.c "pidfd_send_signal send SIGUSR1" (the handler
		//           must have run in the sending thread when the call returns)
		// Since:    v5.1 (PIDFD_SELF_* since v6.15)
		DescribeTable("handles the signal before pidfd_send_signal returns",
			func(ctx SpecContext, thread func() int, target func() string) {
				r := self.MustCall(ctx, fmt.Sprintf("send-handled %d %s %d", thread(), target(), sigRT1))
				Expect(r.Fields).To(HaveLen(3), "reply %q", r.Text)
				bit := uint64(1) << (sigRT1 - 1)
				for i, mask := range []string{"SigPnd", "ShdPnd"} {
					v, err := strconv.ParseUint(r.Fields[i], 16, 64)
					Expect(err).NotTo(HaveOccurred(), "%s %q", mask, r.Fields[i])
					Expect(v&bit).To(BeZero(), "signal %d still pending (%s %s) after pidfd_send_signal returned", sigRT1, mask, r.Fields[i])
				}
				Expect(r.Fields[2]).To(Equal("1"), "the handler never saw the signal")
			},
			Entry("through a pidfd of its own process", helpers.ID("handles_signal_before_return_through_pidfd_of_own_process"), helpers.SelftestPidfdTest,
				leader, func() string { return "pidfd" }),
			Entry("through a /proc/self directory fd", helpers.ID("self_signal_through_proc_self_fd_handled_before_return"), helpers.SelftestPidfdTest, helpers.ManProc,
				leader, func() string { return "proc" }),
			Entry("through PIDFD_SELF_THREAD_GROUP", helpers.ID("self_signal_through_self_thread_group_handled_before_return"), helpers.FlagPidfdSelf, helpers.SelftestPidfdTest, helpers.Requires(kernel.PidfdSelf),
				leader, func() string { return strconv.Itoa(selfThreadGroupValue()) }),
			Entry("through PIDFD_SELF_THREAD from a thread that is not the leader", helpers.ID("self_signal_through_self_thread_handled_before_return"), helpers.FlagPidfdSelf, helpers.SelftestPidfdTest, helpers.Requires(kernel.PidfdSelf),
				other, func() string { return strconv.Itoa(selfThreadValue()) }),
		)
	})

	// A zombie keeps its task until it is released, so the send finds it
	// (v7.3 kernel/signal.c:1500-1502) and passes the permission check;
	// signal 0 stops there (:1461), any other is dropped by prepare_signal
	// because the group has exited (:883-889) and the call returns 0.
	Context("to a process that has exited and is not reaped", func() {
		// Behavior: pidfd_send_signal(2) to a zombie succeeds for signal 0, SIGUSR2 and
		//           SIGKILL alike, and changes nothing: the pidfd still polls exactly
		//           POLLIN and the reap still reports the SIGKILL that ended it.
		// Mirrors:  none (man kill(2): a zombie can still be signalled)
		// Since:    v5.1
		It("succeeds and leaves the zombie as it was", helpers.ID("exited_not_reaped_succeeds_and_leaves_zombie"), helpers.ManPidfdSendSignal, func(ctx SpecContext) {
			target := helpers.StartBlocked()
			target.Kill()
			helpers.AwaitZombie(ctx, target.Pidfd)
			for _, sig := range []unix.Signal{0, unix.SIGUSR2, unix.SIGKILL} {
				Expect(unix.PidfdSendSignal(target.Pidfd, sig, nil, 0)).To(Succeed(), "signal %d", sig)
			}
			helpers.AwaitZombie(ctx, target.Pidfd)
			target.Reap(ctx)
		})
	})

	Context("to a process that has exited and been reaped", func() {
		// Behavior: pidfd_send_signal(2) fails with ESRCH once the
		//           process is reaped; signal 0 is enough to tell.
		// Mirrors:  pidfd_test.c "pidfd_send_signal signal exited process" (/proc/<pid> fd there)
		// Since:    v5.1
		DescribeTable("fails with ESRCH",
			func(ctx SpecContext, useProcDir bool) {
				target := helpers.StartBlocked()
				fd := target.Pidfd
				if useProcDir {
					fd = procDir(target.Pid)
				}
				target.Reap(ctx)
				Expect(unix.PidfdSendSignal(fd, 0, nil, 0)).To(helpers.BeErrno(unix.ESRCH))
			},
			Entry("through its pidfd", helpers.ID("reaped_process_fails_with_esrch_through_pidfd"), helpers.ManPidfdSendSignal, false),
			Entry("through its /proc/<pid> directory fd", helpers.ID("reaped_process_fails_with_esrch_through_proc_pid_fd"), helpers.SelftestPidfdTest, helpers.ManProc, true),
		)
	})

	Context("to the members of a process group", helpers.FlagSignalScope, func() {
		// Behavior: PIDFD_SIGNAL_PROCESS_GROUP sends the signal to every
		//           process of the group the pidfd's process leads.
		// Mirrors:  man pidfd_send_signal(2) (PIDFD_SIGNAL_PROCESS_GROUP)
		// Since:    v6.9
		It("delivers to every member with PIDFD_SIGNAL_PROCESS_GROUP", helpers.ID("delivers_to_every_member_with_pidfd_signal_process_group"), helpers.ManPidfdSendSignal, helpers.Requires(kernel.SignalScopes), func(ctx SpecContext) {
			leader := helpers.StartSigwait(ctx, nil, withPgid(0))
			member := helpers.StartSigwait(ctx, nil, withPgid(leader.Pid))
			Expect(unix.PidfdSendSignal(leader.Pidfd, unix.SIGUSR2, nil, unix.PIDFD_SIGNAL_PROCESS_GROUP)).To(Succeed())
			Expect(helpers.PendingSignals(ctx, leader, leader.Pid)).To(Equal([]unix.Signal{unix.SIGUSR2}), "group leader %d", leader.Pid)
			Expect(helpers.PendingSignals(ctx, member, member.Pid)).To(Equal([]unix.Signal{unix.SIGUSR2}), "member %d", member.Pid)
		})
	})
})
