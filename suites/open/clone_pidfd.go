package open

import (
	"errors"
	"os"
	"strconv"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// expectPidfdOf proves that child's pidfd names the child: by fdinfo where
// there is procfs, and in any case by killing through it, which the child's
// wait status must show.
func expectPidfdOf(ctx SpecContext, child *helpers.Child) {
	GinkgoHelper()
	if kernel.Procfs.Present() {
		Expect(fdinfo(child.Pidfd)).To(HaveKeyWithValue("Pid", strconv.Itoa(child.Pid)))
	}
	child.Kill()
	Expect(child.Reap(ctx).Signal()).To(Equal(syscall.SIGKILL))
}

var _ = area.Describe("CLONE_PIDFD", helpers.FlagClonePidfd, helpers.Requires(kernel.ClonePidfd), func() {
	// Behavior: the pidfd returned by clone(CLONE_PIDFD) refers to the new child.
	// Mirrors:  pidfd_test.c "pidfd_poll check for premature notification on child thread exec"
	//           (creates its child with clone(CLONE_PIDFD)); pidfd_test.c "pidfd_poll check for
	//           premature notification on non-emptygroup leader exit" (likewise); man clone(2)
	// Since:    v5.2
	It("returns a pidfd for the child from clone", helpers.ID("returns_a_pidfd_for_the_child_from_clone"), helpers.SyscallClone, helpers.SelftestPidfdTest, func(ctx SpecContext) {
		expectPidfdOf(ctx, helpers.StartChild(ctx, helpers.RoleProcess, nil))
	})

	// Behavior: the pidfd returned by clone3(CLONE_PIDFD) refers to the new child.
	// Mirrors:  pidfd_wait.c global.wait_simple (clone3 child); man clone(2)
	// Since:    v5.3
	It("returns a pidfd for the child from clone3", helpers.ID("returns_a_pidfd_for_the_child_from_clone3"), helpers.SyscallClone3, helpers.SelftestPidfdWait, func(ctx SpecContext) {
		// Go issues clone3 (not clone) only when it must create a time
		// namespace.
		helpers.RequireFeature(kernel.Clone3, kernel.TimeNamespaces)
		opts := []helpers.ChildOption{helpers.WithCloneflags(unix.CLONE_NEWTIME)}
		if os.Geteuid() != 0 {
			// A time namespace needs CAP_SYS_ADMIN; the new user
			// namespace's root has it.
			opts = append(opts, helpers.AsRootInNewUserNS())
		}
		expectPidfdOf(ctx, helpers.StartChild(ctx, helpers.RoleProcess, nil, opts...))
	})

	// Behavior: on pidfs, the CLONE_PIDFD pidfd and pidfd_open of the child are the same inode.
	// Mirrors:  none
	// Since:    v6.9
	It("returns the same pidfs inode as pidfd_open of the child", helpers.ID("returns_the_same_pidfs_inode_as_pidfd_open_of_the_child"), helpers.SyscallClone, helpers.FsPidfs, helpers.ManPidfs, helpers.Requires(kernel.Pidfs), func(ctx SpecContext) {
		child := helpers.StartChild(ctx, helpers.RoleProcess, nil)
		Expect(helpers.Inode(helpers.OpenPidfd(child.Pid, 0))).To(Equal(helpers.Inode(child.Pidfd)))
	})

	Context("with CLONE_THREAD", helpers.SyscallClone, helpers.FlagPidfdThread, func() {
		var pidfd int
		var err error
		BeforeEach(func() {
			pidfd, err = kernel.CloneThreadWithPidfd()
			if errors.Is(err, kernel.ErrNoRawClone) {
				helpers.SkipFor(outcome.Architecture, "%v", err)
			}
			if err == nil {
				DeferCleanup(unix.Close, pidfd)
			}
		})

		// Behavior: clone(CLONE_PIDFD|CLONE_THREAD) fails with EINVAL before v6.9 and creates the thread since.
		// Mirrors:  man clone(2)
		// Since:    v5.2 (accepted since v6.9)
		It("is refused with EINVAL before v6.9 and accepted since", helpers.ID("is_refused_with_einval_before_v6_9_and_accepted_since"), helpers.ManClone, func() {
			if kernel.Kernel().AtLeast("6.9") {
				Expect(err).NotTo(HaveOccurred())
				return
			}
			// Before 6.9 the refusal is the rule, acceptance a backport.
			if err != nil {
				Expect(err).To(helpers.BeErrno(unix.EINVAL))
			}
		})

		// Behavior: the pidfd from clone(CLONE_PIDFD|CLONE_THREAD) is a thread
		//           pidfd: PIDFD_THREAD (O_EXCL) is in its status flags.
		// Mirrors:  man clone(2)
		// Since:    v6.9
		It("returns a pidfd with PIDFD_THREAD set", helpers.ID("returns_a_pidfd_with_pidfd_thread_set"), helpers.ManClone, helpers.Requires(kernel.CloneThreadPidfd), func() {
			Expect(err).NotTo(HaveOccurred())
			Expect(pidfd).To(helpers.HaveStatusFlags(unix.PIDFD_THREAD))
		})

		// Behavior: a pidfd from CLONE_PIDFD with CLONE_THREAD reports POLLIN|POLLHUP
		//           once its thread has exited, while the process lives on.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (non-leader thread exit; v6.15 selftest)
		// Since:    v6.9
		It("reports POLLIN|POLLHUP once the thread has exited", helpers.ID("reports_pollin_pollhup_once_the_thread_has_exited"), helpers.SyscallPoll, helpers.SelftestPidfdInfo, helpers.Requires(kernel.CloneThreadPidfd), func(ctx SpecContext) {
			Expect(err).NotTo(HaveOccurred())
			// The exited thread is briefly a zombie (POLLIN) before it is
			// released (POLLIN|POLLHUP).
			revents, werr := kernel.WaitPollBits(ctx, pidfd, unix.POLLHUP, helpers.EventTimeout())
			Expect(werr).NotTo(HaveOccurred())
			Expect(revents).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
		})
	})
})
