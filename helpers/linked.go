package helpers

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/helpers/area"
)

// RunLinkedSuite runs the specs of suites/<area>/ in a program that links
// every suite (cmd/pidfdconf-suites, the VM image's one copy of them): the
// other suites' specs are left out of the run and out of its reports, so
// the run and its JSON and JUnit reports are those of the area's own test
// binary. name may also be a group of areas joined by '+' (the VM guest
// runs a few groups instead of a process per suite): their specs run in
// one suite, and each area's reports, as its own binary would write them,
// go into a directory of its own beside the paths the flags give
// (takeOverReports). areas are the suites the program links (checked
// against its imports by its test: finding them here would take a preview
// of every spec, the longest part of a suite's start under TCG). It
// returns whether the specs passed; an area not in areas is an error that
// lists them.
func RunLinkedSuite(name string, areas []string) (bool, error) {
	group := strings.Split(name, "+")
	for i, a := range group {
		if !slices.Contains(areas, a) {
			return false, fmt.Errorf("no suite %q in this program: it has %s", a, strings.Join(areas, ", "))
		}
		if slices.Contains(group[:i], a) {
			return false, fmt.Errorf("suite %q is named twice in %q", a, name)
		}
	}
	// The other areas' containers stay empty (area.Describe); their files
	// are skipped besides, for a container declared some other way.
	area.Only(group...)
	suiteConfig, reporterConfig := GinkgoConfiguration()
	prefiltered = nil
	if p := newPrefilter(group); p.usable(suiteConfig) {
		prefiltered = p
		suiteConfig.LabelFilter = p.labelFilter()
		if suiteConfig.FailOnEmpty {
			// Ginkgo counts the specs it was left to run; a spec left out
			// here skipped in the spec before, and counts as run.
			suiteConfig.FailOnEmpty = false
			ReportAfterSuite("-ginkgo.fail-on-empty", failIfNoSpecRan)
		}
	}
	for _, other := range areas {
		if !slices.Contains(group, other) {
			suiteConfig.SkipFiles = append(suiteConfig.SkipFiles, areaDir(other))
		}
	}
	// The console shows no mark for each of the other suites'
	// specs; a skip's reason is in the reports either way.
	reporterConfig.SilenceSkips = true
	t := &linkedT{}
	// Off the calling goroutine, as a test binary runs its tests: Ginkgo
	// waits for each node of a spec in the goroutine that runs the specs,
	// and the main goroutine is locked to the main thread (internal/role),
	// so every such wait and wake-up would pass the scheduler between two
	// threads (two futex wake-ups and two context switches per node).
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The reports hold the area's specs only, as its own test binary's do.
		runArea(t, name, suiteConfig, reporterConfig, func(r types.Report) map[string]types.Report {
			r = prefiltered.explainReport(r)
			if len(group) == 1 {
				return map[string]types.Report{"": areaReport(r, name)}
			}
			byArea := map[string]types.Report{}
			for _, a := range group {
				byArea[a] = areaReport(r, a)
			}
			return byArea
		})
	}()
	<-done
	return !t.failed, nil
}

// prefiltered is the running linked suite's prefilter, nil when it has
// none.
var prefiltered *prefilter

// failIfNoSpecRan fails the run when no spec ran, as -ginkgo.fail-on-empty
// does, counting the specs the prefilter left out as run.
func failIfNoSpecRan(r types.Report) {
	if noSpecRan(r, prefiltered) {
		Fail("Detected no specs ran and --fail-on-empty is set")
	}
}

func noSpecRan(r types.Report, p *prefilter) bool {
	return !slices.ContainsFunc(r.SpecReports, func(sr types.SpecReport) bool {
		sr = p.explain(sr)
		return sr.LeafNodeType == types.NodeTypeIt && (sr.State != types.SpecStateSkipped || sr.Failure.Message != "")
	})
}

// LinkedAreas are the suites whose specs this program holds, by the
// directory of their files (suites/<area>/), each with its spec count.
func LinkedAreas() map[string]int {
	areas := map[string]int{}
	for _, s := range PreviewSpecs("pidfd suites").SpecReports {
		if a := area.Of(s.LeafNodeLocation.FileName); a != "" && s.LeafNodeType == types.NodeTypeIt {
			areas[a]++
		}
	}
	return areas
}

// areaDir matches the files of one area, as -ginkgo.skip-file and
// -ginkgo.focus-file take it.
func areaDir(name string) string { return "/suites/" + name + "/" }

// areaReport is r without the specs of other areas, described and
// labelled as the area's own run, and failed only by its own specs or by
// the run as a whole; suite-level nodes stay. Of a group's run
// that selected every spec, the area's specs are all that its own run
// would have run; a group's run narrowed by filters keeps the group's
// count of the specs it selected.
func areaReport(r types.Report, name string) types.Report {
	r.SuiteDescription, r.SuiteLabels = suiteDescription(name), []string{areaLabel(name)}
	everything := r.PreRunStats.SpecsThatWillRun == r.PreRunStats.TotalSpecs
	var specs types.SpecReports
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || area.Of(s.LeafNodeLocation.FileName) == name {
			specs = append(specs, s)
		}
	}
	r.SpecReports = specs
	r.PreRunStats.TotalSpecs = 0
	for _, s := range specs {
		if s.LeafNodeType == types.NodeTypeIt {
			r.PreRunStats.TotalSpecs++
		}
	}
	if everything {
		r.PreRunStats.SpecsThatWillRun = r.PreRunStats.TotalSpecs
	}
	// A group's run failed for all its areas only for a reason of the
	// whole run (a suite node, the timeout); a failed spec fails its area.
	r.SuiteSucceeded = len(r.SpecialSuiteFailureReasons) == 0 && !slices.ContainsFunc(specs, func(s types.SpecReport) bool {
		return s.State.Is(types.SpecStateFailureStates)
	})
	return r
}

// linkedT stands in for the *testing.T a suite's test binary has.
type linkedT struct{ failed bool }

func (t *linkedT) Fail() { t.failed = true }
