package pidfs

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// PIDFD_GET_INFO on a pidfd whose process was reaped, asked by a caller in
// whose namespace the number names a live process again: a kernel that
// found the task through the caller's view of the pid number would report
// the successor.
var _ = area.Describe("PIDFD_GET_INFO on a pidfd to a reaped process whose pid number was reused", helpers.IoctlPidfdGetInfo, func() {
	helpers.EachReuseShape(func(stage helpers.StageReuse) {
		// Behavior: PIDFD_GET_INFO without PIDFD_INFO_EXIT on the stale pidfd fails with
		//           ESRCH although the number names a live process in the caller's namespace.
		// Mirrors:  none (fs/pidfs.c pidfd_info: a reaped task has only exit information)
		// Since:    v6.13
		It("fails with ESRCH", helpers.ID("get_info_fails_with_esrch"), helpers.ManPidfs, helpers.Requires(kernel.PidfdGetInfo), func(ctx SpecContext) {
			r := stage(ctx, helpers.RoleNone)
			_, err := r.Info(ctx, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_CREDS)
			Expect(err).To(helpers.BeErrno(unix.ESRCH))
		})

		// Behavior: PIDFD_GET_INFO with PIDFD_INFO_PID|PIDFD_INFO_EXIT on the stale pidfd reports only
		//           the reaped process's exit status (SIGKILL), never the successor's pid or credentials.
		// Mirrors:  none (fs/pidfs.c pidfd_info: exit information is kept with the struct pid)
		// Since:    v6.15
		It("reports the reaped process's exit status and no pid", helpers.ID("reports_reaped_process_exit_status_and_no_pid"), helpers.ManPidfs, helpers.Requires(kernel.PidfdInfoExit), func(ctx SpecContext) {
			r := stage(ctx, helpers.RoleNone)
			info, err := r.Info(ctx, unix.PIDFD_INFO_PID|unix.PIDFD_INFO_EXIT)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mask & (unix.PIDFD_INFO_PID | unix.PIDFD_INFO_CREDS | unix.PIDFD_INFO_EXIT)).To(BeEquivalentTo(unix.PIDFD_INFO_EXIT))
			Expect(info.Exit_code).To(BeEquivalentTo(r.OldStatus))
		})
	})
})
