package clone

import (
	"fmt"
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/clone/roles"
)

// CLONE_PIDFD_AUTOKILL ties the child's life to the pidfd clone3 returned:
// when the last reference to that file goes, the kernel SIGKILLs the child.
var _ = area.Describe("clone3(2) CLONE_PIDFD_AUTOKILL", helpers.SyscallClone3, helpers.FlagClonePidfdAutokill, helpers.SelftestPidfdAutoreap, func() {
	Context("when the child is created", helpers.Requires(kernel.ClonePidfdAutokill), func() {
		// Behavior: closing the clone3 pidfd of a CLONE_PIDFD_AUTOKILL child
		//           kills it with SIGKILL, and it is released without a wait.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_basic
		// Since:    v7.1
		It("kills the child when the clone3 pidfd is closed", helpers.ID("kills_the_child_when_the_clone3_pidfd_is_closed"), func(ctx SpecContext) {
			c, _ := cloneRole(ctx, autokillFlags, helpers.RoleProcess)
			observer := helpers.OpenPidfd(c.Pid, 0)
			c.closePidfd()
			expectAutoreaped(ctx, c.Pid, observer)
			expectKilled(observer, unix.SIGKILL)
		})

		// Behavior: closing a pidfd_open(2) pidfd of a CLONE_PIDFD_AUTOKILL
		//           child does not kill it; only closing the clone3 pidfd does.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_pidfd_open_no_effect
		// Since:    v7.1
		It("does not kill the child when a pidfd_open pidfd is closed", helpers.ID("does_not_kill_the_child_when_a_pidfd_open_pidfd_is_closed"), helpers.SyscallPidfdOpen, func(ctx SpecContext) {
			c, _ := cloneRole(ctx, autokillFlags, helpers.RoleProcess)
			other, err := unix.PidfdOpen(c.Pid, 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(unix.Close(other)).To(Succeed())
			Expect(helpers.StaysQuiet(ctx, c.Pidfd)).To(BeZero(), "the child died when a pidfd_open pidfd was closed")
			observer := helpers.OpenPidfd(c.Pid, 0)
			c.closePidfd()
			expectAutoreaped(ctx, c.Pid, observer)
			expectKilled(observer, unix.SIGKILL)
		})

		// Behavior: a caller with CAP_SYS_ADMIN may use CLONE_PIDFD_AUTOKILL
		//           without CLONE_NNP; the child runs and exits normally.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_without_nnp_with_cap (disagrees: the selftest
		//           asks for PIDFD_INFO_EXIT as soon as the pidfd polls POLLIN, but exit_notify() wakes
		//           pidfd pollers in do_notify_parent() (do_notify_pidfd, kernel/signal.c:2258 in v7.3)
		//           before it drops tasklist_lock and release_task() records the exit (pidfs_exit,
		//           kernel/exit.c:261), the race autoreap_basic loses too; lost once under emulation on
		//           a loaded host; this spec waits for POLLHUP, the release)
		// Since:    v7.1
		It("is allowed without CLONE_NNP to a caller with CAP_SYS_ADMIN", helpers.ID("is_allowed_without_clone_nnp_to_a_caller_with_cap_sys_admin"), helpers.NeedsRoot, func(ctx SpecContext) {
			helpers.RequireRoot("CAP_SYS_ADMIN, which CLONE_PIDFD_AUTOKILL without CLONE_NNP needs")
			c, err := cloneExiting(autokillFlags&^kernel.CLONE_NNP, 0, 0)
			Expect(err).NotTo(HaveOccurred())
			expectAutoreaped(ctx, c.Pid, c.Pidfd)
			expectExited(c.Pidfd, 0)
		})

		// Behavior: without CLONE_NNP, a caller lacking CAP_SYS_ADMIN gets EPERM for
		//           CLONE_PIDFD_AUTOKILL (the child could gain privileges after it starts); the caller
		//           keeps the test's uid (0 when root), so the capability, not the uid, decides.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_requires_cap_sys_admin
		//           (drops every capability with capset and stays uid 0)
		// Since:    v7.1
		It("fails with EPERM without CLONE_NNP for a caller without CAP_SYS_ADMIN", helpers.ID("fails_with_eperm_without_clone_nnp_for_caller_without_cap"), func(ctx SpecContext) {
			helpers.RequireRawClone3()
			role := helpers.StartChild(ctx, cloneroles.WithoutCapSysAdmin, nil)
			Expect(role.MustCall(ctx, "euid").Text).To(Equal(strconv.Itoa(os.Geteuid())), "the caller must keep the test's uid")
			// v7.3 kernel/fork.c:2130-2132: without CLONE_NNP,
			// !ns_capable(current_user_ns(), CAP_SYS_ADMIN) → -EPERM.
			_, err := role.Call(ctx, fmt.Sprintf("clone %#x", uint64(autokillFlags&^kernel.CLONE_NNP)))
			Expect(err).To(helpers.BeErrno(unix.EPERM))
		})
	})

	Context("when combined with what it cannot work with", func() {
		// Every kernel before v7.1 refuses the unknown flag with the same
		// EINVAL: only one that knows CLONE_PIDFD_AUTOKILL can show the check.
		BeforeEach(func() { helpers.RequireFeature(kernel.ClonePidfdAutokill) })

		// Behavior: clone3(CLONE_PIDFD_AUTOKILL|CLONE_AUTOREAP) without CLONE_PIDFD
		//           fails with EINVAL: there is no pidfd to tie the child to.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_requires_pidfd
		// Since:    v7.1
		It("fails with EINVAL without CLONE_PIDFD", helpers.ID("fails_with_einval_without_clone_pidfd"), func() {
			_, err := cloneExiting(kernel.CLONE_PIDFD_AUTOKILL|kernel.CLONE_AUTOREAP, 0, 0)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		})

		// Behavior: clone3(CLONE_PIDFD|CLONE_PIDFD_AUTOKILL) without CLONE_AUTOREAP fails with EINVAL.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_requires_autoreap
		// Since:    v7.1
		It("fails with EINVAL without CLONE_AUTOREAP", helpers.ID("fails_with_einval_without_clone_autoreap"), func() {
			_, err := cloneExiting(unix.CLONE_PIDFD|kernel.CLONE_PIDFD_AUTOKILL, 0, 0)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		})

		// Behavior: clone3(CLONE_PIDFD|CLONE_PIDFD_AUTOKILL|CLONE_AUTOREAP|CLONE_THREAD|CLONE_SIGHAND|CLONE_VM)
		//           fails with EINVAL.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_rejects_thread
		// Since:    v7.1
		It("fails with EINVAL with CLONE_THREAD", helpers.ID("autokill_fails_with_einval_with_clone_thread"), func() {
			_, err := cloneExiting(unix.CLONE_PIDFD|kernel.CLONE_PIDFD_AUTOKILL|kernel.CLONE_AUTOREAP|threadFlags, 0, 0)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		})
	})
})
