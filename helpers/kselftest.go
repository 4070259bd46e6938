package helpers

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/ktap"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/role"
	"github.com/pidfdconf/pidfdconf/internal/specid"
	"github.com/pidfdconf/pidfdconf/internal/specreport"
)

// kselftestBuild is set by the collection's build (tools/kselftest,
// `-ldflags -X …/helpers.kselftestBuild=1`): this binary is a program of
// the kselftest collection "pidfdconf". Decided when it is built, not
// guessed at run time, so the same binary speaks KTAP however a lab starts
// it, and a suite built any other way never does.
var kselftestBuild string

// The kselftest exit codes (tools/testing/selftests/kselftest.h KSFT_*).
const (
	ksftPass = 0
	ksftFail = 1
	ksftSkip = 4
)

// kselftest is the KTAP stream of a suite run as a kselftest program;
// nil in every other run.
var kselftest *ktapStream

// ktapStream prints one suite as KTAP while it runs: the plan before the
// first spec, each spec as it ends, so a run the kselftest runner kills at
// its timeout still shows every spec that ended (and the parser counts the
// rest as missing).
type ktapStream struct {
	out     *os.File // the process's stdout from before fd 1 went to /dev/null
	suite   string
	started bool
	n       int
	count   map[outcome.Verdict]int
	// suiteFailed: a suite node (BeforeSuite, AfterSuite...) failed.
	suiteFailed bool
}

// runAsKselftest is Main for a program of the kselftest collection: KTAP
// on stdout, the kselftest exit code. Ginkgo's and go test's own output
// would interleave with the KTAP lines in the one stream the runner
// prefixes and parses, so fd 1 goes to /dev/null and the KTAP stream keeps
// the original; each failure's message is on its KTAP diagnostic line.
func runAsKselftest(m interface{ Run() int }) int {
	role.UseBinaryBeside()
	out, err := takeStdout()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pidfdconf: cannot keep stdout for KTAP: %v\n", err)
		return ksftFail
	}
	kselftest = &ktapStream{out: out, count: map[outcome.Verdict]int{}}
	return kselftest.exitCode(m.Run())
}

// takeStdout returns a close-on-exec copy of fd 1 and points fd 1 at
// /dev/null.
func takeStdout() (*os.File, error) {
	fd, err := unix.FcntlInt(1, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, err
	}
	null, err := unix.Open("/dev/null", unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	defer unix.Close(null)
	if err := unix.Dup3(null, 1, 0); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "ktap"), nil
}

// kselftestTimeout is the runner's timeout for this program (its
// collection's settings, or run_kselftest.sh -o), which runner.sh exports
// as kselftest_timeout; zero when there is none.
func kselftestTimeout() time.Duration {
	s, err := strconv.Atoi(os.Getenv("kselftest_timeout"))
	if err != nil || s <= 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// configure fits the suite into the runner's timeout: the suite's own
// deadline comes first, at four fifths of it, with a grace period that
// still ends before the runner's kill, so a hung spec ends as TIMEOUT and
// the specs after it as MISS instead of a truncated stream.
func (k *ktapStream) configure(suite types.SuiteConfig, reporter types.ReporterConfig) (types.SuiteConfig, types.ReporterConfig) {
	if t := kselftestTimeout(); t > 0 {
		suite.Timeout = t * 4 / 5
		suite.GracePeriod = min(suite.GracePeriod, t/10)
	}
	reporter.NoColor = true
	return suite, reporter
}

// register adds the reporting nodes; call it before RunSpecs.
func (k *ktapStream) register(area string) {
	k.suite = area
	ReportBeforeSuite(func(r Report) {
		k.begin(r.PreRunStats.TotalSpecs, fmt.Sprintf("pidfdconf suite %s on Linux %s (kernel config: %s)", area, kernel.KernelRelease(), kernelConfigNote()))
	})
	ReportAfterEach(func(sr SpecReport) {
		sr = prefiltered.explain(sr)
		id, _ := specid.Of(sr.Labels())
		o := specreport.Of(sr)
		k.result(ktap.Name(area, id, sr.FullText()), ktap.Case{Result: o.Verdict, Reason: o.Reason})
	})
	ReportAfterSuite("KTAP totals", func(r Report) {
		for _, sr := range r.SpecReports {
			if sr.LeafNodeType != types.NodeTypeIt && sr.State.Is(types.SpecStateFailureStates) {
				o := specreport.Of(sr)
				k.suiteFailed = true
				k.write(fmt.Sprintf("# [%s] %s: %s\n", sr.LeafNodeType, o.Verdict, ktap.Safe(ktap.OneLine(o.Reason))))
			}
		}
	})
}

// begin prints the header and the plan.
func (k *ktapStream) begin(specs int, about string) {
	k.started = true
	k.write(fmt.Sprintf("%s\n# %s\n1..%d\n", ktap.Header, ktap.Safe(ktap.OneLine(about)), specs))
}

// result prints one spec, diagnostic and result line in one write: the
// runner reads stdout and stderr through one pipe, and a helper's stderr
// must not land inside a KTAP line.
func (k *ktapStream) result(name string, c ktap.Case) {
	k.n++
	var b bytes.Buffer
	ktap.WriteCase(&b, k.n, name, c, false)
	k.write(b.String())
	k.count[c.Result]++
}

// bail ends a suite whose specs never started: an empty plan and why.
func (k *ktapStream) bail(problems []string) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n1..0\n", ktap.Header)
	for _, p := range problems {
		fmt.Fprintf(&b, "# %s\n", ktap.Safe(ktap.OneLine(p)))
	}
	k.started = true
	k.suiteFailed = true
	k.write(b.String())
}

func (k *ktapStream) write(s string) { _, _ = k.out.WriteString(s) }

// exitCode prints the totals line kselftest.h prints and picks the exit
// code: FAIL for any spec that is not ok (FAIL, TIMEOUT, MISS) or a failed
// suite node, SKIP when every spec skipped, PASS otherwise. goExit is the
// test binary's own code: a failure the stream did not see still fails.
func (k *ktapStream) exitCode(goExit int) int {
	if !k.started {
		k.bail([]string{fmt.Sprintf("suite %s ended (exit %d) before its first spec: run the program by hand with -ginkgo.v for Ginkgo's output", k.suite, goExit)})
		return ksftFail
	}
	c := k.count
	errors := c[outcome.TIMEOUT] + c[outcome.MISS]
	k.write(fmt.Sprintf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:%d\n", c[outcome.PASS], c[outcome.FAIL], c[outcome.SKIP], errors))
	switch {
	case c[outcome.FAIL] > 0 || errors > 0 || k.suiteFailed:
		return ksftFail
	case goExit != 0:
		k.write(fmt.Sprintf("# suite %s exited %d with no failing spec reported: counted as a failure\n", k.suite, goExit))
		return ksftFail
	case c[outcome.PASS] == 0 && c[outcome.SKIP] > 0:
		return ksftSkip
	case c[outcome.PASS] == 0:
		k.write(fmt.Sprintf("# suite %s ran no spec\n", k.suite))
		return ksftFail
	}
	return ksftPass
}
