package pidfs_test

import (
	"os"
	"syscall"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
)

var _ = Describe("PIDFD_GET_INFO ioctl", helpers.IoctlPidfdGetInfo, func() {
	BeforeEach(func() { helpers.RequireFeature(helpers.PidfdGetInfo) })

	// Behavior: PIDFD_GET_INFO on a live child reports its pid, tgid, parent and credentials, and marks PID and CREDS in the mask.
	// Mirrors:  pidfd_open_test.c "get info from pidfd test"; LTP ioctl_pidfd01
	// Since:    v6.13
	It("reports a live child's ids", helpers.SelftestPidfdOpen, helpers.LTPIoctlPidfd, func() {
		child := helpers.StartBlocked()
		info, err := helpers.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS)
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
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(selfPidfd()), unix.PIDFD_GET_INFO, 0)
		Expect(errno).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: PIDFD_GET_INFO on an fd that is not a pidfd fails with ENOTTY.
	// Mirrors:  LTP ioctl_pidfd01
	// Since:    v6.13
	It("fails with ENOTTY on an fd that is not a pidfd", helpers.LTPIoctlPidfd, func() {
		null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(unix.Close, null)
		info := unix.PidfdInfo{Mask: unix.PIDFD_INFO_PID}
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(null), unix.PIDFD_GET_INFO, uintptr(unsafe.Pointer(&info)))
		Expect(errno).To(helpers.BeErrno(unix.ENOTTY))
	})

	Context("when the process has exited", func() {
		var child *helpers.Blocked
		BeforeEach(func(ctx SpecContext) {
			child = helpers.StartBlocked()
			child.Kill()
			Expect(helpers.WaitReadable(ctx, child.Pidfd, helpers.EventTimeout())).To(BeNumerically(">", 0))
		})

		// Behavior: a zombie still reports its pid and credentials but no exit information (that is published at reap).
		// Mirrors:  pidfd_info_test.c (exit info only after reaping, ML)
		// Since:    v6.15
		It("reports a zombie's ids without exit information", helpers.SelftestPidfdInfo, func() {
			helpers.RequireFeature(helpers.PidfdInfoExit)
			info, err := helpers.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Pid).To(BeEquivalentTo(child.Pid))
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).To(BeZero())
		})

		// Behavior: once reaped, PIDFD_GET_INFO without PIDFD_INFO_EXIT fails with ESRCH.
		// Mirrors:  pidfd_info_test.c TEST_F(pidfd_info, sigkill_reaped) (ML); LTP ioctl_pidfd02
		// Since:    v6.13
		It("fails with ESRCH after the reap unless exit information is requested", helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			child.Reap(ctx)
			_, err := helpers.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})

		// Behavior: once reaped, PIDFD_GET_INFO with PIDFD_INFO_EXIT reports the wait status (killed by SIGKILL).
		// Mirrors:  pidfd_info_test.c TEST_F(pidfd_info, sigkill_reaped) (ML); LTP ioctl_pidfd03
		// Since:    v6.15
		It("reports the exit status after the reap", helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			helpers.RequireFeature(helpers.PidfdInfoExit)
			child.Reap(ctx)
			info, err := helpers.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).NotTo(BeZero())
			status := syscall.WaitStatus(info.Exit_code)
			Expect(status.Signaled()).To(BeTrue(), "exit_code %#x", info.Exit_code)
			Expect(status.Signal()).To(Equal(syscall.SIGKILL))
		})
	})
})
