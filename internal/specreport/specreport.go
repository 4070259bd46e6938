// Package specreport reads one Ginkgo spec report as a verdict: what the
// VM runner's judge records for a spec and what a suite run as a kselftest
// program prints, one mapping for both. It imports Ginkgo's report types
// only, never its DSL.
package specreport

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// Reading is what one spec report says about the behaviour.
type Reading struct {
	Verdict outcome.Verdict
	// Reason: a SKIP's reason, a failure's message, the cause of a MISS.
	Reason string
	// Class of a SKIP, as the spec classed it (Unclassified when it did not).
	Class outcome.SkipClass
	// Location (file:line) of a failure.
	Location string
}

// NotReached is the reason of a spec the suite never ran.
const NotReached = "not run: the suite stopped before this spec (its deadline, an interrupt or a failed setup)"

// Unclassified is the class of a SKIP whose spec did not say why in the
// runner's words: a gap in the suites, shown as such.
const Unclassified outcome.SkipClass = "unclassified"

// Of maps one spec report (an It, or a suite node such as BeforeSuite).
func Of(sr types.SpecReport) Reading {
	var o Reading
	switch sr.State {
	case types.SpecStatePassed:
		o.Verdict = outcome.PASS
	case types.SpecStateSkipped:
		// A spec skips itself with a reason. One Ginkgo skipped without a
		// message never ran: the suite stopped before it (its deadline, an
		// interrupt, a failed BeforeSuite).
		if sr.Failure.Message == "" {
			o.Verdict, o.Reason = outcome.MISS, NotReached
		} else {
			o.Verdict, o.Reason, o.Class = outcome.SKIP, sr.Failure.Message, skipClass(sr)
		}
	case types.SpecStatePending:
		o.Verdict, o.Reason = outcome.SKIP, "pending"
	case types.SpecStateTimedout:
		o.Verdict, o.Reason = outcome.TIMEOUT, sr.Failure.Message
	case types.SpecStateInterrupted:
		// Interrupted means the suite-wide -ginkgo.timeout ran out.
		o.Verdict, o.Reason = outcome.TIMEOUT, "suite timeout: "+sr.Failure.Message
	default: // failed, panicked, aborted
		o.Verdict, o.Reason = outcome.FAIL, sr.Failure.Message
		if why, ok := Entry(sr, outcome.UnstageableEntry); ok {
			// Its setup could not be staged: no verdict on the kernel.
			o.Verdict, o.Reason = outcome.MISS, "could not be staged: "+why
		}
		if sr.Failure.ForwardedPanic != "" {
			o.Reason = "panic: " + sr.Failure.ForwardedPanic
		}
		if sr.Failure.Location.FileName != "" {
			o.Location = fmt.Sprintf("%s:%d", filepath.Base(sr.Failure.Location.FileName), sr.Failure.Location.LineNumber)
		}
	}
	o.Reason = strings.TrimSpace(o.Reason)
	return o
}

// skipClass is the class the spec gave its SKIP (outcome.SkipClassEntry),
// or Unclassified when it gave none or one the runner does not know.
func skipClass(sr types.SpecReport) outcome.SkipClass {
	if c, ok := Entry(sr, outcome.SkipClassEntry); ok && outcome.SkipClass(c).Valid() {
		return outcome.SkipClass(c)
	}
	return Unclassified
}

// Entry is the value of the spec's last report entry named name.
func Entry(sr types.SpecReport, name string) (string, bool) {
	for i := len(sr.ReportEntries) - 1; i >= 0; i-- {
		if e := sr.ReportEntries[i]; e.Name == name {
			return e.StringRepresentation(), true
		}
	}
	return "", false
}
