package helpers

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// RunLinkedSuite runs the specs of suites/<area>/ in a program that links
// every suite (cmd/pidfdconf-suites, the VM image's one copy of them): the
// other suites' specs are left out of the run and out of its reports, so
// the run and its JSON and JUnit reports are those of the area's own test
// binary. areas are the suites the program links (checked against its
// imports by its test: finding them here would take a preview of every
// spec, the longest part of a suite's start under TCG). It returns whether
// the specs passed; an area not in areas is an error that lists them.
func RunLinkedSuite(area string, areas []string) (bool, error) {
	if !slices.Contains(areas, area) {
		return false, fmt.Errorf("no suite %q in this program: it has %s", area, strings.Join(areas, ", "))
	}
	suiteConfig, reporterConfig := GinkgoConfiguration()
	for _, other := range areas {
		if other != area {
			suiteConfig.SkipFiles = append(suiteConfig.SkipFiles, areaDir(other))
		}
	}
	// Ginkgo's own reports would list every other suite's specs as
	// skipped: write the area's instead.
	// Nor should the console show a mark for each of them; a skip's
	// reason is in the reports either way.
	reporterConfig.SilenceSkips = true
	jsonPath, junitPath := reporterConfig.JSONReport, reporterConfig.JUnitReport
	reporterConfig.JSONReport, reporterConfig.JUnitReport = "", ""
	ReportAfterSuite("the reports of suites/"+area, func(r Report) {
		r = areaReport(r, area)
		if jsonPath != "" {
			if err := reporters.GenerateJSONReport(r, jsonPath); err != nil {
				Fail(err.Error())
			}
		}
		if junitPath != "" {
			if err := reporters.GenerateJUnitReport(r, junitPath); err != nil {
				Fail(err.Error())
			}
		}
	})
	t := &linkedT{}
	runArea(t, area, suiteConfig, reporterConfig)
	return !t.failed, nil
}

// LinkedAreas are the suites whose specs this program holds, by the
// directory of their files (suites/<area>/), each with its spec count.
func LinkedAreas() map[string]int {
	areas := map[string]int{}
	for _, s := range PreviewSpecs("pidfd suites").SpecReports {
		if a := areaOf(s.LeafNodeLocation.FileName); a != "" && s.LeafNodeType == types.NodeTypeIt {
			areas[a]++
		}
	}
	return areas
}

// areaOf is the area of a spec file: the directory below suites/.
func areaOf(file string) string {
	dir := filepath.ToSlash(filepath.Dir(file))
	parent, area := filepath.Split(dir)
	if !strings.HasSuffix(parent, "/suites/") && parent != "suites/" {
		return ""
	}
	return area
}

// areaDir matches the files of one area, as -ginkgo.skip-file and
// -ginkgo.focus-file take it.
func areaDir(area string) string { return "/suites/" + area + "/" }

func inArea(s types.SpecReport, area string) bool {
	return areaOf(s.LeafNodeLocation.FileName) == area
}

// areaReport is r without the specs of other areas; suite-level nodes stay.
func areaReport(r types.Report, area string) types.Report {
	var specs types.SpecReports
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt || inArea(s, area) {
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
