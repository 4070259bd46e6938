package helpers

import (
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

func TestTrimmedKeepsWhatExplainsASpecThatDidNotPass(t *testing.T) {
	events := types.SpecEvents{{Message: "By: staging"}}
	failure := func() types.Failure {
		return types.Failure{Message: "why", Location: types.CodeLocation{FileName: "x.go", LineNumber: 7, FullStackTrace: "frames"}}
	}
	in := types.Report{SpecReports: types.SpecReports{
		{State: types.SpecStatePassed, SpecEvents: events},
		{State: types.SpecStateSkipped, SpecEvents: events, Failure: failure()},
		{State: types.SpecStateFailed, SpecEvents: events, Failure: failure()},
	}}
	out := trimmed(in).SpecReports
	if out[0].SpecEvents != nil || out[1].SpecEvents != nil {
		t.Errorf("a passed or skipped spec kept its timeline")
	}
	if skip := out[1].Failure; skip.Location.FullStackTrace != "" || skip.Message != "why" || skip.Location.LineNumber != 7 {
		t.Errorf("the skip reads %+v, want its message and location without the stack trace", skip)
	}
	if fail := out[2]; fail.SpecEvents == nil || fail.Failure.Location.FullStackTrace != "frames" {
		t.Errorf("the failed spec lost its timeline or stack trace: %+v", fail)
	}
	if in.SpecReports[1].SpecEvents == nil || in.SpecReports[1].Failure.Location.FullStackTrace == "" {
		t.Errorf("trimmed changed the report it was given")
	}
}
