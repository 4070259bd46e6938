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
// report is trimmed (trimmed) and not indented. What it drops was written,
// compressed and streamed by an emulated CPU in every VM, and read by
// nobody. own's reports go where the flags say (key "") or, for a group of
// suites, into a directory per suite beside them (key: the suite).
func takeOverReports(reporterConfig *types.ReporterConfig, own func(types.Report) map[string]types.Report) {
	jsonPath, junitPath := reporterConfig.JSONReport, reporterConfig.JUnitReport
	reporterConfig.JSONReport, reporterConfig.JUnitReport = "", ""
	if jsonPath == "" && junitPath == "" {
		return
	}
	ReportAfterSuite("the suite's reports", func(r Report) {
		for sub, r := range own(r) {
			if junitPath != "" {
				path := within(junitPath, sub)
				if err := os.MkdirAll(filepath.Dir(path), 0o770); err != nil {
					Fail(err.Error())
				}
				if err := reporters.GenerateJUnitReport(r, path); err != nil {
					Fail(err.Error())
				}
			}
			if jsonPath != "" {
				if err := writeJSONReport(trimmed(r), within(jsonPath, sub)); err != nil {
					Fail(err.Error())
				}
			}
		}
	})
}

// within is path, or the same file in the directory sub beside it.
func within(path, sub string) string {
	if sub == "" {
		return path
	}
	return filepath.Join(filepath.Dir(path), sub, filepath.Base(path))
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

// trimmed is r without what nobody reads of the specs that passed or
// skipped:
//   - their node timeline (SpecEvents): 80% of a report (1.9 MB for
//     pidfs); a spec that did not pass keeps it, for whoever debugs it;
//   - a skip's stack trace: the same frames of Skip's callers every time
//     (15% of a compressed report on 6.1, where most specs skip), while
//     the skip's message, its location and its class entry say why.
func trimmed(r types.Report) types.Report {
	specs := make(types.SpecReports, len(r.SpecReports))
	for i, s := range r.SpecReports {
		if s.State == types.SpecStatePassed || s.State == types.SpecStateSkipped {
			s.SpecEvents = nil
		}
		if s.State == types.SpecStateSkipped {
			s.Failure.Location.FullStackTrace = ""
		}
		specs[i] = s
	}
	r.SpecReports = specs
	return r
}
