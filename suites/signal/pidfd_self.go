package signal

import (
	"fmt"
	"os"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/suites/signal/roles"
)

// selfThreadGroupValue is the PIDFD_SELF_THREAD_GROUP value the kernel takes.
func selfThreadGroupValue() int {
	GinkgoHelper()
	v, err := kernel.PidfdSelfThreadGroup()
	Expect(err).NotTo(HaveOccurred(), "neither numbering of PIDFD_SELF_THREAD_GROUP is accepted")
	return v
}

func selfThreadValue() int { return kernel.PIDFD_SELF_THREAD }

// The PIDFD_SELF_* sentinels stand for a pidfd of the caller: of its
// thread (PIDFD_SELF_THREAD) or of its thread group. A single-threaded
// caller could not tell the two apart, so the signal specs run in a helper
// with a second thread: both block the signal, and which of them can take
// it with rt_sigtimedwait(2) shows whether the kernel queued it for the
// sending thread or for the process.
var _ = area.Describe("PIDFD_SELF_THREAD and PIDFD_SELF_THREAD_GROUP", helpers.FlagPidfdSelf, helpers.Requires(kernel.PidfdSelf), func() {
	Context("with pidfd_send_signal(2)", helpers.SyscallPidfdSendSignal, func() {
		var self *helpers.Child
		var leader, other int
		BeforeEach(func(ctx SpecContext) {
			helpers.WithHeldSignalsBlocked(func() { self = helpers.StartChild(ctx, signalroles.SelfSignal, nil) })
			leader, other = self.Pid, self.Tids[0]
		})

		send := func(ctx SpecContext, from, pidfd int) {
			GinkgoHelper()
			self.MustCall(ctx, fmt.Sprintf("send %d %d %d", from, pidfd, sigRT1))
		}

		// Behavior: pidfd_send_signal(PIDFD_SELF_THREAD) from a non-leader thread queues the signal for that
		//           thread only (the leader cannot take it), with si_code SI_TKILL and the caller's pid.
		// Mirrors:  pidfd_test.c "pidfd_send_signal send SIGUSR1" (PIDFD_SELF_THREAD from a worker thread)
		// Since:    v6.15
		It("queues the signal for the sending thread only with PIDFD_SELF_THREAD", helpers.ID("queues_signal_for_sending_thread_only_with_pidfd_self_thread"), helpers.SelftestPidfdTest, func(ctx SpecContext) {
			send(ctx, other, kernel.PIDFD_SELF_THREAD)
			_, err := helpers.TakeSignal(ctx, self, leader, sigRT1, 0)
			Expect(err).To(helpers.BeErrno(unix.EAGAIN), "another thread could take a PIDFD_SELF_THREAD signal")
			info, err := helpers.TakeSignal(ctx, self, other, sigRT1, 0)
			Expect(err).NotTo(HaveOccurred(), "the sending thread cannot take its PIDFD_SELF_THREAD signal")
			Expect(info.Signo).To(Equal(sigRT1))
			Expect(info.Code).To(BeEquivalentTo(kernel.SI_TKILL))
			Expect(info.Pid).To(BeEquivalentTo(self.Pid))
		})

		// Behavior: pidfd_send_signal(PIDFD_SELF_THREAD_GROUP) from a non-leader
		//           thread queues the signal for the process: another thread (the
		//           leader) takes it, with si_code SI_USER and the caller's pid.
		// Mirrors:  pidfd_test.c "pidfd_send_signal send SIGUSR1" (PIDFD_SELF_THREAD_GROUP)
		// Since:    v6.15
		It("queues the signal for the process with PIDFD_SELF_THREAD_GROUP", helpers.ID("queues_signal_for_process_with_pidfd_self_thread_group"), helpers.SelftestPidfdTest, func(ctx SpecContext) {
			send(ctx, other, selfThreadGroupValue())
			info, err := helpers.TakeSignal(ctx, self, leader, sigRT1, 0)
			Expect(err).NotTo(HaveOccurred(), "another thread cannot take a PIDFD_SELF_THREAD_GROUP signal")
			Expect(info.Signo).To(Equal(sigRT1))
			Expect(info.Code).To(BeEquivalentTo(kernel.SI_USER))
			Expect(info.Pid).To(BeEquivalentTo(self.Pid))
		})
	})

	// Behavior: the kernel takes -10001 for PIDFD_SELF_THREAD_GROUP since v6.17 (-20000
	//           in v6.15 and v6.16) and refuses the other numbering with EBADF.
	// Mirrors:  none (include/uapi/linux/fcntl.h renumbered it in v6.17)
	// Since:    v6.15 (renumbered in v6.17)
	It("takes the running version's PIDFD_SELF_THREAD_GROUP and refuses the other numbering with EBADF", helpers.ID("takes_running_version_pidfd_self_thread_group_and_refuses"), helpers.SyscallPidfdSendSignal, helpers.ManPidfdSendSignal, func() {
		want, other := kernel.PIDFD_SELF_THREAD_GROUP, kernel.PIDFD_SELF_THREAD_GROUP_OLD
		v := selfThreadGroupValue()
		// Before v6.17 the old value is the rule, the new one a backport.
		if !kernel.Kernel().AtLeast("6.17") && v == kernel.PIDFD_SELF_THREAD_GROUP_OLD {
			want, other = other, want
		}
		Expect(v).To(Equal(want))
		// Signal 0: nothing is delivered even if the kernel wrongly accepts.
		Expect(unix.PidfdSendSignal(other, 0, nil, 0)).To(helpers.BeErrno(unix.EBADF))
	})

	// Behavior: pidfd_getfd(2) takes no sentinel: it looks the pidfd up as a file descriptor and fails with EBADF.
	// Mirrors:  none (kernel/pid.c: pidfd_getfd resolves a real fd only)
	// Since:    v6.15
	DescribeTable("refuses the sentinel in pidfd_getfd with EBADF", helpers.SyscallPidfdGetfd, helpers.ManPidfdGetfd,
		func(sentinel func() int) {
			fd, err := unix.PidfdGetfd(sentinel(), 0, 0)
			if err == nil {
				unix.Close(fd)
			}
			Expect(err).To(helpers.BeErrno(unix.EBADF))
		},
		Entry("PIDFD_SELF_THREAD in pidfd_getfd", helpers.ID("refuses_sentinel_in_pidfd_pidfd_self_thread_in_pidfd_getfd"), selfThreadValue),
		Entry("PIDFD_SELF_THREAD_GROUP in pidfd_getfd", helpers.ID("refuses_sentinel_pidfd_self_thread_group_in_pidfd_getfd"), selfThreadGroupValue),
	)

	// Behavior: process_madvise(2) through a sentinel acts on the caller's own memory: MADV_DONTNEED
	//           over a private anonymous page returns the page size and the page reads back zero.
	// Mirrors:  none (tools/testing/selftests/mm uses PIDFD_SELF with process_madvise)
	// Since:    v6.15
	DescribeTable("applies process_madvise to the caller's own memory", helpers.SyscallProcessMadvise, helpers.ManProcessMadvise,
		func(sentinel func() int) {
			helpers.RequireOption(kernel.OptAdvise)
			page := anonymousPage()
			page[0] = 0xab
			iov := unix.Iovec{Base: &page[0]}
			iov.SetLen(len(page)) // Len is 32-bit on i386
			pidfd := sentinel()
			n, _, errno := unix.Syscall6(unix.SYS_PROCESS_MADVISE, uintptr(pidfd), uintptr(unsafe.Pointer(&iov)), 1, unix.MADV_DONTNEED, 0, 0)
			Expect(errno).To(BeZero(), "process_madvise(%d, MADV_DONTNEED): %v", pidfd, errno)
			Expect(int(n)).To(Equal(len(page)))
			Expect(page[0]).To(BeZero(), "MADV_DONTNEED did not drop the caller's page")
		},
		Entry("PIDFD_SELF_THREAD in process_madvise", helpers.ID("applies_process_madvise_pidfd_self_thread_in_process_madvise"), selfThreadValue),
		Entry("PIDFD_SELF_THREAD_GROUP in process_madvise", helpers.ID("applies_process_pidfd_self_thread_group_in_process_madvise"), selfThreadGroupValue),
	)

	// Behavior: process_mrelease(2) resolves a sentinel to the caller, which is not
	//           being killed, and fails with EINVAL (not EBADF: the sentinel is no fd).
	// Mirrors:  none (mm/oom_kill.c: process_mrelease takes its target from pidfd_get_task)
	// Since:    v6.15
	DescribeTable("resolves the sentinel in process_mrelease to the live caller (EINVAL)", helpers.SyscallProcessMrelease, helpers.ManProcessMrelease,
		func(sentinel func() int) {
			helpers.RequireOption(kernel.OptMMU)
			pidfd := sentinel()
			_, _, errno := unix.Syscall(unix.SYS_PROCESS_MRELEASE, uintptr(pidfd), 0, 0)
			Expect(errno).To(helpers.BeErrno(unix.EINVAL))
		},
		Entry("PIDFD_SELF_THREAD in process_mrelease", helpers.ID("resolves_sentinel_pidfd_self_thread_in_process_mrelease"), selfThreadValue),
		Entry("PIDFD_SELF_THREAD_GROUP in process_mrelease", helpers.ID("resolves_pidfd_self_thread_group_in_process_mrelease"), selfThreadGroupValue),
	)
})

// anonymousPage maps one private anonymous page, unmapped at cleanup.
func anonymousPage() []byte {
	GinkgoHelper()
	page, err := unix.Mmap(-1, 0, os.Getpagesize(), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(unix.Munmap, page)
	return page
}
