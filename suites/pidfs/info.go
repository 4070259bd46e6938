package pidfs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	pidfsroles "github.com/pidfdconf/pidfdconf/suites/pidfs/roles"
)

// PIDFD_GET_INFO, state by state and field by field. Each field is
// compared with a source that does not go through the ioctl: the pid the
// process was started with, getpid(2)/getppid(2), the thread's own
// gettid(2), the ids the process reads itself (getresuid, getresgid,
// setfsuid), /proc/<pid>/status, the cgroup2 directory's handle, the wait
// status waitid(2) reported.
//
//	state of the target             outcome                          spec
//	live                            PID, CREDS (CGROUPID)            reports_a_live_child_ids, reports_caller_own_ids_as_getpid_getppid_and_proc_self
//	live, r/e/s/fs ids all differ   each id in its own field         reports_real_effective_saved_filesystem_ids_that_all_differ
//	zombie                          CREDS and ids, no EXIT           marks_creds_but_not_exit_with_or_without_pidfd_info_exit, marks_creds_but_not_exit_while_it_is_a_zombie
//	reaped, the pidfd held          ESRCH without EXIT; with it      fails_with_esrch_after_reap_unless_exit_information,
//	                                only EXIT (+CGROUPID)            reports_exit_information_but_no_ids, reports_the_exit_code_of_a_process_that_exited
//	reaped by the kernel (parent    EXIT with its code               reports_exit_code_of_child_kernel_reaped_because_its_parent
//	  ignores SIGCHLD)
//	reaped and forgotten            –                                nothing to ask through
//	pid number reused               ESRCH / only the old exit        recycled_pid_test.go:*
//	in a child pid namespace        the pid in the caller's ns;      reports_the_pid_in_the_caller_namespace, reports_the_exit_code_once_the_namespace_init_reaped_it
//	                                exit code after its init reaped
//	outside the caller's pid ns     ESRCH, EREMOTE (v7.0)            refuses_a_live_process_outside_the_caller_namespace, refuses_exit_status_of_process_outside_caller_namespace
//	caller in a user namespace      ids mapped, overflow unmapped    reports_credentials_mapped_into_the_caller_namespace, reports_unmapped_credentials_as_the_overflow_ids
//	non-leader thread (PIDFD_THREAD) pid = its tid, tgid = the group reports_thread_own_pid_and_group_tgid_through_thread_pidfd
//	leader exited early             group's exit status              reports_the_group_exit_status_for_a_leader_that_exited_early
//	after exec by a thread          the old tid exited 0, the image  reports_exit_status_0_for_thread_that_execs_after_leader,
//	                                lives on under the leader's pid  reports_exit_status_0_for_thread_that_execs_while_leader
//
//	field                           compared with                    spec
//	pid, tgid, ppid                 the start pid, getppid(2),       reports_a_live_child_ids, reports_thread_own_pid_and_group_tgid_through_thread_pidfd
//	                                gettid(2), /proc/<pid>/task/<tid>/status
//	ruid euid suid fsuid, the gids  getresuid/getresgid/setfsuid of  reports_real_effective_saved_filesystem_ids_that_all_differ
//	                                the target, /proc/<pid>/status
//	cgroupid                        the cgroup2 directory's handle   reports_the_cgroup_id_recorded_at_exit
//	exit_code                       the wait status waitid(2) saw    reports_the_exit_code_of_a_process_that_exited, reports_pollin_pollhup_and_then_the_exit_status
//	coredump_mask                   the dumpable flag the process    reports_pidfd_coredump_user_for_a_dumpable_process, reports_pidfd_coredump_skip_for_process_that_is_not_dumpable
//	                                set
//	supported_mask                  PIDFD_INFO_SUPPORTED of the      reports_exactly_the_request_bits_this_kernel_supports,
//	                                kernel's version (v6.19, v7.1);  leaves_supported_mask_zero_when_not_asked_for
//	                                0 when not asked for
//	argument size                   EINVAL/ENOTTY below 64, zeroed   fails_for_argument_smaller_than_pidfd_info_size_ver0_*, zeroes_the_tail_of_an_argument_larger_than_the_kernel_struct
//	                                tail above the kernel's struct

