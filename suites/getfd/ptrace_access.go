package getfd

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/suites/getfd/roles"
)

// nobody is the unprivileged uid and gid the ptrace-access specs use.
const nobody = 65534

const yamaScope = "/proc/sys/kernel/yama/ptrace_scope"

// yama reports Yama's ptrace_scope, or ok=false when Yama is not active.
func yama() (scope int, ok bool) {
	GinkgoHelper()
	data, err := os.ReadFile(yamaScope)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false
	}
	Expect(err).NotTo(HaveOccurred())
	scope, err = strconv.Atoi(strings.TrimSpace(string(data)))
	Expect(err).NotTo(HaveOccurred())
	return scope, true
}

// requireYama, in the context whose label skipped every spec where the
// kernel config or the active LSM list shows Yama off (kernel.OptYama),
// fails when ptrace_scope is missing all the same, and otherwise sets it
// for the spec (which needs root), restoring the old value at cleanup
// (scope 3 cannot be undone, so the specs never set it).
func requireYama(scope int) {
	GinkgoHelper()
	helpers.RequireRoot("setting Yama's ptrace_scope")
	old, ok := yama()
	Expect(ok).To(BeTrue(), "%s is missing, but nothing shows Yama off (%s)", yamaScope, kernel.OptYama.Evidence().Evidence)
	if old == 3 {
		helpers.SkipFor(outcome.Environment, "Yama ptrace_scope is 3 (no attach at all) and cannot be lowered until reboot")
	}
	Expect(os.WriteFile(yamaScope, []byte(strconv.Itoa(scope)), 0)).To(Succeed())
	DeferCleanup(os.WriteFile, yamaScope, []byte(strconv.Itoa(old)), os.FileMode(0))
}

// unprivilegedGetfd has a caller without capabilities, running as nobody
// (or as the unprivileged test does), fetch fd n of pid.
func unprivilegedGetfd(ctx SpecContext, pid, n int) error {
	GinkgoHelper()
	caller := helpers.StartChild(ctx, getfdroles.UnprivilegedCaller, helpers.DropToArgs(nobody))
	_, err := caller.Call(ctx, fmt.Sprintf("getfd %d %d", pid, n))
	return err
}

