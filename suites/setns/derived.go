package setns

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var _ = area.Describe("setns(2)", helpers.SyscallSetns, helpers.IoctlPidfdGetNamespace, func() {
	Context("with PIDFD_GET_*_NAMESPACE fds of a process in new namespaces of every type", func() {
		// Behavior: setns(2) through the fds PIDFD_GET_*_NAMESPACE returns joins the
		//           target's namespaces one type at a time, user first; the caller's
		//           own pid namespace stays, pid_for_children follows the target.
		// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_derived_nsfd_incremental_setns
		// Since:    v6.11
		It("joins them one type at a time", helpers.ID("joins_pidfd_get_namespace_fds_one_type_at_a_time"), helpers.SelftestPidfdSetns, func(ctx SpecContext) {
			types := configuredTypes()
			requireJoinable(types)
			helpers.RequireFeature(kernel.NamespaceIoctls)
			self := ids(derivedNsfds(helpers.SelfPidfd(), types))
			child1 := newTarget(ctx, types)
			derived := derivedNsfds(child1.Pidfd, types)
			Expect(ids(derived)).To(Equal(child1.ids), "PIDFD_GET_*_NAMESPACE and /proc/<pid>/ns name the same namespaces")
			j := startJoiner(ctx)
			joinEach(ctx, j, types, func(t nsType) int { return derived[t.name] }, child1.ids, self)
		})
	})
})

var _ = area.Describe("PIDFD_GET_*_NAMESPACE ioctls", helpers.IoctlPidfdGetNamespace, func() {
	// Behavior: a PIDFD_GET_*_NAMESPACE ioctl returns a namespace fd for every namespace type
	//           the kernel has and fails with EOPNOTSUPP for every type it is built without.
	// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_derived_nsfd_incremental_setns
	//           (its fixture setup requires EOPNOTSUPP for a type the kernel lacks)
	// Since:    v6.11
	It("fail with EOPNOTSUPP for exactly the namespace types the kernel lacks", helpers.ID("fail_with_eopnotsupp_for_exactly_namespace_types_kernel"), helpers.SelftestPidfdSetns, func() {
		configured := configuredTypes()
		helpers.RequireFeature(kernel.NamespaceIoctls)
		pidfd := helpers.SelfPidfd()
		for _, t := range nsTypes {
			fd, err := deriveNsfd(pidfd, t)
			if !hasType(configured, t.name) {
				Expect(err).To(helpers.BeErrno(unix.EOPNOTSUPP), "the %s namespace, which this kernel lacks", t.name)
				continue
			}
			Expect(err).NotTo(HaveOccurred(), "the %s namespace", t.name)
			unix.Close(fd)
		}
	})
})
