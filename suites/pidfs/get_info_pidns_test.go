package pidfs_test

import (
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// roleInfoAsker answers "info <mask>" with PIDFD_GET_INFO on the pidfd sent
// along: "ok <pid>" or the errno. Run inside a pid namespace, it asks about
// processes outside its namespace hierarchy.
var roleInfoAsker = helpers.RegisterRole("pidfs-info-asker", func(p *helpers.Peer, _ []string) int {
	p.Sendf("ready %d", os.Getpid())
	return helpers.Serve(p, map[string]helpers.Command{
		"info": func(req *helpers.Request) (string, error) {
			if err := req.Want(1, 1); err != nil {
				return "", err
			}
			mask, _ := strconv.ParseUint(req.Args[0], 0, 64)
			info, err := kernel.GetPidfdInfo(req.Fds[0], mask)
			if err != nil {
				return "", err
			}
			return strconv.Itoa(int(info.Pid)), nil
		},
	})
})

// outsideNamespaceErrno: pidfd_info() refuses a process with no pid in the
// caller's pid namespace. ESRCH per the reference (pid 0 → ESRCH, v6.13);
// 6.18.44 answers EREMOTE (measured). Which release switched is UNVERIFIED:
// 6.18 is the newest bound we can vouch for, so older kernels accept both.
var outsideNamespaceErrno = helpers.ErrnoHistory{{Since: "6.13", Errno: unix.ESRCH}, {Since: "6.18", Errno: unix.EREMOTE}}

var _ = Describe("PIDFD_GET_INFO ioctl", helpers.IoctlPidfdGetInfo, func() {
	Context("when the caller is in a pid namespace the process is not in", helpers.NeedsPidNS, func() {
		var asker *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PidfdGetInfo)
			helpers.RequireRoot("a pid namespace")
			helpers.RequireFeature(kernel.PidNamespaces)
			asker = helpers.NewPidNS(ctx).Spawn(ctx, 0, roleInfoAsker)
		})

		// Behavior: PIDFD_GET_INFO by a caller inside a child pid namespace on a pidfd (received over SCM_RIGHTS) of a live process outside that namespace fails: the process has no pid there (ESRCH; EREMOTE on 6.18).
		// Mirrors:  none (fs/pidfs.c pidfd_info: no pid in the caller's namespace)
		// Since:    v6.13 (EREMOTE by v6.18)
		It("refuses a live process outside the caller's namespace", helpers.ManPidfs, func(ctx SpecContext) {
			target := helpers.StartBlocked()
			_, err := asker.Call(ctx, "info "+strconv.Itoa(unix.PIDFD_INFO_PID), target.Pidfd)
			Expect(err).To(outsideNamespaceErrno.Matcher())
		})

		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_EXIT by a caller inside a child pid namespace on the pidfd of a reaped process outside it fails (ESRCH; EREMOTE on 6.18): its exit status is not visible there.
		// Mirrors:  LTP ioctl_pidfd03
		// Since:    v6.15 (EREMOTE by v6.18)
		It("refuses the exit status of a process outside the caller's namespace", helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PidfdInfoExit)
			target := helpers.StartBlocked()
			target.Reap(ctx)
			_, err := asker.Call(ctx, "info "+strconv.Itoa(unix.PIDFD_INFO_EXIT), target.Pidfd)
			Expect(err).To(outsideNamespaceErrno.Matcher())
		})

		// Behavior: (control) the same caller inside the namespace gets PIDFD_GET_INFO for itself, with its pid inside the namespace.
		// Mirrors:  none
		// Since:    v6.13
		It("reports the caller's own pid inside its namespace", helpers.ManPidfs, func(ctx SpecContext) {
			r, err := asker.Call(ctx, "info "+strconv.Itoa(unix.PIDFD_INFO_PID), asker.Pidfd)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Text).To(Equal(strconv.Itoa(asker.NsPid)))
		})
	})
})
