package clone

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/clone/roles"
)

// CLONE_NNP starts the child with no_new_privs, as if it had called
// prctl(PR_SET_NO_NEW_PRIVS) first, without touching the parent.
var _ = area.Describe("clone3(2) CLONE_NNP", helpers.SyscallClone3, helpers.FlagCloneNNP, helpers.SelftestPidfdAutoreap, func() {
	// Behavior: a CLONE_NNP child runs with no_new_privs set
	//           (prctl(PR_GET_NO_NEW_PRIVS) is 1 in it), and the parent's stays 0.
	// Mirrors:  pidfd_autoreap_test.c global.nnp_sets_no_new_privs (disagrees: the selftest asks
	//           for PIDFD_INFO_EXIT as soon as the pidfd polls POLLIN, but a single-threaded
	//           autoreap child's exit_notify() wakes pidfd pollers through do_notify_parent()
	//           (kernel/exit.c:768, do_notify_pidfd at kernel/signal.c:2258 in v7.3) before
	//           release_task() records the exit (pidfs_exit, kernel/exit.c:261), a race the
	//           selftest loses under emulation; this spec waits for POLLHUP, the release)
	// Since:    v7.1
	It("sets no_new_privs in the child only", helpers.ID("sets_no_new_privs_in_the_child_only"), helpers.Requires(kernel.CloneNNP), func(ctx SpecContext) {
		requireNoNewPrivsUnset()
		c, _ := cloneRole(ctx, autoreapFlags|kernel.CLONE_NNP, cloneroles.ReportNNP)
		Expect(noNewPrivs()).To(Equal(0), "the parent got no_new_privs from creating a CLONE_NNP child")
		expectAutoreaped(ctx, c.Pid, c.Pidfd)
		expectExited(c.Pidfd, 1)
	})

	// Behavior: without CLONE_NNP, an autoreap child's no_new_privs stays unset (prctl(PR_GET_NO_NEW_PRIVS) is 0).
	// Mirrors:  pidfd_autoreap_test.c global.autoreap_no_new_privs_unset (disagrees: the selftest
	//           asks for PIDFD_INFO_EXIT as soon as the pidfd polls POLLIN, but a single-threaded
	//           autoreap child's exit_notify() wakes pidfd pollers through do_notify_parent()
	//           (kernel/exit.c:768, do_notify_pidfd at kernel/signal.c:2258 in v7.3) before
	//           release_task() records the exit (pidfs_exit, kernel/exit.c:261), a race the
	//           selftest loses under emulation; this spec waits for POLLHUP, the release)
	// Since:    v7.1
	It("leaves no_new_privs unset in a child created without it", helpers.ID("leaves_no_new_privs_unset_in_a_child_created_without_nnp"), helpers.FlagCloneAutoreap, helpers.Requires(kernel.CloneAutoreap), func(ctx SpecContext) {
		requireNoNewPrivsUnset()
		c, _ := cloneRole(ctx, autoreapFlags, cloneroles.ReportNNP)
		expectAutoreaped(ctx, c.Pid, c.Pidfd)
		expectExited(c.Pidfd, 0)
	})

	// Behavior: clone3(CLONE_NNP|CLONE_THREAD|CLONE_SIGHAND|CLONE_VM) fails with EINVAL.
	// Mirrors:  pidfd_autoreap_test.c global.nnp_rejects_thread
	// Since:    v7.1
	It("fails with EINVAL with CLONE_THREAD", helpers.ID("nnp_fails_with_einval_with_clone_thread"), func() {
		// Before v7.1 the unknown flag alone is EINVAL.
		helpers.RequireFeature(kernel.CloneNNP)
		_, err := cloneExiting(kernel.CLONE_NNP|threadFlags, 0, 0)
		Expect(err).To(helpers.BeErrno(unix.EINVAL))
	})
})
