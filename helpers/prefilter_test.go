package helpers

import (
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/specreport"
)

// testPrefilter decides the requirements a, b (skip) and c (fail), made
// as a suite makes them.
func testPrefilter() *prefilter {
	decisions := map[string]kernel.Decision{
		"a": {Action: kernel.SkipSpec, Class: outcome.OlderKernel, Reason: "requires a (since v9.0)"},
		"b": {Action: kernel.SkipSpec, Class: outcome.Config, Reason: "requires B, which is off"},
		"c": {Action: kernel.FailSpec, Reason: "c is missing"},
	}
	p := &prefilter{skip: map[string]kernel.Decision{}, fail: map[string]bool{}}
	for what, d := range decisions {
		p.record(requirement(what, func() kernel.Decision { return d })[0], d)
	}
	return p
}

// The filter leaves out a spec with a skip label unless it also has a
// fail label, whose order only the spec itself can settle.
func TestPrefilterLabelFilter(t *testing.T) {
	p := testPrefilter()
	expr := p.labelFilter()
	if want := "!((prefilter:skips || requires:a || requires:b) && !(prefilter:fails || requires:c))"; expr != want {
		t.Fatalf("labelFilter = %q, want %q", expr, want)
	}
	keep, err := types.ParseLabelFilter(expr)
	if err != nil {
		t.Fatalf("Ginkgo refuses %q: %v", expr, err)
	}
	for labels, want := range map[string]bool{
		"requires:a":                      false,
		"requires:b area:x":               false,
		"requires:a requires:c":           true,
		"requires:c":                      true,
		"requires:elsewhere":              true,
		"syscall:pidfd_open area":         true,
		"requires:x prefilter:skips":      false,
		"prefilter:skips prefilter:fails": true,
		"requires:a prefilter:fails":      true,
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
		ContainerHierarchyLabels: [][]string{{"requires:b"}, {"requires:a"}},
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
}

// A requirement label made while a prefiltered run builds its tree is
// decided at once and marked; the marker names no label of the spec's in
// the reports, and the spec reads as the label's skip.
func TestPrefilterMarksNestedLabels(t *testing.T) {
	p := testPrefilter()
	skip := kernel.Decision{Action: kernel.SkipSpec, Class: outcome.OlderKernel, Reason: "requires n (since v9.1)"}
	requirement("n", func() kernel.Decision { return skip })
	if got := p.record("requires:n", skip); len(got) != 1 || got[0] != skipMarker || p.skip["requires:n"] != skip {
		t.Errorf("a nested skip: marker %v, decision %+v", got, p.skip["requires:n"])
	}
	if got := p.record("requires:f", kernel.Decision{Action: kernel.FailSpec}); len(got) != 1 || got[0] != failMarker || !p.fail["requires:f"] {
		t.Errorf("a nested fail: marker %v", got)
	}
	if got := p.record("requires:r", kernel.Decision{Action: kernel.Run}); len(got) != 0 {
		t.Errorf("a nested label that runs is marked %v", got)
	}
	nested := types.SpecReport{
		LeafNodeType:             types.NodeTypeIt,
		State:                    types.SpecStateSkipped,
		ContainerHierarchyLabels: [][]string{{"requires:elsewhere"}, {"requires:n", skipMarker}},
		LeafNodeLabels:           []string{"syscall:x"},
	}
	got := p.explain(nested)
	if o := specreport.Of(got); o.Verdict != outcome.SKIP || o.Reason != skip.Reason {
		t.Errorf("a spec left out on a nested label reads %+v", o)
	}
	if labels := got.Labels(); slices.Contains(labels, skipMarker) || !slices.Contains(labels, "requires:n") {
		t.Errorf("explained labels: %v", labels)
	}
	if !slices.Contains(nested.ContainerHierarchyLabels[1], skipMarker) {
		t.Error("explain changed its argument's labels")
	}
	passed := nested
	passed.State = types.SpecStatePassed
	if labels := p.explain(passed).Labels(); slices.Contains(labels, skipMarker) {
		t.Errorf("a spec that ran keeps the marker: %v", labels)
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

// A spec's kernel requirements decide before its environment's, wherever
// their labels are: a kernel too old for the spec says so first.
func TestKernelRequirementsDecideFirst(t *testing.T) {
	p := testPrefilter()
	env := kernel.Decision{Action: kernel.SkipSpec, Class: outcome.Environment, Reason: "no such environment"}
	label := environmentLabel("needs:test-environment", "a test's environment", func() kernel.Decision { return env })[0]
	p.skip[label] = env
	sr := types.SpecReport{
		LeafNodeType:             types.NodeTypeIt,
		State:                    types.SpecStateSkipped,
		ContainerHierarchyLabels: [][]string{{label}, {"syscall:x"}},
		LeafNodeLabels:           []string{"requires:a"},
	}
	if got := requirementOrder(sr.Labels()); !slices.Equal(got, []string{"requires:a", label}) {
		t.Errorf("requirementOrder = %v", got)
	}
	if o := specreport.Of(p.explain(sr)); o.Reason != "requires a (since v9.0)" || o.Class != outcome.OlderKernel {
		t.Errorf("a spec left out on both reads %+v, not the kernel's reason", o)
	}
}
