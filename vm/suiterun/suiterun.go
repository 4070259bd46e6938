// Package suiterun runs one precompiled suite binary and collects how it
// ended and its Ginkgo JSON report. The VM's /init and the runner's native
// "host" column both use it, so a suite gets the same flags, the same
// timeout rule and the same exit bookkeeping wherever it runs. It links no
// Ginkgo: the guest is a static /init that should carry only what it runs.
package suiterun

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// DefaultTimeout is -ginkgo.timeout for a suite whose caller has no outer
// deadline to share (the native column). It only stops a hung suite from
// blocking the run forever; no suite comes near it on a working kernel.
const DefaultTimeout = 10 * time.Minute

// Suite is one suite binary to run, or a group of suites in one process of
// the program that links every suite.
type Suite struct {
	Name string // the suite's area ("open"), or a group's GroupName; recorded in the result
	Bin  string // path of the test binary
	Dir  string // working directory; the JSON and JUnit reports go here
	// Areas, when set, are the suites Bin (the program of every suite)
	// runs in this one process: it takes them as its first argument,
	// joined by '+' (GroupName), and writes each one's reports into
	// Dir/<area>/.
	Areas []string
	// Timeout is -ginkgo.timeout; zero means DefaultTimeout. One rule for
	// both callers: the suite gets the budget its caller can give it. In a
	// VM that is the VM deadline split between the suites (the runner passes
	// it in PIDFDCONF_SUITE_TIMEOUT), so a hanging suite ends as TIMEOUT
	// with its report before QEMU is killed and everything reads MISS;
	// natively no outer deadline exists, so DefaultTimeout applies.
	Timeout time.Duration
	Env     []string  // added to the inherited environment
	Output  io.Writer // the suite's stdout and stderr, after a "# command" line
	// NoJUnit leaves out the JUnit report: the guest never sends it (the
	// host derives its own from the JSON report), and under TCG Ginkgo
	// takes 0.1-0.2 s per suite to write it.
	NoJUnit bool
	// TimerSlack, when positive, is the timer slack (PR_SET_TIMERSLACK)
	// the suite starts with; its threads and its helpers inherit it.
	TimerSlack time.Duration
}

// Record is how the suite ended and the reports it left.
type Record struct {
	Run frame.SuiteRun
	// Reports are the Ginkgo JSON reports by suite: the suite's (Name), or
	// a group's by area. A suite that wrote none has none.
	Reports map[string][]byte
}

// Run runs the suite to its end and reads its report.
func Run(ctx context.Context, s Suite) Record {
	_ = os.MkdirAll(s.Dir, 0o755)
	args := Args(s.Dir, s.timeout(), !s.NoJUnit)
	if len(s.Areas) > 0 {
		args = append([]string{GroupName(s.Areas)}, args...)
	}
	cmd := exec.CommandContext(ctx, s.Bin, args...)
	cmd.Dir = s.Dir
	if s.Env != nil {
		cmd.Env = append(os.Environ(), s.Env...)
	}
	cmd.Stdout, cmd.Stderr = s.Output, s.Output
	fmt.Fprintf(s.Output, "# %s\n", strings.Join(cmd.Args, " "))
	started := BootClock()
	start := time.Now()
	err := startWithSlack(cmd, s.TimerSlack)
	if err == nil {
		err = cmd.Wait()
	}
	res := Record{Run: frame.SuiteRun{Suite: s.Name, Seconds: time.Since(start).Seconds(), Start: started}}
	res.Run.Exit, res.Run.Error = exitOf(cmd, err)
	if cmd.ProcessState != nil {
		res.Run.CPUSeconds = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	res.Reports = map[string][]byte{}
	for suite, dir := range s.reportDirs() {
		if data, err := os.ReadFile(filepath.Join(dir, frame.ReportFile)); err == nil {
			res.Reports[suite] = data
		}
	}
	return res
}

// reportDirs is where each suite of the run finds its reports.
func (s Suite) reportDirs() map[string]string {
	if len(s.Areas) == 0 {
		return map[string]string{s.Name: s.Dir}
	}
	dirs := map[string]string{}
	for _, a := range s.Areas {
		dirs[a] = filepath.Join(s.Dir, a)
	}
	return dirs
}

// startWithSlack starts cmd from a thread whose timer slack is slack, as
// a new process takes the slack of the thread that forks it; the thread
// gets its own slack back afterwards. A kernel that refuses the slack
// only costs the suite time: it starts anyway.
func startWithSlack(cmd *exec.Cmd, slack time.Duration) error {
	if slack <= 0 {
		return cmd.Start()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if own, err := unix.PrctlRetInt(unix.PR_GET_TIMERSLACK, 0, 0, 0, 0); err == nil &&
		unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(slack.Nanoseconds()), 0, 0, 0) == nil {
		defer unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(own), 0, 0, 0)
	}
	return cmd.Start()
}

// BootClock is CLOCK_BOOTTIME in seconds: one clock for every suite of a
// guest (or of this machine), so runs side by side can be laid out in time.
func BootClock() float64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
		return 0
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}

func (s Suite) timeout() time.Duration {
	if s.Timeout <= 0 {
		return DefaultTimeout
	}
	return s.Timeout
}

// Args are the flags of every suite run: the JSON report (and the JUnit
// one when junit) into dir, the suite timeout, and a suite that selects no
// spec counts as broken.
func Args(dir string, timeout time.Duration, junit bool) []string {
	args := []string{"-ginkgo.json-report=" + filepath.Join(dir, frame.ReportFile)}
	if junit {
		args = append(args, "-ginkgo.junit-report="+filepath.Join(dir, frame.JUnitFile))
	}
	return append(args,
		"-ginkgo.timeout="+timeout.String(),
		"-ginkgo.fail-on-empty",
		"-ginkgo.no-color",
	)
}

// exitOf is the exit code (-1 when the suite did not exit by itself) and,
// when there is no code to explain it, why: it could not start or a signal
// killed it.
func exitOf(cmd *exec.Cmd, err error) (int, string) {
	if err == nil {
		return 0, ""
	}
	code := -1
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	if code < 0 || cmd.ProcessState == nil {
		return code, err.Error()
	}
	return code, ""
}
