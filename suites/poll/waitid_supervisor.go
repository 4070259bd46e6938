package poll

import (
	"fmt"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/poll/roles"
)

// How a service manager waits: it peeks at an exit before it reaps, waits
// for children that send it no exit signal, and, as a subreaper, for
// processes it adopted when their parent died.
var _ = area.Describe("waitid(2) with P_PIDFD for a supervisor", helpers.SyscallWaitid, helpers.Requires(kernel.WaitidPidfd), func() {
	Context("with WNOWAIT", helpers.FlagWaitNowait, func() {
		// Behavior: waitid(P_PIDFD, WEXITED|WNOWAIT) reports an exited child's CLD_EXITED, pid and status but
		//           leaves it a zombie: its pidfd still polls POLLIN without POLLHUP, a second waitid(P_PIDFD,
		//           WEXITED) reports the same exit and reaps it, and a third finds no child (ECHILD).
		// Mirrors:  man waitid(2) (WNOWAIT)
		// Since:    v5.4
		// Relied on by: systemd (reads a unit's exit before reaping it); process supervisors
		It("leaves the child waitable", helpers.ID("waitid_pidfd_wnowait_leaves_the_child_waitable"), helpers.ManWaitid, func(ctx SpecContext) {
			c := helpers.StartChild(ctx, helpers.RoleProcess, nil)
			Expect(c.Channel.Send("exit 5")).To(Succeed())
			want := state{kernel.CLD_EXITED, c.Pid, 5}
			Expect(childState(waitFor(ctx, c.Pidfd, unix.WEXITED|unix.WNOWAIT))).To(Equal(want))
			revents, err := kernel.PollOnce(c.Pidfd, 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(revents).To(helpers.HavePollEvents(unix.POLLIN), "a zombie polls POLLIN, a reaped process POLLIN|POLLHUP (v6.9+)")
			Expect(childState(waitFor(ctx, c.Pidfd, unix.WEXITED))).To(Equal(want))
			_, err = kernel.Waitid(c.Pidfd, unix.WEXITED|unix.WNOHANG)
			Expect(err).To(helpers.BeErrno(unix.ECHILD))
		})
	})

	Context("when the child has no exit signal", helpers.SyscallClone3, helpers.FlagWaitAll, func() {
		// Behavior: a child made with clone3 exit_signal 0 is a "clone" child: waitid(P_PIDFD,
		//           WEXITED|WNOHANG) without __WALL fails with ECHILD even though the child is a zombie
		//           (its pidfd polls POLLIN), and with __WALL reports its CLD_EXITED, pid and status.
		// Mirrors:  man waitid(2) (__WALL); man clone(2) (exit_signal)
		// Since:    v5.4
		// Relied on by: process supervisors that spawn with clone3 (systemd)
		It("is waited for only with __WALL", helpers.ID("waitid_pidfd_child_with_no_exit_signal_only_with_wall"), helpers.ManWaitid, helpers.Requires(kernel.Clone3), func(ctx SpecContext) {
			helpers.RequireRawClone3()
			c, err := kernel.Clone3Exit(unix.CLONE_PIDFD, 0, 9)
			Expect(err).NotTo(HaveOccurred())
			helpers.SettleClone3(helpers.Clone3Child{Clone3Process: c})
			_, err = kernel.WaitPollBits(ctx, c.Pidfd, unix.POLLIN, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred(), "the child did not exit")
			_, err = kernel.Waitid(c.Pidfd, unix.WEXITED|unix.WNOHANG)
			Expect(err).To(helpers.BeErrno(unix.ECHILD), "without __WALL")
			Expect(childState(waitFor(ctx, c.Pidfd, unix.WEXITED|unix.WALL))).To(Equal(state{kernel.CLD_EXITED, c.Pid, 9}))
		})
	})

	Context("when a subreaper adopted the process", helpers.ManPrctl, func() {
		var subreaper *helpers.Child
		var adopted int

		BeforeEach(func(ctx SpecContext) {
			subreaper = helpers.StartChild(ctx, pollroles.Subreaper, nil)
			r := subreaper.MustCall(ctx, "adopt")
			Expect(r.Fields).To(HaveLen(2), "adopt reply %q", r.Text)
			adopted, _ = strconv.Atoi(r.Fields[0])
			// The adopted process exits when the subreaper's cleanup kills
			// the subreaper: that closes the peer socket it lives on.
			Expect(r.Fields[1]).To(Equal("ECHILD"), "waitid(P_PIDFD) on the grandchild while its parent lived")
		})

		// Behavior: a child subreaper (PR_SET_CHILD_SUBREAPER) holding a pidfd of a grandchild
		//           gets ECHILD from waitid(P_PIDFD) while the grandchild's parent lives, and
		//           once that parent has died and the grandchild is reparented to it,
		//           waitid(P_PIDFD, WEXITED|WNOHANG) finds the running child (no state change)
		//           and, after SIGKILL, waitid(P_PIDFD, WEXITED) reports CLD_KILLED with its pid.
		// Mirrors:  man prctl(2) (PR_SET_CHILD_SUBREAPER); man waitid(2)
		// Since:    v5.4
		// Relied on by: systemd (service and user managers are subreapers); container inits
		It("waits for the adopted process through its pidfd", helpers.ID("waitid_pidfd_subreaper_waits_for_adopted_process"), helpers.ManWaitid, func(ctx SpecContext) {
			r := subreaper.MustCall(ctx, fmt.Sprintf("wait %#x", unix.WEXITED|unix.WNOHANG))
			Expect(r.Fields).To(Equal([]string{"0", "0", "0"}), "a running child: no state change, si_pid 0")
			subreaper.MustCall(ctx, "kill")
			r = subreaper.MustCall(ctx, fmt.Sprintf("wait %#x", unix.WEXITED))
			Expect(r.Fields).To(Equal([]string{strconv.Itoa(kernel.CLD_KILLED), strconv.Itoa(adopted), strconv.Itoa(int(unix.SIGKILL))}), "si_code si_pid si_status")
		})
	})
})
