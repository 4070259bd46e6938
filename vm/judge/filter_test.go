package judge_test

import (
	"strings"
	"testing"

	"github.com/pidfdconf/pidfdconf/vm/judge"
)

func TestFilterSuites(t *testing.T) {
	areas := []string{"getfd", "info", "open", "open2", "signal"}
	for focus, want := range map[string]string{
		"open: pidfd_open(2) *": "open",
		"open*":                 "open open2",
		"*returns ESRCH":        "getfd info open open2 signal",
		"sig":                   "signal",
		"nosuch: *":             "",
	} {
		if got := strings.Join(judge.Filter{focus}.Suites(areas), " "); got != want {
			t.Errorf("Filter{%q}.Suites = %q, want %q", focus, got, want)
		}
	}
}

func TestEmptyFilterIsEverySpec(t *testing.T) {
	areas := []string{"getfd", "open"}
	if got := judge.Filter(nil).Suites(areas); strings.Join(got, " ") != "getfd open" {
		t.Errorf("Suites = %v", got)
	}
	if !judge.Filter(nil).Match(judge.Row{Suite: "open", Text: "x"}) || judge.Filter(nil).Match(judge.BootRow) {
		t.Error("the empty filter matches every spec and no runner row")
	}
}

func TestFilterMatchesAnyOfItsGlobs(t *testing.T) {
	f := judge.Filter{"open: * fails", "getfd: *ESRCH"}
	for _, c := range []struct {
		row  judge.Row
		want bool
	}{
		{judge.Row{Suite: "open", Text: "pidfd_open(2) fails"}, true},
		{judge.Row{Suite: "getfd", Text: "pidfd_getfd(2) fails with ESRCH"}, true},
		{judge.Row{Suite: "open", Text: "pidfd_open(2) works"}, false},
		{judge.Row{Suite: "poll", Text: "poll(2) fails"}, false},
	} {
		if got := f.Match(c.row); got != c.want {
			t.Errorf("Match(%s) = %v, want %v", c.row.Key(), got, c.want)
		}
	}
}
