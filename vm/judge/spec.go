package judge

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/internal/specid"
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
	c := Cell{Seconds: sr.RunTime.Seconds()}
	switch sr.State {
	case types.SpecStatePassed:
		c.Result = PASS
	case types.SpecStateSkipped:
		c.Result, c.Reason = SKIP, sr.Failure.Message
		if c.Reason == "" {
			c.Reason = "skipped by the suite (filter or an earlier failure)"
		}
	case types.SpecStatePending:
		c.Result, c.Reason = SKIP, "pending"
	case types.SpecStateTimedout:
		c.Result, c.Reason = TIMEOUT, sr.Failure.Message
	case types.SpecStateInterrupted:
		// Interrupted means the suite-wide -ginkgo.timeout ran out.
		c.Result, c.Reason = TIMEOUT, "suite timeout: "+sr.Failure.Message
	default: // failed, panicked, aborted
		c.Result, c.Reason = FAIL, sr.Failure.Message
		if sr.Failure.ForwardedPanic != "" {
			c.Reason = "panic: " + sr.Failure.ForwardedPanic
		}
		if sr.Failure.Location.FileName != "" {
			c.Location = fmt.Sprintf("%s:%d", filepath.Base(sr.Failure.Location.FileName), sr.Failure.Location.LineNumber)
		}
	}
	c.Reason = strings.TrimSpace(c.Reason)
	return row, c, true
}
