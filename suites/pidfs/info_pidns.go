package pidfs

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

// outsideNamespaceErrno: pidfd_info() refuses a process with no pid in the
// caller's pid namespace: ESRCH from v6.13 (the pid it finds there is 0),
// EREMOTE since commit ab89060fbc92e "pidfs: return -EREMOTE when
// PIDFD_GET_INFO is called on another ns" (v7.0; fs/pidfs.c pidfd_info
// checks pid_in_current_pidns first), backported to v6.18.14 and v6.19.10.
// Measured on Debian's kernels: 6.18.12 answers ESRCH; 6.18.44, 6.19.10,
// 7.0.13, 7.1.13 and 7.3.4 EREMOTE. Debian's 6.19.8 answers EREMOTE too,
// before the stable backport: the history accepts the newer errno there.
var outsideNamespaceErrno = helpers.ErrnoHistory{
	{Since: "6.13", Errno: unix.ESRCH},
	{Since: "7.0", Backports: []string{"6.18.14", "6.19.10"}, Errno: unix.EREMOTE},
}

// infoAcrossPidNamespaces is the part of the PIDFD_GET_INFO Describe about
// pid namespaces: which pid the caller sees.
func infoAcrossPidNamespaces() {
	Context("when the process is in a child pid namespace", helpers.NeedsPidNS, func() {
		var ns *helpers.PidNS
		var c *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PidNamespaces)
			ns = helpers.NewPidNS(ctx)
			c = ns.Spawn(ctx, 1000, helpers.RoleProcess)
		})

		// Behavior: PIDFD_GET_INFO reports a process in a child pid namespace
		//           by its pid in the caller's namespace, not its pid inside.
		// Mirrors:  none (pidfd_info_test.c pidfd_info.success_exit runs its child
		//           in new user and pid namespaces but checks only the mask)
		// Since:    v6.13
		It("reports the pid in the caller's namespace", helpers.ID("reports_the_pid_in_the_caller_namespace"), helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func() {
			info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_PID)
			Expect(err).NotTo(HaveOccurred())
			Expect([]uint32{info.Pid, info.Tgid}).To(HaveEach(BeEquivalentTo(c.Pid)))
			Expect(c.Pid).NotTo(Equal(1000), "the outer pid happens to equal the inner one; the spec proves nothing")
		})

		// Behavior: a process in a child pid namespace that exited with code 5 and was reaped by its
		//           namespace's init reports WIFEXITED 5 through PIDFD_INFO_EXIT to the caller outside.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped (its child in new user
		//           and pid namespaces; v6.15 selftest); LTP ioctl_pidfd02 (its isolated
		//           case: the namespace's init exits 100 and the caller reaps it)
		// Since:    v6.15
		It("reports the exit code once the namespace's init reaped it", helpers.ID("reports_exit_code_once_namespace_init_reaped_process"), helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, helpers.Requires(kernel.PidfdInfoExit), func(ctx SpecContext) {
			Expect(c.Channel.Send("exit 5")).To(Succeed())
			Expect(c.Reap(ctx).ExitStatus()).To(Equal(5))
			info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeExit(info.Exit_code)).To(Equal(exitStatus{Exited: true, Code: 5}))
		})
	})
}

// infoInNewUserAndPidNamespaces: the process is pid 1 of a pid namespace
// that comes with its own user namespace.
func infoInNewUserAndPidNamespaces() {
	Context("when the process is pid 1 of new user and pid namespaces", helpers.NeedsPidNS, func() {
		// Behavior: a process that is pid 1 of new user and pid namespaces and has exited but is not reaped
		//           answers PIDFD_GET_INFO with CGROUPID, and with CGROUPID|EXIT marks CREDS but not EXIT
		//           (exit information is published at reap). Unprivileged, as the selftest runs it.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_exit
		// Since:    v6.15
		It("marks CREDS but not EXIT while it is a zombie", helpers.ID("pid_1_zombie_marks_creds_but_not_exit"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PidfdInfoExit, kernel.PidNamespaces)
			c := helpers.StartChild(ctx, helpers.RoleProcess, nil, helpers.WithCloneflags(unix.CLONE_NEWPID), helpers.AsRootInNewUserNS())
			Expect(c.Channel.Send("exit 0")).To(Succeed())
			helpers.AwaitZombie(ctx, c.Pidfd)
			_, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_CGROUPID)
			Expect(err).NotTo(HaveOccurred())
			info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_CGROUPID|unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_CREDS).NotTo(BeZero())
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).To(BeZero())
		})
	})
}

// infoOutsideCallerNamespace: what a caller in a pid namespace may not see.
func infoOutsideCallerNamespace() {
	Context("when the caller is in a pid namespace the process is not in", helpers.NeedsPidNS, helpers.Requires(kernel.PidfdGetInfo), func() {
		var asker *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PidNamespaces)
			asker = helpers.NewPidNS(ctx).Spawn(ctx, 0, pidfsroles.InfoAsker)
		})

		// Behavior: PIDFD_GET_INFO by a caller inside a child pid namespace on a pidfd (received
		//           over SCM_RIGHTS) of a live process outside that namespace fails: the process
		//           has no pid there (ESRCH; EREMOTE since v7.0, v6.18.14 and v6.19.10).
		// Mirrors:  none (fs/pidfs.c pidfd_info: no pid in the caller's namespace)
		// Since:    v6.13 (EREMOTE since v7.0, v6.18.14, v6.19.10)
		It("refuses a live process outside the caller's namespace", helpers.ID("refuses_a_live_process_outside_the_caller_namespace"), helpers.ManPidfs, func(ctx SpecContext) {
			target := helpers.StartBlocked()
			_, err := asker.Call(ctx, "info "+strconv.Itoa(unix.PIDFD_INFO_PID), target.Pidfd)
			Expect(err).To(outsideNamespaceErrno.Matcher())
		})

		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_EXIT by a caller inside a child pid
		//           namespace on the pidfd of a reaped process outside it fails (ESRCH; EREMOTE
		//           since v7.0, v6.18.14 and v6.19.10): its exit status is not visible there.
		// Mirrors:  LTP ioctl_pidfd06 (ESRCH; EREMOTE since v7.0, commit
		//           ab89060fbc92e, backported to v6.18.14 and v6.19.10)
		// Since:    v6.15 (EREMOTE since v7.0, v6.18.14, v6.19.10)
		It("refuses the exit status of a process outside the caller's namespace", helpers.ID("refuses_exit_status_of_process_outside_caller_namespace"), helpers.LTPIoctlPidfd, helpers.Requires(kernel.PidfdInfoExit), func(ctx SpecContext) {
			target := helpers.StartBlocked()
			target.Reap(ctx)
			_, err := asker.Call(ctx, "info "+strconv.Itoa(unix.PIDFD_INFO_EXIT), target.Pidfd)
			Expect(err).To(outsideNamespaceErrno.Matcher())
		})

		// Behavior: (control) the same caller inside the namespace gets
		//           PIDFD_GET_INFO for itself, with its pid inside the namespace.
		// Mirrors:  none
		// Since:    v6.13
		It("reports the caller's own pid inside its namespace", helpers.ID("reports_caller_own_pid_inside_caller_pid_namespace"), helpers.ManPidfs, func(ctx SpecContext) {
			r, err := asker.Call(ctx, "info "+strconv.Itoa(unix.PIDFD_INFO_PID), asker.Pidfd)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Text).To(Equal(strconv.Itoa(asker.NsPid)))
		})
	})
}
