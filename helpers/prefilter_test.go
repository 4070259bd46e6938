package helpers

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/specreport"
)

func testPrefilter() *prefilter {
	return &prefilter{
		skip: map[string]kernel.Decision{
			"requires:a": {Action: kernel.SkipSpec, Class: outcome.OlderKernel, Reason: "requires a (since v9.0)"},
			"requires:b": {Action: kernel.SkipSpec, Class: outcome.Config, Reason: "requires B, which is off"},
		},
		fail: map[string]bool{"requires:c": true},
	}
}

// The filter leaves out a spec with a skip label unless it also has a
// fail label, whose order only the spec itself can settle.
func TestPrefilterLabelFilter(t *testing.T) {
	p := testPrefilter()
	expr := p.labelFilter()
	if want := "!((requires:a || requires:b) && !(requires:c))"; expr != want {
		t.Fatalf("labelFilter = %q, want %q", expr, want)
	}
	keep, err := types.ParseLabelFilter(expr)
	if err != nil {
		t.Fatalf("Ginkgo refuses %q: %v", expr, err)
	}
	for labels, want := range map[string]bool{
		"requires:a":              false,
		"requires:b area:x":       false,
		"requires:a requires:c":   true,
		"requires:c":              true,
		"requires:elsewhere":      true,
		"syscall:pidfd_open area": true,
	} {
		if got := keep(strings.Fields(labels)); got != want {
			t.Errorf("labels %q: kept %v, want %v", labels, got, want)
		}
	}
}

// A spec the filter left out reads as the skip its first skipping label
// would have given it; any other spec is left as it is.
func TestPrefilterExplain(t *testing.T) {
	p := testPrefilter()
	leftOut := types.SpecReport{
		LeafNodeType:             types.NodeTypeIt,
		State:                    types.SpecStateSkipped,
		ContainerHierarchyLabels: [][]string{{"requires:runs", "requires:b"}, {"requires:a"}},
	}
	got := specreport.Of(p.explain(leftOut))
	if got.Verdict != outcome.SKIP || got.Reason != "requires B, which is off" || got.Class != outcome.Config {
		t.Errorf("a left-out spec reads %+v, want SKIP for B's reason and class", got)
	}
	if specreport.Of(leftOut).Verdict != outcome.MISS {
		t.Errorf("explain changed its argument")
	}

	withFail := leftOut
	withFail.LeafNodeLabels = []string{"requires:c"}
	ranAndSkipped := leftOut
	ranAndSkipped.Failure.Message = "skipped in the spec"
	passed := leftOut
	passed.State = types.SpecStatePassed
	unlabelled := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateSkipped}
	for name, sr := range map[string]types.SpecReport{
		"with a fail label": withFail, "skipped in the spec": ranAndSkipped,
		"passed": passed, "without a skip label": unlabelled,
	} {
		if got := p.explain(sr); got.Failure.Message != sr.Failure.Message || len(got.ReportEntries) != len(sr.ReportEntries) {
			t.Errorf("a spec %s was explained: %+v", name, got.Failure)
		}
	}
	var none *prefilter
	if got := none.explain(leftOut); got.Failure.Message != "" {
		t.Errorf("no prefilter explained a spec: %q", got.Failure.Message)
	}

	r := types.Report{
		SpecReports: types.SpecReports{leftOut, passed, unlabelled},
		PreRunStats: types.PreRunStats{TotalSpecs: 3, SpecsThatWillRun: 2},
	}
	if got := p.explainReport(r); got.PreRunStats.SpecsThatWillRun != 3 || got.SpecReports[0].Failure.Message == "" || got.SpecReports[2].Failure.Message != "" {
		t.Errorf("explainReport: counts %+v, messages %q %q", got.PreRunStats, got.SpecReports[0].Failure.Message, got.SpecReports[2].Failure.Message)
	}
}

// Only a run that selects specs by nothing else may be prefiltered.
func TestPrefilterOnlyForWholeRuns(t *testing.T) {
	p := testPrefilter()
	if !p.usable(types.SuiteConfig{}) {
		t.Error("a whole run is not prefiltered")
	}
	for name, c := range map[string]types.SuiteConfig{
		"a label filter": {LabelFilter: "x"}, "a focus": {FocusStrings: []string{"x"}},
		"a skip": {SkipStrings: []string{"x"}}, "a focus file": {FocusFiles: []string{"x"}}, "a skip file": {SkipFiles: []string{"x"}},
		"a dry run": {DryRun: true}, "a sem-ver filter": {SemVerFilter: "1.0"},
	} {
		if p.usable(c) {
			t.Errorf("a run with %s is prefiltered", name)
		}
	}
	if (&prefilter{}).usable(types.SuiteConfig{}) {
		t.Error("a prefilter with nothing to skip is used")
	}
}

// -ginkgo.fail-on-empty counts a spec the prefilter left out as run, and
// still fails a run in which nothing ran.
func TestNoSpecRanCountsLeftOutSpecs(t *testing.T) {
	p := testPrefilter()
	leftOut := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateSkipped, LeafNodeLabels: []string{"requires:a"}}
	filtered := types.SpecReport{LeafNodeType: types.NodeTypeIt, State: types.SpecStateSkipped}
	if noSpecRan(types.Report{SpecReports: types.SpecReports{leftOut, filtered}}, p) {
		t.Error("a run whose only spec skipped on its requirement counts as empty")
	}
	if !noSpecRan(types.Report{SpecReports: types.SpecReports{leftOut, filtered}}, nil) {
		t.Error("without the prefilter, specs skipped without a reason count as run")
	}
	if !noSpecRan(types.Report{SpecReports: types.SpecReports{filtered}}, p) {
		t.Error("a run that ran nothing is not empty")
	}
}
