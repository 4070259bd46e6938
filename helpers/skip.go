package helpers

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// SkipFor skips the current spec with the reason and records the class of
// the skip (outcome.SkipClassEntry), which the vm/ runner counts by. Every
// skip in helpers/ and suites/ goes through it: a skip is a claim, and the
// class says what kind of evidence backs it.
func SkipFor(class outcome.SkipClass, format string, args ...any) {
	GinkgoHelper()
	AddReportEntry(outcome.SkipClassEntry, string(class), ReportEntryVisibilityNever)
	Skip(fmt.Sprintf(format, args...))
}

// Unstageable fails the current spec because its setup could not be staged
// for a reason that is neither the kernel's behaviour nor a skip cause (a
// helper the machine cannot run, a file the setup needs is missing). The
// report entry outcome.UnstageableEntry lets the runner report it as MISS,
// with the reason; under plain go test it reads as the failure it is.
func Unstageable(format string, args ...any) {
	GinkgoHelper()
	reason := fmt.Sprintf(format, args...)
	AddReportEntry(outcome.UnstageableEntry, reason, ReportEntryVisibilityNever)
	Fail("cannot stage this spec: " + reason)
}
