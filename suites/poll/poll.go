package poll

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// poll(2) and epoll(7) on a pidfd, state by state: the exact event bits,
// against the state the test put the process in (and, for the "nothing
// yet" states, the moment it stops being so).
//
//	state of the process            events                           spec
//	live                            none                             reports_no_event
//	zombie (group exited)           POLLIN / EPOLLIN|EPOLLRDNORM     reports_exactly_pollin_with_poll, reports_exactly_epollin_epollrdnorm_with_epoll
//	reaped, the pidfd held          POLLIN|POLLHUP (POLLIN < v6.9)   reports_pollin_pollhup_with_poll, reports_epollin_epollrdnorm_epollhup_with_epoll
//	reaped and forgotten            –                                nothing to poll
//	pid number reused               the reaped process's events      recycled_pid_test.go:*_reports_the_reaped_process_poll_events
//	leader exited, threads live     none on either leader pidfd      keeps_the_thread_group_pidfd_quiet_until_the_process_exits, keeps_pidfd_thread_pidfd_on_leader_quiet_until_process_exits
//	non-leader thread exited        POLLIN|POLLHUP on its            reports_pollin_pollhup_on_that_thread_pidfd_thread_pidfd, reports_nothing_on_the_thread_group_pidfd
//	                                PIDFD_THREAD pidfd, none on the
//	                                group's
//	after exec by a thread          none; the old tid POLLIN|POLLHUP keeps_the_thread_group_pidfd_quiet, keeps_a_pidfd_thread_pidfd_on_the_leader_quiet,
//	                                                                 reports_pollin_pollhup_on_execing_thread_old_pidfd_thread, reports_pollin_without_pollhup_on_leader_pidfd_thread_pidfd
//	in another pid namespace        –                                not tried: pidfd_poll looks at the struct pid only
//	many processes at once          EPOLLIN each                     stress_test.go:reports_epollin_for_every_killed_process

// allEpollEvents asks epoll for every bit a pidfd can report, so the exact
// set the kernel returns is visible.
const allEpollEvents = unix.EPOLLIN | unix.EPOLLRDNORM | unix.EPOLLPRI | unix.EPOLLOUT | unix.EPOLLRDHUP

// pollEvents waits up to EventTimeout for fd to report anything.
func pollEvents(ctx SpecContext, fd int) int16 {
	GinkgoHelper()
	revents, err := kernel.WaitReadable(ctx, fd, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred())
	return revents
}

// pollUntil waits up to EventTimeout for fd to report all of want and
// returns everything it reported then.
func pollUntil(ctx SpecContext, fd int, want int16) int16 {
	GinkgoHelper()
	revents, err := kernel.WaitPollBits(ctx, fd, want, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred())
	return revents
}

// earlyLeaderThreadPidfd is what a PIDFD_THREAD pidfd on a thread-group
// leader reports while the leader has exited (or been replaced by an exec)
// and other threads live, within the quiet window:
//
//	v6.9–v6.14  POLLIN at once: the leader itself is a zombie
//	v6.15+      nothing until the whole group has exited (0fb482728ba1,
//	            "!delay_group_leader"), also in 6.12.y since that backport
func earlyLeaderThreadPidfd() types.GomegaMatcher {
	if kernel.Kernel().AtLeast("6.15") {
		return BeZero()
	}
	return Or(BeZero(), helpers.HavePollEvents(unix.POLLIN))
}

// leaderExits makes a RoleProcess helper's leader call exit(2) while its
// other threads live, and returns the first events the watched fds reported
// meanwhile (0: none). It watches from the order until procfs shows the
// leader as a zombie: from then on nothing changes the pidfds' readiness
// (a function of the tasks' state) until the spec acts again, so no fixed
// window is needed. Without procfs it watches for the quiet window instead.
func leaderExits(ctx SpecContext, c *helpers.Child, watch ...int) int16 {
	GinkgoHelper()
	c.MustCall(ctx, "exit-leader")
	done := func() bool {
		state, err := kernel.ThreadState(c.Pid, c.Pid)
		return err == nil && state == "Z"
	}
	if !kernel.Procfs.Present() {
		end := time.Now().Add(helpers.QuietWindow())
		done = func() bool { return time.Now().After(end) }
	}
	revents, err := kernel.QuietWhile(ctx, watch, done, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "leader %d did not become a zombie", c.Pid)
	return revents
}

