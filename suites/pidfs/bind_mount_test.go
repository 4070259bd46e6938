package pidfs_test

import (
	"fmt"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// generation is FS_IOC_GETVERSION on fd.
func generation(fd int) uint64 {
	GinkgoHelper()
	gen, err := kernel.Getversion(fd)
	Expect(err).NotTo(HaveOccurred(), "FS_IOC_GETVERSION")
	return gen
}

var _ = Describe("bind mounts of pidfds", helpers.FsPidfs, func() {
	BeforeEach(func() { helpers.RequireFeature(kernel.Pidfs, kernel.PidfsGetversion) })

	// Behavior: reopening a pidfd through /proc/self/fd/N gives a file on the same pidfs inode (st_dev, st_ino) with the same FS_IOC_GETVERSION generation.
	// Mirrors:  pidfd_bind_mount.c pidfd_bind_mount.reopen
	// Since:    v6.14
	It("keeps the inode and generation when a pidfd is reopened through /proc", helpers.SelftestPidfdBindMount, func() {
		helpers.RequireFeature(kernel.Procfs)
		pidfd := helpers.SelfPidfd()
		reopened, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pidfd), unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(unix.Close, reopened)
		Expect(helpers.Inode(reopened)).To(Equal(helpers.Inode(pidfd)))
		Expect(generation(reopened)).To(Equal(generation(pidfd)))
	})

	Context("in a mount namespace of its own", func() {
		var mounter *helpers.Child
		BeforeEach(func(ctx SpecContext) {
			opts := []helpers.ChildOption{helpers.WithCloneflags(unix.CLONE_NEWNS)}
			if os.Geteuid() != 0 {
				opts = append(opts, helpers.AsRootInNewUserNS())
			}
			mounter = helpers.StartChild(ctx, roleBindMounter, nil, opts...)
		})

		// Behavior: open_tree(pidfd, "", OPEN_TREE_CLONE|AT_EMPTY_PATH) makes a detached mount of the pidfd's pidfs inode, which move_mount attaches onto a file; opening that path gives a file on the same inode (st_dev, st_ino) with the same FS_IOC_GETVERSION generation as the pidfd. Unprivileged, the mount namespace is nested in a user namespace.
		// Mirrors:  pidfd_bind_mount.c pidfd_bind_mount.bind_mount; pidfd_bind_mount.c pidfd_bind_mount.bind_mount_reopen
		// Since:    v6.14
		It("bind-mounts a pidfd and reopens the same inode and generation", helpers.SelftestPidfdBindMount, helpers.SyscallOpenTree, func(ctx SpecContext) {
			pidfd := helpers.SelfPidfd()
			r, err := mounter.Call(ctx, "bind", pidfd)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Fds).To(HaveLen(2), "the open_tree fd and the reopened fd")
			tree, reopened := r.Fds[0], r.Fds[1]
			Expect(helpers.Inode(tree)).To(Equal(helpers.Inode(pidfd)), "the open_tree fd")
			Expect(helpers.Inode(reopened)).To(Equal(helpers.Inode(pidfd)), "the reopened mount")
			Expect(generation(reopened)).To(Equal(generation(pidfd)))
		})
	})
})
