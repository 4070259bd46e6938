package pidfs

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// What pidfs refuses to do to its inodes: change their attributes or
// execute them.
var _ = area.Describe("pidfs", helpers.FsPidfs, helpers.Requires(kernel.PidfdOpen), func() {
	Context("on pidfs", helpers.Requires(kernel.Pidfs), func() {
		// Behavior: fchmod(2) and fchown(2) of a pidfd are refused: EPERM before v6.17
		//           (seen on 6.12.117), EOPNOTSUPP since pidfs has its own setattr.
		// Mirrors:  pidfd_setattr_test.c pidfs_setattr.no_chmod (v6.17 selftest);
		//           pidfd_setattr_test.c pidfs_setattr.no_chown (v6.17 selftest)
		// Since:    v6.9 (EOPNOTSUPP since v6.17)
		It("refuses fchmod and fchown with the errno of the kernel's version", helpers.ID("refuses_fchmod_and_fchown_with_errno_of_kernel_version"), helpers.SyscallSetattr, helpers.SelftestPidfdSetattr, func() {
			refused := helpers.ErrnoHistory{{Since: "6.9", Errno: unix.EPERM}, {Since: "6.17", Errno: unix.EOPNOTSUPP}}
			fd := helpers.SelfPidfd()
			Expect(unix.Fchmod(fd, 0o600)).To(refused.Matcher())
			Expect(unix.Fchown(fd, os.Getuid(), os.Getgid())).To(refused.Matcher())
		})

		// Behavior: execveat(2) of a pidfd with AT_EMPTY_PATH fails with EACCES.
		// Mirrors:  pidfd_setattr_test.c pidfs_setattr.no_exec (v6.17 selftest)
		// Since:    v6.9
		It("refuses execveat with EACCES", helpers.ID("refuses_execveat_with_eacces"), helpers.SyscallExecveat, helpers.ManPidfs, func() {
			Expect(kernel.ExecveatEmptyPath(helpers.SelfPidfd())).To(helpers.BeErrno(unix.EACCES))
		})
	})
})
