package pidfs

import (
	"fmt"
	"os"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

// PIDFD_GET_*_NAMESPACE, state by state. Each namespace fd returned is
// compared with /proc/<pid>/ns/<type> (device and inode).
//
//	state of the target             outcome                          spec
//	live                            the process's namespace fd       returns_process_namespace_*
//	zombie                          ESRCH for every type             fails_with_esrch_for_every_namespace_of_a_zombie
//	reaped, the pidfd held          ESRCH                            fails_with_esrch_once_the_process_is_reaped
//	reaped and forgotten            –                                nothing to ask through
//	pid number reused               –                                not tried: the reaped row's lookup (no task) applies
//	in a child pid namespace        that namespace, not the caller's returns_the_child_pid_namespace_of_a_process_inside_one
//	no ptrace read access           EACCES for every type            fails_with_eacces_for_a_non_dumpable_process, fails_with_eacces_for_a_process_of_another_user,
//	                                                                 fails_with_eacces_for_a_caller_in_a_child_user_namespace (control: succeeds_for_a_dumpable_process_of_the_caller_uid)
//	non-leader thread               –                                not tried: a thread shares its process's namespaces
//	type configured out             EOPNOTSUPP                       setns derived_test.go:fail_with_eopnotsupp_for_exactly_namespace_types_kernel
//	argument not 0                  EINVAL                           fails_with_einval_for_a_nonzero_argument

// namespaceIoctls pairs each PIDFD_GET_*_NAMESPACE with its /proc/<pid>/ns name.
var namespaceIoctls = []struct {
	name  string
	ioctl uintptr
}{
	{"cgroup", unix.PIDFD_GET_CGROUP_NAMESPACE},
	{"ipc", unix.PIDFD_GET_IPC_NAMESPACE},
	{"mnt", unix.PIDFD_GET_MNT_NAMESPACE},
	{"net", unix.PIDFD_GET_NET_NAMESPACE},
	{"pid", unix.PIDFD_GET_PID_NAMESPACE},
	{"pid_for_children", unix.PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE},
	{"time", unix.PIDFD_GET_TIME_NAMESPACE},
	{"time_for_children", unix.PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE},
	{"user", unix.PIDFD_GET_USER_NAMESPACE},
	{"uts", unix.PIDFD_GET_UTS_NAMESPACE},
}

func namespaceEntries() []TableEntry {
	var entries []TableEntry
	for _, ns := range namespaceIoctls {
		// Behavior: each PIDFD_GET_*_NAMESPACE ioctl returns an fd
		//           for the same namespace as /proc/<pid>/ns/<name>.
		// Mirrors:  pidfd_setns_test.c current_nsset.pidfd_derived_nsfd_incremental_setns
		//           (its fixture takes every namespace fd with PIDFD_GET_*_NAMESPACE)
		// Since:    v6.11
		entries = append(entries, Entry(ns.name, helpers.ID("returns_process_namespace_"+ns.name), helpers.SelftestPidfdSetns, ns.name, ns.ioctl))
	}
	return entries
}

var _ = area.Describe("PIDFD_GET_*_NAMESPACE ioctls", helpers.IoctlPidfdGetNamespace, helpers.Requires(kernel.NamespaceIoctls), func() {
	DescribeTable("returns the process's namespace",
		func(name string, ioctl uintptr) {
			helpers.RequireNamespaceType(name)
			want, err := os.Stat(fmt.Sprintf("/proc/self/ns/%s", name))
			Expect(err).NotTo(HaveOccurred())
			nsfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(helpers.SelfPidfd()), ioctl, 0)
			Expect(errno).To(BeZero(), "ioctl: %v", errno)
			DeferCleanup(unix.Close, int(nsfd))
			st := want.Sys().(*syscall.Stat_t)
			Expect(helpers.Inode(int(nsfd))).To(Equal(helpers.FileID{Dev: uint64(st.Dev), Ino: st.Ino}))
		},
		namespaceEntries(),
	)

	// Behavior: a PIDFD_GET_*_NAMESPACE ioctl with a nonzero argument fails with EINVAL.
	// Mirrors:  none
	// Since:    v6.11
	It("fails with EINVAL for a nonzero argument", helpers.ID("fails_with_einval_for_a_nonzero_argument"), helpers.ManPidfs, func() {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(helpers.SelfPidfd()), unix.PIDFD_GET_PID_NAMESPACE, 1)
		Expect(errno).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: PIDFD_GET_PID_NAMESPACE on the pidfd of a reaped process fails with ESRCH (no task).
	// Mirrors:  none (fs/pidfs.c pidfd_ioctl: no task → ESRCH)
	// Since:    v6.11
	It("fails with ESRCH once the process is reaped", helpers.ID("fails_with_esrch_once_the_process_is_reaped"), helpers.ManPidfs, func(ctx SpecContext) {
		child := helpers.StartBlocked()
		child.Reap(ctx)
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(child.Pidfd), unix.PIDFD_GET_PID_NAMESPACE, 0)
		Expect(errno).To(helpers.BeErrno(unix.ESRCH))
	})

	// Behavior: every PIDFD_GET_*_NAMESPACE ioctl on the pidfd of a process that has exited but is not reaped
	//           fails with ESRCH: the zombie's namespaces are gone (exit_task_namespaces), though its task is not.
	// Mirrors:  none (v7.3 fs/pidfs.c pidfd_ioctl and v6.12 fs/pidfs.c:151-158:
	//           no task->nsproxy → -ESRCH, "just pretend it didn't exist")
	// Since:    v6.11
	It("fails with ESRCH for every namespace of a zombie", helpers.ID("fails_with_esrch_for_every_namespace_of_a_zombie"), helpers.ManPidfs, func(ctx SpecContext) {
		child := helpers.StartBlocked()
		child.Kill()
		helpers.AwaitZombie(ctx, child.Pidfd)
		for _, ns := range namespaceIoctls {
			_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(child.Pidfd), ns.ioctl, 0)
			Expect(errno).To(helpers.BeErrno(unix.ESRCH), "PIDFD_GET_%s_NAMESPACE", ns.name)
		}
	})

	// Behavior: PIDFD_GET_PID_NAMESPACE on the pidfd of a process in a child pid namespace
	//           returns that namespace: the inode of /proc/<pid>/ns/pid, not the caller's.
	// Mirrors:  none
	// Since:    v6.11
	It("returns the child pid namespace of a process inside one", helpers.ID("returns_the_child_pid_namespace_of_a_process_inside_one"), helpers.NeedsPidNS, helpers.ManPidfs, func(ctx SpecContext) {
		helpers.RequireFeature(kernel.PidNamespaces, kernel.Procfs)
		c := helpers.NewPidNS(ctx).Spawn(ctx, 1000, helpers.RoleProcess)
		nsfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(c.Pidfd), unix.PIDFD_GET_PID_NAMESPACE, 0)
		Expect(errno).To(BeZero(), "ioctl: %v", errno)
		DeferCleanup(unix.Close, int(nsfd))
		inner, err := os.Stat(fmt.Sprintf("/proc/%d/ns/pid", c.Pid))
		Expect(err).NotTo(HaveOccurred())
		own, err := os.Stat("/proc/self/ns/pid")
		Expect(err).NotTo(HaveOccurred())
		got := helpers.Inode(int(nsfd)).Ino
		Expect(got).To(Equal(inner.Sys().(*syscall.Stat_t).Ino))
		Expect(got).NotTo(Equal(own.Sys().(*syscall.Stat_t).Ino))
	})

	Context("when the caller has no ptrace read access to the process", func() {
		// askEvery has asker try every PIDFD_GET_*_NAMESPACE on pidfd and
		// returns each one's outcome by namespace name.
		askEvery := func(ctx SpecContext, asker *helpers.Child, pidfd int) map[string]string {
			GinkgoHelper()
			got := map[string]string{}
			for _, ns := range namespaceIoctls {
				_, err := asker.Call(ctx, fmt.Sprintf("ns %d", ns.ioctl), pidfd)
				got[ns.name] = helpers.ErrnoName(err)
			}
			return got
		}
		everyOne := func(outcome string) map[string]string {
			want := map[string]string{}
			for _, ns := range namespaceIoctls {
				want[ns.name] = outcome
			}
			return want
		}
		// sameUserPair starts a target (dumpable or not) and an asker of
		// the same uid, neither with a capability.
		sameUserPair := func(ctx SpecContext, dumpable string) (target, asker *helpers.Child) {
			GinkgoHelper()
			target = helpers.StartChild(ctx, pidfsroles.PtraceTarget, append([]string{dumpable}, helpers.DropToArgs(65534)...))
			asker = helpers.StartChild(ctx, pidfsroles.NamespaceAsker, helpers.DropToArgs(65534))
			return target, asker
		}

		// Behavior: every PIDFD_GET_*_NAMESPACE ioctl fails with EACCES for a caller of
		//           the process's own uid without CAP_SYS_PTRACE when the process is not
		//           dumpable; the ptrace check comes before the namespace is looked at.
		// Mirrors:  none (fs/pidfs.c pidfd_ioctl: !ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS) → -EACCES)
		// Since:    v6.11
		It("fails with EACCES for a non-dumpable process", helpers.ID("fails_with_eacces_for_a_non_dumpable_process"), helpers.ManPidfs, func(ctx SpecContext) {
			target, asker := sameUserPair(ctx, "0")
			Expect(askEvery(ctx, asker, target.Pidfd)).To(Equal(everyOne("EACCES")))
		})

		// Behavior: the same caller gets every namespace fd of a dumpable process of
		//           its uid (EOPNOTSUPP for a namespace type configured out): the
		//           control showing that the EACCES comes from the ptrace check.
		// Mirrors:  none
		// Since:    v6.11
		It("succeeds for a dumpable process of the caller's uid", helpers.ID("succeeds_for_a_dumpable_process_of_the_caller_uid"), helpers.ManPidfs, func(ctx SpecContext) {
			target, asker := sameUserPair(ctx, "1")
			want := everyOne("success")
			for _, ns := range namespaceIoctls {
				// Only a type the config (or a sign) shows off is
				// expected to be missing.
				if !helpers.NamespaceTypePresent(ns.name) {
					// x/sys names errno 95 ENOTSUP, its other Linux name.
					want[ns.name] = helpers.ErrnoName(unix.EOPNOTSUPP)
				}
			}
			Expect(askEvery(ctx, asker, target.Pidfd)).To(Equal(want))
		})

		// Behavior: every PIDFD_GET_*_NAMESPACE ioctl fails with EACCES for an unprivileged
		//           caller (uid nobody) on a dumpable process of another user (root).
		// Mirrors:  none (fs/pidfs.c pidfd_ioctl: ptrace_may_access fails on the uid check → -EACCES)
		// Since:    v6.11
		It("fails with EACCES for a process of another user", helpers.ID("fails_with_eacces_for_a_process_of_another_user"), helpers.ManPidfs, func(ctx SpecContext) {
			target := helpers.TargetOfAnotherUser()
			asker := helpers.StartChild(ctx, pidfsroles.NamespaceAsker, helpers.DropToArgs(65534))
			Expect(askEvery(ctx, asker, target)).To(Equal(everyOne("EACCES")))
		})

		// Behavior: every PIDFD_GET_*_NAMESPACE ioctl fails with EACCES for a caller that is
		//           root only in a child user namespace, even on a dumpable process of its own
		//           uid: ptrace access needs CAP_SYS_PTRACE in the process's user namespace.
		// Mirrors:  none (security/commoncap.c cap_ptrace_access_check: another user namespace and no
		//           CAP_SYS_PTRACE over the target's → -EPERM, which pidfd_ioctl turns into -EACCES)
		// Since:    v6.11
		It("fails with EACCES for a caller in a child user namespace", helpers.ID("fails_with_eacces_for_a_caller_in_a_child_user_namespace"), helpers.NeedsUserNS, helpers.ManPidfs, func(ctx SpecContext) {
			target := helpers.StartBlocked()
			asker := helpers.StartChildInUserNS(ctx, pidfsroles.NamespaceAsker, nil)
			Expect(askEvery(ctx, asker, target.Pidfd)).To(Equal(everyOne("EACCES")))
		})
	})
})
