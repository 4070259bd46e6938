package open

import (
	"fmt"
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/open/roles"
)

// The cases of a socket's peer pidfd that message buses and authorization
// services meet in practice: clients in containers (other pid namespaces),
// clients that exec after connecting (a setuid helper, say), credentials
// next to the pidfd, and clients that are gone by the time they are looked
// at, their pid number taken by another process. In every case the pidfd
// must name the process that was the peer, never one that merely has its
// pid number.
var _ = area.Describe("pidfds of a unix socket's peer: edge cases", helpers.ManUnix, helpers.Requires(kernel.PeerPidfd), func() {
	// passCredentialsAndPidfd sets SO_PASSCRED and SO_PASSPIDFD on sock.
	passCredentialsAndPidfd := func(sock int) {
		GinkgoHelper()
		Expect(unix.SetsockoptInt(sock, unix.SOL_SOCKET, unix.SO_PASSCRED, 1)).To(Succeed())
		Expect(unix.SetsockoptInt(sock, unix.SOL_SOCKET, kernel.SO_PASSPIDFD, 1)).To(Succeed())
	}
	// recvPeerMessage receives a message that must carry both control
	// messages and a pidfd; the pidfd is closed at cleanup.
	recvPeerMessage := func(sock int) (*unix.Ucred, int) {
		GinkgoHelper()
		m, err := kernel.RecvPeerMessage(sock)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Creds).NotTo(BeNil(), "no SCM_CREDENTIALS")
		Expect(m.HasPidfd).To(BeTrue(), "no SCM_PIDFD")
		Expect(m.Pidfd).To(BeNumerically(">=", 0), "SCM_PIDFD holds errno %v", unix.Errno(-m.Pidfd))
		DeferCleanup(unix.Close, int(m.Pidfd))
		return m.Creds, int(m.Pidfd)
	}

	Context("when the peer is in another pid namespace", helpers.NeedsPidNS, func() {
		var ns *helpers.PidNS
		BeforeEach(func(ctx SpecContext) { ns = helpers.NewPidNS(ctx) })

		// Behavior: getsockopt(SO_PEERPIDFD) for a peer in a child pid namespace returns a pidfd of that
		//           peer, whose fdinfo NSpid lists its pid in the caller's namespace and in its own.
		// Mirrors:  none
		// Since:    v6.5
		// Relied on by: dbus-broker (clients in containers); polkit (subjects by pidfd); systemd (sd-bus and varlink peers)
		It("returns a pidfd of a peer in a child pid namespace", helpers.ID("returns_pidfd_of_peer_in_child_pid_namespace"), helpers.SyscallGetsockopt, func(ctx SpecContext) {
			peer := ns.Spawn(ctx, 0, openroles.SocketPeer)
			sock := peer.MustCall(ctx, "socket").Fds[0]
			fd, err := kernel.GetPeerPidfd(sock)
			Expect(err).NotTo(HaveOccurred(), "getsockopt(SO_PEERPIDFD)")
			DeferCleanup(unix.Close, fd)
			helpers.ExpectPidfdOf(fd, peer.Pidfd, peer.Pid)
			info, err := kernel.Fdinfo(fd)
			Expect(err).NotTo(HaveOccurred())
			Expect(info).To(HaveKeyWithValue("NSpid", fmt.Sprintf("%d\t%d", peer.Pid, peer.NsPid)))
		})

		// Behavior: a caller in a child pid namespace whose peer lives outside it gets a pidfd
		//           from getsockopt(SO_PEERPIDFD), not an error; its fdinfo there shows Pid 0
		//           (not visible), and the same pidfd, handed back out, is the outside peer's.
		// Mirrors:  none (pidfd_fdinfo_test.c shows Pid 0 for a pidfd
		//           of a process outside the reader's namespace)
		// Since:    v6.5
		// Relied on by: dbus-broker and systemd running in a container (peers on the host side of a socket)
		It("returns a pidfd of a peer outside the caller's pid namespace", helpers.ID("returns_pidfd_of_peer_outside_callers_pid_namespace"), helpers.SyscallGetsockopt, func(ctx SpecContext) {
			reader := ns.Spawn(ctx, 0, openroles.SocketPeer)
			sp, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, sp[0])
			DeferCleanup(unix.Close, sp[1])
			r := reader.MustCall(ctx, "peer-pidfd", sp[1])
			info := kernel.ParseFdinfo(r.Text)
			Expect(info).To(HaveKeyWithValue("Pid", "0"), "fdinfo inside the namespace:\n%s", r.Text)
			Expect(info).To(HaveKeyWithValue("NSpid", "0"), "fdinfo inside the namespace:\n%s", r.Text)
			Expect(r.Fds).To(HaveLen(1))
			helpers.ExpectPidfdOf(r.Fds[0], helpers.SelfPidfd(), os.Getpid())
		})

		// Behavior: a sender with CAP_SYS_ADMIN over its pid namespace may name another
		//           process of that namespace in SCM_CREDENTIALS; the SCM_PIDFD of the message
		//           then refers to that same process, so credentials and pidfd never disagree.
		// Mirrors:  none (net/core/scm.c: SCM_CREDENTIALS replaces
		//           the message's pid, from which SCM_PIDFD is made)
		// Since:    v6.5
		// Relied on by: systemd (its sd_notify socket sets SO_PASSCRED and SO_PASSPIDFD and takes a notification's sender from both)
		It("carries a pidfd of the process the credentials name", helpers.ID("carries_pidfd_of_process_credentials_name"), helpers.SyscallRecvmsg, func(ctx SpecContext) {
			sender := ns.Spawn(ctx, 0, openroles.SocketPeer)
			sock := sender.MustCall(ctx, "socket").Fds[0]
			passCredentialsAndPidfd(sock)
			sender.MustCall(ctx, "say-as 1")
			creds, pidfd := recvPeerMessage(sock)
			Expect(creds.Pid).To(BeEquivalentTo(ns.Init().Pid), "SCM_CREDENTIALS pid, in the receiver's namespace")
			helpers.ExpectPidfdOf(pidfd, ns.Init().Pidfd, ns.Init().Pid)
		})
	})

	// Behavior: with SO_PASSCRED and SO_PASSPIDFD both set, a message carries
	//           SCM_CREDENTIALS and SCM_PIDFD that name the same process: the credentials'
	//           pid, uid and gid are the sender's and the pidfd is the sender's.
	// Mirrors:  none
	// Since:    v6.5
	// Relied on by: systemd (its sd_notify socket sets SO_PASSCRED and SO_PASSPIDFD and takes a notification's sender from both; PassPIDFD= socket units)
	It("carries credentials and a pidfd of the same sender", helpers.ID("carries_credentials_and_pidfd_of_same_sender"), helpers.SyscallRecvmsg, func(ctx SpecContext) {
		peer := helpers.StartChild(ctx, openroles.SocketPeer, nil)
		sock := peer.MustCall(ctx, "socket").Fds[0]
		passCredentialsAndPidfd(sock)
		peer.MustCall(ctx, "say")
		creds, pidfd := recvPeerMessage(sock)
		Expect(*creds).To(Equal(unix.Ucred{Pid: int32(peer.Pid), Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())}))
		helpers.ExpectPidfdOf(pidfd, peer.Pidfd, peer.Pid)
	})

	// Behavior: after the peer execs, from its thread-group leader or from another thread
	//           (which then takes over the leader's pid), getsockopt(SO_PEERPIDFD) returns a
	//           pidfd of the same process, which has not exited (it does not poll readable).
	// Mirrors:  none
	// Since:    v6.5
	// Relied on by: polkit (a client that execs a setuid helper stays the same subject); dbus-broker (peer identity across exec)
	DescribeTable("returns a pidfd of the same process after the peer exec'd", helpers.SyscallGetsockopt,
		func(ctx SpecContext, how string) {
			peer := helpers.StartChild(ctx, openroles.SocketPeer, nil)
			sock := peer.MustCall(ctx, "socket").Fds[0]
			Expect(peer.Channel.Send(how + " " + helpers.RoleProcess)).To(Succeed())
			Expect(peer.Recv(ctx)).To(HavePrefix("ready "), "the peer's new image")
			fd, err := kernel.GetPeerPidfd(sock)
			Expect(err).NotTo(HaveOccurred(), "getsockopt(SO_PEERPIDFD)")
			DeferCleanup(unix.Close, fd)
			helpers.ExpectPidfdOf(fd, peer.Pidfd, peer.Pid)
			Expect(kernel.PollOnce(fd, 0)).To(BeZero(), "the peer's pidfd polls readable after an exec")
		},
		Entry("from its leader", helpers.ID("pidfd_of_same_process_after_peer_exec_from_leader"), "exec"),
		Entry("from another thread", helpers.ID("pidfd_of_same_process_after_peer_exec_from_another_thread"), "exec-thread"),
	)

	// Behavior: once the peer has been reaped and its pid number taken by another process (in the pid
	//           namespace where the caller lives), getsockopt(SO_PEERPIDFD) never yields the newcomer:
	//           since v6.16 it returns a pidfd of the reaped peer (fdinfo Pid -1, signals fail with
	//           ESRCH, a pidfs inode other than the newcomer's); before, it fails with EINVAL or ESRCH.
	// Mirrors:  none
	// Since:    v6.5 (a pidfd of the reaped peer since v6.16)
	// Relied on by: dbus-broker and polkit (a client that exited is never mistaken for the process that took its pid)
	It("never names the process that took a reaped peer's pid", helpers.ID("never_names_process_that_took_reaped_peer_pid"), helpers.SyscallGetsockopt, helpers.NeedsPidNS, func(ctx SpecContext) {
		ns := helpers.NewPidNS(ctx)
		querier := ns.Spawn(ctx, 0, openroles.SocketPeer)
		_, _, successor := helpers.ReusePidNumberOf(ctx, ns, 1000, openroles.SocketPeer, helpers.RoleNone, func(old *helpers.Child) {
			querier.MustCall(ctx, "keep", old.MustCall(ctx, "socket").Fds[0])
		})
		r, err := querier.Call(ctx, "peer-pidfd")
		if err != nil && !reapedPeerHasPidfd {
			Expect(err).To(helpers.BeErrno(oldReapedPeerErrnos[0], oldReapedPeerErrnos[1:]...), "before v6.16")
			return
		}
		Expect(err).NotTo(HaveOccurred(), "getsockopt(SO_PEERPIDFD) in the namespace")
		Expect(kernel.ParseFdinfo(r.Text)).To(HaveKeyWithValue("Pid", "-1"), "fdinfo in the namespace:\n%s", strings.TrimSpace(r.Text))
		Expect(r.Fds).To(HaveLen(1))
		Expect(unix.PidfdSendSignal(r.Fds[0], 0, nil, 0)).To(helpers.BeErrno(unix.ESRCH))
		if kernel.Pidfs.Present() {
			Expect(helpers.Inode(r.Fds[0])).NotTo(Equal(helpers.Inode(successor.Pidfd)))
		}
	})
})
