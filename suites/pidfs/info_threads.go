package pidfs

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// liveInfo is PIDFD_GET_INFO with CGROUPID|EXIT on a pidfd whose task has
// not been reaped: CREDS marked, EXIT not (exit information is published at
// reap), and the pid it reports.
func liveInfo(pidfd int) uint32 {
	GinkgoHelper()
	info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_CGROUPID|unix.PIDFD_INFO_EXIT)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Mask&unix.PIDFD_INFO_CREDS).NotTo(BeZero(), "CREDS")
	Expect(info.Mask&unix.PIDFD_INFO_EXIT).To(BeZero(), "EXIT before the reap")
	return info.Pid
}

// exitInfo is PIDFD_GET_INFO with CGROUPID|EXIT on a pidfd whose task is
// gone: EXIT marked, CREDS not, and the recorded status.
func exitInfo(pidfd int) exitStatus {
	GinkgoHelper()
	info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_CGROUPID|unix.PIDFD_INFO_EXIT)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Mask&unix.PIDFD_INFO_CREDS).To(BeZero(), "CREDS after the reap")
	Expect(info.Mask&unix.PIDFD_INFO_EXIT).NotTo(BeZero(), "EXIT")
	return decodeExit(info.Exit_code)
}

// awaitHup waits until pidfd reports POLLHUP: its task has been released.
func awaitHup(ctx SpecContext, pidfd int) {
	GinkgoHelper()
	Eventually(ctx, func() (int16, error) { return kernel.PollOnce(pidfd, 0) }).
		WithTimeout(helpers.EventTimeout()).Should(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
}

// infoOfThreads is the part of the PIDFD_GET_INFO Describe about
// PIDFD_THREAD pidfds and multithreaded processes.
func infoOfThreads() {
	Context("through a PIDFD_THREAD pidfd of a live thread that is not the leader", helpers.FlagPidfdThread, func() {
		// Behavior: PIDFD_GET_INFO through a PIDFD_THREAD pidfd of a live non-leader thread
		//           reports that thread's own id as pid (the gettid(2) the thread reported),
		//           its thread group's id as tgid (the process's pid) and the process's
		//           parent as ppid, as /proc/<pid>/task/<tid>/status shows them; through the
		//           leader's PIDFD_THREAD pidfd pid and tgid are both the process's pid.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (checks
		//           pid through each pidfd; tgid is not checked there)
		// Since:    v6.13
		It("reports the thread's own pid and its group's tgid", helpers.ID("reports_thread_own_pid_and_group_tgid_through_thread_pidfd"), helpers.SelftestPidfdInfo, helpers.Requires(kernel.PidfdThread, kernel.Procfs), func(ctx SpecContext) {
			c := helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			tid := c.Tids[0] // the thread's own gettid(2)
			task := fmt.Sprintf("%d/task/%d", c.Pid, tid)
			Expect(statusLine(task, "Pid")).To(Equal(strconv.Itoa(tid)), "/proc/%s/status", task)
			Expect(statusLine(task, "Tgid")).To(Equal(strconv.Itoa(c.Pid)), "/proc/%s/status", task)
			Expect(statusLine(task, "PPid")).To(Equal(strconv.Itoa(os.Getpid())), "/proc/%s/status", task)
			// v7.3 fs/pidfs.c pidfd_info: kinfo.ppid = task_ppid_vnr(task),
			// tgid = task_tgid_vnr(task), pid = pid_vnr(pid) of the task the
			// pidfd's pid names (get_pid_task(pid, PIDTYPE_PID)).
			ids := func(pidfd int) [3]uint32 {
				GinkgoHelper()
				info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_PID)
				Expect(err).NotTo(HaveOccurred())
				Expect(info.Mask & unix.PIDFD_INFO_PID).NotTo(BeZero())
				return [3]uint32{info.Pid, info.Tgid, info.Ppid}
			}
			Expect(ids(helpers.OpenPidfd(tid, unix.PIDFD_THREAD))).To(Equal([3]uint32{uint32(tid), uint32(c.Pid), uint32(os.Getpid())}), "pid tgid ppid through the thread's PIDFD_THREAD pidfd")
			Expect(ids(helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD))).To(Equal([3]uint32{uint32(c.Pid), uint32(c.Pid), uint32(os.Getpid())}), "pid tgid ppid through the leader's PIDFD_THREAD pidfd")
			Expect(ids(c.Pidfd)).To(Equal([3]uint32{uint32(c.Pid), uint32(c.Pid), uint32(os.Getpid())}), "pid tgid ppid through the thread-group pidfd")
		})
	})

	Context("through PIDFD_THREAD pidfds of a process with two threads", helpers.FlagPidfdThread, helpers.Requires(kernel.PidfdThread, kernel.PidfdInfoExit, kernel.PollHupOnReap), func() {
		var c *helpers.Child
		var leaderThreadFd, threadFd int
		BeforeEach(func(ctx SpecContext) {
			c = helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			leaderThreadFd = helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
			threadFd = helpers.OpenPidfd(c.Tids[0], unix.PIDFD_THREAD)
		})

		// Behavior: after the leader exited early, GET_INFO through the thread-group pidfd, the leader's
		//           PIDFD_THREAD pidfd and the live thread's PIDFD_THREAD pidfd reports CREDS without EXIT
		//           and each one's pid; once the group is SIGKILLed and reaped, all three report EXIT
		//           without CREDS and the group's exit status (SIGKILL), not the leader's own exit(0).
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (its
		//           GET_INFO parts; the poll parts are in suites/poll)
		// Since:    v6.15 (the group exit status for an early-exited leader: commit 9133607de37a,
		//           in v6.15 with PIDFD_INFO_EXIT itself; its selftest came in v6.16)
		It("reports the group's exit status for a leader that exited early", helpers.ID("reports_the_group_exit_status_for_a_leader_that_exited_early"), helpers.SelftestPidfdInfo, helpers.Requires(kernel.Procfs, kernel.WaitidPidfd), func(ctx SpecContext) {
			c.MustCall(ctx, "exit-leader")
			Eventually(ctx, func() (string, error) { return kernel.ThreadState(c.Pid, c.Pid) }).
				WithTimeout(helpers.EventTimeout()).Should(Equal("Z"), "the leader is a zombie")
			Expect(liveInfo(c.Pidfd)).To(BeEquivalentTo(c.Pid), "thread-group pidfd")
			Expect(liveInfo(leaderThreadFd)).To(BeEquivalentTo(c.Pid), "leader's PIDFD_THREAD pidfd")
			Expect(liveInfo(threadFd)).To(BeEquivalentTo(c.Tids[0]), "thread's PIDFD_THREAD pidfd")
			c.Kill()
			_, err := kernel.WaitidTimeout(ctx, c.Pidfd, unix.WEXITED, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			awaitHup(ctx, c.Pidfd)
			killed := exitStatus{Signaled: true, Signal: syscall.SIGKILL}
			Expect(exitInfo(c.Pidfd)).To(Equal(killed), "thread-group pidfd")
			Expect(exitInfo(leaderThreadFd)).To(Equal(killed), "leader's PIDFD_THREAD pidfd")
			Expect(exitInfo(threadFd)).To(Equal(killed), "thread's PIDFD_THREAD pidfd")
		})

		// execThread makes the extra thread exec the helper anew; the new
		// image answers "ready" with the leader's pid, which it took over.
		execThread := func(ctx SpecContext) {
			GinkgoHelper()
			Expect(c.Channel.Send(fmt.Sprintf("exec-thread %d %s", c.Tids[0], helpers.RoleProcess))).To(Succeed())
			Expect(c.Recv(ctx)).To(HavePrefix(fmt.Sprintf("ready %d", c.Pid)))
		}

		// afterExec checks what GET_INFO reports once a thread exec'd: the
		// exec'ing thread's old tid is gone with status 0, the leader's pid
		// lives on in the new image until it is killed.
		afterExec := func(ctx SpecContext) {
			GinkgoHelper()
			awaitHup(ctx, threadFd)
			Expect(exitInfo(threadFd)).To(Equal(exitStatus{Exited: true, Code: 0}), "the exec'ing thread's old tid")
			Expect(liveInfo(c.Pidfd)).To(BeEquivalentTo(c.Pid), "thread-group pidfd after the exec")
			c.Kill()
			c.Reap(ctx)
			awaitHup(ctx, c.Pidfd)
			Expect(exitInfo(c.Pidfd)).To(Equal(exitStatus{Signaled: true, Signal: syscall.SIGKILL}), "the new image")
		}

		// Behavior: when the leader exited early and a thread then execs, GET_INFO through that
		//           thread's PIDFD_THREAD pidfd reports EXIT with status 0 (the thread's old tid
		//           ended without a signal), the thread-group pidfd reports the live new image
		//           under the leader's pid, and after SIGKILL and the reap, EXIT with SIGKILL.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group_exec (its
		//           GET_INFO parts; the poll parts are in suites/poll)
		// Since:    v6.15
		It("reports exit status 0 for a thread that execs after the leader exited", helpers.ID("reports_exit_status_0_for_thread_that_execs_after_leader"), helpers.SelftestPidfdInfo, helpers.Requires(kernel.Procfs), func(ctx SpecContext) {
			c.MustCall(ctx, "exit-leader")
			Eventually(ctx, func() (string, error) { return kernel.ThreadState(c.Pid, c.Pid) }).
				WithTimeout(helpers.EventTimeout()).Should(Equal("Z"), "the leader is a zombie")
			execThread(ctx)
			afterExec(ctx)
		})

		// Behavior: when a thread execs while the leader lives (and waits), GET_INFO through the thread's
		//           PIDFD_THREAD pidfd reports EXIT with status 0, the thread-group pidfd the live new
		//           image under the leader's pid, and after SIGKILL and the reap, EXIT with SIGKILL.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group_exec_thread
		//           (its GET_INFO parts; the poll parts are in suites/poll)
		// Since:    v6.15
		It("reports exit status 0 for a thread that execs while the leader lives", helpers.ID("reports_exit_status_0_for_thread_that_execs_while_leader"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			execThread(ctx)
			afterExec(ctx)
		})
	})
}
