package pidfs

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
)

var _ = area.Describe("pidfs", helpers.FsPidfs, helpers.Requires(kernel.PidfdOpen), func() {
	// Behavior: pidfds live on pidfs (f_type PID_FS_MAGIC) on v6.9+, on anon_inodefs (ANON_INODE_FS_MAGIC) before
	//           (pidfs there only as a backport); any other filesystem, or anon inodes on v6.9+, is a failure.
	// Mirrors:  none (pidfs is unconditional since v6.9, commit 9d9539db8638)
	// Since:    v5.3 (pidfs since v6.9)
	It("backs pidfds with the filesystem the kernel's version owes", helpers.ID("backs_pidfds_with_the_filesystem_the_kernel_version_owes"), helpers.ManPidfs, func() {
		AddReportEntry("active LSMs", kernel.ActiveLSMs())
		fsType, err := kernel.PidfdFilesystem(helpers.SelfPidfd())
		Expect(err).NotTo(HaveOccurred())
		AddReportEntry("pidfd f_type", fmt.Sprintf("%#x", fsType))
		// v7.3 fs/pidfs.c:1170 and v6.12 fs/pidfs.c:400 mount pidfs with
		// init_pseudo(fc, PID_FS_MAGIC); v6.1 kernel/fork.c:2006 makes a
		// pidfd with anon_inode_getfile, on ANON_INODE_FS_MAGIC (v6.1
		// fs/anon_inodes.c:45).
		if kernel.Kernel().AtLeast("6.9") {
			Expect(fsType).To(BeEquivalentTo(unix.PID_FS_MAGIC), "f_type %#x", fsType)
			return
		}
		Expect(fsType).To(Or(BeEquivalentTo(unix.ANON_INODE_FS_MAGIC), BeEquivalentTo(unix.PID_FS_MAGIC)), "f_type %#x", fsType)
	})

	Context("on pidfs", helpers.Requires(kernel.Pidfs), func() {
		// Every way of getting a pidfd of one process names the same
		// struct pid, whose one pidfs inode is stashed in pid->stashed
		// (v7.3 fs/pidfs.c pidfs_alloc_file → path_from_stashed), so each
		// route is compared with the CLONE_PIDFD pidfd the child was
		// born with, route by route.
		DescribeTable("gives one process one inode",
			func(ctx SpecContext, route func(*helpers.Blocked) int) {
				child := helpers.StartBlockedBornWithPidfd(ctx)
				Expect(helpers.Inode(route(child))).To(Equal(helpers.Inode(child.Pidfd)))
			},
			// Behavior: a pidfd from pidfd_open(2) is on the same pidfs inode (st_dev,
			//           st_ino) as the CLONE_PIDFD pidfd of the same process.
			// Mirrors:  pidfd_file_handle_test.c file_handle.file_handle_same_pidns (the same inode
			//           through handles; v6.14 selftest; no selftest checks the other routes)
			// Since:    v6.9
			Entry("through pidfd_open", helpers.ID("gives_one_process_one_inode_through_pidfd_open"), helpers.SyscallPidfdOpen, helpers.SelftestPidfdFileHandle,
				func(c *helpers.Blocked) int { return helpers.OpenPidfd(c.Pid, 0) }),
			// Behavior: a pidfd from pidfd_open(2) with PIDFD_NONBLOCK is
			//           on the same pidfs inode as the CLONE_PIDFD pidfd.
			// Mirrors:  none
			// Since:    v6.9
			Entry("through pidfd_open with PIDFD_NONBLOCK", helpers.ID("gives_one_inode_through_pidfd_open_with_pidfd_nonblock"), helpers.FlagPidfdNonblock, helpers.ManPidfs,
				func(c *helpers.Blocked) int { return helpers.OpenPidfd(c.Pid, unix.PIDFD_NONBLOCK) }),
			// Behavior: a PIDFD_THREAD pidfd from pidfd_open of the thread-group leader is on the same
			//           pidfs inode as the process's CLONE_PIDFD pidfd (one struct pid names both).
			// Mirrors:  none
			// Since:    v6.9
			Entry("through pidfd_open of the leader with PIDFD_THREAD", helpers.ID("gives_one_inode_through_pidfd_open_of_leader_with_thread"), helpers.FlagPidfdThread, helpers.ManPidfs, helpers.Requires(kernel.PidfdThread),
				func(c *helpers.Blocked) int {
					return helpers.OpenPidfd(c.Pid, unix.PIDFD_THREAD)
				}),
			// Behavior: reopening the pidfd through /proc/self/fd/N gives the same pidfs
			//           inode; a caller without CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE
			//           cannot reopen it (the "refuses … EACCES" entry).
			// Mirrors:  pidfd_bind_mount.c pidfd_bind_mount.reopen (as root there)
			// Since:    v6.9
			Entry("through a reopen of /proc/self/fd/N", helpers.ID("gives_one_inode_through_a_reopen_of_proc_self_fd"), helpers.SelftestPidfdBindMount, helpers.Requires(kernel.Procfs),
				func(c *helpers.Blocked) int {
					requireReopenCapability()
					fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", c.Pidfd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
					Expect(err).NotTo(HaveOccurred(), "reopen through /proc/self/fd")
					DeferCleanup(unix.Close, fd)
					return fd
				}),
			// Behavior: pidfd_getfd(2) of a pidfd (through the caller's
			//           own pidfd) returns an fd on the same pidfs inode.
			// Mirrors:  none
			// Since:    v6.9
			Entry("through pidfd_getfd of the pidfd", helpers.ID("gives_one_inode_through_pidfd_getfd_of_the_pidfd"), helpers.SyscallPidfdGetfd, helpers.ManPidfs, helpers.Requires(kernel.PidfdGetfd),
				func(c *helpers.Blocked) int {
					fd, err := unix.PidfdGetfd(helpers.SelfPidfd(), c.Pidfd, 0)
					Expect(err).NotTo(HaveOccurred(), "pidfd_getfd of a pidfd")
					DeferCleanup(unix.Close, fd)
					return fd
				}),
			// Behavior: open_by_handle_at(2) of the pidfd's file
			//           handle returns an fd on the same pidfs inode.
			// Mirrors:  pidfd_file_handle_test.c file_handle.file_handle_same_pidns (v6.14 selftest)
			// Since:    v6.14
			Entry("through open_by_handle_at", helpers.ID("gives_one_inode_through_open_by_handle_at"), helpers.SyscallOpenByHandleAt, helpers.SelftestPidfdFileHandle, helpers.Requires(kernel.FileHandles),
				func(c *helpers.Blocked) int {
					fd, err := reopenByHandle(helpers.SelfPidfd(), handleOf(c.Pidfd), unix.O_CLOEXEC)
					Expect(err).NotTo(HaveOccurred())
					return fd
				}),
		)

		// Behavior: a caller without CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE cannot reopen a
		//           pidfd through /proc/self/fd/N: EACCES, because the pidfs inode is root's
		//           with mode 0700 (fs/pidfs.c pidfs_init_inode, fs/namei.c generic_permission).
		// Mirrors:  none (pidfd_bind_mount.c reopens as root)
		// Since:    v6.9
		It("refuses a reopen through /proc/self/fd with EACCES without DAC capabilities", helpers.ID("refuses_proc_fd_reopen_with_eacces_without_dac_capabilities"), helpers.ManPidfs, helpers.Requires(kernel.Procfs), func() {
			if hasReopenCapability() {
				helpers.SkipFor(outcome.Privilege, "the caller has CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE, which pass the inode's permission check; the reopen entry of \"gives one process one inode\" covers it")
			}
			_, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", helpers.SelfPidfd()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
			Expect(err).To(helpers.BeErrno(unix.EACCES))
		})

		// Behavior: pidfds of different processes have different inode numbers on the same pidfs device.
		// Mirrors:  none
		// Since:    v6.9
		It("gives different processes different inodes", helpers.ID("gives_different_processes_different_inodes"), helpers.ManPidfs, func() {
			a, b := helpers.StartBlocked(), helpers.StartBlocked()
			ia, ib := helpers.Inode(a.Pidfd), helpers.Inode(b.Pidfd)
			Expect(ia.Dev).To(Equal(ib.Dev))
			Expect(ia.Ino).NotTo(Equal(ib.Ino))
		})

		// Behavior: on 64-bit kernels no two tasks ever get the same pidfs inode number, even
		//           after the earlier ones were freed (threads and processes alike). The numbers
		//           are not ordered: since v7.x they come from per-CPU batches (gen_cookie_next
		//           in fs/pidfs.c pidfs_alloc_ino), before that from one counter.
		// Mirrors:  none (fs/pidfs.c pidfs_alloc_ino: unique for the system's lifetime)
		// Since:    v6.9
		It("never gives a new task an inode number seen before", helpers.ID("never_gives_a_new_task_an_inode_number_seen_before"), helpers.ManPidfs, func() {
			if kernel.Is32BitBuild() {
				helpers.SkipFor(outcome.Architecture, "32-bit kernels reuse inode numbers by design (upper bits are the generation); the uniqueness rule is 64-bit only")
			}
			// Threads come in one batch (about 60 µs each); processes are
			// blocked children killed at once (about 2 ms each): measured on
			// 6.18, 2 cores, 3000 threads + 50 processes take about 0.3 s.
			threads := helpers.ScaledCount(3000, 300)
			processes := helpers.ScaledCount(50, 10)
			AddReportEntry("tasks", fmt.Sprintf("%d threads, %d processes", threads, processes))
			self := helpers.Inode(helpers.SelfPidfd()).Ino
			inos, err := kernel.ThreadPidfdInodes(threads)
			if err == kernel.ErrNoRawClone {
				helpers.SkipFor(outcome.Architecture, "%v", err)
			}
			Expect(err).NotTo(HaveOccurred())
			for range processes {
				b := helpers.StartBlocked()
				inos = append(inos, helpers.Inode(b.Pidfd).Ino)
				b.Kill()
			}
			expectAllDifferent(append([]uint64{self}, inos...))
		})

		// Behavior: a process that takes over a reaped process's pid number gets a new inode number,
		//           not the old one (pidfs numbers identify a struct pid, never a pid number).
		// Mirrors:  none
		// Since:    v6.9
		It("gives a process that reuses a pid number a new inode", helpers.ID("gives_a_process_that_reuses_a_pid_number_a_new_inode"), helpers.NeedsPidNS, helpers.ManPidfs, func(ctx SpecContext) {
			ns := helpers.NewPidNS(ctx)
			old, _, reused := helpers.ReusePidNumber(ctx, ns, 1000, helpers.RoleNone, nil)
			Expect(helpers.Inode(reused.Pidfd).Ino).NotTo(Equal(helpers.Inode(old.Pidfd).Ino))
		})

		// The same, asked by a caller that sees the number come back: a
		// kernel deriving inode numbers from the caller's view of a pid
		// number, or from the global number, passes the spec above.
		helpers.EachReuseShape(func(stage helpers.StageReuse) {
			// Behavior: the stale pidfd and a pidfd the caller opens for the reused
			//           number (the successor's) have different pidfs inode numbers,
			//           both fstat by a caller that sees the number in use again.
			// Mirrors:  none (fs/pidfs.c: inode numbers identify a struct pid, never a pid number)
			// Since:    v6.9
			It("gives a process that reuses a pid number a new inode", helpers.ID("gives_process_that_reuses_pid_number_new_inode"), helpers.SyscallFstat, helpers.ManPidfs, func(ctx SpecContext) {
				r := stage(ctx, helpers.RoleNone)
				stale, reopened := r.Inodes(ctx)
				Expect(reopened).To(Equal(helpers.Inode(r.Successor.Pidfd)), "pidfd_open(%d) by the caller opens the successor", r.Number)
				Expect(stale.Ino).NotTo(Equal(reopened.Ino))
			})
		})

		// Behavior: a process's pidfs inode number survives closing every pidfd
		//           to it: a new pidfd_open while it lives gives the same number.
		// Mirrors:  none (struct pid keeps its inode number)
		// Since:    v6.9
		It("keeps a process's inode number after all its pidfds are closed", helpers.ID("keeps_a_process_inode_number_after_all_pidfds_are_closed"), helpers.ManPidfs, func() {
			pid := helpers.StartBlockedPid()
			fd, err := unix.PidfdOpen(pid, 0)
			Expect(err).NotTo(HaveOccurred())
			want := helpers.Inode(fd)
			Expect(unix.Close(fd)).To(Succeed())
			Expect(helpers.Inode(helpers.OpenPidfd(pid, 0))).To(Equal(want))
		})

		// Behavior: st_mode of a pidfd carries no file-type bits (lsof compatibility).
		// Mirrors:  none (commit db3d841ac9ed "fs/pidfs: make 'lsof' happy")
		// Since:    v6.10
		It("reports an st_mode without file-type bits", helpers.ID("reports_an_st_mode_without_file_type_bits"), helpers.SyscallFstat, helpers.ManPidfs, helpers.Requires(kernel.PidfsLsofCompat), func() {
			var st unix.Stat_t
			Expect(unix.Fstat(helpers.SelfPidfd(), &st)).To(Succeed())
			Expect(st.Mode & unix.S_IFMT).To(BeZero())
		})

	})

	// Behavior: /proc/self/fd/N of a pidfd reads anon_inode:[pidfd] (pidfs since v6.10; v6.9 showed pidfd:[ino]).
	// Mirrors:  none (commit db3d841ac9ed "fs/pidfs: make 'lsof' happy")
	// Since:    v5.3 (pidfs since v6.10)
	It("names a pidfd anon_inode:[pidfd] in /proc/self/fd", helpers.ID("names_a_pidfd_anon_inode_pidfd_in_proc_self_fd"), helpers.ManProc, helpers.Requires(kernel.Procfs), func() {
		if backing() == kernel.PidfsBacking {
			helpers.RequireFeature(kernel.PidfsLsofCompat)
		}
		Expect(os.Readlink("/proc/self/fd/" + strconv.Itoa(helpers.SelfPidfd()))).To(Equal("anon_inode:[pidfd]"))
	})

	Context("on pidfs on a 32-bit kernel", helpers.Requires(kernel.PidfdOpen, kernel.Pidfs), func() {
		BeforeEach(func() {
			if !kernel.Is32BitBuild() {
				helpers.SkipFor(outcome.Architecture, "64-bit kernels keep the whole inode number in st_ino; \"never gives a new task an inode number seen before\" covers them")
			}
			helpers.RequireFeature(kernel.PidfsGetversion)
		})

		// Behavior: on 32-bit kernels st_ino holds the lower 32 bits of pidfs's 64-bit inode
		//           number and FS_IOC_GETVERSION the upper 32 (the generation): no two tasks ever
		//           get the same generation<<32|st_ino, even after the earlier ones were freed.
		// Mirrors:  none (fs/pidfs.c pidfs_ino/pidfs_gen, v6.14; 32-bit
		//           kernels before v6.14 reused inode numbers from an IDA)
		// Since:    v6.14
		It("never gives a new task a generation and inode number pair seen before", helpers.ID("never_gives_new_task_generation_and_inode_number_pair_seen"), helpers.ManPidfs, func() {
			threads := helpers.ScaledCount(1000, 200)
			processes := helpers.ScaledCount(10, 5)
			AddReportEntry("tasks", fmt.Sprintf("%d threads, %d processes", threads, processes))
			self, err := kernel.PidfsID(helpers.SelfPidfd())
			Expect(err).NotTo(HaveOccurred())
			ids, err := kernel.ThreadPidfdStamps(threads, kernel.PidfsID)
			if err == kernel.ErrNoRawClone {
				helpers.SkipFor(outcome.Architecture, "%v", err)
			}
			Expect(err).NotTo(HaveOccurred())
			for range processes {
				b := helpers.StartBlocked()
				id, err := kernel.PidfsID(b.Pidfd)
				Expect(err).NotTo(HaveOccurred())
				ids = append(ids, id)
				b.Kill()
			}
			expectAllDifferent(append([]uint64{self}, ids...))
		})
	})
})