var _ = area.Describe("poll(2) and epoll(7) on a pidfd", helpers.SyscallPoll, helpers.Requires(kernel.PidfdOpen), func() {
	Context("of a running process", func() {
		// Behavior: a pidfd of a running process is not readable.
		// Mirrors:  LTP pidfd_open03 (before the child exits); pidfd_poll_test.c
		//           "pidfd poll" (implied: it polls until the exit)
		// Since:    v5.3
		It("reports no event", helpers.ID("pidfd_of_running_process_reports_no_event"), helpers.LTPPidfdOpen, func() {
			Expect(kernel.PollOnce(helpers.StartBlocked().Pidfd, 0)).To(BeZero())
		})
	})

	Context("of a process that has exited and is not reaped", func() {
		var fd int
		BeforeEach(func() {
			c := helpers.StartBlocked()
			fd = c.Pidfd
			c.Kill()
		})

		// Behavior: once the whole process has exited (here: killed),
		//           poll(2) reports POLLIN, and no POLLHUP before the reap.
		// Mirrors:  LTP pidfd_open03 (child exits there); pidfd_info_test.c
		//           pidfd_info.sigkill_exit (zombie state)
		// Since:    v5.3
		It("reports exactly POLLIN with poll", helpers.ID("reports_exactly_pollin_with_poll"), helpers.LTPPidfdOpen, helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			Expect(pollEvents(ctx, fd)).To(helpers.HavePollEvents(unix.POLLIN))
		})

		// Behavior: epoll reports EPOLLIN|EPOLLRDNORM for a zombie's pidfd, without EPOLLHUP.
		// Mirrors:  pidfd_test.c "pidfd_poll check for premature notification on child thread
		//           exec" (its poll_pidfd waits with epoll_wait for EPOLLIN); man pidfd_open(2)
		// Since:    v5.3
		It("reports exactly EPOLLIN|EPOLLRDNORM with epoll", helpers.ID("reports_exactly_epollin_epollrdnorm_with_epoll"), helpers.SyscallEpoll, helpers.SelftestPidfdTest, func(ctx SpecContext) {
			Expect(helpers.EpollOnce(ctx, fd, allEpollEvents, helpers.EventTimeout())).To(
				helpers.HaveEpollEvents(unix.EPOLLIN | unix.EPOLLRDNORM))
		})
	})

	Context("of a process that has been reaped", func() {
		var c *helpers.Blocked
		BeforeEach(func(ctx SpecContext) {
			c = helpers.StartBlocked()
			c.Reap(ctx)
		})

		// Behavior: once the process is reaped, poll(2) reports
		//           POLLIN|POLLHUP (v6.9+; before: POLLIN, never POLLHUP).
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped_poll
		// Since:    v5.3 (POLLHUP since v6.9)
		It("reports POLLIN|POLLHUP with poll", helpers.ID("reports_pollin_pollhup_with_poll"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			Expect(pollEvents(ctx, c.Pidfd)).To(helpers.ReapedPollEvents())
		})

		// Behavior: epoll reports EPOLLIN|EPOLLRDNORM|EPOLLHUP for a reaped process's pidfd.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped_poll (with poll there)
		// Since:    v6.9
		It("reports EPOLLIN|EPOLLRDNORM|EPOLLHUP with epoll", helpers.ID("reports_epollin_epollrdnorm_epollhup_with_epoll"), helpers.SyscallEpoll, helpers.SelftestPidfdInfo, helpers.Requires(kernel.PollHupOnReap), func(ctx SpecContext) {
			Expect(helpers.EpollOnce(ctx, c.Pidfd, allEpollEvents, helpers.EventTimeout())).To(
				helpers.HaveEpollEvents(unix.EPOLLIN | unix.EPOLLRDNORM | unix.EPOLLHUP))
		})
	})

	Context("when the leader exits while other threads live", func() {
		var c *helpers.Child
		BeforeEach(func(ctx SpecContext) { c = helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"}) })

		// Behavior: the thread-group pidfd reports nothing while the leader is
		//           a zombie and other threads live, and POLLIN once they exit.
		// Mirrors:  pidfd_test.c "pidfd_poll check for premature notification
		//           on non-emptygroup leader exit" (use_waitpid=0)
		// Since:    v5.3
		It("keeps the thread-group pidfd quiet until the process exits", helpers.ID("keeps_the_thread_group_pidfd_quiet_until_the_process_exits"), helpers.SelftestPidfdTest, func(ctx SpecContext) {
			Expect(leaderExits(ctx, c, c.Pidfd)).To(BeZero())
			Expect(c.Channel.Send("exit 0")).To(Succeed())
			Expect(pollEvents(ctx, c.Pidfd)).To(helpers.HavePollEvents(unix.POLLIN))
		})

		// Behavior: waitid(P_PIDFD) reports no exit while the leader is a zombie
		//           and other threads live, then the group's exit status.
		// Mirrors:  pidfd_test.c "pidfd_poll check for premature notification
		//           on non-emptygroup leader exit" (use_waitpid=1)
		// Since:    v5.4
		It("lets waitid report no exit until the process exits", helpers.ID("lets_waitid_report_no_exit_until_the_process_exits"), helpers.SyscallWaitid, helpers.SelftestPidfdTest, helpers.Requires(kernel.WaitidPidfd), func(ctx SpecContext) {
			leaderExits(ctx, c)
			info, err := kernel.Waitid(c.Pidfd, unix.WEXITED|unix.WNOHANG)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Pid).To(BeZero(), "waitid reported %+v while a thread lives", info)
			Expect(c.Channel.Send("exit 7")).To(Succeed())
			info, err = kernel.WaitidTimeout(ctx, c.Pidfd, unix.WEXITED, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			Expect(childState(info)).To(Equal(state{kernel.CLD_EXITED, c.Pid, 7}))
		})

		// Behavior: a PIDFD_THREAD pidfd on the leader reports nothing while the
		//           leader is a zombie and other threads live (v6.15+; v6.9–v6.14
		//           reported POLLIN at once), and POLLIN once the process exits.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (the poller's 10 s poll returns 0)
		// Since:    v6.9 (silent since v6.15 and 6.12.y)
		It("keeps a PIDFD_THREAD pidfd on the leader quiet until the process exits", helpers.ID("keeps_pidfd_thread_pidfd_on_leader_quiet_until_process_exits"), helpers.FlagPidfdThread, helpers.SelftestPidfdInfo, helpers.Requires(kernel.PidfdThread), func(ctx SpecContext) {
			fd := helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
			Expect(leaderExits(ctx, c, fd)).To(earlyLeaderThreadPidfd())
			Expect(c.Channel.Send("exit 0")).To(Succeed())
			Expect(pollEvents(ctx, fd)).To(helpers.HavePollEvents(unix.POLLIN))
		})

		// Behavior: once the group is killed and reaped with waitid(P_PIDFD), both the
		//           thread-group pidfd and the leader's PIDFD_THREAD pidfd report POLLIN|POLLHUP.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (SIGKILL, waitid, poll → POLLIN|POLLHUP)
		// Since:    v6.9
		It("reports POLLIN|POLLHUP on both leader pidfds once the process is killed and reaped", helpers.ID("reports_pollin_pollhup_on_both_leader_pidfds_once_process"), helpers.FlagPidfdThread, helpers.SelftestPidfdInfo, helpers.Requires(kernel.PidfdThread, kernel.PollHupOnReap, kernel.WaitidPidfd), func(ctx SpecContext) {
			fd := helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
			leaderExits(ctx, c)
			c.Kill()
			info, err := kernel.WaitidTimeout(ctx, c.Pidfd, unix.WEXITED, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			Expect(childState(info)).To(Equal(state{kernel.CLD_KILLED, c.Pid, int(unix.SIGKILL)}))
			Expect(pollEvents(ctx, c.Pidfd)).To(helpers.HavePollEvents(unix.POLLIN|unix.POLLHUP), "thread-group pidfd")
			Expect(pollEvents(ctx, fd)).To(helpers.HavePollEvents(unix.POLLIN|unix.POLLHUP), "PIDFD_THREAD pidfd")
		})
	})

	Context("when a non-leader thread exits while the process lives", helpers.FlagPidfdThread, helpers.Requires(kernel.PidfdThread), func() {
		var c *helpers.Child
		var threadFd int
		BeforeEach(func(ctx SpecContext) {
			c = helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			threadFd = helpers.OpenPidfd(c.Tids[0], unix.PIDFD_THREAD)
			c.MustCall(ctx, fmt.Sprintf("exit-thread %d", c.Tids[0]))
		})

		// Behavior: a PIDFD_THREAD pidfd on a non-leader thread reports POLLIN|POLLHUP when that thread exits:
		//           it is released at once (a poll between its exit and its release may see POLLIN alone).
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (the
		//           thread pidfd; there the thread dies with its group)
		// Since:    v6.9
		It("reports POLLIN|POLLHUP on that thread's PIDFD_THREAD pidfd", helpers.ID("reports_pollin_pollhup_on_that_thread_pidfd_thread_pidfd"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			first := pollEvents(ctx, threadFd)
			Expect(first).To(Or(helpers.HavePollEvents(unix.POLLIN), helpers.HavePollEvents(unix.POLLIN|unix.POLLHUP)))
			Expect(pollUntil(ctx, threadFd, unix.POLLHUP)).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
		})

		// Behavior: a thread's exit does not make the thread-group pidfd readable.
		// Mirrors:  man pidfd_open(2) (a pidfd without PIDFD_THREAD polls readable when the process exits)
		// Since:    v6.9
		It("reports nothing on the thread-group pidfd", helpers.ID("reports_nothing_on_the_thread_group_pidfd"), helpers.ManPidfdOpen, func(ctx SpecContext) {
			pollEvents(ctx, threadFd) // the thread is gone now
			Expect(kernel.PollOnce(c.Pidfd, 0)).To(BeZero())
		})
	})

	Context("when a non-leader thread execs", func() {
		var c *helpers.Child
		var execer int
		BeforeEach(func(ctx SpecContext) {
			c = helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			execer = c.Tids[0]
		})

		// execThread makes the extra thread exec the helper anew, watching
		// fds while it happens (the transition, not only the state after it),
		// and returns what they reported; the new image answers "ready" with
		// the old pid, which the exec'ing thread took over. After "ready" the
		// exec is complete and the pidfds' readiness (a function of the
		// tasks' state) cannot change until the spec acts, so a final
		// zero-timeout poll replaces a fixed quiet window.
		execThread := func(ctx SpecContext, watch ...int) int16 {
			GinkgoHelper()
			Expect(c.Channel.Send(fmt.Sprintf("exec-thread %d %s", execer, helpers.RoleProcess))).To(Succeed())
			revents, err := kernel.QuietUntilReadable(ctx, watch, c.Channel.Fd(), helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Recv(ctx)).To(HavePrefix(fmt.Sprintf("ready %d", c.Pid)))
			return revents
		}

		// Behavior: when a non-leader thread execs, the thread-group pidfd reports no exit (the
		//           old leader's end is not the process's), and POLLIN when the new image exits.
		// Mirrors:  pidfd_test.c "pidfd_poll check for premature
		//           notification on child thread exec" (use_waitpid=0)
		// Since:    v5.3
		It("keeps the thread-group pidfd quiet", helpers.ID("keeps_the_thread_group_pidfd_quiet"), helpers.SelftestPidfdTest, func(ctx SpecContext) {
			Expect(execThread(ctx, c.Pidfd)).To(BeZero())
			Expect(kernel.PollOnce(c.Pidfd, 0)).To(BeZero())
			c.Kill()
			Expect(pollEvents(ctx, c.Pidfd)).To(helpers.HavePollEvents(unix.POLLIN))
		})

		// Behavior: when a non-leader thread execs, waitid(P_PIDFD)
		//           reports no exit; it reports the new image's end.
		// Mirrors:  pidfd_test.c "pidfd_poll check for premature
		//           notification on child thread exec" (use_waitpid=1)
		// Since:    v5.4
		It("lets waitid report no exit", helpers.ID("lets_waitid_report_no_exit"), helpers.SyscallWaitid, helpers.SelftestPidfdTest, helpers.Requires(kernel.WaitidPidfd), func(ctx SpecContext) {
			execThread(ctx)
			info, err := kernel.Waitid(c.Pidfd, unix.WEXITED|unix.WNOHANG)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Pid).To(BeZero(), "waitid reported %+v after the exec", info)
			c.Kill()
			info, err = kernel.WaitidTimeout(ctx, c.Pidfd, unix.WEXITED, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			Expect(childState(info)).To(Equal(state{kernel.CLD_KILLED, c.Pid, int(unix.SIGKILL)}))
		})

		Context("with PIDFD_THREAD pidfds", helpers.FlagPidfdThread, helpers.Requires(kernel.PidfdThread), func() {
			// Behavior: a PIDFD_THREAD pidfd on the live leader reports nothing when a
			//           non-leader thread execs and takes over the leader's pid (v6.15+).
			// Mirrors:  pidfd_info_test.c pidfd_info.thread_group_exec_thread (the poller gets 0 events)
			// Since:    v6.9 (silent since v6.15 and 6.12.y)
			It("keeps a PIDFD_THREAD pidfd on the leader quiet", helpers.ID("keeps_a_pidfd_thread_pidfd_on_the_leader_quiet"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
				fd := helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
				Expect(execThread(ctx, fd)).To(earlyLeaderThreadPidfd())
				Expect(kernel.PollOnce(fd, 0)).To(earlyLeaderThreadPidfd())
			})

			// Behavior: the PIDFD_THREAD pidfd of the exec'ing thread's
			//           old tid reports POLLIN|POLLHUP: that tid is gone.
			// Mirrors:  pidfd_info_test.c pidfd_info.thread_group_exec
			//           (poll for POLLHUP on the thread pidfd)
			// Since:    v6.9
			It("reports POLLIN|POLLHUP on the exec'ing thread's old PIDFD_THREAD pidfd", helpers.ID("reports_pollin_pollhup_on_execing_thread_old_pidfd_thread"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
				fd := helpers.OpenPidfd(execer, unix.PIDFD_THREAD)
				execThread(ctx)
				Expect(pollUntil(ctx, fd, unix.POLLHUP)).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
			})

			// Behavior: after the exec, killing the new single-threaded image makes the leader's
			//           PIDFD_THREAD pidfd report POLLIN, without POLLHUP until the reap.
			// Mirrors:  pidfd_info_test.c pidfd_info.thread_group_exec (POLLIN, no POLLHUP after SIGKILL)
			// Since:    v6.9
			It("reports POLLIN without POLLHUP on the leader's PIDFD_THREAD pidfd once the new image is killed", helpers.ID("reports_pollin_without_pollhup_on_leader_pidfd_thread_pidfd"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
				fd := helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
				execThread(ctx)
				c.Kill()
				Expect(pollEvents(ctx, fd)).To(helpers.HavePollEvents(unix.POLLIN))
			})

			// Behavior: a PIDFD_THREAD pidfd on a leader that exited early stays quiet when a
			//           non-leader thread then execs and takes over the leader's pid (v6.15+).
			// Mirrors:  pidfd_info_test.c pidfd_info.thread_group_exec (the poller gets 0 events)
			// Since:    v6.9 (silent since v6.15 and 6.12.y)
			It("keeps a PIDFD_THREAD pidfd on an early-exited leader quiet", helpers.ID("keeps_a_pidfd_thread_pidfd_on_an_early_exited_leader_quiet"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
				fd := helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
				Expect(leaderExits(ctx, c, fd)).To(earlyLeaderThreadPidfd())
				Expect(execThread(ctx, fd)).To(earlyLeaderThreadPidfd())
				Expect(kernel.PollOnce(fd, 0)).To(earlyLeaderThreadPidfd())
			})
		})
	})
})

// state is the part of a SIGCHLD siginfo the waitid specs compare.
type state struct {
	Code   int32
	Pid    int
	Status int
}

// childState checks that info is a SIGCHLD siginfo and returns its state.
func childState(info kernel.SigInfo) state {
	GinkgoHelper()
	Expect(info.Signo).To(Equal(unix.SIGCHLD), "si_signo")
	return state{info.Code, int(info.Pid), int(info.Status)}
}
