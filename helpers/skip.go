package helpers

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

// SkipFor skips the current spec for a reason of the given class. The class
// goes into the spec's report (outcome.SkipClassEntry) just before the skip,
// where the VM runner reads it; every skip in helpers/ and suites/ goes
// through here (skip_test.go rejects a bare Skip).
func SkipFor(class outcome.SkipClass, format string, args ...any) {
	GinkgoHelper()
	if !class.Valid() {
		Fail(fmt.Sprintf("SkipFor: %q is not a skip class (internal/outcome)", class))
	}
	AddReportEntry(outcome.SkipClassEntry, string(class), ReportEntryVisibilityNever)
	Skip(fmt.Sprintf(format, args...))
}

// Unstageable fails the current spec because its setup could not be staged
// for a reason that is neither the kernel's behaviour nor a named skip
// cause. The reason goes into the report (outcome.UnstageableEntry), from
// which the VM runner reports the spec as MISS, never as a kernel FAIL;
// natively it reads as the failure it is: loud, never silent.
func Unstageable(format string, args ...any) {
	GinkgoHelper()
	reason := fmt.Sprintf(format, args...)
	AddReportEntry(outcome.UnstageableEntry, reason, ReportEntryVisibilityNever)
	Fail("unstageable (no verdict on the kernel): " + reason)
}
