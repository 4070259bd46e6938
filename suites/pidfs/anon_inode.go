package pidfs

import (
	"unsafe"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// The anon-inode contract (kernels up to v6.8, e.g. Debian's 6.1): these
// specs skip with a reason on pidfs kernels and run in the VM matrix.
var _ = area.Describe("pidfs", helpers.FsPidfs, func() {
	Context("on the anon-inode fallback", helpers.Requires(kernel.PidfdOpen), func() {
		BeforeEach(func() {
			requireAnonInodes()
		})

		// Behavior: without pidfs a pidfd's inode is anon_inodefs's shared inode,
		//           whose st_mode is 0600 with no file-type bits (alloc_anon_inode).
		// Mirrors:  none (fs/libfs.c alloc_anon_inode, v6.1)
		// Since:    v5.3 (until v6.8)
		It("reports st_mode 0600 without file-type bits", helpers.ID("reports_st_mode_0600_without_file_type_bits"), helpers.SyscallFstat, helpers.ManPidfs, func() {
			var st unix.Stat_t
			Expect(unix.Fstat(helpers.SelfPidfd(), &st)).To(Succeed())
			Expect(st.Mode).To(BeEquivalentTo(0o600))
		})

		// Behavior: without pidfs, name_to_handle_at(2) of a pidfd fails
		//           with EOPNOTSUPP: anon_inodefs has no export operations.
		// Mirrors:  none (fs/fhandle.c: no s_export_op → EOPNOTSUPP)
		// Since:    v5.3 (until v6.8)
		It("refuses name_to_handle_at with EOPNOTSUPP", helpers.ID("refuses_name_to_handle_at_with_eopnotsupp"), helpers.SyscallNameToHandleAt, helpers.ManPidfs, func() {
			_, _, err := unix.NameToHandleAt(helpers.SelfPidfd(), "", unix.AT_EMPTY_PATH)
			Expect(err).To(helpers.BeErrno(unix.EOPNOTSUPP))
		})

		// Behavior: without pidfs a pidfd has no ioctls: PIDFD_GET_INFO fails with ENOTTY.
		// Mirrors:  none (v6.1 pidfd_fops has no unlocked_ioctl)
		// Since:    v5.3 (until v6.8)
		It("answers PIDFD_GET_INFO with ENOTTY", helpers.ID("answers_pidfd_get_info_with_enotty"), helpers.IoctlPidfdGetInfo, helpers.ManPidfs, func() {
			info := unix.PidfdInfo{Mask: unix.PIDFD_INFO_PID}
			_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(helpers.SelfPidfd()), unix.PIDFD_GET_INFO, uintptr(unsafe.Pointer(&info)))
			Expect(errno).To(helpers.BeErrno(unix.ENOTTY))
		})

		// Behavior: without pidfs every pidfd shares anon_inodefs's single inode.
		// Mirrors:  none (kernel/fork.c anon_inode_getfile("[pidfd]") before v6.9)
		// Since:    v5.3 (until v6.8)
		It("gives pidfds of different processes the same inode", helpers.ID("gives_pidfds_of_different_processes_the_same_inode"), helpers.ManPidfs, func() {
			a, b := helpers.StartBlocked(), helpers.StartBlocked()
			Expect(helpers.Inode(a.Pidfd)).To(Equal(helpers.Inode(b.Pidfd)))
		})
	})
})