// statusIDs is the four ids (real, effective, saved, filesystem) of a
// "Uid:" or "Gid:" line of /proc/self/status.
func statusIDs(field string) []uint32 { return statusIDsOf("self", field) }

// statusIDsOf is statusIDs of /proc/<task>/status (task "self", a pid, or
// "<pid>/task/<tid>").
func statusIDsOf(task, field string) []uint32 {
	GinkgoHelper()
	line := statusLine(task, field)
	var ids [4]uint32
	_, err := fmt.Sscan(line, &ids[0], &ids[1], &ids[2], &ids[3])
	Expect(err).NotTo(HaveOccurred(), "%s: %q", field, line)
	return ids[:]
}

// ownIDs is ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid of the
// calling thread, as it reads them itself (setfsuid/setfsgid of an invalid
// id change nothing and return the current one).
func ownIDs() []uint32 {
	ru, eu, su := unix.Getresuid()
	rg, eg, sg := unix.Getresgid()
	fu, _ := unix.SetfsuidRetUid(-1)
	fg, _ := unix.SetfsgidRetGid(-1)
	return []uint32{uint32(ru), uint32(eu), uint32(su), uint32(fu), uint32(rg), uint32(eg), uint32(sg), uint32(fg)}
}

// statusLine is the value of the field line of /proc/<task>/status.
func statusLine(task, field string) string {
	GinkgoHelper()
	v, err := kernel.StatusField(task, field)
	Expect(err).NotTo(HaveOccurred())
	return v
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

var _ = area.Describe("PIDFD_GET_INFO ioctl", helpers.IoctlPidfdGetInfo, helpers.Requires(kernel.PidfdGetInfo), func() {
	// Behavior: PIDFD_GET_INFO on a live child reports its pid, tgid, parent
	//           and credentials, and marks PID and CREDS in the mask.
	// Mirrors:  pidfd_open_test.c "get info from pidfd" (the caller's own pidfd there)
	// Since:    v6.13
	It("reports a live child's ids", helpers.ID("reports_a_live_child_ids"), helpers.SelftestPidfdOpen, helpers.LTPIoctlPidfd, func() {
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
	It("fails with EINVAL for a NULL argument", helpers.ID("fails_with_einval_for_a_null_argument"), helpers.LTPIoctlPidfd, func() {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(helpers.SelfPidfd()), unix.PIDFD_GET_INFO, 0)
		Expect(errno).To(helpers.BeErrno(unix.EINVAL))
	})

	Context("when the process has exited", func() {
		var child *helpers.Blocked
		BeforeEach(func(ctx SpecContext) {
			child = helpers.StartBlocked()
			child.Kill()
			helpers.AwaitZombie(ctx, child.Pidfd)
		})

		// Behavior: once reaped, PIDFD_GET_INFO without PIDFD_INFO_EXIT fails with ESRCH.
		// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_reaped (v6.15 selftest);
		//           LTP ioctl_pidfd03 (a child in new user and pid namespaces there)
		// Since:    v6.13
		It("fails with ESRCH after the reap unless exit information is requested", helpers.ID("fails_with_esrch_after_reap_unless_exit_information"), helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			child.Reap(ctx)
			_, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})
	})

	// Behavior: PIDFD_GET_INFO on the caller's own pidfd reports the ids getpid(2), getppid(2) and
	//           /proc/self/status report: pid, tgid, ppid, and real, effective, saved and filesystem uids and gids.
	// Mirrors:  pidfd_open_test.c "get info from pidfd" (compares with fdinfo,
	//           getppid(2), getuid(2) and getgid(2); here with /proc/self/status)
	// Since:    v6.13
	It("reports the caller's own ids as getpid, getppid and /proc/self/status do", helpers.ID("reports_caller_own_ids_as_getpid_getppid_and_proc_self"), helpers.LTPIoctlPidfd, helpers.Requires(kernel.Procfs), func() {
		info, err := kernel.GetPidfdInfo(helpers.SelfPidfd(), unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS)
		Expect(err).NotTo(HaveOccurred())
		Expect([]uint32{info.Pid, info.Tgid, info.Ppid}).To(Equal([]uint32{uint32(os.Getpid()), uint32(os.Getpid()), uint32(os.Getppid())}))
		Expect([]uint32{info.Ruid, info.Euid, info.Suid, info.Fsuid}).To(Equal(statusIDs("Uid")))
		Expect([]uint32{info.Rgid, info.Egid, info.Sgid, info.Fsgid}).To(Equal(statusIDs("Gid")))
	})

	// Behavior: PIDFD_GET_INFO reports a process whose real, effective, saved and filesystem uids all
	//           differ, and whose gids do, with each id in its own field: the ids the process itself
	//           reads (getresuid, getresgid, setfsuid and setfsgid) and /proc/<pid>/status shows.
	// Mirrors:  pidfd_open_test.c "get info from pidfd" (the caller's own ids, all equal there)
	// Since:    v6.13
	It("reports real, effective, saved and filesystem ids that all differ, each in its field", helpers.ID("reports_real_effective_saved_filesystem_ids_that_all_differ"), helpers.NeedsRoot, helpers.SelftestPidfdOpen, func(ctx SpecContext) {
		helpers.RequireRoot("a helper that takes four different uids and gids")
		helpers.RequireFeature(kernel.Procfs)
		c := helpers.StartChild(ctx, pidfsroles.DistinctIDs, nil)
		var own [8]uint32
		r := c.MustCall(ctx, "ids")
		_, err := fmt.Sscan(r.Text, &own[0], &own[1], &own[2], &own[3], &own[4], &own[5], &own[6], &own[7])
		Expect(err).NotTo(HaveOccurred(), "ids reply %q", r.Text)
		Expect(own).To(Equal(pidfsroles.TakenIDs), "ruid euid suid fsuid rgid egid sgid fsgid as the helper reads them")
		info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_CREDS)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.Mask & unix.PIDFD_INFO_CREDS).NotTo(BeZero())
		// v7.3 fs/pidfs.c pidfd_info: kinfo.ruid = c->uid, euid = c->euid,
		// suid = c->suid, fsuid = c->fsuid, and the same for the gids, of
		// the task's credentials (from_kuid_munged into the caller's
		// namespace, the initial one here).
		got := [8]uint32{info.Ruid, info.Euid, info.Suid, info.Fsuid, info.Rgid, info.Egid, info.Sgid, info.Fsgid}
		Expect(got).To(Equal(own), "ruid euid suid fsuid rgid egid sgid fsgid from PIDFD_GET_INFO")
		pid := strconv.Itoa(c.Pid)
		Expect(got[:4]).To(Equal(statusIDsOf(pid, "Uid")), "Uid: of /proc/%s/status", pid)
		Expect(got[4:]).To(Equal(statusIDsOf(pid, "Gid")), "Gid: of /proc/%s/status", pid)
	})

	// Behavior: a PIDFD_GET_INFO argument larger than the kernel's struct pidfd_info is accepted, and
	//           the bytes beyond the kernel's struct (here from 88, PIDFD_INFO_SIZE_VER3, on) come
	//           back zeroed. v6.13 and v6.14 accept the size but leave the caller's tail as it was.
	// Mirrors:  none (copy_struct_to_user in fs/pidfs.c pidfd_info, v6.15)
	// Since:    v6.15
	It("zeroes the tail of an argument larger than the kernel's struct", helpers.ID("zeroes_the_tail_of_an_argument_larger_than_the_kernel_struct"), helpers.ManPidfs, helpers.Requires(kernel.PidfdInfoZeroFill), func() {
		buf := make([]byte, 128)
		for i := range buf {
			buf[i] = 0xff
		}
		Expect(kernel.PidfdInfoRaw(helpers.SelfPidfd(), unix.PIDFD_INFO_PID, uintptr(len(buf)), buf)).To(Succeed())
		Expect(*(*uint64)(unsafe.Pointer(&buf[0])) & unix.PIDFD_INFO_PID).NotTo(BeZero())
		Expect(buf[88:]).To(HaveEach(BeZero()))
	})

	// Behavior: PIDFD_GET_INFO with an argument size below PIDFD_INFO_SIZE_VER0 (64) fails: EINVAL
	//           on v6.13–v6.17, ENOTTY since v6.18 (the size is now part of the request match).
	// Mirrors:  LTP ioctl_pidfd05
	// Since:    v6.13 (ENOTTY since v6.18)
	DescribeTable("fails for an argument smaller than PIDFD_INFO_SIZE_VER0",
		func(size int) {
			buf := make([]byte, 64)
			err := kernel.PidfdInfoRaw(helpers.SelfPidfd(), unix.PIDFD_INFO_PID, uintptr(size), buf)
			Expect(err).To(helpers.ErrnoHistory{{Since: "6.13", Errno: unix.EINVAL}, {Since: "6.18", Errno: unix.ENOTTY}}.Matcher())
		},
		Entry("size 4", helpers.ID("fails_for_argument_smaller_than_pidfd_info_size_ver0_size_4"), helpers.LTPIoctlPidfd, 4),
		Entry("size 56", helpers.ID("fails_for_argument_smaller_than_pidfd_info_size_ver0_size_56"), helpers.LTPIoctlPidfd, 56),
	)

	// Behavior: PIDFD_GET_INFO on an fd that is not a pidfd fails, with one errno per kind of fd: EBADF where the
	//           fd cannot take ioctls (fd -1, O_PATH, open_tree), EINVAL from the epoll and userfaultfd ioctl
	//           handlers, ENOTTY from every other file (no handler, or one that does not know the request).
	// Mirrors:  LTP ioctl_pidfd01 (every kind of fd tst_fd opens; LTP accepts
	//           any of EINVAL, EBADF, ENOTTY, and EACCES under SELinux)
	// Since:    v6.13
	DescribeTable("fails on an fd that is not a pidfd",
		func(open fdOpener, want unix.Errno) {
			fd, err := open()
			if err != nil {
				skipUnavailableFd(err)
			}
			buf := make([]byte, 64)
			err = kernel.PidfdInfoRaw(fd, unix.PIDFD_INFO_EXIT, 64, buf)
			if enforcing, _ := kernel.SELinuxEnforcing(); enforcing && errors.Is(err, unix.EACCES) {
				// fs/ioctl.c: security_file_ioctl runs before the file's
				// handler; a policy without ioctl permission on this fd's
				// class (anon inodes of io_uring, userfaultfd, perf, secretmem)
				// answers first, so the file's own errno is not observable.
				helpers.SkipFor(outcome.Environment, "the SELinux policy refused the ioctl on this kind of fd before its handler ran (EACCES); wanted %s from the handler", unix.ErrnoName(want))
			}
			Expect(err).To(helpers.BeErrno(want))
		},
		Entry("fd -1", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_fd_minus_1"), helpers.LTPIoctlPidfd, fdOpener(func() (int, error) { return -1, nil }), unix.EBADF),
		Entry("a file", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_file"), helpers.LTPIoctlPidfd, fdOpener(openRegularFile), unix.ENOTTY),
		Entry("an O_PATH file", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_o_path_file"), helpers.LTPIoctlPidfd, fdOpener(openPathFile), unix.EBADF),
		Entry("a directory", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_directory"), helpers.LTPIoctlPidfd, fdOpener(openDirectory), unix.ENOTTY),
		Entry("/dev/zero", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_dev_zero"), helpers.LTPIoctlPidfd, openPath("/dev/zero"), unix.ENOTTY),
		Entry("/proc/self/maps", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_proc_self_maps"), helpers.LTPIoctlPidfd, openPath("/proc/self/maps"), unix.ENOTTY),
		Entry("a pipe", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_pipe"), helpers.LTPIoctlPidfd, openPipeEnd(0), unix.ENOTTY),
		Entry("a pipe's write end", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_pipe_write_end"), helpers.LTPIoctlPidfd, openPipeEnd(1), unix.ENOTTY),
		Entry("a unix socket", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_unix_socket"), helpers.LTPIoctlPidfd, openSocket(unix.AF_UNIX), unix.ENOTTY),
		Entry("an inet socket", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_inet_socket"), helpers.LTPIoctlPidfd, openSocket(unix.AF_INET), unix.ENOTTY),
		Entry("an epoll fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_epoll_fd"), helpers.LTPIoctlPidfd, fdOpener(openEpoll), unix.EINVAL),
		Entry("an eventfd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_eventfd"), helpers.LTPIoctlPidfd, fdOpener(openEventfd), unix.ENOTTY),
		Entry("a signalfd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_signalfd"), helpers.LTPIoctlPidfd, fdOpener(openSignalfd), unix.ENOTTY),
		Entry("a timerfd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_timerfd"), helpers.LTPIoctlPidfd, fdOpener(openTimerfd), unix.ENOTTY),
		Entry("a fanotify fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_fanotify_fd"), helpers.LTPIoctlPidfd, fdOpener(openFanotify), unix.ENOTTY),
		Entry("an inotify fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_inotify_fd"), helpers.LTPIoctlPidfd, fdOpener(openInotify), unix.ENOTTY),
		Entry("a userfaultfd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_userfaultfd"), helpers.LTPIoctlPidfd, fdOpener(openUserfaultfd), unix.EINVAL),
		Entry("a perf event fd (CPU-wide; the caller's in LTP)", helpers.ID("fails_on_fd_a_perf_event_fd_cpu_wide_the_caller_in_ltp"), helpers.LTPIoctlPidfd, fdOpener(openPerfEvent), unix.ENOTTY),
		Entry("an io_uring fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_io_uring_fd"), helpers.LTPIoctlPidfd, fdOpener(openIoUring), unix.ENOTTY),
		Entry("a bpf map fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_bpf_map_fd"), helpers.LTPIoctlPidfd, fdOpener(openBpfMap), unix.ENOTTY),
		Entry("an fsopen fd (tmpfs; ext2 in LTP)", helpers.ID("fails_on_fd_that_is_not_pidfd_an_fsopen_fd_tmpfs_ext2_in_ltp"), helpers.LTPIoctlPidfd, fdOpener(openFsopen), unix.ENOTTY),
		Entry("an fspick fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_fspick_fd"), helpers.LTPIoctlPidfd, fdOpener(openFspick), unix.ENOTTY),
		Entry("an open_tree fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_an_open_tree_fd"), helpers.LTPIoctlPidfd, fdOpener(openOpenTree), unix.EBADF),
		Entry("a memfd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_memfd"), helpers.LTPIoctlPidfd, fdOpener(openMemfd), unix.ENOTTY),
		Entry("a memfd_secret fd", helpers.ID("fails_on_an_fd_that_is_not_a_pidfd_a_memfd_secret_fd"), helpers.LTPIoctlPidfd, fdOpener(openMemfdSecret), unix.ENOTTY),
	)

	Context("when the process is a zombie", func() {
		// Behavior: PIDFD_GET_INFO on a killed, unreaped process succeeds with and without PIDFD_INFO_EXIT
		//           and marks CREDS but not EXIT (exit information is published at reap); the zombie still
		//           reports its pid, tgid, parent and the credentials it had (the test's).
		// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_exit (v6.15 selftest; checks the mask only)
		// Since:    v6.15
		It("marks CREDS but not EXIT with or without PIDFD_INFO_EXIT", helpers.ID("marks_creds_but_not_exit_with_or_without_pidfd_info_exit"), helpers.SelftestPidfdInfo, helpers.Requires(kernel.PidfdInfoExit), func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Kill()
			helpers.AwaitZombie(ctx, child.Pidfd)
			for _, mask := range []uint64{unix.PIDFD_INFO_CGROUPID, unix.PIDFD_INFO_CGROUPID | unix.PIDFD_INFO_EXIT} {
				info, err := kernel.GetPidfdInfo(child.Pidfd, mask)
				Expect(err).NotTo(HaveOccurred(), "mask %#x", mask)
				Expect(info.Mask&unix.PIDFD_INFO_CREDS).NotTo(BeZero(), "mask %#x", mask)
				Expect(info.Mask&unix.PIDFD_INFO_EXIT).To(BeZero(), "mask %#x", mask)
				// The zombie's task is still there (v7.3 fs/pidfs.c
				// pidfd_info: get_pid_task finds it), so the ids are its own.
				Expect([]uint32{info.Pid, info.Tgid, info.Ppid}).To(Equal([]uint32{uint32(child.Pid), uint32(child.Pid), uint32(os.Getpid())}), "pid tgid ppid, mask %#x", mask)
				Expect([]uint32{info.Ruid, info.Euid, info.Suid, info.Fsuid, info.Rgid, info.Egid, info.Sgid, info.Fsgid}).To(Equal(ownIDs()), "credentials (the test's, which it inherited), mask %#x", mask)
			}
		})
	})

	Context("when the process has been reaped", helpers.Requires(kernel.PidfdInfoExit), func() {
		// Behavior: after the reap, PIDFD_GET_INFO with PIDFD_INFO_EXIT fills only
		//           the exit information: EXIT is set, PID and CREDS are not.
		// Mirrors:  pidfd_info_test.c pidfd_info.sigkill_reaped (v6.15 selftest)
		// Since:    v6.15
		It("reports exit information but no ids", helpers.ID("reports_exit_information_but_no_ids"), helpers.SelftestPidfdInfo, func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Reap(ctx)
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS|unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & (unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS | unix.PIDFD_INFO_EXIT)).To(BeEquivalentTo(unix.PIDFD_INFO_EXIT))
		})

		// Behavior: a process that exited with code 7 and was reaped reports
		//           WIFEXITED with status 7 through PIDFD_INFO_EXIT.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped (status 0 there;
		//           v6.15 selftest); LTP ioctl_pidfd02 (exit code 100 there)
		// Since:    v6.15
		It("reports the exit code of a process that exited", helpers.ID("reports_the_exit_code_of_a_process_that_exited"), helpers.SelftestPidfdInfo, helpers.LTPIoctlPidfd, func(ctx SpecContext) {
			c := helpers.StartChild(ctx, helpers.RoleProcess, nil)
			Expect(c.Channel.Send("exit 7")).To(Succeed())
			_, err := kernel.WaitidTimeout(ctx, c.Pidfd, unix.WEXITED, helpers.EventTimeout())
			Expect(err).NotTo(HaveOccurred())
			info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).NotTo(BeZero())
			Expect(decodeExit(info.Exit_code)).To(Equal(exitStatus{Exited: true, Code: 7}))
		})

		// Behavior: after the reap, poll(2) on the pidfd reports POLLIN|POLLHUP
		//           and PIDFD_INFO_EXIT then reports the SIGKILL that ended it.
		// Mirrors:  pidfd_info_test.c pidfd_info.success_reaped_poll (v6.15 selftest); LTP ioctl_pidfd04
		//           (the SIGKILL status of a child in new user and pid namespaces, without poll)
		// Since:    v6.15
		It("reports POLLIN|POLLHUP and then the exit status", helpers.ID("reports_pollin_pollhup_and_then_the_exit_status"), helpers.SyscallPoll, helpers.SelftestPidfdInfo, helpers.Requires(kernel.PollHupOnReap), func(ctx SpecContext) {
			child := helpers.StartBlocked()
			child.Reap(ctx)
			Expect(kernel.PollOnce(child.Pidfd, 0)).To(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(decodeExit(info.Exit_code)).To(Equal(exitStatus{Signaled: true, Signal: syscall.SIGKILL}))
		})
	})

	Context("with PIDFD_INFO_SUPPORTED_MASK", helpers.Requires(kernel.PidfdInfoSupportedMask), func() {
		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_SUPPORTED_MASK marks the bit in the reply and fills
		//           supported_mask with exactly the set of the kernel's version (PIDFD_INFO_SUPPORTED,
		//           whatever the config): PID|CREDS|CGROUPID|EXIT|COREDUMP|SUPPORTED_MASK|COREDUMP_SIGNAL
		//           on v6.19 and v7.0, and COREDUMP_CODE too from v7.1. The field sits at offset 72 on
		//           v6.19–v7.0 and at 80 from v7.1 (coredump_code was inserted before it).
		// Mirrors:  pidfd_info_test.c global.supported_mask_field
		//           (asserts each 7.3 bit is present; here the exact set)
		// Since:    v6.19 (supported_mask at offset 80 since v7.1)
		It("reports exactly the request bits this kernel supports", helpers.ID("reports_exactly_the_request_bits_the_kernel_supports"), helpers.SelftestPidfdInfo, func() {
			reply, supported := infoSupportedMask(helpers.SelfPidfd(), 0)
			// v7.3 fs/pidfs.c:509-511: kinfo.supported_mask = PIDFD_INFO_SUPPORTED.
			Expect(reply & kernel.PIDFD_INFO_SUPPORTED_MASK).NotTo(BeZero())
			Expect(supported).To(Equal(expectedSupportedMask()), "supported_mask %#x at offset %d", supported, supportedMaskOffset())
		})

		// Behavior: without PIDFD_INFO_SUPPORTED_MASK in the request, the reply mask lacks the bit and
		//           supported_mask comes back 0 (the field of a buffer filled with 0xff is overwritten).
		// Mirrors:  none (v7.3 fs/pidfs.c:509-511 fills it only on request; kinfo starts zeroed)
		// Since:    v6.19
		It("leaves supported_mask zero when it is not asked for", helpers.ID("leaves_supported_mask_zero_when_not_asked_for"), helpers.ManPidfs, func() {
			buf := bytes.Repeat([]byte{0xff}, 88)
			Expect(kernel.PidfdInfoRaw(helpers.SelfPidfd(), unix.PIDFD_INFO_PID, uintptr(len(buf)), buf)).To(Succeed())
			off := supportedMaskOffset()
			Expect(binary.NativeEndian.Uint64(buf)&kernel.PIDFD_INFO_SUPPORTED_MASK).To(BeZero(), "reply mask %#x", binary.NativeEndian.Uint64(buf))
			Expect(binary.NativeEndian.Uint64(buf[off:off+8])).To(BeZero(), "supported_mask at offset %d", off)
		})

		// Behavior: with PIDFD_INFO_SUPPORTED_MASK, supported_mask comes back alongside
		//           other requested fields (here CGROUPID), and is the same set.
		// Mirrors:  pidfd_info_test.c global.supported_mask_with_other_fields
		//           (asserts a nonzero mask; here the exact set)
		// Since:    v6.19
		It("reports the supported mask alongside other fields", helpers.ID("reports_the_supported_mask_alongside_other_fields"), helpers.SelftestPidfdInfo, helpers.Requires(kernel.Cgroups), func() {
			reply, supported := infoSupportedMask(helpers.SelfPidfd(), unix.PIDFD_INFO_CGROUPID)
			Expect(reply & (unix.PIDFD_INFO_CGROUPID | kernel.PIDFD_INFO_SUPPORTED_MASK)).To(BeEquivalentTo(unix.PIDFD_INFO_CGROUPID | kernel.PIDFD_INFO_SUPPORTED_MASK))
			Expect(supported).To(Equal(expectedSupportedMask()), "supported_mask %#x at offset %d", supported, supportedMaskOffset())
		})
	})

	Context("with PIDFD_INFO_COREDUMP on a live process", helpers.Requires(kernel.PidfdInfoCoredump), func() {
		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_COREDUMP on a live, dumpable process
		//           marks COREDUMP and reports coredump_mask PIDFD_COREDUMP_USER (how
		//           it would dump), with no coredump signal (none happened).
		// Mirrors:  none (fs/pidfs.c pidfd_info: the dumpable mode of a task that has not dumped)
		// Since:    v6.16
		It("reports PIDFD_COREDUMP_USER for a dumpable process", helpers.ID("reports_pidfd_coredump_user_for_a_dumpable_process"), helpers.ManPidfs, func() {
			child := helpers.StartBlocked()
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_COREDUMP)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_COREDUMP).NotTo(BeZero())
			Expect(info.Mask & kernel.PIDFD_INFO_COREDUMP_SIGNAL).To(BeZero())
			Expect(info.Coredump_mask).To(BeEquivalentTo(unix.PIDFD_COREDUMP_USER))
		})

		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_COREDUMP reports coredump_mask PIDFD_COREDUMP_SKIP for a
		//           live process that cleared its dumpable flag (prctl PR_SET_DUMPABLE 0): it would not dump.
		// Mirrors:  none (fs/pidfs.c pidfs_coredump_mask: TASK_DUMPABLE_OFF)
		// Since:    v6.16
		It("reports PIDFD_COREDUMP_SKIP for a process that is not dumpable", helpers.ID("reports_pidfd_coredump_skip_for_process_that_is_not_dumpable"), helpers.ManPidfs, func(ctx SpecContext) {
			c := helpers.StartChild(ctx, pidfsroles.Undumpable, nil)
			info, err := kernel.GetPidfdInfo(c.Pidfd, unix.PIDFD_INFO_COREDUMP)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_COREDUMP).NotTo(BeZero())
			Expect(info.Coredump_mask).To(BeEquivalentTo(unix.PIDFD_COREDUMP_SKIP))
		})
	})

	Context("when the process exits", helpers.Requires(kernel.PidfdInfoExit), func() {
		// Behavior: the cgroup id PIDFD_INFO_EXIT reports after the reap is the one recorded at exit: the id
		//           of the process's cgroup2 cgroup (its kernfs handle), the same the live process reported.
		// Mirrors:  none (fs/pidfs.c pidfs_exit records the default hierarchy's cgroup id)
		// Since:    v6.15
		It("reports the cgroup id recorded at exit", helpers.ID("reports_the_cgroup_id_recorded_at_exit"), helpers.ManPidfs, func(ctx SpecContext) {
			// The caller's own cgroup is read from /proc/self/cgroup.
			helpers.RequireFeature(kernel.Cgroups, kernel.Procfs)
			want := ownCgroupID()
			child := helpers.StartBlocked()
			live, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_CGROUPID)
			Expect(err).NotTo(HaveOccurred())
			Expect(live.Cgroupid).To(Equal(want), "live")
			child.Reap(ctx)
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & (unix.PIDFD_INFO_EXIT | unix.PIDFD_INFO_CGROUPID)).To(BeEquivalentTo(unix.PIDFD_INFO_EXIT | unix.PIDFD_INFO_CGROUPID))
			Expect(info.Cgroupid).To(Equal(want), "at exit")
		})

		// Behavior: a child whose parent ignores SIGCHLD is reaped by the kernel as it exits;
		//           its pidfd then reports POLLIN|POLLHUP and PIDFD_INFO_EXIT its exit code
		//           (3), while waitid(P_PIDFD) from a non-parent fails with ECHILD.
		// Mirrors:  none (kernel/exit.c exit_notify: autoreap when the
		//           parent ignores SIGCHLD; fs/pidfs.c pidfs_exit)
		// Since:    v6.15
		It("reports the exit code of a child the kernel reaped because its parent ignores SIGCHLD", helpers.ID("exit_code_of_child_reaped_because_parent_ignores_sigchld"), helpers.ManPidfs, helpers.Requires(kernel.PollHupOnReap, kernel.WaitidPidfd), func(ctx SpecContext) {
			parent := helpers.StartChild(ctx, pidfsroles.SigchldIgnorer, nil)
			r := parent.MustCall(ctx, "spawn-exit 3")
			Expect(r.Fds).To(HaveLen(1))
			pidfd := r.Fds[0]
			Eventually(ctx, func() (int16, error) { return kernel.PollOnce(pidfd, 0) }).
				WithTimeout(helpers.EventTimeout()).Should(helpers.HavePollEvents(unix.POLLIN | unix.POLLHUP))
			info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & unix.PIDFD_INFO_EXIT).NotTo(BeZero())
			Expect(decodeExit(info.Exit_code)).To(Equal(exitStatus{Exited: true, Code: 3}))
			_, err = kernel.Waitid(pidfd, unix.WEXITED|unix.WNOHANG)
			Expect(err).To(helpers.BeErrno(unix.ECHILD))
		})
	})

	infoOfThreads()
	infoAcrossPidNamespaces()
	infoInNewUserAndPidNamespaces()
	infoOutsideCallerNamespace()
	infoAcrossUserNamespaces()
})
