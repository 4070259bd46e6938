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
// binary. areas are the suites the program links (checked against its
// imports by its test: finding them here would take a preview of every
// spec, the longest part of a suite's start under TCG). It returns whether
// the specs passed; an area not in areas is an error that lists them.
func RunLinkedSuite(name string, areas []string) (bool, error) {
	if !slices.Contains(areas, name) {
		return false, fmt.Errorf("no suite %q in this program: it has %s", name, strings.Join(areas, ", "))
	}
	// The other areas' containers stay empty (area.Describe); their files
	// are skipped besides, for a container declared some other way.
	area.Only(name)
	suiteConfig, reporterConfig := GinkgoConfiguration()
	for _, other := range areas {
		if other != name {
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
		runArea(t, name, suiteConfig, reporterConfig, func(r types.Report) types.Report { return areaReport(r, name) })
	}()
	<-done
	return !t.failed, nil
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

// areaReport is r without the specs of other areas; suite-level nodes stay.
func areaReport(r types.Report, name string) types.Report {
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
	return r
}

// linkedT stands in for the *testing.T a suite's test binary has.
type linkedT struct{ failed bool }

func (t *linkedT) Fail() { t.failed = true }
