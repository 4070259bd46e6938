package poll

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// waitid(2) with P_PIDFD, state by state and field by field. The
// independent source is what the test made the child do (its exit code,
// the signal sent) and the pid and uid it was started with.
//
//	state of the target             outcome                          spec
//	live child                      EAGAIN (PIDFD_NONBLOCK), nothing fails_with_eagain_while_the_child_runs,
//	                                with WNOHANG, blocks otherwise   returns_no_state_change_with_wnohang_while_the_child_runs, blocks_again_once_o_nonblock_is_cleared
//	stopped, continued              CLD_STOPPED, CLD_CONTINUED       reports_cld_stopped, reports_cld_continued
//	zombie                          CLD_EXITED / CLD_KILLED          reports_cld_exited_with_the_child_pid_and_exit_status, reports_cld_killed
//	reaped, the pidfd held          ECHILD                           fails_with_echild_once_the_child_has_been_reaped
//	reaped and forgotten            –                                nothing to wait through
//	pid number reused               –                                not tried: the reaped row's lookup (no task) applies
//	not a child (the caller itself) ECHILD                           fails_with_echild_for_a_process_that_is_not_a_child, fails_with_echild_for_the_caller_own_pidfd
//	leader exited, threads live     nothing until the group exits    poll_test.go:lets_waitid_report_no_exit_until_the_process_exits
//	non-leader thread               ECHILD (PIDFD_THREAD of it);     fails_with_echild_for_a_non_leader_thread_of_a_child,
//	                                the leader's: as a process       reports_the_child_exit_through_its_leader_pidfd
//	after exec by a thread          no exit; the new image's end     poll_test.go:lets_waitid_report_no_exit
//
//	field of the siginfo            compared with                    spec
//	si_signo SIGCHLD, si_code,      the child's pid, the exit code   reports_cld_exited_with_the_child_pid_and_exit_status, reports_cld_*
//	  si_pid, si_status             or signal the test caused
//	si_uid                          the child's uid (the test's)     reports_cld_exited_with_the_child_pid_and_exit_status
//	fd that is no pidfd             EINVAL (-1), EBADF               fails_for_an_fd_that_is_not_a_pidfd_*

// waitFor is a blocking waitid(P_PIDFD) bounded by EventTimeout.
func waitFor(ctx SpecContext, pidfd, options int) kernel.SigInfo {
	GinkgoHelper()
	info, err := kernel.WaitidTimeout(ctx, pidfd, options, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "waitid(P_PIDFD, %#x)", options)
	return info
}

