package pidfs_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// statusIDs is the four ids (real, effective, saved, filesystem) of a
// "Uid:" or "Gid:" line of /proc/self/status.
func statusIDs(field string) []uint32 {
	GinkgoHelper()
	data, err := os.ReadFile("/proc/self/status")
	Expect(err).NotTo(HaveOccurred())
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			var ids [4]uint32
			_, err := fmt.Sscan(rest, &ids[0], &ids[1], &ids[2], &ids[3])
			Expect(err).NotTo(HaveOccurred(), "%q", line)
			return ids[:]
		}
	}
	Fail("no " + field + " line in /proc/self/status")
	return nil
}

// exitStatus is a PIDFD_INFO_EXIT exit_code decoded as a wait status.
type exitStatus struct {
	Exited   bool
	Code     int
	Signaled bool
	Signal   syscall.Signal
}

func decodeExit(code int32) exitStatus {
	ws := syscall.WaitStatus(code)
	s := exitStatus{Exited: ws.Exited(), Signaled: ws.Signaled()}
	if s.Exited {
		s.Code = ws.ExitStatus()
	}
	if s.Signaled {
		s.Signal = ws.Signal()
	}
	return s
}

var _ = Describe("PIDFD_GET_INFO ioctl", helpers.IoctlPidfdGetInfo, func() {
	BeforeEach(func() { helpers.RequireFeature(kernel.PidfdGetInfo) })

	// Behavior: PIDFD_GET_INFO on a live child reports its pid, tgid, parent and credentials, and marks PID and CREDS in the mask.
	// Mirrors:  pidfd_open_test.c "get info from pidfd" (the caller's own pidfd there)
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
		// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_reaped (v6.15 selftest); LTP ioctl_pidfd03 (a child in new user and pid namespaces there)
		// Since:    v6.13
		It("fails with ESRCH after the reap unless exit information is requested", helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			child.Reap(ctx)
			_, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})
	})

	// Behavior: PIDFD_GET_INFO on the caller's own pidfd reports the ids getpid(2), getppid(2) and /proc/self/status report: pid, tgid, ppid, and real, effective, saved and filesystem uids and gids.
	// Mirrors:  pidfd_open_test.c "get info from pidfd" (compares with fdinfo, getppid(2), getuid(2) and getgid(2); here with /proc/self/status)
	// Since:    v6.13
	It("reports the caller's own ids as getpid, getppid and /proc/self/status do", helpers.LTPIoctlPidfd, func() {
		helpers.RequireFeature(kernel.Procfs)
		info, err := kernel.GetPidfdInfo(helpers.SelfPidfd(), unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS)
		Expect(err).NotTo(HaveOccurred())
		Expect([]uint32{info.Pid, info.Tgid, info.Ppid}).To(Equal([]uint32{uint32(os.Getpid()), uint32(os.Getpid()), uint32(os.Getppid())}))
		Expect([]uint32{info.Ruid, info.Euid, info.Suid, info.Fsuid}).To(Equal(statusIDs("Uid")))
		Expect([]uint32{info.Rgid, info.Egid, info.Sgid, info.Fsgid}).To(Equal(statusIDs("Gid")))
	})

	// Behavior: a PIDFD_GET_INFO argument larger than the kernel's struct pidfd_info is accepted, and the bytes beyond the kernel's struct (here from 88, PIDFD_INFO_SIZE_VER3, on) come back zeroed. v6.13 and v6.14 accept the size but leave the caller's tail as it was.
	// Mirrors:  none (copy_struct_to_user in fs/pidfs.c pidfd_info, v6.15)
	// Since:    v6.15
	It("zeroes the tail of an argument larger than the kernel's struct", helpers.ManPidfs, func() {
		helpers.RequireFeature(kernel.PidfdInfoZeroFill)
		buf := make([]byte, 128)
		for i := range buf {
			buf[i] = 0xff
		}
		Expect(kernel.PidfdInfoRaw(helpers.SelfPidfd(), unix.PIDFD_INFO_PID, uintptr(len(buf)), buf)).To(Succeed())
		Expect(*(*uint64)(unsafe.Pointer(&buf[0])) & unix.PIDFD_INFO_PID).NotTo(BeZero())
		Expect(buf[88:]).To(HaveEach(BeZero()))
	})

	// Behavior: PIDFD_GET_INFO with an argument size below PIDFD_INFO_SIZE_VER0 (64) fails: EINVAL on v6.13–v6.17, ENOTTY since v6.18 (the size is now part of the request match).
	// Mirrors:  LTP ioctl_pidfd05
	// Since:    v6.13 (ENOTTY since v6.18)
	DescribeTable("fails for an argument smaller than PIDFD_INFO_SIZE_VER0",
		func(size int) {
			buf := make([]byte, 64)
			err := kernel.PidfdInfoRaw(helpers.SelfPidfd(), unix.PIDFD_INFO_PID, uintptr(size), buf)
			Expect(err).To(helpers.ErrnoHistory{{Since: "6.13", Errno: unix.EINVAL}, {Since: "6.18", Errno: unix.ENOTTY}}.Matcher())
		},
		Entry("size 4", helpers.LTPIoctlPidfd, 4),
		Entry("size 56", helpers.LTPIoctlPidfd, 56),
	)

	// Behavior: PIDFD_GET_INFO on an fd that is not a pidfd fails: EBADF for fd -1, ENOTTY for a pipe.
	// Mirrors:  LTP ioctl_pidfd01 (every kind of fd tst_fd knows there; here fd -1 and a pipe)
	// Since:    v6.13
	DescribeTable("fails on an fd that is not a pidfd",
		func(fd func() int, want unix.Errno) {
			buf := make([]byte, 64)
			Expect(kernel.PidfdInfoRaw(fd(), unix.PIDFD_INFO_PID, 64, buf)).To(helpers.BeErrno(want))
		},
		Entry("fd -1", helpers.LTPIoctlPidfd, func() int { return -1 }, unix.EBADF),
		Entry("a pipe", helpers.LTPIoctlPidfd, func() int {
			var p [2]int
			Expect(unix.Pipe2(p[:], unix.O_CLOEXEC)).To(Succeed())
			DeferCleanup(unix.Close, p[0])
			DeferCleanup(unix.Close, p[1])
			return p[0]
		}, unix.ENOTTY),
	)

	Context("when the process is a zombie", func() {
		// Behavior: PIDFD_GET_INFO on a killed, unreaped process succeeds with and without PIDFD_INFO_EXIT and marks CREDS but not EXIT (exit information is published at reap).
		// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_exit (v6.15 selftest)
		// Since:    v6.15
		It("marks CREDS but not EXIT with or without PIDFD_INFO_EXIT", helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PidfdInfoExit)
			child := helpers.StartBlocked()
			child.Kill()
			Expect(kernel.WaitReadable(ctx, child.Pidfd, helpers.EventTimeout())).To(BeNumerically(">", 0))
			for _, mask := range []uint64{unix.PIDFD_INFO_CGROUPID, unix.PIDFD_INFO_CGROUPID | unix.PIDFD_INFO_EXIT} {
				info, err := kernel.GetPidfdInfo(child.Pidfd, mask)
				Expect(err).NotTo(HaveOccurred(), "mask %#x", mask)
				Expect(info.Mask&unix.PIDFD_INFO_CREDS).NotTo(BeZero(), "mask %#x", mask)
				Expect(info.Mask&unix.PIDFD_INFO_EXIT).To(BeZero(), "mask %#x", mask)
			}
		})
	})

	Context("when the process has been reaped", func() {
		BeforeEach(func() { helpers.RequireFeature(kernel.PidfdInfoExit) })

		// Behavior: after the reap, PIDFD_GET_INFO with PIDFD_INFO_EXIT fills only the exit information: EXIT is set, PID and CREDS are not.
		// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_reaped (v6.15 selftest)
		// Since:    v6.15
		It("reports exit information but no ids", helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Reap(ctx)
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS|unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & (unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS | unix.PIDFD_INFO_EXIT)).To(BeEquivalentTo(unix.PIDFD_INFO_EXIT))
		})

		// Behavior: a process that exited with code 7 and was reaped reports WIFEXITED with status 7 through PIDFD_INFO_EXIT.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped (status 0 there; v6.15 selftest); LTP ioctl_pidfd02 (exit code 100 there)
		// Since:    v6.15
		It("reports the exit code of a process that exited", helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			c := helpers.StartChild(ctx, helpers.RoleProcess, nil)
			Expect(c.Peer.Send("exit 7")).To(Succeed())
			_, err := kernel.WaitidTimeout(ctx, c.Pidfd, unix.WEXITED, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).NotTo(BeZero())
			Expect(decodeExit(info.Exit_code)).To(Equal(exitStatus{Exited: true, Code: 7}))
		})

		// Behavior: after the reap, poll(2) on the pidfd reports POLLIN|POLLHUP and PIDFD_INFO_EXIT then reports the SIGKILL that ended it.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped_poll (v6.15 selftest); LTP ioctl_pidfd04 (the SIGKILL status of a child in new user and pid namespaces, without poll)
		// Since:    v6.15
		It("reports POLLIN|POLLHUP and then the exit status", helpers.SyscallPoll, helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			helpers.RequireFeature(kernel.PollHupOnReap)
			child := helpers.StartBlocked()
			child.Reap(ctx)
			Expect(kernel.PollOnce(child.Pidfd, 0)).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeExit(info.Exit_code)).To(Equal(exitStatus{Signaled: true, Signal: syscall.SIGKILL}))
		})
	})

	infoAcrossPidNamespaces()
})