var _ = area.Describe("pidfd_getfd(2)", helpers.SyscallPidfdGetfd, helpers.Requires(kernel.PidfdGetfd), func() {
	// As root the target and the caller drop to nobody; an unprivileged
	// run is such a user already.
	Context("when an unprivileged caller targets a process of its own uid", func() {
		var target *helpers.Child
		var memfd int
		BeforeEach(func(ctx SpecContext) {
			target = helpers.StartChild(ctx, getfdroles.Holder, helpers.DropToArgs(nobody))
			var err error
			memfd, err = strconv.Atoi(target.MustCall(ctx, "fd").Text)
			Expect(err).NotTo(HaveOccurred())
		})

		// Behavior: without Yama restrictions (not active, or ptrace_scope 0) a
		//           caller without capabilities fetches an fd of a dumpable process
		//           with its own uid: ptrace access by matching credentials.
		// Mirrors:  pidfd_getfd_test.c child.fetch_fd (run unprivileged); man pidfd_getfd(2)
		// Since:    v5.6
		It("succeeds with classic ptrace permissions", helpers.ID("succeeds_with_classic_ptrace_permissions"), helpers.ManPidfdGetfd, helpers.SelftestPidfdGetfd, func(ctx SpecContext) {
			if scope, ok := yama(); ok && scope != 0 {
				helpers.SkipFor(outcome.Environment, "Yama ptrace_scope is %d; the Yama specs cover it", scope)
			}
			Expect(unprivilegedGetfd(ctx, target.Pid, memfd)).To(Succeed())
		})

		// Behavior: once the target made itself non-dumpable, an unprivileged caller with the
		//           target's uid fails with EPERM: only CAP_SYS_PTRACE passes a non-dumpable target.
		// Mirrors:  pidfd_getfd_test.c child.disable_ptrace; LTP pidfd_getfd02 (EPERM)
		// Since:    v5.6
		It("fails with EPERM once the target is not dumpable", helpers.ID("fails_with_eperm_once_the_target_is_not_dumpable"), helpers.SelftestPidfdGetfd, helpers.LTPPidfdGetfd, func(ctx SpecContext) {
			if scope, ok := yama(); ok && scope != 0 {
				helpers.SkipFor(outcome.Environment, "Yama ptrace_scope is %d and would refuse a sibling anyway; the spec needs the dumpable check alone (\"fails with EPERM for a caller of the target's uid without CAP_SYS_PTRACE\" asks as the target's parent)", scope)
			}
			target.MustCall(ctx, "nondumpable")
			Expect(unprivilegedGetfd(ctx, target.Pid, memfd)).To(helpers.BeErrno(unix.EPERM))
		})

		Context("under Yama", Serial, helpers.NeedsRoot, helpers.NeedsYama, helpers.RequiresOption(kernel.OptYama), func() {
			// Behavior: with Yama ptrace_scope 1 (restricted) an unprivileged caller that is not an
			//           ancestor of the target fails with EPERM, though it has the target's uid.
			// Mirrors:  man pidfd_getfd(2) (PTRACE_MODE_ATTACH_REALCREDS;
			//           Yama ptrace_scope 1 limits attaching to descendants)
			// Since:    v5.6
			It("fails with EPERM at ptrace_scope 1 for a caller that is not an ancestor", helpers.ID("fails_with_eperm_at_ptrace_scope_1_for_caller_that_is_not"), helpers.ManPidfdGetfd, func(ctx SpecContext) {
				requireYama(1)
				Expect(unprivilegedGetfd(ctx, target.Pid, memfd)).To(helpers.BeErrno(unix.EPERM))
			})

			// Behavior: with Yama ptrace_scope 2 (admin-only attach) pidfd_getfd(2) from an unprivileged
			//           caller without CAP_SYS_PTRACE fails with EPERM, though it has the target's uid.
			// Mirrors:  man pidfd_getfd(2) (PTRACE_MODE_ATTACH_REALCREDS)
			// Since:    v5.6
			It("fails with EPERM at ptrace_scope 2 for a caller without CAP_SYS_PTRACE", helpers.ID("fails_with_eperm_at_ptrace_scope_2_for_caller_without_cap"), helpers.ManPidfdGetfd, func(ctx SpecContext) {
				requireYama(2)
				Expect(unprivilegedGetfd(ctx, target.Pid, memfd)).To(helpers.BeErrno(unix.EPERM))
			})

			// Behavior: with Yama ptrace_scope 2 (admin-only attach) a
			//           caller with CAP_SYS_PTRACE still fetches the fd.
			// Mirrors:  man pidfd_getfd(2)
			// Since:    v5.6
			It("succeeds at ptrace_scope 2 for a caller with CAP_SYS_PTRACE", helpers.ID("succeeds_at_ptrace_scope_2_for_a_caller_with_cap_sys_ptrace"), helpers.ManPidfdGetfd, func(ctx SpecContext) {
				requireYama(2)
				expectHoldersFile(ctx, getfd(target.Pidfd, memfd), target, memfd)
			})
		})
	})

	Context("when an unprivileged caller targets a process of another uid that has exited", helpers.NeedsRoot, func() {
		var target *helpers.Blocked
		var caller *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			helpers.RequireRoot("a target of another user")
			target = helpers.StartBlocked(devNull())
			caller = helpers.StartChild(ctx, getfdroles.UnprivilegedCaller, []string{strconv.Itoa(nobody)})
			target.Kill()
			helpers.AwaitZombie(ctx, target.Pidfd)
		})

		// Behavior: pidfd_getfd(2) by a caller without ptrace rights (uid nobody)
		//           on a zombie of another user (root) fails with EPERM, not ESRCH:
		//           the ptrace check comes before the check for an exiting task.
		// Mirrors:  none (kernel/pid.c __pidfd_fget: ptrace_may_access → -EPERM before PF_EXITING → -ESRCH)
		// Since:    v5.6
		It("fails with EPERM while it is a zombie", helpers.ID("another_uid_exited_target_fails_with_eperm_while_a_zombie"), helpers.ManPidfdGetfd, func(ctx SpecContext) {
			_, err := caller.Call(ctx, "getfd-through 0", target.Pidfd)
			Expect(err).To(helpers.BeErrno(unix.EPERM))
		})

		// Behavior: once the target is reaped the same caller fails with ESRCH: with
		//           no task left there is nothing to check ptrace access against.
		// Mirrors:  none (kernel/pid.c pidfd_getfd: get_pid_task → NULL → -ESRCH before __pidfd_fget)
		// Since:    v5.6
		It("fails with ESRCH once it is reaped", helpers.ID("another_uid_exited_target_fails_with_esrch_once_reaped"), helpers.ManPidfdGetfd, func(ctx SpecContext) {
			target.Reap(ctx)
			_, err := caller.Call(ctx, "getfd-through 0", target.Pidfd)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})
	})

	Context("when an unprivileged caller targets a dumpable process of another uid", helpers.NeedsRoot, func() {
		// Behavior: a caller without capabilities fails with EPERM for
		//           a dumpable target that runs as another user (root).
		// Mirrors:  LTP pidfd_getfd02 (EPERM); man pidfd_getfd(2)
		// Since:    v5.6
		It("fails with EPERM", helpers.ID("another_uid_dumpable_target_fails_with_eperm"), helpers.LTPPidfdGetfd, helpers.ManPidfdGetfd, func(ctx SpecContext) {
			helpers.RequireRoot("a target of another user")
			target, memfd := holder(ctx)
			Expect(unprivilegedGetfd(ctx, target.Pid, memfd)).To(helpers.BeErrno(unix.EPERM))
		})
	})
})
