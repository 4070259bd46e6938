package main

import (
	"testing"
	"time"
)

func TestTakeMedianUsesOneRunsFigures(t *testing.T) {
	r := VMResult{Selftests: 28 * time.Second}
	r.takeMedian([]suitesRun{{9 * time.Second, 15 * time.Second}, {7 * time.Second, 12 * time.Second}, {11 * time.Second, 19 * time.Second}}, 2)
	if r.Suites != 9*time.Second || r.SuitesCPU != 15*time.Second {
		t.Errorf("median run: %v and %v of CPU, want 9s and 15s (one run's pair)", r.Suites, r.SuitesCPU)
	}
	if len(r.SuitesRuns) != 3 || r.SuitesRuns[0] != 9*time.Second || r.SuitesRuns[2] != 11*time.Second {
		t.Errorf("runs in the order they ran: %v", r.SuitesRuns)
	}
	if want := 28.0 / 9; r.Faster != want {
		t.Errorf("faster %.3f, want %.3f (the selftests over the median run)", r.Faster, want)
	}
	if want := 15.0 / (9 * 2); r.Busy != want {
		t.Errorf("busy %.3f, want %.3f", r.Busy, want)
	}
}

func TestTakeMedianOfOneRunIsThatRun(t *testing.T) {
	r := VMResult{Selftests: 10 * time.Second}
	r.takeMedian([]suitesRun{{5 * time.Second, 8 * time.Second}}, 2)
	if r.Suites != 5*time.Second || r.Faster != 2 || len(r.SuitesRuns) != 1 {
		t.Errorf("one run: %+v", r)
	}
}
