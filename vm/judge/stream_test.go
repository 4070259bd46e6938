package judge

import (
	"math"
	"testing"
	"time"

	"github.com/pidfdconf/pidfdconf/vm/frame"
)

// Suites that ran side by side take the span of their runs; runs without
// a start (an older guest) add up; a guest's nonsense counts as 0.
func TestSuitesSpan(t *testing.T) {
	side := []frame.SuiteRun{{Start: 10, Seconds: 5}, {Start: 11, Seconds: 8}, {Start: 15.5, Seconds: 1}}
	if got := suitesSpan(side); got != 9*time.Second {
		t.Errorf("side by side: %v, want 9s", got)
	}
	serial := []frame.SuiteRun{{Seconds: 5}, {Seconds: 8}}
	if got := suitesSpan(serial); got != 13*time.Second {
		t.Errorf("without starts: %v, want 13s", got)
	}
	if got := suitesSpan([]frame.SuiteRun{{Start: math.Inf(1), Seconds: -3}}); got != 0 {
		t.Errorf("nonsense: %v, want 0", got)
	}
}

// The suites' CPU time adds up over the runs; a guest's nonsense (NaN,
// a negative or an overflowing number) counts as 0.
func TestSuiteCPU(t *testing.T) {
	kr := &KernelRun{}
	for _, cpu := range []float64{2.5, 1.5, math.NaN(), -1, 1e300, math.Inf(1)} {
		kr.addRun(frame.SuiteRun{Suite: "open", Seconds: 1, CPUSeconds: cpu})
	}
	if kr.SuiteCPU != 4*time.Second {
		t.Errorf("SuiteCPU %v, want 4s", kr.SuiteCPU)
	}
}

// The suites of a group share their process's record: its CPU time counts
// once, and its span is the process's.
func TestGroupedSuitesCountTheirProcessOnce(t *testing.T) {
	kr := &KernelRun{}
	for _, suite := range []string{"open", "poll"} {
		kr.addRun(frame.SuiteRun{Suite: suite, Start: 10, Seconds: 4, CPUSeconds: 6, Process: "open+poll"})
	}
	kr.addRun(frame.SuiteRun{Suite: "signal", Start: 11, Seconds: 5, CPUSeconds: 3})
	if kr.SuiteCPU != 9*time.Second || kr.Suite != 6*time.Second || len(kr.Runs) != 3 {
		t.Errorf("SuiteCPU %v (want 9s), suites %v (want 6s), %d runs", kr.SuiteCPU, kr.Suite, len(kr.Runs))
	}
}

// A native column's starts are the host's uptime, which may be weeks.
func TestSuitesSpanOnALongRunningHost(t *testing.T) {
	month := float64(30 * 24 * 60 * 60)
	runs := []frame.SuiteRun{{Start: month, Seconds: 5}, {Start: month + 1, Seconds: 8}}
	if got := suitesSpan(runs); got != 9*time.Second {
		t.Errorf("%v, want the span 9s", got)
	}
}
