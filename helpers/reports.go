package helpers

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// takeOverReports writes the run's JSON and JUnit reports in place of
// Ginkgo's: own narrows the report to the run's own specs, and the JSON
// report drops the node timeline (SpecEvents) of the specs that passed or
// skipped and is not indented. The timeline was 80% of a report (1.9 MB
// for pidfs), written, compressed and streamed by an emulated CPU in every
// VM, and read by nobody; a spec that did not pass keeps it, for whoever
// debugs it.
func takeOverReports(reporterConfig *types.ReporterConfig, own func(types.Report) types.Report) {
	jsonPath, junitPath := reporterConfig.JSONReport, reporterConfig.JUnitReport
	reporterConfig.JSONReport, reporterConfig.JUnitReport = "", ""
	if jsonPath == "" && junitPath == "" {
		return
	}
	ReportAfterSuite("the suite's reports", func(r Report) {
		r = own(r)
		if junitPath != "" {
			if err := reporters.GenerateJUnitReport(r, junitPath); err != nil {
				Fail(err.Error())
			}
		}
		if jsonPath != "" {
			if err := writeJSONReport(withoutPassedTimelines(r), jsonPath); err != nil {
				Fail(err.Error())
			}
		}
	})
}

// writeJSONReport writes r as Ginkgo's JSON reporter does (a one-report
// array), compact.
func writeJSONReport(r types.Report, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o770); err != nil {
		return err
	}
	data, err := json.Marshal([]types.Report{r})
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o666)
}

// withoutPassedTimelines is r with no SpecEvents on the specs that passed
// or were skipped.
func withoutPassedTimelines(r types.Report) types.Report {
	specs := make(types.SpecReports, len(r.SpecReports))
	for i, s := range r.SpecReports {
		if s.State == types.SpecStatePassed || s.State == types.SpecStateSkipped {
			s.SpecEvents = nil
		}
		specs[i] = s
	}
	r.SpecReports = specs
	return r
}
