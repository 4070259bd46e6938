package clone

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/clone/roles"
)

// inheriting starts a helper with f as its fd 4 (after the peer at 3): a
// copy of the file in the fd table fork(2) gives the child.
func inheriting(f *os.File) helpers.ChildOption {
	return func(c *exec.Cmd) { c.ExtraFiles = append(c.ExtraFiles, f) }
}

// inheritedFd is where a helper started with inheriting finds its copy.
const inheritedFd = 4

// expectAlive requires the child to live on: its pidfd stays quiet for
// the quiet window, and signal 0 still reaches it.
func expectAlive(ctx SpecContext, observer int, why string) {
	GinkgoHelper()
	Expect(helpers.StaysQuiet(ctx, observer)).To(BeZero(), "the child died %s", why)
	Expect(unix.PidfdSendSignal(observer, 0, nil, 0)).To(Succeed(), "the child is gone %s", why)
}

// expectAutokilled requires the child to be killed (SIGKILL) and released.
func expectAutokilled(ctx SpecContext, c *cloned, observer int) {
	GinkgoHelper()
	expectAutoreaped(ctx, c.Pid, observer)
	expectKilled(observer, unix.SIGKILL)
}

// The kill of CLONE_PIDFD_AUTOKILL belongs to the file clone3 returned: it
// fires when the last reference to that open file goes, whoever holds it.
// A dup, a fork and SCM_RIGHTS copy the reference; an exec drops it where
// the fd is close-on-exec. Opening the process again (pidfd_open,
// /proc/self/fd, open_by_handle_at) makes another file, which neither fires
// the kill nor holds it off.
var _ = area.Describe("clone3(2) CLONE_PIDFD_AUTOKILL references", helpers.SyscallClone3, helpers.FlagClonePidfdAutokill, helpers.Requires(kernel.ClonePidfdAutokill), func() {
	var c *cloned
	var observer int // a pidfd_open pidfd: watches without holding the kill

	BeforeEach(func(ctx SpecContext) {
		c, _ = cloneRole(ctx, autokillFlags, helpers.RoleProcess)
		observer = helpers.OpenPidfd(c.Pid, 0)
	})

	Context("when the clone3 pidfd is copied", func() {
		// Behavior: a dup of the clone3 CLONE_PIDFD_AUTOKILL pidfd keeps the child alive after the original
		//           fd is closed; closing the dup, the last reference, kills it with SIGKILL.
		// Mirrors:  none (fs/pidfs.c pidfs_file_release: the kill is
		//           the release of the file, after its last fput)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (a child that dies with its supervisor's pidfd)
		It("keeps the child alive while a dup of the pidfd is open", helpers.ID("autokill_dup_of_the_pidfd_keeps_the_child_alive"), helpers.ManClone, func(ctx SpecContext) {
			dup, err := unix.FcntlInt(uintptr(c.Pidfd), unix.F_DUPFD_CLOEXEC, 0)
			Expect(err).NotTo(HaveOccurred())
			c.closePidfd()
			expectAlive(ctx, observer, "when the original fd was closed while a dup was open")
			Expect(unix.Close(dup)).To(Succeed())
			expectAutokilled(ctx, c, observer)
		})

		// Behavior: the copy of the clone3 CLONE_PIDFD_AUTOKILL pidfd that another process
		//           inherited at fork keeps the child alive after the creator closes its
		//           own; that process closing its copy, the last reference, kills the child.
		// Mirrors:  none (kernel/fork.c dup_fd shares the file; fs/pidfs.c pidfs_file_release)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (a child that dies with its supervisor's pidfd)
		It("keeps the child alive while a process that inherited the pidfd holds it", helpers.ID("autokill_inherited_pidfd_keeps_child_alive"), helpers.ManClone, func(ctx SpecContext) {
			holder := startInheritingHolder(ctx, c)
			expectAlive(ctx, observer, "when the creator closed its pidfd while another process held an inherited copy")
			holder.MustCall(ctx, fmt.Sprintf("release %d", inheritedFd))
			expectAutokilled(ctx, c, observer)
		})

		// Behavior: a copy of the clone3 CLONE_PIDFD_AUTOKILL pidfd sent to another process
		//           with SCM_RIGHTS keeps the child alive after the creator closes its
		//           own; the receiver closing it, the last reference, kills the child.
		// Mirrors:  none (net/unix SCM_RIGHTS passes the file itself; fs/pidfs.c pidfs_file_release)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (handing the pidfd to a supervisor)
		It("keeps the child alive while a process it was sent to with SCM_RIGHTS holds it", helpers.ID("autokill_pidfd_sent_with_scm_rights_keeps_child_alive"), helpers.ManUnix, func(ctx SpecContext) {
			holder, held := startHolding(ctx, c)
			expectAlive(ctx, observer, "when the creator closed its pidfd while a process it was sent to held it")
			holder.MustCall(ctx, fmt.Sprintf("release %d", held))
			expectAutokilled(ctx, c, observer)
		})

		// Behavior: a copy of the clone3 CLONE_PIDFD_AUTOKILL pidfd taken with pidfd_getfd(2) is the
		//           same open file: it keeps the child alive after every other process has
		//           closed its copy, and its own close, the last reference, kills the child.
		// Mirrors:  none (kernel/pid.c pidfd_getfd installs the target's file itself, as SCM_RIGHTS does)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers; seccomp supervisors that take fds with pidfd_getfd
		It("keeps the child alive while a pidfd_getfd copy of the pidfd is open", helpers.ID("autokill_pidfd_getfd_copy_keeps_child_alive"), helpers.SyscallPidfdGetfd, helpers.ManPidfdGetfd, helpers.Requires(kernel.PidfdGetfd), func(ctx SpecContext) {
			holder, held := startHolding(ctx, c)
			taken, err := unix.PidfdGetfd(holder.Pidfd, held, 0)
			Expect(err).NotTo(HaveOccurred(), "pidfd_getfd of the holder's copy")
			holder.MustCall(ctx, fmt.Sprintf("release %d", held))
			expectAlive(ctx, observer, "while a pidfd_getfd copy was open")
			Expect(unix.Close(taken)).To(Succeed())
			expectAutokilled(ctx, c, observer)
		})
	})

	Context("when the last holder exits or executes a program", func() {
		// Behavior: when the last process holding the CLONE_PIDFD_AUTOKILL pidfd
		//           exits, the exit closes its fds and so kills the child.
		// Mirrors:  none (kernel/exit.c do_exit → exit_files; fs/pidfs.c pidfs_file_release)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (the child dies with its supervisor)
		It("kills the child when the holder exits", helpers.ID("autokill_holder_exit_kills_the_child"), helpers.ManClone, func(ctx SpecContext) {
			holder := startInheritingHolder(ctx, c)
			Expect(holder.Channel.Send("exit 0")).To(Succeed())
			expectAutokilled(ctx, c, observer)
		})

		// Behavior: when the last holder executes a program while its CLONE_PIDFD_AUTOKILL
		//           pidfd is close-on-exec, the exec closes it and so kills the child.
		// Mirrors:  none (fs/exec.c begin_new_exec → do_close_on_exec; fs/pidfs.c pidfs_file_release)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (no pidfd outlives an exec unless asked to)
		It("kills the child when the holder executes a program with the pidfd close-on-exec", helpers.ID("autokill_holder_executes_with_pidfd_close_on_exec"), helpers.ManClone, func(ctx SpecContext) {
			holder, held := startHolding(ctx, c)
			Expect(holder.Channel.Send(fmt.Sprintf("exec %d 1", held))).To(Succeed())
			Expect(holder.Recv(ctx)).To(HavePrefix("ready "), "the holder did not execute its new program")
			expectAutokilled(ctx, c, observer)
		})

		// Behavior: when the last holder executes a program with its
		//           CLONE_PIDFD_AUTOKILL pidfd not close-on-exec, the pidfd survives the
		//           exec and the child lives on; the new program's exit then kills it.
		// Mirrors:  none (fs/exec.c do_close_on_exec closes only close-on-exec fds)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (a supervisor that re-executes itself keeps its children)
		It("keeps the child alive when the holder executes a program with the pidfd inheritable", helpers.ID("autokill_holder_executes_with_pidfd_inheritable"), helpers.ManClone, func(ctx SpecContext) {
			holder, held := startHolding(ctx, c)
			Expect(holder.Channel.Send(fmt.Sprintf("exec %d 0", held))).To(Succeed())
			Expect(holder.Recv(ctx)).To(HavePrefix("ready "), "the holder did not execute its new program")
			expectAlive(ctx, observer, "when its last holder executed a program with the pidfd inheritable")
			Expect(holder.Channel.Send("exit 0")).To(Succeed())
			expectAutokilled(ctx, c, observer)
		})
	})

	Context("when the process is opened again", func() {
		// Behavior: a pidfd opened anew on the CLONE_PIDFD_AUTOKILL child, through
		//           /proc/self/fd or open_by_handle_at(2), is another open file: closing
		//           it does not kill the child, and closing the clone3 pidfd still does.
		// Mirrors:  none (fs/pidfs.c: only the clone3 file carries
		//           PIDFD_AUTOKILL; pidfs_export_open refuses to set it)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (observers must not end the child)
		DescribeTable("does not kill the child when the reopened pidfd is closed",
			func(ctx SpecContext, reopen func(pidfd int) int) {
				Expect(unix.Close(reopen(c.Pidfd))).To(Succeed())
				expectAlive(ctx, observer, "when a reopened pidfd was closed")
				c.closePidfd()
				expectAutokilled(ctx, c, observer)
			},
			Entry("reopened through /proc/self/fd", helpers.ID("autokill_proc_fd_reopen_close_does_not_kill"), helpers.FsPidfs, helpers.ManPidfs, reopenThroughProc),
			Entry("opened by handle", helpers.ID("autokill_open_by_handle_close_does_not_kill"), helpers.SyscallOpenByHandleAt, helpers.ManPidfs, reopenByHandle),
		)

		// Behavior: a pidfd opened anew on the CLONE_PIDFD_AUTOKILL child (pidfd_open(2),
		//           /proc/self/fd, open_by_handle_at(2)) does not hold off the kill:
		//           closing the clone3 pidfd kills the child while the other is still open.
		// Mirrors:  none (fs/pidfs.c pidfs_file_release runs on the last fput of the clone3 file only)
		// Since:    v7.1
		// Relied on by: sandboxes and session managers (observers must not keep the child alive)
		DescribeTable("kills the child when the clone3 pidfd is closed while a reopened pidfd is open",
			func(ctx SpecContext, reopen func(pidfd int) int) {
				other := reopen(c.Pidfd)
				DeferCleanup(unix.Close, other)
				c.closePidfd()
				expectAutokilled(ctx, c, observer)
			},
			Entry("pidfd_open", helpers.ID("autokill_closing_clone3_pidfd_kills_while_pidfd_open_is_open"), helpers.SyscallPidfdOpen, helpers.ManPidfdOpen, func(int) int {
				fd, err := unix.PidfdOpen(c.Pid, 0)
				Expect(err).NotTo(HaveOccurred())
				return fd
			}),
			Entry("reopened through /proc/self/fd", helpers.ID("autokill_closing_clone3_pidfd_kills_while_proc_self_fd_open"), helpers.FsPidfs, helpers.ManPidfs, reopenThroughProc),
			Entry("opened by handle", helpers.ID("autokill_closing_clone3_pidfd_kills_while_opened_by_handle"), helpers.SyscallOpenByHandleAt, helpers.ManPidfs, reopenByHandle),
		)
	})
})

