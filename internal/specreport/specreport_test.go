package specreport

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/pidfdconf/pidfdconf/internal/outcome"
)

func TestOfMapsEveryState(t *testing.T) {
	entry := func(name, value string) types.ReportEntries {
		return types.ReportEntries{{Name: name, Value: types.WrapEntryValue(value)}}
	}
	failure := types.Failure{Message: " Expected EINVAL\n", Location: types.CodeLocation{FileName: "/x/open_test.go", LineNumber: 12}}
	cases := []struct {
		sr   types.SpecReport
		want Reading
	}{
		{types.SpecReport{State: types.SpecStatePassed}, Reading{Verdict: outcome.PASS}},
		{types.SpecReport{State: types.SpecStateSkipped, Failure: types.Failure{Message: "requires root"}, ReportEntries: entry(outcome.SkipClassEntry, "privilege")},
			Reading{Verdict: outcome.SKIP, Reason: "requires root", Class: outcome.Privilege}},
		{types.SpecReport{State: types.SpecStateSkipped, Failure: types.Failure{Message: "why"}, ReportEntries: entry(outcome.SkipClassEntry, "kernel")},
			Reading{Verdict: outcome.SKIP, Reason: "why", Class: Unclassified}},
		{types.SpecReport{State: types.SpecStateSkipped}, Reading{Verdict: outcome.MISS, Reason: NotReached}},
		{types.SpecReport{State: types.SpecStatePending}, Reading{Verdict: outcome.SKIP, Reason: "pending"}},
		{types.SpecReport{State: types.SpecStateTimedout, Failure: types.Failure{Message: "A spec timeout occurred"}}, Reading{Verdict: outcome.TIMEOUT, Reason: "A spec timeout occurred"}},
		{types.SpecReport{State: types.SpecStateInterrupted, Failure: types.Failure{Message: "interrupted"}}, Reading{Verdict: outcome.TIMEOUT, Reason: "suite timeout: interrupted"}},
		{types.SpecReport{State: types.SpecStateFailed, Failure: failure}, Reading{Verdict: outcome.FAIL, Reason: "Expected EINVAL", Location: "open_test.go:12"}},
		{types.SpecReport{State: types.SpecStateFailed, Failure: failure, ReportEntries: entry(outcome.UnstageableEntry, "no second user")},
			Reading{Verdict: outcome.MISS, Reason: "could not be staged: no second user", Location: "open_test.go:12"}},
		{types.SpecReport{State: types.SpecStatePanicked, Failure: types.Failure{Message: "x", ForwardedPanic: "nil map"}}, Reading{Verdict: outcome.FAIL, Reason: "panic: nil map"}},
	}
	for _, c := range cases {
		if got := Of(c.sr); got != c.want {
			t.Errorf("Of(%s %q) = %+v, want %+v", c.sr.State, c.sr.Failure.Message, got, c.want)
		}
	}
}
