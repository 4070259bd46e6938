package helpers

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// SkipFor skips the current spec, recording the class of evidence the skip
// rests on as a report entry the VM runner reads.
func SkipFor(class outcome.SkipClass, format string, args ...any) {
	GinkgoHelper()
	AddReportEntry(outcome.SkipClassEntry, string(class))
	Skip(fmt.Sprintf(format, args...))
}

// Unstageable fails the current spec whose setup could not be staged for a
// reason that is neither the kernel's behaviour nor a named skip cause; the
// report entry makes the VM runner count it as MISS (no verdict), while a
// plain `go test` shows it as the failure it is.
func Unstageable(format string, args ...any) {
	GinkgoHelper()
	reason := fmt.Sprintf(format, args...)
	AddReportEntry(outcome.UnstageableEntry, reason)
	Fail("could not stage the spec: " + reason)
}