// expectAllDifferent fails on the first inode number that an earlier task
// already had. Uniqueness is pidfs's contract; order is not (per-CPU
// batches hand out numbers out of creation order).
func expectAllDifferent(ids []uint64) {
	GinkgoHelper()
	first := make(map[uint64]int, len(ids))
	for i, id := range ids {
		if j, seen := first[id]; seen {
			Fail(fmt.Sprintf("task %d of %d got inode number %d, which task %d already had", i, len(ids), id, j))
		}
		first[id] = i
	}
}

// hasReopenCapability: reopening a pidfd by path checks the pidfs inode's
// permissions like any file's: it belongs to uid 0 (fs/inode.c
// inode_init_always: i_uid_write(inode, 0)) with mode 0700 (v7.3
// fs/pidfs.c:1045 pidfs_init_inode: i_mode |= S_IRWXU), so only a caller
// with CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE over it passes (fs/namei.c
// generic_permission).
func hasReopenCapability() bool {
	return kernel.HasCapability(unix.CAP_DAC_READ_SEARCH) || kernel.HasCapability(unix.CAP_DAC_OVERRIDE)
}

// requireReopenCapability skips a spec that reopens a pidfd by path when
// the caller may not.
func requireReopenCapability() {
	GinkgoHelper()
	if !hasReopenCapability() {
		helpers.SkipFor(outcome.Privilege, "reopening a pidfd by path needs CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE (the pidfs inode is root's, mode 0700); \"refuses a reopen through /proc/self/fd with EACCES\" covers this caller")
	}
}
