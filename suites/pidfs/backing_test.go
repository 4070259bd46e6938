package pidfs_test

import (
	"fmt"
	"os"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

var _ = Describe("pidfs", helpers.FsPidfs, func() {
	BeforeEach(func() { helpers.RequireFeature(kernel.PidfdOpen) })

	// Behavior: pidfds live on pidfs (f_type PID_FS_MAGIC) on v6.9+, on anon_inodefs (ANON_INODE_FS_MAGIC) before; any other filesystem, or anon inodes on v6.9+, is a failure.
	// Mirrors:  none (pidfs is unconditional since v6.9, commit 9d9539db8638)
	// Since:    v5.3 (pidfs since v6.9)
	It("backs pidfds with the filesystem the kernel's version owes", helpers.ManPidfs, func() {
		AddReportEntry("pidfd backing", backing().String())
		AddReportEntry("active LSMs", kernel.ActiveLSMs())
	})

	Context("on pidfs", func() {
		BeforeEach(func() { requireBacking(kernel.PidfsBacking) })

		// Behavior: every way of getting a pidfd for one process (pidfd_open twice, CLONE_PIDFD, reopening /proc/self/fd/N, pidfd_getfd of a pidfd) yields the same st_dev and st_ino.
		// Mirrors:  pidfd_file_handle_test.c (same inode through handles, ML); none for the other routes
		// Since:    v6.9
		It("gives one process one inode however its pidfd was obtained", helpers.SelftestPidfdFileHandle, func(ctx SpecContext) {
			child := helpers.StartChild(ctx, helpers.RoleProcess, nil)
			want := helpers.Inode(child.Pidfd)
			routes := map[string]int{
				"pidfd_open":     helpers.OpenPidfd(child.Pid, 0),
				"pidfd_open 2nd": helpers.OpenPidfd(child.Pid, 0),
			}
			if kernel.Procfs.Present() {
				fd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", child.Pidfd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
				Expect(err).NotTo(HaveOccurred(), "reopen through /proc/self/fd")
				DeferCleanup(unix.Close, fd)
				routes["/proc/self/fd reopen"] = fd
			}
			if kernel.PidfdGetfd.Present() {
				fd, err := unix.PidfdGetfd(helpers.SelfPidfd(), child.Pidfd, 0)
				Expect(err).NotTo(HaveOccurred(), "pidfd_getfd of a pidfd")
				DeferCleanup(unix.Close, fd)
				routes["pidfd_getfd"] = fd
			}
			for route, fd := range routes {
				Expect(helpers.Inode(fd)).To(Equal(want), "pidfd from %s", route)
			}
		})

		// Behavior: pidfds of different processes have different inode numbers on the same pidfs device.
		// Mirrors:  none
		// Since:    v6.9
		It("gives different processes different inodes", helpers.ManPidfs, func() {
			a, b := helpers.StartBlocked(), helpers.StartBlocked()
			ia, ib := helpers.Inode(a.Pidfd), helpers.Inode(b.Pidfd)
			Expect(ia.Dev).To(Equal(ib.Dev))
			Expect(ia.Ino).NotTo(Equal(ib.Ino))
		})

		// Behavior: on 64-bit kernels pidfs inode numbers only grow: every new task's is larger than all before it, so none is ever reused (threads and processes alike).
		// Mirrors:  none (fs/pidfs.c: 64-bit inode counter, unique for the system's lifetime)
		// Since:    v6.9
		It("never gives a new task an inode number seen before", helpers.ManPidfs, func() {
			if kernel.Is32BitBuild() {
				Skip("32-bit kernels reuse inode numbers by design (upper bits are the generation); the uniqueness rule is 64-bit only")
			}
			// Threads come in one batch (about 60 µs each); processes are
			// blocked children killed at once (about 2 ms each): measured on
			// 6.18, 2 cores, 3000 threads + 50 processes take about 0.3 s.
			threads := helpers.ScaledCount(3000, 300)
			processes := helpers.ScaledCount(50, 10)
			AddReportEntry("tasks", fmt.Sprintf("%d threads, %d processes", threads, processes))
			last := helpers.Inode(helpers.SelfPidfd()).Ino
			inos, err := kernel.ThreadPidfdInodes(threads)
			if err == kernel.ErrNoRawClone {
				Skip(err.Error())
			}
			Expect(err).NotTo(HaveOccurred())
			for range processes {
				b := helpers.StartBlocked()
				inos = append(inos, helpers.Inode(b.Pidfd).Ino)
				b.Kill()
			}
			for i, ino := range inos {
				Expect(ino).To(BeNumerically(">", last), "task %d of %d", i, len(inos))
				last = ino
			}
		})

		// Behavior: a process that takes over a reaped process's pid number gets a new, larger inode number, not the old one.
		// Mirrors:  none
		// Since:    v6.9
		It("gives a process that reuses a pid number a new inode", helpers.NeedsPidNS, helpers.ManPidfs, func(ctx SpecContext) {
			ns := helpers.NewPidNS(ctx)
			old := helpers.RecycledPid(ctx, ns, 1000)
			reused := ns.Spawn(ctx, 1000, helpers.RoleProcess)
			Expect(helpers.Inode(reused.Pidfd).Ino).To(BeNumerically(">", helpers.Inode(old.Pidfd).Ino))
		})

		// Behavior: a process's pidfs inode number survives closing every pidfd to it: a new pidfd_open while it lives gives the same number.
		// Mirrors:  none (struct pid keeps its inode number)
		// Since:    v6.9
		It("keeps a process's inode number after all its pidfds are closed", helpers.ManPidfs, func() {
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
		It("reports an st_mode without file-type bits", helpers.SyscallFstat, helpers.ManPidfs, func() {
			helpers.RequireFeature(kernel.PidfsLsofCompat)
			var st unix.Stat_t
			Expect(unix.Fstat(helpers.SelfPidfd(), &st)).To(Succeed())
			Expect(st.Mode & unix.S_IFMT).To(BeZero())
		})

		// Behavior: fchmod(2) and fchown(2) of a pidfd are refused: EPERM before v6.17 (seen on 6.12.117), EOPNOTSUPP since pidfs has its own setattr.
		// Mirrors:  pidfd_setattr_test.c TEST_F(pidfs_setattr, no_chmod), TEST_F(pidfs_setattr, no_chown) (ML)
		// Since:    v6.9 (EOPNOTSUPP since v6.17)
		It("refuses fchmod and fchown with the errno of the kernel's version", helpers.SyscallSetattr, helpers.SelftestPidfdSetattr, func() {
			refused := helpers.ErrnoHistory{{Since: "6.9", Errno: unix.EPERM}, {Since: "6.17", Errno: unix.EOPNOTSUPP}}
			fd := helpers.SelfPidfd()
			Expect(unix.Fchmod(fd, 0o600)).To(refused.Matcher())
			Expect(unix.Fchown(fd, os.Getuid(), os.Getgid())).To(refused.Matcher())
		})

		// Behavior: execveat(2) of a pidfd with AT_EMPTY_PATH fails with EACCES.
		// Mirrors:  none
		// Since:    v6.9
		It("refuses execveat with EACCES", helpers.SyscallExecveat, helpers.ManPidfs, func() {
			Expect(kernel.ExecveatEmptyPath(helpers.SelfPidfd())).To(helpers.BeErrno(unix.EACCES))
		})
	})

	// Behavior: /proc/self/fd/N of a pidfd reads anon_inode:[pidfd] (pidfs since v6.10; v6.9 showed pidfd:[ino]).
	// Mirrors:  none (commit db3d841ac9ed)
	// Since:    v5.3 (pidfs since v6.10)
	It("names a pidfd anon_inode:[pidfd] in /proc/self/fd", helpers.ManProc, func() {
		helpers.RequireFeature(kernel.Procfs)
		if backing() == kernel.PidfsBacking {
			helpers.RequireFeature(kernel.PidfsLsofCompat)
		}
		Expect(os.Readlink("/proc/self/fd/" + strconv.Itoa(helpers.SelfPidfd()))).To(Equal("anon_inode:[pidfd]"))
	})

	Context("on the anon-inode fallback", func() {
		BeforeEach(func() { requireBacking(kernel.AnonInodeBacking) })

		// Behavior: without pidfs every pidfd shares anon_inodefs's single inode.
		// Mirrors:  none (kernel/fork.c anon_inode_getfile("[pidfd]") before v6.9)
		// Since:    v5.3 (until v6.8)
		It("gives pidfds of different processes the same inode", helpers.ManPidfs, func() {
			a, b := helpers.StartBlocked(), helpers.StartBlocked()
			Expect(helpers.Inode(a.Pidfd)).To(Equal(helpers.Inode(b.Pidfd)))
		})
	})
})
