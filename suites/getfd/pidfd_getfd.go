package getfd

import (
	"fmt"
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/suites/getfd/roles"
)

// pidfd_getfd(2), state by state and field by field. The file fetched is
// compared with what the holder itself says of its memfd (its fstat), and
// with kcmp(KCMP_FILE) where the kernel has it.
//
//	state of the target             outcome                          spec
//	live process                    its file                         returns_an_fd_for_the_same_open_file_description,
//	                                                                 succeeds_for_target_uid_caller_without_cap_while_dumpable
//	exiting                         the fd, then only ESRCH          never_fails_with_ebadf_or_succeeds_again_once_exiting_target
//	zombie                          ESRCH (EBADF before v6.9)        fails_with_esrch_while_it_is_a_zombie
//	zombie of another user          EPERM before ESRCH               ptrace_access_test.go:fails_with_eperm_while_it_is_a_zombie
//	reaped, the pidfd held          ESRCH                            exited_target_fails_with_esrch_once_reaped
//	reaped and forgotten            –                                nothing to fetch through
//	pid number reused               –                                not tried (gap): the stale pidfd has no task, as in the
//	                                                                 reaped row; no helper hands pidfd_getfd to the reuse stager
//	in another pid namespace        –                                not tried: pidfd_getfd has no pid namespace check, only
//	                                                                 the ptrace one
//	non-leader thread (PIDFD_THREAD) the process's file; ESRCH once  returns_the_process_fd, fails_with_esrch_once_the_thread_has_exited
//	                                the thread has exited
//	after exec                      –                                not tried (gap)
//	not dumpable                    EPERM without CAP_SYS_PTRACE,    fails_with_eperm_for_caller_without_cap_sys_ptrace,
//	                                the file with it                 ptrace_access_test.go:fails_with_eperm_once_the_target_is_not_dumpable,
//	                                                                 succeeds_for_a_caller_with_cap_sys_ptrace
//
//	field of the result             compared with                    spec
//	the open file description       kcmp KCMP_FILE, the holder's     returns_an_fd_for_the_same_open_file_description,
//	                                fstat, its file offset           succeeds_for_a_caller_with_cap_sys_ptrace, shares_the_file_offset_with_the_target_fd
//	FD_CLOEXEC                      F_GETFD                          returns_an_fd_with_fd_cloexec_set
//	status flags                    the holder's O_RDWR|O_APPEND     keeps_the_file_status_flags
//	flags argument                  EINVAL before the fds            fails_with_einval_for_nonzero_flags_before_looking_*

// holder starts a getfd-holder helper and returns it with its memfd number.
func holder(ctx SpecContext) (*helpers.Child, int) {
	GinkgoHelper()
	c := helpers.StartChild(ctx, getfdroles.Holder, nil)
	n, err := strconv.Atoi(c.MustCall(ctx, "fd").Text)
	Expect(err).NotTo(HaveOccurred())
	return c, n
}

func getfd(pidfd, targetfd int) int {
	GinkgoHelper()
	fd, err := unix.PidfdGetfd(pidfd, targetfd, 0)
	Expect(err).NotTo(HaveOccurred(), "pidfd_getfd(%d, %d, 0)", pidfd, targetfd)
	DeferCleanup(unix.Close, fd)
	return fd
}

// expectHoldersFile requires that fd is the holder's memfd: the inode the
// holder's own fstat reports and, where kcmp exists, the same open file
// description (kcmp KCMP_FILE 0).
func expectHoldersFile(ctx SpecContext, fd int, holder *helpers.Child, memfd int) {
	GinkgoHelper()
	r := holder.MustCall(ctx, "stat")
	Expect(r.Fields).To(HaveLen(2), "stat reply %q", r.Text)
	dev, _ := strconv.ParseUint(r.Fields[0], 10, 64)
	ino, _ := strconv.ParseUint(r.Fields[1], 10, 64)
	Expect(helpers.Inode(fd)).To(Equal(helpers.FileID{Dev: dev, Ino: ino}), "the fetched fd is not the holder's memfd")
	if kernel.OptKcmp.Evidence().State == kernel.OptionOn {
		same, err := kernel.KcmpFile(os.Getpid(), holder.Pid, fd, memfd)
		Expect(err).NotTo(HaveOccurred())
		Expect(same).To(BeZero(), "kcmp(KCMP_FILE): another open file description")
	}
}

