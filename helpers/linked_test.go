package helpers

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// Each area of a group's run gets a report of its own run: its specs and
// the suite-level nodes, its description, label and counts, and a
// failure only when one of its specs failed or the run as a whole did.
func TestAreaReportOfAGroupsRun(t *testing.T) {
	spec := func(area string, state types.SpecState) types.SpecReport {
		return types.SpecReport{LeafNodeType: types.NodeTypeIt, State: state,
			LeafNodeLocation: types.CodeLocation{FileName: "/src/suites/" + area + "/x.go"}}
	}
	run := types.Report{
		SuiteDescription: suiteDescription("open+poll"), SuiteLabels: []string{areaLabel("open+poll")},
		SpecReports: types.SpecReports{
			{LeafNodeType: types.NodeTypeReportBeforeSuite, State: types.SpecStatePassed},
			spec("open", types.SpecStatePassed), spec("poll", types.SpecStateFailed), spec("poll", types.SpecStateSkipped),
		},
		PreRunStats: types.PreRunStats{TotalSpecs: 3, SpecsThatWillRun: 3},
	}
	open, poll := areaReport(run, "open"), areaReport(run, "poll")
	if open.SuiteDescription != "pidfd open" || len(open.SuiteLabels) != 1 || open.SuiteLabels[0] != "area:open" {
		t.Errorf("open is described as %q, labelled %v", open.SuiteDescription, open.SuiteLabels)
	}
	if len(open.SpecReports) != 2 || len(poll.SpecReports) != 3 {
		t.Errorf("open holds %d reports (want its spec and the suite node), poll %d (want 3)", len(open.SpecReports), len(poll.SpecReports))
	}
	if open.PreRunStats != (types.PreRunStats{TotalSpecs: 1, SpecsThatWillRun: 1}) || poll.PreRunStats != (types.PreRunStats{TotalSpecs: 2, SpecsThatWillRun: 2}) {
		t.Errorf("counts: open %+v, poll %+v", open.PreRunStats, poll.PreRunStats)
	}
	if !open.SuiteSucceeded || poll.SuiteSucceeded {
		t.Errorf("succeeded: open %v (want true), poll %v (want false: its spec failed)", open.SuiteSucceeded, poll.SuiteSucceeded)
	}
	run.SpecialSuiteFailureReasons = []string{"Suite Timeout Elapsed"}
	if areaReport(run, "open").SuiteSucceeded {
		t.Errorf("the run's timeout left open succeeded")
	}
	run.PreRunStats.SpecsThatWillRun = 2
	if got := areaReport(run, "open").PreRunStats; got.SpecsThatWillRun != 2 {
		t.Errorf("a filtered run's count of selected specs became %d, want the run's 2", got.SpecsThatWillRun)
	}
}