// startInheritingHolder starts cloneroles.Holder with a copy of c's pidfd
// inherited at fork (its fd 4) and closes the creator's own.
func startInheritingHolder(ctx SpecContext, c *cloned) *helpers.Child {
	GinkgoHelper()
	dup, err := unix.FcntlInt(uintptr(c.Pidfd), unix.F_DUPFD_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred())
	f := os.NewFile(uintptr(dup), "autokill-pidfd")
	holder := helpers.StartChild(ctx, cloneroles.Holder, nil, inheriting(f))
	Expect(f.Close()).To(Succeed())
	c.closePidfd()
	return holder
}

// startHolding starts cloneroles.Holder, sends it c's pidfd (SCM_RIGHTS), closes
// the creator's own, and returns the fd number the holder keeps it at.
func startHolding(ctx SpecContext, c *cloned) (*helpers.Child, int) {
	GinkgoHelper()
	holder := helpers.StartChild(ctx, cloneroles.Holder, nil)
	r := holder.MustCall(ctx, "hold", c.Pidfd)
	held, err := strconv.Atoi(r.Text)
	Expect(err).NotTo(HaveOccurred(), "hold reply %q", r.Text)
	c.closePidfd()
	return holder, held
}

// reopenThroughProc opens /proc/self/fd/<pidfd>: a new open file of the
// same pidfs inode.
func reopenThroughProc(pidfd int) int {
	GinkgoHelper()
	helpers.RequireFeature(kernel.Procfs)
	fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pidfd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred())
	return fd
}

// reopenByHandle encodes the pidfd's file handle and opens it again with
// the pidfd as the mount fd.
func reopenByHandle(pidfd int) int {
	GinkgoHelper()
	helpers.RequireFeature(kernel.FileHandles)
	h, _, err := unix.NameToHandleAt(pidfd, "", unix.AT_EMPTY_PATH)
	Expect(err).NotTo(HaveOccurred())
	fd, err := unix.OpenByHandleAt(pidfd, h, unix.O_RDONLY|unix.O_CLOEXEC)
	Expect(err).NotTo(HaveOccurred())
	return fd
}
