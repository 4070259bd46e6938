package setns

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// No capability reaches from one user namespace into a sibling: after
// joining every namespace of child1, the caller may join none of child2's,
// whichever kind of fd names them.
var _ = area.Describe("setns(2)", helpers.SyscallSetns, func() {
	Context("after joining a process's user namespace, with a process in a sibling user namespace", func() {
		var (
			types          []nsType
			child1, child2 *target
			j              *joiner
		)
		// joinChild1 starts the joiner (after every fd the spec uses is
		// open) and moves it into all of child1's namespaces.
		joinChild1 := func(ctx SpecContext) {
			GinkgoHelper()
			j = startJoiner(ctx)
			Expect(j.setns(ctx, child1.Pidfd, allFlags(types))).To(Succeed(), "join child1's namespaces")
		}
		// expectRefused requires setns(fd(t), t.flag) to fail with EPERM
		// for every type with a flag.
		expectRefused := func(ctx SpecContext, fd func(nsType) int) {
			GinkgoHelper()
			for _, t := range types {
				if t.flag == 0 {
					continue
				}
				Expect(j.setns(ctx, fd(t), t.flag)).To(helpers.BeErrno(unix.EPERM), "setns(2) to child2's %s namespace", t.name)
			}
		}
		BeforeEach(func(ctx SpecContext) {
			types = configuredTypes()
			// Without user namespaces nothing keeps a caller with
			// CAP_SYS_ADMIN out of any process's namespaces.
			helpers.RequireNamespaceType("user")
			requireJoinable(types)
			child1 = newTarget(ctx, types)
			child2 = newTarget(ctx, types)
		})

		// Behavior: setns(2) through the pidfd of a process in a sibling user namespace
		//           fails with EPERM for every namespace type, even after the caller
		//           joined another user namespace where it holds every capability.
		// Mirrors:  pidfd_setns_test.c current_nsset.no_foul_play
		// Since:    v5.8
		It("fails with EPERM for each type through its pidfd", helpers.ID("fails_with_eperm_for_each_type_through_the_pidfd"), helpers.SelftestPidfdSetns, helpers.Requires(kernel.SetnsPidfd), func(ctx SpecContext) {
			joinChild1(ctx)
			expectRefused(ctx, func(nsType) int { return child2.Pidfd })
		})

		// Behavior: setns(2) through /proc/<pid>/ns fds of a process in a sibling user
		//           namespace fails with EPERM for every namespace type, even after the
		//           caller joined another user namespace where it holds every capability.
		// Mirrors:  pidfd_setns_test.c current_nsset.no_foul_play
		// Since:    v3.8 (each type the kernel has; cgroup namespaces since v4.6, time namespaces since v5.6)
		It("fails with EPERM for each type through /proc/<pid>/ns fds", helpers.ID("fails_with_eperm_for_each_type_through_proc_pid_ns_fds"), helpers.SelftestPidfdSetns, func(ctx SpecContext) {
			joinChild1(ctx)
			expectRefused(ctx, func(t nsType) int { return child2.nsfds[t.name] })
		})

		// Behavior: setns(2) through PIDFD_GET_*_NAMESPACE fds of a process in a sibling
		//           user namespace fails with EPERM for every namespace type, even after the
		//           caller joined another user namespace where it holds every capability.
		// Mirrors:  pidfd_setns_test.c current_nsset.no_foul_play
		// Since:    v6.11
		It("fails with EPERM for each type through PIDFD_GET_*_NAMESPACE fds", helpers.ID("fails_with_eperm_for_each_type_through_pidfd_get_namespace"), helpers.SelftestPidfdSetns, helpers.IoctlPidfdGetNamespace, helpers.Requires(kernel.NamespaceIoctls), func(ctx SpecContext) {
			derived := derivedNsfds(child2.Pidfd, types)
			joinChild1(ctx)
			expectRefused(ctx, func(t nsType) int { return derived[t.name] })
		})
	})
})