// getfdWithoutPtraceCap is pidfd_getfd(pidfd, targetfd, 0) made by a
// thread of the test process with CAP_SYS_PTRACE out of its effective set,
// as the selftest's root parent has it after seteuid(65535):
// the caller is the target's parent (so Yama's ptrace_scope 1 lets it
// through) with the target's real uid and still every capability the target
// has permitted (commoncap's subset rule, v7.3 security/commoncap.c:178), so
// only the target's dumpable flag can refuse it: v7.3 kernel/pid.c:859
// ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS) → kernel/ptrace.c
// :345-351 the uid match, then :368 task_still_dumpable (:299-301: not
// TASK_DUMPABLE_OWNER and no CAP_SYS_PTRACE in effect) → -EPERM. A fetched
// fd is closed at cleanup.
func getfdWithoutPtraceCap(pidfd, targetfd int) (int, error) {
	GinkgoHelper()
	if scope, ok := yama(); ok && scope >= 2 {
		helpers.SkipFor(outcome.Environment, "Yama ptrace_scope is %d, which refuses every caller without CAP_SYS_PTRACE: the dumpable check cannot be told apart", scope)
	}
	fd, err := -1, error(nil)
	helpers.WithoutCapabilities([]int{unix.CAP_SYS_PTRACE}, func() {
		fd, err = unix.PidfdGetfd(pidfd, targetfd, 0)
	})
	if err == nil {
		DeferCleanup(unix.Close, fd)
	}
	return fd, err
}

