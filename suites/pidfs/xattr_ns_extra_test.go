package pidfs_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var _ = Describe("extended attributes of pidfds", helpers.SyscallXattr, helpers.NeedsRoot, func() {
	BeforeEach(func() {
		helpers.RequireRoot("trusted.* extended attributes")
		helpers.RequireFeature(kernel.PidfsXattrs)
	})

	// Behavior: ten trusted.* attributes set on one pidfd each read back with their own value and length, all ten are listed, and each is gone (ENODATA) once removed.
	// Mirrors:  pidfd_xattr_test.c TEST_F(pidfs_xattr, set_get_list_xattr_multiple) (ML)
	// Since:    v6.17
	It("keeps ten trusted.* attributes apart", helpers.SelftestPidfdXattr, func() {
		fd := helpers.StartBlocked().Pidfd
		for i := range 10 {
			Expect(unix.Fsetxattr(fd, fmt.Sprintf("trusted.testattr%d", i), []byte(fmt.Sprintf("testvalue%d", i)), 0)).To(Succeed())
		}
		buf := make([]byte, 512)
		for i := range 10 {
			n, err := unix.Fgetxattr(fd, fmt.Sprintf("trusted.testattr%d", i), buf)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(buf[:n])).To(Equal(fmt.Sprintf("testvalue%d", i)))
		}
		n, err := unix.Flistxattr(fd, buf)
		Expect(err).NotTo(HaveOccurred())
		listed := strings.Split(strings.TrimSuffix(string(buf[:n]), "\x00"), "\x00")
		for i := range 10 {
			Expect(listed).To(ContainElement(fmt.Sprintf("trusted.testattr%d", i)))
		}
		for i := range 10 {
			name := fmt.Sprintf("trusted.testattr%d", i)
			Expect(unix.Fremovexattr(fd, name)).To(Succeed())
			_, err := unix.Fgetxattr(fd, name, buf)
			Expect(err).To(helpers.BeErrno(unix.ENODATA), name)
		}
	})

	// Behavior: a trusted.* attribute lives on the process (struct pid), not the pidfd: after the only pidfd to a zombie is closed, a new pidfd_open(2) reads and lists it.
	// Mirrors:  pidfd_xattr_test.c TEST_F(pidfs_xattr, set_get_list_xattr_persistent) (ML)
	// Since:    v6.17
	It("keeps a trusted.* attribute after the last pidfd to a zombie is closed", helpers.SelftestPidfdXattr, func(ctx SpecContext) {
		pid := helpers.StartBlockedPid()
		fd, err := unix.PidfdOpen(pid, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)).To(Succeed())
		_, err = kernel.WaitReadable(ctx, fd, helpers.EventTimeout())
		Expect(err).NotTo(HaveOccurred())
		Expect(unix.Fsetxattr(fd, "trusted.persistent", []byte("persistent value"), 0)).To(Succeed())
		Expect(unix.Close(fd)).To(Succeed())

		fd = helpers.OpenPidfd(pid, 0)
		buf := make([]byte, 128)
		n, err := unix.Fgetxattr(fd, "trusted.persistent", buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(Equal("persistent value"))
		n, err = unix.Flistxattr(fd, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(buf[:n])).To(Equal("trusted.persistent\x00"))
	})
})

var _ = Describe("PIDFD_GET_*_NAMESPACE ioctls", helpers.IoctlPidfdGetNamespace, func() {
	BeforeEach(func() { helpers.RequireFeature(kernel.NamespaceIoctls) })

	// Behavior: PIDFD_GET_PID_NAMESPACE on the pidfd of a reaped process fails with ESRCH (no task).
	// Mirrors:  none (fs/pidfs.c pidfd_ioctl: no task → ESRCH)
	// Since:    v6.11
	It("fails with ESRCH once the process is reaped", helpers.ManPidfs, func(ctx SpecContext) {
		child := helpers.StartBlocked()
		child.Reap(ctx)
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(child.Pidfd), unix.PIDFD_GET_PID_NAMESPACE, 0)
		Expect(errno).To(helpers.BeErrno(unix.ESRCH))
	})

	// Behavior: PIDFD_GET_PID_NAMESPACE on the pidfd of a process in a child pid namespace returns that namespace: the inode of /proc/<pid>/ns/pid, not the caller's.
	// Mirrors:  none
	// Since:    v6.11
	It("returns the child pid namespace of a process inside one", helpers.NeedsPidNS, helpers.ManPidfs, func(ctx SpecContext) {
		helpers.RequireRoot("a pid namespace")
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
})
