package clone

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// Before v7.1 clone3 knew none of these flags, and it refuses unknown flags
// with EINVAL rather than ignore them: a program can tell it did not get an
// autoreap, no_new_privs or autokill child. Each call is the feature's
// usual form, which v7.1 accepts.
var _ = area.Describe("clone3(2) with the flags of v7.1", helpers.SyscallClone3, func() {
	DescribeTable("is refused with EINVAL before v7.1 and accepted since",
		func(ctx SpecContext, flags uint64, exitSignal unix.Signal) {
			helpers.RequireFeature(kernel.Clone3)
			_, err := cloneExiting(flags, exitSignal, 0)
			if kernel.Kernel().AtLeast("7.1") {
				Expect(err).NotTo(HaveOccurred())
				return
			}
			// Before v7.1 the refusal is the rule, acceptance a backport.
			if err != nil {
				Expect(err).To(helpers.BeErrno(unix.EINVAL))
			}
		},
		// Behavior: clone3(CLONE_AUTOREAP|CLONE_PIDFD) fails with EINVAL
		//           before v7.1 (unknown flag) and creates the child since.
		// Mirrors:  pidfd_autoreap_test.c global.autoreap_basic (it
		//           and every other autoreap case skip on this EINVAL)
		// Since:    v5.3 (accepted since v7.1)
		Entry("CLONE_AUTOREAP", helpers.ID("is_refused_with_einval_before_v7_1_clone_autoreap"), helpers.FlagCloneAutoreap, helpers.SelftestPidfdAutoreap, uint64(autoreapFlags), unix.Signal(0)),
		// Behavior: clone3(CLONE_NNP) fails with EINVAL before v7.1 (unknown flag) and creates the child since.
		// Mirrors:  pidfd_autoreap_test.c global.nnp_sets_no_new_privs (skips on this EINVAL)
		// Since:    v5.3 (accepted since v7.1)
		Entry("CLONE_NNP", helpers.ID("is_refused_with_einval_before_v7_1_and_accepted_clone_nnp"), helpers.FlagCloneNNP, helpers.SelftestPidfdAutoreap, uint64(kernel.CLONE_NNP), unix.SIGCHLD),
		// Behavior: clone3(CLONE_PIDFD_AUTOKILL|CLONE_AUTOREAP|CLONE_NNP|CLONE_PIDFD) fails
		//           with EINVAL before v7.1 (unknown flags) and creates the child since.
		// Mirrors:  pidfd_autoreap_test.c global.autokill_basic (skips on this EINVAL)
		// Since:    v5.3 (accepted since v7.1)
		Entry("CLONE_PIDFD_AUTOKILL", helpers.ID("is_refused_with_einval_before_v7_1_clone_pidfd_autokill"), helpers.FlagClonePidfdAutokill, helpers.SelftestPidfdAutoreap, uint64(autokillFlags), unix.Signal(0)),
	)
})
