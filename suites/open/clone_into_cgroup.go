package open

import (
	"math"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// intoCgroupFlags are systemd's clone3 flags for a unit's main process: born
// in the unit's cgroup, with a pidfd to supervise it.
const intoCgroupFlags = unix.CLONE_INTO_CGROUP | unix.CLONE_PIDFD

// cloneIntoCgroupExiting issues clone3(CLONE_INTO_CGROUP|CLONE_PIDFD) with
// cgroup as the target for a child that exits at once; a child it creates
// is released at cleanup.
func cloneIntoCgroupExiting(cgroup uint64) error {
	GinkgoHelper()
	helpers.RequireRawClone3()
	c, err := kernel.Clone3ExitWith(kernel.Clone3Options{Cgroup: cgroup}, intoCgroupFlags, unix.SIGCHLD, 0)
	if err == nil {
		helpers.SettleClone3(helpers.Clone3Child{Clone3Process: c})
	}
	return err
}

var _ = area.Describe("clone3(2) CLONE_INTO_CGROUP|CLONE_PIDFD", Serial, helpers.SyscallClone3, helpers.FlagClonePidfd, helpers.FlagCloneIntoCgroup, helpers.NeedsCgroup2, helpers.Requires(kernel.Clone3, kernel.ClonePidfd), helpers.RequiresSince("5.7", "CLONE_INTO_CGROUP"), func() {
	var cg *helpers.Cgroup
	BeforeEach(func() {
		cg = helpers.NewCgroup()
	})

	Context("with a cgroup2 directory fd", func() {
		// Behavior: clone3(CLONE_INTO_CGROUP|CLONE_PIDFD) creates the child as a member of the cgroup
		//           its directory fd names: the cgroup's cgroup.procs lists exactly the child.
		// Mirrors:  man clone(2) (CLONE_INTO_CGROUP)
		// Since:    v5.7
		// Relied on by: systemd (spawning units into their cgroup)
		It("starts the child in the cgroup", helpers.ID("clone_into_cgroup_child_starts_in_the_cgroup"), helpers.ManCgroups, func(ctx SpecContext) {
			child := helpers.StartClone3Role(ctx, kernel.Clone3Options{Cgroup: uint64(cg.Fd)}, intoCgroupFlags, unix.SIGCHLD, helpers.RoleProcess)
			Expect(cg.Procs()).To(HaveExactElements(child.Pid))
		})

		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_CGROUPID on the pidfd of a child made with
		//           clone3(CLONE_INTO_CGROUP|CLONE_PIDFD) reports the id of the cgroup it was
		//           born in (the cgroup directory's kernfs id, as name_to_handle_at encodes it).
		// Mirrors:  none (fs/pidfs.c pidfd_info: cgroup_id of the task's default-hierarchy cgroup)
		// Since:    v6.13
		// Relied on by: systemd (pidfd to unit lookup)
		It("reports the cgroup's id through PIDFD_INFO_CGROUPID", helpers.ID("clone_into_cgroup_reports_id_through_pidfd_info_cgroupid"), helpers.IoctlPidfdGetInfo, helpers.ManPidfs, helpers.Requires(kernel.PidfdGetInfo, kernel.Cgroups), func(ctx SpecContext) {
			child := helpers.StartClone3Role(ctx, kernel.Clone3Options{Cgroup: uint64(cg.Fd)}, intoCgroupFlags, unix.SIGCHLD, helpers.RoleProcess)
			info, err := kernel.GetPidfdInfo(child.Pidfd, unix.PIDFD_INFO_CGROUPID)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask&unix.PIDFD_INFO_CGROUPID).NotTo(BeZero(), "PIDFD_GET_INFO reports no cgroup id")
			Expect(info.Cgroupid).To(Equal(cg.ID()))
		})
	})

	Context("with a cgroup fd that names no usable cgroup", func() {
		// Behavior: clone3(CLONE_INTO_CGROUP|CLONE_PIDFD) fails, creating no child, with EBADF for an fd
		//           number that is not open, an fd of a file outside cgroupfs, the cgroup.procs file of a
		//           cgroup (not a directory) and a cgroup v1 directory; with ENOENT for the directory of a
		//           cgroup removed since it was opened; and with EINVAL for a cgroup field above INT_MAX.
		// Mirrors:  man clone(2) (ERRORS: EBADF, ENOENT and EINVAL for CLONE_INTO_CGROUP)
		// Since:    v5.7
		// Relied on by: systemd (spawning units into their cgroup)
		DescribeTable("fails",
			func(cgroupFd func() uint64, want unix.Errno) {
				Expect(cloneIntoCgroupExiting(cgroupFd())).To(helpers.BeErrno(want))
			},
			Entry("with EBADF for an fd that is not open", helpers.ID("clone_into_cgroup_fd_not_open_fails_with_ebadf"), helpers.ManClone, func() uint64 {
				return 1 << 20 // far above any fd this process has open
			}, unix.EBADF),
			Entry("with EBADF for a file outside cgroupfs", helpers.ID("clone_into_cgroup_file_outside_cgroupfs_fails_with_ebadf"), helpers.ManClone, func() uint64 {
				return uint64(helpers.OpenFile("/", unix.O_DIRECTORY|unix.O_RDONLY))
			}, unix.EBADF),
			Entry("with EBADF for the cgroup's cgroup.procs file", helpers.ID("clone_into_cgroup_procs_file_fd_fails_with_ebadf"), helpers.ManClone, func() uint64 {
				return uint64(helpers.OpenFile(filepath.Join(cg.Path, "cgroup.procs"), unix.O_RDONLY))
			}, unix.EBADF),
			Entry("with EBADF for a cgroup v1 directory", helpers.ID("clone_into_cgroup_v1_directory_fails_with_ebadf"), helpers.ManCgroups, func() uint64 {
				dir := helpers.CgroupV1Dir()
				if dir == "" {
					helpers.SkipFor(outcome.Environment, "no cgroup v1 hierarchy is mounted here")
				}
				return uint64(helpers.OpenFile(dir, unix.O_DIRECTORY|unix.O_RDONLY))
			}, unix.EBADF),
			Entry("with ENOENT for a removed cgroup", helpers.ID("clone_into_cgroup_removed_cgroup_fails_with_enoent"), helpers.ManCgroups, func() uint64 {
				cg.Remove()
				return uint64(cg.Fd)
			}, unix.ENOENT),
			Entry("with EINVAL for a cgroup field above INT_MAX", helpers.ID("clone_into_cgroup_fd_above_int_max_fails_with_einval"), helpers.ManClone, func() uint64 {
				return math.MaxInt32 + 1
			}, unix.EINVAL),
		)
	})
})
