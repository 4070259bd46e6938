package judge

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
	"github.com/pidfdconf/pidfdconf/internal/outcome"
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
			if v, ok := entry(sr, outcome.KernelConfigEntry); ok && kr.ConfigNote == "" {
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
	c := Cell{Seconds: sr.RunTime.Seconds()}
	switch sr.State {
	case types.SpecStatePassed:
		c.Result = PASS
	case types.SpecStateSkipped:
		// A spec skips itself with a reason. One Ginkgo skipped without a
		// message never ran: the suite stopped before it (its deadline, an
		// interrupt, a failed BeforeSuite).
		if sr.Failure.Message == "" {
			c.Result, c.Reason = MISS, notReached
		} else {
			c.Result, c.Reason, c.Class = SKIP, sr.Failure.Message, skipClass(sr)
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
		if why, ok := entry(sr, outcome.UnstageableEntry); ok {
			// Its setup could not be staged: no verdict on the kernel.
			c.Result, c.Reason = MISS, "could not be staged: "+why
		}
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

// notReached is the reason of a spec the suite never ran.
const notReached = "not run: the suite stopped before this spec (its deadline, an interrupt or a failed setup)"

// skipClass is the class the spec gave its SKIP (outcome.SkipClassEntry),
// or Unclassified when it gave none or one the runner does not know.
func skipClass(sr types.SpecReport) outcome.SkipClass {
	if c, ok := entry(sr, outcome.SkipClassEntry); ok && outcome.SkipClass(c).Valid() {
		return outcome.SkipClass(c)
	}
	return Unclassified
}

// Unclassified is the class of a SKIP whose spec did not say why in the
// runner's words: a gap in the suites, shown as such.
const Unclassified outcome.SkipClass = "unclassified"

// entry is the value of the spec's last report entry named name.
func entry(sr types.SpecReport, name string) (string, bool) {
	for i := len(sr.ReportEntries) - 1; i >= 0; i-- {
		if e := sr.ReportEntries[i]; e.Name == name {
			return e.StringRepresentation(), true
		}
	}
	return "", false
}
