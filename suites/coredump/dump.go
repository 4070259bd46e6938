package coredump

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/helpers"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/suites/coredump/roles"
)

// corenameMax is CORENAME_MAX_SIZE (fs/coredump.c): core_pattern keeps at
// most this many bytes less one, silently cutting a longer pattern.
const corenameMax = 128

// dumpDir is a new directory for what a dump leaves (the pipe helper's
// reports, the coredump socket), removed at cleanup after the
// core_pattern that names it is restored.
func dumpDir() string {
	GinkgoHelper()
	dir, err := os.MkdirTemp(shortTempBase(), "pcd")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	return dir
}

// shortTempBase is the first of $TMPDIR, /tmp and /dev/shm short enough
// for the pipe pattern, which names the dump directory twice within
// corenameMax bytes: a kselftest runner's TMPDIR is often a long path.
func shortTempBase() string {
	const most = 30
	for _, base := range []string{os.TempDir(), "/tmp", "/dev/shm"} {
		if st, err := os.Stat(base); err == nil && st.IsDir() && len(base) <= most {
			return base
		}
	}
	return os.TempDir()
}

// setCorePattern sets kernel.core_pattern for the spec (restored at
// cleanup), refusing a pattern the kernel would cut short.
func setCorePattern(pattern string) {
	GinkgoHelper()
	if len(pattern) >= corenameMax {
		helpers.Unstageable("core_pattern %q is longer than the kernel keeps (%d bytes): the temporary directory's path is too long", pattern, corenameMax-1)
	}
	helpers.SetSysctl("kernel.core_pattern", pattern)
}

// pipeToSink makes core_pattern hand every core to the helpers' binary
// (role.Binary: the role binary when it is named, which starts fastest) as
// the pipe helper (coredumproles' sink), with a pidfd of the dumping process as its fd 3 (%F),
// and makes the kernel wait for the helper before the process exits
// (kernel.core_pipe_limit 1, as systemd sets it), so the helper's report is
// written once the process is a zombie. It returns the report directory.
func pipeToSink() string {
	GinkgoHelper()
	exe, err := role.Binary()
	Expect(err).NotTo(HaveOccurred())
	dir := dumpDir()
	// A short name for the helper keeps the pattern within its limit.
	link := filepath.Join(dir, "s")
	Expect(os.Symlink(exe, link)).To(Succeed())
	setCorePattern("|" + link + " " + coredumproles.SinkArg + " " + dir + " %P %F")
	helpers.SetSysctl("kernel.core_pipe_limit", "1")
	return dir
}

// startCrasher starts coredumproles.Crasher (args: "drop" to give up root).
func startCrasher(ctx SpecContext, args ...string) *helpers.Child {
	GinkgoHelper()
	return helpers.StartChild(ctx, coredumproles.Crasher, args)
}

// crash makes the crasher fault and requires its death by SIGSEGV with a
// core dumped (CLD_DUMPED), leaving it a zombie for PIDFD_GET_INFO.
func crash(ctx SpecContext, c *helpers.Child) {
	GinkgoHelper()
	Expect(c.Channel.Send("crash")).To(Succeed())
	expectDumped(ctx, c)
}

// expectDumped waits for the crasher's death, which must be by SIGSEGV with
// a core dumped (CLD_DUMPED); it stays a zombie for PIDFD_GET_INFO.
func expectDumped(ctx SpecContext, c *helpers.Child) {
	GinkgoHelper()
	_, err := kernel.WaitPollBits(ctx, c.Pidfd, unix.POLLIN, helpers.EventTimeout())
	Expect(err).NotTo(HaveOccurred(), "the crasher did not die")
	info, err := kernel.Waitid(c.Pidfd, unix.WEXITED|unix.WNOWAIT)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Code).To(BeEquivalentTo(kernel.CLD_DUMPED), "the crasher did not dump core: %+v", info)
	Expect(info.Status).To(BeEquivalentTo(unix.SIGSEGV), "the signal that killed the crasher")
}

// coredumpInfo is PIDFD_GET_INFO with PIDFD_INFO_COREDUMP on the pidfd,
// which must report the COREDUMP bit.
func coredumpInfo(pidfd int) *unix.PidfdInfo {
	GinkgoHelper()
	info, err := kernel.GetPidfdInfo(pidfd, unix.PIDFD_INFO_COREDUMP)
	Expect(err).NotTo(HaveOccurred())
	Expect(info.Mask&unix.PIDFD_INFO_COREDUMP).NotTo(BeZero(), "PIDFD_GET_INFO reports no PIDFD_INFO_COREDUMP")
	return info
}

// requireReplyBit skips, on a kernel older than since, a spec whose reply
// bit the kernel did not set; on a newer kernel the bit must be there.
func requireReplyBit(info *unix.PidfdInfo, bit uint64, name, since string) {
	GinkgoHelper()
	if info.Mask&bit != 0 {
		return
	}
	if !kernel.Kernel().AtLeast(since) {
		helpers.SkipFor(outcome.OlderKernel, "requires %s (since v%s); running %s", name, since, kernel.Kernel())
	}
	Fail(name + " is missing from the reply on " + kernel.Kernel().String() + " although it exists since v" + since)
}