var _ = area.Describe("pidfd_getfd(2)", helpers.SyscallPidfdGetfd, helpers.Requires(kernel.PidfdGetfd), func() {
	Context("when the target is alive", func() {
		var target *helpers.Child
		var memfd int
		BeforeEach(func(ctx SpecContext) { target, memfd = holder(ctx) })

		// Behavior: pidfd_getfd(2) returns an fd for the same open file
		//           description as the target's (kcmp KCMP_FILE is 0).
		// Mirrors:  pidfd_getfd_test.c child.fetch_fd; LTP pidfd_getfd01
		// Since:    v5.6
		It("returns an fd for the same open file description", helpers.ID("returns_an_fd_for_the_same_open_file_description"), helpers.SelftestPidfdGetfd, helpers.LTPPidfdGetfd, func() {
			helpers.RequireOption(kernel.OptKcmp)
			fd := getfd(target.Pidfd, memfd)
			same, err := kernel.KcmpFile(os.Getpid(), target.Pid, fd, memfd)
			Expect(err).NotTo(HaveOccurred())
			Expect(same).To(BeZero(), "kcmp(KCMP_FILE) orders the files instead of calling them equal")
		})

		// Behavior: a write through the fetched fd moves the target's
		//           file offset: the two fds share one file description.
		// Mirrors:  none (LTP pidfd_getfd01 compares the files with kcmp, not their offset)
		// Since:    v5.6
		It("shares the file offset with the target's fd", helpers.ID("shares_the_file_offset_with_the_target_fd"), helpers.LTPPidfdGetfd, func(ctx SpecContext) {
			fd := getfd(target.Pidfd, memfd)
			Expect(unix.Write(fd, []byte("pidfd"))).To(Equal(5))
			Expect(target.MustCall(ctx, "offset").Text).To(Equal("5"))
		})

		// Behavior: the fetched fd has FD_CLOEXEC set.
		// Mirrors:  pidfd_getfd_test.c child.fetch_fd (checks only that F_GETFD works); man pidfd_getfd(2)
		// Since:    v5.6
		It("returns an fd with FD_CLOEXEC set", helpers.ID("returns_the_target_fd_with_fd_cloexec_set"), helpers.SelftestPidfdGetfd, helpers.ManPidfdGetfd, func() {
			Expect(getfd(target.Pidfd, memfd)).To(helpers.HaveFDFlags(unix.FD_CLOEXEC))
		})

		// Behavior: the fetched fd keeps the file's status flags (O_RDWR|O_APPEND set by the target).
		// Mirrors:  man pidfd_getfd(2)
		// Since:    v5.6
		It("keeps the file's status flags", helpers.ID("keeps_the_file_status_flags"), helpers.ManPidfdGetfd, func() {
			Expect(getfd(target.Pidfd, memfd)).To(helpers.HaveStatusFlags(unix.O_RDWR | unix.O_APPEND))
		})

		// Behavior: pidfd_getfd(2) fails with EBADF for an fd the target does not have open.
		// Mirrors:  pidfd_getfd_test.c child.test_unknown_fd; LTP pidfd_getfd02
		// Since:    v5.6
		It("fails with EBADF for an fd the target does not have", helpers.ID("fails_with_ebadf_for_an_fd_the_target_does_not_have"), helpers.SelftestPidfdGetfd, helpers.LTPPidfdGetfd, func() {
			_, err := unix.PidfdGetfd(target.Pidfd, 1000, 0)
			Expect(err).To(helpers.BeErrno(unix.EBADF))
		})

		// Behavior: a caller with the target's uid, no CAP_SYS_PTRACE in effect and
		//           the target as its child fetches the fd of a dumpable target:
		//           the control for the EPERM once the target is not dumpable.
		// Mirrors:  pidfd_getfd_test.c child.fetch_fd (the selftest's parent keeps its capabilities there)
		// Since:    v5.6
		It("succeeds for a caller of the target's uid without CAP_SYS_PTRACE while it is dumpable", helpers.ID("succeeds_for_target_uid_caller_without_cap_while_dumpable"), helpers.SelftestPidfdGetfd, func(ctx SpecContext) {
			fd, err := getfdWithoutPtraceCap(target.Pidfd, memfd)
			Expect(err).NotTo(HaveOccurred())
			expectHoldersFile(ctx, fd, target, memfd)
		})

		Context("and has made itself non-dumpable", func() {
			BeforeEach(func(ctx SpecContext) { target.MustCall(ctx, "nondumpable") })

			// Behavior: pidfd_getfd(2) fails with EPERM for a caller with the target's uid
			//           but without CAP_SYS_PTRACE in effect once the target is not dumpable
			//           (as a plain user, and as root that lowered the capability).
			// Mirrors:  pidfd_getfd_test.c child.disable_ptrace (the parent as a plain
			//           user, or as root after seteuid(65535)); LTP pidfd_getfd02
			// Since:    v5.6
			It("fails with EPERM for a caller of the target's uid without CAP_SYS_PTRACE", helpers.ID("fails_with_eperm_for_caller_without_cap_sys_ptrace"), helpers.SelftestPidfdGetfd, helpers.LTPPidfdGetfd, func() {
				_, err := getfdWithoutPtraceCap(target.Pidfd, memfd)
				Expect(err).To(helpers.BeErrno(unix.EPERM))
			})

			// Behavior: a caller with CAP_SYS_PTRACE still fetches from a
			//           non-dumpable target, and gets the target's file.
			// Mirrors:  man pidfd_getfd(2) (PTRACE_MODE_ATTACH_REALCREDS)
			// Since:    v5.6
			It("succeeds for a caller with CAP_SYS_PTRACE", helpers.ID("succeeds_for_a_caller_with_cap_sys_ptrace"), helpers.NeedsRoot, helpers.ManPidfdGetfd, func(ctx SpecContext) {
				helpers.RequireRoot("CAP_SYS_PTRACE")
				expectHoldersFile(ctx, getfd(target.Pidfd, memfd), target, memfd)
			})
		})
	})

	// Behavior: pidfd_getfd(2) checks its flags first: nonzero flags
	//           fail with EINVAL even with an invalid pidfd and fd.
	// Mirrors:  pidfd_getfd_test.c global.flags_set; LTP pidfd_getfd02
	// Since:    v5.6
	DescribeTable("fails with EINVAL for nonzero flags, before looking at the fds",
		func(flags int) {
			_, err := unix.PidfdGetfd(0, 0, flags)
			Expect(err).To(helpers.BeErrno(unix.EINVAL))
		},
		Entry("flags 1", helpers.ID("fails_with_einval_for_nonzero_flags_before_looking_flags_1"), helpers.SelftestPidfdGetfd, helpers.LTPPidfdGetfd, 1),
		Entry("flags ^0", helpers.ID("fails_with_einval_for_nonzero_flags_before_looking_flags_0"), helpers.ManPidfdGetfd, -1),
	)

	// Behavior: pidfd_getfd(2) fails with EBADF when the pidfd argument is not a pidfd.
	// Mirrors:  LTP pidfd_getfd02; man pidfd_getfd(2)
	// Since:    v5.6
	DescribeTable("fails with EBADF when the pidfd is not a pidfd",
		func(open func() int) {
			_, err := unix.PidfdGetfd(open(), 0, 0)
			Expect(err).To(helpers.BeErrno(unix.EBADF))
		},
		Entry("fd -1", helpers.ID("fails_with_ebadf_when_the_pidfd_is_not_a_pidfd_fd_minus_1"), helpers.LTPPidfdGetfd, func() int { return -1 }),
		Entry("/dev/null", helpers.ID("fails_with_ebadf_when_the_pidfd_is_not_a_pidfd_dev_null"), helpers.ManPidfdGetfd, func() int {
			fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(unix.Close, fd)
			return fd
		}),
	)

	// pidfd_getfd(2) takes the task the pidfd's pid names; through a
	// PIDFD_THREAD pidfd that is one thread, whose fd table is the process's.
	Context("through a PIDFD_THREAD pidfd of a non-leader thread", helpers.FlagPidfdThread, helpers.Requires(kernel.PidfdThread), func() {
		var target *helpers.Child
		var thread int
		// peerFd is where every helper holds its end of the peer socket.
		const peerFd = 3
		BeforeEach(func(ctx SpecContext) {
			target = helpers.StartChild(ctx, helpers.RoleProcess, []string{"1"})
			thread = helpers.OpenPidfd(target.Tids[0], unix.PIDFD_THREAD)
		})

		// Behavior: pidfd_getfd(2) through a PIDFD_THREAD pidfd of a live non-leader thread returns an
		//           fd for the same open file description as the process's fd (kcmp KCMP_FILE is 0).
		// Mirrors:  none (kernel/pid.c pidfd_getfd: get_pid_task(pid,
		//           PIDTYPE_PID) is the thread, which shares the process's files)
		// Since:    v6.9
		It("returns the process's fd", helpers.ID("returns_the_process_fd"), helpers.ManPidfdGetfd, func() {
			helpers.RequireOption(kernel.OptKcmp)
			fd := getfd(thread, peerFd)
			same, err := kernel.KcmpFile(os.Getpid(), target.Pid, fd, peerFd)
			Expect(err).NotTo(HaveOccurred())
			Expect(same).To(BeZero())
		})

		// Behavior: once that thread has exited, pidfd_getfd(2) through its
		//           PIDFD_THREAD pidfd fails with ESRCH, though the process lives on.
		// Mirrors:  none (kernel/pid.c pidfd_getfd: the thread's pid has no task → -ESRCH)
		// Since:    v6.9
		It("fails with ESRCH once the thread has exited", helpers.ID("fails_with_esrch_once_the_thread_has_exited"), helpers.ManPidfdGetfd, func(ctx SpecContext) {
			target.MustCall(ctx, fmt.Sprintf("exit-thread %d", target.Tids[0]))
			// A non-leader thread is released as it exits: no task behind
			// its pid, EPOLLIN|EPOLLRDNORM|EPOLLHUP (v7.3 fs/pidfs.c:321-322).
			Expect(kernel.WaitPollBits(ctx, thread, unix.POLLIN|unix.POLLHUP, helpers.EventTimeout())).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
			_, err := unix.PidfdGetfd(thread, peerFd, 0)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
			target.MustCall(ctx, "ping")
		})
	})

	Context("when the target has exited", func() {
		var target *helpers.Blocked
		BeforeEach(func() { target = helpers.StartBlocked(devNull()) })

		// Behavior: pidfd_getfd(2) on a target that exited but is not reaped fails
		//           with ESRCH, never EBADF (EBADF before v6.9 unless backported).
		// Mirrors:  pidfd_getfd_test.c child.no_strange_EBADF
		// Since:    v6.9 (and stable backports)
		It("fails with ESRCH while it is a zombie", helpers.ID("exited_target_fails_with_esrch_while_a_zombie"), helpers.SelftestPidfdGetfd, helpers.Requires(kernel.GetfdZombieESRCH), func(ctx SpecContext) {
			target.Kill()
			helpers.AwaitZombie(ctx, target.Pidfd)
			_, err := unix.PidfdGetfd(target.Pidfd, 0, 0)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})

		// Behavior: pidfd_getfd(2) on a target that exited and was reaped fails with ESRCH.
		// Mirrors:  LTP pidfd_getfd02; man pidfd_getfd(2)
		// Since:    v5.6
		It("fails with ESRCH once it is reaped", helpers.ID("exited_target_fails_with_esrch_once_reaped"), helpers.LTPPidfdGetfd, func(ctx SpecContext) {
			target.Reap(ctx)
			_, err := unix.PidfdGetfd(target.Pidfd, 0, 0)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})
	})

	// Behavior: racing pidfd_getfd(2) against the target's exit only ever yields the fd (before
	//           it exits) or ESRCH (after), never EBADF and never an fd after the first ESRCH.
	// Mirrors:  pidfd_getfd_test.c child.no_strange_EBADF (one attempt there)
	// Since:    v6.9 (the 2026 stable fix in 6.1.192 covers a zombie, not this race: it checks
	//           PF_EXITING only before fget_task, and EBADF comes back when the target exits in between)
	It("never fails with EBADF or succeeds again once an exiting target gave ESRCH", helpers.ID("never_fails_with_ebadf_or_succeeds_again_once_exiting_target"), helpers.SelftestPidfdGetfd, func(ctx SpecContext) {
		// A race no probe can stage reliably: the fix-up after fget_task
		// (kernel/pid.c __pidfd_fget, v6.9) is known by the version.
		helpers.RequireSince("6.9", "pidfd_getfd's ESRCH for a target that exits during the call")
		rounds := helpers.ScaledCount(100, 20)
		AddReportEntry("rounds", rounds)
		null := devNull()
		for range rounds {
			raceExit(ctx, null)
		}
	})
})

// raceExit kills a target (null its fd 0) and calls pidfd_getfd until it
// reports ESRCH.
func raceExit(ctx SpecContext, null uintptr) {
	GinkgoHelper()
	target := helpers.StartBlocked(null)
	target.Kill()
	for {
		fd, err := unix.PidfdGetfd(target.Pidfd, 0, 0)
		if err == nil {
			unix.Close(fd)
			Expect(ctx.Err()).NotTo(HaveOccurred())
			continue
		}
		Expect(err).To(helpers.BeErrno(unix.ESRCH))
		break
	}
	for range 3 {
		_, err := unix.PidfdGetfd(target.Pidfd, 0, 0)
		Expect(err).To(helpers.BeErrno(unix.ESRCH), "a later call after the first refusal")
	}
	target.Reap(ctx)
}

// devNull is an fd for a blocked child's fd 0, closed at cleanup.
func devNull() uintptr {
	GinkgoHelper()
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(unix.Close, fd)
	return uintptr(fd)
}
