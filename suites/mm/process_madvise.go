package mm

import (
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/suites/mm/roles"
)

// memoryReaderCaps are the capabilities that grant read access to another
// process's memory without ptrace permission by credentials: CAP_SYS_PTRACE,
// and for reading also perfmon_capable() (CAP_PERFMON or CAP_SYS_ADMIN) on
// kernels whose mm_access asks may_access_mm.
var memoryReaderCaps = []int{unix.CAP_SYS_PTRACE, unix.CAP_PERFMON, unix.CAP_SYS_ADMIN}

// A memory manager hints to the kernel about another process's memory
// through its pidfd: Android's ActivityManager pages out the memory of
// cached apps with MADV_COLD and MADV_PAGEOUT. The kernel lets it do so
// with read access to that memory (PTRACE_MODE_READ) and CAP_SYS_NICE, and
// only for the non-destructive hints.
var _ = area.Describe("process_madvise(2)", helpers.SyscallProcessMadvise, helpers.ManProcessMadvise, func() {
	var hog *helpers.Child
	var addr uintptr
	var length int

	BeforeEach(func(ctx SpecContext) {
		helpers.RequireFeature(kernel.ProcessMadvise)
		hog = helpers.StartChild(ctx, mmroles.Hog, mmroles.HogArgs(mmroles.HintSize))
		region := hog.MustCall(ctx, "region").Fields
		a, err := strconv.ParseUint(region[0], 10, 64)
		Expect(err).NotTo(HaveOccurred())
		addr = uintptr(a)
		length, err = strconv.Atoi(region[1])
		Expect(err).NotTo(HaveOccurred())
	})

	// Behavior: with CAP_SYS_NICE and read access to another process's memory, process_madvise(2) applies
	//           MADV_COLD or MADV_PAGEOUT to a range of it and returns the whole range's length in bytes.
	// Mirrors:  man process_madvise(2)
	// Since:    v5.10
	// Relied on by: Android ActivityManager (app compaction of cached apps)
	DescribeTable("advises another process's memory and returns the bytes advised", helpers.NeedsRoot,
		func(advice int) {
			if !kernel.HasCapability(unix.CAP_SYS_NICE) {
				helpers.SkipFor(outcome.Privilege, "advising another process's memory needs CAP_SYS_NICE in the initial user namespace (capable(), which a user namespace cannot stand in for), and this run (uid %d) lacks it", unix.Geteuid())
			}
			Expect(kernel.MadvisePidfd(hog.Pidfd, addr, length, advice, 0)).To(Equal(length))
		},
		Entry("MADV_COLD", helpers.ID("madvise_cold_advises_another_process_returns_bytes"), unix.MADV_COLD),
		Entry("MADV_PAGEOUT", helpers.ID("madvise_pageout_advises_another_process_returns_bytes"), unix.MADV_PAGEOUT),
	)

	// Behavior: a caller that may read the target's memory (same uid, dumpable target) but
	//           lacks CAP_SYS_NICE gets EPERM from process_madvise(2) on another process.
	// Mirrors:  man process_madvise(2)
	// Since:    v5.10 (CAP_SYS_NICE instead of ptrace attach access since v5.12, and 5.10.y)
	// Relied on by: Android ActivityManager (only the privileged system server may compact other apps)
	It("fails with EPERM without CAP_SYS_NICE", helpers.ID("madvise_without_cap_sys_nice_fails_with_eperm"), func() {
		helpers.WithoutCapabilities([]int{unix.CAP_SYS_NICE}, func() {
			_, err := kernel.MadvisePidfd(hog.Pidfd, addr, length, unix.MADV_COLD, 0)
			Expect(err).To(helpers.BeErrno(unix.EPERM))
		})
	})

	// Behavior: a caller without read access to the target's memory (a non-dumpable target; no
	//           CAP_SYS_PTRACE, nor CAP_PERFMON or CAP_SYS_ADMIN, which later kernels also accept
	//           for reading) gets EACCES from process_madvise(2), whatever its CAP_SYS_NICE.
	// Mirrors:  man process_madvise(2)
	// Since:    v5.10
	// Relied on by: Android ActivityManager (a hint never reaches memory its caller could not read)
	It("fails with EACCES without read access to the target's memory", helpers.ID("madvise_without_read_access_fails_with_eacces"), func(ctx SpecContext) {
		hog.MustCall(ctx, "undumpable")
		helpers.WithoutCapabilities(memoryReaderCaps, func() {
			_, err := kernel.MadvisePidfd(hog.Pidfd, addr, length, unix.MADV_COLD, 0)
			Expect(err).To(helpers.BeErrno(unix.EACCES))
		})
	})

	// Behavior: process_madvise(2) with any flag set fails with
	//           EINVAL before it looks at the process or the advice.
	// Mirrors:  man process_madvise(2)
	// Since:    v5.10
	// Relied on by: Android ActivityManager (passes flags 0: a flag it does not know must be refused, never ignored)
	It("fails with EINVAL for nonzero flags", helpers.ID("madvise_nonzero_flags_fail_with_einval"), func() {
		_, err := kernel.MadvisePidfd(hog.Pidfd, addr, length, unix.MADV_COLD, 1)
		Expect(err).To(helpers.BeErrno(unix.EINVAL))
	})

	// Behavior: a destructive advice (MADV_DONTNEED) on another process's memory fails with EINVAL for a caller
	//           with read access, with or without CAP_SYS_NICE: only hints that lose no data are allowed remotely.
	// Mirrors:  man process_madvise(2)
	// Since:    v5.10
	// Relied on by: Android ActivityManager (a hint may cost the target time, never its data)
	It("fails with EINVAL for a destructive advice on another process", helpers.ID("madvise_destructive_advice_fails_with_einval"), func() {
		_, err := kernel.MadvisePidfd(hog.Pidfd, addr, length, unix.MADV_DONTNEED, 0)
		Expect(err).To(helpers.BeErrno(unix.EINVAL))
	})
})
