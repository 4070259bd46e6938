package setns

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var _ = area.Describe("setns(2)", helpers.SyscallSetns, func() {
	Context("with a process in new namespaces of every type, owned by its own user namespace", func() {
		var (
			types  []nsType
			child1 *target
			self   map[string]helpers.FileID
		)
		BeforeEach(func(ctx SpecContext) {
			types = configuredTypes()
			requireJoinable(types)
			child1 = newTarget(ctx, types)
			self = selfNamespaces(types)
		})

		// Behavior: setns(2) through a pidfd joins the target's namespaces one type at a time, user
		//           first; the caller's own pid namespace stays, pid_for_children follows the target.
		// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_incremental_setns
		// Since:    v5.8
		It("joins them one type at a time through its pidfd", helpers.ID("joins_namespaces_one_type_at_a_time_through_the_pidfd"), helpers.SelftestPidfdSetns, helpers.Requires(kernel.SetnsPidfd), func(ctx SpecContext) {
			j := startJoiner(ctx)
			joinEach(ctx, j, types, func(nsType) int { return child1.Pidfd }, child1.ids, self)
		})

		// Behavior: setns(2) through /proc/<pid>/ns fds joins the target's namespaces one type at a time,
		//           user first; the caller's own pid namespace stays, pid_for_children follows the target.
		// Mirrors:  pidfd_setns_test.c current_nsset.nsfd_incremental_setns
		// Since:    v3.8 (each type the kernel has; cgroup namespaces since v4.6, time namespaces since v5.6)
		It("joins them one type at a time through /proc/<pid>/ns fds", helpers.ID("joins_namespaces_one_type_at_a_time_through_proc_pid_ns_fds"), helpers.SelftestPidfdSetns, func(ctx SpecContext) {
			j := startJoiner(ctx)
			joinEach(ctx, j, types, func(t nsType) int { return child1.nsfds[t.name] }, child1.ids, self)
		})

		// Behavior: one setns(2) through a pidfd with the flags of every namespace
		//           type joins all of the target's namespaces at once; the caller's
		//           own pid namespace stays, pid_for_children follows the target.
		// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_one_shot_setns
		// Since:    v5.8
		It("joins them all in one call through its pidfd", helpers.ID("joins_all_namespaces_in_one_call_through_the_pidfd"), helpers.SelftestPidfdSetns, helpers.Requires(kernel.SetnsPidfd), func(ctx SpecContext) {
			j := startJoiner(ctx)
			Expect(j.setns(ctx, child1.Pidfd, allFlags(types))).To(Succeed())
			expectJoined(j, types, child1.ids, self)
		})
	})
})
