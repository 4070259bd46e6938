package open

import (
	"strconv"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/open/roles"
)

// reapedPeerHasPidfd is whether this kernel must hand out a pidfd of a
// reaped peer; an older one may too (backport) or fail with
// oldReapedPeerErrnos, the errnos it used then.
var (
	reapedPeerHasPidfd  = kernel.Kernel().AtLeast("6.16")
	oldReapedPeerErrnos = []unix.Errno{unix.EINVAL, unix.ESRCH}
)

// A unix socket hands out pidfds of its peer: getsockopt(SO_PEERPIDFD) for
// the process that created or connected the other end, and SCM_PIDFD (with
// SO_PASSPIDFD set) for the sender of each message. They are ways to open a
// pidfd, so they live with pidfd_open and CLONE_PIDFD. Since v6.16 an
// AF_UNIX socket registers its peer with pidfs, so SO_PEERPIDFD hands out a
// pidfd (with its exit status) even for a peer that has been reaped, and
// since v6.17 SCM_PIDFD does the same for a reaped sender; before, both
// failed (EINVAL from pidfd_prepare, or ESRCH).
var _ = area.Describe("pidfds of a unix socket's peer (SO_PEERPIDFD, SCM_PIDFD)", helpers.ManUnix, helpers.Requires(kernel.PeerPidfd), func() {
	var peer *helpers.Child
	var sock int // our end of a socketpair the peer created

	BeforeEach(func(ctx SpecContext) {
		peer = helpers.StartChild(ctx, openroles.SocketPeer, nil)
		sock = peer.MustCall(ctx, "socket").Fds[0]
	})

	// peerPidfd is getsockopt(SO_PEERPIDFD), which must succeed; the pidfd
	// is closed at cleanup.
	peerPidfd := func() int {
		GinkgoHelper()
		fd, err := kernel.GetPeerPidfd(sock)
		Expect(err).NotTo(HaveOccurred(), "getsockopt(SO_PEERPIDFD)")
		DeferCleanup(unix.Close, fd)
		return fd
	}
	// scmPidfd enables SO_PASSPIDFD on our end, has the peer send one byte
	// and then applies before (an exit, say) ahead of the receive. It
	// returns the SCM_PIDFD value, closed at cleanup when it is an fd.
	scmPidfd := func(ctx SpecContext, before func()) int32 {
		GinkgoHelper()
		Expect(unix.SetsockoptInt(sock, unix.SOL_SOCKET, kernel.SO_PASSPIDFD, 1)).To(Succeed())
		peer.MustCall(ctx, "say")
		before()
		value, ok, err := kernel.RecvSCMPidfd(sock)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue(), "the message carries no SCM_PIDFD")
		if value >= 0 {
			DeferCleanup(unix.Close, int(value))
		}
		return value
	}
	// exitStatusOf checks that pidfd reports the peer's death by SIGKILL
	// (PIDFD_INFO_EXIT came in v6.15, before pidfds of reaped peers).
	exitStatusOf := func(pidfd int) {
		GinkgoHelper()
		helpers.RequireFeature(kernel.PidfdInfoExit)
		info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_EXIT)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mask & unix.PIDFD_INFO_EXIT).NotTo(BeZero())
		Expect(syscall.WaitStatus(info.Exit_code).Signal()).To(Equal(syscall.SIGKILL))
	}
	killAndReap := func(ctx SpecContext) {
		GinkgoHelper()
		peer.Kill()
		Expect(peer.Reap(ctx).Signal()).To(Equal(syscall.SIGKILL))
	}
	Context("getsockopt(SO_PEERPIDFD)", helpers.SyscallGetsockopt, func() {
		// Behavior: getsockopt(SO_PEERPIDFD) returns a pidfd of the process that created the socket's peer end.
		// Mirrors:  scm_pidfd.c scm_pidfd.test (net/af_unix selftest: the client's SO_PEERPIDFD of the server)
		// Since:    v6.5
		It("returns a pidfd of the peer", helpers.ID("returns_a_pidfd_of_the_peer"), helpers.SelftestScmPidfd, helpers.Requires(kernel.Procfs), func() {
			Expect(fdinfoPid(peerPidfd())).To(Equal(strconv.Itoa(peer.Pid)))
		})

		// Behavior: getsockopt(SO_PEERPIDFD) on a unix socket that never had a peer fails with ENODATA.
		// Mirrors:  none (net/core/sock.c SO_PEERPIDFD: no sk_peer_pid → -ENODATA)
		// Since:    v6.5
		It("fails with ENODATA on a socket without a peer", helpers.ID("fails_with_enodata_on_a_socket_without_a_peer"), func() {
			s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, s)
			_, err = kernel.GetPeerPidfd(s)
			Expect(err).To(helpers.BeErrno(unix.ENODATA))
		})

		// Behavior: for a peer that has exited but is not yet reaped, getsockopt(SO_PEERPIDFD) returns a
		//           pidfd that polls exactly POLLIN (the exit is visible through it; no POLLHUP: not reaped).
		// Mirrors:  none
		// Since:    v6.5
		It("returns a pidfd reporting the exit of a peer not yet reaped", helpers.ID("returns_a_pidfd_reporting_the_exit_of_a_peer_not_yet_reaped"), func(ctx SpecContext) {
			peer.Kill()
			helpers.AwaitZombie(ctx, peer.Pidfd)
			// A zombie whose thread group is empty polls EPOLLIN|EPOLLRDNORM,
			// of which poll(2) asked only POLLIN (v7.3 fs/pidfs.c:323-324
			// pidfd_poll; v6.1 kernel/fork.c:1952-1953 thread_group_exited).
			Expect(kernel.PollOnce(peerPidfd(), 0)).To(helpers.HavePollEvents(unix.POLLIN))
		})

		// Behavior: for a peer that has been reaped, getsockopt(SO_PEERPIDFD) on an
		//           AF_UNIX socket returns a pidfd that polls POLLIN|POLLHUP and
		//           reports, through PIDFD_INFO_EXIT, the peer's death by SIGKILL.
		// Mirrors:  none (net/core/sock.c SO_PEERPIDFD: pidfd_prepare(peer, PIDFD_STALE)
		//           for AF_UNIX, whose connect registers the peer with pidfs)
		// Since:    v6.16
		It("returns a pidfd of a reaped peer that reports its exit", helpers.ID("returns_a_pidfd_of_a_reaped_peer_that_reports_exit"), helpers.Requires(kernel.PeerPidfdReaped), func(ctx SpecContext) {
			killAndReap(ctx)
			fd, err := kernel.GetPeerPidfd(sock)
			Expect(err).NotTo(HaveOccurred(), "getsockopt(SO_PEERPIDFD)")
			DeferCleanup(unix.Close, fd)
			// No task: EPOLLIN|EPOLLRDNORM|EPOLLHUP (v7.3 fs/pidfs.c:321-322).
			Expect(kernel.PollOnce(fd, 0)).To(helpers.ReapedPollEvents())
			exitStatusOf(fd)
		})
	})

	Context("SCM_PIDFD", helpers.SyscallRecvmsg, func() {
		// Behavior: with SO_PASSPIDFD set on the receiving end, a message carries
		//           an SCM_PIDFD control message holding a pidfd of its sender.
		// Mirrors:  scm_pidfd.c scm_pidfd.test (net/af_unix selftest:
		//           the client's SCM_PIDFD of the live server)
		// Since:    v6.5
		It("carries a pidfd of the sender", helpers.ID("carries_a_pidfd_of_the_sender"), helpers.SelftestScmPidfd, func(ctx SpecContext) {
			fd := scmPidfd(ctx, func() {})
			Expect(fd).To(BeNumerically(">=", 0))
			helpers.RequireFeature(kernel.Procfs)
			Expect(fdinfoPid(int(fd))).To(Equal(strconv.Itoa(peer.Pid)))
		})

		// Behavior: for a message whose sender has been reaped before it is received, SCM_PIDFD holds
		//           a pidfd that polls POLLIN|POLLHUP and reports, through PIDFD_INFO_EXIT, the
		//           sender's death by SIGKILL.
		// Mirrors:  scm_pidfd.c scm_pidfd.test (net/af_unix selftest, cmsg_check_dead:
		//           SCM_PIDFD of the reaped client and its exit code through
		//           PIDFD_INFO_EXIT; net/core/scm.c scm_pidfd_recv uses PIDFD_STALE)
		// Since:    v6.17
		It("carries a pidfd of a reaped sender that reports its exit", helpers.ID("carries_a_pidfd_of_a_reaped_sender_that_reports_exit"), helpers.SelftestScmPidfd, helpers.Requires(kernel.ScmPidfdReaped), func(ctx SpecContext) {
			fd := scmPidfd(ctx, func() { killAndReap(ctx) })
			Expect(fd).To(BeNumerically(">=", 0), "SCM_PIDFD holds errno %v", unix.Errno(-fd))
			// No task: EPOLLIN|EPOLLRDNORM|EPOLLHUP (v7.3 fs/pidfs.c:321-322).
			Expect(kernel.PollOnce(int(fd), 0)).To(helpers.ReapedPollEvents())
			exitStatusOf(int(fd))
		})
	})
})
