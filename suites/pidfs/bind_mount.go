package pidfs

import (
	"fmt"
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

// generation is FS_IOC_GETVERSION on fd.
func generation(fd int) uint64 {
	GinkgoHelper()
	gen, err := kernel.Getversion(fd)
	Expect(err).NotTo(HaveOccurred(), "FS_IOC_GETVERSION")
	return gen
}

// reopenOutcome is what opening a pidfs inode by path gives this test's
// user: pidfs inodes belong to the global root with mode 0700, so only a
// caller with CAP_DAC_OVERRIDE over them (root in the initial user
// namespace) may open one; anyone else gets EACCES.
func reopenOutcome() string {
	if os.Geteuid() == 0 {
		return "success"
	}
	return "EACCES"
}

var _ = area.Describe("bind mounts of pidfds", helpers.FsPidfs, helpers.Requires(kernel.Pidfs, kernel.PidfsGetversion), func() {
	// Behavior: reopening a pidfd through /proc/self/fd/N gives a file on the same pidfs inode
	//           (st_dev, st_ino) with the same FS_IOC_GETVERSION generation; a caller that is
	//           not root fails with EACCES (the inode is the global root's, mode 0700).
	// Mirrors:  pidfd_bind_mount.c pidfd_bind_mount.reopen (as root there)
	// Since:    v6.14
	It("keeps the inode and generation when a pidfd is reopened through /proc", helpers.ID("keeps_inode_and_generation_when_pidfd_is_reopened"), helpers.SelftestPidfdBindMount, helpers.Requires(kernel.Procfs), func() {
		pidfd := helpers.SelfPidfd()
		reopened, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", pidfd), unix.O_RDONLY|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		Expect(helpers.ErrnoName(err)).To(Equal(reopenOutcome()))
		if err != nil {
			return
		}
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
			mounter = helpers.StartChild(ctx, pidfsroles.BindMounter, nil, opts...)
		})

		// Behavior: open_tree(pidfd, "", OPEN_TREE_CLONE|AT_EMPTY_PATH) makes a detached mount of the
		//           pidfd's pidfs inode (same st_dev, st_ino), which move_mount attaches onto a file;
		//           opening that path as root gives a file on the same inode with the same FS_IOC_GETVERSION
		//           generation. Unprivileged, in a user and mount namespace of its own, the mount succeeds
		//           and the open fails with EACCES (the inode is the global root's, mode 0700).
		// Mirrors:  pidfd_bind_mount.c pidfd_bind_mount.bind_mount; pidfd_bind_mount.c
		//           pidfd_bind_mount.bind_mount_reopen (as root there)
		// Since:    v6.14
		It("bind-mounts a pidfd and reopens the same inode and generation", helpers.ID("bind_mounts_pidfd_and_reopens_same_inode_and_generation"), helpers.SelftestPidfdBindMount, helpers.SyscallOpenTree, func(ctx SpecContext) {
			pidfd := helpers.SelfPidfd()
			r, err := mounter.Call(ctx, "bind", pidfd)
			Expect(err).NotTo(HaveOccurred())
			Expect(r.Text).To(Equal("reopen=" + reopenOutcome()))
			Expect(r.Fds).NotTo(BeEmpty(), "the open_tree fd")
			Expect(helpers.Inode(r.Fds[0])).To(Equal(helpers.Inode(pidfd)), "the open_tree fd")
			if len(r.Fds) == 1 {
				return
			}
			reopened := r.Fds[1]
			Expect(helpers.Inode(reopened)).To(Equal(helpers.Inode(pidfd)), "the reopened mount")
			Expect(generation(reopened)).To(Equal(generation(pidfd)))
		})
	})
})
