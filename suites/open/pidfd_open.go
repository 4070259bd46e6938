package open

import (
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// pidfd_open(2), state by state and field by field. Each target state is
// tried by the spec named (its ID; another file's as file:ID), each field
// it returns is compared with a source that does not go through the call.
//
//	state of the target             outcome                          spec
//	live process                    a pidfd for it                   returns_a_pidfd_whose_fdinfo_names_the_process
//	exiting (PF_EXITING, not yet    –                                not tried: a window no spec can hold open
//	  a zombie)
//	zombie                          a pidfd for it                   opens_it
//	reaped, a pidfd still held      ESRCH                            fails_with_esrch
//	reaped and forgotten            ESRCH (the same lookup: the      fails_with_esrch
//	                                number is free either way)
//	pid number reused               a pidfd for the successor        recycled_pid_test.go:opens_the_new_process_when_pidfd_open_is_given_the_number
//	in another pid namespace        numbers are the caller's: the    recycled_pid_test.go:opens_the_new_process_when_pidfd_open_is_given_the_number
//	                                namespace's init opens its own   (opened from inside the namespace)
//	non-leader thread               PIDFD_THREAD: a pidfd for it;    opens_it_with_pidfd_thread,
//	                                without: EINVAL, ENOENT (v6.16)  refuses_it_without_pidfd_thread_with_errno_of_kernel_version
//	after exec                      –                                not tried here: the struct pid stays, suites/poll and
//	                                                                 suites/pidfs follow a pidfd across an exec
//	no such pid / pid ≤ 0           ESRCH / EINVAL                   fails_with_esrch_for_a_pid_no_process_has, fails_with_einval_for_a_pid_that_is_not_positive_*
//
//	field of the result             compared with                    spec
//	the process it names            fdinfo Pid (procfs), PIDFD_GET_INFO, the pidfs inode of CLONE_PIDFD
//	                                                                 returns_a_pidfd_whose_fdinfo_names_the_process, returns_a_pidfd_whose_pidfd_get_info_reports_the_caller_ids,
//	                                                                 clone_pidfd_test.go:returns_the_same_pidfs_inode_as_pidfd_open_of_the_child
//	FD_CLOEXEC                      F_GETFD                          returns_an_fd_with_fd_cloexec_set
//	O_NONBLOCK, O_EXCL (each flag   F_GETFL, with and without        status_flags_hold_* (all four combinations)
//	  both ways)                    the flag
//	every undefined flag bit        EINVAL                           rejects_undefined_flag_bit_*, rejects_all_flag_bits

// noSuchPid is above PID_MAX_LIMIT (4194304), so no process can have it.
const noSuchPid = 1<<22 + 1

// definedOpenFlags are the pidfd_open flags any kernel may accept.
const definedOpenFlags = unix.PIDFD_NONBLOCK | unix.PIDFD_THREAD

func fdinfoPid(fd int) string {
	GinkgoHelper()
	info, err := kernel.Fdinfo(fd)
	Expect(err).NotTo(HaveOccurred())
	return info["Pid"]
}

var _ = area.Describe("pidfd_open(2)", helpers.SyscallPidfdOpen, helpers.Requires(kernel.PidfdOpen), func() {
	// Behavior: pidfd_open(2) fails with EINVAL for a pid that is not positive.
	// Mirrors:  pidfd_open_test.c "do not allow invalid pid" (errno unchecked there); LTP pidfd_open02
	// Since:    v5.3
	DescribeTable("fails with EINVAL for a pid that is not positive",
		func(pid int) {
			_, err := unix.PidfdOpen(pid, 0)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		},
		Entry("pid -1", helpers.ID("fails_with_einval_for_a_pid_that_is_not_positive_pid_minus_1"), helpers.SelftestPidfdOpen, helpers.LTPPidfdOpen, -1),
		Entry("pid 0", helpers.ID("fails_with_einval_for_a_pid_that_is_not_positive_pid_0"), helpers.ManPidfdOpen, 0),
	)

	DescribeTable("fails with EINVAL for an undefined flag",
		func(flags int) {
			_, err := unix.PidfdOpen(os.Getpid(), flags)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		},
		helpers.UndefinedFlagEntries(definedOpenFlags, func(name string, flag int) TableEntry {
			// Behavior: pidfd_open(2) fails with EINVAL for each flag
			//           bit outside PIDFD_NONBLOCK|PIDFD_THREAD.
			// Mirrors:  pidfd_open_test.c "do not allow invalid flag"
			//           (bit 0, errno unchecked there); LTP pidfd_open02
			// Since:    v5.3
			return Entry(name, helpers.FlagBitID("rejects_undefined_flag", flag), helpers.SelftestPidfdOpen, helpers.LTPPidfdOpen, flag)
		}),
		// Behavior: pidfd_open(2) fails with EINVAL when every flag bit is set.
		// Mirrors:  man pidfd_open(2)
		// Since:    v5.3
		Entry("all bits (^0)", helpers.ID("rejects_all_flag_bits"), helpers.ManPidfdOpen, -1),
	)

	// Behavior: pidfd_open(2) fails with ESRCH for a pid no process has.
	// Mirrors:  LTP pidfd_open02
	// Since:    v5.3
	It("fails with ESRCH for a pid no process has", helpers.ID("fails_with_esrch_for_a_pid_no_process_has"), helpers.LTPPidfdOpen, func() {
		_, err := unix.PidfdOpen(noSuchPid, 0)
		Expect(err).To(helpers.BeErrno(unix.ESRCH))
	})

	// Behavior: the fd pidfd_open(2) returns has FD_CLOEXEC set.
	// Mirrors:  LTP pidfd_open01
	// Since:    v5.3
	It("returns an fd with FD_CLOEXEC set", helpers.ID("returns_an_fd_with_fd_cloexec_set"), helpers.LTPPidfdOpen, func() {
		Expect(helpers.OpenPidfd(os.Getpid(), 0)).To(helpers.HaveFDFlags(unix.FD_CLOEXEC))
	})

	// Behavior: a pidfd of the caller names the caller in fdinfo's Pid field.
	// Mirrors:  pidfd_open_test.c "open a new pidfd" (Pid printed, not asserted there)
	// Since:    v5.3
	It("returns a pidfd whose fdinfo names the process", helpers.ID("returns_a_pidfd_whose_fdinfo_names_the_process"), helpers.SelftestPidfdOpen, helpers.FsFdinfo, helpers.Requires(kernel.Procfs), func() {
		Expect(fdinfoPid(helpers.OpenPidfd(os.Getpid(), 0))).To(Equal(strconv.Itoa(os.Getpid())))
	})

	// Behavior: PIDFD_GET_INFO on a pidfd of the caller reports the caller's pid, parent and credentials.
	// Mirrors:  pidfd_open_test.c "get info from pidfd"
	// Since:    v6.13
	It("returns a pidfd whose PIDFD_GET_INFO reports the caller's ids", helpers.ID("returns_a_pidfd_whose_pidfd_get_info_reports_the_caller_ids"), helpers.SelftestPidfdOpen, helpers.IoctlPidfdGetInfo, helpers.Requires(kernel.PidfdGetInfo, kernel.Procfs), func() {
		fd := helpers.OpenPidfd(os.Getpid(), 0)
		info, err := kernel.GetPidfdInfo(fd, unix.PIDFD_INFO_CGROUPID)
		Expect(err).NotTo(HaveOccurred())
		Expect(strconv.Itoa(int(info.Pid))).To(Equal(fdinfoPid(fd)))
		Expect(info.Ppid).To(BeEquivalentTo(os.Getppid()))
		Expect([]uint32{info.Ruid, info.Euid, info.Suid}).To(HaveEach(BeEquivalentTo(os.Getuid())))
		Expect([]uint32{info.Rgid, info.Egid, info.Sgid}).To(HaveEach(BeEquivalentTo(os.Getgid())))
		if info.Mask&unix.PIDFD_INFO_CGROUPID != 0 {
			Expect(info.Cgroupid).NotTo(BeZero())
		}
	})

	// Each pidfd_open flag tried both ways: the pidfd's status flags hold
	// exactly the flags asked for. PIDFD_NONBLOCK (O_NONBLOCK) goes to the
	// open (v6.1 kernel/fork.c:2006-2007 anon_inode_getfile(..., flags |
	// O_RDWR); v6.12 fs/pidfs.c:429 dentry_open); PIDFD_THREAD (O_EXCL),
	// which the open strips, is set on the file afterwards (v6.12
	// kernel/fork.c:2069-2071; v7.3 fs/pidfs.c:1208 pidfs_dentry_open).
	DescribeTable("returns a pidfd whose status flags hold the flags asked for",
		func(flags int) {
			if flags&unix.PIDFD_NONBLOCK != 0 {
				helpers.RequireFeature(kernel.PidfdNonblock)
			}
			if flags&unix.PIDFD_THREAD != 0 {
				helpers.RequireFeature(kernel.PidfdThread)
			}
			fd := helpers.OpenPidfd(os.Getpid(), flags)
			Expect(helpers.StatusFlags(fd)&definedOpenFlags).To(Equal(flags), "F_GETFL %#o", helpers.StatusFlags(fd))
		},
		// Behavior: pidfd_open(2) without flags returns a pidfd with neither
		//           O_NONBLOCK nor O_EXCL (PIDFD_THREAD) in its status flags.
		// Mirrors:  none
		// Since:    v5.3
		Entry("no flags", helpers.ID("status_flags_hold_flags_asked_for_no_flags"), helpers.ManPidfdOpen, 0),
		// Behavior: pidfd_open(2) with PIDFD_NONBLOCK returns a pidfd with
		//           O_NONBLOCK and without O_EXCL in its status flags.
		// Mirrors:  pidfd_wait.c global.wait_nonblock (checks O_NONBLOCK only)
		// Since:    v5.10
		Entry("PIDFD_NONBLOCK", helpers.ID("status_flags_hold_flags_asked_for_pidfd_nonblock"), helpers.FlagPidfdNonblock, helpers.SelftestPidfdWait, unix.PIDFD_NONBLOCK),
		// Behavior: pidfd_open(2) with PIDFD_THREAD returns a pidfd with
		//           O_EXCL and without O_NONBLOCK in its status flags.
		// Mirrors:  none
		// Since:    v6.9
		Entry("PIDFD_THREAD", helpers.ID("status_flags_hold_flags_asked_for_pidfd_thread"), helpers.FlagPidfdThread, helpers.ManPidfdOpen, unix.PIDFD_THREAD),
		// Behavior: pidfd_open(2) with PIDFD_NONBLOCK|PIDFD_THREAD returns a
		//           pidfd with both O_NONBLOCK and O_EXCL in its status flags.
		// Mirrors:  none
		// Since:    v6.9
		Entry("PIDFD_NONBLOCK|PIDFD_THREAD", helpers.ID("status_flags_hold_flags_asked_for_nonblock_thread"), helpers.FlagPidfdThread, helpers.FlagPidfdNonblock, helpers.ManPidfdOpen, unix.PIDFD_NONBLOCK|unix.PIDFD_THREAD),
	)

	Context("with PIDFD_NONBLOCK", helpers.FlagPidfdNonblock, func() {
		// Behavior: pidfd_open(2) with PIDFD_NONBLOCK returns an fd with O_NONBLOCK set.
		// Mirrors:  LTP pidfd_open04; pidfd_wait.c global.wait_nonblock
		// Since:    v5.10
		It("returns an fd with O_NONBLOCK set", helpers.ID("returns_an_fd_with_o_nonblock_set"), helpers.LTPPidfdOpen, helpers.SelftestPidfdWait, helpers.Requires(kernel.PidfdNonblock), func() {
			Expect(helpers.OpenPidfd(os.Getpid(), unix.PIDFD_NONBLOCK)).To(helpers.HaveStatusFlags(unix.O_NONBLOCK))
		})
	})

	Context("with a thread that is not the thread-group leader", func() {
		var tid int
		BeforeEach(func() { tid = helpers.StartThread().Tid })

		// Behavior: pidfd_open(2) with PIDFD_THREAD opens a thread that is not the leader.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (v6.15 selftest); man pidfd_open(2)
		// Since:    v6.9
		It("opens it with PIDFD_THREAD", helpers.ID("opens_thread_that_is_not_leader_with_pidfd_thread"), helpers.FlagPidfdThread, helpers.SelftestPidfdInfo, helpers.Requires(kernel.PidfdThread, kernel.Procfs), func() {
			Expect(fdinfoPid(helpers.OpenPidfd(tid, unix.PIDFD_THREAD))).To(Equal(strconv.Itoa(tid)))
		})

		// Behavior: pidfd_open(2) without PIDFD_THREAD refuses a
		//           non-leader thread: EINVAL before v6.16, ENOENT since.
		// Mirrors:  pidfd_info_test.c pidfd_info.thread_group (asserts ENOENT; v6.15 selftest)
		// Since:    v5.3 (errno ENOENT since v6.16)
		It("refuses it without PIDFD_THREAD with the errno of the kernel's version", helpers.ID("refuses_thread_not_leader_without_pidfd_thread"), helpers.SelftestPidfdInfo, func() {
			history := helpers.ErrnoHistory{{Since: "5.3", Errno: unix.EINVAL}, {Since: "6.16", Errno: unix.ENOENT}}
			_, err := unix.PidfdOpen(tid, 0)
			Expect(err).To(history.Matcher())
		})
	})

	Context("when the process is a zombie", func() {
		// Behavior: pidfd_open(2) opens a process that has exited but is not reaped.
		// Mirrors:  man pidfd_open(2)
		// Since:    v5.3
		It("opens it", helpers.ID("opens_a_zombie"), helpers.ManPidfdOpen, func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Kill()
			helpers.AwaitZombie(ctx, child.Pidfd)
			fd := helpers.OpenPidfd(child.Pid, 0)
			if kernel.Procfs.Present() {
				Expect(fdinfoPid(fd)).To(Equal(strconv.Itoa(child.Pid)))
			}
		})
	})

	Context("when the process has been reaped", func() {
		// Behavior: pidfd_open(2) fails with ESRCH for a process that has exited and been reaped.
		// Mirrors:  man pidfd_open(2)
		// Since:    v5.3
		It("fails with ESRCH", helpers.ID("reaped_process_fails_with_esrch"), helpers.ManPidfdOpen, func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Reap(ctx)
			_, err := unix.PidfdOpen(child.Pid, 0)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})
	})
})
