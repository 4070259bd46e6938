package seccomp

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/suites/seccomp/roles"
)

// fileOf parses "<fd> <dev> <ino>" from the target.
func fileOf(fields []string) (fd int, id helpers.FileID) {
	GinkgoHelper()
	Expect(fields).To(HaveLen(3), "want <fd> <dev> <ino>, got %q", fields)
	fd, err := strconv.Atoi(fields[0])
	Expect(err).NotTo(HaveOccurred())
	id.Dev, err = strconv.ParseUint(fields[1], 10, 64)
	Expect(err).NotTo(HaveOccurred())
	id.Ino, err = strconv.ParseUint(fields[2], 10, 64)
	Expect(err).NotTo(HaveOccurred())
	return fd, id
}

// A container supervisor (LXD, Incus, crun's seccomp agents) emulates some
// system calls of the container: a seccomp filter sends them to a listener
// fd, the supervisor reads the notification, opens a pidfd of the task
// from the pid in it, re-checks with SECCOMP_IOCTL_NOTIF_ID_VALID that the
// task is still the one that trapped (the pid could have been reused in
// between), fetches the task's fds with pidfd_getfd and hands it new ones
// with SECCOMP_IOCTL_NOTIF_ADDFD.
var _ = area.Describe("seccomp user notification and pidfds", helpers.SyscallSeccomp, helpers.IoctlSeccompNotif, helpers.ManSeccompUnotify, func() {
	var target *helpers.Child
	var listener int
	var targetMemfd int
	var targetMemfdID helpers.FileID

	BeforeEach(func(ctx SpecContext) {
		helpers.RequireFeature(kernel.SeccompUserNotif)
		if _, ok := kernel.TrapFilter(unix.SYS_OPENAT, 3, seccomproles.TrapMode); !ok {
			helpers.SkipFor(outcome.Architecture, "the suite has no seccomp filter for this architecture (AUDIT_ARCH unknown)")
		}
		target = helpers.StartChild(ctx, seccomproles.Target, nil)
		r := target.MustCall(ctx, "listen")
		Expect(r.Fds).To(HaveLen(1), "the listener")
		listener = r.Fds[0]
		targetMemfd, targetMemfdID = fileOf(r.Fields)
	})

	// trap has the target make its trapped openat and receives the
	// notification; the target waits for an answer until it is killed.
	trap := func(ctx SpecContext) kernel.SeccompNotif {
		GinkgoHelper()
		Expect(target.Channel.Send("open")).To(Succeed())
		revents, err := kernel.WaitReadable(ctx, listener, helpers.EventTimeout())
		Expect(err).NotTo(HaveOccurred(), "the listener never reported the trapped openat")
		Expect(revents&unix.POLLIN).NotTo(BeZero(), "listener polls %s", kernel.PollBits(revents))
		n, err := kernel.SeccompNotifyRecv(listener)
		Expect(err).NotTo(HaveOccurred(), "SECCOMP_IOCTL_NOTIF_RECV")
		Expect(n.Data.Nr).To(BeEquivalentTo(unix.SYS_OPENAT))
		Expect(n.Data.Args[3]).To(BeEquivalentTo(seccomproles.TrapMode))
		return n
	}
	// killTarget kills the trapped target and waits until it has exited.
	killTarget := func(ctx SpecContext) {
		GinkgoHelper()
		target.Kill()
		Expect(kernel.WaitReadable(ctx, target.Pidfd, helpers.EventTimeout())).NotTo(BeZero())
	}

	// Behavior: the notification's pid is the trapping task's (in the listener's pid namespace);
	//           pidfd_open(2) of it yields a pidfd of that very process (the same pidfs inode as
	//           the target's own pidfd since v6.9, the same fdinfo Pid before), and
	//           SECCOMP_IOCTL_NOTIF_ID_VALID (ID_VALID) then succeeds: the notification is still
	//           pending for that task, so the pidfd cannot be of a process that took a reused pid.
	// Mirrors:  seccomp_bpf.c global.user_notification_child_pid_ns (req.pid); man seccomp_unotify(2)
	// Since:    v5.3
	// Relied on by: LXD and Incus (syscall interception: pidfd_open of the notifying task, then the ID_VALID check); crun (seccomp agents)
	It("names a task whose pidfd_open is checked with ID_VALID", helpers.ID("names_task_whose_pidfd_open_is_checked_with_id_valid"), helpers.SelftestSeccompBPF, helpers.Requires(kernel.PidfdOpen), func(ctx SpecContext) {
		n := trap(ctx)
		Expect(n.Pid).To(BeEquivalentTo(target.Pid))
		pidfd := helpers.OpenPidfd(int(n.Pid), 0)
		Expect(kernel.SeccompNotifyIDValid(listener, n.ID)).To(Succeed(), "SECCOMP_IOCTL_NOTIF_ID_VALID after pidfd_open")
		helpers.ExpectPidfdOf(pidfd, target.Pidfd, target.Pid)
	})

	// Behavior: through the pidfd of the notifying task, pidfd_getfd(2) fetches an fd of the trapped
	//           task: the supervisor's new fd refers to the task's file (same device and inode).
	// Mirrors:  man seccomp_unotify(2)
	// Since:    v5.6
	// Relied on by: LXD and Incus (emulated syscalls act on the container's fds); crun (seccomp agents)
	It("lets the supervisor fetch the trapped task's fd with pidfd_getfd", helpers.ID("supervisor_fetch_trapped_task_fd_with_pidfd_getfd"), helpers.Requires(kernel.PidfdGetfd), func(ctx SpecContext) {
		n := trap(ctx)
		pidfd := helpers.OpenPidfd(int(n.Pid), 0)
		fd, err := unix.PidfdGetfd(pidfd, targetMemfd, 0)
		Expect(err).NotTo(HaveOccurred(), "pidfd_getfd(%d)", targetMemfd)
		DeferCleanup(unix.Close, fd)
		Expect(helpers.Inode(fd)).To(Equal(targetMemfdID))
	})

	// Behavior: SECCOMP_IOCTL_NOTIF_ADDFD installs a file of the supervisor in the trapped task and
	//           returns its fd number there; answering the notification with that number makes the
	//           trapped openat(2) return it, and the task's fd refers to the supervisor's file.
	// Mirrors:  seccomp_bpf.c global.user_notification_addfd; man seccomp_unotify(2)
	// Since:    v5.9
	// Relied on by: LXD and Incus (emulated syscalls that return fds); crun (seccomp agents)
	It("installs a supervisor's fd in the trapped task with ADDFD", helpers.ID("addfd_installs_supervisor_fd_in_trapped_task"), helpers.SelftestSeccompBPF, func(ctx SpecContext) {
		helpers.RequireFeature(kernel.SeccompAddfd)
		n := trap(ctx)
		src, err := unix.MemfdCreate("pidfdconf-supervisor", unix.MFD_CLOEXEC)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(unix.Close, src)
		newfd, err := kernel.SeccompNotifyAddfd(listener, kernel.SeccompNotifAddfd{ID: n.ID, Srcfd: uint32(src)})
		Expect(err).NotTo(HaveOccurred(), "SECCOMP_IOCTL_NOTIF_ADDFD")
		Expect(newfd).To(BeNumerically(">=", 0))
		Expect(kernel.SeccompNotifySend(listener, kernel.SeccompNotifResp{ID: n.ID, Val: int64(newfd)})).To(Succeed())
		reply, err := helpers.ParseReply(target.Recv(ctx), nil)
		Expect(err).NotTo(HaveOccurred(), "the trapped openat")
		got, id := fileOf(reply.Fields)
		Expect(got).To(Equal(newfd))
		Expect(id).To(Equal(helpers.Inode(src)))
	})

	Context("when the trapped task has been killed", func() {
		// Behavior: once the trapped task is killed and has exited,
		//           SECCOMP_IOCTL_NOTIF_ID_VALID (ID_VALID) fails with ENOENT for its notification: a
		//           supervisor learns that its pidfd_open may have reached another process.
		// Mirrors:  seccomp_bpf.c global.user_notification_kill_in_middle; man seccomp_unotify(2)
		// Since:    v5.0
		// Relied on by: LXD and Incus (drop a request whose task is gone); crun (seccomp agents)
		It("fails ID_VALID with ENOENT", helpers.ID("killed_trapped_task_fails_id_valid_with_enoent"), helpers.SelftestSeccompBPF, func(ctx SpecContext) {
			n := trap(ctx)
			Expect(kernel.SeccompNotifyIDValid(listener, n.ID)).To(Succeed(), "while the task waits")
			killTarget(ctx)
			Expect(kernel.SeccompNotifyIDValid(listener, n.ID)).To(helpers.BeErrno(unix.ENOENT))
		})

		// Behavior: SECCOMP_IOCTL_NOTIF_ADDFD for the notification of a task that has been
		//           killed fails with ENOENT: no fd is installed in a dead (or replaced) task.
		// Mirrors:  man seccomp_unotify(2)
		// Since:    v5.9
		// Relied on by: LXD and Incus (an fd never lands in a process that took the pid); crun (seccomp agents)
		It("fails ADDFD with ENOENT", helpers.ID("killed_trapped_task_fails_addfd_with_enoent"), func(ctx SpecContext) {
			helpers.RequireFeature(kernel.SeccompAddfd)
			n := trap(ctx)
			killTarget(ctx)
			_, err := kernel.SeccompNotifyAddfd(listener, kernel.SeccompNotifAddfd{ID: n.ID, Srcfd: uint32(listener)})
			Expect(err).To(helpers.BeErrno(unix.ENOENT))
		})

		// Behavior: once the only task using the filter has exited and been reaped, the
		//           listener's poll(2) reports POLLHUP (and nothing else: no notification is left).
		// Mirrors:  seccomp_bpf.c global.user_notification_filter_empty; man seccomp_unotify(2)
		// Since:    v5.8
		// Relied on by: LXD and Incus (end the supervision of a stopped container); crun (seccomp agents)
		It("makes the listener poll POLLHUP", helpers.ID("killed_trapped_task_makes_listener_poll_pollhup"), helpers.SelftestSeccompBPF, func(ctx SpecContext) {
			helpers.RequireSince("5.8", "POLLHUP on a seccomp listener whose filter has no users")
			trap(ctx)
			killTarget(ctx)
			target.Reap(ctx)
			Expect(kernel.PollOnce(listener, 0)).To(helpers.HavePollEvents(unix.POLLHUP))
		})
	})
})
