package setns

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// setns(2) through a pidfd, state by state. What the caller joined is
// compared, type by type, with /proc/<target>/ns/<type> (and its own
// /proc/self/ns/<type> for what must not change).
//
//	state of the target             outcome                          spec
//	live, own user namespace        joins each type, or all at once  join_test.go:joins_them_one_type_at_a_time_through_its_pidfd, join_test.go:joins_them_all_in_one_call_through_its_pidfd
//	zombie                          ESRCH, nothing joined            fails_with_esrch, leaves_the_caller_in_all_of_its_namespaces
//	reaped, the pidfd held          ESRCH, nothing joined            pidfd_of_reaped_process_fails_with_esrch, pidfd_of_reaped_process_leaves_caller_in_all_namespaces
//	reaped and forgotten            –                                nothing to join through
//	sibling user namespace          EPERM for each type              foul_play_test.go:fails_with_eperm_for_each_type_through_its_pidfd
//	non-leader thread, after exec   –                                not tried: the namespaces are the process's
//	flags not a set of CLONE_NEW*   EINVAL                           fails_with_einval_for_flags_that_are_not_*, fails_with_einval_for_each_single_bit_outside_clone_ns_all,
//	  or of a type configured out                                    fails_with_einval_for_flag_of_namespace_type_kernel_lacks
//	an fd that is neither           EINVAL                           fails_with_einval

// cloneNsAll is every flag setns(2) takes with a pidfd (the kernel's
// CLONE_NS_ALL); any other bit is refused.
const cloneNsAll = unix.CLONE_NEWCGROUP | unix.CLONE_NEWIPC | unix.CLONE_NEWNS | unix.CLONE_NEWNET |
	unix.CLONE_NEWPID | unix.CLONE_NEWTIME | unix.CLONE_NEWUSER | unix.CLONE_NEWUTS