var _ = area.Describe("waitid(2) with P_PIDFD", helpers.SyscallWaitid, helpers.Requires(kernel.WaitidPidfd), func() {
	// Behavior: waitid(P_PIDFD) reports a child's exit as SIGCHLD/CLD_EXITED with
	//           its pid, its real uid (the test's, which it kept) and exit status.
	// Mirrors:  pidfd_wait.c global.wait_simple (clone3 child, exit(0); si_uid not checked there)
	// Since:    v5.4
	It("reports CLD_EXITED with the child's pid and exit status", helpers.ID("reports_cld_exited_with_the_child_pid_and_exit_status"), helpers.SelftestPidfdWait, func(ctx SpecContext) {
		c := helpers.StartChild(ctx, helpers.RoleProcess, nil)
		Expect(c.Channel.Send("exit 3")).To(Succeed())
		info := waitFor(ctx, c.Pidfd, unix.WEXITED)
		Expect(childState(info)).To(Equal(state{kernel.CLD_EXITED, c.Pid, 3}))
		// kernel/exit.c wait_task_zombie: infop->uid is the child's
		// task_uid, mapped into the waiter's user namespace.
		Expect(info.Uid).To(BeEquivalentTo(os.Getuid()), "si_uid")
	})

	// Behavior: once a child has been reaped through its pidfd, a second waitid(P_PIDFD) on the same
	//           pidfd fails with ECHILD (with or without WNOHANG): no task is left for the pid.
	// Mirrors:  none (v7.3 kernel/exit.c:1649-1672 do_wait_pid: pid_task(pid,
	//           PIDTYPE_TGID) is NULL, so notask_error -ECHILD (:1685) stays)
	// Since:    v5.4
	It("fails with ECHILD once the child has been reaped", helpers.ID("fails_with_echild_once_the_child_has_been_reaped"), helpers.ManWaitid, func(ctx SpecContext) {
		b := helpers.StartBlocked()
		b.Reap(ctx)
		_, err := kernel.Waitid(b.Pidfd, unix.WEXITED|unix.WNOHANG)
		Expect(err).To(helpers.BeErrno(unix.ECHILD), "WEXITED|WNOHANG")
		_, err = kernel.WaitidTimeout(ctx, b.Pidfd, unix.WEXITED, helpers.EventTimeout())
		Expect(err).To(helpers.BeErrno(unix.ECHILD), "WEXITED, blocking")
	})

	Context("when the child is stopped, continued and killed through its pidfd", func() {
		var c *helpers.Blocked
		BeforeEach(func() { c = helpers.StartBlocked() })

		stop := func(ctx SpecContext) kernel.SigInfo {
			GinkgoHelper()
			Expect(unix.PidfdSendSignal(c.Pidfd, unix.SIGSTOP, nil, 0)).To(Succeed())
			return waitFor(ctx, c.Pidfd, unix.WSTOPPED)
		}

		// Behavior: waitid(WSTOPPED) reports CLD_STOPPED with SIGSTOP and the child's pid.
		// Mirrors:  pidfd_wait.c global.wait_states
		// Since:    v5.4
		It("reports CLD_STOPPED", helpers.ID("waitid_reports_cld_stopped"), helpers.SelftestPidfdWait, func(ctx SpecContext) {
			Expect(childState(stop(ctx))).To(Equal(state{kernel.CLD_STOPPED, c.Pid, int(unix.SIGSTOP)}))
		})

		// Behavior: waitid(WCONTINUED) reports CLD_CONTINUED with
		//           SIGCONT after SIGCONT is sent through the pidfd.
		// Mirrors:  pidfd_wait.c global.wait_states
		// Since:    v5.4
		It("reports CLD_CONTINUED", helpers.ID("waitid_reports_cld_continued"), helpers.SelftestPidfdWait, func(ctx SpecContext) {
			stop(ctx)
			Expect(unix.PidfdSendSignal(c.Pidfd, unix.SIGCONT, nil, 0)).To(Succeed())
			Expect(childState(waitFor(ctx, c.Pidfd, unix.WCONTINUED))).To(Equal(state{kernel.CLD_CONTINUED, c.Pid, int(unix.SIGCONT)}))
		})

		// Behavior: waitid(WEXITED) reports CLD_KILLED with SIGKILL
		//           for a (stopped) child killed through its pidfd.
		// Mirrors:  pidfd_wait.c global.wait_states
		// Since:    v5.4
		It("reports CLD_KILLED", helpers.ID("waitid_reports_cld_killed"), helpers.SelftestPidfdWait, func(ctx SpecContext) {
			stop(ctx)
			c.Kill()
			Expect(childState(waitFor(ctx, c.Pidfd, unix.WEXITED))).To(Equal(state{kernel.CLD_KILLED, c.Pid, int(unix.SIGKILL)}))
		})
	})

	// Behavior: waitid(P_PIDFD) fails with EINVAL for a negative fd and with EBADF for an
	//           fd that is not a pidfd (a /proc/<pid> directory is not accepted here).
	// Mirrors:  pidfd_wait.c global.wait_simple (/proc/self and /dev/null; errno unchecked there); man waitid(2)
	// Since:    v5.4
	DescribeTable("fails for an fd that is not a pidfd",
		func(open func() int, want unix.Errno) {
			_, err := kernel.Waitid(open(), unix.WEXITED|unix.WNOHANG)
			Expect(err).To(helpers.BeErrno(want))
		},
		Entry("fd -1: EINVAL", helpers.ID("fails_for_an_fd_that_is_not_a_pidfd_fd_minus_1_einval"), helpers.ManWaitid, func() int { return -1 }, unix.EINVAL),
		Entry("/dev/null: EBADF", helpers.ID("fails_for_an_fd_that_is_not_a_pidfd_dev_null_ebadf"), helpers.SelftestPidfdWait, func() int { return helpers.OpenFile("/dev/null", unix.O_RDWR) }, unix.EBADF),
		Entry("a /proc/<pid> directory: EBADF", helpers.ID("fails_for_fd_that_is_not_pidfd_a_proc_pid_directory_ebadf"), helpers.SelftestPidfdWait, helpers.ManProc, func() int {
			helpers.RequireFeature(kernel.Procfs)
			return helpers.OpenFile("/proc/self", unix.O_DIRECTORY|unix.O_RDONLY)
		}, unix.EBADF),
	)

	// Behavior: waitid(P_PIDFD) fails with ECHILD for a pidfd of a process
	//           that is not the caller's child (here the caller itself).
	// Mirrors:  pidfd_wait.c global.wait_nonblock (pidfd of self → ECHILD); man waitid(2)
	// Since:    v5.4
	It("fails with ECHILD for a process that is not a child", helpers.ID("fails_with_echild_for_a_process_that_is_not_a_child"), helpers.SelftestPidfdWait, func() {
		_, err := kernel.Waitid(helpers.OpenPidfd(os.Getpid(), 0), unix.WEXITED|unix.WNOHANG)
		Expect(err).To(helpers.BeErrno(unix.ECHILD))
	})

	Context("with a PIDFD_NONBLOCK pidfd", helpers.FlagPidfdNonblock, helpers.Requires(kernel.PidfdNonblock), func() {
		var c *helpers.Blocked
		var fd int
		BeforeEach(func() {
			c = helpers.StartBlocked()
			fd = helpers.OpenPidfd(c.Pid, unix.PIDFD_NONBLOCK)
		})

		// Behavior: waitid(WEXITED) on a PIDFD_NONBLOCK pidfd fails with EAGAIN while the child runs.
		// Mirrors:  LTP pidfd_open04; pidfd_wait.c global.wait_nonblock
		// Since:    v5.10
		It("fails with EAGAIN while the child runs", helpers.ID("fails_with_eagain_while_the_child_runs"), helpers.LTPPidfdOpen, helpers.SelftestPidfdWait, func() {
			_, err := kernel.Waitid(fd, unix.WEXITED)
			Expect(err).To(helpers.BeErrno(unix.EAGAIN))
		})

		// Behavior: waitid(WEXITED|WNOHANG) on a PIDFD_NONBLOCK pidfd succeeds
		//           and reports no child (si_pid 0) while the child runs.
		// Mirrors:  pidfd_wait.c global.wait_nonblock
		// Since:    v5.10
		It("returns no state change with WNOHANG while the child runs", helpers.ID("returns_no_state_change_with_wnohang_while_the_child_runs"), helpers.SelftestPidfdWait, func() {
			info, err := kernel.Waitid(fd, unix.WEXITED|unix.WNOHANG)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Pid).To(BeZero())
		})

		// Behavior: once the child has ended (the pidfd polls readable), waitid
		//           on the PIDFD_NONBLOCK pidfd reports it (here CLD_KILLED).
		// Mirrors:  LTP pidfd_open04 (child exits there); pidfd_wait.c
		//           global.wait_nonblock (CLD_EXITED after SIGCONT)
		// Since:    v5.10
		It("reports the end once the child has ended", helpers.ID("reports_the_end_once_the_child_has_ended"), helpers.LTPPidfdOpen, helpers.SelftestPidfdWait, func(ctx SpecContext) {
			c.Kill()
			Expect(pollEvents(ctx, fd)).To(helpers.HavePollEvents(unix.POLLIN))
			info, err := kernel.Waitid(fd, unix.WEXITED)
			Expect(err).NotTo(HaveOccurred())
			Expect(childState(info)).To(Equal(state{kernel.CLD_KILLED, c.Pid, int(unix.SIGKILL)}))
		})

		// Behavior: after O_NONBLOCK is cleared on a PIDFD_NONBLOCK pidfd with
		//           fcntl(F_SETFL), waitid blocks until the state change and reports it.
		// Mirrors:  pidfd_wait.c global.wait_nonblock (clears O_NONBLOCK, then waitid(WSTOPPED))
		// Since:    v5.10
		It("blocks again once O_NONBLOCK is cleared", helpers.ID("blocks_again_once_o_nonblock_is_cleared"), helpers.SelftestPidfdWait, func(ctx SpecContext) {
			flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
			Expect(err).NotTo(HaveOccurred())
			_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags&^unix.O_NONBLOCK)
			Expect(err).NotTo(HaveOccurred())
			Expect(unix.PidfdSendSignal(c.Pidfd, unix.SIGSTOP, nil, 0)).To(Succeed())
			Expect(childState(waitFor(ctx, fd, unix.WSTOPPED))).To(Equal(state{kernel.CLD_STOPPED, c.Pid, int(unix.SIGSTOP)}))
		})

		// Behavior: waitid on a PIDFD_NONBLOCK pidfd of the caller itself fails with ECHILD, not EAGAIN.
		// Mirrors:  pidfd_wait.c global.wait_nonblock
		// Since:    v5.10
		It("fails with ECHILD for the caller's own pidfd", helpers.ID("fails_with_echild_for_the_caller_own_pidfd"), helpers.SelftestPidfdWait, func() {
			_, err := kernel.Waitid(helpers.OpenPidfd(os.Getpid(), unix.PIDFD_NONBLOCK), unix.WEXITED)
			Expect(err).To(helpers.BeErrno(unix.ECHILD))
		})
	})

	// waitid(P_PIDFD) waits for the thread group the pidfd's pid leads:
	// the kernel looks the pid up as a thread-group id, so a PIDFD_THREAD
	// pidfd of the leader waits as a process pidfd does, and one of any
	// other thread finds no child.
	Context("with a PIDFD_THREAD pidfd", helpers.FlagPidfdThread, helpers.Requires(kernel.PidfdThread), func() {
		// Behavior: waitid(P_PIDFD) through a PIDFD_THREAD pidfd of a child's thread-group
		//           leader reports the child's exit as CLD_EXITED with its pid and exit status.
		// Mirrors:  none (kernel/exit.c do_wait_pid: pid_task(pid, PIDTYPE_TGID) finds the leader)
		// Since:    v6.9
		It("reports the child's exit through its leader's pidfd", helpers.ID("reports_the_child_exit_through_the_leader_pidfd"), helpers.ManWaitid, func(ctx SpecContext) {
			c := helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			fd := helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
			Expect(c.Channel.Send("exit 3")).To(Succeed())
			Expect(childState(waitFor(ctx, fd, unix.WEXITED))).To(Equal(state{kernel.CLD_EXITED, c.Pid, 3}))
		})

		// Behavior: waitid(P_PIDFD) through a PIDFD_THREAD pidfd of a child's other (non-leader)
		//           thread fails with ECHILD, with or without __WALL: that pid leads no thread group.
		// Mirrors:  none (kernel/exit.c do_wait_pid: pid_task(pid,
		//           PIDTYPE_TGID) is NULL for a non-leader → no child)
		// Since:    v6.9
		It("fails with ECHILD for a non-leader thread of a child", helpers.ID("fails_with_echild_for_a_non_leader_thread_of_a_child"), helpers.ManWaitid, func(ctx SpecContext) {
			c := helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			fd := helpers.OpenPidfd(c.Tids[0], unix.PIDFD_THREAD)
			for _, options := range []int{unix.WEXITED | unix.WNOHANG, unix.WEXITED | unix.WNOHANG | unix.WALL} {
				_, err := kernel.Waitid(fd, options)
				Expect(err).To(helpers.BeErrno(unix.ECHILD), "options %#x", options)
			}
		})
	})
})
