package pidfs_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
)

// handleOf is name_to_handle_at(pidfd, "", AT_EMPTY_PATH).
func handleOf(pidfd int) unix.FileHandle {
	GinkgoHelper()
	h, _, err := unix.NameToHandleAt(pidfd, "", unix.AT_EMPTY_PATH)
	Expect(err).NotTo(HaveOccurred(), "name_to_handle_at(pidfd)")
	return h
}

var _ = Describe("file handles of pidfds", helpers.SyscallOpenByHandleAt, func() {
	var child *helpers.Blocked
	BeforeEach(func() {
		helpers.RequireFeature(helpers.FileHandles)
		child = helpers.StartBlocked()
	})

	// Behavior: open_by_handle_at(2) of a pidfd's handle (any pidfd as the mount fd) returns a pidfd for the same process: the same inode.
	// Mirrors:  pidfd_file_handle_test.c TEST_F(file_handle, file_handle_child_pidns) (round trip, ML)
	// Since:    v6.14
	It("reopens the same pidfs inode from a handle", helpers.SyscallNameToHandleAt, helpers.SelftestPidfdFileHandle, func() {
		fd, err := unix.OpenByHandleAt(selfPidfd(), handleOf(child.Pidfd), unix.O_CLOEXEC)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(unix.Close, fd)
		Expect(helpers.Inode(fd)).To(Equal(helpers.Inode(child.Pidfd)))
	})

	// Behavior: open_by_handle_at(2) of a pidfs handle fails with EINVAL for open flags outside O_RDONLY/O_WRONLY/O_RDWR/O_NONBLOCK/O_CLOEXEC/O_EXCL.
	// Mirrors:  pidfd_file_handle_test.c TEST_F(file_handle, open_by_handle_at_invalid_flags) (asserts failure only, ML)
	// Since:    v6.14
	It("fails with EINVAL for invalid open flags", helpers.SelftestPidfdFileHandle, func() {
		_, err := unix.OpenByHandleAt(selfPidfd(), handleOf(child.Pidfd), unix.O_CREAT)
		Expect(err).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: a handle of a process that has been reaped no longer opens, even while a pidfd to it is open: open_by_handle_at(2) fails with ESTALE.
	// Mirrors:  pidfd_file_handle_test.c TEST_F(file_handle, pid_has_been_reaped) (asserts failure only, ML)
	// Since:    v6.14
	It("fails with ESTALE once the process is reaped", helpers.SelftestPidfdFileHandle, func(ctx SpecContext) {
		h := handleOf(child.Pidfd)
		child.Reap(ctx)
		_, err := unix.OpenByHandleAt(selfPidfd(), h, unix.O_CLOEXEC)
		Expect(err).To(helpers.BeErrno(unix.ESTALE))
	})
})

var _ = Describe("extended attributes of pidfds", helpers.SyscallXattr, helpers.NeedsRoot, func() {
	const name = "trusted.pidfdconf"
	var fd int
	BeforeEach(func() {
		helpers.RequireRoot("trusted.* extended attributes")
		helpers.RequireFeature(helpers.PidfsXattrs)
		fd = helpers.StartBlocked().Pidfd
		Expect(unix.Fsetxattr(fd, name, []byte("value"), 0)).To(Succeed())
	})

	// Behavior: a trusted.* attribute set on a pidfd reads back and is listed.
	// Mirrors:  pidfd_xattr_test.c TEST_F(pidfs_xattr, set_get_list_xattr_multiple) (ML)
	// Since:    v6.17
	It("stores, returns and lists a trusted.* attribute", helpers.SelftestPidfdXattr, func() {
		buf := make([]byte, 64)
		n, err := unix.Fgetxattr(fd, name, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(Equal("value"))
		n, err = unix.Flistxattr(fd, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(ContainSubstring(name))
	})

	// Behavior: a removed trusted.* attribute is gone: fgetxattr(2) fails with ENODATA.
	// Mirrors:  pidfd_xattr_test.c TEST_F(pidfs_xattr, set_get_list_xattr_multiple) (its fremovexattr, then ENODATA, ML)
	// Since:    v6.17
	It("removes a trusted.* attribute", helpers.SelftestPidfdXattr, func() {
		Expect(unix.Fremovexattr(fd, name)).To(Succeed())
		_, err := unix.Fgetxattr(fd, name, make([]byte, 64))
		Expect(err).To(helpers.BeErrno(unix.ENODATA))
	})

	// Behavior: pidfs accepts only trusted.* attributes: setting a user.* one fails with EOPNOTSUPP.
	// Mirrors:  none
	// Since:    v6.17
	It("refuses user.* attributes with EOPNOTSUPP", helpers.ManPidfs, func() {
		Expect(unix.Fsetxattr(fd, "user.pidfdconf", []byte("value"), 0)).To(helpers.BeErrno(unix.EOPNOTSUPP))
	})
})
