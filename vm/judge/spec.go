package judge

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
	"github.com/pidfdconf/pidfdconf/internal/specid"
	"github.com/pidfdconf/pidfdconf/internal/specreport"
)

// AddReport maps one suite's Ginkgo JSON report (an array of types.Report)
// into cells.
func (kr *KernelRun) AddReport(suite string, data []byte) error {
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return fmt.Errorf("suite %s: unreadable Ginkgo report: %w", suite, err)
	}
	kr.Reports = append(kr.Reports, reports...)
	for _, rep := range reports {
		for _, sr := range rep.SpecReports {
			if v, ok := specreport.Entry(sr, outcome.KernelConfigEntry); ok && kr.ConfigNote == "" {
				kr.ConfigNote, kr.ConfigSeen = v, !strings.HasPrefix(v, outcome.NoKernelConfig)
			}
			row, c, ok := specCell(suite, sr)
			if ok {
				kr.Set(row, c)
			}
		}
	}
	return nil
}

// specCell maps one Ginkgo spec report. Suite-level nodes (BeforeSuite...)
// only become rows when they failed: then they explain why specs did not run.
func specCell(suite string, sr types.SpecReport) (Row, Cell, bool) {
	row := Row{Suite: suite, Text: sr.FullText(), Labels: sr.Labels(),
		File: filepath.Base(sr.LeafNodeLocation.FileName), Line: sr.LeafNodeLocation.LineNumber}
	if sr.LeafNodeType != types.NodeTypeIt {
		if !sr.State.Is(types.SpecStateFailureStates) {
			return row, Cell{}, false
		}
		row.Text = "[" + sr.LeafNodeType.String() + "]"
	} else {
		row.ID, _ = specid.Of(row.Labels)
	}
	o := specreport.Of(sr)
	return row, Cell{Result: o.Verdict, Reason: o.Reason, Class: o.Class, Location: o.Location, Seconds: sr.RunTime.Seconds()}, true
}

// Unclassified is the class of a SKIP whose spec did not say why in the
// runner's words: a gap in the suites, shown as such.
const Unclassified = specreport.Unclassified
