package mm

import (
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/specid"
	mmroles "github.com/pidfdconf/pidfdconf/suites/mm/roles"
)

// anonKB is the Anonymous line of /proc/<pid>/smaps_rollup, in kB: the
// process's anonymous memory as a walk of its page tables finds it. RssAnon
// of /proc/<pid>/status is a counter that lags (proc(5)): on 6.1 each task
// caches up to 64 page faults' worth before adding them to it, on later
// kernels each CPU up to a batch, and a hog that populated 4 MiB showed
// 3896 kB there.
func anonKB(pid int) int {
	GinkgoHelper()
	v, err := kernel.ProcField(strconv.Itoa(pid), "smaps_rollup", "Anonymous")
	Expect(err).NotTo(HaveOccurred())
	kb, err := strconv.Atoi(strings.TrimSuffix(v, " kB"))
	Expect(err).NotTo(HaveOccurred(), "Anonymous: %q", v)
	return kb
}

// freesMemory is the ID of the one spec whose hog must be HogSize.
const freesMemory = "mrelease_frees_memory_of_process_being_killed"

// A low-memory killer sends SIGKILL through a pidfd and then calls
// process_mrelease(2) on the same pidfd, so the victim's memory is freed at
// once instead of whenever its exit gets to exit_mm. The victim here is a
// hog helper with its own address space: never a CLONE_VM child, whose
// memory would be the test's.
var _ = area.Describe("process_mrelease(2)", helpers.SyscallProcessMrelease, helpers.ManProcessMrelease, func() {
	var hog *helpers.Child

	// Only the release needs a hog big enough to show in smaps_rollup;
	// the errors need a process with memory of its own, not how much.
	BeforeEach(func(ctx SpecContext) {
		helpers.RequireFeature(kernel.ProcessMrelease)
		size := mmroles.HintSize
		if slices.Contains(CurrentSpecReport().Labels(), specid.Prefix+freesMemory) {
			size = mmroles.HogSize
		}
		hog = helpers.StartChild(ctx, mmroles.Hog, mmroles.HogArgs(size))
	})

	// Behavior: process_mrelease(2) on a process that SIGKILL is ending but that still holds
	//           its memory (here stopped at PTRACE_EVENT_EXIT, before exit_mm) returns 0 and
	//           frees its anonymous memory while the process still exists: Anonymous in its
	//           /proc smaps_rollup falls from at least the hog's 4 MiB to 0 kB.
	// Mirrors:  LTP process_mrelease01 (calls it right after SIGKILL and retries when the
	//           victim was faster, as tools/testing/selftests/mm/mrelease_test.c does)
	// Since:    v5.15
	// Relied on by: Android lmkd (kills through a pidfd, then process_mrelease); oomd (the other daemon the syscall was added for)
	It("frees the memory of a process that is being killed", helpers.ID(freesMemory), helpers.LTPProcessMrelease, helpers.Requires(kernel.SmapsRollup), func(ctx SpecContext) {
		Expect(anonKB(hog.Pid)).To(BeNumerically(">=", mmroles.HogSize>>10), "the hog's touched memory before the kill")
		helpers.KillHeldAtExit(ctx, hog)
		Expect(kernel.MreleasePidfd(hog.Pidfd, 0)).To(Succeed())
		Expect(anonKB(hog.Pid)).To(BeZero(), "anonymous memory of the reaped victim, still stopped in its exit")
	})

	// Behavior: process_mrelease(2) on a live process that nothing is killing
	//           fails with EINVAL (its memory is not about to be freed).
	// Mirrors:  LTP process_mrelease02 (as tools/testing/selftests/mm/mrelease_test.c run_negative_tests)
	// Since:    v5.15
	// Relied on by: Android lmkd (tells a victim it did not kill from one it did)
	It("fails with EINVAL for a live process that is not being killed", helpers.ID("mrelease_live_process_fails_with_einval"), helpers.LTPProcessMrelease, func() {
		Expect(kernel.MreleasePidfd(hog.Pidfd, 0)).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: process_mrelease(2) with any flag set fails with EINVAL before it looks at the process.
	// Mirrors:  LTP process_mrelease02 (as tools/testing/selftests/mm/mrelease_test.c run_negative_tests)
	// Since:    v5.15
	// Relied on by: Android lmkd (passes flags 0: a flag it does not know must be refused, never ignored)
	It("fails with EINVAL for nonzero flags", helpers.ID("mrelease_nonzero_flags_fail_with_einval"), helpers.LTPProcessMrelease, func() {
		Expect(kernel.MreleasePidfd(hog.Pidfd, 1)).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: once the killed process has released its memory, process_mrelease(2) fails with ESRCH:
	//           for a zombie (no thread has an mm left) and for a reaped process (the pidfd has no task).
	// Mirrors:  LTP process_mrelease02 (an exited child)
	// Since:    v5.15
	// Relied on by: Android lmkd (ESRCH: the victim was faster, nothing left to reap)
	DescribeTable("fails with ESRCH once the process has released its memory", helpers.LTPProcessMrelease,
		func(ctx SpecContext, reap bool) {
			hog.Kill()
			Expect(kernel.WaitReadable(ctx, hog.Pidfd, helpers.EventTimeout())).NotTo(BeZero(), "the killed hog never polled readable")
			if reap {
				hog.Reap(ctx)
			}
			Expect(kernel.MreleasePidfd(hog.Pidfd, 0)).To(helpers.BeErrno(unix.ESRCH))
		},
		Entry("a zombie", helpers.ID("mrelease_zombie_fails_with_esrch"), false),
		Entry("a reaped process", helpers.ID("mrelease_reaped_process_fails_with_esrch"), true),
	)
})
