package pidfs_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var _ = Describe("PIDFD_GET_INFO ioctl", helpers.IoctlPidfdGetInfo, func() {
	BeforeEach(func() { helpers.RequireFeature(kernel.PidfdGetInfo) })

	// Behavior: PIDFD_GET_INFO on a live child reports its pid, tgid, parent and credentials, and marks PID and CREDS in the mask.
	// Mirrors:  pidfd_open_test.c "get info from pidfd test"; LTP ioctl_pidfd01
	// Since:    v6.13
	It("reports a live child's ids", helpers.SelftestPidfdOpen, helpers.LTPIoctlPidfd, func() {
		child := helpers.StartBlocked()
		info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mask & (unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS)).To(BeEquivalentTo(unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS))
		Expect([]uint32{info.Pid, info.Tgid}).To(HaveEach(BeEquivalentTo(child.Pid)))
		Expect(info.Ppid).To(BeEquivalentTo(os.Getpid()))
		Expect([]uint32{info.Ruid, info.Euid, info.Suid, info.Fsuid}).To(HaveEach(BeEquivalentTo(os.Getuid())))
		Expect([]uint32{info.Rgid, info.Egid, info.Sgid, info.Fsgid}).To(HaveEach(BeEquivalentTo(os.Getgid())))
	})

	// Behavior: PIDFD_GET_INFO with a NULL argument fails with EINVAL.
	// Mirrors:  LTP ioctl_pidfd05
	// Since:    v6.13
	It("fails with EINVAL for a NULL argument", helpers.LTPIoctlPidfd, func() {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(helpers.SelfPidfd()), unix.PIDFD_GET_INFO, 0)
		Expect(errno).To(helpers.BeErrno(unix.EINVAL))
	})

	Context("when the process has exited", func() {
		var child *helpers.Blocked
		BeforeEach(func(ctx SpecContext) {
			child = helpers.StartBlocked()
			child.Kill()
			Expect(kernel.WaitReadable(ctx, child.Pidfd, helpers.EventTimeout())).To(BeNumerically(">", 0))
		})

		// Behavior: once reaped, PIDFD_GET_INFO without PIDFD_INFO_EXIT fails with ESRCH.
		// Mirrors:  pidfd_info_test.c TEST_F(pidfd_info, sigkill_reaped) (ML); LTP ioctl_pidfd02
		// Since:    v6.13
		It("fails with ESRCH after the reap unless exit information is requested", helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			child.Reap(ctx)
			_, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})
	})
})