// exitedTarget is the pidfd of a helper that entered a new user and network
// namespace (those of the two the kernel has) and exited, not yet reaped.
func exitedTarget(ctx context.Context, flags int) int {
	GinkgoHelper()
	child := helpers.StartChild(ctx, helpers.RoleProcess, nil, helpers.WithCloneflags(uintptr(flags)))
	Expect(child.Channel.Send("exit 0")).To(Succeed())
	_, err := kernel.WaitidTimeout(ctx, child.Pidfd, unix.WEXITED|unix.WNOWAIT, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the helper did not exit")
	return child.Pidfd
}

// reapedTarget is the pidfd of a helper that entered a new user and
// network namespace, exited and was reaped.
func reapedTarget(ctx context.Context, flags int) int {
	GinkgoHelper()
	child := helpers.StartChild(ctx, helpers.RoleProcess, nil, helpers.WithCloneflags(uintptr(flags)))
	Expect(child.Channel.Send("exit 0")).To(Succeed())
	_, err := kernel.WaitidTimeout(ctx, child.Pidfd, unix.WEXITED, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the helper did not exit")
	return child.Pidfd
}

// exitedTypes are the namespace types configured here and the flags of
// the two an exited target enters (user and network, those the kernel has),
// skipping where it has neither or takes no pidfd in setns(2).
func exitedTypes() ([]nsType, int) {
	GinkgoHelper()
	helpers.RequireFeature(kernel.SetnsPidfd)
	types := configuredTypes()
	flags := 0
	for _, t := range types {
		if t.flag == unix.CLONE_NEWUSER || t.flag == unix.CLONE_NEWNET {
			flags |= t.flag
		}
	}
	if flags == 0 {
		helpers.SkipFor(outcome.Config, "this kernel is built without user and network namespaces (see the report's %q entries)", helpers.NamespaceTypeLeftOut)
	}
	requireJoinable(types)
	return types, flags
}

var _ = area.Describe("setns(2)", helpers.SyscallSetns, func() {
	Context("with a pidfd of a live process", func() {
		// Before v5.8 a pidfd is no namespace fd, and setns(2) fails with
		// EINVAL whatever the flags: only a kernel that takes pidfds can
		// show these checks.
		BeforeEach(func() { helpers.RequireFeature(kernel.SetnsPidfd) })

		// Behavior: setns(2) with a pidfd fails with EINVAL for flags 0, -1, CLONE_VM and
		//           CLONE_NEWUSER|CLONE_VM: a pidfd needs at least one namespace flag and nothing else.
		// Mirrors:  pidfd_setns_test.c current_nsset.invalid_flags
		// Since:    v5.8
		DescribeTable("fails with EINVAL for flags that are not a set of namespace types",
			func(ctx SpecContext, flags int) {
				pidfd := helpers.SelfPidfd()
				j := startJoiner(ctx)
				Expect(j.setns(ctx, pidfd, flags)).To(helpers.BeErrno(unix.EINVAL))
			},
			Entry("no flags", helpers.ID("fails_with_einval_for_flags_that_are_not_set_no_flags"), helpers.SelftestPidfdSetns, 0),
			Entry("every bit (-1)", helpers.ID("fails_with_einval_for_flags_that_are_not_every_bit_minus_1"), helpers.SelftestPidfdSetns, -1),
			Entry("CLONE_VM", helpers.ID("fails_with_einval_for_flags_that_are_not_set_clone_vm"), helpers.SelftestPidfdSetns, unix.CLONE_VM),
			Entry("CLONE_NEWUSER|CLONE_VM", helpers.ID("fails_with_einval_for_flags_that_are_clone_newuser_clone_vm"), helpers.SelftestPidfdSetns, unix.CLONE_NEWUSER|unix.CLONE_VM),
		)

		// Behavior: setns(2) with a pidfd fails with EINVAL for each single
		//           flag bit outside CLONE_NS_ALL (the eight CLONE_NEW* types).
		// Mirrors:  none (man setns(2): EINVAL when fd is a pidfd and nstype is invalid)
		// Since:    v5.8
		It("fails with EINVAL for each single bit outside CLONE_NS_ALL", helpers.ID("fails_with_einval_for_each_single_bit_outside_clone_ns_all"), helpers.ManSetns, func(ctx SpecContext) {
			pidfd := helpers.SelfPidfd()
			j := startJoiner(ctx)
			for bit := range 32 {
				flag := int(int32(uint32(1) << bit))
				if flag&cloneNsAll != 0 {
					continue
				}
				Expect(j.setns(ctx, pidfd, flag)).To(helpers.BeErrno(unix.EINVAL), "flags %#x", uint32(flag))
			}
		})

		// Behavior: setns(2) with a pidfd fails with EINVAL for the flag
		//           of a namespace type the kernel is built without.
		// Mirrors:  none (kernel/nsproxy.c check_setns_flags)
		// Since:    v5.8
		It("fails with EINVAL for the flag of a namespace type the kernel lacks", helpers.ID("fails_with_einval_for_flag_of_namespace_type_kernel_lacks"), helpers.ManSetns, func(ctx SpecContext) {
			configured := configuredTypes()
			var missing []nsType
			for _, t := range nsTypes {
				if t.flag != 0 && !hasType(configured, t.name) {
					missing = append(missing, t)
				}
			}
			if len(missing) == 0 {
				helpers.SkipFor(outcome.Config, "this kernel is built with every namespace type setns(2) knows")
			}
			pidfd := helpers.SelfPidfd()
			j := startJoiner(ctx)
			for _, t := range missing {
				Expect(j.setns(ctx, pidfd, t.flag)).To(helpers.BeErrno(unix.EINVAL), "the %s namespace flag", t.name)
			}
		})
	})

	Context("with a pidfd of an exited process that is not reaped", func() {
		var (
			types []nsType
			flags int
		)
		BeforeEach(func() { types, flags = exitedTypes() })

		// Behavior: setns(2) through the pidfd of a process that has exited but is
		//           not reaped fails with ESRCH: the zombie has no namespaces left.
		// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_exited_child
		// Since:    v5.8
		It("fails with ESRCH", helpers.ID("pidfd_of_exited_process_fails_with_esrch"), helpers.SelftestPidfdSetns, func(ctx SpecContext) {
			pidfd := exitedTarget(ctx, flags)
			j := startJoiner(ctx)
			Expect(j.setns(ctx, pidfd, flags)).To(helpers.BeErrno(unix.ESRCH))
		})

		// Behavior: a setns(2) refused with ESRCH for an exited process
		//           leaves every namespace of the caller as it was.
		// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_exited_child
		// Since:    v5.8
		It("leaves the caller in all of its namespaces", helpers.ID("pidfd_of_exited_process_leaves_caller_in_all_namespaces"), helpers.SelftestPidfdSetns, func(ctx SpecContext) {
			pidfd := exitedTarget(ctx, flags)
			j := startJoiner(ctx)
			Expect(j.setns(ctx, pidfd, flags)).NotTo(Succeed())
			expectUnmoved(j, types)
		})
	})

	// validate_nsset looks the pidfd's task up first: a reaped process has
	// none (v7.3 kernel/nsproxy.c:409-413, v6.1 :367-371: pid_task(pid,
	// PIDTYPE_PID) is NULL → -ESRCH), before any namespace is touched.
	Context("with a pidfd of a process that has been reaped", func() {
		var (
			types []nsType
			flags int
		)
		BeforeEach(func() { types, flags = exitedTypes() })

		// Behavior: setns(2) through the pidfd of a process that has exited and been reaped fails with ESRCH.
		// Mirrors:  none (pidfd_setns_test.c current_nsset.pidfd_exited_child keeps its child a zombie)
		// Since:    v5.8
		It("fails with ESRCH", helpers.ID("pidfd_of_reaped_process_fails_with_esrch"), helpers.ManSetns, func(ctx SpecContext) {
			pidfd := reapedTarget(ctx, flags)
			j := startJoiner(ctx)
			Expect(j.setns(ctx, pidfd, flags)).To(helpers.BeErrno(unix.ESRCH))
		})

		// Behavior: a setns(2) refused with ESRCH for a reaped process
		//           leaves every namespace of the caller as it was.
		// Mirrors:  none
		// Since:    v5.8
		It("leaves the caller in all of its namespaces", helpers.ID("pidfd_of_reaped_process_leaves_caller_in_all_namespaces"), helpers.ManSetns, func(ctx SpecContext) {
			pidfd := reapedTarget(ctx, flags)
			j := startJoiner(ctx)
			Expect(j.setns(ctx, pidfd, flags)).NotTo(Succeed())
			expectUnmoved(j, types)
		})
	})

	Context("with an fd that is neither a pidfd nor a namespace", func() {
		// Behavior: setns(2) on a memfd fails with EINVAL.
		// Mirrors:  pidfd_setns_test.c global.setns_einval
		// Since:    v3.0
		It("fails with EINVAL", helpers.ID("fd_neither_pidfd_nor_namespace_fails_with_einval"), helpers.SelftestPidfdSetns, func(ctx SpecContext) {
			fd, err := unix.MemfdCreate("rostock", 0)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, fd)
			j := startJoiner(ctx)
			Expect(j.setns(ctx, fd, 0)).To(helpers.BeErrno(unix.EINVAL))
		})
	})
})
