package helpers

import (
	"maps"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/helpers/area"
	"github.com/pidfdconf/pidfdconf/internal/kernel"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// A prefilter decides the requirement labels (requirementLabel) of a
// linked run before their specs run, and leaves the specs that would skip
// on one of them out of the run by a label filter. Such a spec otherwise
// skips in its first node, and a Skip costs Ginkgo a formatted stack trace
// and a panic: 3.6-5.7 ms of CPU each under TCG, where Debian 6.1 skips
// 273 of its 301 skipped specs so.
// Each spec it left out gets the skip it would have taken afterwards
// (explain): the same reason and class, from the same decision, which
// only depends on the kernel and the probe, both fixed for the run.
//
// A spec that also carries a label decided to fail is not left out: the
// labels decide in order (requireLabelled) and the spec runs to find out
// which comes first. Labels of nested containers and Its come into being
// only as Ginkgo builds the tree, after the filter is set: each is decided
// as it is made and comes with a marker label (skipMarker, failMarker),
// which the filter names and explain takes off again.
type prefilter struct {
	skip map[string]kernel.Decision // label → its skip
	fail map[string]bool
}

// The markers of the nested labels the running prefilter decided.
const (
	skipMarker = "prefilter:skips"
	failMarker = "prefilter:fails"
)

// record keeps the decision d of label when it does not run, and returns
// the marker a nested label made while the tree is built goes with.
func (p *prefilter) record(label string, d kernel.Decision) Labels {
	switch d.Action {
	case kernel.SkipSpec:
		p.skip[label] = d
		return Labels{skipMarker}
	case kernel.FailSpec:
		p.fail[label] = true
		return Labels{failMarker}
	}
	return nil
}

// newPrefilter decides the requirements on areas' top-level containers.
func newPrefilter(areas []string) *prefilter {
	p := &prefilter{skip: map[string]kernel.Decision{}, fail: map[string]bool{}}
	for _, a := range areas {
		for _, l := range area.TopLevelLabels(a) {
			if r, ok := requirements[l]; ok {
				p.record(l, r.decide())
			}
		}
	}
	return p
}

// usable reports whether the run selects its specs by nothing but the
// prefilter (and the other areas' files, which the caller adds after
// asking): only then is a spec without a reason that carries a skip label
// one the prefilter left out, not one that a focus, a filter of the
// user's or a dry run left aside.
func (p *prefilter) usable(c types.SuiteConfig) bool {
	return !c.DryRun && c.LabelFilter == "" && c.SemVerFilter == "" &&
		len(c.FocusStrings) == 0 && len(c.SkipStrings) == 0 && len(c.FocusFiles) == 0 && len(c.SkipFiles) == 0
}

// labelFilter leaves out the specs with a skip label and no fail label.
func (p *prefilter) labelFilter() string {
	skips := append([]string{skipMarker}, slices.Sorted(maps.Keys(p.skip))...)
	fails := append([]string{failMarker}, slices.Sorted(maps.Keys(p.fail))...)
	return "!((" + strings.Join(skips, " || ") + ") && !(" + strings.Join(fails, " || ") + "))"
}

// explain takes the markers off a spec, and gives a spec the prefilter
// left out the skip it would have taken: the reason and class of its
// first label that skips.
func (p *prefilter) explain(sr types.SpecReport) types.SpecReport {
	if p == nil {
		return sr
	}
	sr = withoutMarkers(sr)
	if sr.LeafNodeType != types.NodeTypeIt || sr.State != types.SpecStateSkipped || sr.Failure.Message != "" {
		return sr
	}
	labels := sr.Labels()
	if slices.ContainsFunc(labels, func(l string) bool { return p.fail[l] }) {
		return sr
	}
	for _, l := range requirementOrder(labels) {
		d, ok := p.skip[l]
		if !ok {
			continue
		}
		// As if it skipped in the first node of every spec (beforeEverySpec,
		// a top-level BeforeEach), at the spec's own line.
		sr.Failure = types.Failure{
			Message:            d.Reason,
			Location:           sr.LeafNodeLocation,
			FailureNodeContext: types.FailureNodeAtTopLevel,
			FailureNodeType:    types.NodeTypeBeforeEach,
		}
		sr.ReportEntries = append(slices.Clone(sr.ReportEntries), types.ReportEntry{
			Name:       outcome.SkipClassEntry,
			Value:      types.WrapEntryValue(string(d.Class)),
			Visibility: types.ReportEntryVisibilityNever,
			Location:   sr.LeafNodeLocation,
			Time:       time.Now(),
		})
		return sr
	}
	return sr
}

// explainReport explains every spec of r the prefilter left out and
// counts them among the specs the run selected, as they were before.
func (p *prefilter) explainReport(r types.Report) types.Report {
	if p == nil {
		return r
	}
	specs := make(types.SpecReports, len(r.SpecReports))
	for i, sr := range r.SpecReports {
		specs[i] = p.explain(sr)
		if specs[i].Failure.Message != sr.Failure.Message {
			r.PreRunStats.SpecsThatWillRun++
		}
	}
	r.SpecReports = specs
	return r
}

// withoutMarkers is sr without the prefilter's marker labels, its own
// label lists copied.
func withoutMarkers(sr types.SpecReport) types.SpecReport {
	marker := func(l string) bool { return l == skipMarker || l == failMarker }
	levels := make([][]string, len(sr.ContainerHierarchyLabels))
	for i, labels := range sr.ContainerHierarchyLabels {
		levels[i] = slices.DeleteFunc(slices.Clone(labels), marker)
	}
	sr.ContainerHierarchyLabels = levels
	sr.LeafNodeLabels = slices.DeleteFunc(slices.Clone(sr.LeafNodeLabels), marker)
	return sr
}
