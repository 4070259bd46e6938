package pidfs_test

import (
	"fmt"
	"os"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

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
		// Behavior: each PIDFD_GET_*_NAMESPACE ioctl returns an fd for the same namespace as /proc/<pid>/ns/<name>.
		// Mirrors:  pidfd_setns_test.c (PIDFD_GET_*_NAMESPACE checks, 6.12)
		// Since:    v6.11
		entries = append(entries, Entry(ns.name, helpers.SelftestPidfdSetns, ns.name, ns.ioctl))
	}
	return entries
}

var _ = Describe("PIDFD_GET_*_NAMESPACE ioctls", helpers.IoctlPidfdGetNamespace, func() {
	BeforeEach(func() { helpers.RequireFeature(kernel.NamespaceIoctls) })

	DescribeTable("returns the process's namespace",
		func(name string, ioctl uintptr) {
			helpers.RequireFeature(kernel.Procfs)
			want, err := os.Stat(fmt.Sprintf("/proc/self/ns/%s", name))
			if os.IsNotExist(err) {
				Skip(name + " namespaces are not configured in this kernel")
			}
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
	It("fails with EINVAL for a nonzero argument", helpers.ManPidfs, func() {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(helpers.SelfPidfd()), unix.PIDFD_GET_PID_NAMESPACE, 1)
		Expect(errno).To(helpers.BeErrno(unix.EINVAL))
	})
})
