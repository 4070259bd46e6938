package coredump

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
)

// segvMaperr is SEGV_MAPERR, the si_code of a fault on an unmapped address.
const segvMaperr = 1

// A crash collector learns through the crashed process's pidfd that it
// dumped core, as whom, and by which signal: the kernel records it in
// pidfs when it hands the core to a pipe helper or to the coredump socket.
var _ = area.Describe("PIDFD_GET_INFO after a process dumped core", Serial, helpers.IoctlPidfdGetInfo, helpers.FlagInfoCoredump, helpers.NeedsRoot, helpers.NeedsCorePattern, helpers.Requires(kernel.PidfdInfoCoredump), func() {
	BeforeEach(func() {
		helpers.RequireRoot("setting kernel.core_pattern, which is the whole system's")
		helpers.RequireOption(kernel.OptCoredump)
	})

	Context("when the core went to a pipe helper", func() {
		// Behavior: after a process died by SIGSEGV and dumped core to a core_pattern pipe helper,
		//           PIDFD_GET_INFO with PIDFD_INFO_COREDUMP on its pidfd reports coredump_mask
		//           PIDFD_COREDUMPED|PIDFD_COREDUMP_USER, or PIDFD_COREDUMPED|PIDFD_COREDUMP_ROOT for
		//           a process that changed its uid while fs.suid_dumpable was 2 (dumped as root).
		// Mirrors:  man core(5) (piping core dumps to a program; fs.suid_dumpable)
		// Since:    v6.16
		// Relied on by: systemd-coredump; crash collectors (apport, abrt)
		DescribeTable("reports PIDFD_COREDUMPED and whom the core was dumped as",
			func(ctx SpecContext, drop bool, as uint32) {
				pipeToSink()
				var args []string
				if drop {
					helpers.SetSysctl("fs.suid_dumpable", "2")
					args = []string{"drop"}
				}
				c := startCrasher(ctx, args...)
				crash(ctx, c)
				Expect(coredumpInfo(c.Pidfd).Coredump_mask).To(Equal(unix.PIDFD_COREDUMPED | as))
			},
			Entry("the user", helpers.ID("pidfd_info_coredumped_user_after_pipe_dump"), helpers.ManCore, false, uint32(unix.PIDFD_COREDUMP_USER)),
			Entry("root, after a uid change with fs.suid_dumpable 2", helpers.ID("pidfd_info_coredumped_root_after_suid_dump"), helpers.ManCore, true, uint32(unix.PIDFD_COREDUMP_ROOT)),
		)

		// Behavior: after a process died by SIGSEGV and dumped core, PIDFD_GET_INFO with PIDFD_INFO_COREDUMP
		//           also sets PIDFD_INFO_COREDUMP_SIGNAL and reports coredump_signal SIGSEGV.
		// Mirrors:  none (fs/pidfs.c pidfs_coredump records the dumping siginfo's signo)
		// Since:    v6.19
		// Relied on by: systemd-coredump; crash collectors (apport, abrt)
		It("reports the signal that dumped core", helpers.ID("pidfd_get_info_reports_signal_that_dumped_core"), helpers.ManCore, func(ctx SpecContext) {
			pipeToSink()
			c := startCrasher(ctx)
			crash(ctx, c)
			info := coredumpInfo(c.Pidfd)
			requireReplyBit(info, kernel.PIDFD_INFO_COREDUMP_SIGNAL, "PIDFD_INFO_COREDUMP_SIGNAL", "6.19")
			Expect(info.Coredump_signal).To(BeEquivalentTo(unix.SIGSEGV))
		})

		// Behavior: after a process died by a SIGSEGV from a write to an unmapped address
		//           and dumped core, PIDFD_GET_INFO with PIDFD_INFO_COREDUMP also sets
		//           PIDFD_INFO_COREDUMP_CODE and reports coredump_code SEGV_MAPERR.
		// Mirrors:  none (fs/pidfs.c pidfs_coredump records the dumping siginfo's si_code)
		// Since:    v7.1
		// Relied on by: systemd-coredump; crash collectors (apport, abrt)
		It("reports the si_code of the signal that dumped core", helpers.ID("pidfd_get_info_reports_si_code_of_signal_that_dumped_core"), helpers.ManCore, func(ctx SpecContext) {
			pipeToSink()
			c := startCrasher(ctx)
			crash(ctx, c)
			info := coredumpInfo(c.Pidfd)
			requireReplyBit(info, kernel.PIDFD_INFO_COREDUMP_CODE, "PIDFD_INFO_COREDUMP_CODE", "7.1")
			Expect(info.Coredump_code).To(BeEquivalentTo(segvMaperr))
		})

		// Behavior: with %F in a pipe core_pattern, the helper starts with a pidfd of the dumping
		//           process as fd 3: PIDFD_GET_INFO on it names the process's pid and already
		//           reports PIDFD_COREDUMPED|PIDFD_COREDUMP_USER while the core is being read.
		// Mirrors:  man core(5) (%F)
		// Since:    v6.16
		// Relied on by: systemd-coredump (identifies the crashed process by the pidfd, not the pid)
		It("hands the pipe helper a pidfd of the dumping process as fd 3", helpers.ID("core_pipe_helper_gets_pidfd_of_dumping_process"), helpers.ManCore, func(ctx SpecContext) {
			dir := pipeToSink()
			c := startCrasher(ctx)
			crash(ctx, c)
			report, err := os.ReadFile(filepath.Join(dir, "sink-"+strconv.Itoa(c.Pid)))
			if err != nil {
				helpers.Unstageable("the core was read, but the pipe helper left no report in %s: %v", dir, err)
			}
			Expect(string(report)).To(Equal(fmt.Sprintf("pidfd %d %d", c.Pid, unix.PIDFD_COREDUMPED|unix.PIDFD_COREDUMP_USER)), "the helper's view of its fd 3")
		})
	})
})
