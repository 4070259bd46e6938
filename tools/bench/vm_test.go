package main

import (
	"testing"
	"time"
)

func TestTakeMediansUsesOneRunsSuitesFigures(t *testing.T) {
	var r VMResult
	r.takeMedians([]columnRun{{9 * time.Second, 15 * time.Second, 45 * time.Second}, {7 * time.Second, 12 * time.Second, 28 * time.Second}, {11 * time.Second, 19 * time.Second, 66 * time.Second}}, 2)
	if r.Suites != 9*time.Second || r.SuitesCPU != 15*time.Second {
		t.Errorf("median run: %v and %v of CPU, want 9s and 15s (one run's pair)", r.Suites, r.SuitesCPU)
	}
	if len(r.SuitesRuns) != 3 || r.SuitesRuns[0] != 9*time.Second || r.SuitesRuns[2] != 11*time.Second {
		t.Errorf("runs in the order they ran: %v", r.SuitesRuns)
	}
	if r.Selftests != 45*time.Second {
		t.Errorf("selftests %v, want 45s (their median)", r.Selftests)
	}
	if want := 15.0 / (9 * 2); r.Busy != want {
		t.Errorf("busy %.3f, want %.3f", r.Busy, want)
	}
}

// The ratio is each run's own: a slow host slows a run's suites and its
// selftests alike, and the median of the runs' ratios is not the ratio of
// the medians, which pairs one run's selftests with another's suites.
func TestTakeMediansRatioIsTheMedianOfEachRunsRatio(t *testing.T) {
	var r VMResult
	r.takeMedians([]columnRun{{10 * time.Second, 0, 60 * time.Second}, {8 * time.Second, 0, 32 * time.Second}, {12 * time.Second, 0, 60 * time.Second}}, 2)
	if want := []float64{6, 4, 5}; len(r.Ratios) != 3 || r.Ratios[0] != want[0] || r.Ratios[1] != want[1] || r.Ratios[2] != want[2] {
		t.Errorf("ratios %v, want %v in the order the runs ran", r.Ratios, want)
	}
	if r.Faster != 5 {
		t.Errorf("faster %.2f, want 5 (the median run's ratio, where the medians' is 60/10)", r.Faster)
	}
	r.takeMedians([]columnRun{{10 * time.Second, 0, 60 * time.Second}, {10 * time.Second, 0, 40 * time.Second}}, 2)
	if r.Faster != 4 {
		t.Errorf("faster %.2f of two runs, want 4 (the lower middle one: the suites take the upper)", r.Faster)
	}
}

func TestTakeMediansOfOneRunIsThatRun(t *testing.T) {
	var r VMResult
	r.takeMedians([]columnRun{{5 * time.Second, 8 * time.Second, 10 * time.Second}}, 2)
	if r.Suites != 5*time.Second || r.Selftests != 10*time.Second || r.Faster != 2 || len(r.SuitesRuns) != 1 {
		t.Errorf("one run: %+v", r)
	}
}

func TestTakeMediansWithoutSelftestsHasNoRatio(t *testing.T) {
	var r VMResult
	r.takeMedians([]columnRun{{5 * time.Second, 8 * time.Second, 0}, {6 * time.Second, 9 * time.Second, 0}}, 2)
	if r.Faster != 0 || r.Selftests != 0 || r.Ratios != nil || r.SelftestsRuns != nil {
		t.Errorf("no selftests: %+v", r)
	}
}
